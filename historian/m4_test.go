package historian

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"testing"

	"github.com/sightglass/sightglass/tags"
)

func TestM4Table(t *testing.T) {
	// [0, 10) in 3 columns of 3 ms; the last absorbs the rounding: [6, 10).
	s := []Sample{
		aggF(-1, 100), // before from: ignored
		aggF(0, 5),
		aggQ(1, -7, aggBad), // bad: in N, not in Min/Max
		aggF(2, 5),          // ties the max: the earlier wins
		{T: 3, V: tags.String("x"), Q: aggGood},
		aggQ(7, 2, aggUnc), // uncertain: plotted
		aggF(9, 3),
		aggF(10, -100), // at to: ignored
	}
	got := M4(s, 0, 10, 3)
	want := []Column{
		{Start: 0, End: 3, N: 3, First: s[1], Last: s[3], Min: s[1], Max: s[1]},
		{Start: 3, End: 6, N: 1, First: s[4], Last: s[4]},
		{Start: 6, End: 10, N: 2, First: s[5], Last: s[6], Min: s[5], Max: s[6]},
	}
	if msg := m4Diff(got, want); msg != "" {
		t.Error(msg)
	}
	if !got[0].HasRange() || got[1].HasRange() {
		t.Error("HasRange wrong")
	}
	// Narrower than width: 1 ms columns, the rest empty at to.
	got = M4([]Sample{aggF(0, 1), aggF(1, 2)}, 0, 2, 4)
	want = []Column{
		{Start: 0, End: 1, N: 1, First: aggF(0, 1), Last: aggF(0, 1), Min: aggF(0, 1), Max: aggF(0, 1)},
		{Start: 1, End: 2, N: 1, First: aggF(1, 2), Last: aggF(1, 2), Min: aggF(1, 2), Max: aggF(1, 2)},
		{Start: 2, End: 2},
		{Start: 2, End: 2},
	}
	if msg := m4Diff(got, want); msg != "" {
		t.Error("narrow:", msg)
	}
	for _, w := range []int{0, -1, MaxBuckets + 1} {
		if M4(s, 0, 10, w) != nil || M4Rollups(nil, 0, 10, w) != nil {
			t.Errorf("width %d: want nil", w)
		}
	}
	if M4(s, 10, 10, 3) != nil {
		t.Error("empty range: want nil")
	}
}

// TestM4BruteForce checks every column of random series against the
// first, last, min and max found by looking at every sample.
func TestM4BruteForce(t *testing.T) {
	for seed := range uint64(50) {
		r := rand.New(rand.NewPCG(seed, 4))
		from := r.Int64N(1000)
		to := from + 1 + r.Int64N(8000)
		s := aggTestSeries(r, from-500, to+500)
		for _, width := range []int{1, 3, 17, 100, 1000, int(to - from), int(to-from) + 7} {
			got := M4(s, from, to, width)
			want := m4Brute(s, from, to, width)
			if msg := m4Diff(got, want); msg != "" {
				t.Fatalf("seed %d [%d, %d) width %d: %s", seed, from, to, width, msg)
			}
		}
	}
}

// m4Brute cuts the columns as M4 documents, and for each looks at every
// sample.
func m4Brute(s []Sample, from, to int64, width int) []Column {
	span := (to - from) / int64(width)
	if span < 1 {
		span = 1
	}
	cols := make([]Column, width)
	for i := range cols {
		c := &cols[i]
		c.Start, c.End = min(from+int64(i)*span, to), min(from+int64(i+1)*span, to)
		if i == width-1 {
			c.End = to
		}
		var lo, hi float64
		for _, x := range s {
			if x.T < c.Start || x.T >= c.End {
				continue
			}
			if c.N == 0 {
				c.First = x
			}
			c.Last = x
			c.N++
			if x.Q.Level == tags.Bad || !aggTestNumber(x.V) {
				continue
			}
			v := x.V.Float()
			if c.Min.V.IsZero() || v < lo {
				c.Min, lo = x, v
			}
			if c.Max.V.IsZero() || v > hi {
				c.Max, hi = x, v
			}
		}
	}
	return cols
}

// TestM4Raster draws random good series as line charts, from every sample
// and from the M4 columns, with Bresenham lines into a small bitmap, and
// requires the two to be pixel-identical.
func TestM4Raster(t *testing.T) {
	const w, h = 120, 60
	for seed := range uint64(40) {
		r := rand.New(rand.NewPCG(seed, 5))
		span := 1 + r.Int64N(200)
		from := r.Int64N(10_000)
		to := from + w*span
		var s []Sample
		v := 0.0
		for t := from - r.Int64N(3*span); t < to+2*span; t += 1 + r.Int64N(2*span) {
			if r.IntN(30) == 0 {
				t += r.Int64N(20 * span) // a gap: a long line
			}
			v += r.NormFloat64()
			s = append(s, aggF(t, v))
		}
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, x := range s {
			lo, hi = min(lo, x.V.Float()), max(hi, x.V.Float())
		}
		px := func(x Sample) (int, int) {
			return int(aggFloor(x.T-from, span) / span), int((x.V.Float() - lo) / (hi - lo + 1e-9) * (h - 1))
		}
		// Lines leave the chart to samples outside [from, to): both
		// drawings take the sample on each side, as a trend does.
		_, in := aggSplit(s, from)
		var outside []Sample
		if len(in) < len(s) {
			outside = append(outside, s[len(s)-len(in)-1])
		}
		inside, after := aggSplit(in, to)
		if len(after) > 0 {
			after = after[:1]
		}

		var pts []Sample
		for _, c := range M4(inside, from, to, w) {
			if c.N == 0 {
				continue
			}
			pts = append(pts, c.First, c.Min, c.Max, c.Last)
		}
		sort.SliceStable(pts, func(i, j int) bool { return pts[i].T < pts[j].T })

		raw := m4Draw(w, h, append(append(append([]Sample{}, outside...), inside...), after...), px)
		dec := m4Draw(w, h, append(append(append([]Sample{}, outside...), pts...), after...), px)
		if raw != dec {
			t.Fatalf("seed %d span %d: raster differs\nraw:\n%s\nm4:\n%s", seed, span, raw, dec)
		}
	}
}

// m4Draw draws a polyline through the points with Bresenham's algorithm and
// returns the bitmap as text, clipped to w×h.
func m4Draw(w, h int, pts []Sample, px func(Sample) (int, int)) string {
	bm := make([][]byte, h)
	for y := range bm {
		bm[y] = []byte(fmt.Sprintf("%*s", w, ""))
	}
	plot := func(x, y int) {
		if x >= 0 && x < w && y >= 0 && y < h {
			bm[y][x] = '#'
		}
	}
	for i := range pts {
		x0, y0 := px(pts[i])
		if i == 0 {
			plot(x0, y0)
			continue
		}
		x1, y1 := x0, y0
		x0, y0 = px(pts[i-1])
		dx, dy := m4Abs(x1-x0), -m4Abs(y1-y0)
		sx, sy := 1, 1
		if x0 > x1 {
			sx = -1
		}
		if y0 > y1 {
			sy = -1
		}
		e := dx + dy
		for {
			plot(x0, y0)
			if x0 == x1 && y0 == y1 {
				break
			}
			e2 := 2 * e
			if e2 >= dy {
				e += dy
				x0 += sx
			}
			if e2 <= dx {
				e += dx
				y0 += sy
			}
		}
	}
	out := ""
	for y := h - 1; y >= 0; y-- {
		out += string(bm[y]) + "\n"
	}
	return out
}

func m4Abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// TestM4Rollups checks decimation from rollups against M4 over the raw
// samples: with columns a multiple of the rollup width and aligned to it,
// First, Last, N and the Min and Max values are exact; Min and Max times
// fall inside the right rollup. With unaligned columns, each column's range
// lies within the other's over it and its neighbours.
func TestM4Rollups(t *testing.T) {
	for seed := range uint64(40) {
		r := rand.New(rand.NewPCG(seed, 6))
		const rw = 100
		from := r.Int64N(100) * rw
		nr := 10 + r.Int64N(200)
		to := from + nr*rw
		var s []Sample
		v := 0.0
		for t := from + r.Int64N(rw); t < to; t += 1 + r.Int64N(40) {
			if r.IntN(40) == 0 {
				t += r.Int64N(5 * rw)
			}
			v += r.NormFloat64()
			s = append(s, aggF(t, math.Round(v*10)/10))
		}
		rollups := RollupsFrom(s, nil, from, to, rw)
		// Aligned: k rollups per column.
		for _, k := range []int64{1, 2, 5} {
			width := int(nr / k)
			if nr%k != 0 {
				continue
			}
			got := M4Rollups(rollups, from, to, width)
			want := M4(s, from, to, width)
			for i := range got {
				g, w := got[i], want[i]
				if g.Start != w.Start || g.End != w.End || g.N != w.N {
					t.Fatalf("seed %d k %d column %d: got %+v, want %+v", seed, k, i, g, w)
				}
				if g.N == 0 {
					continue
				}
				if g.First.T != w.First.T || g.First.V.Float() != w.First.V.Float() ||
					g.Last.T != w.Last.T || g.Last.V.Float() != w.Last.V.Float() ||
					g.Min.V.Float() != w.Min.V.Float() || g.Max.V.Float() != w.Max.V.Float() {
					t.Fatalf("seed %d k %d column %d:\n got %s\nwant %s", seed, k, i, m4Fmt(g), m4Fmt(w))
				}
				if aggFloor(g.Min.T, rw) != aggFloor(w.Min.T, rw) || aggFloor(g.Max.T, rw) != aggFloor(w.Max.T, rw) {
					t.Fatalf("seed %d k %d column %d: extremes not placed in their rollups:\n got %s\nwant %s", seed, k, i, m4Fmt(g), m4Fmt(w))
				}
			}
		}
		// Unaligned: 3.3 rollups per column.
		width := int(float64(nr) / 3.3)
		got := M4Rollups(rollups, from, to, width)
		want := M4(s, from, to, width)
		for i := range got {
			gl, gh, wl, wh := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
			for j := max(0, i-1); j <= min(width-1, i+1); j++ {
				if got[j].HasRange() {
					gl, gh = min(gl, got[j].Min.V.Float()), max(gh, got[j].Max.V.Float())
				}
				if want[j].HasRange() {
					wl, wh = min(wl, want[j].Min.V.Float()), max(wh, want[j].Max.V.Float())
				}
			}
			if got[i].HasRange() && (got[i].Min.V.Float() < wl || got[i].Max.V.Float() > wh) {
				t.Fatalf("seed %d unaligned column %d: range [%v, %v] outside raw neighbours' [%v, %v]",
					seed, i, got[i].Min.V.Float(), got[i].Max.V.Float(), wl, wh)
			}
			if want[i].HasRange() && (want[i].Min.V.Float() < gl || want[i].Max.V.Float() > gh) {
				t.Fatalf("seed %d unaligned column %d: raw range [%v, %v] outside rollup neighbours' [%v, %v]",
					seed, i, want[i].Min.V.Float(), want[i].Max.V.Float(), gl, gh)
			}
		}
	}
}

func m4Diff(got, want []Column) string {
	if len(got) != len(want) {
		return fmt.Sprintf("got %d columns, want %d", len(got), len(want))
	}
	for i := range got {
		g, w := got[i], want[i]
		if g.Start != w.Start || g.End != w.End || g.N != w.N ||
			!m4Same(g.First, w.First) || !m4Same(g.Last, w.Last) || !m4Same(g.Min, w.Min) || !m4Same(g.Max, w.Max) {
			return fmt.Sprintf("column %d:\n got %s\nwant %s", i, m4Fmt(g), m4Fmt(w))
		}
	}
	return ""
}

func m4Same(a, b Sample) bool { return a.T == b.T && a.V.Equal(b.V) && a.Q == b.Q }

func m4Fmt(c Column) string {
	f := func(s Sample) string { return fmt.Sprintf("%d:%v(%v)", s.T, s.V, s.Q) }
	return fmt.Sprintf("[%d,%d) N=%d first %s last %s min %s max %s", c.Start, c.End, c.N, f(c.First), f(c.Last), f(c.Min), f(c.Max))
}

// TestM4Bad: a column counts its bad samples, so that a trend can break
// its line inside a column whose first and last are good; from rollups a
// column overlapping bad time is marked.
func TestM4Bad(t *testing.T) {
	s := []Sample{aggF(0, 1), aggQ(1, 0, aggBad), aggF(2, 3), aggF(4, 4), aggQ(7, 0, aggBad), aggQ(8, 0, aggBad)}
	got := M4(s, 0, 9, 3)
	for i, want := range []int{1, 0, 2} {
		if got[i].Bad != want {
			t.Errorf("column %d: Bad %d, want %d", i, got[i].Bad, want)
		}
	}
	r := []Rollup{
		{Start: 0, Width: 60_000, Count: 2, First: 1, Last: 2, Min: 1, Max: 2, FirstT: 0, LastT: 59_000, GoodMs: 60_000, KnownMs: 60_000},
		{Start: 60_000, Width: 60_000, Count: 2, First: 1, Last: 2, Min: 1, Max: 2, FirstT: 60_000, LastT: 119_000, GoodMs: 30_000, KnownMs: 60_000},
	}
	cols := M4Rollups(r, 0, 240_000, 2) // 2 min a column: the second rollup's bad time is in column 0
	if cols[0].Bad != 1 || cols[1].Bad != 0 {
		t.Errorf("rollup columns Bad %d %d, want 1 0", cols[0].Bad, cols[1].Bad)
	}
}
