package models

import (
	"errors"
	"math"
	"testing"
	"time"
)

// A motor rated 10 A with an 80 K rise, τ = 600 s, in 40 °C air.
var motorParams = Params{"rated_current": 10, "rated_rise": 80, "tau": 600}

func motorRun(t *testing.T, m Instance, from, to, step time.Duration, current float64) []float64 {
	t.Helper()
	var out []float64
	for d := from; d <= to; d += step {
		ts := mechT0.Add(d)
		var err error
		out, err = m.Eval(ts, []Input{mechGood(current, ts), {}, {}})
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

func TestMotorThermalStepExactAnySampling(t *testing.T) {
	// Rated current from cold: after τ the rise is (1 − e⁻¹)·80 K =
	// 50.5696447… K, 90.5696447 °C, whether sampled every 1 s or 60 s.
	want := 40 + (1-math.Exp(-1))*80
	mechNear(t, "(1−e⁻¹)·80 by hand", want, 90.56964470, 1e-8)
	for _, step := range []time.Duration{time.Second, time.Minute, 7 * time.Second / 2} {
		m := mechNew(t, "motor_thermal", motorParams)
		out := motorRun(t, m, 0, 600*time.Second, step, 10)
		if step == 7*time.Second/2 { // 600 is not a multiple of 3.5: one last sample at 600 s
			out, _ = m.Eval(mechT0.Add(600*time.Second), []Input{mechGood(10, mechT0.Add(600*time.Second)), {}, {}})
		}
		mechNear(t, "estimated_temp after τ, sampled every "+step.String(), out[0], want, 1e-9)
		if !math.IsNaN(out[1]) || out[2] != 0 {
			t.Errorf("unmeasured: deviation %v alarm %v, want NaN and 0", out[1], out[2])
		}
	}
}

func TestMotorThermalOverloadAndCooling(t *testing.T) {
	// 2·In from cold: θss = 4·80 = 320 K; after τ/2 = 300 s,
	// 320·(1 − e^−0.5) = 125.9102… K. Then stopped (0 A) with
	// tau_stopped 1800 s for 1800 s: ×e⁻¹ = 46.3197… K.
	p := Params{"tau_stopped": 1800, "limit": 155}
	for k, v := range motorParams {
		p[k] = v
	}
	m := mechNew(t, "motor_thermal", p)
	out := motorRun(t, m, 0, 300*time.Second, 10*time.Second, 20)
	mechNear(t, "after 300 s at 2·In", out[0], 40+320*(1-math.Exp(-0.5)), 1e-9)
	mechNear(t, "by hand", out[0], 165.9102, 1e-4)
	if out[2] != 1 {
		t.Error("no alarm at 165.9 °C over a 155 °C limit")
	}
	// The 20 A sample at 300 s is held until the next sample: stop at 300 s
	// by sampling 0 A there again (same time: no step), then cool.
	out = motorRun(t, m, 300*time.Second, 2100*time.Second, 30*time.Second, 0)
	mechNear(t, "after cooling τ_stopped", out[0], 40+320*(1-math.Exp(-0.5))*math.Exp(-1), 1e-9)
	mechNear(t, "by hand", out[0], 86.3197, 1e-4)
	if out[2] != 0 {
		t.Error("alarm after cooling")
	}
}

func TestMotorThermalMeasured(t *testing.T) {
	// Ambient input 30 °C, measured starts at 50 °C: the model starts at a
	// 20 K rise. At rated current for τ: 80 + (20 − 80)·e⁻¹ = 57.9272… K,
	// 87.9272 °C. Measured 95 °C: deviation 7.0728 K, within 10 K;
	// measured 100 °C: 12.07 K, alarm (a cooling fault).
	m := mechNew(t, "motor_thermal", motorParams)
	at := func(s float64, measured float64) []float64 {
		ts := mechT0.Add(time.Duration(s) * time.Second)
		out, err := m.Eval(ts, []Input{mechGood(10, ts), mechGood(30, ts), mechGood(measured, ts)})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	out := at(0, 50)
	mechNear(t, "start from measured", out[0], 50, 1e-12)
	mechNear(t, "deviation at start", out[1], 0, 1e-12)
	out = at(600, 95)
	est := 30 + 80 + (20-80)*math.Exp(-1)
	mechNear(t, "estimated_temp", out[0], est, 1e-9)
	mechNear(t, "by hand", out[0], 87.9272, 1e-4)
	mechNear(t, "deviation", out[1], 95-est, 1e-9)
	if out[2] != 0 {
		t.Error("alarm at a 7 K deviation")
	}
	out = at(600, 100)
	if out[2] != 1 {
		t.Error("no alarm at a 12 K deviation")
	}
}

func TestMotorThermalBadInputs(t *testing.T) {
	m := mechNew(t, "motor_thermal", motorParams)
	if _, err := m.Eval(mechT0, []Input{{T: mechT0, Bound: true}, {}, {}}); !errors.Is(err, ErrInputBad) {
		t.Errorf("bad current: err = %v, want ErrInputBad", err)
	}
	// A bad ambient fails the output but the rise still advances.
	if _, err := m.Eval(mechT0, []Input{mechGood(10, mechT0), {T: mechT0, Bound: true}, {}}); !errors.Is(err, ErrInputBad) {
		t.Errorf("bad ambient: err = %v, want ErrInputBad", err)
	}
	ts := mechT0.Add(600 * time.Second)
	out, err := m.Eval(ts, []Input{mechGood(10, ts), {}, {T: ts, Bound: true}})
	if err != nil {
		t.Fatal(err)
	}
	mechNear(t, "estimated_temp after a bad ambient", out[0], 40+(1-math.Exp(-1))*80, 1e-9)
	if !math.IsNaN(out[1]) {
		t.Errorf("deviation with a bad measurement = %v, want NaN", out[1])
	}
}
