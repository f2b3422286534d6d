package models

import (
	"fmt"
	"math"
	"time"

	"gonum.org/v1/gonum/stat/distuv"
)

// Degradation trend and remaining useful life: ordinary least squares of
// a health indicator x (vibration, temperature rise…) against time over a
// window of samples, extrapolated to a failure limit.
//
//	t̄, x̄ the means; Sxx = Σ(t−t̄)², Sxy = Σ(t−t̄)(x−x̄)
//	b = Sxy/Sxx (slope, units/s),  x̂(t) = x̄ + b·(t − t̄)
//	s² = Σ(x − x̂)²/(n−2),  se(b) = sqrt(s²/Sxx)
//	b± = b ± t_{(1+c)/2, n−2}·se(b)            (c: confidence)
//	crossing of the line through (t̄, x̄) with slope β: t* = t̄ + (limit − x̄)/β
//	rul = t*(b) − now;  rul_lo = t*(b+) − now;  rul_hi = t*(b−) − now
//
// (the band is that of the slope alone, pivoting on the centroid, where the
// slope and intercept estimates are uncorrelated; it leaves out the
// intercept's own uncertainty). With rising = 0 the failure is x falling to
// the limit and b+ and b− swap roles.
//
// rul is 0 when the line is already at or past the limit at now, and
// rulMax (10 years) when it is not approaching the limit (slope zero or
// away from it) or would reach it later than that, so the output stays a
// finite number.
func init() {
	Register(&Kind{
		Name: "rul",
		Doc:  "degradation trend: least-squares slope of a health indicator, remaining useful life to a limit with a confidence band",
		Inputs: []Port{
			{Name: "x", Gaps: true, Doc: "a health indicator, rising (or, with rising 0, falling) towards failure"},
		},
		Outputs: []Port{
			{Name: "slope", Doc: "least-squares slope over the window, units of x per second"},
			{Name: "rul", Units: "s", Doc: "seconds until the fitted line reaches limit; 0 past it, 315576000 (10 years) when not approaching"},
			{Name: "rul_lo", Units: "s", Doc: "rul at the steep end of the slope's confidence interval"},
			{Name: "rul_hi", Units: "s", Doc: "rul at the shallow end of the slope's confidence interval"},
			{Name: "alarm", Bool: true, Doc: "rul_hi < warn: failure within warn at the confidence level"},
		},
		Params: []Param{
			{Name: "limit", Required: true, Doc: "failure threshold of x"},
			{Name: "window", Default: 1440, Min: 3, Max: 1e7, Doc: "samples in the regression window"},
			{Name: "confidence", Default: 0.95, Min: 0.5, Max: 0.9999, Doc: "two-sided confidence of the slope's interval"},
			{Name: "warn", Default: 7 * 86400, Min: 0, Max: rulMax, Doc: "alarm when rul is below this many seconds (default 7 days)"},
			{Name: "rising", Default: 1, Min: 0, Max: 1, Doc: "1: failure when x rises to limit; 0: when it falls to it"},
		},
		New: newRUL,
	})
}

// rulMax stands for "not approaching the limit": 10 Julian years in
// seconds, finite so the tag stays numeric.
const rulMax = 10 * 365.25 * 86400

type rul struct {
	limit, conf, warn float64
	sign              float64 // +1 rising, −1 falling: work on sign·x
	ts                []int64 // ring buffer: sample times, Unix ns
	xs                []float64
	next, n           int
}

func newRUL(p Params) (Instance, error) {
	w := p["window"]
	if w < 3 || w != math.Trunc(w) || w > 1e7 {
		return nil, fmt.Errorf("rul: window %v must be a whole number of samples ≥ 3", w)
	}
	if c := p["confidence"]; !(c > 0 && c < 1) {
		return nil, fmt.Errorf("rul: confidence %v not in (0, 1)", c)
	}
	if math.IsNaN(p["limit"]) || math.IsInf(p["limit"], 0) {
		return nil, fmt.Errorf("rul: limit %v is not a number", p["limit"])
	}
	r := &rul{limit: p["limit"], conf: p["confidence"], warn: p["warn"], sign: 1,
		ts: make([]int64, int(w)), xs: make([]float64, int(w))}
	switch p["rising"] {
	case 1:
	case 0:
		r.sign = -1
	default:
		return nil, fmt.Errorf("rul: rising %v must be 1 or 0", p["rising"])
	}
	return r, nil
}

// Eval adds the sample (at in[0].T, or now when T is zero; a sample no
// newer than the last one is not added again) and returns slope, rul,
// rul_lo, rul_hi, alarm. Until the window holds 3 samples at 2 distinct
// times it returns ErrWarmingUp.
func (r *rul) Eval(now time.Time, in []Input) ([]float64, error) {
	x, err := needGood(in, 0, "x")
	if err != nil {
		return nil, err
	}
	at := in[0].T
	if at.IsZero() {
		at = now
	}
	if now.IsZero() || now.Before(at) {
		now = at
	}
	ns := at.UnixNano()
	if r.n == 0 || ns > r.ts[(r.next-1+len(r.ts))%len(r.ts)] {
		r.ts[r.next], r.xs[r.next] = ns, x
		r.next = (r.next + 1) % len(r.ts)
		r.n = min(r.n+1, len(r.ts))
	}
	if r.n < 3 {
		return nil, fmt.Errorf("rul: %w: %d of 3 samples", ErrWarmingUp, r.n)
	}
	// Times in seconds from the oldest sample in the window.
	oldest := (r.next - r.n + len(r.ts)) % len(r.ts)
	ref := r.ts[oldest]
	sec := func(i int) float64 { return float64(r.ts[i]-ref) / 1e9 }
	var st, sx float64
	for i := 0; i < r.n; i++ {
		st += sec(i)
		sx += r.sign * r.xs[i]
	}
	fn := float64(r.n)
	tbar, xbar := st/fn, sx/fn
	var sxx, sxy float64
	for i := 0; i < r.n; i++ {
		dt := sec(i) - tbar
		sxx += dt * dt
		sxy += dt * (r.sign*r.xs[i] - xbar)
	}
	if !(sxx > 0) {
		return nil, fmt.Errorf("rul: %w: all samples at one time", ErrWarmingUp)
	}
	b := sxy / sxx
	var sse float64
	for i := 0; i < r.n; i++ {
		e := r.sign*r.xs[i] - (xbar + b*(sec(i)-tbar))
		sse += e * e
	}
	se := math.Sqrt(sse / (fn - 2) / sxx)
	q := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: fn - 2}.Quantile((1 + r.conf) / 2)
	tnow := float64(now.UnixNano()-ref) / 1e9
	limit := r.sign * r.limit
	// cross is the time left until the line through the centroid with
	// slope beta reaches the limit (in sign·x, so failure is rising).
	cross := func(beta float64) float64 {
		if xbar+beta*(tnow-tbar) >= limit {
			return 0
		}
		if !(beta > 0) {
			return rulMax
		}
		return math.Min(tbar+(limit-xbar)/beta-tnow, rulMax)
	}
	life := cross(b)
	lo, hi := cross(b+q*se), cross(b-q*se)
	// The alarm waits for evidence: even the far end of the band (the
	// shallowest slope the samples allow) must reach the limit within
	// warn. On a few noisy samples the band is wide and does not.
	return []float64{r.sign * b, life, lo, hi, boolf(hi < r.warn)}, nil
}
