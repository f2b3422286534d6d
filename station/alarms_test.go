package station

import (
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/sightglass/sightglass/alarms"
	"github.com/sightglass/sightglass/auth"
	"github.com/sightglass/sightglass/project"
	"github.com/sightglass/sightglass/sim"
)

const lostAlarm = "_System.Devices.plc1.Connected/state"

// alarmProject is writeProject's station with an alarm on its device's
// connection.
func alarmProject(t *testing.T, addr string) *project.Project {
	t.Helper()
	return writeProject(t, addr, `
alarms:
  tags:
    - tag: _System.Devices.plc1.Connected
      state: {value: false, priority: high, message: "PLC 1 lost"}
`)
}

// waitAlarm waits until the alarm is in state want.
func waitAlarm(t *testing.T, eng *alarms.Engine, id string, want alarms.StateKind, limit time.Duration) alarms.Status {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		s, _ := eng.Get(id)
		if s.State == want {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %v, not %v within %v", id, s.State, want, limit)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func journal(t *testing.T, st *Station) []alarms.Record {
	t.Helper()
	recs, err := st.AlarmHistory(alarms.Query{})
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// TestAlarmsAcrossALostDeviceAndARestart: the device goes away and the
// station raises its alarm; an operator acknowledges it; the station
// restarts while the device is still away and the alarm comes back
// acknowledged, not annunciated again; the device returns and it clears.
// Stopping the station raises nothing.
func TestAlarmsAcrossALostDeviceAndARestart(t *testing.T) {
	defer goleak.VerifyNone(t)
	data := t.TempDir()
	srv, err := sim.Listen(t.Context(), "127.0.0.1:0", sim.New(1))
	if err != nil {
		t.Fatal(err)
	}
	addr := srv.Addr()
	p := alarmProject(t, addr)

	st, err := New(p, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.EnableState(data, testStateOptions); err != nil {
		t.Fatal(err)
	}
	if err := st.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := st.EnableState(data, testStateOptions); err == nil {
		t.Error("EnableState after Start succeeded")
	}
	eng := st.Alarms()
	waitFor(t, st, 5*time.Second, "first good value", func() bool { return quality(st, testLevelTag).IsGood() })
	if s, _ := eng.Get(lostAlarm); s.State != alarms.Normal {
		t.Fatalf("alarm before the loss: %+v", s)
	}

	srv.Close()
	s := waitAlarm(t, eng, lostAlarm, alarms.Unacked, 3*time.Second)
	if s.Message != "PLC 1 lost" || eng.Summary().Unacked[alarms.High] != 1 {
		t.Errorf("active alarm %+v, summary %+v", s, eng.Summary())
	}
	ann := addUser(t, st, "ann", auth.Operator)
	if err := st.AckAlarms(Actor{Session: ann, Comment: "called maintenance"}, []string{lostAlarm}); err != nil {
		t.Fatal(err)
	}
	waitAlarm(t, eng, lostAlarm, alarms.Acked, time.Second)
	st.Stop()
	if _, err := st.AlarmHistory(alarms.Query{}); err == nil {
		t.Error("a stopped station still reads its closed state file")
	}

	// Restart with the device still away.
	st2, err := New(p, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := st2.EnableState(data, testStateOptions); err != nil {
		t.Fatal(err)
	}
	if err := st2.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	defer st2.Stop()
	eng2 := st2.Alarms()
	waitFor(t, st2, 3*time.Second, "bad without the device", func() bool { return !quality(st2, testLevelTag).IsGood() && quality(st2, testLevelTag).Reason != 0 })
	time.Sleep(300 * time.Millisecond) // a few polls: a re-annunciation would have happened by now
	if s, _ := eng2.Get(lostAlarm); s.State != alarms.Acked || s.User != "ann" {
		t.Errorf("after the restart: %+v, want acked by ann", s)
	}
	recs := journal(t, st2)
	var events []string
	for _, r := range recs {
		events = append(events, r.Event.String())
	}
	if len(recs) != 2 || recs[0].Event != alarms.EvActive || recs[1].Event != alarms.EvAck || recs[1].User != "ann" || recs[1].Comment != "called maintenance" {
		t.Errorf("journal after the restart: %v", events)
	}

	// The device returns: the acknowledged alarm clears to normal.
	srv2, err := sim.Listen(t.Context(), addr, sim.New(1))
	if err != nil {
		t.Fatal(err)
	}
	defer srv2.Close()
	waitAlarm(t, eng2, lostAlarm, alarms.Normal, 35*time.Second)
	// The engine shows a transition before its batch is on disk: wait for
	// the journal to have it.
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if recs = journal(t, st2); len(recs) >= 3 || time.Now().After(deadline) {
			break
		}
	}
	if last := recs[len(recs)-1]; len(recs) != 3 || last.Event != alarms.EvClear || last.State != alarms.Normal {
		t.Errorf("journal after the device returned: %d records, last %+v", len(recs), last)
	}
	st2.Stop()
}
