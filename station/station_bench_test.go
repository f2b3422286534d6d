package station

import (
	"testing"
	"time"
)

// BenchmarkStartToFirstGood measures the time from opening the demo
// station (loading the embedded project, starting the embedded plant's
// Modbus TCP server) to the first good value on the bus, without a window.
// Target: under 1 s.
func BenchmarkStartToFirstGood(b *testing.B) {
	var total time.Duration
	for b.Loop() {
		start := time.Now()
		st, err := OpenDemo(b.Context(), nil)
		if err != nil {
			b.Fatal(err)
		}
		sub := st.Bus().Subscribe("bench")
		if err := st.Start(b.Context()); err != nil {
			b.Fatal(err)
		}
		for good := false; !good; {
			<-sub.C()
			for _, u := range sub.Next(nil) {
				if u.VQT.Quality.IsGood() && st.Bus().Table().Def(u.ID).Device != "" {
					good = true
				}
			}
		}
		total += time.Since(start)
		sub.Close()
		st.Stop()
	}
	b.ReportMetric(float64(total.Microseconds())/1000/float64(b.N), "ms-to-first-good")
}
