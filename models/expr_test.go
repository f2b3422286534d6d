package models

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/sightglass/sightglass/tags"
)

// exprTestTypes knows a few plant tags.
func exprTestTypes(name string) (tags.DataType, bool) {
	switch name {
	case "Plant.Flow.Rate", "Plant.Tank1.Level", "Plant.P-101.Speed", "Plant.P2.Speed", "A":
		return tags.TypeFloat64, true
	case "Plant.P1.Running":
		return tags.TypeBool, true
	case "Plant.Count":
		return tags.TypeInt32, true
	case "Plant.Name":
		return tags.TypeString, true
	}
	return tags.TypeInvalid, false
}

func goodInputs(vs ...float64) []Input {
	in := make([]Input, len(vs))
	for i, v := range vs {
		in[i] = Input{V: v, Good: true, Bound: true}
	}
	return in
}

func TestExprValues(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		src   string
		names string // the inputs, comma-separated
		in    []float64
		want  float64
		bool  bool
	}{
		{"Plant.Flow.Rate * 2 + 1", "Plant.Flow.Rate", []float64{3.5}, 8, false},
		{"Plant.P-101.Speed-Plant.P2.Speed", "Plant.P-101.Speed,Plant.P2.Speed", []float64{1450, 1400}, 50, false},
		{"min(Plant.Flow.Rate, Plant.Tank1.Level, 7)", "Plant.Flow.Rate,Plant.Tank1.Level", []float64{12, 2.5}, 2.5, false},
		{"max(Plant.Flow.Rate, Plant.Tank1.Level)", "Plant.Flow.Rate,Plant.Tank1.Level", []float64{12, 2.5}, 12, false},
		{"avg(Plant.Flow.Rate, Plant.Tank1.Level, 3)", "Plant.Flow.Rate,Plant.Tank1.Level", []float64{12, 3}, 6, false},
		{"abs(Plant.Tank1.Level - 5)", "Plant.Tank1.Level", []float64{2}, 3, false},
		{"if(Plant.P1.Running, Plant.Flow.Rate, 0)", "Plant.P1.Running,Plant.Flow.Rate", []float64{1, 42}, 42, false},
		{"if(Plant.P1.Running, Plant.Flow.Rate, -1)", "Plant.P1.Running,Plant.Flow.Rate", []float64{0, 42}, -1, false},
		{"Plant.P1.Running ? 1 : 2", "Plant.P1.Running", []float64{0}, 2, false},
		{"Plant.Tank1.Level > 2 and Plant.P1.Running", "Plant.Tank1.Level,Plant.P1.Running", []float64{2.5, 1}, 1, true},
		{"Plant.Tank1.Level > 2 and Plant.P1.Running", "Plant.Tank1.Level,Plant.P1.Running", []float64{1.5, 1}, 0, true},
		{"Plant.Count / 4", "Plant.Count", []float64{10}, 2.5, false},
		{"A ** 2", "A", []float64{3}, 9, false},
	}
	for _, c := range cases {
		calc, err := CompileExpr(c.src, exprTestTypes)
		if err != nil {
			t.Errorf("%s: %v", c.src, err)
			continue
		}
		if got := strings.Join(calc.Names(), ","); got != c.names {
			t.Errorf("%s: names %s, want %s", c.src, got, c.names)
		}
		if calc.Bool() != c.bool {
			t.Errorf("%s: Bool %v, want %v", c.src, calc.Bool(), c.bool)
		}
		out, err := calc.Eval(t0, goodInputs(c.in...))
		if err != nil || len(out) != 1 || math.Abs(out[0]-c.want) > 1e-12 {
			t.Errorf("%s on %v = %v, %v; want %v", c.src, c.in, out, err, c.want)
		}
	}
}

func TestExprCompileErrors(t *testing.T) {
	cases := []struct{ src, want string }{
		{"", "empty"},
		{"Plant.Nope * 2", `unknown tag "Plant.Nope"`},
		{"Plant.Flow.Rate +", "unexpected token"},
		{"Plant.Name + 1", "string"},
		{"foo(Plant.Flow.Rate)", `unknown tag or function "foo"`},
		{`"text"`, "must give a number"},
		{"_0 + 1", "unknown tag"},
	}
	for _, c := range cases {
		_, err := CompileExpr(c.src, exprTestTypes)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: err %v, want %q", c.src, err, c.want)
		}
	}
}

// TestExprTotalRate drives total and rate with explicit times: the
// trapezoidal integral of a flow of 10, 20, 20, 0 m3/s sampled at 0, 2,
// 3 and 5 s is 30 + 20 + 20 = 70 m3; the rates are 5, 0, -10 per second.
func TestExprTotalRate(t *testing.T) {
	calc, err := CompileExpr("total(Plant.Flow.Rate)", exprTestTypes)
	if err != nil {
		t.Fatal(err)
	}
	rate, err := CompileExpr("rate(Plant.Flow.Rate) + 0 * total(Plant.Flow.Rate)", exprTestTypes)
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	steps := []struct {
		at          float64 // seconds
		x           float64
		total, rate float64
	}{
		{0, 10, 0, 0},
		{2, 20, 30, 5},
		{3, 20, 50, 0},
		{5, 0, 70, -10},
	}
	for _, s := range steps {
		now := t0.Add(time.Duration(s.at * float64(time.Second)))
		out, err := calc.Eval(now, goodInputs(s.x))
		if err != nil || out[0] != s.total {
			t.Errorf("t=%v: total %v, %v; want %v", s.at, out, err, s.total)
		}
		out, err = rate.Eval(now, goodInputs(s.x))
		if err != nil || out[0] != s.rate {
			t.Errorf("t=%v: rate %v, %v; want %v", s.at, out, err, s.rate)
		}
	}
	// A bad input interrupts: no integration across the gap (5 s → 100 s),
	// the total continues from 70, the rate starts again at 0.
	if _, err := calc.Eval(t0.Add(50*time.Second), []Input{{Bound: true}}); err == nil {
		t.Fatal("bad input: no error")
	}
	rate.Interrupt()
	out, _ := calc.Eval(t0.Add(100*time.Second), goodInputs(4))
	if out[0] != 70 {
		t.Errorf("after the gap: total %v, want 70", out[0])
	}
	out, _ = calc.Eval(t0.Add(102*time.Second), goodInputs(6))
	if out[0] != 80 {
		t.Errorf("2 s after the gap: total %v, want 70 + (4+6)/2*2 = 80", out[0])
	}
	out, _ = rate.Eval(t0.Add(100*time.Second), goodInputs(4))
	if out[0] != 0 {
		t.Errorf("after the gap: rate %v, want 0", out[0])
	}
}

func TestExprRuntimeErrors(t *testing.T) {
	calc, err := CompileExpr("1 / Plant.Flow.Rate", exprTestTypes)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := calc.Eval(time.Now(), goodInputs(0)); err == nil {
		t.Error("1/0: no error")
	}
	if out, err := calc.Eval(time.Now(), goodInputs(4)); err != nil || out[0] != 0.25 {
		t.Errorf("1/4 = %v, %v", out, err)
	}
}
