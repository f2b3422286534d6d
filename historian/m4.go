package historian

import (
	"slices"
	"sort"
	"sync"

	"github.com/sightglass/sightglass/tags"
)

// Column is one pixel column of a decimated trend (M4: Jugel, Jerzak,
// Hackenbroich and Markl, "M4: A Visualization-Oriented Time Series Data
// Aggregation", VLDB 2014): the first, last, min and max sample of the
// column's time span. A line chart drawn through the columns' points in
// time order is pixel-identical to one drawn through all samples, when
// the chart maps each column's span to one pixel column.
//
// Which samples count: N, First and Last take every sample in the span, of
// any quality and kind, so the chart knows where lines start and end and
// where quality changes. Min and Max take only the samples a chart plots: a
// finite number (bool as 0 or 1, int, uint, float) of quality Good or
// Uncertain (an HMI draws uncertain values, marked, and breaks the line at
// bad ones). Strings take part in N, First and Last only. When no sample of
// the column is plottable, Min and Max are the zero Sample (HasRange is
// false).
type Column struct {
	Start, End            int64  // the column's time span [Start, End)
	N                     int    // samples in the column
	First, Last, Min, Max Sample // Min and Max by value; ties: the earlier
	// Bad counts the column's samples of bad quality, First and Last
	// included: a trend breaks its line inside a column with one, even
	// when First and Last are good. From rollups it is 1 for a column
	// overlapping a rollup with bad time (KnownMs > GoodMs).
	Bad int
}

// HasRange reports whether Min and Max hold plottable samples.
func (c *Column) HasRange() bool { return !c.Min.V.IsZero() }

// M4 decimates samples sorted by T over [from, to) into width columns of
// equal time span (to−from)/width ms, rounded down; the last column absorbs
// the rounding. When the range is narrower than width ms, columns are 1 ms
// wide and those past to are empty with Start = End = to. Empty columns
// have N == 0. M4 returns nil for width ≤ 0, to ≤ from or width >
// MaxBuckets.
func M4(samples []Sample, from, to int64, width int) []Column {
	cols := m4Columns(from, to, width)
	if cols == nil {
		return nil
	}
	m4Fill(cols, samples, nil, from)
	return cols
}

// m4Columns makes the empty columns.
func m4Columns(from, to int64, width int) []Column {
	if width <= 0 || to <= from || width > MaxBuckets {
		return nil
	}
	span := max((to-from)/int64(width), 1)
	cols := make([]Column, width)
	for i := range cols {
		cols[i].Start = min(from+int64(i)*span, to)
		cols[i].End = min(from+int64(i+1)*span, to)
	}
	cols[width-1].End = to
	return cols
}

// m4Fill fills the columns from samples sorted by T, in one pass. weight,
// when not nil, gives the number of raw samples each sample stands for
// (M4Rollups).
func m4Fill(cols []Column, samples []Sample, weight []int, from int64) {
	i := sort.Search(len(samples), func(k int) bool { return samples[k].T >= from })
	c, end := 0, cols[0].End
	lo, imin, imax := i, -1, -1 // the column's first sample and extremes
	var vmin, vmax float64
	bad := 0
	for ; i < len(samples); i++ {
		s := &samples[i]
		if s.T >= end {
			m4Close(&cols[c], samples, weight, lo, i, imin, imax)
			cols[c].Bad, bad = bad, 0
			for c < len(cols) && s.T >= cols[c].End {
				c++
			}
			if c == len(cols) {
				return
			}
			end, lo, imin, imax = cols[c].End, i, -1, -1
		}
		if s.Q.Level == tags.Bad {
			bad++
		}
		v, ok := m4Value(s)
		switch {
		case !ok:
		case imin < 0:
			imin, imax, vmin, vmax = i, i, v, v
		case v < vmin:
			imin, vmin = i, v
		case v > vmax:
			imax, vmax = i, v
		}
	}
	m4Close(&cols[c], samples, weight, lo, len(samples), imin, imax)
	cols[c].Bad = bad
}

// m4Close fills a column from its samples [lo, hi) and the indexes of its
// extremes (−1 for none).
func m4Close(col *Column, samples []Sample, weight []int, lo, hi, imin, imax int) {
	if hi == lo {
		return
	}
	col.First, col.Last = samples[lo], samples[hi-1]
	if weight == nil {
		col.N = hi - lo
	} else {
		for k := lo; k < hi; k++ {
			col.N += weight[k]
		}
	}
	if imin >= 0 {
		col.Min, col.Max = samples[imin], samples[imax]
	}
}

// m4Value returns the value a chart plots for a sample, and whether it
// plots it (see Column).
func m4Value(s *Sample) (float64, bool) {
	if s.Q.Level == tags.Bad {
		return 0, false
	}
	return aggNumber(s.V)
}

// m4Buf is M4Rollups' scratch: four points a rollup, 2 MB for a week of
// minutes, which allocating and clearing for every pen of every redraw
// cost more than the decimation.
type m4Buf struct {
	pts    []Sample
	weight []int
}

var m4Bufs = sync.Pool{New: func() any { return new(m4Buf) }}

// M4Rollups decimates from rollups of one width, sorted by Start, when the
// columns are wider than the rollups (a year on a 1,000-pixel trend: 8.8 h
// per column over 1 h rollups). Columns are cut as by M4.
//
// Each rollup with good samples becomes up to four points: First at FirstT
// and Last at LastT, both exact (real samples); Min and Max likewise when
// the extreme equals First or Last (with two samples it always does), and
// otherwise at the middle of [FirstT, LastT], min before max, since a
// rollup does not record when its extremes occurred. Points are good
// floats whatever the tag's type, and rollups hold only good samples, so
// unlike M4 uncertain values take no part.
//
// Error bound: values are exact; only the time of an inner extreme is
// approximate, off by less than (LastT−FirstT)/2 < Width/2. With columns at
// least Width wide, an extreme lands in its true pixel column or the
// neighbouring one, and only when it lies within Width/2 of their boundary:
// the trend drawn differs from the one drawn from raw samples by at most
// one pixel horizontally at such an extreme, and the vertical extent of
// the two columns together is exact. With columns a multiple of Width wide
// and aligned to it, every point lands in its true column and each
// column's First, Last, Min and Max values and N are exact. N adds up each
// rollup's Count, given to its points (one each, the rest to its First),
// so it is exact unless a rollup straddles a column boundary.
//
// M4Rollups returns nil for width ≤ 0, to ≤ from or width > MaxBuckets.
func M4Rollups(r []Rollup, from, to int64, width int) []Column {
	cols := m4Columns(from, to, width)
	if cols == nil {
		return nil
	}
	buf := m4Bufs.Get().(*m4Buf)
	defer m4Bufs.Put(buf)
	pts := slices.Grow(buf.pts[:0], 4*len(r)) // at most first, min, max, last a rollup
	weight := slices.Grow(buf.weight[:0], 4*len(r))
	defer func() { buf.pts, buf.weight = pts[:0], weight[:0] }()
	add := func(t int64, v float64, w int) {
		pts = append(pts, Sample{T: t, V: tags.Float(v), Q: tags.GoodQuality})
		weight = append(weight, w)
	}
	for i := range r {
		x := &r[i]
		if x.Count == 0 {
			continue
		}
		first := len(pts)
		add(x.FirstT, x.First, int(x.Count))
		if x.Count >= 2 {
			mid := x.FirstT + (x.LastT-x.FirstT)/2
			if x.Min != x.First && x.Min != x.Last {
				add(mid, x.Min, 1)
			}
			if x.Max != x.First && x.Max != x.Last {
				add(mid, x.Max, 1)
			}
			add(x.LastT, x.Last, 1)
		}
		weight[first] = max(1, weight[first]-(len(pts)-first-1))
	}
	// Points are in time order unless rollups overlap (the caller broke the
	// contract); m4Fill needs them sorted either way.
	if !sort.SliceIsSorted(pts, func(i, j int) bool { return pts[i].T < pts[j].T }) {
		idx := make([]int, len(pts))
		for i := range idx {
			idx[i] = i
		}
		sort.SliceStable(idx, func(i, j int) bool { return pts[idx[i]].T < pts[idx[j]].T })
		p2, w2 := make([]Sample, len(pts)), make([]int, len(pts))
		for i, k := range idx {
			p2[i], w2[i] = pts[k], weight[k]
		}
		pts, weight = p2, w2
	}
	m4Fill(cols, pts, weight, from)
	// Bad time inside a rollup: mark the columns it overlaps.
	span := cols[0].End - cols[0].Start
	for i := range r {
		x := &r[i]
		if x.KnownMs <= x.GoodMs || x.Start+x.Width <= from || x.Start >= to {
			continue
		}
		first := int(max(x.Start-from, 0) / span)
		last := int(min(x.Start+x.Width-1-from, to-1-from) / span)
		for c := min(first, len(cols)-1); c <= min(last, len(cols)-1); c++ {
			cols[c].Bad = max(cols[c].Bad, 1)
		}
	}
	return cols
}
