package alarms

import (
	"encoding/json"
	"errors"
	"testing"
	"testing/synctest"
	"time"

	"github.com/sightglass/sightglass/tags"
)

// A limit changed at runtime is stored, journaled with the old one, and
// applied at once.
func TestSetLimit(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := Def{Tag: "Plant.P1.Fault", Kind: State, State: "true", Priority: Low, AckRequired: true}
		r := newRig(t, Config{Alarms: []Def{hi(), f}}, "")
		r.setF("Plant.Tank1.Level", 2)
		r.want(hiID, Normal, false)
		if err := r.e.SetLimit(hiID, 1.8, "sup", "new pump curve"); err != nil {
			t.Fatal(err)
		}
		r.want(hiID, Unacked, true)
		if s := r.status(hiID); s.Limit != 1.8 || s.Message != "Plant.Tank1.Level high: 2 m ≥ 1.8 m" {
			t.Errorf("status %+v", s)
		}
		recs := r.journal()
		if l := recs[0]; l.Event != EvLimit || l.Value != "2.2 m" || l.Limit != 1.8 || l.User != "sup" || l.Comment != "new pump curve" {
			t.Errorf("limit record %+v", l)
		}
		b, err := r.store.Get(LimitBucket, hiID)
		var stored float64
		if err != nil || json.Unmarshal(b, &stored) != nil || stored != 1.8 {
			t.Errorf("LimitBucket %s = %q, %v", hiID, b, err)
		}
		if err := r.e.SetLimit("Plant.P1.Fault/state", 1, "sup", ""); !errors.Is(err, ErrNoLimit) {
			t.Errorf("SetLimit on a state alarm = %v", err)
		}
		if err := r.e.SetLimit("Plant.Nope/hi", 1, "sup", ""); !errors.Is(err, ErrUnknownAlarm) {
			t.Errorf("SetLimit on an unknown alarm = %v", err)
		}
	})
}

// A value-based alarm keeps its state while its tag is bad; the Bad kind
// reports the bad quality.
func TestBadQuality(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		b := Def{Tag: "Plant.Tank1.Level", Kind: Bad, Priority: Medium, AckRequired: true}
		badID := "Plant.Tank1.Level/bad"
		r := newRig(t, Config{Alarms: []Def{hi(), b}}, "")
		r.want(badID, Normal, false) // not read yet is not a fault
		r.setF("Plant.Tank1.Level", 3)
		r.want(hiID, Unacked, true)
		r.bad("Plant.Tank1.Level")
		r.want(hiID, Unacked, true)
		r.want(badID, Unacked, true)
		if s := r.status(badID); s.Value != "bad: no communication" || s.Message != "Plant.Tank1.Level bad quality: bad: no communication" {
			t.Errorf("bad status %+v", s)
		}
		r.setF("Plant.Tank1.Level", 1)
		r.want(hiID, RTNUnack, true)
		r.want(badID, RTNUnack, true)
	})
}

// A rate alarm compares the change per second between consecutive
// samples, by their VQT times, and clears when the value stops changing.
func TestRateOfChange(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		rate := Def{Tag: "Plant.Tank1.Level", Kind: Rate, Limit: 0.1, Deadband: 0.02, Priority: Medium, AckRequired: true}
		id := "Plant.Tank1.Level/rate"
		r := newRig(t, Config{Alarms: []Def{rate}}, "")
		level := 1.0
		for range 5 { // 0.05 m/s
			r.setF("Plant.Tank1.Level", level)
			level += 0.05
			r.sleep(time.Second)
		}
		r.want(id, Normal, false)
		for range 3 { // 0.2 m/s
			r.setF("Plant.Tank1.Level", level)
			level += 0.4
			r.sleep(2 * time.Second)
		}
		r.want(id, Unacked, true)
		if s := r.status(id); s.Message != "Plant.Tank1.Level changing fast: 0.2 m/s, limit 0.1 m/s" {
			t.Errorf("message %q", s.Message)
		}
		// 0.09 m/s is inside the deadband: still in.
		r.setF("Plant.Tank1.Level", level-0.4+0.18)
		level += -0.4 + 0.18
		r.sleep(2 * time.Second)
		r.want(id, Unacked, true)
		// Then the level holds still: no samples, the rate is 0.
		r.sleep(4 * time.Second)
		r.want(id, RTNUnack, true)
	})
}

// A deviation alarm compares the tag with its setpoint tag and is
// evaluated when either changes.
func TestDeviation(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		dev := Def{Tag: "Plant.Tank1.Level", Kind: Deviation, Setpoint: "Plant.Tank1.Setpoint", Limit: 0.3, Deadband: 0.05,
			Priority: Low, AckRequired: true}
		id := "Plant.Tank1.Level/deviation"
		r := newRig(t, Config{Alarms: []Def{dev}}, "")
		r.setF("Plant.Tank1.Level", 2) // no setpoint yet: not evaluated
		r.want(id, Normal, false)
		r.setF("Plant.Tank1.Setpoint", 2.5)
		r.want(id, Unacked, true)
		if s := r.status(id); s.Message != "Plant.Tank1.Level off setpoint: 2 m, setpoint 2.5 m, ± 0.3 m" {
			t.Errorf("message %q", s.Message)
		}
		r.setF("Plant.Tank1.Setpoint", 2.27) // 0.27: inside the deadband
		r.want(id, Unacked, true)
		r.setF("Plant.Tank1.Setpoint", 1.76) // 0.24 the other way
		r.want(id, RTNUnack, true)
	})
}

// A state alarm matches the tag's value as the project wrote it.
func TestStateAlarm(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		defs := []Def{
			{Tag: "Plant.P1.Fault", Kind: State, State: "true", Priority: High, AckRequired: true},
			{Tag: "Plant.P1.Mode", Kind: State, State: "TRIP", Priority: High, AckRequired: true, Message: "{tag} tripped ({priority})"},
		}
		r := newRig(t, Config{Alarms: defs}, "")
		r.set("Plant.P1.Fault", tags.Int(1)) // a coil published as a number
		r.want("Plant.P1.Fault/state", Unacked, true)
		r.set("Plant.P1.Mode", tags.String("TRIP"))
		r.want("Plant.P1.Mode/state", Unacked, true)
		if s := r.status("Plant.P1.Mode/state"); s.Message != "Plant.P1.Mode tripped (high)" {
			t.Errorf("message %q", s.Message)
		}
		r.set("Plant.P1.Fault", tags.Bool(false))
		r.want("Plant.P1.Fault/state", RTNUnack, true)
	})
}
