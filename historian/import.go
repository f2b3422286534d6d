package historian

import (
	"context"
	"fmt"
	"slices"

	bolt "go.etcd.io/bbolt"
)

// Import backfills samples of tag id, in any order and at any time, old or
// new. They are written in chunks of their own (never into a chunk that is
// already stored), durably, before Import returns; the rollups of the
// intervals they touch are rebuilt from raw. Where an imported sample has
// the same T as a stored one, the imported one wins (the later write wins,
// see DESIGN.md); within samples, the last of equal Ts wins.
func (db *DB) Import(ctx context.Context, id TagID, samples []Sample) error {
	if db.closed.Load() {
		return ErrClosed
	}
	h := db.head(id)
	if h == nil {
		return fmt.Errorf("%w: %d", ErrUnknownTag, id)
	}
	if len(samples) == 0 {
		return nil
	}
	h.mu.Lock()
	hint := h.hint
	h.mu.Unlock()
	chunks, err := db.encodeLate(id, hint, slices.Clone(samples))
	if err != nil {
		return err
	}
	byFile := map[int64][]memChunk{}
	for _, c := range chunks {
		start, _ := db.files.rawSpan(c.first)
		byFile[start] = append(byFile[start], c)
	}
	for _, start := range sortedKeys(byFile) {
		if err := ctx.Err(); err != nil {
			return err
		}
		cs := byFile[start]
		err := db.w.writeRaw(start, func(f *partFile, b *bolt.Bucket) error {
			var span int64
			for _, c := range cs {
				if err := b.Put(c.key.bytes(), c.data); err != nil {
					return err
				}
				span = max(span, c.last-c.first)
			}
			return f.noteSpan(b.Tx(), span)
		})
		if err != nil {
			return err
		}
	}
	h.mu.Lock()
	h.markRebuild(chunks[0].first, chunks[len(chunks)-1].last)
	h.dirty = true
	h.mu.Unlock()
	return db.Flush()
}
