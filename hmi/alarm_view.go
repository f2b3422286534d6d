package hmi

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/sightglass/sightglass/alarms"
)

// AlarmStation is what a station with an alarm system offers the window,
// found by a type assertion on its Station.
type AlarmStation interface {
	// Alarms is the station's alarm engine, read by the views; nil when
	// the project configures no alarms.
	Alarms() *alarms.Engine
	// AlarmHistory searches the alarm journal. The window calls it off
	// the UI goroutine.
	AlarmHistory(q alarms.Query) ([]alarms.Record, error)
	// The operator actions, as the person signed in at the window:
	// permission-checked and audited by the station. The window calls
	// them off the UI goroutine.
	alarmActor
}

// alarmConfigurer is an engine that tells its configuration: the longest
// shelf per priority and whether actions need a comment. Without it the
// views offer alarms.DefaultMaxShelve and ask for a comment only when the
// engine refuses an action for want of one.
type alarmConfigurer interface {
	Config() alarms.Config
}

// alarmHistoryFunc searches the alarm journal (AlarmStation.AlarmHistory).
type alarmHistoryFunc func(q alarms.Query) ([]alarms.Record, error)

// AlarmView is the window's "Alarms" tab: the alarm summary, the alarm
// history and the alarm performance report, each a sub-tab, and the
// banner the window puts on every screen's frame.
//
// The window's ticker calls refresh at its rate; refresh asks the engine
// for its alarms only when the engine's version moved, and otherwise
// moves only the flash. Everything but the actions' engine calls and the
// history's queries runs on the Fyne goroutine.
type AlarmView struct {
	eng     alarmEngine
	act     alarmActor       // the station's actions; nil: the view only shows
	history alarmHistoryFunc // nil: no journal to search
	win     fyne.Window
	now     func() time.Time
	people  *people // who acts; nil: the station keeps no users
	loop    *uiLoop

	// run calls op off the Fyne goroutine and then done on it; tests
	// make it synchronous.
	run func(op func() error, done func(error))

	// Callbacks the window sets.
	openSummary func()                 // show the alarm tab and its summary
	openScreen  func(tag string) error // show a screen with tag on it
	trendTag    func(tag string) error // trend tag

	// UI state, on the Fyne goroutine.
	version uint64
	fresh   bool
	list    []alarms.Status // the alarms the summary lists
	counts  alarmCounts

	dlg     *alarmDialog // the open action dialog
	limit   *limitDialog // the open limit dialog
	banner  *alarmBanner
	summary *alarmSummary
	hist    *alarmHistoryView
	report  *alarmReportView
	tabs    *container.AppTabs
	sumTab  *container.TabItem
	status  *widget.Label
	content fyne.CanvasObject
}

// newAlarmView makes the alarm views over eng, acting through act (nil:
// no actions). history may be nil. loop is the window's: its context and
// wait group carry the station calls and the queries.
func newAlarmView(eng alarmEngine, act alarmActor, history alarmHistoryFunc, win fyne.Window, loop *uiLoop) *AlarmView {
	a := &AlarmView{eng: eng, act: act, history: history, win: win, now: time.Now, loop: loop}
	a.run = a.runAsync
	a.banner = newAlarmBanner(func() {
		if a.openSummary != nil {
			a.openSummary()
		}
	})
	a.status = &widget.Label{Truncation: fyne.TextTruncateEllipsis}
	a.summary = newAlarmSummary(a)
	a.sumTab = container.NewTabItem(lang.L("Summary"), a.summary.content)
	a.tabs = container.NewAppTabs(a.sumTab)
	a.tabs.OnSelected = func(*container.TabItem) { a.people.touch() }
	if history != nil {
		a.hist = newAlarmHistoryView(a)
		a.report = newAlarmReportView(a)
		a.tabs.Append(container.NewTabItem(lang.L("History"), a.hist.content))
		a.tabs.Append(container.NewTabItem(lang.L("Report"), a.report.content))
	}
	a.content = container.NewBorder(nil, a.status, nil, nil, a.tabs)
	return a
}

// Content is the alarm tab's content.
func (a *AlarmView) Content() fyne.CanvasObject { return a.content }

// runAsync runs op on the loop's wait group and done with its error on
// the Fyne goroutine: an engine call writes the state store (a disk
// sync, or a cluster's commit) and must not hold the UI.
func (a *AlarmView) runAsync(op func() error, done func(error)) {
	a.loop.wg.Go(func() {
		err := op()
		fyne.Do(func() { done(err) })
	})
}

// refresh brings the banner and the summary up to date at now: a new
// list of alarms when the engine's version moved, else only the flash.
func (a *AlarmView) refresh(now time.Time) {
	if v := a.eng.Version(); !a.fresh || v != a.version {
		a.version, a.fresh = v, true
		a.load()
		a.counts = countAlarms(a.list)
		a.banner.show(a.counts, now)
		a.summary.show(a.list, now)
		return
	}
	a.banner.tick(now)
	a.summary.tick(now)
}

// load takes the engine's standing alarms: not normal, or under an
// overlay (shelved, suppressed, out of service), so that nothing an
// operator hid is forgotten.
func (a *AlarmView) load() { a.list = a.eng.Active() }

// config is the engine's configuration, or the defaults.
func (a *AlarmView) config() alarms.Config {
	if c, ok := a.eng.(alarmConfigurer); ok {
		return c.Config()
	}
	return alarms.Config{}
}

// maxShelve is the longest shelf for priority p.
func (a *AlarmView) maxShelve(p alarms.Priority) time.Duration {
	cfg := a.config()
	p = min(p, alarms.Diagnostic)
	if d := cfg.MaxShelve[p]; d > 0 {
		return d
	}
	return alarms.DefaultMaxShelve[p]
}

// setStatus shows a message under the alarm views; imp colours failures.
func (a *AlarmView) setStatus(text string, imp widget.Importance) {
	a.status.Text, a.status.Importance = text, imp
	a.status.Refresh()
}
