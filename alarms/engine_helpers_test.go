package alarms

import (
	"context"
	"path/filepath"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/sightglass/sightglass/state"
	"github.com/sightglass/sightglass/tags"
)

// rigTags are the tags of the engine tests.
var rigTags = []tags.Def{
	{Name: "Plant.Tank1.Level", Type: tags.TypeFloat32, Units: "m"},
	{Name: "Plant.Tank1.Setpoint", Type: tags.TypeFloat32, Units: "m"},
	{Name: "Plant.P1.Running", Type: tags.TypeBool},
	{Name: "Plant.P1.Flow", Type: tags.TypeFloat64, Units: "m3/h"},
	{Name: "Plant.P1.Mode", Type: tags.TypeString, StrLen: 8},
	{Name: "Plant.P1.Fault", Type: tags.TypeBool},
}

// countingStore is a real store that counts its Applies.
type countingStore struct {
	state.Store
	applies atomic.Int64
}

func (c *countingStore) Apply(b state.Batch) ([]uint64, error) {
	c.applies.Add(1)
	return c.Store.Apply(b)
}

// rig is an engine on a real bus and a real state file, run inside a
// synctest bubble by the test.
type rig struct {
	t      *testing.T
	path   string
	table  *tags.Table
	bus    *tags.Bus
	store  *countingStore
	e      *Engine
	cancel context.CancelFunc
}

// newRig opens the state file at path (a new one in t.TempDir() when ""),
// builds the engine for cfg and starts it. It must run inside the bubble;
// the rig stops at the test's end.
func newRig(t *testing.T, cfg Config, path string) *rig {
	t.Helper()
	if path == "" {
		path = filepath.Join(t.TempDir(), "state.db")
	}
	table := tags.NewTable(rigTags)
	r := &rig{t: t, path: path, table: table, bus: tags.NewBus(table)}
	r.open(cfg)
	return r
}

// open opens the store and starts an engine on it.
func (r *rig) open(cfg Config) {
	r.t.Helper()
	st, err := state.OpenLocal(r.path)
	if err != nil {
		r.t.Fatal(err)
	}
	r.store = &countingStore{Store: st}
	e, err := NewEngine(cfg, r.bus, r.store, nil)
	if err != nil {
		st.Close()
		r.t.Fatal(err)
	}
	r.e = e
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel = cancel
	e.Start(ctx)
	r.t.Cleanup(r.close)
	synctest.Wait()
}

// close stops the engine and closes the store; a second call does
// nothing.
func (r *rig) close() {
	if r.e == nil {
		return
	}
	r.e.Stop()
	r.cancel()
	r.store.Close()
	r.e = nil
}

// restart stops the engine, closes the store and opens both again on the
// same file and bus.
func (r *rig) restart(cfg Config) {
	r.t.Helper()
	r.close()
	r.open(cfg)
}

func (r *rig) id(name string) tags.ID {
	id, ok := r.table.Lookup(name)
	if !ok {
		r.t.Fatalf("no tag %q", name)
	}
	return id
}

// set publishes a good value of tag name now and lets the engine run.
func (r *rig) set(name string, v tags.Value) {
	r.bus.Publish([]tags.Update{{ID: r.id(name), VQT: tags.VQT{Value: v, Quality: tags.GoodQuality, Time: time.Now()}}})
	synctest.Wait()
}

// setF publishes a float.
func (r *rig) setF(name string, f float64) { r.set(name, tags.Float(f)) }

// bad publishes a bad quality for tag name, keeping its value.
func (r *rig) bad(name string) {
	v := r.bus.Get(r.id(name))
	v.Quality, v.Time = tags.BadQuality(tags.ReasonNoComm, 0), time.Now()
	r.bus.Publish([]tags.Update{{ID: r.id(name), VQT: v}})
	synctest.Wait()
}

// sleep advances the bubble's clock and lets the engine run.
func (r *rig) sleep(d time.Duration) {
	time.Sleep(d)
	synctest.Wait()
}

// status returns an alarm's status.
func (r *rig) status(id string) Status {
	r.t.Helper()
	s, ok := r.e.Get(id)
	if !ok {
		r.t.Fatalf("no alarm %q", id)
	}
	return s
}

// want checks an alarm's state and whether it is annunciated.
func (r *rig) want(id string, state StateKind, annunciated bool) {
	r.t.Helper()
	s := r.status(id)
	if s.State != state || s.Annunciated() != annunciated {
		r.t.Errorf("%s: state %v annunciated %v, want %v %v", id, s.State, s.Annunciated(), state, annunciated)
	}
}

// journal decodes the whole journal.
func (r *rig) journal() []Record {
	r.t.Helper()
	var recs []Record
	err := r.store.Scan(JournalLog, 1, func(seq uint64, b []byte) (bool, error) {
		rec, err := DecodeRecord(seq, b)
		recs = append(recs, rec)
		return true, err
	})
	if err != nil {
		r.t.Fatal(err)
	}
	return recs
}

// events lists the journal's events of one alarm, "ev:state" each.
func (r *rig) events(id string) []string {
	var out []string
	for _, rec := range r.journal() {
		if rec.Alarm == id {
			out = append(out, rec.Event.String()+":"+rec.State.String())
		}
	}
	return out
}

// wantEvents checks the journal's events of one alarm.
func (r *rig) wantEvents(id string, want ...string) {
	r.t.Helper()
	got := r.events(id)
	if len(got) != len(want) {
		r.t.Errorf("%s journal %v, want %v", id, got, want)
		return
	}
	for i := range got {
		if got[i] != want[i] {
			r.t.Errorf("%s journal %v, want %v", id, got, want)
			return
		}
	}
}

// hi is a Hi alarm on the tank level at limit 2.2 m.
func hi() Def {
	return Def{Tag: "Plant.Tank1.Level", Kind: Hi, Limit: 2.2, Priority: High, AckRequired: true}
}
