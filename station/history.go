package station

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/sightglass/sightglass/historian"
	"github.com/sightglass/sightglass/tags"
)

// notRecorded marks a tag the historian does not keep.
const notRecorded = ^historian.TagID(0)

// recorder feeds every change on the bus into the historian, in order.
type recorder struct {
	db   *historian.DB
	ids  []historian.TagID // by tags.ID; notRecorded for tags left out
	sub  *tags.Subscription
	stop chan struct{}
	done chan struct{}
}

// EnableHistory opens the historian in dataDir (its files go under
// dataDir/history) and registers every tag the project records. Call it
// before Start; Start then records every change from the bus, and Stop
// flushes and closes the historian after the pollers have stopped.
func (s *Station) EnableHistory(dataDir string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.started {
		return fmt.Errorf("history: enable it before Start")
	}
	h := s.proj.History
	db, err := historian.Open(historian.Options{
		Dir:             dataDir,
		Partition:       h.Partition,
		RawRetention:    h.Raw,
		RollupRetention: h.Rollups,
		Logger:          s.log.With("part", "historian"),
	})
	if err != nil {
		return fmt.Errorf("history in %s: %w", filepath.Join(dataDir, "history"), err)
	}
	ids := make([]historian.TagID, s.table.Len())
	for i := range ids {
		ids[i] = notRecorded
		def := s.table.Def(tags.ID(i))
		cfg := historian.TagConfig{Name: def.Name, Hint: historian.HintFor(def)}
		if i < len(s.proj.TagHistory) {
			th := s.proj.TagHistory[i]
			if th.Off {
				continue
			}
			cfg.Filter = historian.FilterConfig{
				ExcDev: th.ExcDev, ExcMax: th.ExcMax.Milliseconds(),
				CompDev: th.CompDev, CompMax: th.CompMax.Milliseconds(),
			}
		}
		if ids[i], err = db.Register(cfg); err != nil {
			db.Close()
			return fmt.Errorf("history: tag %s: %w", def.Name, err)
		}
	}
	s.rec = &recorder{db: db, ids: ids, stop: make(chan struct{}), done: make(chan struct{})}
	return nil
}

// History returns the station's historian, or nil when history is not
// enabled.
func (s *Station) History() *historian.DB {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.rec == nil {
		return nil
	}
	return s.rec.db
}

// start subscribes to the bus and records until stop.
func (r *recorder) start(bus *tags.Bus) {
	r.sub = bus.Subscribe("historian")
	go r.run()
}

func (r *recorder) run() {
	defer close(r.done)
	var batches [][]tags.Update
	record := func() {
		batches = r.sub.Batches(batches[:0])
		for _, b := range batches {
			for _, u := range b {
				if id := r.ids[u.ID]; id != notRecorded {
					r.db.Append(id, historian.FromVQT(u.VQT))
				}
			}
		}
	}
	for {
		select {
		case <-r.sub.C():
			record()
		case <-r.stop:
			record() // what the pollers published as they stopped
			return
		}
	}
}

// close stops recording, then flushes and closes the historian.
func (r *recorder) close() error {
	if r.sub != nil {
		close(r.stop)
		<-r.done
		r.sub.Close()
	}
	return r.db.Close()
}

// ErrNoHistory: the station records no history (EnableHistory was not
// called), or not of that tag.
var ErrNoHistory = errors.New("no history")

// historyOf finds the historian and a tag's id in it.
func (s *Station) historyOf(tag string) (*historian.DB, historian.TagID, error) {
	db := s.History()
	if db == nil {
		return nil, 0, ErrNoHistory
	}
	id, ok := db.Lookup(tag)
	if !ok {
		return nil, 0, fmt.Errorf("%s: %w", tag, ErrNoHistory)
	}
	return db, id, nil
}

// Decimate returns a tag's history over [from, to) as width pixel columns
// (M4: each column's first, last, min and max), from rollups when the
// range is long: what a trend draws.
func (s *Station) Decimate(ctx context.Context, tag string, from, to time.Time, width int) ([]historian.Column, error) {
	db, id, err := s.historyOf(tag)
	if err != nil {
		return nil, err
	}
	return db.Decimate(ctx, id, historian.Millis(from), historian.Millis(to), width)
}

// RawHistory returns a tag's samples over [from, to), at most limit (0: all).
func (s *Station) RawHistory(ctx context.Context, tag string, from, to time.Time, limit int) ([]historian.Sample, error) {
	db, id, err := s.historyOf(tag)
	if err != nil {
		return nil, err
	}
	return db.Raw(ctx, id, historian.Millis(from), historian.Millis(to), limit)
}
