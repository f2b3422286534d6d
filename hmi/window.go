package hmi

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sightglass/sightglass/auth"
	"github.com/sightglass/sightglass/drivers"
	"github.com/sightglass/sightglass/station"
	"github.com/sightglass/sightglass/tags"
)

// Station is what the window needs of a running station.
type Station interface {
	// Name is the station's name, shown in the header.
	Name() string
	// Bus carries the live values: Bus().Table() for the definitions,
	// Bus().Snapshot at the UI rate.
	Bus() *tags.Bus
	// Devices returns every device, in project order, with its connection
	// state and statistics. It is called on the UI goroutine at
	// refreshRate and must not block.
	Devices() []drivers.Stats
	// Write is the station's single write path: it checks that a (the
	// person signed in at the window) may write tag, asks a critical
	// write for a's signature, and audits it. value is text as a person
	// types it; old and new are the tag's VQT before and after. It may
	// block up to the device's timeout; the window calls it off the UI
	// goroutine and cancels ctx on Stop.
	Write(ctx context.Context, a station.Actor, tag string, value string) (old, new tags.VQT, err error)
	// Users is the station's user manager: who is signed in at the
	// window, sign-in and sign-out. nil: the station keeps no users; the
	// window then shows nobody signed in and leaves every refusal to the
	// station.
	Users() *auth.Manager
}

// refreshRate is how often the window looks at the bus: 5 Hz, inside the
// 4–10 Hz the architecture gives the HMI (ARCHITECTURE.md, data flow). It
// is fast enough that values look live and slow enough that a person can
// read a changing digit.
const refreshRate = 5

const refreshInterval = time.Second / refreshRate

// ageInterval is how often the age column, the clock and the device
// countdowns are redrawn when no value has changed.
const ageInterval = time.Second

// writeTimeout bounds a write the person is waiting for; the station's
// device timeout is normally shorter.
const writeTimeout = 10 * time.Second

// MainWindow is the station window: a header with the station's name and
// summary, the devices panel, the live tag table and a status line. When
// the station can answer history queries (it is a TrendSource) the
// devices and tags become a "Tags" tab beside a "Trend" tab.
//
// One ticker (Start) takes a snapshot of the bus at refreshRate and
// applies it on the Fyne goroutine; nothing else redraws on its own.
type MainWindow struct {
	win     fyne.Window
	st      Station
	content fyne.CanvasObject
	now     func() time.Time // time.Now; tests pin it

	// UI state, touched only on the Fyne goroutine (callbacks and fyne.Do).
	bus        *tags.Bus
	snap       []tags.VQT // reused for every snapshot
	version    uint64     // bus version snap reflects
	fresh      bool       // snap holds a snapshot of bus
	good       int        // tags of good quality in snap
	lastAge    time.Time  // the second ages were last redrawn in
	tags       *tagTable
	devices    *devicesPanel
	title      *widget.Label
	devSum     *widget.Label
	tagSum     *widget.Label
	clock      *widget.Label
	status     *widget.Label
	writeDlg   *writeDialog // open write dialog, for tests
	trend      *TrendView   // nil when the station keeps no history to trend
	tabs       *container.AppTabs
	screens    *ScreenView       // nil: the project has no process screens
	body       *fyne.Container   // the window's border layout; Objects[0] is center
	center     fyne.CanvasObject // the tags view, or the tabs
	trendTab   *container.TabItem
	tagsTab    *container.TabItem // nil until there are tabs
	screensTab *container.TabItem
	trendBtn   *widget.Button // adds the tag last chosen in the table to the trend
	picked     string         // the tag last chosen in the table
	alarms     *AlarmView     // nil: the station has no alarm system
	alarmsTab  *container.TabItem
	bannerSlot *fyne.Container // the header's place for the alarm banner while there are no screens
	people     *people         // nil: the station keeps no users
	userBar    *userBar
	audit      *AuditView // nil: the station keeps no audit trail
	auditTab   *container.TabItem
	models     *ModelsView // nil: the station runs no models
	users      *UsersView  // nil: the station keeps no users

	uiLoop // the ticker; ctx is the parent of writes, wg counts writes in flight
}

// NewWindow builds the station window into w (setting its content and its
// close handler) and draws the station once. Call Start to make it live;
// closing w stops it. The app installs the look first, with
// a.Settings().SetTheme(hmi.NewTheme()).
func NewWindow(w fyne.Window, st Station) *MainWindow {
	m := &MainWindow{win: w, st: st, now: time.Now}
	m.initLoop()
	m.tags = newTagTable(m.tagChosen)
	m.devices = newDevicesPanel()

	m.title = &widget.Label{Text: st.Name(), TextStyle: fyne.TextStyle{Bold: true}, SizeName: theme.SizeNameSubHeadingText}
	m.devSum = widget.NewLabel("")
	m.tagSum = widget.NewLabel("")
	m.clock = widget.NewLabel("")
	m.status = &widget.Label{Truncation: fyne.TextTruncateEllipsis}
	m.people = newPeople(st.Users(), w, &m.uiLoop)
	m.userBar = m.people.newBar(m.setStatus)
	header := container.NewHBox(m.title, layout.NewSpacer(), m.devSum, m.tagSum, m.clock)
	if m.people.active() {
		header.Objects = slices.Insert(header.Objects, 2, fyne.CanvasObject(m.userBar.box))
	}
	m.bannerSlot = container.NewVBox()

	split := container.NewVSplit(m.devices.table, m.tags.content)
	split.Offset = 0.25
	var center fyne.CanvasObject = split
	if ts, ok := st.(TrendSource); ok {
		center = m.addTrend(ts, split)
	}
	body := container.NewBorder(container.NewVBox(header, m.people.newNotice(), gatewayNotice(st), m.bannerSlot, widget.NewSeparator()), m.status, nil, nil, center)
	m.content = body
	m.body, m.center = body, center
	if as, ok := st.(AlarmStation); ok {
		if eng := as.Alarms(); eng != nil {
			m.addAlarms(eng, as)
		}
	}
	if as, ok := st.(AuditStation); ok && m.people.active() {
		m.addAudit(as)
	}
	if m.people.active() {
		m.addUsers()
	}
	m.addModels()
	if ops, ok := st.(OPCUAStation); ok && ops.OPCUAPKIDir() != "" {
		m.AddOPCUA(ops.OPCUAPKIDir())
	}

	w.SetContent(m.content)
	w.SetOnClosed(m.Stop)
	m.refresh()
	if m.people.active() && m.people.noAdmin {
		m.people.openFirstAdmin()
	}
	return m
}

// FollowCurrent makes the window follow the user manager's changes of the
// current session that it did not make itself (an idle sign-out falls
// back to the viewer at once), through r, whose OnCurrent the app set as
// the manager's auth.Options.OnCurrent.
func (m *MainWindow) FollowCurrent(r *CurrentRelay) { m.people.followRelay(r) }

// Content is the window's content, for a caller that places it itself.
func (m *MainWindow) Content() fyne.CanvasObject { return m.content }

// Start starts the ticker. It does nothing if the window is running.
func (m *MainWindow) Start() {
	m.startLoop(func(_ context.Context, stop <-chan struct{}) { tickEvery(stop, refreshInterval, m.tick) })
	if m.trend != nil {
		m.trend.Start()
	}
	if m.screens != nil {
		m.screens.Start()
	}
}

// Stop stops the ticker, cancels writes in flight and waits for both to
// end. It is called when the window closes and may be called again.
func (m *MainWindow) Stop() {
	m.people.stop()
	m.stopLoop()
	if m.trend != nil {
		m.trend.Stop()
	}
	if m.screens != nil {
		m.screens.Stop()
	}
}

func (m *MainWindow) tick() {
	if m.running.Load() {
		m.refresh()
	}
}

// refresh brings the window up to date with the station. It takes a new
// snapshot only when the bus version moved, and redraws the visible rows
// when it did or when ageInterval has passed. It runs on the Fyne
// goroutine.
func (m *MainWindow) refresh() {
	now := m.now()
	bus := m.st.Bus()
	if bus != m.bus {
		m.bus, m.fresh = bus, false
	}
	var defs *tags.Table
	if bus != nil {
		defs = bus.Table()
	}
	if defs != m.tags.defs {
		m.tags.setDefs(defs)
	}
	changed := false
	if bus != nil && (!m.fresh || bus.Version() != m.version) {
		m.snap, m.version = bus.Snapshot(m.snap)
		m.fresh, changed = true, true
		m.good = countGood(m.snap)
	}
	sec := now.Truncate(time.Second)
	ageDue := !sec.Equal(m.lastAge) || now.Before(m.lastAge)
	if ageDue {
		m.lastAge = sec
	}
	if t := now.Format(clockLayout); t != m.clock.Text {
		m.clock.SetText(t)
	}
	if changed || ageDue {
		m.tags.show(m.snap, now)
		setSummary(m.tagSum, "tags ", m.good, len(m.snap), " good")
	}
	m.devices.show(m.st.Devices(), now, ageDue)
	setSummary(m.devSum, "devices ", m.devices.connected(), len(m.devices.devs), " connected")
	if m.alarms != nil {
		if m.screens != nil {
			m.alarms.summary.setTablet(m.screens.tablet)
		}
		m.alarms.refresh(now)
	}
	m.models.refresh(m, now)
}

func countGood(snap []tags.VQT) int {
	n := 0
	for i := range snap {
		if snap[i].Quality.Level == tags.Good {
			n++
		}
	}
	return n
}

// setSummary shows "<prefix>n/m<suffix>", red when n < m.
func setSummary(l *widget.Label, prefix string, n, m int, suffix string) {
	text := prefix + strconv.Itoa(n) + "/" + strconv.Itoa(m) + suffix
	imp := widget.MediumImportance
	if n < m {
		imp = widget.DangerImportance
	}
	if l.Text != text || l.Importance != imp {
		l.Text, l.Importance = text, imp
		l.Refresh()
	}
}

// setStatus shows a message in the status line; imp colours failures.
func (m *MainWindow) setStatus(text string, imp widget.Importance) {
	m.status.Text, m.status.Importance = text, imp
	m.status.Refresh()
}

// addTrend makes the trend and returns the window's tabs: "Tags" (tags,
// the devices, and a button that trends the tag last chosen in the table)
// and "Trend". The trend follows now only while its tab is shown.
func (m *MainWindow) addTrend(ts TrendSource, tagsView fyne.CanvasObject) fyne.CanvasObject {
	m.trend = NewTrendView(ts, m.win)
	m.trend.SetShown(false)
	m.trendBtn = widget.NewButtonWithIcon(lang.L("Trend the chosen tag"), theme.ContentAddIcon(), m.trendPicked)
	m.trendBtn.Disable()
	bar := container.NewHBox(layout.NewSpacer(), m.trendBtn)
	m.trendTab = container.NewTabItem(lang.L("Trend"), m.trend.Content())
	m.tagsTab = container.NewTabItem(lang.L("Tags"), container.NewBorder(nil, bar, nil, nil, tagsView))
	m.tabs = container.NewAppTabs(m.tagsTab, m.trendTab)
	m.tabs.OnSelected = func(ti *container.TabItem) {
		m.people.touch()
		m.trend.SetShown(ti == m.trendTab)
	}
	return m.tabs
}

// AddScreens puts the project's process screens in the window's first
// tab, showing screen first (an L1 overview), and runs them with the
// window: call it before Start.
func (m *MainWindow) AddScreens(sv *ScreenView, first string) error {
	if err := sv.Show(first); err != nil {
		return err
	}
	m.screens = sv
	tab := container.NewTabItem(lang.L("Screens"), sv.Content())
	m.screensTab = tab
	sv.frame.setPeople(m.people, false) // the header has the no-admin line
	m.ensureTabs()
	if m.alarms != nil { // the banner moves from the header to the screens' frame
		m.bannerSlot.RemoveAll()
		sv.frame.setAlarmBanner(m.alarms.banner)
	}
	m.tabs.Items = append([]*container.TabItem{tab}, m.tabs.Items...)
	m.tabs.SelectIndex(0)
	m.tabs.Refresh()
	return nil
}

// ensureTabs makes the window's tabs, with the tags view as the first,
// if there are none yet.
func (m *MainWindow) ensureTabs() {
	if m.tabs != nil {
		return
	}
	m.tagsTab = container.NewTabItem(lang.L("Tags"), m.center)
	m.tabs = container.NewAppTabs(m.tagsTab)
	m.tabs.OnSelected = func(*container.TabItem) { m.people.touch() }
	m.body.Objects[0] = m.tabs
}

// ErrUnknownView: Open was given neither a tab nor a screen.
var ErrUnknownView = errors.New("no such tab or screen")

// Open shows a tab ("tags", "trend", "screens", "alarms", "audit",
// "models", "users") or a process screen by name: what `sightglass run
// --open` asks for.
func (m *MainWindow) Open(name string) error {
	tabs := map[string]*container.TabItem{"tags": m.tagsTab, "trend": m.trendTab, "screens": m.screensTab, "alarms": m.alarmsTab, "audit": m.auditTab}
	if m.models != nil {
		tabs["models"] = m.models.tab
	}
	if m.users != nil {
		tabs["users"] = m.users.tab
	}
	switch ti, isTab := tabs[name]; {
	case isTab && ti != nil:
		m.tabs.Select(ti)
		return nil
	case name == "tags" && m.tabs == nil: // the tags view is all there is
		return nil
	case !isTab && m.screens != nil && m.screens.Show(name) == nil:
		m.tabs.Select(m.screensTab)
		return nil
	}
	return fmt.Errorf("%q: %w", name, ErrUnknownView)
}

// AddPens adds tags to the trend, as `sightglass run --pens` asks.
func (m *MainWindow) AddPens(names []string) error {
	if m.trend == nil {
		return fmt.Errorf("trend: %w", ErrUnknownView)
	}
	for _, n := range names {
		if err := m.trend.AddPen(n); err != nil && !errors.Is(err, ErrPenExists) {
			return err
		}
	}
	return nil
}

// tagChosen is the tag table's callback: it remembers the tag for the
// trend button, then offers to write it.
func (m *MainWindow) tagChosen(id tags.ID) {
	if m.trendBtn != nil && m.tags.defs != nil && int(id) < m.tags.defs.Len() {
		m.picked = m.tags.defs.Def(id).Name
		m.trendBtn.SetText(lang.L("Trend {{.Tag}}", map[string]any{"Tag": m.picked}))
		m.trendBtn.Enable()
	}
	m.openWrite(id)
}

// trendPicked adds the tag last chosen to the trend and shows the trend.
func (m *MainWindow) trendPicked() {
	if m.picked == "" {
		return
	}
	if err := m.trend.AddPen(m.picked); err != nil && !errors.Is(err, ErrPenExists) {
		m.setStatus(err.Error(), widget.DangerImportance)
		return
	}
	m.tabs.Select(m.trendTab)
}

// clockLayout is how the window and the screens show the time: hours and
// minutes. A clock with seconds repaints the whole window every second,
// which costs a software-rendered control-room PC about 1 % of a core with
// nothing else changing; what happened at which second is in the tag
// table, the trends and the journals.
const clockLayout = "15:04"
