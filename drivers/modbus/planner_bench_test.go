package modbus

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/sightglass/sightglass/drivers"
	"github.com/sightglass/sightglass/tags"
)

// syntheticProject makes n tags laid out the way PLC programs tend to lay
// them out: runs of related values with small holes between them, most in
// holding registers, some input registers, coils and discrete inputs,
// bits packed into status words, a few strings, and one block in ten
// polled faster than the rest.
func syntheticProject(n int, seed uint64) []*tags.Def {
	r := rand.New(rand.NewPCG(seed, seed^0x5eed))
	types := []struct {
		typ  tags.DataType
		strN int
	}{
		{tags.TypeFloat32, 0}, {tags.TypeFloat32, 0}, {tags.TypeFloat32, 0}, {tags.TypeUint16, 0},
		{tags.TypeInt16, 0}, {tags.TypeInt32, 0}, {tags.TypeUint32, 0}, {tags.TypeFloat64, 0},
		{tags.TypeInt64, 0}, {tags.TypeString, 16},
	}
	next := map[Area]int{} // the next free unit in each area
	defs := make([]*tags.Def, 0, n)
	var poll time.Duration // of the current block
	add := func(d tags.Def) {
		d.ID = tags.ID(len(defs))
		d.Name = fmt.Sprintf("Area%d.Unit%d.Tag%d", len(defs)/1000, len(defs)/50, len(defs))
		d.Poll = poll
		defs = append(defs, &d)
	}
	for len(defs) < n {
		poll = 0
		if r.IntN(10) == 0 {
			poll = 250 * time.Millisecond
		}
		area := []Area{HoldingRegisters, HoldingRegisters, HoldingRegisters, InputRegisters, Coils, DiscreteInputs}[r.IntN(6)]
		if r.IntN(8) == 0 {
			next[area] += 1 + r.IntN(20) // a hole between blocks
		}
		switch {
		case area.IsBits():
			for k := 0; k < 1+r.IntN(32) && len(defs) < n; k++ {
				add(tags.Def{Address: fmt.Sprintf("%s:%d", area, next[area]), Type: tags.TypeBool})
				next[area] += 1 + r.IntN(2)
			}
		case r.IntN(10) == 0: // a status word of bits
			for b := 0; b < 16 && len(defs) < n; b += 1 + r.IntN(3) {
				add(tags.Def{Address: fmt.Sprintf("%s:%d.%d", area, next[area], b), Type: tags.TypeBool})
			}
			next[area]++
		default:
			for k := 0; k < 1+r.IntN(12) && len(defs) < n; k++ {
				t := types[r.IntN(len(types))]
				d := tags.Def{Address: fmt.Sprintf("%s:%d", area, next[area]), Type: t.typ, StrLen: t.strN}
				add(d)
				next[area] += Registers(&d) + r.IntN(2)
			}
		}
	}
	return defs
}

// BenchmarkPlan plans the 10,000-tag synthetic project and reports the
// requests one scan of every group takes, against the lower bound.
func BenchmarkPlan(b *testing.B) {
	dev := drivers.DeviceConfig{Name: "synthetic", Poll: time.Second, MaxGap: 8}
	benchmarkPlan(b, dev, syntheticProject(10000, 42))
}

// benchmarkPlan times Plan on defs and reports requests/scan, tags/request
// and the lower bound. A benchmark of another project (the demo plant's)
// calls it with its own device and tags.
func benchmarkPlan(b *testing.B, dev drivers.DeviceConfig, defs []*tags.Def) {
	b.Helper()
	req, n, err := RequestsPerScan(dev, defs)
	if err != nil {
		b.Fatal(err)
	}
	lb, err := LowerBound(dev, defs)
	if err != nil {
		b.Fatal(err)
	}
	fewest, err := fewestPossible(dev, defs)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Plan(dev, defs); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(req), "requests/scan")
	b.ReportMetric(float64(lb), "lower-bound-requests/scan")
	b.ReportMetric(float64(fewest), "fewest-possible/scan")
	if req != fewest {
		b.Errorf("the plan makes %d requests a scan; %d are possible", req, fewest)
	}
	b.ReportMetric(float64(n)/float64(req), "tags/request")
}

// fewestPossible computes, independently of the planner's greedy
// coalescing, the fewest requests that read every tag of defs: for each
// poll group and area, a dynamic programme over the tags sorted by start,
// where best[i] is the fewest requests for the first i tags and a request
// may take tags j..i-1 when its extent (first start to last end) is within
// the area's limit and the units no tag uses never run longer than MaxGap.
// (The exhaustive search in TestCoalesceIsOptimal checks that grouping
// tags consecutively in start order loses nothing.)
func fewestPossible(dev drivers.DeviceConfig, defs []*tags.Def) (int, error) {
	gs, err := plan(dev, defs)
	if err != nil {
		return 0, err
	}
	total := 0
	for _, g := range gs {
		for a, spans := range splitAreas(g.slots) {
			total += fewestFor(spans, areaLimit(Area(a)), dev.MaxGap)
		}
	}
	return total, nil
}

func fewestFor(spans []span, limit, maxGap int) int {
	const inf = 1 << 30
	best := make([]int, len(spans)+1)
	for i := 1; i <= len(spans); i++ {
		best[i] = inf
		// Grow the request leftwards from tag i-1, keeping the union of
		// the tags it takes as sorted intervals and counting the holes
		// longer than maxGap between them.
		var union []window
		holes := 0
		for j := i - 1; j >= 0; j-- {
			sp := spans[j]
			w := window{sp.start, sp.end}
			for len(union) > 0 && union[0].start <= w.end {
				if len(union) > 1 && union[1].start-union[0].end > maxGap {
					holes--
				}
				w.end = max(w.end, union[0].end)
				union = union[1:]
			}
			union = append([]window{w}, union...)
			if len(union) > 1 && union[1].start-union[0].end > maxGap {
				holes++
			}
			if union[len(union)-1].end-union[0].start > limit {
				break // only grows as more tags join
			}
			if holes == 0 && best[j]+1 < best[i] {
				best[i] = best[j] + 1
			}
		}
	}
	return best[len(spans)]
}
