package models

import (
	"fmt"
	"math"
	"time"
)

// tankMaxSamples bounds a tank_mass_balance window's ring buffer: at 10
// evaluations a second, a 300 s window holds 3,000 samples; beyond the
// bound the oldest samples go and the window becomes shorter.
const tankMaxSamples = 1 << 16

func init() {
	Register(&Kind{
		Name: "tank_mass_balance",
		Doc: "tank mass balance: the level change expected from ∫(inflow−outflow)dt/area over a window vs the measured one; " +
			"a residual beyond tolerance is a leak or a drifting meter (demo: level Plant.Tank1.Level, inflow Plant.Flow.Rate, area 0.25)",
		Inputs: []Port{
			{Name: "level", Units: "m", Doc: "measured level"},
			{Name: "inflow", Units: "m3/h", Doc: "metered flow into the tank"},
			{Name: "outflow", Units: "m3/h", Optional: true, Doc: "metered flow out of the tank; unbound: none"},
		},
		Params: []Param{
			{Name: "area", Required: true, Min: 1e-6, Max: 1e6, Doc: "cross-section, m² (demo Tank1: 0.25)"},
			{Name: "window", Default: 300, Min: 1, Max: 7 * 86400, Doc: "balance window, s"},
			{Name: "tolerance", Default: 0.02, Min: 0, Max: 1e3, Doc: "alarm when |residual| exceeds it, m"},
		},
		Outputs: []Port{
			{Name: "expected_change", Units: "m", Doc: "∫(inflow−outflow)dt / area over the window (trapezoidal)"},
			{Name: "measured_change", Units: "m", Doc: "level now − level at the window's start"},
			{Name: "residual", Units: "m", Doc: "measured_change − expected_change: negative is water lost"},
			{Name: "alarm", Bool: true, Doc: "|residual| > tolerance over a full window: leak or meter drift"},
			{Name: "leak_rate", Units: "m3/h", Doc: "−residual·area / window span: the flow unaccounted for, positive when water is lost"},
		},
		New: newTankMassBalance,
	})
}

func newTankMassBalance(p Params) (Instance, error) {
	if p["area"] <= 0 {
		return nil, fmt.Errorf("tank_mass_balance: area %v m² must be positive", p["area"])
	}
	if p["window"] <= 0 {
		return nil, fmt.Errorf("tank_mass_balance: window %v s must be positive", p["window"])
	}
	return &tankMassBalance{
		area:      p["area"],
		window:    time.Duration(p["window"] * float64(time.Second)),
		tolerance: p["tolerance"],
		buf:       make([]tankSample, 64),
	}, nil
}

// tankSample is one evaluation: its time, the level, and the net volume
// that flowed in since the buffer began (m³).
type tankSample struct {
	t     time.Time
	level float64
	vol   float64
	net   float64 // inflow − outflow at t, m³/h
}

// tankMassBalance integrates the net inflow with the trapezoidal rule between
// the samples' times and keeps the samples of the last window in a ring.
type tankMassBalance struct {
	area      float64
	window    time.Duration
	tolerance float64

	// buf is a ring of samples, oldest at buf[head]; n are in use.
	buf  []tankSample
	head int
	n    int
}

func (m *tankMassBalance) at(i int) *tankSample { return &m.buf[(m.head+i)%len(m.buf)] }

func (m *tankMassBalance) push(s tankSample) {
	if m.n == len(m.buf) {
		if len(m.buf) < tankMaxSamples {
			grown := make([]tankSample, min(2*len(m.buf), tankMaxSamples))
			for i := range m.n {
				grown[i] = *m.at(i)
			}
			m.buf, m.head = grown, 0
		} else { // full: the oldest goes
			m.head = (m.head + 1) % len(m.buf)
			m.n--
		}
	}
	*m.at(m.n) = s
	m.n++
}

// reset forgets the window: after a bad input or a clock going back the
// integral cannot span the gap.
func (m *tankMassBalance) reset() { m.head, m.n = 0, 0 }

func (m *tankMassBalance) Eval(now time.Time, in []Input) ([]float64, error) {
	level, err := mechValue(in, 0, "level")
	if err == nil {
		var inflow, outflow float64
		if inflow, err = mechValue(in, 1, "inflow"); err == nil {
			outflow, _, err = mechOptional(in, 2, "outflow")
			if err == nil {
				return m.step(mechSampleTime(now, in), level, inflow-outflow), nil
			}
		}
	}
	m.reset()
	return nil, fmt.Errorf("tank_mass_balance: %w", err)
}

func (m *tankMassBalance) step(t time.Time, level, net float64) []float64 {
	if m.n > 0 {
		last := m.at(m.n - 1)
		switch {
		case t.Before(last.t):
			m.reset()
		case t.Equal(last.t): // the same sample again: the newest values win
			last.level, last.net = level, net
			if m.n > 1 {
				prev := m.at(m.n - 2)
				last.vol = prev.vol + (prev.net+net)/2*last.t.Sub(prev.t).Hours()
			}
			return m.outputs()
		}
	}
	s := tankSample{t: t, level: level, net: net}
	if m.n > 0 {
		last := m.at(m.n - 1)
		s.vol = last.vol + (last.net+net)/2*t.Sub(last.t).Hours() // trapezoid, m³/h·h
	}
	m.push(s)
	// Keep one sample at or before the window's start, so the window is
	// spanned whole.
	start := t.Add(-m.window)
	for m.n > 1 && !m.at(1).t.After(start) {
		m.head = (m.head + 1) % len(m.buf)
		m.n--
	}
	return m.outputs()
}

func (m *tankMassBalance) outputs() []float64 {
	first, last := m.at(0), m.at(m.n-1)
	expected := (last.vol - first.vol) / m.area
	measured := last.level - first.level
	residual := measured - expected
	span := last.t.Sub(first.t)
	leak := 0.0
	if span > 0 {
		leak = -residual * m.area / span.Hours()
	}
	// Over part of a window the tolerance does not apply yet.
	alarm := span >= m.window && math.Abs(residual) > m.tolerance
	return []float64{expected, measured, residual, mechBool(alarm), leak}
}
