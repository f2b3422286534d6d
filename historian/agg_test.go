package historian

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/sightglass/sightglass/tags"
)

var (
	aggGood = tags.GoodQuality
	aggUnc  = tags.Quality{Level: tags.Uncertain, Reason: tags.ReasonStale}
	aggBad  = tags.BadQuality(tags.ReasonNoComm, 0)
)

func aggF(t int64, v float64) Sample { return Sample{T: t, V: tags.Float(v), Q: aggGood} }

func aggQ(t int64, v float64, q tags.Quality) Sample { return Sample{T: t, V: tags.Float(v), Q: q} }

var aggAll = []Agg{AggAvg, AggTWA, AggMin, AggMax, AggCount, AggDelta, AggPctGood, AggFirst, AggLast}

func TestParseAgg(t *testing.T) {
	for _, a := range aggAll {
		got, err := ParseAgg(a.String())
		if err != nil || got != a {
			t.Errorf("ParseAgg(%q) = %v, %v", a.String(), got, err)
		}
	}
	for _, tc := range []struct {
		in   string
		want Agg
	}{{"avg", AggAvg}, {"TWA", AggTWA}, {" pctgood ", AggPctGood}, {"last", AggLast}} {
		if got, err := ParseAgg(tc.in); err != nil || got != tc.want {
			t.Errorf("ParseAgg(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
	for _, in := range []string{"", "mean", "average", "pct"} {
		if _, err := ParseAgg(in); !errors.Is(err, ErrUnknownAgg) {
			t.Errorf("ParseAgg(%q) error = %v, want ErrUnknownAgg", in, err)
		}
	}
	if s := Agg(0).String(); s != "Agg(0)" {
		t.Errorf("Agg(0).String() = %q", s)
	}
	if s := Agg(42).String(); s != "Agg(42)" {
		t.Errorf("Agg(42).String() = %q", s)
	}
}

// TestAggregateTable checks hand-computed answers. The series, 1 s buckets
// over [0, 4000):
//
//	prev   −500: 10 good (holds into 0)
//	  200: 20 good
//	 1000: 30 uncertain (on the boundary; excluded, its time is not good)
//	 1500: 40 good
//	 2500: 50 bad
//	 3000: "on" string good (its time is not good; not counted)
//	 3600: 60 good, the last sample
func TestAggregateTable(t *testing.T) {
	prev := aggF(-500, 10)
	series := []Sample{
		aggF(200, 20),
		aggQ(1000, 30, aggUnc),
		aggF(1500, 40),
		aggQ(2500, 50, aggBad),
		{T: 3000, V: tags.String("on"), Q: aggGood},
		aggF(3600, 60),
	}
	nan := math.NaN()
	type want struct {
		v     [4]float64
		count [4]int
		good  [4]bool
	}
	cnt := [4]int{1, 1, 0, 1}
	hasGood := [4]bool{true, true, false, true}
	for _, tc := range []struct {
		agg  Agg
		prev *Sample
		end  int64
		want want
	}{
		{AggAvg, &prev, 4000, want{[4]float64{20, 40, nan, 60}, cnt, hasGood}},
		{AggMin, &prev, 4000, want{[4]float64{20, 40, nan, 60}, cnt, hasGood}},
		{AggFirst, &prev, 4000, want{[4]float64{20, 40, nan, 60}, cnt, hasGood}},
		{AggDelta, &prev, 4000, want{[4]float64{0, 0, nan, 0}, cnt, hasGood}},
		{AggCount, &prev, 4000, want{[4]float64{1, 1, 0, 1}, cnt, hasGood}},
		// twa bucket 0: 10 for 200 ms, 20 for 800 ms → (2000+16000)/1000 = 18.
		// bucket 1: uncertain 1000–1500, 40 for 500 ms → 40.
		// bucket 2: 40 for 500 ms, bad after → 40.
		// bucket 3: string 3000–3600, 60 for 400 ms with end = to → 60.
		{AggTWA, &prev, 4000, want{[4]float64{18, 40, 40, 60}, cnt, [4]bool{true, true, true, true}}},
		{AggPctGood, &prev, 4000, want{[4]float64{100, 50, 50, 40}, cnt, [4]bool{true, true, true, true}}},
		// Without prev, 0–200 is unknown: twa 20, pctgood 80.
		{AggTWA, nil, 4000, want{[4]float64{20, 40, 40, 60}, cnt, [4]bool{true, true, true, true}}},
		{AggPctGood, nil, 4000, want{[4]float64{80, 50, 50, 40}, cnt, [4]bool{true, true, true, true}}},
		// end = the last sample's T: 60 does not hold past 3600.
		{AggTWA, &prev, 3600, want{[4]float64{18, 40, 40, nan}, cnt, [4]bool{true, true, true, false}}},
		{AggPctGood, &prev, 3600, want{[4]float64{100, 50, 50, 0}, cnt, [4]bool{true, true, true, false}}},
		// end between: 60 holds 3600–3800.
		{AggPctGood, &prev, 3800, want{[4]float64{100, 50, 50, 20}, cnt, [4]bool{true, true, true, true}}},
	} {
		got := Aggregate(series, tc.prev, 0, 4000, 1000, tc.end, tc.agg)
		if len(got) != 4 {
			t.Fatalf("%v: %d buckets, want 4", tc.agg, len(got))
		}
		for i, b := range got {
			if b.Start != int64(i)*1000 || !aggSame(b.Value, tc.want.v[i]) || b.Count != tc.want.count[i] || b.Good != tc.want.good[i] {
				t.Errorf("%v prev=%v end=%d bucket %d = %+v; want value %v count %d good %v",
					tc.agg, tc.prev != nil, tc.end, i, b, tc.want.v[i], tc.want.count[i], tc.want.good[i])
			}
		}
	}
}

func TestAggregateShortLastBucket(t *testing.T) {
	// [0, 2500) in 1 s buckets: the last is 500 ms long; pctgood is of it.
	got := Aggregate([]Sample{aggF(0, 1), aggQ(2200, 1, aggBad)}, nil, 0, 2500, 1000, 2500, AggPctGood)
	want := []float64{100, 100, 40}
	if len(got) != 3 {
		t.Fatalf("%d buckets, want 3", len(got))
	}
	for i := range got {
		if got[i].Value != want[i] || got[i].Start != int64(i)*1000 {
			t.Errorf("bucket %d = %+v, want %v", i, got[i], want[i])
		}
	}
}

func TestAggregateValueKinds(t *testing.T) {
	series := []Sample{
		{T: 0, V: tags.Bool(true), Q: aggGood},
		{T: 1, V: tags.Int(-3), Q: aggGood},
		{T: 2, V: tags.Uint(7), Q: aggGood},
		{T: 3, V: tags.String("12"), Q: aggGood}, // strings never count, even numeric ones
		{T: 4, V: tags.Float(math.NaN()), Q: aggGood},
		{T: 5, V: tags.Float(math.Inf(1)), Q: aggGood},
		{T: 6, V: tags.Value{}, Q: aggGood},
		{T: 7, V: tags.Float32(0.5), Q: aggGood},
	}
	for _, tc := range []struct {
		agg  Agg
		want float64
	}{{AggCount, 4}, {AggAvg, 5.5 / 4}, {AggMin, -3}, {AggMax, 7}, {AggFirst, 1}, {AggLast, 0.5}, {AggDelta, -0.5},
		// 1·1 − 3·1 + 7·1 + 0.5·1 over 4 good ms of 8.
		{AggTWA, 5.5 / 4}, {AggPctGood, 50}} {
		got := Aggregate(series, nil, 0, 8, 8, 8, tc.agg)
		if len(got) != 1 || got[0].Value != tc.want || got[0].Count != 4 {
			t.Errorf("%v = %+v, want %v", tc.agg, got, tc.want)
		}
	}
}

func TestAggregateNil(t *testing.T) {
	s := []Sample{aggF(0, 1)}
	for _, tc := range []struct {
		name               string
		from, to, interval int64
		agg                Agg
	}{
		{"zero interval", 0, 10, 0, AggAvg},
		{"negative interval", 0, 10, -1, AggAvg},
		{"empty range", 10, 10, 1, AggAvg},
		{"reversed range", 10, 0, 1, AggAvg},
		{"unknown agg", 0, 10, 1, Agg(0)},
		{"unknown agg", 0, 10, 1, AggLast + 1},
		{"too many buckets", 0, MaxBuckets + 1, 1, AggAvg},
	} {
		if got := Aggregate(s, nil, tc.from, tc.to, tc.interval, tc.to, tc.agg); got != nil {
			t.Errorf("%s: got %d buckets, want nil", tc.name, len(got))
		}
		if got := AggregateRollups(nil, tc.from, tc.to, tc.interval, tc.agg); got != nil {
			t.Errorf("%s: AggregateRollups got %d buckets, want nil", tc.name, len(got))
		}
	}
}

// TestAggregateRandom checks Aggregate against aggReference on random
// series with gaps, quality stretches, mixed kinds and samples on
// boundaries, for every aggregate, with prev nil and given, and several
// ends.
func TestAggregateRandom(t *testing.T) {
	for seed := range uint64(40) {
		r := rand.New(rand.NewPCG(seed, 1))
		from := r.Int64N(2000) - 1000
		to := from + 1 + r.Int64N(6000)
		all := aggTestSeries(r, from-800, to+300)
		pre, in := aggSplit(all, from)
		var prev *Sample
		if len(pre) > 0 {
			prev = &pre[len(pre)-1]
		}
		lastT := from - 1
		if len(all) > 0 {
			lastT = all[len(all)-1].T
		}
		intervals := []int64{1, 7, 100, 250, 1000, to - from, to - from + 5, 1 + r.Int64N(to-from)}
		ends := []int64{to, lastT, from - 50, from + r.Int64N(to-from), to + 1000}
		variants := []struct {
			name    string
			samples []Sample
			prev    *Sample
		}{
			{"prev", in, prev},
			{"no prev", in, nil},
			{"samples before from", all, nil},
		}
		if len(pre) >= 2 {
			// prev and samples before from: the later one holds into from.
			half := append(append([]Sample{}, pre[:len(pre)/2]...), in...)
			variants = append(variants,
				struct {
					name    string
					samples []Sample
					prev    *Sample
				}{"earlier prev and samples before from", all, &pre[0]},
				struct {
					name    string
					samples []Sample
					prev    *Sample
				}{"later prev and samples before from", half, prev})
		}
		for _, v := range variants {
			for _, end := range ends {
				ref := aggReference(v.samples, v.prev, from, to, end)
				for _, interval := range intervals {
					want := ref.buckets(interval)
					for _, agg := range aggAll {
						got := Aggregate(v.samples, v.prev, from, to, interval, end, agg)
						if msg := aggDiff(got, want[agg]); msg != "" {
							t.Fatalf("seed %d %s from %d to %d interval %d end %d %v: %s",
								seed, v.name, from, to, interval, end, agg, msg)
						}
					}
				}
			}
		}
	}
}

// aggTestSeries makes a random series over about [from, to): steps of a
// few ms to a few s, duplicate times, times on multiples of 100 ms,
// stretches of uncertain and bad quality, and now and then a string, bool,
// int, NaN or never-read value.
func aggTestSeries(r *rand.Rand, from, to int64) []Sample {
	var out []Sample
	q := aggGood
	t := from + r.Int64N(200)
	for t < to {
		switch x := r.IntN(100); {
		case x < 4:
			q = aggBad
		case x < 8:
			q = aggUnc
		case x < 20:
			q = aggGood
		}
		s := Sample{T: t, Q: q, V: tags.Float(math.Round(r.NormFloat64()*1000) / 8)}
		switch x := r.IntN(100); {
		case x < 3:
			s.V = tags.String("12")
		case x < 6:
			s.V = tags.Bool(r.IntN(2) == 1)
		case x < 10:
			s.V = tags.Int(r.Int64N(200) - 100)
		case x < 12:
			s.V = tags.Float(math.NaN())
		case x == 12:
			s.V = tags.Value{}
		}
		out = append(out, s)
		switch x := r.IntN(100); {
		case x < 5: // same time
		case x < 15:
			t = (t/100 + 1) * 100 // the next boundary of 100 ms
		case x < 20:
			t += 300 + r.Int64N(2000) // a gap
		default:
			t += 1 + r.Int64N(60)
		}
	}
	return out
}

// aggSplit splits a sorted series at from.
func aggSplit(s []Sample, from int64) (before, rest []Sample) {
	i := 0
	for i < len(s) && s[i].T < from {
		i++
	}
	return s[:i], s[i:]
}

// aggRef is the stepped signal of a series, worked out one millisecond at
// a time, and the good samples of each millisecond: obviously correct, and
// slow.
type aggRef struct {
	from, to int64
	held     []*Sample   // held[t−from]: the sample whose value holds at t, nil if none or unknown
	at       [][]*Sample // at[t−from]: the samples with T == t, in order
}

func aggReference(samples []Sample, prev *Sample, from, to, end int64) *aggRef {
	ref := &aggRef{from: from, to: to, held: make([]*Sample, to-from), at: make([][]*Sample, to-from)}
	j := 0 // samples[:j] are at or before t
	for t := from; t < to; t++ {
		for j < len(samples) && samples[j].T <= t {
			j++
		}
		// The value at t is the latest sample at or before t (ties: the
		// later in the slice); prev only if before from and no sample at
		// or before t is later than it.
		var h *Sample
		if prev != nil && prev.T < from {
			h = prev
		}
		if j > 0 && (h == nil || samples[j-1].T >= h.T) {
			h = &samples[j-1]
		}
		// Known: some sample comes later, or t is before end.
		if h != nil && (j < len(samples) || t < end) {
			ref.held[t-from] = h
		}
		for k := j - 1; k >= 0 && samples[k].T == t; k-- {
			ref.at[t-from] = append([]*Sample{&samples[k]}, ref.at[t-from]...)
		}
	}
	return ref
}

// buckets returns the buckets of every aggregate, by Agg.
func (ref *aggRef) buckets(interval int64) map[Agg][]Bucket {
	out := map[Agg][]Bucket{}
	for start := ref.from; start < ref.to; start += interval {
		end := min(start+interval, ref.to)
		var vals []float64
		var integral float64
		var goodMs int64
		for t := start; t < end; t++ {
			if h := ref.held[t-ref.from]; h != nil && h.Q.Level == tags.Good && aggTestNumber(h.V) {
				integral += h.V.Float()
				goodMs++
			}
			for _, s := range ref.at[t-ref.from] {
				if s.Q.Level == tags.Good && aggTestNumber(s.V) {
					vals = append(vals, s.V.Float())
				}
			}
		}
		for _, agg := range aggAll {
			b := Bucket{Start: start, Value: math.NaN(), Count: len(vals)}
			switch agg {
			case AggCount:
				b.Value, b.Good = float64(len(vals)), len(vals) > 0
			case AggPctGood:
				b.Value, b.Good = 100*float64(goodMs)/float64(end-start), goodMs > 0
			case AggTWA:
				if goodMs > 0 {
					b.Value, b.Good = integral/float64(goodMs), true
				}
			}
			if len(vals) > 0 && agg != AggCount && agg != AggPctGood && agg != AggTWA {
				lo, hi, sum := vals[0], vals[0], 0.0
				for _, v := range vals {
					lo, hi, sum = math.Min(lo, v), math.Max(hi, v), sum+v
				}
				b.Good = true
				switch agg {
				case AggAvg:
					b.Value = sum / float64(len(vals))
				case AggMin:
					b.Value = lo
				case AggMax:
					b.Value = hi
				case AggFirst:
					b.Value = vals[0]
				case AggLast:
					b.Value = vals[len(vals)-1]
				case AggDelta:
					b.Value = vals[len(vals)-1] - vals[0]
				}
			}
			out[agg] = append(out[agg], b)
		}
	}
	return out
}

// aggTestNumber: bool, int, uint or finite float.
func aggTestNumber(v tags.Value) bool {
	switch v.Kind() {
	case tags.KindBool, tags.KindInt, tags.KindUint:
		return true
	case tags.KindFloat:
		f := v.Float()
		return !math.IsNaN(f) && !math.IsInf(f, 0)
	}
	return false
}

// aggSame compares values: both NaN, or within 1e-9 relative (absolute
// below 1).
func aggSame(a, b float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	return math.Abs(a-b) <= 1e-9*max(1, math.Abs(a), math.Abs(b))
}

func aggDiff(got, want []Bucket) string {
	if len(got) != len(want) {
		return fmt.Sprintf("got %d buckets, want %d", len(got), len(want))
	}
	for i := range got {
		g, w := got[i], want[i]
		if g.Start != w.Start || g.Count != w.Count || g.Good != w.Good || !aggSame(g.Value, w.Value) {
			return fmt.Sprintf("bucket %d: got %+v, want %+v", i, g, w)
		}
	}
	return ""
}
