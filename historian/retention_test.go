package historian

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/sightglass/sightglass/tags"
)

// Raw partitions past their retention are deleted as whole files; the
// rollups stay, and queries over the whole span answer from them.
func TestRetention(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := openTest(t, dir)
	id := register(t, db, "retained")
	now := time.Now()
	day := 24 * hourMs
	start := floorDiv(now.UnixMilli(), day) - 10*day
	var all []Sample
	for ts := start; ts < now.UnixMilli(); ts += 10_000 {
		s := Sample{T: ts, V: tags.Float(math.Round(math.Sin(float64(ts)/3e6)*1000) / 10), Q: tags.GoodQuality}
		all = append(all, s)
		if err := db.Append(id, s); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Flush(); err != nil {
		t.Fatal(err)
	}
	to := floorDiv(now.UnixMilli(), hourMs)
	before, err := db.Aggregate(ctx, id, start, to, hourMs, AggAvg)
	if err != nil {
		t.Fatal(err)
	}
	cols, err := db.Decimate(ctx, id, start, to, 100)
	if err != nil {
		t.Fatal(err)
	}
	rawFiles := func() int {
		m, _ := filepath.Glob(filepath.Join(dir, "history", "raw-*.db"))
		return len(m)
	}
	if n := rawFiles(); n != 11 {
		t.Fatalf("%d raw files before retention, want 11", n)
	}
	db.Close()
	db = openTest(t, dir, func(o *Options) { o.RawRetention = 3 * 24 * time.Hour })
	if err := db.EnforceRetention(now); err != nil {
		t.Fatal(err)
	}
	if n := rawFiles(); n != 4 { // the three days kept and today
		t.Fatalf("%d raw files after retention, want 4", n)
	}
	cut := floorDiv(now.UnixMilli(), day) - 3*day
	got, err := db.Raw(ctx, id, math.MinInt64, math.MaxInt64, 0)
	if err != nil {
		t.Fatal(err)
	}
	var kept []Sample
	for _, s := range all {
		if s.T >= cut {
			kept = append(kept, s)
		}
	}
	sameSamples(t, "raw after retention", got, kept)
	after, err := db.Aggregate(ctx, id, start, to, hourMs, AggAvg)
	if err != nil {
		t.Fatal(err)
	}
	sameBuckets(t, "rollups and raw", AggAvg, after, before)
	cols2, err := db.Decimate(ctx, id, start, to, 100)
	if err != nil {
		t.Fatal(err)
	}
	for i := range cols {
		if cols[i].N != cols2[i].N || cols[i].Min.V != cols2[i].Min.V || cols[i].Max.V != cols2[i].Max.V {
			t.Fatalf("column %d: %+v after retention, %+v before", i, cols2[i], cols[i])
		}
	}
	// Rollup retention drops rollup files too.
	db.Close()
	db = openTest(t, dir, func(o *Options) { o.RawRetention, o.RollupRetention = 3*24*time.Hour, 24*time.Hour })
	defer db.Close()
	if err := db.EnforceRetention(now.AddDate(2, 0, 0)); err != nil {
		t.Fatal(err)
	}
	if m, _ := filepath.Glob(filepath.Join(dir, "history", "*.db")); len(m) != 1 {
		t.Fatalf("files left two years later: %v", m)
	}
	if _, err := os.Stat(filepath.Join(dir, "history", "catalog.db")); err != nil {
		t.Fatal(err)
	}
}
