package models

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"time"
)

// The EWMA control chart (Roberts 1959; Montgomery, Introduction to
// Statistical Quality Control, §9.2) with the Western Electric rules
// (Western Electric Statistical Quality Control Handbook, 1956) on the
// individual values.
//
//	z_0 = μ0,  z_i = λ·x_i + (1−λ)·z_{i−1}
//	UCL_i, LCL_i = μ0 ± L·σ·sqrt(λ/(2−λ)·(1−(1−λ)^(2i)))
//
// μ0 and σ are given as parameters (sigma > 0) or learned from history
// (Train: the mean and the sample standard deviation, n−1).
func init() {
	Register(&Kind{
		Name: "ewma",
		Doc:  "EWMA control chart with time-varying limits and the Western Electric rules",
		Inputs: []Port{
			{Name: "x", Gaps: true, Doc: "the monitored value"},
		},
		Outputs: []Port{
			{Name: "ewma", Doc: "z_i = λ·x_i + (1−λ)·z_{i−1}, z_0 = mean"},
			{Name: "ucl", Doc: "mean + L·σ·sqrt(λ/(2−λ)·(1−(1−λ)^(2i)))"},
			{Name: "lcl", Doc: "mean − L·σ·sqrt(λ/(2−λ)·(1−(1−λ)^(2i)))"},
			{Name: "rule", Doc: "first Western Electric rule (1–4) violated by the individual values ending now; 0 none"},
			{Name: "alarm", Bool: true, Doc: "ewma outside [lcl, ucl] or a rule violated"},
		},
		Params: []Param{
			{Name: "lambda", Default: 0.2, Min: 1e-6, Max: 1, Doc: "smoothing weight λ, 0 < λ ≤ 1 (1: a Shewhart chart)"},
			{Name: "L", Default: 3, Min: 0.1, Max: 10, Doc: "limit width in σ of the EWMA statistic"},
			{Name: "mean", Default: 0, Doc: "centre line μ0; used only with sigma > 0"},
			{Name: "sigma", Default: 0, Min: 0, Max: math.MaxFloat64, Doc: "process σ; 0: learn mean and σ from history"},
		},
		New: newEWMA,
	})
}

// weRun is how many past individual values the Western Electric rules
// look at: rule 4 needs eight in a row.
const weRun = 8

type ewma struct {
	lambda, l float64
	mean      float64 // μ0
	sigma     float64 // σ; 0 until given or trained
	z         float64 // the EWMA statistic
	i         int     // samples since the start (or the last Train/Load)
	// dev holds the last weRun individual values as (x−μ0)/σ, newest at
	// dev[(n-1)%weRun]; n counts them.
	dev [weRun]float64
	n   int
}

// ewmaLearner is an ewma whose mean and σ are learned.
type ewmaLearner struct{ *ewma }

func newEWMA(p Params) (Instance, error) {
	e := &ewma{lambda: p["lambda"], l: p["L"]}
	if !(e.lambda > 0 && e.lambda <= 1) {
		return nil, fmt.Errorf("ewma: lambda %v not in (0, 1]", e.lambda)
	}
	if !(e.l > 0) {
		return nil, fmt.Errorf("ewma: L %v must be > 0", e.l)
	}
	if s := p["sigma"]; s > 0 {
		e.reset(p["mean"], s)
		return e, nil
	} else if s < 0 {
		return nil, fmt.Errorf("ewma: sigma %v must be ≥ 0", s)
	}
	return ewmaLearner{e}, nil
}

func (e *ewma) reset(mean, sigma float64) {
	e.mean, e.sigma = mean, sigma
	e.z, e.i, e.n = mean, 0, 0
}

// Eval updates the chart with x and returns ewma, ucl, lcl, rule, alarm.
func (e *ewma) Eval(_ time.Time, in []Input) ([]float64, error) {
	x, err := needGood(in, 0, "x")
	if err != nil {
		return nil, err
	}
	if e.sigma <= 0 {
		return nil, fmt.Errorf("ewma: %w (no mean and sigma given or learned)", ErrNotTrained)
	}
	e.i++
	e.z = e.lambda*x + (1-e.lambda)*e.z
	w := e.l * e.sigma * math.Sqrt(e.lambda/(2-e.lambda)*(1-math.Pow(1-e.lambda, 2*float64(e.i))))
	ucl, lcl := e.mean+w, e.mean-w

	e.dev[e.n%weRun] = (x - e.mean) / e.sigma
	e.n++
	rule := e.rule()
	alarm := e.z > ucl || e.z < lcl || rule != 0
	return []float64{e.z, ucl, lcl, float64(rule), boolf(alarm)}, nil
}

// last returns the k-th newest standardised value (k = 0: now).
func (e *ewma) last(k int) float64 { return e.dev[(e.n-1-k+weRun)%weRun] }

// rule returns the first Western Electric rule violated by the pattern
// that ends with the newest value, 0 if none. Rules 2 and 3 count only
// when the newest value is itself one of the points beyond the line, so a
// violation is reported at the point that completes it:
//
//  1. the newest point beyond 3σ;
//  2. two of the last three beyond 2σ on the same side;
//  3. four of the last five beyond 1σ on the same side;
//  4. the last eight strictly on the same side of the centre line.
func (e *ewma) rule() int {
	now := e.last(0)
	if math.Abs(now) > 3 {
		return 1
	}
	side := 1.0
	if now < 0 {
		side = -1
	}
	beyond := func(of, need int, k float64) bool {
		if e.n < of || side*now <= k {
			return false
		}
		c := 0
		for j := 0; j < of; j++ {
			if side*e.last(j) > k {
				c++
			}
		}
		return c >= need
	}
	if beyond(3, 2, 2) {
		return 2
	}
	if beyond(5, 4, 1) {
		return 3
	}
	if e.n >= 8 && now != 0 {
		run := true
		for j := 0; j < 8; j++ {
			if side*e.last(j) <= 0 {
				run = false
				break
			}
		}
		if run {
			return 4
		}
	}
	return 0
}

// ewmaState is what an ewma learns, stored as JSON.
type ewmaState struct {
	Mean  float64 `json:"mean"`
	Sigma float64 `json:"sigma"`
	N     int     `json:"n"` // rows it learned from
}

// Train learns the centre line and σ from rows of x: the mean and the
// sample standard deviation (n−1, two-pass).
func (e ewmaLearner) Train(rows [][]float64) ([]byte, error) {
	n := 0
	var sum float64
	for _, r := range rows {
		if len(r) < 1 || math.IsNaN(r[0]) || math.IsInf(r[0], 0) {
			continue
		}
		sum += r[0]
		n++
	}
	if n < 2 {
		return nil, fmt.Errorf("ewma: training needs at least 2 samples, got %d", n)
	}
	mean := sum / float64(n)
	var ss float64
	for _, r := range rows {
		if len(r) < 1 || math.IsNaN(r[0]) || math.IsInf(r[0], 0) {
			continue
		}
		d := r[0] - mean
		ss += d * d
	}
	sigma := math.Sqrt(ss / float64(n-1))
	if !(sigma > 0) {
		return nil, errors.New("ewma: training data are constant (σ = 0)")
	}
	st := ewmaState{Mean: mean, Sigma: sigma, N: n}
	b, err := json.Marshal(st)
	if err != nil {
		return nil, err
	}
	e.reset(mean, sigma)
	return b, nil
}

// Load restores what Train learned and restarts the chart.
func (e ewmaLearner) Load(state []byte) error {
	var st ewmaState
	if err := json.Unmarshal(state, &st); err != nil {
		return fmt.Errorf("ewma: state: %w", err)
	}
	if !(st.Sigma > 0) || math.IsNaN(st.Mean) || math.IsInf(st.Mean, 0) {
		return fmt.Errorf("ewma: state has mean %v sigma %v", st.Mean, st.Sigma)
	}
	e.reset(st.Mean, st.Sigma)
	return nil
}

// Trained reports whether mean and σ are known.
func (e ewmaLearner) Trained() bool { return e.sigma > 0 }
