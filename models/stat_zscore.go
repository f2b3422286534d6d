package models

import (
	"fmt"
	"math"
	"time"
)

// Rolling z-score anomaly detection: each new x is scored against the
// mean and sample standard deviation (n−1) of the window of samples before
// it, then joins the window:
//
//	z = (x − mean_w) / s_w,   alarm = |z| > threshold
//
// The window's mean and sum of squared deviations are kept with Welford's
// update (Welford 1962; the remove step as in Knuth TAOCP vol. 2 §4.2.2),
// O(1) per sample over a ring buffer, and recomputed exactly with a
// two-pass sum once per window length so rounding cannot accumulate.
func init() {
	Register(&Kind{
		Name: "zscore",
		Doc:  "rolling z-score anomaly detection over a window of samples",
		Inputs: []Port{
			{Name: "x", Gaps: true, Doc: "the monitored value"},
		},
		Outputs: []Port{
			{Name: "z", Doc: "(x − mean of the window before x) / its sample standard deviation, clamped to ±1e6"},
			{Name: "alarm", Bool: true, Doc: "|z| > threshold"},
		},
		Params: []Param{
			{Name: "window", Default: 60, Min: 2, Max: 1e7, Doc: "samples in the rolling window"},
			{Name: "threshold", Default: 3, Min: 0, Max: 1e6, Doc: "|z| above which alarm is true"},
		},
		New: newZScore,
	})
}

// zMax bounds |z| when the window is constant (s = 0) and x differs from
// it, so the output stays a finite number.
const zMax = 1e6

type zscore struct {
	threshold float64
	buf       []float64 // ring buffer of the window
	next      int       // where the next sample goes
	n         int       // samples in buf (≤ len(buf))
	mean, m2  float64   // Welford: mean and Σ(x−mean)² of buf
	sinceSync int       // updates since the last exact recompute
}

func newZScore(p Params) (Instance, error) {
	w := p["window"]
	if w < 2 || w != math.Trunc(w) || w > 1e7 {
		return nil, fmt.Errorf("zscore: window %v must be a whole number of samples ≥ 2", w)
	}
	if !(p["threshold"] >= 0) {
		return nil, fmt.Errorf("zscore: threshold %v must be ≥ 0", p["threshold"])
	}
	return &zscore{threshold: p["threshold"], buf: make([]float64, int(w))}, nil
}

// Eval scores x against the full window before it and adds it; until the
// window is full it returns ErrWarmingUp (the outputs are bad).
func (z *zscore) Eval(_ time.Time, in []Input) ([]float64, error) {
	x, err := needGood(in, 0, "x")
	if err != nil {
		return nil, err
	}
	full := z.n == len(z.buf)
	var score float64
	if full {
		s := math.Sqrt(z.m2 / float64(z.n-1))
		d := x - z.mean
		switch {
		case s > 0:
			score = d / s
		case d != 0:
			score = math.Copysign(zMax, d)
		}
		score = math.Max(-zMax, math.Min(zMax, score))
	}
	z.add(x)
	if !full {
		return nil, fmt.Errorf("zscore: %w: %d of %d samples", ErrWarmingUp, z.n, len(z.buf))
	}
	return []float64{score, boolf(math.Abs(score) > z.threshold)}, nil
}

// add puts x in the window, replacing the oldest sample when full.
func (z *zscore) add(x float64) {
	if z.n < len(z.buf) {
		z.buf[z.next] = x
		z.next = (z.next + 1) % len(z.buf)
		z.n++
		d := x - z.mean
		z.mean += d / float64(z.n)
		z.m2 += d * (x - z.mean)
		return
	}
	old := z.buf[z.next]
	z.buf[z.next] = x
	z.next = (z.next + 1) % len(z.buf)
	// Replace old by x, n fixed: mean' = mean + (x−old)/n,
	// M2' = M2 + (x−old)·(x−mean' + old−mean).
	m := z.mean + (x-old)/float64(z.n)
	z.m2 += (x - old) * (x - m + old - z.mean)
	z.mean = m
	if z.m2 < 0 {
		z.m2 = 0
	}
	z.sinceSync++
	if z.sinceSync >= len(z.buf) {
		z.sync()
	}
}

// sync recomputes mean and M2 exactly (two passes), once per window, which
// keeps the amortised cost O(1) per sample.
func (z *zscore) sync() {
	z.sinceSync = 0
	var sum float64
	for _, v := range z.buf[:z.n] {
		sum += v
	}
	z.mean = sum / float64(z.n)
	var m2 float64
	for _, v := range z.buf[:z.n] {
		d := v - z.mean
		m2 += d * d
	}
	z.m2 = m2
}
