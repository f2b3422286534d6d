package models

import (
	"testing"
	"time"
)

// BenchmarkExprEval measures calculated-tag evaluations per second of a
// simple formula, Plant.Flow.Rate * 2 + 1 (issue 8: at least 1,000,000/s).
func BenchmarkExprEval(b *testing.B) {
	calc, err := CompileExpr("Plant.Flow.Rate * 2 + 1", exprTestTypes)
	if err != nil {
		b.Fatal(err)
	}
	in := goodInputs(1)
	now := time.Now()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		in[0].V = float64(i & 1023)
		if _, err := calc.Eval(now, in); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "evals/s")
}
