package alarms

import (
	"errors"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/sightglass/sightglass/tags"
)

const hiID = "Plant.Tank1.Level/hi"

// Normal → Unacked → Acked → Normal, and Normal → Unacked → RTNUnack →
// Normal: the two ways round the ISA-18.2 cycle.
func TestStateMachineCycles(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, Config{Alarms: []Def{hi()}}, "")
		r.want(hiID, Normal, false)
		r.setF("Plant.Tank1.Level", 2.31)
		r.want(hiID, Unacked, true)
		if err := r.e.Ack([]string{hiID}, "ann", "seen"); err != nil {
			t.Fatal(err)
		}
		r.want(hiID, Acked, true)
		r.setF("Plant.Tank1.Level", 1)
		r.want(hiID, Normal, false)

		r.setF("Plant.Tank1.Level", 2.5)
		r.want(hiID, Unacked, true)
		r.setF("Plant.Tank1.Level", 1)
		r.want(hiID, RTNUnack, true)
		r.setF("Plant.Tank1.Level", 2.5) // active again before the ack
		r.want(hiID, Unacked, true)
		r.setF("Plant.Tank1.Level", 1)
		if err := r.e.Ack([]string{hiID}, "ann", ""); err != nil {
			t.Fatal(err)
		}
		r.want(hiID, Normal, false)
		// Acknowledging or resetting what waits for nothing changes nothing.
		if err := r.e.Ack([]string{hiID}, "ann", ""); err != nil {
			t.Fatal(err)
		}
		if err := r.e.Reset([]string{hiID}, "ann", ""); err != nil {
			t.Fatal(err)
		}
		r.wantEvents(hiID, "active:unacked", "ack:acked", "clear:normal",
			"active:unacked", "clear:rtn-unacked", "active:unacked", "clear:rtn-unacked", "ack:normal")
	})
}

// The journal's records carry time, value with units, limit, user,
// comment and the default message.
func TestJournalRecords(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, Config{Alarms: []Def{hi()}}, "")
		start := time.Now()
		r.set("Plant.Tank1.Level", tags.Float32(2.31))
		r.sleep(time.Minute)
		if err := r.e.Ack([]string{hiID}, "ann", "calling the field"); err != nil {
			t.Fatal(err)
		}
		recs := r.journal()
		if len(recs) != 2 {
			t.Fatalf("journal %+v, want 2 records", recs)
		}
		want := Record{Seq: 1, Time: start, Alarm: hiID, Tag: "Plant.Tank1.Level", Area: "Plant.Tank1",
			Priority: High, Event: EvActive, State: Unacked, Value: "2.31 m", Limit: 2.2,
			Message: "Plant.Tank1.Level high: 2.31 m ≥ 2.2 m"}
		if got := recs[0]; !got.Time.Equal(want.Time) || (func() Record { got.Time = want.Time; return got })() != want {
			t.Errorf("record 1\n got %+v\nwant %+v", recs[0], want)
		}
		ack := recs[1]
		if ack.Event != EvAck || ack.User != "ann" || ack.Comment != "calling the field" || !ack.Time.Equal(start.Add(time.Minute)) {
			t.Errorf("record 2 %+v", ack)
		}
		s := r.status(hiID)
		if s.Value != "2.31 m" || s.User != "ann" || s.Message != want.Message || !s.ActiveAt.Equal(start) {
			t.Errorf("status %+v", s)
		}
	})
}

// A Hi alarm clears below limit − deadband, a Lo alarm above limit +
// deadband.
func TestDeadband(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := hi()
		h.Deadband = 0.2
		lo := Def{Tag: "Plant.Tank1.Level", Kind: Lo, Limit: 0.5, Deadband: 0.1, Priority: Low, AckRequired: true}
		r := newRig(t, Config{Alarms: []Def{h, lo}}, "")
		loID := "Plant.Tank1.Level/lo"
		for _, step := range []struct {
			v      float64
			hi, lo StateKind
		}{
			{1, Normal, Normal},
			{2.2, Unacked, Normal},   // at the limit
			{2.1, Unacked, Normal},   // inside the deadband
			{2.0, Unacked, Normal},   // at limit − deadband: not below yet
			{1.99, RTNUnack, Normal}, // below
			{2.1, RTNUnack, Normal},  // under the limit: not active again
			{0.5, RTNUnack, Unacked},
			{0.6, RTNUnack, Unacked},
			{0.61, RTNUnack, RTNUnack},
		} {
			r.setF("Plant.Tank1.Level", step.v)
			if a, b := r.status(hiID).State, r.status(loID).State; a != step.hi || b != step.lo {
				t.Errorf("at %v: hi %v lo %v, want %v %v", step.v, a, b, step.hi, step.lo)
			}
		}
	})
}

// The condition must hold through the on-delay to activate and be gone
// through the off-delay to clear; shorter excursions do nothing.
func TestOnOffDelay(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := hi()
		h.OnDelay, h.OffDelay = 10*time.Second, 5*time.Second
		r := newRig(t, Config{Alarms: []Def{h}}, "")
		r.setF("Plant.Tank1.Level", 3)
		r.sleep(9 * time.Second)
		r.want(hiID, Normal, false)
		r.setF("Plant.Tank1.Level", 1) // a blip shorter than the on-delay
		r.sleep(time.Minute)
		r.want(hiID, Normal, false)

		r.setF("Plant.Tank1.Level", 3)
		r.sleep(10 * time.Second)
		r.want(hiID, Unacked, true)
		if at := r.status(hiID).ActiveAt; !at.Equal(time.Now()) {
			t.Errorf("active at %v, want now %v", at, time.Now())
		}
		r.setF("Plant.Tank1.Level", 1)
		r.sleep(4 * time.Second)
		r.want(hiID, Unacked, true)
		r.setF("Plant.Tank1.Level", 3) // back before the off-delay ended
		r.sleep(time.Minute)
		r.want(hiID, Unacked, true)
		r.setF("Plant.Tank1.Level", 1)
		r.sleep(5 * time.Second)
		r.want(hiID, RTNUnack, true)
		r.wantEvents(hiID, "active:unacked", "clear:rtn-unacked")
	})
}

// An acknowledged alarm still active after Realarm annunciates again.
func TestRealarm(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := hi()
		h.Realarm = 30 * time.Minute
		r := newRig(t, Config{Alarms: []Def{h}}, "")
		r.setF("Plant.Tank1.Level", 3)
		r.sleep(time.Hour) // unacknowledged: nothing to re-alarm
		r.want(hiID, Unacked, true)
		r.e.Ack([]string{hiID}, "ann", "")
		r.sleep(29 * time.Minute)
		r.want(hiID, Acked, true)
		r.sleep(time.Minute)
		r.want(hiID, Unacked, true)
		r.e.Ack([]string{hiID}, "ann", "")
		r.setF("Plant.Tank1.Level", 1) // cleared: no re-alarm
		r.sleep(time.Hour)
		r.want(hiID, Normal, false)
		r.wantEvents(hiID, "active:unacked", "ack:acked", "realarm:unacked", "ack:acked", "clear:normal")
	})
}

// A latched alarm stays latched after it clears and is acknowledged,
// until an operator resets it.
func TestLatchedReset(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := hi()
		h.Latched = true
		r := newRig(t, Config{Alarms: []Def{h}}, "")
		r.setF("Plant.Tank1.Level", 3)
		r.setF("Plant.Tank1.Level", 1)
		r.want(hiID, RTNUnack, true)
		r.e.Reset([]string{hiID}, "ann", "") // not acknowledged yet: nothing
		r.want(hiID, RTNUnack, true)
		r.e.Ack([]string{hiID}, "ann", "")
		r.want(hiID, Latched, true)
		r.e.Reset([]string{hiID}, "ann", "reset at the panel")
		r.want(hiID, Normal, false)

		r.setF("Plant.Tank1.Level", 3)
		r.e.Ack([]string{hiID}, "ann", "")
		r.setF("Plant.Tank1.Level", 1)
		r.want(hiID, Latched, true)
		r.setF("Plant.Tank1.Level", 3) // active again from latched
		r.want(hiID, Unacked, true)
		r.wantEvents(hiID, "active:unacked", "clear:rtn-unacked", "ack:latched", "reset:normal",
			"active:unacked", "ack:acked", "clear:latched", "active:unacked")
	})
}

// An alarm that needs no acknowledgement returns straight to normal.
func TestNoAckRequired(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := hi()
		h.AckRequired = false
		r := newRig(t, Config{Alarms: []Def{h}}, "")
		r.setF("Plant.Tank1.Level", 3)
		r.want(hiID, Unacked, true)
		r.setF("Plant.Tank1.Level", 1)
		r.want(hiID, Normal, false)
	})
}

// Summary counts annunciated alarms by priority and names the newest of
// the most urgent unacknowledged; Version moves with every transition.
func TestSummaryAndVersion(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		hh := Def{Tag: "Plant.Tank1.Level", Kind: HiHi, Limit: 3, Priority: Critical, AckRequired: true}
		f := Def{Tag: "Plant.P1.Fault", Kind: State, State: "true", Priority: Critical, AckRequired: true}
		r := newRig(t, Config{Alarms: []Def{hi(), hh, f}}, "")
		if s := r.e.Summary(); s.Newest != nil || s.Active != [NumPriorities]int{} {
			t.Errorf("idle summary %+v", s)
		}
		v0 := r.e.Version()
		r.setF("Plant.Tank1.Level", 3.5) // hi and hihi
		r.sleep(time.Second)
		r.set("Plant.P1.Fault", tags.Bool(true))
		if r.e.Version() != v0+3 {
			t.Errorf("version %d, want %d", r.e.Version(), v0+3)
		}
		s := r.e.Summary()
		if s.Active != [NumPriorities]int{2, 1, 0, 0, 0} || s.Unacked != s.Active {
			t.Errorf("summary %+v", s)
		}
		if s.Newest == nil || s.Newest.ID != "Plant.P1.Fault/state" {
			t.Errorf("newest %+v, want the fault", s.Newest)
		}
		r.e.Ack([]string{"Plant.P1.Fault/state"}, "ann", "")
		if s := r.e.Summary(); s.Newest == nil || s.Newest.ID != "Plant.Tank1.Level/hihi" || s.Unacked[Critical] != 1 || s.Active[Critical] != 2 {
			t.Errorf("summary after ack %+v", s)
		}
		if n := len(r.e.Active()); n != 3 {
			t.Errorf("Active() has %d, want 3", n)
		}
		if all := r.e.Alarms(); len(all) != 3 || all[0].ID != hiID || all[2].ID != "Plant.P1.Fault/state" {
			t.Errorf("Alarms() %+v", all)
		}
	})
}

// The transitions of one bus batch go to the store in one Batch.
func TestOneBatchOneApply(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		defs := []Def{hi(), {Tag: "Plant.P1.Flow", Kind: Hi, Limit: 10, Priority: Low, AckRequired: true},
			{Tag: "Plant.P1.Fault", Kind: State, State: "true", Priority: Low, AckRequired: true}}
		r := newRig(t, Config{Alarms: defs}, "")
		before := r.store.applies.Load()
		now := time.Now()
		r.bus.Publish([]tags.Update{
			{ID: r.id("Plant.Tank1.Level"), VQT: tags.VQT{Value: tags.Float(3), Quality: tags.GoodQuality, Time: now}},
			{ID: r.id("Plant.P1.Flow"), VQT: tags.VQT{Value: tags.Float(11), Quality: tags.GoodQuality, Time: now}},
			{ID: r.id("Plant.P1.Fault"), VQT: tags.VQT{Value: tags.Bool(true), Quality: tags.GoodQuality, Time: now}},
		})
		synctest.Wait()
		if n := r.store.applies.Load() - before; n != 1 {
			t.Errorf("%d Applies for one batch of 3 activations, want 1", n)
		}
		if err := r.e.Ack([]string{hiID, "Plant.P1.Flow/hi", "Plant.P1.Fault/state"}, "ann", ""); err != nil {
			t.Fatal(err)
		}
		if n := r.store.applies.Load() - before; n != 2 {
			t.Errorf("%d Applies after acknowledging 3 in one call, want 2", n)
		}
		if n := len(r.journal()); n != 6 {
			t.Errorf("%d records, want 6", n)
		}
	})
}

// An action naming an unknown alarm changes nothing; a required comment
// is required.
func TestActionErrors(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, Config{Alarms: []Def{hi()}, RequireComment: true}, "")
		r.setF("Plant.Tank1.Level", 3)
		if err := r.e.Ack([]string{hiID, "Plant.Nope/hi"}, "ann", "x"); !errors.Is(err, ErrUnknownAlarm) || !strings.Contains(err.Error(), "Plant.Nope/hi") {
			t.Errorf("Ack unknown = %v", err)
		}
		r.want(hiID, Unacked, true)
		if err := r.e.Ack([]string{hiID}, "ann", " "); !errors.Is(err, ErrCommentRequired) {
			t.Errorf("Ack without comment = %v", err)
		}
		if err := r.e.Shelve([]string{hiID}, time.Minute, "ann", ""); !errors.Is(err, ErrCommentRequired) {
			t.Errorf("Shelve without comment = %v", err)
		}
		if err := r.e.SetOutOfService([]string{hiID}, true, "ann", ""); !errors.Is(err, ErrCommentRequired) {
			t.Errorf("out of service without comment = %v", err)
		}
		r.want(hiID, Unacked, true)
		if err := r.e.Ack([]string{hiID}, "ann", "ok"); err != nil {
			t.Fatal(err)
		}
		r.want(hiID, Acked, true)
	})
}

// NewEngine reports every problem of the configuration at once.
func TestNewEngineChecks(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, Config{}, "")
		cfg := Config{Alarms: []Def{
			{Tag: "Plant.Nope", Kind: Hi},
			{Tag: "Plant.Tank1.Level", Kind: Deviation, Setpoint: "Plant.Nope.SP"},
			{Tag: "Plant.P1.Fault", Kind: State, State: "maybe"},
			{Tag: "Plant.P1.Flow", Kind: Lo, Suppress: "not Plant.P9.Running"},
			{Tag: "Plant.P1.Flow", Kind: Hi, Suppress: "Plant.P1.Flow + 1"},
			{Tag: "Plant.P1.Flow", Kind: Lo},
		}}
		_, err := NewEngine(cfg, r.bus, r.store, nil)
		for _, want := range []string{`Plant.Nope/hi: unknown tag "Plant.Nope"`, `unknown setpoint tag "Plant.Nope.SP"`,
			`state "maybe" is not a bool value`, `unknown tag "Plant.P9.Running"`, "must be true or false", "Plant.P1.Flow/lo: defined twice"} {
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("NewEngine error %v, want %q in it", err, want)
			}
		}
	})
}
