package historian

import (
	"cmp"
	"fmt"
	"slices"
	"sync"
)

// memChunk is a finished chunk held in memory until the writer has made
// it durable (and, for the open chunk, a snapshot of its bytes so far).
type memChunk struct {
	key         chunkKey
	data        []byte
	first, last int64
}

// head is the in-memory front of one tag: the chunk being filled, the
// finished chunks not yet committed, out-of-order samples waiting to be
// encoded, the filter and the two rollup builders.
type head struct {
	id TagID

	mu        sync.Mutex     // guards every field below
	hint      ValueHint      // of chunks started from now on
	filter    *Filter        // nil: store every sample
	app       *ChunkAppender // the open chunk
	openKey   chunkKey       // key of the open chunk while app.Count() > 0
	openEnd   int64          // end of the raw partition holding the open chunk
	sealed    []memChunk     // finished chunks not yet durable, oldest first
	late      []Sample       // out-of-order samples not yet encoded, in arrival order
	lastT     int64          // T of the newest in-order sample
	hasLast   bool           // lastT is set
	roll      [2]*RollupBuilder
	rolls     [2][]Rollup // closed rollups not yet durable: [0] 1m, [1] 1h
	dirty     bool        // something for the writer
	unsnap    int64       // samples stored since the writer's last snapshot
	recovered bool        // lastT and the rollup builders reflect what is on disk

	rebuild     bool  // rollups over [rebuildFrom, rebuildTo] need rebuilding from raw
	rebuildFrom int64 // earliest late sample
	rebuildTo   int64 // latest late sample
}

var rollWidths = [2]int64{minuteMs, hourMs}
var rollKinds = [2]fileKind{kind1m, kind1h}

func newHead(id TagID, cfg TagConfig) *head {
	h := &head{id: id, hint: cfg.Hint, app: NewChunkAppender(cfg.Hint)}
	if cfg.Filter != (FilterConfig{}) {
		h.filter = NewFilter(cfg.Filter)
	}
	h.roll[0] = NewRollupBuilder(minuteMs)
	h.roll[1] = NewRollupBuilder(hourMs)
	return h
}

// store puts one (filtered) sample into the head. Caller holds h.mu.
func (db *DB) store(h *head, s Sample) error {
	if h.hasLast && s.T < h.lastT {
		db.storeLate(h, s)
		return nil
	}
	a := h.app
	if a.Count() > 0 && (s.T >= h.openEnd || s.T-a.FirstT() >= db.chunkSpan || a.Size() >= db.opts.ChunkBytes) {
		h.seal()
	}
	if a.Count() == 0 {
		db.startChunk(h, s.T)
	}
	if !a.Append(s) {
		h.seal()
		db.startChunk(h, s.T)
		if !a.Append(s) {
			return fmt.Errorf("historian: tag %d: %w (%v)", h.id, ErrValueKind, s.V.Kind())
		}
	}
	h.lastT, h.hasLast = s.T, true
	for i, b := range h.roll {
		if closed := b.Add(s); len(closed) > 0 {
			h.rolls[i] = append(h.rolls[i], closed...)
		}
	}
	h.unsnap++
	h.dirty = true
	return nil
}

// storeLate keeps a sample older than the head's newest for the writer,
// which encodes late samples into chunks of their own. Caller holds h.mu.
func (db *DB) storeLate(h *head, s Sample) {
	h.late = append(h.late, s)
	h.markRebuild(s.T, s.T)
	h.unsnap++
	h.dirty = true
}

func (h *head) markRebuild(from, to int64) {
	if !h.rebuild {
		h.rebuild, h.rebuildFrom, h.rebuildTo = true, from, to
		return
	}
	h.rebuildFrom = min(h.rebuildFrom, from)
	h.rebuildTo = max(h.rebuildTo, to)
}

func (db *DB) startChunk(h *head, t int64) {
	h.openKey = chunkKey{Tag: h.id, FirstT: t, Seq: db.nextSeq()}
	_, h.openEnd = db.files.rawSpan(t)
}

// seal finishes the open chunk and queues it for the writer. Caller holds
// h.mu.
func (h *head) seal() {
	a := h.app
	if a.Count() == 0 {
		return
	}
	h.sealed = append(h.sealed, memChunk{key: h.openKey, data: a.Finish(), first: a.FirstT(), last: a.LastT()})
	a.Reset(h.hint)
}

// openChunk returns a snapshot of the open chunk. Caller holds h.mu.
func (h *head) openChunk() (memChunk, bool) {
	a := h.app
	if a.Count() == 0 {
		return memChunk{}, false
	}
	return memChunk{key: h.openKey, data: a.Finish(), first: a.FirstT(), last: a.LastT()}, true
}

// sortLate sorts samples by time and keeps one per millisecond: the last
// written.
func sortLate(samples []Sample) []Sample {
	slices.SortStableFunc(samples, func(a, b Sample) int { return cmp.Compare(a.T, b.T) })
	out := samples[:0]
	for i, s := range samples {
		if i+1 < len(samples) && samples[i+1].T == s.T {
			continue
		}
		out = append(out, s)
	}
	return out
}

// encodeLate turns late samples into chunks of their own: sorted by time,
// cut at partition boundaries, ChunkSpan and about ChunkBytes.
func (db *DB) encodeLate(id TagID, hint ValueHint, samples []Sample) ([]memChunk, error) {
	samples = sortLate(samples)
	var chunks []memChunk
	a := NewChunkAppender(hint)
	var key chunkKey
	var end int64
	flush := func() {
		if a.Count() > 0 {
			chunks = append(chunks, memChunk{key: key, data: a.Finish(), first: a.FirstT(), last: a.LastT()})
			a.Reset(hint)
		}
	}
	start := func(t int64) {
		key = chunkKey{Tag: id, FirstT: t, Seq: db.nextSeq()}
		_, end = db.files.rawSpan(t)
	}
	for _, s := range samples {
		if a.Count() > 0 && (s.T >= end || s.T-a.FirstT() >= db.chunkSpan || a.Size() >= db.opts.ChunkBytes) {
			flush()
		}
		if a.Count() == 0 {
			start(s.T)
		}
		if !a.Append(s) {
			flush()
			start(s.T)
			if !a.Append(s) {
				return chunks, fmt.Errorf("historian: tag %d: %w (%v)", id, ErrValueKind, s.V.Kind())
			}
		}
	}
	flush()
	return chunks, nil
}

// headView is what a query sees of a head: chunks not yet durable (and
// the open chunk's bytes so far) and late samples not yet encoded.
type headView struct {
	chunks    []memChunk
	late      []Sample // sorted by time; newer writes than every chunk
	rolls     [2][]Rollup
	lastT     int64
	has       bool
	stale     bool // late samples made the rollups from staleFrom on stale until the writer rebuilds them
	staleFrom int64
}

// view snapshots h for a query. Caller holds h.mu.
func (h *head) view() headView {
	v := headView{lastT: h.lastT, has: h.hasLast, stale: h.rebuild, staleFrom: h.rebuildFrom}
	v.chunks = make([]memChunk, 0, len(h.sealed)+1)
	v.chunks = append(v.chunks, h.sealed...)
	if c, ok := h.openChunk(); ok {
		v.chunks = append(v.chunks, c)
	}
	if len(h.late) > 0 {
		v.late = sortLate(slices.Clone(h.late))
	}
	v.rolls[0] = h.rolls[0]
	v.rolls[1] = h.rolls[1]
	return v
}
