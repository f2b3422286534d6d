package historian

import (
	"math"
	"math/rand/v2"
	"testing"
)

const (
	aggBenchDay  = int64(24 * 3600 * 1000)
	aggBenchFrom = int64(1_767_225_600_000) // 2026-01-01 00:00 UTC
)

// aggBenchSeries is a process value polled every second for n seconds: a
// random walk of good floats.
func aggBenchSeries(seed uint64, n int) []Sample {
	r := rand.New(rand.NewPCG(seed, 11))
	out := make([]Sample, n)
	v := 50.0
	for i := range out {
		v += r.NormFloat64() * 0.1
		out[i] = aggF(aggBenchFrom+int64(i)*1000, math.Round(v*100)/100)
	}
	return out
}

func aggReportMs(b *testing.B) {
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1e6, "ms/query")
}

// BenchmarkAggregateTWA: twa over 7 days of 1 s samples (604,800) into
// 1,000 buckets, from raw samples.
func BenchmarkAggregateTWA(b *testing.B) {
	s := aggBenchSeries(1, 7*24*3600)
	to := aggBenchFrom + 7*aggBenchDay
	prev := aggF(aggBenchFrom-1000, 50)
	for b.Loop() {
		if got := Aggregate(s, &prev, aggBenchFrom, to, (to-aggBenchFrom)/1000, to, AggTWA); len(got) != 1000 {
			b.Fatalf("%d buckets", len(got))
		}
	}
	aggReportMs(b)
}

// BenchmarkM4: a trend of 8 pens, each 7 days of 1 s samples (604,800),
// decimated into 1,000 columns; one op is the whole trend.
func BenchmarkM4(b *testing.B) {
	var pens [8][]Sample
	for i := range pens {
		pens[i] = aggBenchSeries(uint64(i), 7*24*3600)
	}
	to := aggBenchFrom + 7*aggBenchDay
	for b.Loop() {
		for _, s := range pens {
			if cols := M4(s, aggBenchFrom, to, 1000); cols[999].N != 604 {
				b.Fatalf("last column has %d samples", cols[999].N)
			}
		}
	}
	aggReportMs(b)
}

// BenchmarkAggregateRollups: twa over 1 year of 1 h rollups (8,760) into
// 974 buckets of 9 h.
func BenchmarkAggregateRollups(b *testing.B) {
	const h = int64(3_600_000)
	to := aggBenchFrom + 365*aggBenchDay
	rollups := make([]Rollup, 0, 8760)
	r := rand.New(rand.NewPCG(3, 11))
	for t := aggBenchFrom; t < to; t += h {
		v := 50 + r.NormFloat64()
		rollups = append(rollups, Rollup{Start: t, Width: h, Count: 3600, Sum: 3600 * v, Min: v - 1, Max: v + 1,
			First: v, Last: v, FirstT: t, LastT: t + h - 1000, Integral: v * float64(h), GoodMs: h, KnownMs: h})
	}
	for b.Loop() {
		if got := AggregateRollups(rollups, aggBenchFrom, to, 9*h, AggTWA); len(got) != 974 {
			b.Fatalf("%d buckets", len(got))
		}
	}
	aggReportMs(b)
}

// BenchmarkRollupBuilderAdd: cost per sample of building minute rollups as
// samples are written.
func BenchmarkRollupBuilderAdd(b *testing.B) {
	s := aggBenchSeries(4, 1<<16)
	rb := NewRollupBuilder(60_000)
	off := int64(0)
	for i := 0; b.Loop(); i++ {
		if i%len(s) == 0 && i > 0 {
			off += int64(len(s)) * 1000
		}
		x := s[i%len(s)]
		x.T += off
		rb.Add(x)
	}
}

// BenchmarkFilterOffer: cost per sample of exception and swinging-door
// filtering.
func BenchmarkFilterOffer(b *testing.B) {
	s := aggBenchSeries(5, 1<<16)
	f := NewFilter(FilterConfig{ExcDev: 0.05, CompDev: 0.2, CompMax: 3_600_000})
	off := int64(0)
	for i := 0; b.Loop(); i++ {
		if i%len(s) == 0 && i > 0 {
			off += int64(len(s)) * 1000
		}
		x := s[i%len(s)]
		x.T += off
		f.Offer(x)
	}
}
