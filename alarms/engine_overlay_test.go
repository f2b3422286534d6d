package alarms

import (
	"errors"
	"testing"
	"testing/synctest"
	"time"

	"github.com/sightglass/sightglass/tags"
)

// A shelved alarm keeps being evaluated but is not annunciated; at the
// shelf's end it is unshelved by the system and, still active,
// annunciated again even if it had been acknowledged.
func TestShelveExpiryReannunciates(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, Config{Alarms: []Def{hi()}}, "")
		r.setF("Plant.Tank1.Level", 3)
		r.e.Ack([]string{hiID}, "ann", "")
		start := time.Now()
		if err := r.e.Shelve([]string{hiID}, 20*time.Minute, "ann", "instrument tech on it"); err != nil {
			t.Fatal(err)
		}
		s := r.status(hiID)
		if !s.Shelved || !s.ShelvedUntil.Equal(start.Add(20*time.Minute)) || s.Annunciated() {
			t.Errorf("shelved status %+v", s)
		}
		if sum := r.e.Summary(); sum.Shelved != 1 || sum.Active[High] != 0 {
			t.Errorf("summary while shelved %+v", sum)
		}
		// Still evaluated on the shelf.
		r.setF("Plant.Tank1.Level", 1)
		r.want(hiID, Normal, false)
		r.setF("Plant.Tank1.Level", 3)
		r.want(hiID, Unacked, false)
		r.e.Ack([]string{hiID}, "ann", "")
		r.sleep(20*time.Minute - time.Second)
		r.want(hiID, Acked, false)
		r.sleep(time.Second)
		r.want(hiID, Unacked, true)
		if s := r.status(hiID); s.Shelved {
			t.Errorf("still shelved after its end: %+v", s)
		}
		recs := r.journal()
		shelve, unshelve := recs[2], recs[len(recs)-1]
		if shelve.Event != EvShelve || shelve.Value != start.Add(20*time.Minute).UTC().Format(time.RFC3339) || shelve.Comment != "instrument tech on it" {
			t.Errorf("shelve record %+v", shelve)
		}
		if unshelve.Event != EvUnshelve || unshelve.User != "" || unshelve.State != Unacked || !unshelve.Time.Equal(start.Add(20*time.Minute)) {
			t.Errorf("unshelve record %+v", unshelve)
		}
	})
}

// A shelf longer than the priority allows is refused and changes nothing;
// an operator may unshelve before the end.
func TestShelveLimits(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		lo := Def{Tag: "Plant.P1.Flow", Kind: Lo, Limit: 1, Priority: Diagnostic, AckRequired: true}
		cfg := Config{Alarms: []Def{hi(), lo}}
		cfg.MaxShelve[High] = 30 * time.Minute
		r := newRig(t, cfg, "")
		err := r.e.Shelve([]string{hiID, "Plant.P1.Flow/lo"}, time.Hour, "ann", "")
		if !errors.Is(err, ErrShelveTooLong) {
			t.Fatalf("Shelve 1 h of a high alarm with 30 min max = %v", err)
		}
		if r.status(hiID).Shelved || r.status("Plant.P1.Flow/lo").Shelved {
			t.Error("a refused shelve shelved something")
		}
		// Diagnostic falls back to DefaultMaxShelve: 12 h.
		if err := r.e.Shelve([]string{"Plant.P1.Flow/lo"}, 12*time.Hour, "ann", ""); err != nil {
			t.Errorf("Shelve 12 h of a diagnostic alarm: %v", err)
		}
		if err := r.e.Shelve([]string{"Plant.P1.Flow/lo"}, 13*time.Hour, "ann", ""); !errors.Is(err, ErrShelveTooLong) {
			t.Errorf("Shelve 13 h of a diagnostic alarm = %v", err)
		}
		if err := r.e.Unshelve([]string{"Plant.P1.Flow/lo"}, "bob", "done"); err != nil {
			t.Fatal(err)
		}
		if s := r.status("Plant.P1.Flow/lo"); s.Shelved || s.User != "bob" {
			t.Errorf("after Unshelve %+v", s)
		}
		r.sleep(13 * time.Hour) // the old shelf's timer fires nothing
		r.wantEvents("Plant.P1.Flow/lo", "shelve:normal", "unshelve:normal")
	})
}

// An alarm out of service is evaluated but not annunciated.
func TestOutOfService(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, Config{Alarms: []Def{hi()}}, "")
		if err := r.e.SetOutOfService([]string{hiID}, true, "ann", "transmitter replaced"); err != nil {
			t.Fatal(err)
		}
		r.setF("Plant.Tank1.Level", 3)
		r.want(hiID, Unacked, false)
		if sum := r.e.Summary(); sum.OutOfService != 1 || sum.Unacked[High] != 0 || sum.Newest != nil {
			t.Errorf("summary %+v", sum)
		}
		r.e.SetOutOfService([]string{hiID}, false, "ann", "")
		r.want(hiID, Unacked, true)
		r.wantEvents(hiID, "out-of-service:normal", "active:unacked", "in-service:unacked")
	})
}

// Suppression by design follows a live condition on other tags, is
// re-evaluated whenever one of them changes, and lifts when they go bad.
func TestSuppressionLive(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		lo := Def{Tag: "Plant.P1.Flow", Kind: Lo, Limit: 5, Priority: Medium, AckRequired: true,
			Suppress: `not Plant.P1.Running or Plant.P1.Mode == "MAINT"`}
		id := "Plant.P1.Flow/lo"
		r := newRig(t, Config{Alarms: []Def{lo}}, "")
		r.set("Plant.P1.Running", tags.Bool(false))
		r.set("Plant.P1.Mode", tags.String("AUTO"))
		r.setF("Plant.P1.Flow", 0)
		if s := r.status(id); !s.Suppressed || s.State != Unacked || s.Annunciated() {
			t.Errorf("pump stopped: %+v, want suppressed and unacked", s)
		}
		r.set("Plant.P1.Running", tags.Bool(true))
		r.want(id, Unacked, true)
		r.set("Plant.P1.Mode", tags.String("MAINT"))
		r.want(id, Unacked, false)
		r.bad("Plant.P1.Mode") // no data: never suppress on it
		r.want(id, Unacked, true)
		r.wantEvents(id, "suppress:normal", "active:unacked", "unsuppress:unacked", "suppress:unacked", "unsuppress:unacked")
		if sum := r.e.Summary(); sum.Suppressed != 0 || sum.Unacked[Medium] != 1 {
			t.Errorf("summary %+v", sum)
		}
	})
}
