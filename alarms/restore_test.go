package alarms

import (
	"testing"
	"testing/synctest"
	"time"

	"github.com/sightglass/sightglass/state"
	"github.com/sightglass/sightglass/tags"
)

// A restart restores every alarm from the state file: an acknowledged
// alarm still active stays acknowledged (not annunciated anew), an
// unacknowledged one stays unacknowledged, one whose condition went away
// while the station was down clears when the first values arrive; shelves,
// out of service and runtime limits survive too.
func TestRestartRecovery(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		flowHi := Def{Tag: "Plant.P1.Flow", Kind: Hi, Limit: 10, Priority: Medium, AckRequired: true}
		fault := Def{Tag: "Plant.P1.Fault", Kind: State, State: "true", Priority: Critical, AckRequired: true, Realarm: time.Hour}
		hh := Def{Tag: "Plant.Tank1.Level", Kind: HiHi, Limit: 2.8, Priority: Critical, AckRequired: true}
		cfg := Config{Alarms: []Def{hi(), flowHi, fault, hh}}
		r := newRig(t, cfg, "")
		r.setF("Plant.Tank1.Level", 3) // hi and hihi
		r.setF("Plant.P1.Flow", 12)
		r.set("Plant.P1.Fault", tags.Bool(true))
		r.e.Ack([]string{hiID, "Plant.P1.Fault/state"}, "ann", "")
		r.e.Shelve([]string{"Plant.Tank1.Level/hihi"}, 30*time.Minute, "ann", "")
		r.e.SetOutOfService([]string{"Plant.P1.Flow/hi"}, true, "ann", "")
		r.e.SetLimit("Plant.P1.Flow/hi", 11, "sup", "")
		before := len(r.journal())

		// The station goes down for ten minutes; a fresh bus, its tags not
		// read yet.
		r.close()
		r.sleep(10 * time.Minute)
		r.bus = tags.NewBus(r.table)
		r.open(cfg)
		r.want(hiID, Acked, true)
		r.want("Plant.P1.Flow/hi", Unacked, false)
		r.want("Plant.P1.Fault/state", Acked, true)
		if s := r.status("Plant.Tank1.Level/hihi"); s.State != Unacked || !s.Shelved || s.Annunciated() {
			t.Errorf("hihi restored %+v", s)
		}
		if s := r.status("Plant.P1.Flow/hi"); s.Limit != 11 || !s.OutOfService {
			t.Errorf("flow hi restored %+v", s)
		}

		// The first values: the level and the fault still there, the flow
		// back to normal while the station was down.
		r.setF("Plant.Tank1.Level", 3)
		r.setF("Plant.P1.Flow", 5)
		r.set("Plant.P1.Fault", tags.Bool(true))
		r.want(hiID, Acked, true)
		r.want("Plant.P1.Fault/state", Acked, true)
		r.want("Plant.P1.Flow/hi", RTNUnack, false)
		after := r.journal()[before:]
		if len(after) != 1 || after[0].Alarm != "Plant.P1.Flow/hi" || after[0].Event != EvClear {
			t.Errorf("journal after the restart %+v, want only the flow's clear", after)
		}

		// The shelf still ends at its time (20 min after the restart), and
		// the fault's re-alarm runs from the restart.
		r.sleep(20 * time.Minute)
		r.want("Plant.Tank1.Level/hihi", Unacked, true)
		r.sleep(40 * time.Minute)
		r.want("Plant.P1.Fault/state", Unacked, true)
	})
}

// An engine started on a bus that already has values evaluates them at
// once: an alarm restored active whose condition is gone clears without
// waiting for a change.
func TestRestartValuesAlreadyOnBus(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		cfg := Config{Alarms: []Def{hi()}}
		r := newRig(t, cfg, "")
		r.setF("Plant.Tank1.Level", 3)
		r.close()
		r.setF("Plant.Tank1.Level", 1) // published while no engine runs
		r.open(cfg)
		r.want(hiID, RTNUnack, true)
		r.wantEvents(hiID, "active:unacked", "clear:rtn-unacked")
	})
}

// Statuses of alarms no longer configured and undecodable entries are
// skipped.
func TestRestoreSkipsStrangers(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, Config{}, "")
		_, err := r.store.Apply(state.Batch{Puts: []state.KV{
			{Bucket: StateBucket, Key: "Plant.Gone/hi", Value: []byte(`{"State":"unacked"}`)},
			{Bucket: StateBucket, Key: hiID, Value: []byte(`{not json`)},
			{Bucket: LimitBucket, Key: hiID, Value: []byte(`"high"`)},
		}})
		if err != nil {
			t.Fatal(err)
		}
		r.restart(Config{Alarms: []Def{hi()}})
		if s := r.status(hiID); s.State != Normal || s.Limit != 2.2 {
			t.Errorf("restored %+v", s)
		}
	})
}
