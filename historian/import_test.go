package historian

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"
)

// Samples in reverse order, and interleaved with live appends, come back
// sorted and complete; rollups equal RollupsFrom over all raw afterwards.
func TestOutOfOrderAndImport(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := openTest(t, dir)
	live, rev, imp := register(t, db, "live"), register(t, db, "reverse"), register(t, db, "import")
	const n = 6 * 3600 // 6 h of 1 s samples
	all := make([]Sample, n)
	for i := range all {
		all[i] = wave(i)
	}
	// reverse: every sample older than the one before.
	for i := n - 1; i >= 0; i-- {
		if err := db.Append(rev, all[i]); err != nil {
			t.Fatal(err)
		}
		if i%5000 == 0 {
			db.Flush()
		}
	}
	// live: the even samples in order, the odd ones late, a minute behind,
	// with commits in between.
	for i := 0; i < n; i += 2 {
		if err := db.Append(live, all[i]); err != nil {
			t.Fatal(err)
		}
		if j := i - 61; j > 0 && j%2 == 1 {
			if err := db.Append(live, all[j]); err != nil {
				t.Fatal(err)
			}
		}
		if i%3000 == 0 {
			db.Flush()
		}
	}
	for j := n - 61; j < n; j++ {
		if j%2 == 1 {
			db.Append(live, all[j])
		}
	}
	// import: live data for the second half, then the first half imported
	// in shuffled batches, one overlapping the live data (the import wins
	// at equal T).
	for i := n / 2; i < n; i++ {
		db.Append(imp, all[i])
	}
	db.Flush()
	first := append([]Sample(nil), all[:n/2+100]...)
	rng := rand.New(rand.NewPCG(1, 2))
	rng.Shuffle(len(first), func(i, j int) { first[i], first[j] = first[j], first[i] })
	for len(first) > 0 {
		k := min(len(first), 4000)
		if err := db.Import(ctx, imp, first[:k]); err != nil {
			t.Fatal(err)
		}
		first = first[k:]
	}
	check := func(stage string) {
		for _, id := range []TagID{live, rev, imp} {
			got, err := db.Raw(ctx, id, math.MinInt64, math.MaxInt64, 0)
			if err != nil {
				t.Fatal(err)
			}
			sameSamples(t, stage+" "+db.cat.name(id), got, all)
		}
	}
	check("head")
	if err := db.Flush(); err != nil {
		t.Fatal(err)
	}
	check("flushed")
	for _, id := range []TagID{live, rev, imp} {
		checkRollups(t, db, id)
	}
	// Aggregates over rollups agree with raw.
	for _, id := range []TagID{live, rev, imp} {
		got, err := db.Aggregate(ctx, id, t0, t0+6*hourMs, hourMs, AggTWA)
		if err != nil {
			t.Fatal(err)
		}
		sameBuckets(t, db.cat.name(id), AggTWA, got, Aggregate(all, nil, t0, t0+6*hourMs, hourMs, t0+6*hourMs, AggTWA))
	}
	db.Close()
	db = openTest(t, dir)
	defer db.Close()
	check("reopened")
	// A late append after the reopen, then the rollups again.
	late := all[100]
	late.V = all[101].V
	all[100] = late
	if err := db.Append(live, late); err != nil {
		t.Fatal(err)
	}
	db.Flush()
	got, _ := db.Raw(ctx, live, math.MinInt64, math.MaxInt64, 0)
	sameSamples(t, "rewritten", got, all)
	checkRollups(t, db, live)
}
