package models

import (
	"errors"
	"math"
	"testing"
	"time"
)

func statNear(a, b, tol float64) bool { return math.Abs(a-b) <= tol*math.Max(1, math.Abs(b)) }

func statGood(v float64) Input { return Input{V: v, T: time.Unix(0, 0), Good: true, Bound: true} }

func statNew(t testing.TB, name string, p Params) Instance {
	t.Helper()
	k, ok := Lookup(name)
	if !ok {
		t.Fatalf("kind %q not registered", name)
	}
	full := Params{}
	for _, pa := range k.Params {
		full[pa.Name] = pa.Default
	}
	for n, v := range p {
		full[n] = v
	}
	inst, err := k.New(full)
	if err != nil {
		t.Fatalf("New(%v): %v", full, err)
	}
	return inst
}

func TestEWMAHandComputed(t *testing.T) {
	e := statNew(t, "ewma", Params{"lambda": 0.5, "L": 3, "mean": 0, "sigma": 1})
	if _, ok := e.(Learner); ok {
		t.Error("ewma with sigma given should not be a Learner")
	}
	// λ = 0.5, μ0 = 0, σ = 1, L = 3; λ/(2−λ) = 1/3.
	// z1 = 0.5·1 = 0.5;            width 3·sqrt(1/3·(1−0.25))   = 3·0.5 = 1.5
	// z2 = 0.5·2 + 0.5·0.5 = 1.25; width 3·sqrt(1/3·(1−0.0625)) = 3·sqrt(0.3125) = 1.6770509831248424
	// z3 = 0.5·(−1) + 0.625 = 0.125
	// z4 = 0 + 0.0625 = 0.0625
	want := []struct{ x, z, w float64 }{
		{1, 0.5, 1.5},
		{2, 1.25, 1.6770509831248424},
		{-1, 0.125, 3 * math.Sqrt(1.0/3*(1-1.0/64))},
		{0, 0.0625, 3 * math.Sqrt(1.0/3*(1-1.0/256))},
	}
	for i, w := range want {
		out, err := e.Eval(time.Time{}, []Input{statGood(w.x)})
		if err != nil {
			t.Fatal(err)
		}
		if !statNear(out[0], w.z, 1e-12) || !statNear(out[1], w.w, 1e-12) || !statNear(out[2], -w.w, 1e-12) {
			t.Errorf("i=%d: ewma %v ucl %v lcl %v, want %v ±%v", i+1, out[0], out[1], out[2], w.z, w.w)
		}
		if out[3] != 0 || out[4] != 0 {
			t.Errorf("i=%d: rule %v alarm %v, want 0 0", i+1, out[3], out[4])
		}
	}
	// i → ∞: width 3·sqrt(1/3) = √3 = 1.7320508075688772.
	var out []float64
	for range 200 {
		out, _ = e.Eval(time.Time{}, []Input{statGood(0)})
	}
	if !statNear(out[1], 1.7320508075688772, 1e-12) {
		t.Errorf("asymptotic ucl %v, want √3", out[1])
	}
}

func TestEWMAAlarmWithoutRule(t *testing.T) {
	// L = 1, λ = 0.5: width at i=1 is 0.5; x = 1.2 gives z = 0.6 > 0.5.
	e := statNew(t, "ewma", Params{"lambda": 0.5, "L": 1, "sigma": 1})
	out, err := e.Eval(time.Time{}, []Input{statGood(1.2)})
	if err != nil {
		t.Fatal(err)
	}
	if out[3] != 0 || out[4] != 1 {
		t.Errorf("rule %v alarm %v, want 0 1", out[3], out[4])
	}
}

func TestWesternElectricRules(t *testing.T) {
	// μ0 = 0, σ = 1, so the values are in σ. rule is the last output's.
	for _, c := range []struct {
		name string
		xs   []float64
		rule float64
	}{
		{"rule 1", []float64{0, 3.1}, 1},
		{"rule 1 below", []float64{-3.01}, 1},
		{"rule 1 near miss", []float64{0, 2.99}, 0},
		{"rule 2", []float64{2.1, 0, 2.1}, 2},
		{"rule 2 below", []float64{-2.5, -2.1}, 0}, // only two points: 2 of 3 needs three
		{"rule 2 below, three", []float64{0, -2.5, -2.1}, 2},
		{"rule 2 near miss 1.9", []float64{2.1, 0, 1.9}, 0},
		{"rule 2 near miss sides", []float64{2.1, 0, -2.1}, 0},
		{"rules 1 and 2: first wins", []float64{2.1, 0, 3.5}, 1},
		{"rule 3", []float64{1.5, 1.5, 0, 1.5, 1.5}, 3},
		{"rule 3 near miss three of five", []float64{1.5, 1.5, 0, 0, 1.5}, 0},
		{"rule 3 near miss 0.99", []float64{1.5, 1.5, 0, 0.99, 1.5}, 0},
		{"rule 4", []float64{0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5}, 4},
		{"rule 4 below", []float64{-0.1, -0.2, -0.1, -0.3, -0.1, -0.2, -0.1, -0.4}, 4},
		{"rule 4 near miss seven", []float64{-0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5}, 0},
		{"rule 4 near miss on centre", []float64{0.5, 0.5, 0.5, 0, 0.5, 0.5, 0.5, 0.5}, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := statNew(t, "ewma", Params{"lambda": 0.2, "sigma": 1})
			var out []float64
			for _, x := range c.xs {
				var err error
				if out, err = e.Eval(time.Time{}, []Input{statGood(x)}); err != nil {
					t.Fatal(err)
				}
			}
			if out[3] != c.rule {
				t.Errorf("rule %v, want %v", out[3], c.rule)
			}
			if c.rule != 0 && out[4] != 1 {
				t.Errorf("alarm %v with rule %v", out[4], out[3])
			}
		})
	}
}

func TestEWMATrainLoad(t *testing.T) {
	e := statNew(t, "ewma", Params{"lambda": 0.5})
	l, ok := e.(Learner)
	if !ok {
		t.Fatal("ewma without sigma should be a Learner")
	}
	if l.Trained() {
		t.Error("Trained before Train")
	}
	if _, err := e.Eval(time.Time{}, []Input{statGood(1)}); !errors.Is(err, ErrNotTrained) {
		t.Errorf("Eval before Train: %v, want ErrNotTrained", err)
	}
	// 1..5: mean 3, sample variance (4+1+0+1+4)/4 = 2.5, σ = 1.5811388300841898.
	st, err := l.Train([][]float64{{1}, {2}, {3}, {4}, {5}})
	if err != nil {
		t.Fatal(err)
	}
	check := func(in Instance) {
		t.Helper()
		// x = 3 + σ: z1 = 3 + σ/2; width at i=1 is 3·σ·0.5.
		out, err := in.Eval(time.Time{}, []Input{statGood(3 + 1.5811388300841898)})
		if err != nil {
			t.Fatal(err)
		}
		if !statNear(out[0], 3+1.5811388300841898/2, 1e-12) || !statNear(out[1], 3+1.5*1.5811388300841898, 1e-12) {
			t.Errorf("ewma %v ucl %v, want %v %v", out[0], out[1], 3+1.5811388300841898/2, 3+1.5*1.5811388300841898)
		}
	}
	check(e)
	e2 := statNew(t, "ewma", Params{"lambda": 0.5})
	if err := e2.(Learner).Load(st); err != nil {
		t.Fatal(err)
	}
	if !e2.(Learner).Trained() {
		t.Error("not Trained after Load")
	}
	check(e2)
	if _, err := l.Train([][]float64{{2}, {2}, {2}}); err == nil {
		t.Error("Train on constant data: no error")
	}
	if _, err := e.Eval(time.Time{}, []Input{{V: 1}}); err == nil {
		t.Error("Eval with a bad input: no error")
	}
}
