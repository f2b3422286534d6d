package assets_test

import (
	"testing"
	"time"

	"github.com/sightglass/sightglass/assets"
	"github.com/sightglass/sightglass/project"
	"github.com/sightglass/sightglass/sim"
)

// BenchmarkDemoModels: the cost of all the demo's models (two calculated
// tags, a tank mass balance, a motor thermal model, a bearing trend and
// OEE) per scan of the plant, evaluated as the runner does on each 500 ms
// poll (the trend once a minute), on an hour of the plant with its demo
// faults; and that cost as a share of one core at the demo's 500 ms poll.
// The plant's stepping and the tag reads are outside the timing; the
// station's bus and runner around the models are not counted.
func BenchmarkDemoModels(b *testing.B) {
	const poll = 500 * time.Millisecond // assets/demo/project.yaml, device plant
	p, err := project.LoadFS(assets.Demo(), "demo")
	if err != nil {
		b.Fatal(err)
	}
	// An hour of scans, read once.
	plant := sim.New(1)
	if err := plant.SetFaults(sim.DemoFaults); err != nil {
		b.Fatal(err)
	}
	const scans = int(time.Hour / poll)
	reads := make([]map[string]float64, scans)
	m := buildDemoModels(b, p.Models, p.Tags, p.ModelTags)
	for i := range reads {
		plant.Step(poll)
		m.read(plant)
		reads[i] = make(map[string]float64, len(m.vals))
		for tag := range demoValue {
			reads[i][tag] = m.vals[tag]
		}
		for tag := range demoModelValue {
			reads[i][tag] = m.vals[tag]
		}
	}
	b.ResetTimer()
	el := time.Duration(0)
	for i := 0; b.Loop(); i++ {
		if i%scans == 0 && i > 0 {
			b.StopTimer()
			m = buildDemoModels(b, p.Models, p.Tags, p.ModelTags) // the clock does not go back: start afresh
			el = 0
			b.StartTimer()
		}
		for tag, v := range reads[i%scans] {
			m.vals[tag], m.good[tag] = v, true
		}
		el += poll
		m.eval(el, nil)
	}
	perScan := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	b.ReportMetric(perScan, "ns/scan")
	b.ReportMetric(100*perScan/float64(poll.Nanoseconds()), "%core@500ms")
}
