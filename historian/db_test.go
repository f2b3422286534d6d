package historian

import (
	"context"
	"io"
	"log/slog"
	"math"
	"testing"
	"time"

	"github.com/sightglass/sightglass/tags"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// t0 is a fixed past midnight (UTC), so partitions fall on known days.
var t0 = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC).UnixMilli()

func openTest(t testing.TB, dir string, mod ...func(*Options)) *DB {
	t.Helper()
	o := Options{Dir: dir, Logger: quiet, CommitInterval: time.Hour}
	for _, m := range mod {
		m(&o)
	}
	db, err := Open(o)
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func register(t testing.TB, db *DB, name string) TagID {
	t.Helper()
	id, err := db.Register(TagConfig{Name: name})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// wave is a slowly varying series rounded to 0.01, with a few bad samples.
func wave(i int) Sample {
	v := math.Round((50+20*math.Sin(float64(i)/300)+float64(i%7)*0.13)*100) / 100
	q := tags.GoodQuality
	if i%1000 == 999 {
		q = tags.BadQuality(tags.ReasonTimeout, 0)
	}
	return Sample{T: t0 + int64(i)*1000, V: tags.Float(v), Q: q}
}

func sameSamples(t *testing.T, what string, got, want []Sample) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d samples, want %d", what, len(got), len(want))
	}
	for i := range got {
		if got[i].T != want[i].T || !got[i].V.Equal(want[i].V) || got[i].Q != want[i].Q {
			t.Fatalf("%s: sample %d = %v %v %v, want %v %v %v", what, i, got[i].T, got[i].V, got[i].Q, want[i].T, want[i].V, want[i].Q)
		}
	}
}

func TestRoundTrip(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := openTest(t, dir)
	a, b := register(t, db, "Area1.Tank1.Level"), register(t, db, "Area1.Pump1.Running")
	// 30 h of 1 s samples: several chunk cuts and a partition boundary
	// (t0 + 24 h).
	const n = 30 * 3600
	var wantA, wantB []Sample
	for i := range n {
		s := wave(i)
		wantA = append(wantA, s)
		if err := db.Append(a, s); err != nil {
			t.Fatal(err)
		}
		if i%60 == 0 {
			sb := Sample{T: s.T, V: tags.Bool(i%120 == 0), Q: tags.GoodQuality}
			wantB = append(wantB, sb)
			if err := db.Append(b, sb); err != nil {
				t.Fatal(err)
			}
		}
		if i == n/2 {
			if err := db.Flush(); err != nil {
				t.Fatal(err)
			}
		}
	}
	check := func(stage string) {
		got, err := db.Raw(ctx, a, t0, t0+n*1000, 0)
		if err != nil {
			t.Fatal(err)
		}
		sameSamples(t, stage+" raw A", got, wantA)
		got, err = db.Raw(ctx, b, t0, t0+n*1000, 0)
		if err != nil {
			t.Fatal(err)
		}
		sameSamples(t, stage+" raw B", got, wantB)
		// A window across the partition boundary.
		from, to := t0+23*hourMs+1500, t0+25*hourMs
		got, err = db.Raw(ctx, a, from, to, 0)
		if err != nil {
			t.Fatal(err)
		}
		sameSamples(t, stage+" window", got, wantA[23*3600+2:25*3600])
		got, err = db.Raw(ctx, a, from, to, 10)
		if err != nil {
			t.Fatal(err)
		}
		sameSamples(t, stage+" limit", got, wantA[23*3600+2:23*3600+12])
		// At, stepped and interpolated.
		s, ok, err := db.At(ctx, a, t0+24*hourMs+500, false)
		if err != nil || !ok || s.T != t0+24*hourMs || !s.V.Equal(wantA[24*3600].V) {
			t.Fatalf("%s: At stepped = %v %v %v", stage, s, ok, err)
		}
		s, ok, err = db.At(ctx, a, t0+24*hourMs+500, true)
		mid := (wantA[24*3600].V.Float() + wantA[24*3600+1].V.Float()) / 2
		if err != nil || !ok || math.Abs(s.V.Float()-mid) > 1e-9 {
			t.Fatalf("%s: At interpolated = %v %v %v, want %v", stage, s, ok, err, mid)
		}
		if _, ok, _ := db.At(ctx, a, t0-1, false); ok {
			t.Fatalf("%s: At before the first sample found one", stage)
		}
		// Aggregates: rollups (1 h, 1 min) and raw agree with Aggregate
		// over the raw samples.
		for _, q := range []struct{ from, to, interval int64 }{
			{t0, t0 + 30*hourMs, hourMs},
			{t0 + 2*hourMs, t0 + 4*hourMs, 10 * minuteMs},
			{t0 + 5*hourMs, t0 + 5*hourMs + 7*minuteMs, 30 * 1000},
		} {
			for _, agg := range []Agg{AggAvg, AggMin, AggMax, AggCount, AggTWA, AggPctGood, AggLast} {
				got, err := db.Aggregate(ctx, a, q.from, q.to, q.interval, agg)
				if err != nil {
					t.Fatal(err)
				}
				lo, hi := int((q.from-t0)/1000), int((q.to-t0)/1000)
				var prev *Sample
				if lo > 0 {
					prev = &wantA[lo-1]
				}
				want := Aggregate(wantA[lo:min(hi, n)], prev, q.from, q.to, q.interval, q.to, agg)
				sameBuckets(t, stage, agg, got, want)
			}
		}
		// Decimation: raw (columns < 4 min) and rollups.
		for _, span := range []int64{hourMs, 30 * hourMs} {
			cols, err := db.Decimate(ctx, a, t0, t0+span, 100)
			if err != nil {
				t.Fatal(err)
			}
			if len(cols) != 100 {
				t.Fatalf("%s: %d columns", stage, len(cols))
			}
			hi := int(min(span/1000, n))
			var lo, hiV float64 = math.Inf(1), math.Inf(-1)
			for _, s := range wantA[:hi] {
				if s.Q.IsGood() {
					lo, hiV = min(lo, s.V.Float()), max(hiV, s.V.Float())
				}
			}
			var clo, chi float64 = math.Inf(1), math.Inf(-1)
			for _, c := range cols {
				if c.HasRange() {
					clo, chi = min(clo, c.Min.V.Float()), max(chi, c.Max.V.Float())
				}
			}
			if clo != lo || chi != hiV {
				t.Fatalf("%s: decimate %v: range %v..%v, want %v..%v", stage, span, clo, chi, lo, hiV)
			}
		}
	}
	check("head")
	if err := db.Flush(); err != nil {
		t.Fatal(err)
	}
	check("flushed")
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db = openTest(t, dir)
	defer db.Close()
	if id, ok := db.Lookup("Area1.Tank1.Level"); !ok || id != a {
		t.Fatalf("Lookup after reopen = %v %v, want %v", id, ok, a)
	}
	check("reopened")
	st, err := db.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if st.Samples != int64(len(wantA)+len(wantB)) || len(st.Damaged) != 0 {
		t.Fatalf("stats: %+v", st)
	}
	t.Logf("%d samples, %d chunks, %.2f bytes/sample, %d files", st.Samples, st.Chunks, st.BytesPerSample, len(st.Files))
}

func sameBuckets(t *testing.T, stage string, agg Agg, got, want []Bucket) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s %v: %d buckets, want %d", stage, agg, len(got), len(want))
	}
	for i := range got {
		g, w := got[i], want[i]
		same := g.Start == w.Start && g.Count == w.Count && g.Good == w.Good &&
			(g.Value == w.Value || math.IsNaN(g.Value) && math.IsNaN(w.Value) || math.Abs(g.Value-w.Value) <= 1e-9*math.Max(1, math.Abs(w.Value)))
		if !same {
			t.Fatalf("%s %v: bucket %d = %+v, want %+v", stage, agg, i, g, w)
		}
	}
}
