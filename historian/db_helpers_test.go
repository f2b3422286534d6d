package historian

import (
	"context"
	"math"
	"testing"
)

// checkRollups compares the rollups stored for id (both widths) with
// RollupsFrom over all its raw samples: every stored rollup must equal the
// one built from raw, and they must be contiguous from the first sample's
// interval on.
func checkRollups(t *testing.T, db *DB, id TagID) {
	t.Helper()
	ctx := context.Background()
	raw, err := db.Raw(ctx, id, math.MinInt64, math.MaxInt64, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(raw) == 0 {
		return
	}
	for k := range 2 {
		w := rollWidths[k]
		stored, err := db.readRollups(rollKinds[k], id, math.MinInt64, math.MaxInt64)
		if err != nil {
			t.Fatal(err)
		}
		if len(stored) == 0 {
			continue
		}
		first := floorDiv(raw[0].T, w)
		end := stored[len(stored)-1].Start + w
		want := RollupsFrom(raw, nil, first, end, w)
		if len(stored) != len(want) {
			t.Fatalf("tag %d width %d: %d rollups stored, %d built from raw (first %d, stored %d..%d)", id, w, len(stored), len(want), first, stored[0].Start, end)
		}
		for i := range stored {
			if !sameRollup(stored[i], want[i]) {
				t.Fatalf("tag %d width %d: rollup %d\n stored %+v\n   want %+v", id, w, i, stored[i], want[i])
			}
		}
	}
}

func sameRollup(a, b Rollup) bool {
	near := func(x, y float64) bool {
		return x == y || math.Abs(x-y) <= 1e-9*math.Max(1, math.Max(math.Abs(x), math.Abs(y)))
	}
	return a.Start == b.Start && a.Width == b.Width && a.Count == b.Count && near(a.Sum, b.Sum) &&
		a.Min == b.Min && a.Max == b.Max && a.First == b.First && a.Last == b.Last &&
		a.FirstT == b.FirstT && a.LastT == b.LastT && near(a.Integral, b.Integral) &&
		a.GoodMs == b.GoodMs && a.KnownMs == b.KnownMs
}
