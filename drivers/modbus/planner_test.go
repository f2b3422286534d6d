package modbus

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/sightglass/sightglass/drivers"
	"github.com/sightglass/sightglass/tags"
)

// tagsAt makes defs from "address type" pairs, numbered from 0.
func tagsAt(specs ...string) []*tags.Def {
	defs := make([]*tags.Def, len(specs))
	for i, s := range specs {
		addr, typ, _ := strings.Cut(s, " ")
		t, n, ok := tags.ParseType(typ)
		if !ok {
			panic("bad type in test: " + s)
		}
		defs[i] = &tags.Def{ID: tags.ID(i), Name: fmt.Sprintf("T%d", i), Address: addr, Type: t, StrLen: n}
	}
	return defs
}

func seq(area string, from, n int, typ string) []string {
	var s []string
	for i := 0; i < n; i++ {
		s = append(s, fmt.Sprintf("%s:%d %s", area, from+i, typ))
	}
	return s
}

func TestPlanTable(t *testing.T) {
	floats := make([]string, 0, 63)
	for i := 0; i < 63; i++ {
		floats = append(floats, fmt.Sprintf("hr:%d float32", 2*i))
	}
	cases := []struct {
		name   string
		maxGap int
		tags   []string
		want   []Request
	}{
		{"adjacent", 0, []string{"hr:0 uint16", "hr:1 uint16", "hr:2 float32"},
			[]Request{{HoldingRegisters, 0, 4, []int{0, 1, 2}}}},
		{"address order, not tag order", 0, []string{"hr:2 uint16", "hr:0 uint16", "hr:1 uint16"},
			[]Request{{HoldingRegisters, 0, 3, []int{0, 1, 2}}}},
		{"gap bridged", 2, []string{"hr:0 uint16", "hr:3 uint16"},
			[]Request{{HoldingRegisters, 0, 4, []int{0, 1}}}},
		{"gap too wide", 2, []string{"hr:0 uint16", "hr:4 uint16"},
			[]Request{{HoldingRegisters, 0, 1, []int{0}}, {HoldingRegisters, 4, 1, []int{1}}}},
		{"125 registers at most", 0, seq("hr", 0, 126, "uint16"),
			[]Request{{HoldingRegisters, 0, 125, seqInts(0, 125)}, {HoldingRegisters, 125, 1, []int{125}}}},
		{"a tag is never split", 0, floats,
			[]Request{{HoldingRegisters, 0, 124, seqInts(0, 62)}, {HoldingRegisters, 124, 2, []int{62}}}},
		{"bits of one register and the register", 0, []string{"hr:10.0 bool", "hr:10.15 bool", "hr:10 uint16", "hr:10.1 bool"},
			[]Request{{HoldingRegisters, 10, 1, []int{0, 1, 2, 3}}}},
		{"overlapping tags", 0, []string{"hr:20 float32", "hr:21 uint16", "hr:22 int16"},
			[]Request{{HoldingRegisters, 20, 3, []int{0, 1, 2}}}},
		{"a long tag bridges a gap", 0, []string{"hr:0 uint16", "hr:3 uint16", "hr:0 int64"},
			[]Request{{HoldingRegisters, 0, 4, []int{0, 1, 2}}}},
		{"areas apart, in area order", 5, []string{"hr:0 uint16", "ir:0 uint16", "di:0 bool", "co:1 bool", "co:0 bool"},
			[]Request{{Coils, 0, 2, []int{0, 1}}, {DiscreteInputs, 0, 1, []int{2}}, {InputRegisters, 0, 1, []int{3}}, {HoldingRegisters, 0, 1, []int{4}}}},
		{"2000 coils at most", 0, append(seq("co", 0, 2001, "bool"), "di:5000 bool"),
			[]Request{{Coils, 0, 2000, seqInts(0, 2000)}, {Coils, 2000, 1, []int{2000}}, {DiscreteInputs, 5000, 1, []int{2001}}}},
		{"bits gap", 3, []string{"di:0 bool", "di:4 bool", "di:9 bool"},
			[]Request{{DiscreteInputs, 0, 5, []int{0, 1}}, {DiscreteInputs, 9, 1, []int{2}}}},
		{"longest string", 0, []string{"hr:0 string:250", "hr:125 uint16"},
			[]Request{{HoldingRegisters, 0, 125, []int{0}}, {HoldingRegisters, 125, 1, []int{1}}}},
		{"last register", 0, []string{"hr:65534 uint32", "hr:65535 uint16"},
			[]Request{{HoldingRegisters, 65534, 2, []int{0, 1}}}},
		{"gap too wide inside the limit", 10, []string{"hr:0 uint16", "hr:120 float64", "hr:126 uint16"},
			[]Request{{HoldingRegisters, 0, 1, []int{0}}, {HoldingRegisters, 120, 7, []int{1, 2}}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dev := drivers.DeviceConfig{Name: "d", MaxGap: c.maxGap, Poll: time.Second}
			gs, err := Plan(dev, tagsAt(c.tags...))
			if err != nil {
				t.Fatal(err)
			}
			if len(gs) != 1 {
				t.Fatalf("got %d groups, want 1", len(gs))
			}
			if !reflect.DeepEqual(gs[0].Reads, c.want) {
				t.Errorf("requests:\n got %v\nwant %v", brief(gs[0].Reads), brief(c.want))
			}
			if gs[0].Requests != len(c.want) || len(gs[0].Tags) != len(c.tags) {
				t.Errorf("Group.Requests = %d, %d tags; want %d, %d", gs[0].Requests, len(gs[0].Tags), len(c.want), len(c.tags))
			}
		})
	}
}

// brief prints requests without their tag lists.
func brief(rs []Request) string {
	var s []string
	for _, r := range rs {
		s = append(s, fmt.Sprintf("%s:%d×%d(%d tags)", r.Area, r.Start, r.Count, len(r.Tags)))
	}
	return strings.Join(s, " ")
}

func seqInts(from, n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = from + i
	}
	return s
}

func TestPlanGroupsByPeriod(t *testing.T) {
	defs := tagsAt("hr:0 uint16", "hr:1 uint16", "hr:2 uint16", "hr:3 uint16")
	defs[1].Poll = 100 * time.Millisecond
	defs[3].Poll = 5 * time.Second
	gs, err := Plan(drivers.DeviceConfig{Name: "d", Poll: time.Second}, defs)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, g := range gs {
		got = append(got, fmt.Sprintf("%v:%v×%d", g.Period, g.Tags, g.Requests))
	}
	want := []string{"100ms:[1]×1", "1s:[0 2]×2", "5s:[3]×1"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("groups %v, want %v", got, want)
	}
	gs, _ = Plan(drivers.DeviceConfig{Name: "d"}, tagsAt("hr:0 uint16"))
	if gs[0].Period != DefaultPoll {
		t.Errorf("no poll anywhere: period %v, want %v", gs[0].Period, DefaultPoll)
	}
}

func TestPlanRejectsBadTags(t *testing.T) {
	defs := tagsAt("hr:0 uint16", "co:0 uint16", "hr:1 string:251")
	_, err := Plan(drivers.DeviceConfig{Name: "plc"}, defs)
	if err == nil || !strings.Contains(err.Error(), "T1") || !strings.Contains(err.Error(), "T2") || strings.Contains(err.Error(), "T0") {
		t.Errorf("error %v: want one naming T1 and T2 only", err)
	}
	defs = tagsAt("hr:0 string:247")
	defs[0].Writable = true
	if _, err := Plan(drivers.DeviceConfig{Name: "plc"}, defs); err == nil {
		t.Error("a writable string:247 (124 registers) planned: FC16 writes at most 123")
	}
}

// validWindow reports whether a request reading [s, e) may serve the spans
// inside it: at most limit units, its first and last unit used, no run of
// more than maxGap unused units. It is the rule stated plainly, apart from
// coalesce.
func validWindow(spans []span, s, e, limit, maxGap int) bool {
	if e <= s || e-s > limit {
		return false
	}
	used := make([]bool, e-s)
	for _, sp := range spans {
		if sp.start >= s && sp.end <= e {
			for u := sp.start; u < sp.end; u++ {
				used[u-s] = true
			}
		}
	}
	if !used[0] || !used[e-s-1] {
		return false
	}
	run := 0
	for _, u := range used {
		if u {
			run = 0
		} else if run++; run > maxGap {
			return false
		}
	}
	return true
}

// fewestWindows finds the fewest valid windows that hold every span, by
// exhaustive search over sets of windows (dynamic programming over the
// subsets of spans they cover).
func fewestWindows(spans []span, limit, maxGap int) int {
	var covers []uint
	for _, a := range spans {
		for _, b := range spans {
			if validWindow(spans, a.start, b.end, limit, maxGap) {
				var m uint
				for i, sp := range spans {
					if sp.start >= a.start && sp.end <= b.end {
						m |= 1 << i
					}
				}
				covers = append(covers, m)
			}
		}
	}
	all := uint(1)<<len(spans) - 1
	best := make([]int, all+1)
	for i := range best {
		best[i] = 1 << 30
	}
	best[0] = 0
	for m := uint(0); m <= all; m++ {
		if best[m] == 1<<30 {
			continue
		}
		for _, c := range covers {
			if n := m | c; best[m]+1 < best[n] {
				best[n] = best[m] + 1
			}
		}
	}
	return best[all]
}

func TestCoalesceIsOptimal(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 3000; trial++ {
		n := 1 + r.IntN(8)
		limit := 1 + r.IntN(12)
		maxGap := r.IntN(4)
		spans := make([]span, n)
		for i := range spans {
			length := 1 + r.IntN(min(limit, 4))
			if r.IntN(4) == 0 {
				length = 1 + r.IntN(limit) // now and then a long one
			}
			start := r.IntN(30)
			spans[i] = span{start: start, end: start + length, slot: i}
		}
		slots := make([]slot, n)
		sorted := splitAreas(slotsFor(spans, slots))[HoldingRegisters]
		wins, owner := coalesce(sorted, limit, maxGap)
		for w, win := range wins {
			if !validWindow(sorted, win.start, win.end, limit, maxGap) {
				t.Fatalf("trial %d %v limit %d gap %d: window %d %v is not valid", trial, sorted, limit, maxGap, w, win)
			}
		}
		for i, sp := range sorted {
			if w := wins[owner[i]]; sp.start < w.start || sp.end > w.end {
				t.Fatalf("trial %d: span %v given to window %v", trial, sp, w)
			}
		}
		if want := fewestWindows(sorted, limit, maxGap); len(wins) != want {
			t.Fatalf("trial %d %v limit %d gap %d: %d windows %v, fewest possible %d", trial, sorted, limit, maxGap, len(wins), wins, want)
		}
	}
}

// slotsFor fills slots with holding-register tags at the spans' places.
func slotsFor(spans []span, slots []slot) []slot {
	for i, sp := range spans {
		slots[i].c = codec{addr: Address{Area: HoldingRegisters, Offset: uint16(sp.start), Bit: -1}, regs: sp.end - sp.start}
	}
	return slots
}

func TestPlanInvariantsOnSyntheticProject(t *testing.T) {
	dev := drivers.DeviceConfig{Name: "big", Poll: time.Second, MaxGap: 8}
	defs := syntheticProject(10000, 42)
	gs, err := Plan(dev, defs)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[tags.ID]int{}
	byID := map[tags.ID]*tags.Def{}
	for _, d := range defs {
		byID[d.ID] = d
	}
	for _, g := range gs {
		for _, r := range g.Reads {
			if int(r.Count) > areaLimit(r.Area) || r.Count == 0 {
				t.Fatalf("request %v: count out of range", r)
			}
			used := make([]int, r.Count)
			for _, i := range r.Tags {
				id := g.Tags[i]
				seen[id]++
				a, _ := ParseAddress(byID[id].Address)
				n := Registers(byID[id])
				if a.Area != r.Area || int(a.Offset) < int(r.Start) || int(a.Offset)+n > int(r.Start)+int(r.Count) {
					t.Fatalf("tag %s %s outside request %s:%d×%d", byID[id].Name, byID[id].Address, r.Area, r.Start, r.Count)
				}
				for u := 0; u < n; u++ {
					used[int(a.Offset)-int(r.Start)+u]++
				}
			}
			run := 0
			for _, u := range used {
				if u > 0 {
					run = 0
				} else if run++; run > dev.MaxGap {
					t.Fatalf("request %s:%d×%d reads %d unused units in a row", r.Area, r.Start, r.Count, run)
				}
			}
		}
	}
	if len(seen) != len(defs) {
		t.Fatalf("%d tags planned, want %d", len(seen), len(defs))
	}
	for id, n := range seen {
		if n != 1 {
			t.Fatalf("tag %d read by %d requests", id, n)
		}
	}
	req, n, _ := RequestsPerScan(dev, defs)
	lb, _ := LowerBound(dev, defs)
	if n != len(defs) || req < lb {
		t.Errorf("RequestsPerScan = %d requests, %d tags; lower bound %d", req, n, lb)
	}
}
