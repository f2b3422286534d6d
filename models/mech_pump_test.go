package models

import (
	"errors"
	"testing"
)

// A pump curve at 1450 rpm: H(Q) = 20 + 0.1·Q − 0.01·Q² (m, Q in m³/h),
// best efficiency at 30 m³/h.
var pumpCurve = Params{"rated_speed": 1450, "h0": 20, "h1": 0.1, "h2": -0.01, "q_bep": 30}

func pumpIn(q, head, speed, power float64) []Input {
	return []Input{mechGood(q, mechT0), mechGood(head, mechT0), {}, {}, mechGood(speed, mechT0), mechGood(power, mechT0)}
}

func TestPumpAffinityHalfSpeed(t *testing.T) {
	m := mechNew(t, "pump_performance", pumpCurve)
	// 725 rpm is s = 0.5. The rated curve point at Q/s = 20 m³/h has
	// H_r = 20 + 2 − 4 = 18 m; ×s² = 4.5 m at 10 m³/h. Equally
	// 20·0.25 + 0.1·0.5·10 − 0.01·100 = 5 + 0.5 − 1 = 4.5 m.
	// Measured 4.95 m: +10 %. BEP at half speed: 15 m³/h, 10/15 − 1 = −33.3 %,
	// beyond the default 30 %: alarm.
	// Hydraulic power 1000·9.81·10·4.95/3.6e6 = 0.1348875 kW; 0.5 kW shaft:
	// efficiency 0.269775.
	out, err := m.Eval(mechT0, pumpIn(10, 4.95, 725, 0.5))
	if err != nil {
		t.Fatal(err)
	}
	mechNear(t, "hydraulic_power", out[0], 0.1348875, 1e-12)
	mechNear(t, "efficiency", out[1], 0.269775, 1e-12)
	mechNear(t, "expected_head", out[2], 4.5, 1e-12)
	mechNear(t, "head_deviation", out[3], 10, 1e-9)
	mechNear(t, "bep_distance", out[4], -100.0/3, 1e-9)
	if out[5] != 1 {
		t.Error("no alarm at −33 % from the BEP")
	}
}

func TestPumpEfficiencyKnownPoint(t *testing.T) {
	// Rated speed, 36 m³/h (0.01 m³/s) at 10 m: 1000·9.81·0.01·10 = 981 W
	// hydraulic; 1.962 kW shaft: efficiency 0.5. The curve gives
	// 20 + 3.6 − 12.96 = 10.64 m: deviation (10 − 10.64)/10.64 = −6.0150… %.
	// BEP distance 36/30 − 1 = +20 %.
	p := Params{"min_efficiency": 0.4}
	for k, v := range pumpCurve {
		p[k] = v
	}
	m := mechNew(t, "pump_performance", p)
	out, err := m.Eval(mechT0, pumpIn(36, 10, 1450, 1.962))
	if err != nil {
		t.Fatal(err)
	}
	mechNear(t, "hydraulic_power", out[0], 0.981, 1e-12)
	mechNear(t, "efficiency", out[1], 0.5, 1e-12)
	mechNear(t, "expected_head", out[2], 10.64, 1e-12)
	mechNear(t, "head_deviation", out[3], -0.64/10.64*100, 1e-9)
	mechNear(t, "bep_distance", out[4], 20, 1e-9)
	if out[5] != 0 {
		t.Error("alarm at efficiency 0.5 > 0.4 and +20 % from the BEP")
	}

	// The same point with an electrical power meter and a 0.8 motor:
	// 2.4525 kW·0.8 = 1.962 kW shaft. Its efficiency under a 0.6 minimum: alarm.
	p["motor_eff"], p["min_efficiency"] = 0.8, 0.6
	m = mechNew(t, "pump_performance", p)
	out, err = m.Eval(mechT0, pumpIn(36, 10, 1450, 2.4525))
	if err != nil {
		t.Fatal(err)
	}
	mechNear(t, "efficiency (electrical)", out[1], 0.5, 1e-12)
	if out[5] != 1 {
		t.Error("no alarm at efficiency 0.5 < 0.6")
	}
}

func TestPumpHeadFromPressures(t *testing.T) {
	// 1.481 − 0.5 bar = 98,100 Pa = 10 m of water at ρg = 9810 N/m³;
	// +2 m head_offset (gauges 2 m apart): 12 m.
	p := Params{"head_offset": 2}
	for k, v := range pumpCurve {
		p[k] = v
	}
	m := mechNew(t, "pump_performance", p)
	in := []Input{mechGood(36, mechT0), {}, mechGood(0.5, mechT0), mechGood(1.481, mechT0), mechGood(1450, mechT0), mechGood(1.962, mechT0)}
	out, err := m.Eval(mechT0, in)
	if err != nil {
		t.Fatal(err)
	}
	mechNear(t, "hydraulic_power at 12 m", out[0], 1.1772, 1e-12)

	in[3] = Input{}
	if _, err := m.Eval(mechT0, in); !errors.Is(err, ErrInputBad) {
		t.Errorf("no head and one pressure: err = %v, want ErrInputBad", err)
	}
	in[3] = Input{T: mechT0, Bound: true}
	if _, err := m.Eval(mechT0, in); !errors.Is(err, ErrInputBad) {
		t.Errorf("bad discharge pressure: err = %v, want ErrInputBad", err)
	}
}

func TestPumpStopped(t *testing.T) {
	m := mechNew(t, "pump_performance", pumpCurve)
	// Under the default min_speed of 10 % (145 rpm).
	if _, err := m.Eval(mechT0, pumpIn(0, 4, 100, 0)); !errors.Is(err, ErrPumpStopped) {
		t.Errorf("at 100 rpm: err = %v, want ErrPumpStopped", err)
	}
	in := pumpIn(36, 10, 1450, 1.962)
	in[5].Good = false
	if _, err := m.Eval(mechT0, in); !errors.Is(err, ErrInputBad) {
		t.Errorf("bad power: err = %v, want ErrInputBad", err)
	}
}
