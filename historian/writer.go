package historian

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
)

// writer is the one goroutine that makes heads durable: by timer
// (CommitInterval), when CommitSamples are waiting, or on Flush. Appends
// never wait for it: it snapshots each changed head under the head's lock
// (copying a few slice headers and the open chunk's bytes) and writes
// outside it, one bbolt transaction per touched file.
type writer struct {
	db    *DB
	kickc chan struct{}   // a commit is wanted soon (count reached, sequence reservation)
	reqc  chan chan error // Flush: commit now and answer
	stopc chan struct{}
	done  chan struct{}
	final error // the last commit's error, set before done closes

	commitMu      sync.Mutex // serializes commits (the writer goroutine, Import)
	lastRetention time.Time  // guarded by commitMu
}

func startWriter(db *DB) *writer {
	w := &writer{
		db:    db,
		kickc: make(chan struct{}, 1),
		reqc:  make(chan chan error),
		stopc: make(chan struct{}),
		done:  make(chan struct{}),
	}
	go w.run()
	return w
}

func (w *writer) kick() {
	select {
	case w.kickc <- struct{}{}:
	default:
	}
}

func (w *writer) run() {
	defer close(w.done)
	t := time.NewTicker(w.db.opts.CommitInterval)
	defer t.Stop()
	for {
		var waiting []chan error
		select {
		case <-t.C:
		case <-w.kickc:
		case r := <-w.reqc:
			waiting = append(waiting, r)
		case <-w.stopc:
			w.final = w.commit()
			w.answer(w.drain(nil), w.final)
			return
		}
		waiting = w.drain(waiting)
		err := w.commit()
		w.answer(waiting, err)
		if err != nil && len(waiting) == 0 {
			w.db.log.Error("historian: commit failed", "err", err)
		}
		w.retention()
	}
}

// drain collects the Flush requests already waiting: this commit covers
// them.
func (w *writer) drain(waiting []chan error) []chan error {
	for {
		select {
		case r := <-w.reqc:
			waiting = append(waiting, r)
		default:
			return waiting
		}
	}
}

func (w *writer) answer(waiting []chan error, err error) {
	for _, r := range waiting {
		r <- err
	}
}

func (w *writer) commitNow() error {
	r := make(chan error, 1)
	select {
	case w.reqc <- r:
		return <-r
	case <-w.done:
		return ErrClosed
	}
}

func (w *writer) stop() error {
	close(w.stopc)
	<-w.done
	return w.final
}

func (w *writer) retention() {
	db := w.db
	if db.opts.RawRetention <= 0 && db.opts.RollupRetention <= 0 {
		return
	}
	now := time.Now()
	if now.Sub(w.lastRetention) < db.opts.RetentionEvery {
		return
	}
	w.lastRetention = now
	if err := db.EnforceRetention(now); err != nil {
		db.log.Warn("historian: retention", "err", err)
	}
}

// headSnap is what one commit takes from one head.
type headSnap struct {
	h       *head
	chunks  []memChunk // sealed chunks (the first nSealed) and the open chunk's bytes
	nSealed int
	rolls   [2][]Rollup
	count   int64
	rebuild bool
	rf, rt  int64
	failed  bool
}

// snapshot takes what changed in h. Caller holds h.mu.
func (w *writer) snapshot(h *head) (headSnap, error) {
	s := headSnap{h: h}
	var err error
	if len(h.late) > 0 {
		var cs []memChunk
		cs, err = w.db.encodeLate(h.id, h.hint, h.late)
		h.sealed = append(h.sealed, cs...)
		h.late = nil
	}
	s.nSealed = len(h.sealed)
	s.chunks = make([]memChunk, 0, len(h.sealed)+1)
	s.chunks = append(s.chunks, h.sealed...)
	if c, ok := h.openChunk(); ok {
		s.chunks = append(s.chunks, c)
	}
	s.rolls[0] = h.rolls[0]
	s.rolls[1] = h.rolls[1]
	s.count = h.unsnap
	h.unsnap = 0
	if h.rebuild {
		// The marker stays (queries keep reading raw there) until the
		// rebuild is done.
		s.rebuild, s.rf, s.rt = true, h.rebuildFrom, h.rebuildTo
	}
	h.dirty = false
	return s, err
}

// commit makes everything stored in the heads so far durable: first the
// raw chunks (one transaction per raw file), then the closed rollups (one
// per rollup file), then rollups that late samples invalidated are rebuilt
// from raw. Rollups are written after the raw data they summarize, so a
// crash never leaves a rollup without its raw samples.
func (w *writer) commit() error {
	w.commitMu.Lock()
	defer w.commitMu.Unlock()
	db := w.db
	if err := db.reserveSeqs(); err != nil {
		return err
	}
	var snaps []headSnap
	var errs []error
	for _, h := range *db.heads.Load() {
		if h == nil {
			continue
		}
		h.mu.Lock()
		if h.dirty {
			s, err := w.snapshot(h)
			if err != nil {
				errs = append(errs, err)
			}
			snaps = append(snaps, s)
		}
		h.mu.Unlock()
	}
	if len(snaps) == 0 {
		return errors.Join(errs...)
	}
	db.pending.Store(0)

	// Raw chunks, grouped by partition file.
	type put struct {
		key  []byte
		c    *memChunk
		snap int
	}
	byFile := map[int64][]put{}
	for i := range snaps {
		for j := range snaps[i].chunks {
			c := &snaps[i].chunks[j]
			start, _ := db.files.rawSpan(c.key.FirstT)
			byFile[start] = append(byFile[start], put{key: c.key.bytes(), c: c, snap: i})
		}
	}
	for _, start := range sortedKeys(byFile) {
		puts := byFile[start]
		slices.SortFunc(puts, func(a, b put) int { return bytes.Compare(a.key, b.key) })
		err := w.writeRaw(start, func(f *partFile, b *bolt.Bucket) error {
			var span int64
			for _, p := range puts {
				if err := b.Put(p.key, p.c.data); err != nil {
					return err
				}
				span = max(span, p.c.last-p.c.first)
			}
			return f.noteSpan(b.Tx(), span)
		})
		if err != nil {
			errs = append(errs, err)
			for _, p := range puts {
				snaps[p.snap].failed = true
			}
		}
	}

	// Closed rollups of the heads whose raw data is durable.
	var recs [2][]rollRec
	for i := range snaps {
		if snaps[i].failed {
			continue
		}
		for k := range 2 {
			for _, r := range snaps[i].rolls[k] {
				recs[k] = append(recs[k], rollRec{tag: snaps[i].h.id, r: r})
			}
		}
	}
	for k := range 2 {
		if err := db.writeRollups(rollKinds[k], recs[k], nil); err != nil {
			// The raw data is durable; queries compute what the missing
			// rollups would say from raw, and a restart rewrites them.
			errs = append(errs, err)
		}
	}

	// Drop what is durable from the heads.
	var n int64
	for i := range snaps {
		s := &snaps[i]
		h := s.h
		h.mu.Lock()
		if s.failed {
			// Keep everything for the next commit.
			h.unsnap += s.count
			h.dirty = true
			h.mu.Unlock()
			continue
		}
		h.sealed = dropFront(h.sealed, s.nSealed)
		for k := range 2 {
			h.rolls[k] = dropFront(h.rolls[k], len(s.rolls[k]))
		}
		h.mu.Unlock()
		n += s.count
	}
	db.committed.Add(n)

	for i := range snaps {
		if s := &snaps[i]; s.rebuild && !s.failed {
			err := db.rebuildRollups(s.h, s.rf, s.rt)
			h := s.h
			h.mu.Lock()
			switch {
			case err != nil:
				errs = append(errs, err)
				h.dirty = true // try again at the next commit
			case h.rebuild && h.rebuildFrom == s.rf && h.rebuildTo == s.rt:
				h.rebuild = false
			}
			h.mu.Unlock()
		}
	}
	return errors.Join(errs...)
}

// dropFront returns l without its first n elements, in a new array: a
// query may still hold the old one.
func dropFront[T any](l []T, n int) []T {
	if n >= len(l) {
		return nil
	}
	if n == 0 {
		return l
	}
	return slices.Clone(l[n:])
}

func sortedKeys[V any](m map[int64]V) []int64 {
	keys := make([]int64, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// writeRaw runs fn in one write transaction of the raw file starting at
// start, creating the file when needed.
func (w *writer) writeRaw(start int64, fn func(*partFile, *bolt.Bucket) error) error {
	f, err := w.db.files.get(kindRaw, start, true)
	if err != nil {
		return err
	}
	err = f.db.Update(func(tx *bolt.Tx) error { return fn(f, tx.Bucket(bucketChunks)) })
	if err != nil {
		return fmt.Errorf("historian: commit %s: %w", f.name, err)
	}
	return nil
}

// reserveSeqs keeps the durable reservation of chunk sequence numbers
// ahead of the ones handed out.
func (db *DB) reserveSeqs() error {
	s := db.seq.Load()
	if s+seqBlock/2 < db.seqLimit.Load() {
		return nil
	}
	limit, err := db.cat.reserveSeq(s + seqBlock)
	if err != nil {
		return err
	}
	db.seqLimit.Store(limit)
	return nil
}

// rollRec is one rollup of one tag, to write.
type rollRec struct {
	tag TagID
	r   Rollup
}

func sortRecs(recs []rollRec) {
	slices.SortFunc(recs, func(a, b rollRec) int {
		if c := cmp.Compare(a.tag, b.tag); c != 0 {
			return c
		}
		return cmp.Compare(a.r.Start, b.r.Start)
	})
}
