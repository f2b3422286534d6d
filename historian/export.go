package historian

import (
	"cmp"
	"context"
	"slices"
)

// Export calls fn for every raw sample of the tags ids in [from, to), in
// time order across the tags (samples with the same T in the order of
// ids), including samples still in the heads. It reads one raw partition
// span at a time, so memory stays bounded whatever the range. An error
// from fn stops the export and is returned. It is what `sightglass history
// export` writes CSV from.
func (db *DB) Export(ctx context.Context, ids []TagID, from, to int64, fn func(id TagID, s Sample) error) error {
	type row struct {
		i int
		s Sample
	}
	step := db.files.partition
	var rows []row
	var buf []Sample
	for w := from; w < to; {
		end := min(floorDiv(w, step)+step, to)
		if end <= w { // overflow near the end of time
			end = to
		}
		rows = rows[:0]
		for i, id := range ids {
			var err error
			buf, err = db.Raw(ctx, id, w, end, 0)
			if err != nil {
				return err
			}
			for _, s := range buf {
				rows = append(rows, row{i, s})
			}
		}
		slices.SortStableFunc(rows, func(a, b row) int { return cmp.Compare(a.s.T, b.s.T) })
		for _, r := range rows {
			if err := fn(ids[r.i], r.s); err != nil {
				return err
			}
		}
		w = end
	}
	return nil
}
