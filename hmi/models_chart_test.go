package hmi

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/sightglass/sightglass/historian"
	"github.com/sightglass/sightglass/models"
	"github.com/sightglass/sightglass/station"
	"github.com/sightglass/sightglass/tags"
)

// The station is a ModelStation.
var _ ModelStation = (*station.Station)(nil)

// mdlHistory is a TrendSource whose tags each hold one sample per
// column: tag → values, the i-th at the middle of the i-th of n columns
// of the asked range.
type mdlHistory map[string][]float64

func (h mdlHistory) Bus() *tags.Bus { return nil }

func (h mdlHistory) Decimate(_ context.Context, tag string, from, to time.Time, _ int) ([]historian.Column, error) {
	vs := h[tag]
	n := int64(len(vs))
	if n == 0 {
		return nil, nil
	}
	w := (to.UnixMilli() - from.UnixMilli()) / n
	out := make([]historian.Column, n)
	for i, v := range vs {
		s := historian.Sample{T: from.UnixMilli() + int64(i)*w + w/2, V: tags.Float(v), Q: tags.GoodQuality}
		out[i] = historian.Column{Start: from.UnixMilli() + int64(i)*w, End: from.UnixMilli() + int64(i+1)*w, N: 1, First: s, Last: s, Min: s, Max: s}
	}
	return out, nil
}

// An EWMA chart draws ewma, ucl and lcl and marks the columns where rule
// was above 0, on the ewma line.
func TestModelsChartEWMARuleMarks(t *testing.T) {
	e := newModelEntry(models.Spec{Name: "C", Kind: "ewma", Inputs: map[string]string{"x": "X"}}, true, nil)
	h := mdlHistory{
		"C.ewma": {10, 10.2, 10.8, 10.1},
		"C.ucl":  {10.6, 10.6, 10.6, 10.6},
		"C.lcl":  {9.4, 9.4, 9.4, 9.4},
		"C.rule": {0, 0, 1, 0},
	}
	d := buildChart(t.Context(), h, chartInput{m: e, now: mdlT0})
	if len(d.lines) != 3 || len(d.lines[0].ys) != 4 {
		t.Fatalf("lines %+v", d.lines)
	}
	if len(d.marks) != 1 || d.marks[0].y != 10.8 || math.Abs(d.marks[0].x-2.5/4) > 1e-9 {
		t.Errorf("marks %+v, want one at x 0.625 on 10.8", d.marks)
	}
	if d.lo >= 9.4 || d.hi <= 10.8 {
		t.Errorf("y range %v–%v does not hold the limits and the mark", d.lo, d.hi)
	}
}

// A RUL chart of a rising x: slope 0.001/s, rul 1800 s to limit 10 (so
// the fitted line is at 8.2 now), band 1200–3600 s. The time axis is the
// last hour and 30 min ahead; the fit reaches the limit at 1.5 h of
// 1.5 h, the steep end earlier, the shallow end is cut at the horizon.
func TestModelsChartRULExtrapolation(t *testing.T) {
	e := newModelEntry(models.Spec{Name: "B", Kind: "rul", Inputs: map[string]string{"x": "Vib"}, Params: models.Params{"limit": 10}}, false, nil)
	h := mdlHistory{"Vib": {7, 7.5, 8, 8.2}}
	live := map[string]float64{"slope": 0.001, "rul": 1800, "rul_lo": 1200, "rul_hi": 3600}
	d := buildChart(t.Context(), h, chartInput{m: e, now: mdlT0, live: live})
	if len(d.lines) != 5 {
		t.Fatalf("%d lines, want x, limit, fit and two band edges", len(d.lines))
	}
	near := func(a, b float64) bool { return math.Abs(a-b) < 1e-9 }
	now := 2.0 / 3 // one hour of 1.5
	fit, steep, shallow := d.lines[2], d.lines[3], d.lines[4]
	if !near(fit.xs[0], now) || !near(fit.ys[0], 8.2) || !near(fit.xs[1], 1) || !near(fit.ys[1], 10) {
		t.Errorf("fit %v %v", fit.xs, fit.ys)
	}
	if !near(steep.xs[1], now+1200.0/5400) || !near(steep.ys[1], 10) {
		t.Errorf("steep edge %v %v", steep.xs, steep.ys)
	}
	if !near(shallow.xs[1], 1) || !near(shallow.ys[1], 8.2+1.8*1800/3600) {
		t.Errorf("shallow edge %v %v, want cut at the horizon at 9.1", shallow.xs, shallow.ys)
	}
	if !near(d.lines[0].xs[0], 0.5/4*2/3) {
		t.Errorf("x's first point at %v", d.lines[0].xs[0])
	}
}

// An OEE chart is the waterfall of the live values; without them it says so.
func TestModelsChartOEE(t *testing.T) {
	e := newModelEntry(models.Spec{Name: "L", Kind: "oee"}, false, nil)
	d := buildChart(t.Context(), nil, chartInput{m: e, now: mdlT0, live: map[string]float64{"availability": 0.875, "performance": 0.857, "quality": 0.95}})
	if len(d.bars) != 5 || d.bars[4].top != 0.875*0.857*0.95 {
		t.Errorf("bars %+v", d.bars)
	}
	d = buildChart(t.Context(), nil, chartInput{m: e, now: mdlT0, live: map[string]float64{"availability": math.NaN()}})
	if len(d.bars) != 0 || d.note == "" {
		t.Errorf("no OEE yet: %+v", d)
	}
}
