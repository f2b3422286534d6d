package alarms

import (
	"math/rand/v2"
	"testing"
	"time"
)

// BenchmarkReport computes the performance report over 100,000 journal
// records (10 days of the benchmark journal's mix), for all areas and per
// area (20 areas). ns/rec is the cost per record given.
func BenchmarkReport(b *testing.B) {
	const n, days = 100_000, 10
	rng := rand.New(rand.NewPCG(3, 4))
	recs := make([]Record, n)
	for i := range recs {
		recs[i] = benchRecord(rng, i, n, days)
	}
	from, to := benchBase, benchBase.Add(days*24*time.Hour)
	b.Run("all", func(b *testing.B) {
		var k KPIs
		for b.Loop() {
			k = Report(recs, from, to, "")
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/rec")
		b.ReportMetric(float64(k.Annunciated), "annunciated")
	})
	b.Run("area", func(b *testing.B) {
		for b.Loop() {
			Report(recs, from, to, "Plant.U07")
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/rec")
	})
	b.Run("by-area", func(b *testing.B) {
		for b.Loop() {
			ReportByArea(recs, from, to)
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/rec")
	})
}
