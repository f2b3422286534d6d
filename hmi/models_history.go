package hmi

import (
	"context"
	"math"
	"slices"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"

	"github.com/sightglass/sightglass/historian"
)

// A model's chart shows the last chartSpan of its outputs' history, in
// chartColumns M4 columns (a few pixels each at a usual width), and is
// read again every chartEvery while the tab is shown: models run at
// seconds, not at the UI's rate.
const (
	chartSpan    = time.Hour
	chartColumns = 240
	chartEvery   = 5 * time.Second
)

// rulNever is what the rul model gives when x is not approaching its
// limit (models/stat_rul.go: ten years).
const rulNever = 315576000

// rulHorizon bounds the future a RUL chart shows beyond now.
const (
	rulHorizonMin = 10 * time.Minute
	rulHorizonMax = 24 * time.Hour
)

// colPoints turns M4 columns into a line over [from, from+span): each
// column's first, min, max and last in time order, x as the fraction of
// span; a column with a bad sample breaks the line.
func colPoints(cols []historian.Column, from time.Time, span time.Duration) (xs, ys []float64) {
	ms := float64(span.Milliseconds())
	for i := range cols {
		c := &cols[i]
		if c.N == 0 {
			continue
		}
		if c.Bad > 0 {
			xs, ys = append(xs, float64(c.Start-from.UnixMilli())/ms), append(ys, math.NaN())
		}
		ss := []historian.Sample{c.First, c.Min, c.Max, c.Last}
		slices.SortStableFunc(ss, func(a, b historian.Sample) int { return int(a.T - b.T) })
		last := int64(math.MinInt64)
		for _, s := range ss {
			if s.T == last || !s.Q.IsGood() || s.V.IsZero() {
				continue
			}
			last = s.T
			xs, ys = append(xs, float64(s.T-from.UnixMilli())/ms), append(ys, s.V.Float())
		}
	}
	return xs, ys
}

// chartInput is what a model's chart is made from, taken on the Fyne
// goroutine: the model, its outputs' live values (NaN when not good) and
// the time.
type chartInput struct {
	m    *modelEntry
	live map[string]float64 // by output name
	now  time.Time
}

// buildChart reads the history a model's chart needs from src and makes
// the chart. It runs off the Fyne goroutine. src nil: no history, only
// what the live values show (the OEE waterfall).
func buildChart(ctx context.Context, src TrendSource, in chartInput) chartData {
	m := in.m
	kind := ""
	if m.kind != nil {
		kind = m.kind.Name
	}
	if kind == "oee" {
		a, p, q := in.live["availability"], in.live["performance"], in.live["quality"]
		if math.IsNaN(a) || math.IsNaN(p) || math.IsNaN(q) {
			return chartData{note: lang.L("No OEE yet this shift")}
		}
		return chartData{bars: waterfall(a, p, q), note: lang.L("OEE {{.OEE}} %: losses from the planned production", map[string]any{"OEE": formatFloat(100 * a * p * q)})}
	}
	if src == nil {
		return chartData{note: lang.L("The station keeps no history")}
	}
	from := in.now.Add(-chartSpan)
	span := chartSpan
	var horizon time.Duration
	rul := in.live["rul"]
	if kind == "rul" {
		horizon = time.Hour
		if !math.IsNaN(rul) && rul < rulNever {
			horizon = min(max(time.Duration(rul*float64(time.Second)), rulHorizonMin), rulHorizonMax)
		}
		span += horizon
	}
	read := func(tag string, color fyne.ThemeColorName) chartLine {
		cols, err := src.Decimate(ctx, tag, from, in.now, chartColumns)
		if err != nil {
			return chartLine{}
		}
		xs, ys := colPoints(cols, from, span)
		return chartLine{xs: xs, ys: ys, color: color}
	}
	var d chartData
	switch kind {
	case "ewma":
		z := read(m.outTag("ewma"), theme.ColorNamePrimary)
		z.width = 2
		d.lines = []chartLine{z, read(m.outTag("ucl"), theme.ColorNameError), read(m.outTag("lcl"), theme.ColorNameError)}
		rule, _ := src.Decimate(ctx, m.outTag("rule"), from, in.now, chartColumns)
		for _, c := range rule {
			if c.N > 0 && c.Max.Q.IsGood() && c.Max.V.Float() > 0 {
				x := float64(c.Max.T-from.UnixMilli()) / float64(span.Milliseconds())
				d.marks = append(d.marks, chartMark{x: x, y: nearest(z, x)})
			}
		}
		d.note = lang.L("EWMA between its control limits; dots: rule violations")
	case "pca":
		t2 := read(m.outTag("t2"), theme.ColorNamePrimary)
		t2.width = 2
		d.lines = []chartLine{t2, read(m.outTag("t2_limit"), theme.ColorNameError)}
		d.note = lang.L("Hotelling's T² and its limit")
	case "rul":
		x := read(m.inTag("x"), theme.ColorNamePrimary)
		x.width = 2
		limit := m.spec.Params["limit"]
		d.lines = []chartLine{x, {xs: []float64{0, 1}, ys: []float64{limit, limit}, color: theme.ColorNameError}}
		slope, lo, hi := in.live["slope"], in.live["rul_lo"], in.live["rul_hi"]
		if !math.IsNaN(rul) && !math.IsNaN(slope) && rul < rulNever {
			now := float64(chartSpan) / float64(span)
			start := limit - slope*rul // the fitted line's value now
			end := func(after float64) ([]float64, []float64) {
				h := horizon.Seconds()
				if math.IsNaN(after) || after >= rulNever {
					after = math.Inf(1)
				}
				if after <= h {
					return []float64{now, now + after/span.Seconds()}, []float64{start, limit}
				}
				return []float64{now, 1}, []float64{start, start + (limit-start)*h/after}
			}
			fx, fy := end(rul)
			d.lines = append(d.lines, chartLine{xs: fx, ys: fy, color: theme.ColorNameWarning, width: 2})
			for _, b := range []float64{lo, hi} {
				bx, by := end(b)
				d.lines = append(d.lines, chartLine{xs: bx, ys: by, color: theme.ColorNameWarning})
			}
		}
		d.note = lang.L("x, its fitted extrapolation to the limit and the confidence band")
	default:
		if len(m.outTags) > 0 {
			l := read(m.outTags[0], theme.ColorNamePrimary)
			l.width = 2
			d.lines = []chartLine{l}
			d.note = m.outTags[0]
		}
	}
	var extra []float64
	if kind == "rul" {
		extra = append(extra, m.spec.Params["limit"])
	}
	d.lo, d.hi = yRange(d.lines, d.marks, extra...)
	if len(d.lines) == 0 || len(d.lines[0].xs) == 0 {
		d.note = lang.L("No history in the last hour")
	}
	return d
}

// nearest is the line's y at the point nearest x; NaN without points.
func nearest(l chartLine, x float64) float64 {
	y, best := math.NaN(), math.Inf(1)
	for i, xi := range l.xs {
		if dx := math.Abs(xi - x); dx < best && !math.IsNaN(l.ys[i]) {
			y, best = l.ys[i], dx
		}
	}
	return y
}
