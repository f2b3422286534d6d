package models

import (
	"math/rand/v2"
	"testing"
	"time"
)

// BenchmarkPCAScore20 is the figure: PCA scoring (T², SPE and
// their limits) per sample with 20 inputs, on a model trained on 2,000
// correlated rows (5 latent factors plus noise).
func BenchmarkPCAScore20(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	mix := make([][5]float64, pcaMaxInputs)
	for j := range mix {
		for f := range mix[j] {
			mix[j][f] = rng.NormFloat64()
		}
	}
	row := func() []float64 {
		var lat [5]float64
		for f := range lat {
			lat[f] = rng.NormFloat64()
		}
		r := make([]float64, pcaMaxInputs)
		for j := range r {
			r[j] = 0.1 * rng.NormFloat64()
			for f, l := range lat {
				r[j] += mix[j][f] * l
			}
		}
		return r
	}
	rows := make([][]float64, 2000)
	for i := range rows {
		rows[i] = row()
	}
	m := statNew(b, "pca", nil).(*pca)
	if _, err := m.Train(rows); err != nil {
		b.Fatal(err)
	}
	ins := make([][]Input, 256)
	for i := range ins {
		ins[i] = pcaIn(row()...)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if _, err := m.Eval(time.Time{}, ins[i%len(ins)]); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/sample")
	b.ReportMetric(float64(m.st.K), "components")
}
