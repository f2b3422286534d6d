package models

import (
	"fmt"
	"math"
	"time"
)

// motorStoppedFraction: below this share of rated current the motor counts
// as stopped for tau_stopped (a running induction motor draws its
// magnetising current, typically 25–50 % of rated, even unloaded).
const motorStoppedFraction = 0.1

func init() {
	Register(&Kind{
		Name: "motor_thermal",
		Doc: "motor winding temperature from current by a first-order thermal model, dθ/dt = ((I/In)²·ΔθN − θ)/τ, " +
			"stepped exactly between samples; compared with a measured winding temperature " +
			"(demo P1: current Plant.P1.Current, measured Plant.P1.WindingTemp; rated_current 1.56, rated_rise 46.2, tau 300, tau_stopped 900, ambient 20)",
		Inputs: []Port{
			{Name: "current", Units: "A", Doc: "motor current"},
			{Name: "ambient", Units: "°C", Optional: true, Doc: "cooling air temperature; unbound: the ambient parameter"},
			{Name: "measured", Units: "°C", Optional: true, Doc: "measured winding temperature (RTD, PTC), for the deviation"},
		},
		Params: []Param{
			{Name: "rated_current", Required: true, Min: 1e-6, Max: 1e6, Doc: "In, A"},
			{Name: "rated_rise", Required: true, Min: 0, Max: 1000, Doc: "ΔθN, winding rise over ambient at rated current in steady state, K"},
			{Name: "tau", Required: true, Min: 1e-3, Max: 1e7, Doc: "thermal time constant running, s"},
			{Name: "tau_stopped", Min: 0, Max: 1e7, Doc: "time constant below 10 % of rated current (no fan), s; 0: tau"},
			{Name: "ambient", Default: 40, Min: -60, Max: 200, Doc: "ambient when the input is unbound, °C (IEC 60034-1 rates motors at 40 °C)"},
			{Name: "limit", Min: 0, Max: 1000, Doc: "alarm when estimated_temp exceeds it, °C (0: off; insulation class F: 155)"},
			{Name: "tolerance", Default: 10, Min: 0, Max: 1000, Doc: "alarm when |deviation| exceeds it, K (0: off)"},
		},
		Outputs: []Port{
			{Name: "estimated_temp", Units: "°C", Doc: "ambient + θ"},
			{Name: "deviation", Units: "K", Doc: "measured − estimated_temp; NaN when measured is unbound or bad"},
			{Name: "alarm", Bool: true, Doc: "estimated_temp > limit, or |deviation| > tolerance (cooling fault, sensor fault)"},
		},
		New: newMotorThermal,
	})
}

func newMotorThermal(p Params) (Instance, error) {
	m := &motorThermal{
		ratedI: p["rated_current"], ratedRise: p["rated_rise"], tau: p["tau"], tauStopped: p["tau_stopped"],
		ambient: p["ambient"], limit: p["limit"], tolerance: p["tolerance"],
	}
	if m.ratedI <= 0 || m.tau <= 0 {
		return nil, fmt.Errorf("motor_thermal: rated_current %v A and tau %v s must be positive", m.ratedI, m.tau)
	}
	if m.tauStopped <= 0 {
		m.tauStopped = m.tau
	}
	return m, nil
}

// motorThermal holds the winding's rise over ambient. The current is held
// from one sample to the next (as sampled); over each interval the linear
// first-order equation has the exact solution
// θ(t+Δt) = θss + (θ(t) − θss)·e^(−Δt/τ), θss = (I/In)²·ΔθN, so the
// estimate does not depend on how often the model is evaluated.
type motorThermal struct {
	ratedI, ratedRise, tau, tauStopped float64
	ambient, limit, tolerance          float64

	started bool
	rise    float64   // θ, K over ambient
	current float64   // the last good current, A, held until the next sample
	last    time.Time // the last sample's time
}

func (m *motorThermal) Eval(now time.Time, in []Input) ([]float64, error) {
	t := mechSampleTime(now, in)
	i, err := mechValue(in, 0, "current")
	if err != nil {
		return nil, fmt.Errorf("motor_thermal: %w", err)
	}
	measured, haveMeasured, errMeasured := mechOptional(in, 2, "measured")
	ambient, haveAmbient, errAmbient := mechOptional(in, 1, "ambient")
	if !haveAmbient {
		ambient = m.ambient
	}
	if !m.started {
		// Start from the measured winding when there is one, else cold.
		if haveMeasured && errAmbient == nil {
			m.rise = max(0, measured-ambient)
		}
		m.started = true
	} else if dt := t.Sub(m.last).Seconds(); dt > 0 {
		tau := m.tau
		if m.current < motorStoppedFraction*m.ratedI {
			tau = m.tauStopped
		}
		r := m.current / m.ratedI
		steady := r * r * m.ratedRise
		m.rise = steady + (m.rise-steady)*math.Exp(-dt/tau)
	}
	m.last = t // a clock gone back restarts the interval here
	m.current = i
	if errAmbient != nil { // the rise is kept; the temperature is unknown
		return nil, fmt.Errorf("motor_thermal: %w", errAmbient)
	}
	est := ambient + m.rise
	dev := math.NaN()
	if errMeasured == nil && haveMeasured {
		dev = measured - est
	}
	alarm := (m.limit > 0 && est > m.limit) || (m.tolerance > 0 && math.Abs(dev) > m.tolerance)
	return []float64{est, dev, mechBool(alarm)}, nil
}
