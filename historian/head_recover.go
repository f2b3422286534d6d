package historian

import (
	"context"
	"math"
)

// recoverHead loads what a head needs from disk the first time its tag is
// written after Open: the newest stored sample (so older ones count as
// late) and the rollup builders' state, replayed from raw since the end of
// the last stored 1-hour rollup (at most about an hour, plus whatever a
// crash left between the raw commit and the rollup commit). The closed
// rollups the replay yields are queued for the writer. Caller holds h.mu.
func (db *DB) recoverHead(h *head) {
	h.recovered = true
	ctx := context.Background()
	hv := h.view()
	last, ok, err := db.prevSample(ctx, h.id, math.MaxInt64-1, &hv)
	if err != nil {
		db.log.Warn("historian: recover head", "tag", db.cat.name(h.id), "err", err)
		return
	}
	if !ok {
		return
	}
	h.lastT, h.hasLast = last.T, true
	start, found := db.lastRollupEnd(kind1h, h.id)
	if !found {
		// No rollups: replay the newest partition holding the tag.
		p, _ := db.files.rawSpan(last.T)
		first, err := db.rawRange(ctx, h.id, p, last.T+1, 1, &hv, nil)
		if err != nil || len(first) == 0 {
			return
		}
		start = floorDiv(first[0].T, hourMs)
	}
	if start > last.T {
		for _, b := range h.roll {
			b.Restore(last, nil)
		}
		return
	}
	if err := db.replayHead(h, start, false); err != nil {
		db.log.Warn("historian: recover head", "tag", db.cat.name(h.id), "err", err)
	}
}
