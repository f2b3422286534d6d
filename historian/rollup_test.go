package historian

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// TestRollupsFromTable checks one tag's minute rollups field by field.
//
//	prev  00:50   5 good
//	01:10        10 good
//	01:40        20 uncertain
//	01:50        30 good
//	03:30        40 bad
//	then nothing until 05:00
func TestRollupsFromTable(t *testing.T) {
	const m = 60_000
	sec := func(s int64) int64 { return s * 1000 }
	prev := aggF(sec(50), 5)
	series := []Sample{
		aggF(sec(70), 10),
		aggQ(sec(100), 20, aggUnc),
		aggF(sec(110), 30),
		aggQ(sec(210), 40, aggBad),
	}
	want := []Rollup{
		// 01:00–02:00: 5 holds 10 s, 10 holds 30 s, 20 (uncertain) 10 s, 30 holds 10 s.
		{Start: m, Width: m, Count: 2, Sum: 40, Min: 10, Max: 30, First: 10, FirstT: sec(70), Last: 30, LastT: sec(110),
			Integral: 5*10_000 + 10*30_000 + 30*10_000, GoodMs: sec(50), KnownMs: m},
		// 02:00–03:00: 30 holds all of it.
		{Start: 2 * m, Width: m, Integral: 30 * 60_000, GoodMs: m, KnownMs: m},
		// 03:00–04:00: 30 for 30 s, then bad.
		{Start: 3 * m, Width: m, Integral: 30 * 30_000, GoodMs: sec(30), KnownMs: m},
		// 04:00–05:00: bad throughout, known.
		{Start: 4 * m, Width: m, KnownMs: m},
	}
	got := RollupsFrom(series, &prev, m, 5*m, m)
	if msg := rollupDiff(got, want); msg != "" {
		t.Error(msg)
	}
	// Without prev, the first minute starts knowing at 01:10.
	want[0].Integral, want[0].GoodMs, want[0].KnownMs = 10*30_000+30*10_000, sec(40), sec(50)
	got = RollupsFrom(series, nil, 0, 5*m, m)
	if msg := rollupDiff(got, want); msg != "" {
		t.Error("no prev:", msg)
	}
	// Unaligned bounds build only the whole minutes inside them.
	got = RollupsFrom(series, nil, m+1, 4*m+59_999, m)
	if msg := rollupDiff(got, want[1:3]); msg != "" {
		t.Error("unaligned:", msg)
	}
	for _, w := range []int64{0, -m} {
		if got := RollupsFrom(series, nil, 0, 5*m, w); got != nil {
			t.Errorf("width %d: %d rollups, want nil", w, len(got))
		}
	}
}

// TestRollupAggregateRollupsEqualsAggregate checks that aggregating the
// rollups gives what aggregating the raw samples gives, for every
// aggregate, at intervals that are multiples of the width.
func TestRollupAggregateRollupsEqualsAggregate(t *testing.T) {
	for seed := range uint64(40) {
		r := rand.New(rand.NewPCG(seed, 2))
		width := []int64{100, 250, 1000}[r.IntN(3)]
		from := (r.Int64N(40) - 20) * width
		to := from + (1+r.Int64N(60))*width
		all := aggTestSeries(r, from-3*width, to+width)
		pre, in := aggSplit(all, from)
		var prev *Sample
		if len(pre) > 0 && r.IntN(4) > 0 {
			prev = &pre[len(pre)-1]
		}
		rollups := RollupsFrom(in, prev, from, to, width)
		for _, k := range []int64{1, 2, 3, 7, 60, (to - from) / width} {
			interval := k * width
			for _, agg := range aggAll {
				want := Aggregate(in, prev, from, to, interval, to, agg)
				got := AggregateRollups(rollups, from, to, interval, agg)
				if msg := aggDiff(got, want); msg != "" {
					t.Fatalf("seed %d width %d [%d, %d) interval %d %v: %s", seed, width, from, to, interval, agg, msg)
				}
			}
		}
	}
}

// TestRollupMinutesOfRealisticSeries does the same at the engine's widths:
// three hours of a 1 s poll with dropouts, minute and hour rollups.
func TestRollupMinutesOfRealisticSeries(t *testing.T) {
	const m, h = int64(60_000), int64(3_600_000)
	r := rand.New(rand.NewPCG(7, 7))
	from := int64(1_700_000_000_000) / h * h
	to := from + 3*h
	var series []Sample
	v, q := 50.0, aggGood
	for t := from - 30_000 + r.Int64N(1000); t < to+10_000; t += 1000 + r.Int64N(50) - 25 {
		switch x := r.IntN(1000); {
		case x < 2:
			t += 5 * m // a dropout with no samples
		case x < 5:
			q = aggBad
		case x < 8:
			q = aggUnc
		case x < 60:
			q = aggGood
		}
		v += r.NormFloat64()
		series = append(series, aggQ(t, math.Round(v*100)/100, q))
	}
	pre, in := aggSplit(series, from)
	prev := &pre[len(pre)-1]
	for _, width := range []int64{m, h} {
		rollups := RollupsFrom(in, prev, from, to, width)
		if len(rollups) != int((to-from)/width) {
			t.Fatalf("width %d: %d rollups", width, len(rollups))
		}
		for _, interval := range []int64{width, 5 * width, 3 * h} {
			if interval%width != 0 {
				continue
			}
			for _, agg := range aggAll {
				want := Aggregate(in, prev, from, to, interval, to, agg)
				got := AggregateRollups(rollups, from, to, interval, agg)
				if msg := aggDiff(got, want); msg != "" {
					t.Fatalf("width %d interval %d %v: %s", width, interval, agg, msg)
				}
			}
		}
	}
	// Hour rollups from minute rollups' raw data agree with minute rollups
	// aggregated to hours.
	mins := RollupsFrom(in, prev, from, to, m)
	hours := RollupsFrom(in, prev, from, to, h)
	for _, agg := range aggAll {
		if msg := aggDiff(AggregateRollups(mins, from, to, h, agg), AggregateRollups(hours, from, to, h, agg)); msg != "" {
			t.Errorf("%v: minutes vs hours: %s", agg, msg)
		}
	}
}

func TestAggregateRollupsEmptyBuckets(t *testing.T) {
	const w = 1000
	rollups := []Rollup{
		{Start: 0, Width: w, Count: 2, Sum: 3, Min: 1, Max: 2, First: 1, Last: 2, FirstT: 10, LastT: 20, Integral: 1500, GoodMs: 1000, KnownMs: 1000},
		{Start: 3000, Width: w, KnownMs: 1000}, // known bad
		{Start: 9000, Width: w, Count: 1, Sum: 7, Min: 7, Max: 7, First: 7, Last: 7, FirstT: 9500, LastT: 9500}, // outside [0, 6000)
	}
	for _, tc := range []struct {
		agg  Agg
		want []float64
		good []bool
	}{
		{AggAvg, []float64{1.5, math.NaN(), math.NaN()}, []bool{true, false, false}},
		{AggCount, []float64{2, 0, 0}, []bool{true, false, false}},
		{AggPctGood, []float64{50, 0, 0}, []bool{true, false, false}},
		{AggTWA, []float64{1.5, math.NaN(), math.NaN()}, []bool{true, false, false}},
		{AggDelta, []float64{1, math.NaN(), math.NaN()}, []bool{true, false, false}},
	} {
		got := AggregateRollups(rollups, 0, 6000, 2*w, tc.agg)
		if len(got) != 3 {
			t.Fatalf("%v: %d buckets", tc.agg, len(got))
		}
		for i, b := range got {
			if !aggSame(b.Value, tc.want[i]) || b.Good != tc.good[i] || b.Start != int64(i)*2*w {
				t.Errorf("%v bucket %d = %+v, want %v good %v", tc.agg, i, b, tc.want[i], tc.good[i])
			}
		}
	}
}

// TestRollupBuilderEqualsRollupsFrom feeds random series sample by sample,
// flushing now and then, persisting and restoring the builder now and
// then, and compares with RollupsFrom.
func TestRollupBuilderEqualsRollupsFrom(t *testing.T) {
	for seed := range uint64(60) {
		r := rand.New(rand.NewPCG(seed, 3))
		width := []int64{100, 250, 1000, 60_000}[r.IntN(4)]
		from := (r.Int64N(40) - 20) * width
		to := from + (1+r.Int64N(60))*width
		if width == 60_000 {
			to = from + 5*width
		}
		all := aggTestSeries(r, from-2*width, to)
		if width == 60_000 {
			all = aggTestSeries(r, from-2*width, from+3*width) // then quiet
		}
		pre, in := aggSplit(all, from)
		var prev *Sample
		b := NewRollupBuilder(width)
		var got []Rollup
		if len(pre) > 0 && r.IntN(2) == 0 {
			prev = &pre[len(pre)-1]
			b.Restore(*prev, nil)
		} else {
			in = all // the builder sees the samples before from
		}
		for i, s := range in {
			if r.IntN(10) == 0 { // flush up to the sample's time
				got = append(got, b.Flush(s.T-r.Int64N(2*width))...)
			}
			if r.IntN(10) == 0 { // persist and restore
				last, ok := b.State()
				open, ok2 := b.Open()
				if ok != ok2 || ok != (i > 0 || prev != nil) {
					t.Fatalf("seed %d: State ok %v, Open ok %v before sample %d", seed, ok, ok2, i)
				}
				b = NewRollupBuilder(width)
				if ok {
					b.Restore(last, &open)
				}
			}
			got = append(got, b.Add(s)...)
		}
		got = append(got, b.Flush(to)...)
		var inRange []Rollup
		for _, x := range got {
			if x.Start >= from && x.Start < to {
				inRange = append(inRange, x)
			}
		}
		want := RollupsFrom(in, prev, from, to, width)
		if msg := rollupDiff(inRange, want); msg != "" {
			t.Fatalf("seed %d width %d [%d, %d): %s", seed, width, from, to, msg)
		}
		if extra := b.Flush(to); extra != nil {
			t.Fatalf("seed %d: second Flush(to) returned %d rollups", seed, len(extra))
		}
	}
}

func TestRollupBuilderLateAndEdge(t *testing.T) {
	const w = 1000
	b := NewRollupBuilder(w)
	if got := b.Flush(5000); got != nil {
		t.Errorf("Flush before any sample: %v", got)
	}
	if _, ok := b.State(); ok {
		t.Error("State ok before any sample")
	}
	if _, ok := b.Open(); ok {
		t.Error("Open ok before any sample")
	}
	b.Add(aggF(1500, 1))
	b.Add(aggF(1700, 2))
	if got := b.Add(aggF(1600, 9)); got != nil { // older than the last: ignored
		t.Errorf("late sample closed %v", got)
	}
	if last, _ := b.State(); last.V.Float() != 2 {
		t.Errorf("carried %v after a late sample, want 2", last.V)
	}
	closed := b.Flush(3000)
	want := []Rollup{
		{Start: 1000, Width: w, Count: 2, Sum: 3, Min: 1, Max: 2, First: 1, FirstT: 1500, Last: 2, LastT: 1700,
			Integral: 1*200 + 2*300, GoodMs: 500, KnownMs: 500},
		{Start: 2000, Width: w, Integral: 2000, GoodMs: 1000, KnownMs: 1000},
	}
	if msg := rollupDiff(closed, want); msg != "" {
		t.Error(msg)
	}
	// 2900 is newer than the last sample but its interval closed: not
	// counted, yet carried from 3000 on.
	if got := b.Add(aggF(2900, 4)); got != nil {
		t.Errorf("sample in a closed interval closed %v", got)
	}
	closed = b.Flush(4000)
	want = []Rollup{{Start: 3000, Width: w, Integral: 4000, GoodMs: 1000, KnownMs: 1000}}
	if msg := rollupDiff(closed, want); msg != "" {
		t.Error("after a sample in a closed interval:", msg)
	}
	// A sample at an interval's end closes it.
	b = NewRollupBuilder(w)
	b.Add(aggF(0, 1))
	if got := b.Add(aggF(w, 1)); len(got) != 1 || got[0].Start != 0 || got[0].KnownMs != w {
		t.Errorf("sample at the end closed %+v", got)
	}
	// Width ≤ 0 builds nothing.
	b = NewRollupBuilder(0)
	if b.Add(aggF(0, 1)) != nil || b.Flush(1e9) != nil {
		t.Error("width 0 built rollups")
	}
}

func rollupDiff(got, want []Rollup) string {
	if len(got) != len(want) {
		return fmt.Sprintf("got %d rollups, want %d:\n got %+v\nwant %+v", len(got), len(want), got, want)
	}
	for i := range got {
		g, w := got[i], want[i]
		same := g.Start == w.Start && g.Width == w.Width && g.Count == w.Count &&
			g.Min == w.Min && g.Max == w.Max && g.First == w.First && g.Last == w.Last &&
			g.FirstT == w.FirstT && g.LastT == w.LastT && g.GoodMs == w.GoodMs && g.KnownMs == w.KnownMs &&
			g.Sum == w.Sum && g.Integral == w.Integral // the builder and RollupsFrom agree bit for bit
		if !same {
			return fmt.Sprintf("rollup %d:\n got %+v\nwant %+v", i, g, w)
		}
	}
	return ""
}
