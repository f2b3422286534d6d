package hmi

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/sightglass/sightglass/alarms"
	"github.com/sightglass/sightglass/drivers"
	"github.com/sightglass/sightglass/state"
	"github.com/sightglass/sightglass/station"
	"github.com/sightglass/sightglass/tags"
)

// The alarm tests' plant: two tanks and a pump.
var alarmTestTags = []tags.Def{
	{Name: "Area1.Tank1.Level", Device: "plc1", Type: tags.TypeFloat32, Units: "m"},
	{Name: "Area1.Tank2.Level", Device: "plc1", Type: tags.TypeFloat32, Units: "m"},
	{Name: "Area2.Pump1.Temp", Device: "plc2", Type: tags.TypeFloat32, Units: "°C"},
}

// alarmTestDefs are its alarms, one of each priority but diagnostic.
var alarmTestDefs = []alarms.Def{
	{Tag: "Area1.Tank1.Level", Kind: alarms.HiHi, Limit: 9, Priority: alarms.Critical, AckRequired: true,
		Message: "Tank 1 level very high", Area: "Area1.Tank1"},
	{Tag: "Area1.Tank1.Level", Kind: alarms.Hi, Limit: 8, Priority: alarms.High, AckRequired: true,
		Message: "Tank 1 level high", Area: "Area1.Tank1"},
	{Tag: "Area1.Tank2.Level", Kind: alarms.Lo, Limit: 1, Priority: alarms.Medium, AckRequired: true,
		Message: "Tank 2 level low", Area: "Area1.Tank2"},
	{Tag: "Area2.Pump1.Temp", Kind: alarms.Hi, Limit: 80, Priority: alarms.Low, AckRequired: true, Latched: true,
		Message: "Pump 1 hot", Area: "Area2.Pump1"},
}

// alarmStation is a station with a real alarm engine over a real bus and
// a real state file: the window's AlarmStation.
type alarmStation struct {
	*scrStation
	eng   *alarms.Engine
	store state.Store
}

func (s *alarmStation) Devices() []drivers.Stats { return nil }
func (s *alarmStation) Alarms() *alarms.Engine   { return s.eng }
func (s *alarmStation) AlarmHistory(q alarms.Query) ([]alarms.Record, error) {
	return alarms.Search(s.store, q)
}

// The actions go straight to the engine as the actor's user ("" for
// nobody) — the station's checks and audit are tested with a real
// station (auth_station_test.go).
func (s *alarmStation) AckAlarms(a station.Actor, ids []string) error {
	return s.eng.Ack(ids, actorUser(a), a.Comment)
}
func (s *alarmStation) ResetAlarms(a station.Actor, ids []string) error {
	return s.eng.Reset(ids, actorUser(a), a.Comment)
}
func (s *alarmStation) ShelveAlarms(a station.Actor, ids []string, d time.Duration) error {
	return s.eng.Shelve(ids, d, actorUser(a), a.Comment)
}
func (s *alarmStation) UnshelveAlarms(a station.Actor, ids []string) error {
	return s.eng.Unshelve(ids, actorUser(a), a.Comment)
}
func (s *alarmStation) SetAlarmsOutOfService(a station.Actor, ids []string, oos bool) error {
	return s.eng.SetOutOfService(ids, oos, actorUser(a), a.Comment)
}
func (s *alarmStation) SetAlarmLimit(a station.Actor, id string, limit float64) error {
	return s.eng.SetLimit(id, limit, actorUser(a), a.Comment)
}

// actorUser is the name of who acts; "" for nobody.
func actorUser(a station.Actor) string {
	if a.Session.Anonymous() {
		return ""
	}
	return a.Session.User
}

// newAlarmStation starts an engine for cfg (alarmTestDefs when it has
// none) on the test plant with every value normal; it stops at the test's
// end.
func newAlarmStation(t testing.TB, cfg alarms.Config, defs []tags.Def) *alarmStation {
	t.Helper()
	if len(cfg.Alarms) == 0 {
		cfg.Alarms = alarmTestDefs
	}
	if defs == nil {
		defs = alarmTestTags
	}
	s := &alarmStation{scrStation: newScrStation(defs)}
	st, err := state.OpenLocal(filepath.Join(t.TempDir(), "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	s.store = st
	s.eng, err = alarms.NewEngine(cfg, s.bus, st, nil)
	if err != nil {
		st.Close()
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.eng.Start(ctx)
	t.Cleanup(func() {
		cancel()
		s.eng.Stop()
		st.Close()
	})
	return s
}

// set publishes v to tag name, good, now.
func (s *alarmStation) set(t testing.TB, name string, v float64) {
	t.Helper()
	id, ok := s.bus.Table().Lookup(name)
	if !ok {
		t.Fatalf("no tag %q", name)
	}
	s.bus.Publish([]tags.Update{{ID: id, VQT: tags.VQT{Value: tags.Float32(float32(v)), Quality: tags.GoodQuality, Time: time.Now()}}})
}

// waitAlarms waits until the engine shows n standing alarms. The engine
// evaluates on its own goroutine with the wall clock, so the test looks
// every millisecond, for at most 10 s.
func (s *alarmStation) waitAlarms(t testing.TB, n int) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for len(s.eng.Active()) != n {
		select {
		case <-deadline:
			t.Fatalf("%d standing alarms, want %d", len(s.eng.Active()), n)
		case <-tick.C:
		}
	}
}

// alarmT0 is the alarm tests' "now".
var alarmT0 = time.Date(2026, 3, 1, 10, 0, 0, 0, time.Local)

// syncRun makes a's engine calls and queries synchronous, so that a test
// sees their answers when the tap returns.
func syncRun(a *AlarmView) {
	a.run = func(op func() error, done func(error)) { done(op()) }
}

// newAlarmWindow opens the station window over st with its clock pinned
// at alarmT0, engine calls synchronous.
func newAlarmWindow(t *testing.T, st *alarmStation) *MainWindow {
	t.Helper()
	win := test.NewTempWindow(t, nil)
	m := NewWindow(win, st)
	win.Resize(fyne.NewSize(1400, 800))
	m.now = func() time.Time { return alarmT0 }
	if m.alarms == nil {
		t.Fatal("the window made no alarm view for a station with alarms")
	}
	syncRun(m.alarms)
	return m
}

// pinTimes sets every alarm's times to at, for markup that must not
// depend on the wall clock.
func pinTimes(list []alarms.Status, at time.Time) []alarms.Status {
	for i := range list {
		list[i].ActiveAt, list[i].Changed = at, at
	}
	return list
}

// rowOf returns the summary row showing alarm id.
func rowOf(t *testing.T, s *alarmSummary, id string) int {
	t.Helper()
	for r, i := range s.rows {
		if s.list[i].ID == id {
			return r
		}
	}
	t.Fatalf("alarm %s is not shown", id)
	return -1
}
