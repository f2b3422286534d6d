package models

import (
	"errors"
	"math"
	"testing"
	"time"
)

func mechNew(t *testing.T, kind string, p Params) Instance {
	t.Helper()
	k, ok := Lookup(kind)
	if !ok {
		t.Fatalf("kind %q not registered", kind)
	}
	full := Params{}
	for _, q := range k.Params {
		full[q.Name] = q.Default
	}
	for n, v := range p {
		full[n] = v
	}
	inst, err := k.New(full)
	if err != nil {
		t.Fatalf("%s.New: %v", kind, err)
	}
	return inst
}

func mechNear(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if math.Abs(got-want) > tol || math.IsNaN(got) {
		t.Errorf("%s = %.9g, want %.9g (±%g)", what, got, want, tol)
	}
}

func mechGood(v float64, t time.Time) Input { return Input{V: v, T: t, Good: true, Bound: true} }

var mechT0 = time.Date(2026, 1, 15, 6, 0, 0, 0, time.UTC)

func TestTankMassBalanceLeak(t *testing.T) {
	// Area 2 m², 10 m³/h in, 4 m³/h out for 360 s (0.1 h): 0.6 m³ net,
	// expected +0.3 m. The level rose only 0.25 m: residual −0.05 m, beyond
	// the 0.02 m tolerance; 0.05 m·2 m² = 0.1 m³ lost in 0.1 h = 1 m³/h.
	m := mechNew(t, "tank_mass_balance", Params{"area": 2, "window": 360, "tolerance": 0.02})
	var out []float64
	for s := 0; s <= 360; s += 10 {
		ts := mechT0.Add(time.Duration(s) * time.Second)
		level := 1 + 0.25*float64(s)/360
		var err error
		out, err = m.Eval(ts, []Input{mechGood(level, ts), mechGood(10, ts), mechGood(4, ts)})
		if err != nil {
			t.Fatal(err)
		}
		if s < 360 && out[3] != 0 {
			t.Fatalf("alarm at %d s, before a full window", s)
		}
	}
	mechNear(t, "expected_change", out[0], 0.3, 1e-12)
	mechNear(t, "measured_change", out[1], 0.25, 1e-12)
	mechNear(t, "residual", out[2], -0.05, 1e-12)
	if out[3] != 1 {
		t.Errorf("alarm = %v, want 1", out[3])
	}
	mechNear(t, "leak_rate", out[4], 1, 1e-9)
}

func TestTankMassBalanceWindowSlides(t *testing.T) {
	// Window 100 s, samples every 10 s. The first 200 s balance exactly
	// (6 m³/h net = 1/600 m³/s over 2 m²: 1/1200 m/s); after 200 s the
	// inflow meter reads 16 m³/h (net 12) while the level stays put.
	m := mechNew(t, "tank_mass_balance", Params{"area": 2, "window": 100, "tolerance": 0.02})
	level := 1.0
	var out []float64
	for s := 0; s <= 300; s += 10 {
		ts := mechT0.Add(time.Duration(s) * time.Second)
		in := 10.0
		if s > 200 {
			in = 16
		}
		if s > 0 && s <= 200 {
			level += 10.0 / 1200
		}
		var err error
		out, err = m.Eval(ts, []Input{mechGood(level, ts), mechGood(in, ts), mechGood(4, ts)})
		if err != nil {
			t.Fatal(err)
		}
		if s == 200 {
			mechNear(t, "residual at 200 s", out[2], 0, 1e-12)
			if out[3] != 0 {
				t.Error("alarm on a balanced tank")
			}
		}
	}
	// At 300 s the window is 200..300 s. Trapezoid: 200→210 s net 6 then
	// 12, 9 m³/h·10 s = 90 m³·s/h; 210→300 s 12 m³/h·90 s = 1080 m³·s/h;
	// 1170/3600 = 0.325 m³ over 2 m²: expected 0.1625 m, measured 0,
	// residual −0.1625 m; leak 0.325 m³ in 100 s = 11.7 m³/h.
	mechNear(t, "expected_change", out[0], 0.1625, 1e-12)
	mechNear(t, "measured_change", out[1], 0, 1e-12)
	mechNear(t, "leak_rate", out[4], 11.7, 1e-9)
	if out[3] != 1 {
		t.Error("no alarm for a 6 m³/h imbalance")
	}
}

func TestTankMassBalanceIrregularSamples(t *testing.T) {
	// Inflow ramping 0→6 m³/h over 360 s, sampled at 0, 7, 100, 360 s: the
	// trapezoid is exact for a linear flow: ∫ = 3 m³/h·0.1 h = 0.3 m³,
	// over 1 m² (no outflow bound): expected 0.3 m.
	m := mechNew(t, "tank_mass_balance", Params{"area": 1, "window": 360})
	var out []float64
	for _, s := range []float64{0, 7, 100, 360} {
		ts := mechT0.Add(time.Duration(s * float64(time.Second)))
		var err error
		out, err = m.Eval(ts, []Input{mechGood(1+0.3*s/360, ts), mechGood(6*s/360, ts), {}})
		if err != nil {
			t.Fatal(err)
		}
	}
	mechNear(t, "expected_change", out[0], 0.3, 1e-12)
	mechNear(t, "residual", out[2], 0, 1e-12)
	if out[3] != 0 {
		t.Error("alarm on a balanced tank")
	}
}

func TestTankMassBalanceBadInput(t *testing.T) {
	m := mechNew(t, "tank_mass_balance", Params{"area": 2})
	_, err := m.Eval(mechT0, []Input{mechGood(1, mechT0), {T: mechT0, Bound: true}, {}})
	if !errors.Is(err, ErrInputBad) {
		t.Fatalf("bad inflow: err = %v, want ErrInputBad", err)
	}
	_, err = m.Eval(mechT0, []Input{mechGood(1, mechT0), mechGood(1, mechT0), {V: math.NaN(), T: mechT0, Good: true, Bound: true}})
	if !errors.Is(err, ErrInputBad) {
		t.Fatalf("NaN outflow: err = %v, want ErrInputBad", err)
	}
	// After the gap the window starts again.
	out, err := m.Eval(mechT0.Add(time.Minute), []Input{mechGood(1, mechT0), mechGood(1, mechT0.Add(time.Minute)), {}})
	if err != nil || out[0] != 0 || out[3] != 0 {
		t.Fatalf("after a gap: %v, %v", out, err)
	}
}
