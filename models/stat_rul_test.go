package models

import (
	"errors"
	"math/rand/v2"
	"testing"
	"time"
)

var rulT0 = time.Unix(1_700_000_000, 0)

// rulAt is a sample at rulT0 + sec seconds.
func rulAt(sec, x float64) []Input {
	return []Input{{V: x, T: rulT0.Add(time.Duration(sec * float64(time.Second))), Good: true, Bound: true}}
}

func rulFeed(t *testing.T, r Instance, ts, xs []float64) []float64 {
	t.Helper()
	var out []float64
	var err error
	for i := range ts {
		out, err = r.Eval(rulT0.Add(time.Duration(ts[i]*float64(time.Second))), rulAt(ts[i], xs[i]))
	}
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestRULExactLinearTrend(t *testing.T) {
	// x = 1 + 0.01·t for t = −10 … 0, limit 2: at t = 0 the line is at 1 and
	// needs (2 − 1)/0.01 = 100 s; no noise, so the band collapses onto it.
	r := statNew(t, "rul", Params{"limit": 2})
	var ts, xs []float64
	for s := -10; s <= 0; s++ {
		ts = append(ts, float64(s))
		xs = append(xs, 1+0.01*float64(s))
	}
	out := rulFeed(t, r, ts, xs)
	if !statNear(out[0], 0.01, 1e-9) || !statNear(out[1], 100, 1e-9) ||
		!statNear(out[2], 100, 1e-6) || !statNear(out[3], 100, 1e-6) || out[4] != 1 {
		t.Errorf("slope %v rul %v band [%v, %v] alarm %v, want 0.01 100 [100, 100] 1", out[0], out[1], out[2], out[3], out[4])
	}
}

func TestRULNoisyHandComputed(t *testing.T) {
	// t = 0, 1, 2, 3; x = 0, 1.1, 1.9, 3.0; limit 10, confidence 0.95.
	// t̄ = 1.5, x̄ = 1.5, Sxx = 5, Sxy = −0.55 + 0.95 + 4.5 = 4.9, b = 0.98.
	// Residuals −0.03, 0.09, −0.09, 0.03: SSE = 0.018, s² = 0.009,
	// se(b) = sqrt(0.009/5) = 0.0424264…; t_0.975(2) = 4.302652729911275,
	// b± = 0.98 ± 0.1825460953 = 1.1625460953446645, 0.7974539046553356.
	// rul = 1.5 + 8.5/0.98 − 3 = 7.173469387755102,
	// rul_lo = 1.5 + 8.5/1.16254… − 3 = 5.811538040545372,
	// rul_hi = 1.5 + 8.5/0.79745… − 3 = 9.1589232937216.
	r := statNew(t, "rul", Params{"limit": 10, "warn": 6})
	out := rulFeed(t, r, []float64{0, 1, 2, 3}, []float64{0, 1.1, 1.9, 3.0})
	if !statNear(out[0], 0.98, 1e-9) || !statNear(out[1], 7.173469387755102, 1e-9) ||
		!statNear(out[2], 5.811538040545372, 1e-9) || !statNear(out[3], 9.1589232937216, 1e-9) || out[4] != 0 {
		t.Errorf("slope %v rul %v band [%v, %v] alarm %v", out[0], out[1], out[2], out[3], out[4])
	}
}

func TestRULNoisyBandContainsTruth(t *testing.T) {
	// x = 1 + 0.01·t + N(0, 0.05²) each 10 s for 1,000 s; limit 20: the true
	// line reaches it at t = 1900, 900 s after the last sample.
	rng := rand.New(rand.NewPCG(3, 4))
	r := statNew(t, "rul", Params{"limit": 20, "window": 101})
	var ts, xs []float64
	for s := 0; s <= 1000; s += 10 {
		ts = append(ts, float64(s))
		xs = append(xs, 1+0.01*float64(s)+0.05*rng.NormFloat64())
	}
	out := rulFeed(t, r, ts, xs)
	if !(out[2] < 900 && 900 < out[3]) || !(out[2] < out[1] && out[1] < out[3]) {
		t.Errorf("rul %v band [%v, %v] does not contain the true 900 s", out[1], out[2], out[3])
	}
	if out[3]-out[2] > 200 {
		t.Errorf("band [%v, %v] wider than 200 s for 101 samples", out[2], out[3])
	}
	if out[4] != 1 {
		t.Errorf("alarm %v with rul %v below the 7-day warn", out[4], out[1])
	}
}

func TestRULNotApproachingAndPast(t *testing.T) {
	// Flat then falling: not approaching a rising limit.
	r := statNew(t, "rul", Params{"limit": 2})
	out := rulFeed(t, r, []float64{0, 1, 2}, []float64{1, 0.9, 0.8})
	if out[1] != rulMax || out[3] != rulMax || out[4] != 0 {
		t.Errorf("receding: rul %v hi %v alarm %v, want %v %v 0", out[1], out[3], out[4], rulMax, rulMax)
	}
	// Already past: 3, 3.1, 3.2 with limit 2.
	r = statNew(t, "rul", Params{"limit": 2})
	out = rulFeed(t, r, []float64{0, 1, 2}, []float64{3, 3.1, 3.2})
	if out[1] != 0 || out[4] != 1 {
		t.Errorf("past the limit: rul %v alarm %v, want 0 1", out[1], out[4])
	}
	// Falling to a lower limit: x = 10 − 0.5·t, t = 0…2, limit 4: at t = 2 the line is at 9, (9 − 4)/0.5 = 10 s.
	r = statNew(t, "rul", Params{"limit": 4, "rising": 0})
	out = rulFeed(t, r, []float64{0, 1, 2}, []float64{10, 9.5, 9})
	if !statNear(out[0], -0.5, 1e-12) || !statNear(out[1], 10, 1e-9) {
		t.Errorf("falling: slope %v rul %v, want −0.5 10", out[0], out[1])
	}
}

func TestRULWarmUpAndWindow(t *testing.T) {
	r := statNew(t, "rul", Params{"limit": 2, "window": 3})
	for i, s := range []float64{0, 1} {
		if _, err := r.Eval(time.Time{}, rulAt(s, 1)); !errors.Is(err, ErrWarmingUp) {
			t.Fatalf("sample %d: %v, want ErrWarmingUp", i, err)
		}
	}
	// A repeated sample (same T) is not added twice.
	if _, err := r.Eval(time.Time{}, rulAt(1, 1)); !errors.Is(err, ErrWarmingUp) {
		t.Fatalf("repeated sample: %v, want ErrWarmingUp", err)
	}
	// Window 3: an old flat stretch leaves it. 1, 1, then 1.5, 2, 2.5 at
	// t = 2, 3, 4: the window holds the last three, slope 0.5, and at
	// t = 4 the line is at 2.5 → (4 − 2.5)/0.5 = 3 s to a limit of 4.
	r = statNew(t, "rul", Params{"limit": 4, "window": 3})
	out := rulFeed(t, r, []float64{0, 1, 2, 3, 4}, []float64{1, 1, 1.5, 2, 2.5})
	if !statNear(out[0], 0.5, 1e-12) || !statNear(out[1], 3, 1e-9) {
		t.Errorf("slope %v rul %v, want 0.5 3", out[0], out[1])
	}
	if _, err := r.Eval(time.Time{}, []Input{{V: 1}}); err == nil {
		t.Error("bad input: no error")
	}
	k, _ := Lookup("rul")
	if _, err := k.New(Params{"limit": 1, "window": 2, "confidence": 0.95, "rising": 1}); err == nil {
		t.Error("window 2: no error")
	}
}

func TestRULAlarmWaitsForEvidence(t *testing.T) {
	// Three noisy minutes that happen to rise steeply: the fitted line
	// reaches 2.8 in minutes, far inside the 2-day warn, but with one
	// degree of freedom the band's far end is "never": no alarm yet.
	r := statNew(t, "rul", Params{"limit": 2.8, "window": 240, "warn": 172800})
	out := rulFeed(t, r, []float64{0, 60, 120}, []float64{1.0, 1.5, 1.35})
	if !(out[1] < 3600) || out[3] != rulMax || out[4] != 0 {
		t.Errorf("3 noisy samples: rul %v hi %v alarm %v, want under an hour, %v, 0", out[1], out[3], out[4], rulMax)
	}
	// Two hundred minutes of the same real rise with small noise: the
	// band is narrow, its far end inside the warn, and the alarm is on.
	rng := rand.New(rand.NewPCG(5, 6))
	r = statNew(t, "rul", Params{"limit": 2.8, "window": 240, "warn": 172800})
	var ts, xs []float64
	for m := range 200 {
		ts = append(ts, float64(60*m))
		xs = append(xs, 1+0.0001*float64(60*m)+0.01*rng.NormFloat64())
	}
	out = rulFeed(t, r, ts, xs)
	if !(out[3] < 172800) || out[4] != 1 {
		t.Errorf("200 samples of a real rise: rul %v hi %v alarm %v, want hi under 2 days and the alarm", out[1], out[3], out[4])
	}
}
