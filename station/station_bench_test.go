package station

import (
	"testing"
	"time"

	"github.com/sightglass/sightglass/assets"
	"github.com/sightglass/sightglass/drivers/modbus"
	"github.com/sightglass/sightglass/project"
	"github.com/sightglass/sightglass/tags"
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

// BenchmarkPlanDemo prints the Modbus requests one scan of the demo plant
// makes and a lower bound on the fewest possible under the gap rule (used
// registers over 125, cluster by cluster): when the two are equal, the plan
// is optimal.
func BenchmarkPlanDemo(b *testing.B) {
	p, err := project.LoadFS(assets.Demo(), "assets/demo")
	if err != nil {
		b.Fatal(err)
	}
	for _, dev := range p.Devices {
		if dev.Driver != "modbus-tcp" {
			continue // the plan is the Modbus driver's; b.Loop runs once
		}
		var defs []*tags.Def
		for i := range p.Tags {
			if p.Tags[i].Device == dev.Name {
				defs = append(defs, &p.Tags[i])
			}
		}
		var req, n, low int
		for b.Loop() {
			if req, n, err = modbus.RequestsPerScan(dev, defs); err != nil {
				b.Fatal(err)
			}
		}
		if low, err = modbus.LowerBound(dev, defs); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(n), "tags")
		b.ReportMetric(float64(req), "requests/scan")
		b.ReportMetric(float64(low), "lower-bound/scan")
	}
}
