package models

import (
	"fmt"
	"math"
	"time"
)

// barToPa converts a pressure in bar to pascals (1 bar = 10⁵ Pa by definition).
const barToPa = 1e5

func init() {
	Register(&Kind{
		Name: "pump_performance",
		Doc: "centrifugal pump performance: hydraulic power ρgQH, efficiency, head vs the pump curve scaled by the affinity laws, " +
			"distance from the best efficiency point (demo P1: flow Plant.Flow.Rate, head Plant.Tank1.Level with head_offset 4, " +
			"speed Plant.P1.Speed with rated_speed 100, power Plant.P1.Power with motor_eff 0.85; h0 16, h2 −0.02572, q_bep 19.8)",
		Inputs: []Port{
			{Name: "flow", Units: "m3/h", Doc: "pump flow"},
			{Name: "head", Units: "m", Optional: true, Doc: "differential head (plus head_offset); unbound: from the two pressures"},
			{Name: "suction_pressure", Units: "bar", Optional: true, Doc: "with discharge_pressure when head is unbound"},
			{Name: "discharge_pressure", Units: "bar", Optional: true, Doc: "head = (discharge − suction)·10⁵/(ρg) + head_offset"},
			{Name: "speed", Units: "rpm or %", Doc: "actual speed, in rated_speed's units"},
			{Name: "power", Units: "kW", Doc: "shaft power, or electrical power with motor_eff < 1"},
		},
		Params: []Param{
			{Name: "rated_speed", Required: true, Min: 1e-9, Max: 1e6, Doc: "speed of the pump curve, in the speed input's units (100 for %, 1450 for rpm)"},
			{Name: "h0", Required: true, Min: 0, Max: 1e4, Doc: "pump curve at rated speed H(Q) = h0 + h1·Q + h2·Q²: shut-off head, m"},
			{Name: "h1", Doc: "m/(m3/h)"},
			{Name: "h2", Doc: "m/(m3/h)², negative"},
			{Name: "q_bep", Required: true, Min: 1e-9, Max: 1e6, Doc: "best efficiency flow at rated speed, m3/h"},
			{Name: "rho", Default: 1000, Min: 1, Max: 30000, Doc: "density, kg/m³"},
			{Name: "g", Default: 9.81, Min: 0.1, Max: 100, Doc: "gravity, m/s²"},
			{Name: "head_offset", Min: -1e4, Max: 1e4, Doc: "m added to the measured head: static lift, gauge elevations"},
			{Name: "motor_eff", Default: 1, Min: 0.01, Max: 1, Doc: "motor efficiency: shaft = power·motor_eff (1: power is shaft power)"},
			{Name: "min_speed", Default: 10, Min: 0, Max: 100, Doc: "% of rated speed below which the pump counts as stopped (Eval fails with ErrPumpStopped)"},
			{Name: "min_efficiency", Min: 0, Max: 1, Doc: "alarm below this efficiency (0: off)"},
			{Name: "max_bep_distance", Default: 30, Min: 0, Max: 1000, Doc: "alarm when |bep_distance| exceeds it, % (0: off)"},
		},
		Outputs: []Port{
			{Name: "hydraulic_power", Units: "kW", Doc: "ρ·g·Q·H / 3.6e6 (Q in m3/h)"},
			{Name: "efficiency", Units: "0-1", Doc: "hydraulic_power / (power·motor_eff)"},
			{Name: "expected_head", Units: "m", Doc: "curve at the current speed: h0·s² + h1·s·Q + h2·Q², s = speed/rated_speed"},
			{Name: "head_deviation", Units: "%", Doc: "(head − expected_head)/expected_head·100; NaN past the curve's run-out (expected_head ≤ 0)"},
			{Name: "bep_distance", Units: "%", Doc: "(Q / (q_bep·s) − 1)·100: negative left of the best efficiency point"},
			{Name: "alarm", Bool: true, Doc: "efficiency < min_efficiency or |bep_distance| > max_bep_distance"},
		},
		New: newPumpPerformance,
	})
}

func newPumpPerformance(p Params) (Instance, error) {
	m := &pumpPerformance{
		ratedSpeed: p["rated_speed"], h0: p["h0"], h1: p["h1"], h2: p["h2"], qBEP: p["q_bep"],
		rho: p["rho"], g: p["g"], headOffset: p["head_offset"], motorEff: p["motor_eff"],
		minSpeed: p["min_speed"] / 100, minEff: p["min_efficiency"], maxBEP: p["max_bep_distance"],
	}
	switch {
	case m.ratedSpeed <= 0:
		return nil, fmt.Errorf("pump_performance: rated_speed %v must be positive", m.ratedSpeed)
	case m.qBEP <= 0:
		return nil, fmt.Errorf("pump_performance: q_bep %v m³/h must be positive", m.qBEP)
	case m.rho <= 0 || m.g <= 0:
		return nil, fmt.Errorf("pump_performance: rho %v and g %v must be positive", m.rho, m.g)
	case m.motorEff <= 0 || m.motorEff > 1:
		return nil, fmt.Errorf("pump_performance: motor_eff %v must be in (0, 1]", m.motorEff)
	}
	return m, nil
}

// pumpPerformance is stateless: each evaluation is one operating point.
type pumpPerformance struct {
	ratedSpeed, h0, h1, h2, qBEP float64
	rho, g, headOffset, motorEff float64
	minSpeed, minEff, maxBEP     float64
}

// head is the measured differential head: the head input, or else the
// discharge − suction pressure difference as a column of the liquid.
func (m *pumpPerformance) head(in []Input) (float64, error) {
	if h, ok, err := mechOptional(in, 1, "head"); err != nil || ok {
		return h + m.headOffset, err
	}
	ps, okS, err := mechOptional(in, 2, "suction_pressure")
	if err != nil {
		return 0, err
	}
	pd, okD, err := mechOptional(in, 3, "discharge_pressure")
	if err != nil {
		return 0, err
	}
	if !okS || !okD {
		return 0, fmt.Errorf("%w: bind head, or both suction_pressure and discharge_pressure", ErrInputBad)
	}
	return (pd-ps)*barToPa/(m.rho*m.g) + m.headOffset, nil
}

func (m *pumpPerformance) Eval(_ time.Time, in []Input) ([]float64, error) {
	q, err := mechValue(in, 0, "flow")
	if err != nil {
		return nil, fmt.Errorf("pump_performance: %w", err)
	}
	h, err := m.head(in)
	if err != nil {
		return nil, fmt.Errorf("pump_performance: %w", err)
	}
	n, err := mechValue(in, 4, "speed")
	if err != nil {
		return nil, fmt.Errorf("pump_performance: %w", err)
	}
	power, err := mechValue(in, 5, "power")
	if err != nil {
		return nil, fmt.Errorf("pump_performance: %w", err)
	}
	s := n / m.ratedSpeed
	if s < m.minSpeed || s <= 0 {
		return nil, fmt.Errorf("pump_performance: %w: speed %.4g below %.4g", ErrPumpStopped, n, m.minSpeed*m.ratedSpeed)
	}
	shaft := power * m.motorEff
	if shaft <= 0 {
		return nil, fmt.Errorf("pump_performance: %w: power %.4g kW while running", ErrInputBad, power)
	}
	// P_h = ρ·g·Q·H with Q in m³/s (Q/3600) and P in kW (/1000).
	hydraulic := m.rho * m.g * q * h / 3.6e6
	eff := hydraulic / shaft
	// Affinity laws: a curve point (Q_r, H_r) at rated speed moves to
	// (s·Q_r, s²·H_r), so H(Q, s) = s²·H_r(Q/s) = h0·s² + h1·s·Q + h2·Q².
	expected := m.h0*s*s + m.h1*s*q + m.h2*q*q
	dev := math.NaN()
	if expected > 0 {
		dev = (h - expected) / expected * 100
	}
	bep := (q/(m.qBEP*s) - 1) * 100
	alarm := (m.minEff > 0 && eff < m.minEff) || (m.maxBEP > 0 && math.Abs(bep) > m.maxBEP)
	return []float64{hydraulic, eff, expected, dev, bep, mechBool(alarm)}, nil
}
