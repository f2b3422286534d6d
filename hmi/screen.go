package hmi

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"

	"github.com/sightglass/sightglass/historian"
	"github.com/sightglass/sightglass/project"
	"github.com/sightglass/sightglass/station"
	"github.com/sightglass/sightglass/tags"
)

// ScreenStation is what the process screens need of a running station.
type ScreenStation interface {
	// Name is the station's name, shown in the frame.
	Name() string
	// Bus carries the live values; the view reads Bus().Snapshot at
	// screenRefresh.
	Bus() *tags.Bus
	// Write is the station's single write path (see Station.Write). The
	// view calls it off the UI goroutine, only after the person confirmed
	// "TAG: old → new", as the person signed in, and cancels ctx on Stop.
	Write(ctx context.Context, a station.Actor, tag, value string) (old, new tags.VQT, err error)
	// RawHistory returns a tag's samples over [from, to), at most limit,
	// for sparklines. The view calls it off the UI goroutine every few
	// seconds per shown sparkline.
	RawHistory(ctx context.Context, tag string, from, to time.Time, limit int) ([]historian.Sample, error)
}

// screenRefresh is the view's tick: 5 Hz, inside the 4–10 Hz the
// architecture gives the HMI (ARCHITECTURE.md, data flow), as the main
// window's.
const screenRefresh = time.Second / 5

// screenWriteTimeout bounds a write the person is waiting for; the
// station's device timeout is normally shorter.
const screenWriteTimeout = 10 * time.Second

// ErrUnknownScreen: no screen of that name in the project.
var ErrUnknownScreen = errors.New("no such screen")

// frameDevicePrefix and frameDeviceSuffix name the tags whose count makes the
// frame's "devices n/m connected" (drivers.SystemTagNames).
const (
	frameDevicePrefix = "_System.Devices."
	frameDeviceSuffix = ".Connected"
)

// ScreenView shows the project's process screens, one at a time, scaled
// to the space it has, inside a frame: station, user, devices, clock,
// breadcrumbs, back and forward, an alarm banner area, a screen tree and a
// status line.
//
// One ticker (Start) takes one snapshot of the bus at screenRefresh, and
// only when the bus changed (and once a second, for the clock and for
// values going stale); each element redraws only when its own VQT changed.
// A screen's widgets are built the first time it is shown and kept.
//
// Every method but Start and Stop runs on the Fyne goroutine.
type ScreenView struct {
	st      ScreenStation
	idx     *screenIndex
	symbols *symbolSet
	now     func() time.Time // time.Now; tests pin it

	// UI state, touched only on the Fyne goroutine.
	bus        *tags.Bus
	table      *tags.Table
	snap       []tags.VQT // reused for every snapshot
	version    uint64     // bus version snap reflects
	fresh      bool       // snap holds a snapshot of bus
	lastSecond time.Time  // the wall-clock second the clock and staleness were last looked at
	devIDs     []tags.ID  // the _System.Devices.*.Connected tags
	built      map[string]*builtScreen
	faces      map[string]*builtScreen // faceplates: built apart, at design size
	cur        *builtScreen
	hist       navHistory
	face       *faceplate      // the open faceplate
	confirm    *confirmDialog  // the open write confirmation
	entry      *setpointDialog // the open setpoint entry
	tablet     bool
	autoTablet bool // the layout follows the window's width until SetTabletLayout
	frame      *screenFrame
	content    fyne.CanvasObject

	uiLoop // the ticker; ctx is the parent of writes and history reads, wg counts them
}

// NewScreenView builds the view for screens and shows the first L1 screen.
// symbol returns a symbol's SVG by name (assets.Symbol); it may be nil, and
// a symbol it does not know is drawn as a labelled circle. Call Start to
// make the view live.
func NewScreenView(st ScreenStation, screens []project.Screen, symbol func(name string) ([]byte, bool)) *ScreenView {
	v := &ScreenView{
		st:         st,
		idx:        newScreenIndex(screens),
		symbols:    newSymbolSet(symbol),
		now:        time.Now,
		hist:       newNavHistory(),
		autoTablet: true,
	}
	v.initLoop()
	v.frame = newScreenFrame(v)
	v.content = v.frame.root
	v.setBus(st.Bus())
	if home := v.idx.home(); home != "" {
		_ = v.Show(home) // home is one of idx's screens
	}
	v.frame.setClock(v.now())
	return v
}

// Content is the view: the frame, the screen tree and the shown screen.
func (v *ScreenView) Content() fyne.CanvasObject { return v.content }

// AlarmBanner is the frame's area for the alarm banner: empty until the
// alarm view fills it.
func (v *ScreenView) AlarmBanner() *fyne.Container { return v.frame.banner }

// Current is the name of the shown screen; "" when there is none.
func (v *ScreenView) Current() string { return v.hist.current() }

// Show shows the screen called name and adds it to the history.
func (v *ScreenView) Show(name string) error {
	if err := v.show(name); err != nil {
		return err
	}
	v.hist.push(name)
	v.frame.showNav(v)
	return nil
}

// Back shows the screen before this one in the history.
func (v *ScreenView) Back() {
	if name, ok := v.hist.back(); ok {
		_ = v.show(name) // in the history, so known
		v.frame.showNav(v)
	}
}

// Forward shows the screen Back left.
func (v *ScreenView) Forward() {
	if name, ok := v.hist.forward(); ok {
		_ = v.show(name)
		v.frame.showNav(v)
	}
}

// show puts screen name in the stage, building it the first time, and
// brings it up to date with the bus at once.
func (v *ScreenView) show(name string) error {
	sc, ok := v.idx.get(name)
	if !ok {
		return fmt.Errorf("%w: %q", ErrUnknownScreen, name)
	}
	v.closeFaceplate()
	b := v.built[name]
	if b == nil {
		b = buildScreen(sc, v.table, v.symbols, v, false)
		v.built[name] = b
	}
	b.followTheme()
	v.cur = b
	stage := v.frame.stage
	stage.Objects = []fyne.CanvasObject{b.root}
	b.relayout(stage.Size(), v.tablet)
	canvas.Refresh(stage)
	v.catchUp(b)
	return nil
}

// catchUp brings a screen just shown up to date with the bus.
func (v *ScreenView) catchUp(b *builtScreen) {
	if v.bus == nil {
		return
	}
	if !v.fresh || v.bus.Version() != v.version {
		v.snap, v.version = v.bus.Snapshot(v.snap)
		v.fresh = true
	}
	now := v.now()
	b.apply(v.snap, now)
	if v.running.Load() {
		v.fetchSparks(b, now)
	}
}

// setBus binds the view to bus: a new station or project, whose tag IDs
// mean other tags. Built screens are dropped and the shown one rebuilt.
func (v *ScreenView) setBus(bus *tags.Bus) {
	v.bus, v.fresh = bus, false
	v.table = nil
	v.devIDs = v.devIDs[:0]
	if bus != nil {
		v.table = bus.Table()
		for i, d := range v.table.Defs() {
			if strings.HasPrefix(d.Name, frameDevicePrefix) && strings.HasSuffix(d.Name, frameDeviceSuffix) {
				v.devIDs = append(v.devIDs, tags.ID(i))
			}
		}
	}
	v.built = map[string]*builtScreen{}
	v.faces = map[string]*builtScreen{}
	if cur := v.hist.current(); cur != "" {
		_ = v.show(cur)
	}
}

// Start starts the ticker. It does nothing if the view is running.
func (v *ScreenView) Start() {
	v.startLoop(func(_ context.Context, stop <-chan struct{}) { tickEvery(stop, screenRefresh, v.tick) })
}

// Stop stops the ticker, cancels writes and history reads in flight and
// waits for them to end. It may be called again.
func (v *ScreenView) Stop() {
	v.stopLoop()
}

func (v *ScreenView) tick() {
	if v.running.Load() {
		v.refresh()
	}
}

// refresh brings the shown screen up to date. When the bus has not
// changed it does nothing, but on the first tick of each wall-clock second
// it redraws the clock, looks again for values gone stale, and asks for
// sparklines that are due: the window's other views tick at the same
// instants (tickEvery), so what changes with the second changes in one
// repaint. It runs on the Fyne goroutine.
func (v *ScreenView) refresh() {
	now := v.now()
	bus := v.st.Bus()
	if bus != v.bus {
		v.setBus(bus)
	}
	second := now.Truncate(time.Second)
	secondDue := !second.Equal(v.lastSecond)
	if bus == nil {
		return
	}
	changed := !v.fresh || bus.Version() != v.version
	if !changed && !secondDue {
		return
	}
	if changed {
		v.snap, v.version = bus.Snapshot(v.snap)
		v.fresh = true
	}
	// An element redraws only when its VQT or its staleness changed, so
	// applying an unchanged snapshot once a second costs no repaint.
	if v.cur != nil {
		v.cur.apply(v.snap, now)
	}
	if v.face != nil {
		v.face.b.apply(v.snap, now)
	}
	v.frame.showDevices(v.snap, v.devIDs)
	if secondDue {
		v.lastSecond = second
		v.frame.setClock(now)
		if v.running.Load() {
			if v.cur != nil {
				v.fetchSparks(v.cur, now)
			}
			if v.face != nil {
				v.fetchSparks(v.face.b, now)
			}
		}
	}
}

// fetchSparks asks the historian for b's sparklines that are due, each
// off the Fyne goroutine.
func (v *ScreenView) fetchSparks(b *builtScreen, now time.Time) {
	v.mu.Lock()
	parent := v.ctx
	v.mu.Unlock()
	for _, s := range b.sparks {
		if !s.due(now) || s.e.Tag == "" {
			continue
		}
		s.inFlight, s.lastFetch = true, now
		v.wg.Go(func() {
			pts, err := s.fetch(parent, v.st, now)
			fyne.Do(func() { s.setPoints(pts, err) })
		})
	}
}

// SetTabletLayout switches the tablet layout on or off for good: touch
// targets of at least screenTouchTarget pixels and larger text in the frame and
// dialogs. Until it is called the view chooses by itself: tablet when it
// is narrower than screenTabletWidth or the device is mobile.
func (v *ScreenView) SetTabletLayout(on bool) {
	v.autoTablet = false
	v.applyTablet(on)
}

// screenTabletWidth is the width under which the view goes to the tablet layout
// by itself: a 10" tablet in landscape is about 1280 px wide, a
// control-room monitor 1920.
const screenTabletWidth = 1000

// autoTabletFor picks the layout for a view of size, when it is automatic.
func (v *ScreenView) autoTabletFor(size fyne.Size) bool {
	if !v.autoTablet || size.Width <= 0 {
		return false
	}
	want := size.Width < screenTabletWidth || fyne.CurrentDevice().IsMobile()
	if want == v.tablet {
		return false
	}
	v.applyTablet(want)
	return true
}

func (v *ScreenView) applyTablet(on bool) {
	v.tablet = on
	v.frame.setTablet(on)
	if v.cur != nil {
		v.cur.relayout(v.frame.stage.Size(), on)
	}
	if v.face != nil {
		v.face.b.relayout(v.face.b.root.Size(), on)
	}
}
