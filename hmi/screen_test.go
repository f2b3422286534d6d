package hmi

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"go.uber.org/goleak"

	"github.com/sightglass/sightglass/auth"
	"github.com/sightglass/sightglass/historian"
	"github.com/sightglass/sightglass/project"
	"github.com/sightglass/sightglass/station"
	"github.com/sightglass/sightglass/tags"
)

// The screen tests' tags.
var scrDefs = []tags.Def{
	{Name: "Area1.Tank1.Level", Type: tags.TypeFloat32, Units: "m"},
	{Name: "Area1.Tank1.Temp", Type: tags.TypeFloat32, Units: "°C"},
	{Name: "Area1.Pump1.Running", Type: tags.TypeBool},
	{Name: "Area1.Pump1.Fault", Type: tags.TypeBool},
	{Name: "Area1.Pump1.Start", Type: tags.TypeBool, Writable: true},
	{Name: "Area1.Pump1.Auto", Type: tags.TypeBool, Writable: true},
	{Name: "Area1.Pump1.Speed", Type: tags.TypeFloat32, Units: "rpm", Writable: true},
	{Name: "Area1.Valve1.Mode", Type: tags.TypeInt16},
	{Name: "Area1.Valve1.Position", Type: tags.TypeFloat32, Units: "%", Writable: true},
	{Name: "_System.Devices.plc1.Connected", Type: tags.TypeBool},
	{Name: "_System.Devices.plc2.Connected", Type: tags.TypeBool},
}

// The station itself is a ScreenStation, a Station, an AlarmStation and
// an AuditStation.
var (
	_ ScreenStation = (*station.Station)(nil)
	_ Station       = (*station.Station)(nil)
	_ AlarmStation  = (*station.Station)(nil)
	_ AuditStation  = (*station.Station)(nil)
)

// scrFailTag's writes fail as a device exception would.
const scrFailTag = "Area1.Valve1.Position"

var errScrDevice = errors.New("plc1: device exception 2 (illegal data address)")

// scrSlowTag's writes last until they are cancelled.
const scrSlowTag = "Area1.Tank1.Temp"

// scrT0 is the screen tests' "now".
var scrT0 = time.Date(2026, 3, 1, 10, 0, 0, 0, time.Local)

// scrStation is a ScreenStation around a real bus. Write parses the value
// as the station does and publishes it; RawHistory answers from history.
type scrStation struct {
	bus       *tags.Bus
	busCalled chan struct{} // cap 1: signalled on every Bus call

	gate chan struct{} // when set, RawHistory waits for it to close

	users *auth.Manager // nil: no users (the window shows nobody signed in)

	mu      sync.Mutex      // guards writes, history, reads, actors
	writes  []string        // "tag=value", in call order
	actors  []station.Actor // the actor of each write
	history map[string][]historian.Sample
	reads   int
}

func newScrStation(defs []tags.Def) *scrStation {
	return &scrStation{
		bus:       tags.NewBus(tags.NewTable(defs)),
		busCalled: make(chan struct{}, 1),
		history:   map[string][]historian.Sample{},
	}
}

func (s *scrStation) Name() string { return "Test station" }

func (s *scrStation) Bus() *tags.Bus {
	select {
	case s.busCalled <- struct{}{}:
	default:
	}
	return s.bus
}

func (s *scrStation) Users() *auth.Manager { return s.users }

func (s *scrStation) Write(ctx context.Context, a station.Actor, tag, value string) (old, nw tags.VQT, err error) {
	s.mu.Lock()
	s.writes = append(s.writes, tag+"="+value)
	s.actors = append(s.actors, a)
	s.mu.Unlock()
	id, ok := s.bus.Table().Lookup(tag)
	if !ok {
		return old, nw, fmt.Errorf("%s: %w", tag, station.ErrUnknownTag)
	}
	old = s.bus.Get(id)
	switch tag {
	case scrFailTag:
		return old, old, errScrDevice
	case scrSlowTag:
		<-ctx.Done()
		return old, old, ctx.Err()
	}
	v, err := station.ParseValue(s.bus.Table().Def(id), value)
	if err != nil {
		return old, old, fmt.Errorf("%s: %w", tag, err)
	}
	nw = tags.VQT{Value: v, Quality: tags.GoodQuality, Time: scrT0}
	s.bus.Publish([]tags.Update{{ID: id, VQT: nw}})
	return old, nw, nil
}

func (s *scrStation) RawHistory(ctx context.Context, tag string, from, to time.Time, limit int) ([]historian.Sample, error) {
	if s.gate != nil {
		<-s.gate
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reads++
	h, ok := s.history[tag]
	if !ok {
		return nil, fmt.Errorf("%s: %w", tag, station.ErrNoHistory)
	}
	var out []historian.Sample
	for _, x := range h {
		if x.T >= historian.Millis(from) && x.T < historian.Millis(to) && (limit == 0 || len(out) < limit) {
			out = append(out, x)
		}
	}
	return out, nil
}

func (s *scrStation) writeCalls() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.writes)
}

func (s *scrStation) publish(t testing.TB, name string, v tags.Value, q tags.Quality, at time.Time) {
	t.Helper()
	id, ok := s.bus.Table().Lookup(name)
	if !ok {
		t.Fatalf("no tag %q", name)
	}
	s.bus.Publish([]tags.Update{{ID: id, VQT: tags.VQT{Value: v, Quality: q, Time: at}}})
}

// scrSVG is a symbol drawn in lines, as the project's are.
const scrSVG = `<svg xmlns="http://www.w3.org/2000/svg" width="24" height="24" viewBox="0 0 24 24"><circle cx="12" cy="12" r="10" fill="none" stroke="#404040"/></svg>`

func scrSymbols(name string) ([]byte, bool) {
	if name == "pump" || name == "valve" {
		return []byte(scrSVG), true
	}
	return nil, false
}

// scrScreens is a small plant: an overview, an area with one element of
// every kind, the pump's faceplate and its diagnostics.
func scrScreens() []project.Screen {
	return []project.Screen{
		{Name: "overview", Level: 1, Title: "Plant overview", Width: 800, Height: 600, Elements: []project.Element{
			{Kind: project.KindLabel, X: 20, Y: 20, W: 200, H: 30, Text: "Plant"},
			{Kind: project.KindNav, X: 20, Y: 80, W: 120, H: 30, Text: "Area 1", Target: "area1"},
		}},
		{Name: "area1", Level: 2, Title: "Area 1", Parent: "overview", Width: 800, Height: 600, Elements: []project.Element{
			/* 0 */ {Kind: project.KindValue, X: 10, Y: 10, W: 120, H: 24, Tag: "Area1.Tank1.Level"},
			/* 1 */ {Kind: project.KindIndicator, X: 150, Y: 10, W: 60, H: 200, Tag: "Area1.Tank1.Level", Min: 0, Max: 10,
				NormalLo: 2, NormalHi: 8, HasNormal: true, AlarmLo: 1, AlarmHi: 9, HasAlarmLim: true},
			/* 2 */ {Kind: project.KindBar, X: 230, Y: 10, W: 20, H: 200, Tag: "Area1.Tank1.Level", Min: 0, Max: 10, AlarmHi: 9, AlarmLo: 1, HasAlarmLim: true},
			/* 3 */ {Kind: project.KindTank, X: 270, Y: 10, W: 100, H: 200, Tag: "Area1.Tank1.Level", Min: 0, Max: 10},
			/* 4 */ {Kind: project.KindState, X: 10, Y: 50, W: 120, H: 24, Tag: "Area1.Pump1.Running", OnText: "running", OffText: "stopped"},
			/* 5 */ {Kind: project.KindMultiState, X: 10, Y: 80, W: 120, H: 24, Tag: "Area1.Valve1.Mode",
				States: map[int]string{0: "closed", 1: "open", 2: "travel", 3: "jammed"}, Abnormal: []int{3}},
			/* 6 */ {Kind: project.KindSymbol, X: 400, Y: 10, W: 48, H: 48, Symbol: "pump", Tag: "Area1.Pump1.Running", Fault: "Area1.Pump1.Fault"},
			/* 7 */ {Kind: project.KindPipe, Points: [][2]float32{{448, 34}, {600, 34}, {600, 200}}},
			/* 8 */ {Kind: project.KindRect, X: 390, Y: 0, W: 220, H: 230},
			/* 9 */ {Kind: project.KindLabel, X: 10, Y: 250, W: 200, H: 24, Text: "Feed section"},
			/* 10 */ {Kind: project.KindSparkline, X: 10, Y: 300, W: 200, H: 60, Tag: "Area1.Tank1.Level", Minutes: 10},
			/* 11 */ {Kind: project.KindButton, X: 400, Y: 300, W: 80, H: 30, Text: "Start", Tag: "Area1.Pump1.Start", Mode: "momentary"},
			/* 12 */ {Kind: project.KindButton, X: 500, Y: 300, W: 80, H: 30, Text: "Auto", Tag: "Area1.Pump1.Auto", Mode: "toggle"},
			/* 13 */ {Kind: project.KindSetpoint, X: 400, Y: 350, W: 100, H: 24, Tag: "Area1.Pump1.Speed", Format: "%.1f"},
			/* 14 */ {Kind: project.KindNav, X: 400, Y: 400, W: 100, H: 30, Text: "P-101", Target: "pump1", Faceplate: true},
			/* 15 */ {Kind: project.KindNav, X: 520, Y: 400, W: 100, H: 30, Text: "Overview", Target: "overview"},
			/* 16 */ {Kind: project.KindSetpoint, X: 400, Y: 450, W: 100, H: 24, Tag: scrFailTag},
			/* 17 */ {Kind: project.KindButton, X: 520, Y: 450, W: 80, H: 30, Text: "Ack", Tag: "Area1.Tank1.Level"},
			/* 18 */ {Kind: project.KindSymbol, X: 460, Y: 10, W: 48, H: 48, Symbol: "fan", Tag: "Area1.Pump1.Running"},
		}},
		{Name: "pump1", Level: 3, Title: "Feed pump P-101", Parent: "area1", Width: 300, Height: 200, Elements: []project.Element{
			{Kind: project.KindValue, X: 10, Y: 10, W: 120, H: 24, Tag: "Area1.Pump1.Speed"},
			{Kind: project.KindState, X: 10, Y: 40, W: 120, H: 24, Tag: "Area1.Pump1.Running"},
			{Kind: project.KindNav, X: 10, Y: 80, W: 120, H: 30, Text: "Diagnostics", Target: "diag"},
		}},
		{Name: "diag", Level: 4, Title: "P-101 diagnostics", Parent: "pump1", Width: 400, Height: 300, Elements: []project.Element{
			{Kind: project.KindValue, X: 10, Y: 10, W: 120, H: 24, Tag: "Area1.Pump1.Speed"},
		}},
	}
}

// newScreenTest opens a view of scrScreens in a 1400×900 window, with its
// clock at scrT0 and the plant in a known, good state.
func newScreenTest(t *testing.T) (*ScreenView, *scrStation, fyne.Window) {
	t.Helper()
	test.NewTempApp(t).Settings().SetTheme(NewTheme())
	st := newScrStation(scrDefs)
	good := tags.GoodQuality
	st.publish(t, "Area1.Tank1.Level", tags.Float32(5.25), good, scrT0)
	st.publish(t, "Area1.Tank1.Temp", tags.Float32(21), good, scrT0)
	st.publish(t, "Area1.Pump1.Running", tags.Bool(true), good, scrT0)
	st.publish(t, "Area1.Pump1.Fault", tags.Bool(false), good, scrT0)
	st.publish(t, "Area1.Pump1.Start", tags.Bool(false), good, scrT0)
	st.publish(t, "Area1.Pump1.Auto", tags.Bool(true), good, scrT0)
	st.publish(t, "Area1.Pump1.Speed", tags.Float32(40), good, scrT0)
	st.publish(t, "Area1.Valve1.Mode", tags.Int(1), good, scrT0)
	st.publish(t, "Area1.Valve1.Position", tags.Float32(30), good, scrT0)
	st.publish(t, "_System.Devices.plc1.Connected", tags.Bool(true), good, scrT0)
	st.publish(t, "_System.Devices.plc2.Connected", tags.Bool(false), good, scrT0)

	v := NewScreenView(st, scrScreens(), scrSymbols)
	v.now = func() time.Time { return scrT0 }
	v.SetTabletLayout(false)
	w := test.NewTempWindow(t, v.Content())
	w.Resize(fyne.NewSize(1400, 900))
	v.refresh()
	return v, st, w
}

// scrElem returns element i of the shown screen.
func scrElem[T screenElement](t *testing.T, v *ScreenView, i int) T {
	t.Helper()
	if v.cur == nil || i >= len(v.cur.elems) {
		t.Fatalf("no element %d on the shown screen", i)
	}
	w, ok := v.cur.elems[i].(T)
	if !ok {
		t.Fatalf("element %d is a %T", i, v.cur.elems[i])
	}
	return w
}

// renderer returns w's renderer as type R.
func scrRenderer[R fyne.WidgetRenderer](t *testing.T, w fyne.Widget) R {
	t.Helper()
	r, ok := test.WidgetRenderer(w).(R)
	if !ok {
		t.Fatalf("%T has renderer %T", w, test.WidgetRenderer(w))
	}
	return r
}

func TestScreenViewShowsHome(t *testing.T) {
	v, _, _ := newScreenTest(t)
	if got := v.Current(); got != "overview" {
		t.Errorf("first screen = %q, want the L1 overview", got)
	}
	if got, want := v.frame.station.Text, "Test station"; got != want {
		t.Errorf("station = %q, want %q", got, want)
	}
	if got := v.frame.userText(); got != "Viewer — not signed in" {
		t.Errorf("user = %q", got)
	}
	if got, want := v.frame.clock.Text, "10:00"; got != want {
		t.Errorf("clock = %q, want %q", got, want)
	}
	if got, want := v.frame.devices.Text, "devices 1/2 connected"; got != want {
		t.Errorf("devices = %q, want %q", got, want)
	}
	if v.frame.devices.Importance != widget.DangerImportance {
		t.Error("a lost device is not flagged")
	}
	if v.AlarmBanner() == nil || len(v.AlarmBanner().Objects) != 0 {
		t.Error("the alarm banner area is missing or not empty")
	}
}

func TestScreenViewNoScreens(t *testing.T) {
	test.NewTempApp(t)
	v := NewScreenView(newScrStation(scrDefs), nil, nil)
	if v.Current() != "" || len(v.frame.stage.Objects) != 0 {
		t.Error("a view without screens shows something")
	}
	if err := v.Show("x"); !errors.Is(err, ErrUnknownScreen) {
		t.Errorf("Show(unknown) = %v, want ErrUnknownScreen", err)
	}
	v.Back()
	v.Forward()
	v.refresh()
}

func TestScreenScales(t *testing.T) {
	v, _, w := newScreenTest(t)
	must(t, v.Show("area1"))
	for _, tc := range []struct {
		stage     fyne.Size
		scale     float32
		ox, oy    float32
		valueSize fyne.Size
	}{
		{fyne.NewSize(800, 600), 1, 0, 0, fyne.NewSize(120, 24)},
		{fyne.NewSize(1600, 1000), 1.6666666, (1600 - 800*1.6666666) / 2, 0, fyne.NewSize(200, 40)},
		{fyne.NewSize(400, 600), 0.5, 0, 150, fyne.NewSize(60, 12)},
	} {
		v.frame.stage.Resize(tc.stage)
		val := scrElem[*textElem](t, v, 0)
		if val.scale-tc.scale > 1e-4 || tc.scale-val.scale > 1e-4 {
			t.Errorf("stage %v: scale %v, want %v", tc.stage, val.scale, tc.scale)
		}
		want := fyne.NewPos(tc.ox+10*tc.scale, tc.oy+10*tc.scale)
		if d := val.Position().Subtract(want); d.X*d.X+d.Y*d.Y > 0.01 {
			t.Errorf("stage %v: value at %v, want %v", tc.stage, val.Position(), want)
		}
		if d := val.Size().Subtract(tc.valueSize); d.Width*d.Width+d.Height*d.Height > 0.01 {
			t.Errorf("stage %v: value size %v, want %v", tc.stage, val.Size(), tc.valueSize)
		}
		text := scrRenderer[*textElemRenderer](t, val).shownText()
		if want := max(14*tc.scale, minElemText); text.TextSize-want > 1e-3 || want-text.TextSize > 1e-3 {
			t.Errorf("stage %v: text size %v, want %v", tc.stage, text.TextSize, want)
		}
	}
	_ = w
}

func TestScreenCachesBuiltScreens(t *testing.T) {
	v, _, _ := newScreenTest(t)
	must(t, v.Show("area1"))
	first := v.cur.root
	must(t, v.Show("overview"))
	must(t, v.Show("area1"))
	if v.cur.root != first {
		t.Error("showing a screen again built it again")
	}
}

func TestScreenNavigation(t *testing.T) {
	v, _, _ := newScreenTest(t)
	f := v.frame
	check := func(step, cur string, crumbs []string, back, fwd bool) {
		t.Helper()
		if v.Current() != cur {
			t.Errorf("%s: current = %q, want %q", step, v.Current(), cur)
		}
		if got := f.crumbTexts(); !slices.Equal(got, crumbs) {
			t.Errorf("%s: breadcrumbs %q, want %q", step, got, crumbs)
		}
		if f.back.Disabled() == back || f.forward.Disabled() == fwd {
			t.Errorf("%s: back enabled %v, forward enabled %v; want %v, %v", step, !f.back.Disabled(), !f.forward.Disabled(), back, fwd)
		}
		if len(f.stage.Objects) != 1 || f.stage.Objects[0] != v.built[cur].root {
			t.Errorf("%s: the stage does not hold %q", step, cur)
		}
	}
	check("start", "overview", []string{"Plant overview"}, false, false)

	test.Tap(scrElemOn(t, v, 1)) // the overview's nav to area1
	check("nav", "area1", []string{"Plant overview", "Area 1"}, true, false)

	must(t, v.Show("diag"))
	check("show", "diag", []string{"Plant overview", "Area 1", "Feed pump P-101", "P-101 diagnostics"}, true, false)

	v.Back()
	check("back", "area1", []string{"Plant overview", "Area 1"}, true, true)
	v.Back()
	check("back twice", "overview", []string{"Plant overview"}, false, true)
	v.Back() // nothing before the first
	check("back at start", "overview", []string{"Plant overview"}, false, true)
	v.Forward()
	check("forward", "area1", []string{"Plant overview", "Area 1"}, true, true)

	// A breadcrumb is a button to its screen; showing a screen drops what
	// Forward could reach.
	crumb := f.crumbs.Objects[0].(*fyne.Container).Objects[1].(*widget.Button)
	test.Tap(crumb)
	check("crumb", "overview", []string{"Plant overview"}, true, false)

	// The frame's buttons do the same as the methods.
	test.Tap(f.back)
	check("back button", "area1", []string{"Plant overview", "Area 1"}, true, true)
	test.Tap(f.forward)
	check("forward button", "overview", []string{"Plant overview"}, true, false)

	if err := v.Show("nowhere"); !errors.Is(err, ErrUnknownScreen) {
		t.Errorf("Show(unknown) = %v", err)
	}
	check("unknown", "overview", []string{"Plant overview"}, true, false)
}

// scrElemOn returns the shown screen's element i as something to tap.
func scrElemOn(t *testing.T, v *ScreenView, i int) *textElem {
	t.Helper()
	return scrElem[*textElem](t, v, i)
}

func TestScreenTree(t *testing.T) {
	v, _, _ := newScreenTest(t)
	idx := v.idx
	if got, want := idx.children[""], []string{"overview"}; !slices.Equal(got, want) {
		t.Errorf("roots %q, want %q", got, want)
	}
	if got, want := idx.children["area1"], []string{"pump1"}; !slices.Equal(got, want) {
		t.Errorf("area1's children %q, want %q", got, want)
	}
	s, _ := idx.get("pump1")
	if got, want := treeLabel(s), "L3  Feed pump P-101"; got != want {
		t.Errorf("tree label %q, want %q", got, want)
	}
	v.frame.tree.Select("diag")
	if v.Current() != "diag" {
		t.Errorf("selecting diag in the tree shows %q", v.Current())
	}
	must(t, v.Show("area1"))
	if v.frame.selected != "area1" {
		t.Errorf("tree selection %q after Show(area1)", v.frame.selected)
	}

	// A parent that does not exist, and a loop, put screens at the top.
	odd := newScreenIndex([]project.Screen{
		{Name: "a", Parent: "missing"},
		{Name: "b", Parent: "c"},
		{Name: "c", Parent: "b"},
		{Name: "d", Parent: "a"},
	})
	if got, want := odd.children[""], []string{"a", "b", "c"}; !slices.Equal(got, want) {
		t.Errorf("roots %q, want %q", got, want)
	}
	if got := odd.chain("d"); len(got) != 2 || got[0].Name != "a" {
		t.Errorf("chain(d) = %v", got)
	}
	if got := odd.chain("b"); len(got) != 2 {
		t.Errorf("chain of a loop = %d screens, want 2", len(got))
	}
	if got := odd.home(); got != "a" {
		t.Errorf("home without L1 = %q", got)
	}
}

func TestNavHistory(t *testing.T) {
	h := newNavHistory()
	if _, ok := h.back(); ok {
		t.Error("back on an empty history")
	}
	for _, n := range []string{"a", "b", "b", "c"} {
		h.push(n)
	}
	if got := h.names; !slices.Equal(got, []string{"a", "b", "c"}) {
		t.Errorf("history %q: showing the current screen again must not push", got)
	}
	h.back()
	h.push("d")
	if got := h.names; !slices.Equal(got, []string{"a", "b", "d"}) || h.canForward() {
		t.Errorf("history %q after back and push: forward must be dropped", got)
	}
	for i := range 2 * navDepth {
		h.push(fmt.Sprint(i))
	}
	if len(h.names) != navDepth || h.current() != fmt.Sprint(2*navDepth-1) {
		t.Errorf("history of %d, current %q", len(h.names), h.current())
	}
}

func TestScreenFaceplate(t *testing.T) {
	v, st, _ := newScreenTest(t)
	must(t, v.Show("area1"))
	test.Tap(scrElemOn(t, v, 14)) // P-101, a faceplate
	if v.face == nil || !v.face.pop.Visible() {
		t.Fatal("the faceplate did not open")
	}
	if v.Current() != "area1" {
		t.Errorf("a faceplate navigated to %q", v.Current())
	}
	b := v.face.b
	if got, want := b.root.MinSize(), fyne.NewSize(300, 200); got != want {
		t.Errorf("faceplate size %v, want its design size %v", got, want)
	}
	speed := b.elems[0].(*textElem)
	if got := scrRenderer[*textElemRenderer](t, speed).shownText().Text; got != "40.00 rpm" {
		t.Errorf("faceplate speed %q", got)
	}
	if speed.Size() != fyne.NewSize(120, 24) {
		t.Errorf("faceplate element size %v, want its design size", speed.Size())
	}
	// It is live while open.
	st.publish(t, "Area1.Pump1.Speed", tags.Float32(42.5), tags.GoodQuality, scrT0)
	v.refresh()
	if got := scrRenderer[*textElemRenderer](t, speed).shownText().Text; got != "42.50 rpm" {
		t.Errorf("faceplate speed after a change %q", got)
	}
	pop := v.face.pop
	test.Tap(v.face.close)
	if v.face != nil || pop.Visible() {
		t.Error("Close left the faceplate open")
	}

	// A faceplate larger than the window is scaled down to fit it.
	if got := faceplateScale(fyne.NewSize(1280, 800), fyne.NewSize(800, 600)); !near(got, (600*faceplateRoom-2*screenTouchTarget)/800) {
		t.Errorf("faceplate scale in a small window %v", got)
	}
	if got := faceplateScale(fyne.NewSize(300, 200), fyne.NewSize(1400, 900)); got != 1 {
		t.Errorf("faceplate scale in a large window %v", got)
	}

	// A nav inside a faceplate navigates the view and closes it.
	test.Tap(scrElemOn(t, v, 14))
	test.Tap(v.face.b.elems[2].(*textElem))
	if v.face != nil || v.Current() != "diag" {
		t.Errorf("nav in a faceplate: face open %v, current %q", v.face != nil, v.Current())
	}
}

func TestScreenTickerAndStop(t *testing.T) {
	v, st, _ := newScreenTest(t)
	must(t, v.Show("area1"))
	opt := goleak.IgnoreCurrent()
	st.publish(t, "Area1.Tank1.Level", tags.Float32(7), tags.GoodQuality, scrT0)
	<-st.busCalled // drain the calls made so far
	v.Start()
	v.Start() // a second Start does nothing
	for range 2 {
		select {
		case <-st.busCalled:
		case <-time.After(10 * time.Second):
			t.Fatal("no tick")
		}
	}
	v.Stop()
	if got := scrRenderer[*textElemRenderer](t, scrElem[*textElem](t, v, 0)).shownText().Text; got != "7.00 m" {
		t.Errorf("after ticks the value shows %q", got)
	}
	// A write in flight is cancelled by Stop, and nothing is left running.
	v.Start()
	v.write(&project.Element{Tag: scrSlowTag}, "", station.Actor{}, []string{"1"})
	v.Stop()
	goleak.VerifyNone(t, opt)
	if got := v.frame.status.Text; got != scrSlowTag+": write 1 failed: context canceled" {
		t.Errorf("status after a cancelled write = %q", got)
	}
	v.Stop() // again: harmless
}

func TestScreenFollowsANewBus(t *testing.T) {
	v, st, _ := newScreenTest(t)
	must(t, v.Show("area1"))
	old := v.cur
	st.bus = tags.NewBus(tags.NewTable(scrDefs))
	st.publish(t, "Area1.Tank1.Level", tags.Float32(1.5), tags.GoodQuality, scrT0)
	v.refresh()
	if v.cur == old {
		t.Fatal("the screen was not rebuilt for the new bus")
	}
	if got := scrRenderer[*textElemRenderer](t, scrElem[*textElem](t, v, 0)).shownText().Text; got != "1.50 m" {
		t.Errorf("value from the new bus %q", got)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// visibleObjects returns the visible canvas objects of type T drawn by w.
func visibleObjects[T fyne.CanvasObject](w fyne.Widget) []T {
	var out []T
	for _, o := range test.WidgetRenderer(w).Objects() {
		if x, ok := o.(T); ok && o.Visible() {
			out = append(out, x)
		}
	}
	return out
}
