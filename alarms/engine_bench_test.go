package alarms

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sightglass/sightglass/state"
	"github.com/sightglass/sightglass/tags"
)

// benchTags makes n float tags, Area.T0.PV ... .
func benchTags(n int) *tags.Table {
	defs := make([]tags.Def, n)
	for i := range defs {
		defs[i] = tags.Def{Name: fmt.Sprintf("Area%d.T%d.PV", i%10, i), Type: tags.TypeFloat64, Units: "m"}
	}
	return tags.NewTable(defs)
}

// benchAlarms puts a Hi (limit 90) and a Lo (limit 10) alarm on each of
// the first n tags: 2n alarms.
func benchAlarms(t *tags.Table, n int) Config {
	var cfg Config
	for i := range n {
		name := t.Def(tags.ID(i)).Name
		cfg.Alarms = append(cfg.Alarms,
			Def{Tag: name, Kind: Hi, Limit: 90, Deadband: 1, Priority: Medium, AckRequired: true},
			Def{Tag: name, Kind: Lo, Limit: 10, Deadband: 1, Priority: Medium, AckRequired: true})
	}
	return cfg
}

// discardStore is a store that keeps nothing: for measuring the engine's
// own work, without the disk (BenchmarkFlood measures the disk).
type discardStore struct{ state.Store }

func (discardStore) Apply(b state.Batch) ([]uint64, error)            { return nil, nil }
func (discardStore) ForEach(string, func(string, []byte) error) error { return nil }

// BenchmarkEvaluate measures the engine's cost per tag update with 10,000
// configured alarms (5,000 tags × Hi and Lo), in batches of 500 updates
// as a driver's scan publishes them: "steady" with every value changing
// inside its limits (nothing transitions), "transitioning" with 1 update
// in 100 crossing a limit and back (each a journaled transition, encoded
// for a store that discards it).
func BenchmarkEvaluate(b *testing.B) {
	const ntags, batchSize = 5_000, 500
	for _, tc := range []struct {
		name  string
		every int // one update in every crosses a limit; 0: none
	}{{"steady", 0}, {"transitioning", 100}} {
		b.Run(tc.name, func(b *testing.B) {
			table := benchTags(ntags)
			e, err := NewEngine(benchAlarms(table, ntags), tags.NewBus(table), discardStore{}, nil)
			if err != nil {
				b.Fatal(err)
			}
			now := time.Now()
			batch := make([]tags.Update, batchSize)
			batches := [][]tags.Update{batch}
			next := 0
			b.ReportAllocs()
			b.ResetTimer()
			for n := 0; n < b.N; n += batchSize {
				for i := range batch {
					v := 50 + float64((n+i)%7)
					if tc.every > 0 && (n+i)%tc.every == 0 && (n/ntags)%2 == 0 {
						v = 95
					}
					batch[i] = tags.Update{ID: tags.ID(next % ntags), VQT: tags.VQT{Value: tags.Float(v), Quality: tags.GoodQuality, Time: now}}
					next++
				}
				e.process(batches)
			}
			b.StopTimer()
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/update")
		})
	}
}

// BenchmarkBusWithAlarms measures bus updates per second without and with
// the alarm engine subscribed (10,000 alarms on 5,000 of 10,000 tags,
// values changing inside their limits), in the same run, each until every
// subscriber has taken every update, alternating three times; ratio is
// with / without (target ≥ 0.95). A historian-like subscriber drains the
// bus in both.
func BenchmarkBusWithAlarms(b *testing.B) {
	const ntags, nalarmed, batchSize = 10_000, 5_000, 500
	table := benchTags(ntags + 1) // the last tag is the end marker
	marker := tags.ID(ntags)
	run := func(withEngine bool) time.Duration {
		bus := tags.NewBus(table)
		var wg sync.WaitGroup
		done := make(chan struct{})
		other := bus.Subscribe("historian")
		var received atomic.Int64
		wg.Go(func() {
			var buf [][]tags.Update
			for {
				select {
				case <-other.C():
					buf = other.Batches(buf[:0])
					for _, bt := range buf {
						received.Add(int64(len(bt)))
					}
				case <-done:
					return
				}
			}
		})
		var e *Engine
		if withEngine {
			cfg := benchAlarms(table, nalarmed)
			cfg.Alarms = append(cfg.Alarms, Def{Tag: table.Def(marker).Name, Kind: Hi, Limit: 1, AckRequired: true})
			var err error
			if e, err = NewEngine(cfg, bus, discardStore{}, nil); err != nil {
				b.Fatal(err)
			}
			e.Start(context.Background())
		}
		batch := make([]tags.Update, batchSize)
		now := time.Now()
		start := time.Now()
		next, published := 0, int64(0)
		for n := 0; n < b.N; n += batchSize {
			for i := range batch {
				// Every update a change: a tag's value moves each round,
				// inside its alarms' limits.
				v := float64(20 + (next/ntags)%50)
				batch[i] = tags.Update{ID: tags.ID(next % ntags), VQT: tags.VQT{Value: tags.Float(v), Quality: tags.GoodQuality, Time: now}}
				next++
			}
			bus.Publish(batch)
			published += batchSize
		}
		// The end marker: once the engine has journaled its activation,
		// it has evaluated everything published before it.
		bus.Publish([]tags.Update{{ID: marker, VQT: tags.VQT{Value: tags.Float(2), Quality: tags.GoodQuality, Time: now}}})
		for received.Load() < published+1 || withEngine && e.Version() == 0 {
			time.Sleep(20 * time.Microsecond)
		}
		elapsed := time.Since(start)
		close(done)
		wg.Wait()
		other.Close()
		if withEngine {
			e.Stop()
		}
		return elapsed
	}
	// Alternate the two, each after a GC, so that neither inherits the
	// other's garbage: the bus allocates each batch of changes.
	b.ResetTimer()
	var without, with time.Duration
	for range 3 {
		runtime.GC()
		without += run(false)
		runtime.GC()
		with += run(true)
	}
	b.StopTimer()
	rateWithout := 3 * float64(b.N) / without.Seconds()
	rateWith := 3 * float64(b.N) / with.Seconds()
	b.ReportMetric(rateWithout, "updates/s-without")
	b.ReportMetric(rateWith, "updates/s-with")
	b.ReportMetric(rateWith/rateWithout, "ratio")
}

// notifyStore is a real store that reports each applied Batch.
type notifyStore struct {
	state.Store
	applied chan int // the number of journal records of each Batch
}

func (s *notifyStore) Apply(b state.Batch) ([]uint64, error) {
	seqs, err := s.Store.Apply(b)
	s.applied <- len(b.Appends)
	return seqs, err
}

// BenchmarkFlood measures an alarm flood: 10,000 alarms (HiHi and Hi on
// 5,000 tags) activating in one bus batch, journaled through a real
// state.Local file; ms-to-journal is the time from the publish until all
// 10,000 records and statuses are on disk. Each iteration is one flood
// (and its return to normal, not timed).
func BenchmarkFlood(b *testing.B) {
	const ntags = 5_000
	table := benchTags(ntags)
	var cfg Config
	for i := range ntags {
		name := table.Def(tags.ID(i)).Name
		cfg.Alarms = append(cfg.Alarms,
			Def{Tag: name, Kind: HiHi, Limit: 95, Priority: High, AckRequired: false},
			Def{Tag: name, Kind: Hi, Limit: 90, Priority: Medium, AckRequired: false})
	}
	local, err := state.OpenLocal(filepath.Join(b.TempDir(), "state.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer local.Close()
	st := &notifyStore{Store: local, applied: make(chan int, 16)}
	bus := tags.NewBus(table)
	e, err := NewEngine(cfg, bus, st, nil)
	if err != nil {
		b.Fatal(err)
	}
	e.Start(context.Background())
	defer e.Stop()
	batch := make([]tags.Update, ntags)
	publish := func(v float64) {
		now := time.Now()
		for i := range batch {
			batch[i] = tags.Update{ID: tags.ID(i), VQT: tags.VQT{Value: tags.Float(v), Quality: tags.GoodQuality, Time: now}}
		}
		bus.Publish(batch)
	}
	wait := func(records int) {
		for got := 0; got < records; {
			got += <-st.applied
		}
	}
	var total time.Duration
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		publish(99)
		wait(2 * ntags)
		total += time.Since(start)
		b.StopTimer()
		publish(50)
		wait(2 * ntags)
		b.StartTimer()
	}
	b.StopTimer()
	b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "ms-to-journal")
}
