package hmi

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/sightglass/sightglass/alarms"
	"github.com/sightglass/sightglass/project"
)

// TestAlarmBannerMarkup keeps masters of the banner with no alarm, with
// one unacknowledged critical alarm (both halves of its flash) and with
// that alarm acknowledged.
func TestAlarmBannerMarkup(t *testing.T) {
	test.NewTempApp(t).Settings().SetTheme(NewTheme())
	st := newAlarmStation(t, alarms.Config{}, nil)
	b := newAlarmBanner(nil)
	w := test.NewTempWindow(t, b)
	w.Resize(fyne.NewSize(900, 60))
	on, off := alarmT0, alarmT0.Add(alarmFlashPeriod/2)

	b.show(countAlarms(st.eng.Active()), on)
	test.AssertRendersToMarkup(t, "alarm_banner_none.xml", w.Canvas())

	st.set(t, "Area1.Tank1.Level", 9.5) // hihi (critical) and hi (high)
	st.waitAlarms(t, 2)
	if err := st.eng.Ack([]string{"Area1.Tank1.Level/hi"}, "op", ""); err != nil {
		t.Fatal(err)
	}
	list := pinTimes(st.eng.Active(), alarmT0.Add(-time.Minute))
	b.show(countAlarms(list), on)
	test.AssertRendersToMarkup(t, "alarm_banner_unacked.xml", w.Canvas())
	b.tick(off)
	test.AssertRendersToMarkup(t, "alarm_banner_unacked_off.xml", w.Canvas())

	if err := st.eng.Ack([]string{"Area1.Tank1.Level/hihi"}, "op", ""); err != nil {
		t.Fatal(err)
	}
	list = pinTimes(st.eng.Active(), alarmT0.Add(-time.Minute))
	b.show(countAlarms(list), off)
	test.AssertRendersToMarkup(t, "alarm_banner_acked.xml", w.Canvas())
	b.tick(on) // steady: nothing waits for an ack
	test.AssertRendersToMarkup(t, "alarm_banner_acked.xml", w.Canvas())
}

// TestAlarmSummaryMarkup keeps a master of the summary with a few
// alarms: critical and high unacknowledged, medium acknowledged, low
// shelved.
func TestAlarmSummaryMarkup(t *testing.T) {
	test.NewTempApp(t).Settings().SetTheme(NewTheme())
	st := newAlarmStation(t, alarms.Config{}, nil)
	st.set(t, "Area1.Tank1.Level", 9.5)
	st.set(t, "Area1.Tank2.Level", 0.5)
	st.set(t, "Area2.Pump1.Temp", 90)
	st.waitAlarms(t, 4)
	if err := st.eng.Ack([]string{"Area1.Tank2.Level/lo"}, "op", ""); err != nil {
		t.Fatal(err)
	}
	if err := st.eng.Shelve([]string{"Area2.Pump1.Temp/hi"}, time.Hour, "op", "sensor checked"); err != nil {
		t.Fatal(err)
	}
	list := st.eng.Active()
	for i := range list { // times the master can hold
		list[i].ActiveAt = alarmT0.Add(-time.Duration(i+1) * time.Minute)
		if list[i].Shelved {
			list[i].ShelvedUntil = alarmT0.Add(time.Hour)
		}
	}
	a := newAlarmView(st.eng, st, st.AlarmHistory, nil, &uiLoop{})
	a.now = func() time.Time { return alarmT0 }
	w := test.NewTempWindow(t, a.Content())
	w.Resize(fyne.NewSize(1300, 420))
	a.counts = countAlarms(list)
	a.summary.show(list, alarmT0)
	test.AssertRendersToMarkup(t, "alarm_summary.xml", w.Canvas())
}

// TestAlarmAckFromSummary selects the critical alarm in the summary of
// the station window and acknowledges it: the engine's state, the
// journal's record (user, event) and the banner follow.
func TestAlarmAckFromSummary(t *testing.T) {
	test.NewTempApp(t).Settings().SetTheme(NewTheme())
	st := newAlarmStation(t, alarms.Config{}, nil)
	m := newAlarmWindow(t, st)
	st.set(t, "Area1.Tank1.Level", 9.5)
	st.waitAlarms(t, 2)
	m.refresh()
	a := m.alarms
	s := a.summary
	if len(s.rows) != 2 || !a.counts.hasTop || a.counts.top.ID != "Area1.Tank1.Level/hihi" {
		t.Fatalf("rows %d, banner %+v", len(s.rows), a.counts)
	}
	if got := a.banner.message.text; !strings.Contains(got, "Tank 1 level very high") {
		t.Errorf("banner says %q", got)
	}
	if !s.actions["Ack"].Disabled() {
		t.Error("Ack is enabled with nothing selected")
	}

	s.tapped(rowOf(t, s, "Area1.Tank1.Level/hihi"))
	if s.actions["Ack"].Disabled() {
		t.Fatal("Ack is disabled with an unacked alarm selected")
	}
	test.Tap(s.actions["Ack"])

	got, _ := st.eng.Get("Area1.Tank1.Level/hihi")
	if got.State != alarms.Acked || got.User != "" {
		t.Errorf("after the ack: state %v by %q", got.State, got.User)
	}
	if other, _ := st.eng.Get("Area1.Tank1.Level/hi"); other.State != alarms.Unacked {
		t.Errorf("the unselected alarm is %v", other.State)
	}
	recs, err := alarms.Search(st.store, alarms.Query{Events: []alarms.Event{alarms.EvAck}})
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 1 || recs[0].Alarm != "Area1.Tank1.Level/hihi" || recs[0].User != "" {
		t.Fatalf("journal acks: %+v", recs)
	}
	m.refresh()
	if a.counts.top.ID != "Area1.Tank1.Level/hi" || len(s.sel) != 0 {
		t.Errorf("banner's top %q, selection %v", a.counts.top.ID, s.sel)
	}
	if !strings.Contains(a.status.Text, "1") {
		t.Errorf("status %q", a.status.Text)
	}

	// Ack page: what is on screen.
	if err := m.Open("alarms"); err != nil {
		t.Fatal(err)
	}
	if from, to := s.pageRows(); from != 0 || to != 2 {
		t.Errorf("rows on screen [%d, %d), want [0, 2)", from, to)
	}
	test.Tap(s.actions["Ack page"])
	m.refresh()
	if a.counts.anyUnacked() {
		t.Errorf("after Ack page: %v unacked", a.counts.unacked)
	}
}

// TestAlarmShelveWithDuration shelves the high alarm for 30 minutes from
// the dialog: the choices stop at the priority's longest shelf.
func TestAlarmShelveWithDuration(t *testing.T) {
	test.NewTempApp(t).Settings().SetTheme(NewTheme())
	st := newAlarmStation(t, alarms.Config{}, nil)
	m := newAlarmWindow(t, st)
	st.set(t, "Area1.Tank1.Level", 8.5) // hi only
	st.waitAlarms(t, 1)
	m.refresh()
	s := m.alarms.summary
	s.tapped(rowOf(t, s, "Area1.Tank1.Level/hi"))
	test.Tap(s.actions["Shelve…"])
	dlg := m.alarms.dlg
	if dlg == nil || dlg.dur == nil {
		t.Fatal("no shelve dialog")
	}
	if last := dlg.durs[len(dlg.durs)-1]; last != alarms.DefaultMaxShelve[alarms.High] {
		t.Errorf("longest shelf offered %v, want %v", last, alarms.DefaultMaxShelve[alarms.High])
	}
	dlg.dur.SetSelected("30 min")
	dlg.comment.SetText("level transmitter being recalibrated")
	before := time.Now()
	dlg.submit(true)

	got, _ := st.eng.Get("Area1.Tank1.Level/hi")
	if !got.Shelved || got.ShelvedUntil.Before(before.Add(30*time.Minute)) || got.ShelvedUntil.After(time.Now().Add(30*time.Minute)) {
		t.Fatalf("shelved %v until %v", got.Shelved, got.ShelvedUntil)
	}
	recs, _ := alarms.Search(st.store, alarms.Query{Events: []alarms.Event{alarms.EvShelve}})
	if len(recs) != 1 || recs[0].Comment != "level transmitter being recalibrated" || recs[0].User != "" {
		t.Fatalf("journal shelves: %+v", recs)
	}
	m.refresh()
	if m.alarms.counts.hasTop || m.alarms.counts.shown[alarms.High] != 0 {
		t.Errorf("a shelved alarm is annunciated: %+v", m.alarms.counts)
	}
	if row := rowOf(t, s, "Area1.Tank1.Level/hi"); row != 0 { // still listed, as shelved
		t.Errorf("row %d", row)
	}

	s.tapped(0)
	test.Tap(s.actions["Unshelve"])
	if got, _ := st.eng.Get("Area1.Tank1.Level/hi"); got.Shelved {
		t.Error("still shelved after Unshelve")
	}
}

// TestAlarmCommentRequired: with comments required, Ack asks for one
// and the journal keeps it.
func TestAlarmCommentRequired(t *testing.T) {
	test.NewTempApp(t).Settings().SetTheme(NewTheme())
	st := newAlarmStation(t, alarms.Config{RequireComment: true}, nil)
	m := newAlarmWindow(t, st)
	st.set(t, "Area1.Tank2.Level", 0.2)
	st.waitAlarms(t, 1)
	m.refresh()
	s := m.alarms.summary
	s.tapped(0)
	test.Tap(s.actions["Ack"])
	if m.alarms.dlg == nil {
		t.Fatal("no comment dialog after the engine asked for a comment")
	}
	if got, _ := st.eng.Get("Area1.Tank2.Level/lo"); got.State != alarms.Unacked {
		t.Fatalf("acked without a comment: %v", got.State)
	}
	m.alarms.dlg.comment.SetText("operator went to look")
	m.alarms.dlg.submit(true)
	recs, _ := alarms.Search(st.store, alarms.Query{Events: []alarms.Event{alarms.EvAck}})
	if len(recs) != 1 || recs[0].Comment != "operator went to look" {
		t.Fatalf("journal acks: %+v", recs)
	}
}

// TestAlarmSummaryFilters filters by priority, area, state and text, and
// sorts by time and priority.
func TestAlarmSummaryFilters(t *testing.T) {
	test.NewTempApp(t).Settings().SetTheme(NewTheme())
	st := newAlarmStation(t, alarms.Config{}, nil)
	m := newAlarmWindow(t, st)
	st.set(t, "Area1.Tank1.Level", 9.5)
	st.set(t, "Area1.Tank2.Level", 0.5)
	st.set(t, "Area2.Pump1.Temp", 90)
	st.waitAlarms(t, 4)
	if err := st.eng.Ack([]string{"Area1.Tank2.Level/lo"}, "op", ""); err != nil {
		t.Fatal(err)
	}
	m.refresh()
	s := m.alarms.summary
	ids := func() []string {
		var out []string
		for _, i := range s.rows {
			out = append(out, s.list[i].ID)
		}
		return out
	}
	if len(s.rows) != 4 {
		t.Fatalf("rows %v", ids())
	}
	s.prioSel.SetSelectedIndex(1 + int(alarms.Critical))
	if got := ids(); len(got) != 1 || got[0] != "Area1.Tank1.Level/hihi" {
		t.Errorf("critical: %v", got)
	}
	s.prioSel.SetSelectedIndex(0)
	if len(s.areas) != 3 {
		t.Fatalf("areas %v", s.areas)
	}
	s.areaSel.SetSelected("Area2.Pump1")
	if got := ids(); len(got) != 1 || got[0] != "Area2.Pump1.Temp/hi" {
		t.Errorf("area Area2.Pump1: %v", got)
	}
	s.areaSel.SetSelectedIndex(0)
	s.stateSel.SetSelectedIndex(stateAcked)
	if got := ids(); len(got) != 1 || got[0] != "Area1.Tank2.Level/lo" {
		t.Errorf("acked: %v", got)
	}
	s.stateSel.SetSelectedIndex(stateAll)
	test.Type(s.text, "TANK1")
	if got := ids(); len(got) != 2 {
		t.Errorf("text tank1: %v", got)
	}
	s.text.SetText("")

	test.Tap(s.prioBtn)
	if got := ids(); got[0] != "Area1.Tank1.Level/hihi" || got[3] != "Area2.Pump1.Temp/hi" {
		t.Errorf("by priority: %v", got)
	}
	test.Tap(s.prioBtn) // again: least urgent first
	if got := ids(); got[0] != "Area2.Pump1.Temp/hi" {
		t.Errorf("by priority, reversed: %v", got)
	}
}

// TestAlarmHistoryAndReport searches a journal the engine wrote from
// real transitions and reports on it.
func TestAlarmHistoryAndReport(t *testing.T) {
	test.NewTempApp(t).Settings().SetTheme(NewTheme())
	st := newAlarmStation(t, alarms.Config{}, nil)
	for range 3 { // tank 2 low three times: a chattering alarm
		st.set(t, "Area1.Tank2.Level", 0.5)
		st.waitAlarms(t, 1)
		st.set(t, "Area1.Tank2.Level", 5)
		st.waitAlarmsState(t, "Area1.Tank2.Level/lo", alarms.RTNUnack)
		if err := st.eng.Ack([]string{"Area1.Tank2.Level/lo"}, "op", "seen"); err != nil {
			t.Fatal(err)
		}
		st.waitAlarms(t, 0)
	}
	st.set(t, "Area1.Tank1.Level", 9.5)
	st.waitAlarms(t, 2)

	m := newAlarmWindow(t, st)
	now := time.Now()
	m.now = func() time.Time { return now }
	h := m.alarms.hist
	h.from.SetText(now.Add(-time.Hour).Format(alarmTimeLayout))
	h.to.SetText(now.Add(time.Minute).Format(alarmTimeLayout))
	h.tag.SetText("Area1.Tank2.Level")
	test.Tap(h.search)
	if len(h.recs) != 9 { // 3 × active, clear, ack
		t.Fatalf("%d records for tank 2: %+v", len(h.recs), h.recs)
	}
	if h.recs[0].Event != alarms.EvAck || h.recs[0].User != "op" { // newest first
		t.Errorf("first row %+v", h.recs[0])
	}
	if h.export.Disabled() {
		t.Error("export disabled with records shown")
	}
	h.tag.SetText("")
	h.event.SetSelectedIndex(1 + int(alarms.EvActive))
	test.Tap(h.search)
	if len(h.recs) != 5 {
		t.Errorf("%d activations, want 5", len(h.recs))
	}
	var csv bytes.Buffer
	if err := alarms.WriteCSV(&csv, h.recs); err != nil || strings.Count(csv.String(), "\n") != 6 {
		t.Errorf("CSV of the shown records: %v\n%s", err, csv.String())
	}

	r := m.alarms.report
	r.from.SetText(now.Add(-time.Hour).Format(alarmTimeLayout))
	r.to.SetText(now.Add(time.Minute).Format(alarmTimeLayout))
	test.Tap(r.run)
	if !r.have || r.kpis.Annunciated != 5 || len(r.kpis.Chattering) != 1 {
		t.Fatalf("report: annunciated %d, chattering %v", r.kpis.Annunciated, r.kpis.Chattering)
	}
	texts := labelTexts(r.figures)
	if !containsText(texts, "✗ over") || !containsText(texts, "✓ ok") {
		t.Errorf("no ok/over verdicts in %q", texts)
	}
	if top := labelTexts(r.top); !containsText(top, "Area1.Tank2.Level/lo") {
		t.Errorf("top 10: %q", top)
	}
}

func (s *alarmStation) waitAlarmsState(t *testing.T, id string, want alarms.StateKind) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for {
		if got, _ := s.eng.Get(id); got.State == want {
			return
		}
		select {
		case <-deadline:
			got, _ := s.eng.Get(id)
			t.Fatalf("%s is %v, want %v", id, got.State, want)
		case <-tick.C:
		}
	}
}

func labelTexts(c *fyne.Container) []string {
	var out []string
	for _, o := range c.Objects {
		if l, ok := o.(*widget.Label); ok {
			out = append(out, l.Text)
		}
	}
	return out
}

func containsText(texts []string, want string) bool {
	for _, s := range texts {
		if s == want {
			return true
		}
	}
	return false
}

// TestAlarmBannerOnScreensOpensSummary: with process screens the banner
// is in their frame; a tap shows the alarm summary; Screen and Trend jump
// to the selected alarm's tag.
func TestAlarmBannerOnScreensOpensSummary(t *testing.T) {
	test.NewTempApp(t).Settings().SetTheme(NewTheme())
	st := newAlarmStation(t, alarms.Config{}, nil)
	m := newAlarmWindow(t, st)
	screens := []project.Screen{
		{Name: "overview", Level: 1, Width: 400, Height: 300, Elements: []project.Element{
			{Kind: project.KindValue, X: 10, Y: 10, W: 100, H: 24, Tag: "Area1.Tank1.Level"}}},
		{Name: "tank1", Level: 3, Parent: "overview", Width: 400, Height: 300, Elements: []project.Element{
			{Kind: project.KindValue, X: 10, Y: 10, W: 100, H: 24, Tag: "Area1.Tank1.Level"}}},
	}
	sv := NewScreenView(st, screens, nil)
	if err := m.AddScreens(sv, "overview"); err != nil {
		t.Fatal(err)
	}
	if len(sv.frame.banner.Objects) != 1 || len(m.bannerSlot.Objects) != 0 {
		t.Fatal("the banner is not in the screens' frame")
	}
	st.set(t, "Area1.Tank1.Level", 9.5)
	st.waitAlarms(t, 2)
	m.refresh()
	test.Tap(m.alarms.banner)
	if m.tabs.Selected() != m.alarmsTab || m.alarms.tabs.Selected() != m.alarms.sumTab {
		t.Fatalf("a tap on the banner shows %q", m.tabs.Selected().Text)
	}
	s := m.alarms.summary
	s.tapped(rowOf(t, s, "Area1.Tank1.Level/hi"))
	test.Tap(s.actions["Screen"])
	if m.tabs.Selected() != m.screensTab || sv.Current() != "tank1" {
		t.Errorf("jumped to tab %q, screen %q; want the L3 screen tank1", m.tabs.Selected().Text, sv.Current())
	}
	if err := m.Open("alarms"); err != nil || m.tabs.Selected() != m.alarmsTab {
		t.Errorf("Open(alarms): %v", err)
	}
}

func TestScreenForTag(t *testing.T) {
	screens := []project.Screen{
		{Name: "diag", Level: 4, Elements: []project.Element{{Tag: "A.P1.Running"}}},
		{Name: "overview", Level: 1, Elements: []project.Element{{Tag: "A.T1.Level"}, {Running: "A.P1.Running"}}},
		{Name: "area", Level: 2, Elements: []project.Element{{Fault: "A.P1.Fault"}}},
		{Name: "pump", Level: 3, Elements: []project.Element{{Tag: "A.P1.Speed", Running: "A.P1.Running"}}},
	}
	for tag, want := range map[string]string{
		"A.P1.Running": "pump", "A.T1.Level": "overview", "A.P1.Fault": "area", "A.P1.Speed": "pump", "A.X": "",
	} {
		if got, ok := screenForTag(screens, tag); got != want || ok != (want != "") {
			t.Errorf("%s: %q %v, want %q", tag, got, ok, want)
		}
	}
}

// TestAlarmWindowWithoutAlarms: a station with no alarm engine has no
// alarm tab and no banner.
func TestAlarmWindowWithoutAlarms(t *testing.T) {
	m, _ := newTestWindow(t)
	if m.alarms != nil || m.alarmsTab != nil || len(m.bannerSlot.Objects) != 0 {
		t.Fatal("alarm views for a station without alarms")
	}
}
