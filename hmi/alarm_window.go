package hmi

import (
	"errors"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"

	"github.com/sightglass/sightglass/project"
)

// ErrNoScreenForTag: no process screen shows the alarm's tag.
var ErrNoScreenForTag = errors.New("no screen shows this tag")

// addAlarms adds the "Alarms" tab over eng, acting through st as the
// person signed in, and puts the alarm banner in the header, until process
// screens take it into their frame. The window's ticker refreshes both.
func (m *MainWindow) addAlarms(eng alarmEngine, st AlarmStation) {
	a := newAlarmView(eng, st, st.AlarmHistory, m.win, &m.uiLoop)
	a.now = func() time.Time { return m.now() }
	a.people = m.people
	m.people.whenChanged(a.summary.enableActions)
	m.alarms = a
	m.ensureTabs()
	m.alarmsTab = container.NewTabItem(lang.L("Alarms"), a.Content())
	m.tabs.Append(m.alarmsTab)
	m.bannerSlot.Objects = []fyne.CanvasObject{a.banner}
	m.bannerSlot.Refresh()
	a.openSummary = func() {
		m.tabs.Select(m.alarmsTab)
		a.tabs.Select(a.sumTab)
	}
	a.openScreen = m.openScreenFor
	if m.trend != nil {
		a.trendTag = m.trendTag
	}
}

// openScreenFor shows the process screen that best shows tag and selects
// the screens' tab.
func (m *MainWindow) openScreenFor(tag string) error {
	if m.screens == nil {
		return fmt.Errorf("%s: %w", tag, ErrNoScreenForTag)
	}
	name, ok := screenForTag(m.screens.idx.screens, tag)
	if !ok {
		return fmt.Errorf("%s: %w", tag, ErrNoScreenForTag)
	}
	if err := m.screens.Show(name); err != nil {
		return err
	}
	m.tabs.Select(m.screensTab)
	return nil
}

// trendTag adds tag to the trend and shows the trend.
func (m *MainWindow) trendTag(tag string) error {
	if err := m.trend.AddPen(tag); err != nil && !errors.Is(err, ErrPenExists) {
		return err
	}
	m.tabs.Select(m.trendTab)
	return nil
}

// screenForTag finds the screen to show for an alarm on tag: one with an
// element bound to it, the equipment screen (L3) first, where the
// operator acts on it, then the area (L2), the overview (L1), the
// diagnostics (L4) and screens of no level; the first in project order
// among equals.
func screenForTag(screens []project.Screen, tag string) (string, bool) {
	rank := func(level int) int {
		switch level {
		case 3:
			return 0
		case 2:
			return 1
		case 1:
			return 2
		case 4:
			return 3
		}
		return 4
	}
	best, bestRank := "", 99
	for i := range screens {
		s := &screens[i]
		if r := rank(s.Level); r < bestRank && screenBinds(s, tag) {
			best, bestRank = s.Name, r
		}
	}
	return best, best != ""
}

// screenBinds reports whether an element of s is bound to tag.
func screenBinds(s *project.Screen, tag string) bool {
	for i := range s.Elements {
		e := &s.Elements[i]
		if e.Tag == tag || e.Running == tag || e.Fault == tag {
			return true
		}
	}
	return false
}
