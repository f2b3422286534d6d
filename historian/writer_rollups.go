package historian

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"slices"

	bolt "go.etcd.io/bbolt"
)

// Rollup records: key tag id (4 bytes) + start (8, sign-flipped); value a
// fixed 84-byte record (see DESIGN.md). The width is the file's.
const (
	rollKeyLen = 4 + 8
	rollRecLen = 4 + 5*8 + 2*8 + 8 + 2*8
)

func rollKey(tag TagID, start int64) []byte {
	b := make([]byte, rollKeyLen)
	binary.BigEndian.PutUint32(b, uint32(tag))
	binary.BigEndian.PutUint64(b[4:], sortable(start))
	return b
}

func parseRollKey(b []byte) (TagID, int64, bool) {
	if len(b) != rollKeyLen {
		return 0, 0, false
	}
	return TagID(binary.BigEndian.Uint32(b)), unsortable(binary.BigEndian.Uint64(b[4:])), true
}

func encodeRollup(r *Rollup) []byte {
	b := make([]byte, 0, rollRecLen)
	b = binary.BigEndian.AppendUint32(b, r.Count)
	for _, f := range [...]float64{r.Sum, r.Min, r.Max, r.First, r.Last} {
		b = binary.BigEndian.AppendUint64(b, math.Float64bits(f))
	}
	b = binary.BigEndian.AppendUint64(b, uint64(r.FirstT))
	b = binary.BigEndian.AppendUint64(b, uint64(r.LastT))
	b = binary.BigEndian.AppendUint64(b, math.Float64bits(r.Integral))
	b = binary.BigEndian.AppendUint64(b, uint64(r.GoodMs))
	b = binary.BigEndian.AppendUint64(b, uint64(r.KnownMs))
	return b
}

func decodeRollup(b []byte, start, width int64) (Rollup, error) {
	if len(b) != rollRecLen {
		return Rollup{}, fmt.Errorf("rollup record of %d bytes, want %d", len(b), rollRecLen)
	}
	f := func(i int) float64 { return math.Float64frombits(binary.BigEndian.Uint64(b[4+8*i:])) }
	i := func(off int) int64 { return int64(binary.BigEndian.Uint64(b[off:])) }
	return Rollup{
		Start: start, Width: width,
		Count: binary.BigEndian.Uint32(b),
		Sum:   f(0), Min: f(1), Max: f(2), First: f(3), Last: f(4),
		FirstT: i(44), LastT: i(52), Integral: math.Float64frombits(binary.BigEndian.Uint64(b[60:])),
		GoodMs: i(68), KnownMs: i(76),
	}, nil
}

// rollRange is a span [from, to) of one tag's rollups to delete before
// rebuilt ones are written.
type rollRange struct {
	tag      TagID
	from, to int64
}

// writeRollups deletes the ranges del and writes recs to the rollup files
// of kind k, one transaction per file.
func (db *DB) writeRollups(k fileKind, recs []rollRec, del []rollRange) error {
	if len(recs) == 0 && len(del) == 0 {
		return nil
	}
	sortRecs(recs)
	byFile := map[int64][]rollRec{}
	for _, r := range recs {
		s, _ := db.files.spanOf(k, r.r.Start)
		byFile[s] = append(byFile[s], r)
	}
	delByFile := map[int64][]rollRange{}
	for _, d := range del {
		for _, f := range db.files.overlapping(k, d.from, d.to) {
			delByFile[f.start] = append(delByFile[f.start], d)
			if byFile[f.start] == nil {
				byFile[f.start] = []rollRec{}
			}
		}
	}
	var errs []error
	for _, start := range sortedKeys(byFile) {
		f, err := db.files.get(k, start, len(byFile[start]) > 0)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if f == nil {
			continue
		}
		err = f.db.Update(func(tx *bolt.Tx) error {
			b := tx.Bucket(bucketRollups)
			for _, d := range delByFile[start] {
				c := b.Cursor()
				end := rollKey(d.tag, d.to)
				for key, _ := c.Seek(rollKey(d.tag, d.from)); key != nil && bytes.Compare(key, end) < 0; key, _ = c.Seek(rollKey(d.tag, d.from)) {
					if err := c.Delete(); err != nil {
						return err
					}
				}
			}
			for _, r := range byFile[start] {
				if err := b.Put(rollKey(r.tag, r.r.Start), encodeRollup(&r.r)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			errs = append(errs, fmt.Errorf("historian: commit %s: %w", f.name, err))
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("historian: rollups: %w", errs[0])
	}
	return nil
}

// readRollups returns the stored rollups of tag id with Start in
// [from, to) from the files of kind k, in time order.
func (db *DB) readRollups(k fileKind, id TagID, from, to int64) ([]Rollup, error) {
	w := k.width()
	var out []Rollup
	if n := (to - from) / w; n > 0 && n < 1<<20 { // (to-from overflows for open ranges)
		out = make([]Rollup, 0, n+1)
	}
	for _, f := range db.files.overlapping(k, from, to) {
		err := f.db.View(func(tx *bolt.Tx) error {
			c := tx.Bucket(bucketRollups).Cursor()
			for key, v := c.Seek(rollKey(id, from)); key != nil; key, v = c.Next() {
				tag, start, ok := parseRollKey(key)
				if !ok || tag != id || start >= to {
					break
				}
				r, err := decodeRollup(v, start, w)
				if err != nil {
					db.log.Warn("historian: damaged rollup skipped", "file", f.name, "tag", db.cat.name(id), "start", start, "err", err)
					continue
				}
				out = append(out, r)
			}
			return nil
		})
		if err != nil && err != bolt.ErrDatabaseNotOpen {
			return out, err
		}
	}
	return out, nil
}

// lastRollupEnd returns the end of the newest stored rollup of tag id in
// files of kind k (ok false: none).
func (db *DB) lastRollupEnd(k fileKind, id TagID) (int64, bool) {
	fs := db.files.overlapping(k, math.MinInt64, math.MaxInt64)
	for i := len(fs) - 1; i >= 0; i-- {
		var end int64
		var found bool
		f := fs[i]
		f.db.View(func(tx *bolt.Tx) error {
			c := tx.Bucket(bucketRollups).Cursor()
			var key []byte
			if id == math.MaxUint32 {
				key, _ = c.Last()
			} else if key, _ = c.Seek(rollKey(id+1, math.MinInt64)); key == nil {
				key, _ = c.Last()
			} else {
				key, _ = c.Prev()
			}
			if tag, start, ok := parseRollKey(key); ok && tag == id {
				end, found = start+k.width(), true
			}
			return nil
		})
		if found {
			return end, true
		}
	}
	return 0, false
}

// rebuildRollups recomputes the rollups that late samples in [rf, rt]
// changed, from raw: from the hour holding rf to the hour holding the first
// sample after rt (a value holds until the next one). What reaches the
// head's open hour is replayed into the head's rollup builders, under the
// head's lock (about an hour of samples at most).
func (db *DB) rebuildRollups(h *head, rf, rt int64) error {
	ctx := context.Background()
	a := floorDiv(rf, hourMs)
	h.mu.Lock()
	hv := h.view()
	h.mu.Unlock()
	next, err := db.rawRange(ctx, h.id, rt+1, math.MaxInt64, 1, &hv, nil)
	if err != nil {
		return err
	}
	c := floorDiv(rt, hourMs) + hourMs
	if len(next) > 0 {
		c = floorDiv(next[0].T, hourMs) + hourMs
	}
	h.mu.Lock()
	open, live := floorDiv(h.lastT, hourMs), h.hasLast
	h.mu.Unlock()
	reach := live && c > open
	if reach {
		c = open
	}
	if a < c {
		if err := db.rebuildClosed(h, a, c); err != nil {
			return err
		}
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for k := range 2 {
		h.rolls[k] = slices.DeleteFunc(slices.Clone(h.rolls[k]), func(r Rollup) bool { return r.Start >= a && r.Start < c })
	}
	if reach {
		return db.replayHead(h, max(a, open), true)
	}
	return nil
}

// rebuildWindow bounds the raw samples one step of rebuildClosed holds.
const rebuildWindow = 24 * hourMs

// rebuildClosed rewrites the rollups of h's tag in [a, c), both widths,
// from raw, a day at a time.
func (db *DB) rebuildClosed(h *head, a, c int64) error {
	ctx := context.Background()
	h.mu.Lock()
	hv := h.view()
	h.mu.Unlock()
	prev, ok, err := db.prevSample(ctx, h.id, a-1, &hv)
	if err != nil {
		return err
	}
	var samples []Sample
	for x := a; x < c; x += rebuildWindow {
		y := min(x+rebuildWindow, c)
		samples, err = db.rawRange(ctx, h.id, x, y, 0, &hv, samples[:0])
		if err != nil {
			return err
		}
		var pp *Sample
		if ok {
			pp = &prev
		}
		for k := range 2 {
			rs := RollupsFrom(samples, pp, x, y, rollWidths[k])
			recs := make([]rollRec, 0, len(rs))
			for _, r := range rs {
				recs = append(recs, rollRec{tag: h.id, r: r})
			}
			if err := db.writeRollups(rollKinds[k], recs, []rollRange{{h.id, x, y}}); err != nil {
				return err
			}
		}
		if len(samples) > 0 {
			prev, ok = samples[len(samples)-1], true
		}
	}
	return nil
}

// replayHead rebuilds h's rollups from the hour a on: fresh builders are
// fed every sample from a to the head's newest, the closed rollups are
// written (direct: now, replacing what was stored from a on; else queued
// for the writer's next commit) and the builders replace the head's.
// Caller holds h.mu.
func (db *DB) replayHead(h *head, a int64, direct bool) error {
	ctx := context.Background()
	hv := h.view()
	samples, err := db.rawRange(ctx, h.id, a, math.MaxInt64, 0, &hv, nil)
	if err != nil {
		return err
	}
	prev, ok, err := db.prevSample(ctx, h.id, a-1, &hv)
	if err != nil {
		return err
	}
	var recs [2][]rollRec
	var roll [2]*RollupBuilder
	for k := range 2 {
		roll[k] = NewRollupBuilder(rollWidths[k])
		if ok {
			roll[k].Restore(prev, nil)
		}
		for _, s := range samples {
			for _, r := range roll[k].Add(s) {
				if r.Start >= a {
					recs[k] = append(recs[k], rollRec{tag: h.id, r: r})
				}
			}
		}
	}
	for k := range 2 {
		h.rolls[k] = slices.DeleteFunc(slices.Clone(h.rolls[k]), func(r Rollup) bool { return r.Start >= a })
		if !direct {
			for _, r := range recs[k] {
				h.rolls[k] = append(h.rolls[k], r.r)
			}
			h.dirty = h.dirty || len(recs[k]) > 0
			continue
		}
		if err := db.writeRollups(rollKinds[k], recs[k], []rollRange{{h.id, a, math.MaxInt64}}); err != nil {
			return err
		}
	}
	h.roll = roll
	if len(samples) > 0 {
		h.lastT, h.hasLast = samples[len(samples)-1].T, true
	}
	h.recovered = true
	return nil
}
