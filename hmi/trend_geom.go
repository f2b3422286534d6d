package hmi

import (
	"math"
	"sort"

	"github.com/sightglass/sightglass/historian"
	"github.com/sightglass/sightglass/tags"
)

// trendSeg is one straight piece of a pen's drawing. X counts pixel
// columns of the decimated data: column i's centre is i + 0.5. Y is a
// fraction of the plot's height from the top: 0 at the top of the pen's
// scale, 1 at its bottom (values off the scale lie outside [0, 1]).
type trendSeg struct {
	X0, Y0, X1, Y1 float32
	Weak           bool // drawn through an uncertain value: lighter
}

// penGeometry is what one pen draws: the trend line and, behind it, the
// light min–max envelope of each column holding several samples.
type penGeometry struct {
	Line     []trendSeg
	Envelope []trendSeg
}

// penScale is a pen's vertical range: Lo at the bottom, Hi at the top.
type penScale struct{ Lo, Hi float64 }

// y maps v onto the plot's height (see trendSeg).
func (s penScale) y(v float64) float32 { return float32((s.Hi - v) / (s.Hi - s.Lo)) }

// defaultBridge is how long a gap between samples the trend line spans
// across columns that hold no sample: 8 h, the project's default CompMax
// (project/validate.go), the longest a healthy tag with the default
// swinging-door compression goes without a stored sample. Across shorter
// empty stretches the line joins: with 1 s samples on a 10-minute range
// most of 1,000 columns are empty. Outages are not hidden by this: the
// station records a bad sample when it loses a device or stops, and the
// line breaks at bad samples.
const defaultBridge = 8 * trendHour

// trendValue is the value a trend draws for s, whether it is uncertain
// (drawn lighter) and whether it is drawn at all: bad samples, strings
// and values that are not finite numbers are gaps. This is the
// historian's rule for M4's Min and Max (see historian.Column).
func trendValue(s *historian.Sample) (v float64, weak, ok bool) {
	if s.Q.Level == tags.Bad {
		return 0, false, false
	}
	switch s.V.Kind() {
	case tags.KindBool, tags.KindInt, tags.KindUint, tags.KindFloat:
	default:
		return 0, false, false
	}
	v = s.V.Float()
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, false, false
	}
	return v, s.Q.Level != tags.Good, true
}

// buildGeometry turns a pen's decimated columns into its segments, on
// scale sc, into g (reusing its slices), and returns where the line ends:
//
//   - the line runs through each column's first and last values: from the
//     first to the last within a column of several samples, and from a
//     column's last to the next column's first;
//   - a column holding several samples also gets an envelope segment from
//     its Max to its Min (nothing when they are equal);
//   - the line breaks at a sample that is not drawn (see trendValue), and
//     across empty columns unless the samples on either side are at most
//     bridge ms apart (0: every empty column is a gap);
//   - a value that no segment reaches, a single good sample between gaps,
//     is drawn as a dot: a level segment one column wide (see trendDot).
//
// A bad sample inside a column whose first and last are good breaks the
// line within the column (historian.Column.Bad): the column's first value
// ends the line before it and its last value starts the line after it,
// each drawn as a dot when nothing else reaches it. The envelope stays: it
// is what the good samples spanned.
func buildGeometry(cols []historian.Column, sc penScale, bridge int64, g *penGeometry) trendEnd {
	g.Line, g.Envelope = g.Line[:0], g.Envelope[:0]
	prev := -1 // the last column with samples
	var prevX, prevY float32
	var prevT int64
	var prevOK, prevWeak bool
	prevAlone := false // the last column's last value has no segment yet
	for i := range cols {
		c := &cols[i]
		if c.N == 0 {
			continue
		}
		x := float32(i) + 0.5
		fv, fw, fok := trendValue(&c.First)
		linked := prev >= 0 && prevOK && fok && (prev == i-1 || c.First.T-prevT <= bridge)
		if linked {
			g.Line = append(g.Line, trendSeg{prevX, prevY, x, sc.y(fv), prevWeak || fw})
		} else if prevAlone {
			g.Line = append(g.Line, trendDot(prevX, prevY, prevWeak))
		}
		lv, lw, lok := trendValue(&c.Last)
		cut := c.Bad > 0 && fok && lok // a bad sample between good first and last
		inner := c.N > 1 && fok && lok && fv != lv && !cut
		if inner {
			g.Line = append(g.Line, trendSeg{x, sc.y(fv), x, sc.y(lv), fw || lw})
		}
		if c.N > 1 && fok && (!lok || cut) && !linked { // a first value the column's bad samples cut off
			g.Line = append(g.Line, trendDot(x, sc.y(fv), fw))
		}
		if c.N > 1 && c.HasRange() {
			if lo, hi := c.Min.V.Float(), c.Max.V.Float(); lo != hi {
				g.Envelope = append(g.Envelope, trendSeg{X0: x, Y0: sc.y(hi), X1: x, Y1: sc.y(lo)})
			}
		}
		// The last value is alone so far when nothing led to it: no
		// segment within the column, and none from the one before to a
		// first value that is the last (one sample, or a flat column).
		sameAsFirst := c.N == 1 || fok && fv == lv && !cut
		prevAlone = lok && !inner && !(linked && sameAsFirst)
		prev, prevX, prevT, prevOK, prevWeak = i, x, c.Last.T, lok, lw
		if lok {
			prevY = sc.y(lv)
		}
	}
	if prevAlone {
		g.Line = append(g.Line, trendDot(prevX, prevY, prevWeak))
	}
	return trendEnd{X: prevX, Y: prevY, T: prevT, OK: prev >= 0 && prevOK, Weak: prevWeak}
}

// trendEnd is where a pen's line ends: the last column's last value, at X
// and Y as in trendSeg and time T; OK is false when there is none or it is
// not drawn.
type trendEnd struct {
	X, Y float32
	T    int64
	OK   bool
	Weak bool
}

// trendDotWidth is a dot's length in columns: one pixel column, which the
// line's square ends widen to about three pixels.
const trendDotWidth = 1

// trendDot is a lone value at (x, y): a level segment trendDotWidth long.
func trendDot(x, y float32, weak bool) trendSeg {
	return trendSeg{X0: x - trendDotWidth/2.0, Y0: y, X1: x + trendDotWidth/2.0, Y1: y, Weak: weak}
}

// appendTail continues a live pen's line from its end to the latest value
// the station has, v at X x (the plot's right edge, "now"): the history
// answers up to its last stored sample, which for a steady value may be
// long ago, and a live trend is queried at most once a pixel's time. The
// tail is a straight segment, as the line between stored samples is; it is
// not drawn when v is not drawn (a gap up to now), and when the line ends
// more than bridge ms before now it is a dot at x. A tail already at the
// end (x not to its right) draws nothing.
func appendTail(g *penGeometry, end trendEnd, x float32, v historian.Sample, sc penScale, bridge int64) {
	val, weak, ok := trendValue(&v)
	if !ok || (end.OK && x <= end.X) {
		return
	}
	y := sc.y(val)
	if end.OK && v.T-end.T <= bridge {
		// The dot buildGeometry drew for a lone last value is now joined.
		if n := len(g.Line); n > 0 && g.Line[n-1] == trendDot(end.X, end.Y, end.Weak) {
			g.Line = g.Line[:n-1]
		}
		g.Line = append(g.Line, trendSeg{end.X, end.Y, x, y, end.Weak || weak})
		return
	}
	g.Line = append(g.Line, trendDot(x, y, weak))
}

// trendDataRange is the least and greatest value drawn from cols (their Min
// and Max), and false when nothing is drawn.
func trendDataRange(cols []historian.Column) (lo, hi float64, ok bool) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for i := range cols {
		c := &cols[i]
		if !c.HasRange() {
			continue
		}
		if v, _, vok := trendValue(&c.Min); vok {
			lo = min(lo, v)
		}
		if v, _, vok := trendValue(&c.Max); vok {
			hi = max(hi, v)
		}
	}
	return lo, hi, lo <= hi
}

// autoPad is the room an auto scale leaves above and below the data, as a
// fraction of its range, so that the line does not run along the plot's
// edge.
const autoPad = 0.05

// trendAutoScale is the scale that shows lo..hi with autoPad above and below.
// A flat line sits in the middle of ±autoPad of its value (±1 around 0).
func trendAutoScale(lo, hi float64) penScale {
	d := hi - lo
	if d == 0 {
		d = math.Abs(lo) * autoPad
		if d == 0 {
			d = 1
		}
		return penScale{lo - d, hi + d}
	}
	return penScale{lo - d*autoPad, hi + d*autoPad}
}

// trendColumnAt is the index of the column of cols whose span holds t, or −1
// when t is outside them.
func trendColumnAt(cols []historian.Column, t int64) int {
	if len(cols) == 0 || t < cols[0].Start || t >= cols[len(cols)-1].End {
		return -1
	}
	return sort.Search(len(cols), func(i int) bool { return cols[i].End > t }) // the first that ends after t
}

// trendSampleAt is what a pen's readout shows for time t: the last sample of
// the column under t or, when that column holds none, of the nearest
// column before it that does (the value held at t). It is false when no
// column up to t holds a sample.
func trendSampleAt(cols []historian.Column, t int64) (historian.Sample, bool) {
	for i := trendColumnAt(cols, t); i >= 0; i-- {
		if cols[i].N > 0 {
			return cols[i].Last, true
		}
	}
	return historian.Sample{}, false
}
