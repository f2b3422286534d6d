package models

import (
	"errors"
	"math"
	"testing"
	"time"
)

// pcaIn binds the first len(vs) ports to vs, the rest unbound.
func pcaIn(vs ...float64) []Input {
	in := make([]Input, pcaMaxInputs)
	for i, v := range vs {
		in[i] = Input{V: v, Good: true, Bound: true}
	}
	return in
}

func pcaTrain(t *testing.T, p Params, rows [][]float64) *pca {
	t.Helper()
	m := statNew(t, "pca", p).(*pca)
	if _, err := m.Train(rows); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestPCAT2KnownCovariance(t *testing.T) {
	// A 2² design (±√3, ±√3/2): means 0, sample variances 4·3/3 = 4 and
	// 4·0.75/3 = 1, covariance 0. Standardised, the correlation matrix is
	// I: eigenvalues 1 and 1, so 90 % of the variance needs both
	// components. The point (2, 1) standardises to (1, 1): T² = 1 + 1 = 2,
	// and with both components kept there is no residual: SPE = 0.
	a, b := math.Sqrt(3), math.Sqrt(3)/2
	m := pcaTrain(t, nil, [][]float64{{a, b}, {-a, b}, {a, -b}, {-a, -b}})
	if m.st.K != 2 {
		t.Fatalf("k = %d, want 2", m.st.K)
	}
	out, err := m.Eval(time.Time{}, pcaIn(2, 1))
	if err != nil {
		t.Fatal(err)
	}
	// n = 4, k = 2, α = 0.01: 2·3·5/(4·2)·F_0.99(2, 2) = 3.75·99 = 371.25
	// (F(2,2) has CDF f/(1+f), so its 0.99 quantile is 99).
	if !statNear(out[0], 2, 1e-12) || !statNear(out[1], 371.25, 1e-9) ||
		math.Abs(out[2]) > 1e-12 || out[3] != 0 || out[4] != 0 {
		t.Errorf("t2 %v limit %v spe %v limit %v alarm %v, want 2 371.25 0 0 0", out[0], out[1], out[2], out[3], out[4])
	}
	// Far out: (40, 0) standardises to (20, 0), T² = 400 > 371.25.
	out, _ = m.Eval(time.Time{}, pcaIn(40, 0))
	if !statNear(out[0], 400, 1e-12) || out[4] != 1 {
		t.Errorf("t2 %v alarm %v, want 400 1", out[0], out[4])
	}
}

func TestPCASPEOffModel(t *testing.T) {
	// x2 = 10·x1: perfectly correlated. Means 3 and 30, sample standard
	// deviations √2.5 and 10·√2.5; standardised the two columns are equal,
	// R = [[1 1] [1 1]], eigenvalues 2 and 0, P = (1, 1)/√2: one component
	// explains all the variance.
	m := pcaTrain(t, nil, [][]float64{{1, 10}, {2, 20}, {3, 30}, {4, 40}, {5, 50}})
	if m.st.K != 1 {
		t.Fatalf("k = %d, want 1", m.st.K)
	}
	// On the model: (3+√2.5, 30+10√2.5) → z = (1, 1), t = √2, T² = 2/2 = 1, SPE = 0.
	out, err := m.Eval(time.Time{}, pcaIn(4.58113883008419, 45.8113883008419))
	if err != nil {
		t.Fatal(err)
	}
	if !statNear(out[0], 1, 1e-9) || out[2] > 1e-18 {
		t.Errorf("on the model: t2 %v spe %v, want 1 0", out[0], out[2])
	}
	// n = 5, k = 1: 1·4·6/(5·4)·F_0.99(1, 4) = 1.2·t_0.995(4)² = 1.2·4.604094871415897² = 25.437227501997793.
	if !statNear(out[1], 25.437227501997793, 1e-9) {
		t.Errorf("t2_limit %v, want 25.437227501997793", out[1])
	}
	// Off the model: (3+√2.5, 30−10√2.5) → z = (1, −1), t = 0, residual
	// (1, −1): T² = 0, SPE = 2; the residual eigenvalue is 0, so the SPE
	// limit is 0 and any residual alarms.
	out, err = m.Eval(time.Time{}, pcaIn(4.58113883008419, 14.188611699158102))
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(out[0]) > 1e-9 || !statNear(out[2], 2, 1e-9) || out[3] != 0 || out[4] != 1 {
		t.Errorf("off the model: t2 %v spe %v limit %v alarm %v, want 0 2 0 1", out[0], out[2], out[3], out[4])
	}
}

func TestPCASPELimitJacksonMudholkar(t *testing.T) {
	// Residual eigenvalues 1 and 1: θ1 = θ2 = θ3 = 2, h0 = 1 − 8/12 = 1/3,
	// c_0.01 = 2.3263478740408408; bracket c·(2/3)/2 + 1 − 1/9 =
	// 1.664338180235836, cubed 4.610252672659964, times θ1: 9.220505345319928.
	// (SPE here is exactly χ²(2), whose 0.99 quantile is −2·ln 0.01 = 9.2103.)
	got, box := speLimit([]float64{1, 1}, 0.01)
	if box || !statNear(got, 9.220505345319928, 1e-9) {
		t.Errorf("SPE limit %v (box %v), want 9.220505345319928", got, box)
	}
	if got, _ := speLimit([]float64{0, 0}, 0.01); got != 0 {
		t.Errorf("SPE limit of an empty residual %v, want 0", got)
	}
}

func TestPCALoadAndInputs(t *testing.T) {
	m := statNew(t, "pca", nil).(*pca)
	if _, err := m.Eval(time.Time{}, pcaIn(1, 2)); !errors.Is(err, ErrNotTrained) {
		t.Errorf("untrained: %v, want ErrNotTrained", err)
	}
	rows := [][]float64{{1, 3, 0}, {2, 1, 1}, {3, 4, 0}, {4, 1, 1}, {5, 5, 0}, {6, 9, 1}, {7, 2, 0}}
	st, err := m.Train(rows)
	if err != nil {
		t.Fatal(err)
	}
	want, err := m.Eval(time.Time{}, pcaIn(3, 3, 1))
	if err != nil {
		t.Fatal(err)
	}
	m2 := statNew(t, "pca", nil).(*pca)
	if err := m2.Load(st); err != nil || !m2.Trained() {
		t.Fatalf("Load: %v", err)
	}
	got, err := m2.Eval(time.Time{}, pcaIn(3, 3, 1))
	if err != nil {
		t.Fatal(err)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("output %d after Load %v, before %v", i, got[i], want[i])
		}
	}
	if _, err := m2.Eval(time.Time{}, pcaIn(3, 3)); err == nil {
		t.Error("2 inputs bound for a 3-input model: no error")
	}
	in := pcaIn(3, 3, 1)
	in[1].Good = false
	if _, err := m2.Eval(time.Time{}, in); err == nil {
		t.Error("a bad input: no error")
	}
	if err := m2.Load([]byte(`{"use":[0]}`)); err == nil {
		t.Error("Load of a broken state: no error")
	}
	// Rows of all 20 ports, the unbound ones constant 0: they are dropped.
	wide := make([][]float64, len(rows))
	for i, r := range rows {
		wide[i] = make([]float64, pcaMaxInputs)
		copy(wide[i], r)
	}
	m3 := pcaTrain(t, nil, wide)
	got, err = m3.Eval(time.Time{}, pcaIn(3, 3, 1))
	if err != nil {
		t.Fatal(err)
	}
	for i := range want {
		if !statNear(got[i], want[i], 1e-9) {
			t.Errorf("output %d trained on 20 columns %v, on 3 %v", i, got[i], want[i])
		}
	}
}
