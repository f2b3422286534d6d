package historian_test

import (
	"fmt"
	"math"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sightglass/sightglass/assets"
	"github.com/sightglass/sightglass/drivers/modbus"
	"github.com/sightglass/sightglass/historian"
	"github.com/sightglass/sightglass/historian/internal/gorilla"
	"github.com/sightglass/sightglass/project"
	"github.com/sightglass/sightglass/sim"
	"github.com/sightglass/sightglass/tags"
)

// chunkKeyOverhead is what the storage engine is assumed to spend per
// chunk besides the chunk itself: its bbolt key (tag id and first
// timestamp, 12 bytes) and the B+tree's per-element header share.
const chunkKeyOverhead = 16

// plantDay is 24 h of the demo plant polled at 1 s: for each tag of the
// demo project its definition and the samples a changes-only historian
// would store.
type plantDay struct {
	defs    []tags.Def
	samples [][]historian.Sample
}

var (
	plantOnce sync.Once
	plantData plantDay
	plantErr  error
)

// demoDay generates the day once per test binary (it takes a few seconds).
func demoDay(tb testing.TB) *plantDay {
	tb.Helper()
	plantOnce.Do(func() { plantData, plantErr = generateDay(86400) })
	if plantErr != nil {
		tb.Fatal(plantErr)
	}
	return &plantData
}

// dayStart is 2025-01-01T00:00:00Z in Unix ms: every sample falls on the
// 1 s grid from it, as the station's poller stamps scheduled polls.
const dayStart = 1735689600000

// generateDay runs the demo plant for n seconds, decoding every tag of
// the demo project from the plant's register image each second, as the
// Modbus driver would, and keeping only changes. The operator schedule
// makes the plant work: the valve moves every hour, three hours a day run
// in manual with a stop and a start, and the speed drops in the afternoon.
func generateDay(n int) (plantDay, error) {
	proj, err := project.LoadFS(assets.Demo(), "assets/demo")
	if err != nil {
		return plantDay{}, err
	}
	p := sim.New(1)
	im := sim.NewImage(p)
	// The tags the plant serves over Modbus (the demo's OPC UA device reads
	// four of the same values again).
	var defs []tags.Def
	for _, def := range proj.Tags {
		if def.Device == "plant" {
			defs = append(defs, def)
		}
	}
	d := plantDay{defs: defs, samples: make([][]historian.Sample, len(defs))}
	addrs := make([]modbus.Address, len(d.defs))
	for i := range d.defs {
		if addrs[i], err = modbus.ParseAddress(d.defs[i].Address); err != nil {
			return plantDay{}, err
		}
	}
	valve := [...]float64{40, 30, 55, 20, 70, 40, 35, 60, 15, 45, 80, 40, 25, 50, 65, 30, 40, 10, 55, 75, 35, 45, 20, 40}
	buf := make([]byte, 256)
	for s := range n {
		t := dayStart + int64(s)*1000
		for i := range d.defs {
			def := &d.defs[i]
			a := addrs[i]
			var data []byte
			if a.Area.IsBits() {
				b, err := im.Bits(sim.Area(a.Area), a.Offset, 1)
				if err != nil {
					return plantDay{}, fmt.Errorf("%s: %w", def.Name, err)
				}
				data = buf[:1]
				data[0] = 0
				if b[0] {
					data[0] = 1
				}
			} else {
				regs, err := im.Registers(sim.Area(a.Area), a.Offset, uint16(modbus.Registers(def)))
				if err != nil {
					return plantDay{}, fmt.Errorf("%s: %w", def.Name, err)
				}
				data = buf[:2*len(regs)]
				for j, r := range regs {
					data[2*j], data[2*j+1] = byte(r>>8), byte(r)
				}
			}
			v, err := modbus.Decode(def, data)
			if err != nil {
				return plantDay{}, fmt.Errorf("%s: %w", def.Name, err)
			}
			ss := d.samples[i]
			if len(ss) == 0 || !ss[len(ss)-1].V.Equal(v) {
				d.samples[i] = append(ss, historian.Sample{T: t, V: v, Q: tags.GoodQuality})
			}
		}

		// The operator's schedule, applied between polls.
		if s%3600 == 0 {
			hour := s / 3600
			set := p.Settings()
			set.ValvePosition = valve[hour%len(valve)]
			set.Auto = hour%8 != 3 // manual at 03:00, 11:00 and 19:00
			set.Speed = 100
			if hour >= 12 && hour < 17 {
				set.Speed = 80
			}
			if err := p.Apply(set); err != nil {
				return plantDay{}, err
			}
			if !set.Auto {
				p.Stop()
			}
		}
		if s%3600 == 20*60 && !p.Settings().Auto {
			p.Start()
		}
		if s%3600 == 40*60 && !p.Settings().Auto {
			p.Stop()
		}
		if p.State().Tripped {
			p.ResetTrip()
		}
		p.Step(time.Second)
	}
	return d, nil
}

// tagSize is what one tag's day costs in each encoding.
type tagSize struct {
	name            string
	samples, chunks int
	ours, gorilla   int // bytes; ours with chunkKeyOverhead per chunk
	modes           map[string]int
}

func encodeDay(tb testing.TB, d *plantDay) []tagSize {
	out := make([]tagSize, len(d.defs))
	for i := range d.defs {
		def := &d.defs[i]
		ss := d.samples[i]
		ts := tagSize{name: def.Name, samples: len(ss), modes: map[string]int{}}
		chunks, err := historian.EncodeSamples(historian.HintFor(def), ss)
		if err != nil {
			tb.Fatal(err)
		}
		ts.chunks = len(chunks)
		for _, c := range chunks {
			ts.ours += len(c) + chunkKeyOverhead
			h, err := historian.ReadChunkHeader(c)
			if err != nil {
				tb.Fatal(err)
			}
			ts.modes[h.Mode.String()]++
		}
		pts := make([]gorilla.Point, len(ss))
		for j, s := range ss {
			pts[j] = gorilla.Point{T: s.T, V: s.V.Float()}
		}
		for _, b := range gorilla.Encode(pts) {
			ts.gorilla += len(b)
		}
		out[i] = ts
	}
	return out
}

// BenchmarkChunkSize reports the size of 24 h of the demo plant at 1 s,
// changes only: bytes per sample in chunks (with chunkKeyOverhead per
// chunk) and in plain Gorilla, and their ratio. The targets are a
// ratio of at most 0.7 and under 1 byte a sample.
func BenchmarkChunkSize(b *testing.B) {
	d := demoDay(b)
	var sizes []tagSize
	for b.Loop() {
		sizes = encodeDay(b, d)
	}
	var n, ours, gor, chunks int
	for _, s := range sizes {
		n += s.samples
		ours += s.ours
		gor += s.gorilla
		chunks += s.chunks
	}
	b.ReportMetric(float64(n), "samples")
	b.ReportMetric(float64(chunks), "chunks")
	b.ReportMetric(float64(ours)/float64(n), "B/sample")
	b.ReportMetric(float64(gor)/float64(n), "gorilla-B/sample")
	b.ReportMetric(float64(ours)/float64(gor), "ratio")
	if testing.Verbose() {
		sort.Slice(sizes, func(i, j int) bool { return sizes[i].ours > sizes[j].ours })
		var sb strings.Builder
		fmt.Fprintf(&sb, "\n%-26s %7s %6s %9s %6s %9s %6s %s\n", "tag", "samples", "chunks", "ours B", "B/s", "gorilla B", "ratio", "modes")
		for _, s := range sizes {
			fmt.Fprintf(&sb, "%-26s %7d %6d %9d %6.3f %9d %6.3f %v\n", s.name, s.samples, s.chunks, s.ours,
				float64(s.ours)/math.Max(1, float64(s.samples)), s.gorilla, float64(s.ours)/math.Max(1, float64(s.gorilla)), s.modes)
		}
		b.Log(sb.String())
	}
}

// BenchmarkAppend appends the demo plant's day, tag by tag, to one
// appender per tag that is finished and reset at TargetChunkSize, as the
// storage engine's head does. It reports ns and allocations per sample.
func BenchmarkAppend(b *testing.B) {
	d := demoDay(b)
	apps := make([]*historian.ChunkAppender, len(d.defs))
	hints := make([]historian.ValueHint, len(d.defs))
	n := 0
	for i := range d.defs {
		hints[i] = historian.HintFor(&d.defs[i])
		apps[i] = historian.NewChunkAppender(hints[i])
		n += len(d.samples[i])
	}
	b.ReportAllocs()
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	for b.Loop() {
		for i, ss := range d.samples {
			a := apps[i]
			a.Reset(hints[i])
			for _, s := range ss {
				if !a.Append(s) {
					b.Fatal("refused")
				}
				if a.Size() >= historian.TargetChunkSize {
					a.Finish()
					a.Reset(hints[i])
				}
			}
		}
	}
	runtime.ReadMemStats(&ms1)
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/sample")
	b.ReportMetric(float64(ms1.Mallocs-ms0.Mallocs)/float64(b.N)/float64(n), "allocs/sample")
}

// BenchmarkDecode decodes the demo plant's day into a reused slice and
// reports samples per second.
func BenchmarkDecode(b *testing.B) {
	d := demoDay(b)
	var chunks [][]byte
	n := 0
	for i := range d.defs {
		c, err := historian.EncodeSamples(historian.HintFor(&d.defs[i]), d.samples[i])
		if err != nil {
			b.Fatal(err)
		}
		chunks = append(chunks, c...)
		n += len(d.samples[i])
	}
	dst := make([]historian.Sample, 0, historian.MaxChunkSamples)
	b.ReportAllocs()
	for b.Loop() {
		for _, c := range chunks {
			var err error
			if dst, err = historian.DecodeChunk(c, dst[:0]); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "samples/s")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/sample")
}
