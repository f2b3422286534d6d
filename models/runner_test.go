package models

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"log/slog"
	"math"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/sightglass/sightglass/tags"
)

// Two kinds for the runner's tests: testsum adds its inputs (b optional)
// and says whether the sum is positive; testlearn subtracts a learned
// mean (NaN until trained).
func init() {
	Register(&Kind{
		Name:    "testsum",
		Inputs:  []Port{{Name: "a"}, {Name: "b", Optional: true}},
		Outputs: []Port{{Name: "sum", Units: "m3/h"}, {Name: "pos", Bool: true}},
		Params:  []Param{{Name: "gain", Default: 1, Min: 0, Max: 10}},
		New: func(p Params) (Instance, error) {
			return &testSum{gain: p["gain"]}, nil
		},
	})
	Register(&Kind{
		Name:    "testlearn",
		Inputs:  []Port{{Name: "x"}},
		Outputs: []Port{{Name: "dev"}},
		New:     func(Params) (Instance, error) { return &testLearn{mean: math.NaN()}, nil },
	})
}

type testSum struct {
	gain float64
	out  [2]float64
}

func (s *testSum) Eval(_ time.Time, in []Input) ([]float64, error) {
	sum := in[0].V
	if in[1].Bound && in[1].Good {
		sum += in[1].V
	}
	if sum < -1000 {
		return nil, errors.New("too negative")
	}
	s.out[0] = s.gain * sum
	s.out[1] = 0
	if sum > 0 {
		s.out[1] = 1
	}
	return s.out[:], nil
}

type testLearn struct{ mean float64 }

func (l *testLearn) Eval(_ time.Time, in []Input) ([]float64, error) {
	return []float64{in[0].V - l.mean}, nil
}
func (l *testLearn) Train(rows [][]float64) ([]byte, error) {
	if len(rows) == 0 {
		return nil, errors.New("no rows")
	}
	sum := 0.0
	for _, r := range rows {
		sum += r[0]
	}
	l.mean = sum / float64(len(rows))
	return binary.BigEndian.AppendUint64(nil, math.Float64bits(l.mean)), nil
}
func (l *testLearn) Load(b []byte) error {
	if len(b) != 8 {
		return errors.New("bad state")
	}
	l.mean = math.Float64frombits(binary.BigEndian.Uint64(b))
	return nil
}
func (l *testLearn) Trained() bool { return !math.IsNaN(l.mean) }

// newTestRunner builds a bus of two input tags and the specs' outputs.
func newTestRunner(t *testing.T, specs []Spec) (*Runner, *tags.Bus) {
	t.Helper()
	base := []tags.Def{
		{Name: "Plant.Flow.Rate", Type: tags.TypeFloat64},
		{Name: "Plant.Flow.Other", Type: tags.TypeFloat32},
		{Name: "Plant.P1.Running", Type: tags.TypeBool},
	}
	typeOf := func(n string) (tags.DataType, bool) {
		for _, d := range base {
			if d.Name == n {
				return d.Type, true
			}
		}
		return 0, false
	}
	outs, err := OutputDefs(specs, typeOf)
	if err != nil {
		t.Fatal(err)
	}
	bus := tags.NewBus(tags.NewTable(append(base, outs...)))
	r, err := NewRunner(specs, bus, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	return r, bus
}

func id(t *testing.T, bus *tags.Bus, name string) tags.ID {
	t.Helper()
	i, ok := bus.Table().Lookup(name)
	if !ok {
		t.Fatalf("no tag %s", name)
	}
	return i
}

func pub(bus *tags.Bus, i tags.ID, v tags.Value, q tags.Quality) {
	bus.Publish([]tags.Update{{ID: i, VQT: tags.VQT{Value: v, Quality: q, Time: time.Now()}}})
}

// waitFor waits (under synctest: until every goroutine is blocked) and
// returns the current VQT of tag i.
func waitFor(bus *tags.Bus, i tags.ID) tags.VQT {
	synctest.Wait()
	return bus.Get(i)
}

func TestRunnerExprOnChange(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r, bus := newTestRunner(t, []Spec{
			{Name: "Plant.Calc.TotalFlow", Kind: ExprKind, Expr: "Plant.Flow.Rate * 2 + 1"},
			{Name: "Plant.Calc.Flowing", Kind: ExprKind, Expr: "Plant.Calc.TotalFlow > 5 and Plant.P1.Running"},
		})
		if bus.Table().Def(id(t, bus, "Plant.Calc.Flowing")).Type != tags.TypeBool {
			t.Error("Flowing is not a bool tag")
		}
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		r.Start(ctx)
		flow, run := id(t, bus, "Plant.Flow.Rate"), id(t, bus, "Plant.P1.Running")
		out, flowing := id(t, bus, "Plant.Calc.TotalFlow"), id(t, bus, "Plant.Calc.Flowing")

		// Never read: bad input.
		if v := waitFor(bus, out); v.Quality != tags.BadQuality(tags.ReasonBadInput, 0) {
			t.Errorf("before any value: %v", v.Quality)
		}
		pub(bus, flow, tags.Float(3.5), tags.GoodQuality)
		pub(bus, run, tags.Bool(true), tags.GoodQuality)
		if v := waitFor(bus, out); !v.Quality.IsGood() || v.Value.Float() != 8 {
			t.Errorf("3.5*2+1: %v %v, want 8 good", v.Value, v.Quality)
		}
		if v := waitFor(bus, flowing); !v.Quality.IsGood() || v.Value.Kind() != tags.KindBool || !v.Value.Bool() {
			t.Errorf("Flowing: %v %v, want true good", v.Value, v.Quality)
		}
		// A bad input: bad output, keeping its value; then recovery.
		pub(bus, flow, tags.Float(3.5), tags.BadQuality(tags.ReasonNoComm, 0))
		if v := waitFor(bus, out); v.Quality != tags.BadQuality(tags.ReasonBadInput, 0) || v.Value.Float() != 8 {
			t.Errorf("bad input: %v %v", v.Value, v.Quality)
		}
		if v := waitFor(bus, flowing); v.Quality.IsGood() {
			t.Errorf("Flowing over a bad output: %v", v.Quality)
		}
		pub(bus, flow, tags.Float(1), tags.GoodQuality)
		if v := waitFor(bus, out); !v.Quality.IsGood() || v.Value.Float() != 3 {
			t.Errorf("recovered: %v %v, want 3 good", v.Value, v.Quality)
		}
		if v := waitFor(bus, flowing); !v.Quality.IsGood() || v.Value.Bool() {
			t.Errorf("Flowing: %v %v, want false good", v.Value, v.Quality)
		}
		// Uncertain input: uncertain output.
		pub(bus, flow, tags.Float(2), tags.Quality{Level: tags.Uncertain, Reason: tags.ReasonStale})
		if v := waitFor(bus, out); v.Quality.Level != tags.Uncertain || v.Value.Float() != 5 {
			t.Errorf("uncertain: %v %v", v.Value, v.Quality)
		}
		r.Stop()
		if v := bus.Get(out); v.Quality != tags.BadQuality(tags.ReasonStopped, 0) {
			t.Errorf("after Stop: %v", v.Quality)
		}
	})
}

// TestRunnerOneBatch: a round's outputs reach a subscriber in one batch.
func TestRunnerOneBatch(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r, bus := newTestRunner(t, []Spec{
			{Name: "Plant.S", Kind: "testsum", Inputs: map[string]string{"a": "Plant.Flow.Rate", "b": "Plant.Flow.Other"}, Params: Params{"gain": 2}},
			{Name: "Plant.E", Kind: ExprKind, Expr: "Plant.Flow.Rate + 1"},
		})
		r.Start(t.Context())
		defer r.Stop()
		synctest.Wait()
		sub := bus.Subscribe("test")
		defer sub.Close()
		bus.Publish([]tags.Update{
			{ID: id(t, bus, "Plant.Flow.Rate"), VQT: tags.VQT{Value: tags.Float(1), Quality: tags.GoodQuality, Time: time.Now()}},
			{ID: id(t, bus, "Plant.Flow.Other"), VQT: tags.VQT{Value: tags.Float32(2), Quality: tags.GoodQuality, Time: time.Now()}},
		})
		synctest.Wait()
		batches := sub.Batches(nil)
		if len(batches) != 2 || len(batches[1]) != 3 {
			t.Fatalf("batches %v: want the inputs, then the 3 outputs in one", batches)
		}
		want := map[string]string{"Plant.S.sum": "6", "Plant.S.pos": "true", "Plant.E": "2"}
		for _, u := range batches[1] {
			name := bus.Table().Def(u.ID).Name
			if u.VQT.Value.String() != want[name] || !u.VQT.Quality.IsGood() {
				t.Errorf("%s = %v %v, want %s good", name, u.VQT.Value, u.VQT.Quality, want[name])
			}
		}
		if d := bus.Table().Def(id(t, bus, "Plant.S.sum")); d.Units != "m3/h" || d.Type != tags.TypeFloat64 {
			t.Errorf("sum def %+v", d)
		}
	})
}

func TestRunnerScheduleAndErrors(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r, bus := newTestRunner(t, []Spec{
			{Name: "Plant.S", Kind: "testsum", Inputs: map[string]string{"a": "Plant.Flow.Rate"}, Every: time.Second},
			{Name: "Plant.T", Kind: ExprKind, Expr: "total(Plant.Flow.Rate)", Every: time.Second},
		})
		r.Start(t.Context())
		defer r.Stop()
		flow, sum, total := id(t, bus, "Plant.Flow.Rate"), id(t, bus, "Plant.S.sum"), id(t, bus, "Plant.T")
		pub(bus, flow, tags.Float(4), tags.GoodQuality)
		if v := waitFor(bus, sum); v.Quality.IsGood() {
			t.Errorf("a scheduled model ran on a change: %v", v)
		}
		time.Sleep(time.Second) // synctest: the fake clock
		if v := waitFor(bus, sum); !v.Quality.IsGood() || v.Value.Float() != 4 {
			t.Errorf("after 1 s: %v %v, want 4", v.Value, v.Quality)
		}
		time.Sleep(3 * time.Second)
		// total: first sample at 1 s, then 2, 3, 4 s at 4 m3/s: 12.
		if v := waitFor(bus, total); !v.Quality.IsGood() || v.Value.Float() != 12 {
			t.Errorf("total after 4 s: %v %v, want 12", v.Value, v.Quality)
		}
		pub(bus, flow, tags.Float(-5000), tags.GoodQuality)
		time.Sleep(time.Second)
		if v := waitFor(bus, sum); v.Quality != tags.BadQuality(tags.ReasonModelError, 0) {
			t.Errorf("Eval error: %v", v.Quality)
		}
	})
}

func TestRunnerLearner(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r, bus := newTestRunner(t, []Spec{
			{Name: "Plant.L", Kind: "testlearn", Inputs: map[string]string{"x": "Plant.Flow.Rate"}},
			{Name: "Plant.E", Kind: ExprKind, Expr: "Plant.Flow.Rate"},
		})
		if _, err := r.Train("Plant.E", nil); !errors.Is(err, ErrNotLearner) {
			t.Errorf("Train of a formula: %v", err)
		}
		if _, err := r.Train("Plant.Nope", nil); !errors.Is(err, ErrUnknownModel) {
			t.Errorf("Train of nothing: %v", err)
		}
		r.Start(t.Context())
		defer r.Stop()
		flow, dev := id(t, bus, "Plant.Flow.Rate"), id(t, bus, "Plant.L.dev")
		pub(bus, flow, tags.Float(10), tags.GoodQuality)
		if v := waitFor(bus, dev); v.Quality != tags.BadQuality(tags.ReasonNotRead, 0) {
			t.Errorf("untrained (NaN): %v", v.Quality)
		}
		st, err := r.Train("Plant.L", [][]float64{{1}, {2}, {6}})
		if err != nil || !r.Trained("Plant.L") {
			t.Fatal(err)
		}
		pub(bus, flow, tags.Float(11), tags.GoodQuality)
		if v := waitFor(bus, dev); !v.Quality.IsGood() || v.Value.Float() != 8 {
			t.Errorf("trained on mean 3: %v %v, want 8", v.Value, v.Quality)
		}
		r2, _ := newTestRunner(t, []Spec{{Name: "Plant.L", Kind: "testlearn", Inputs: map[string]string{"x": "Plant.Flow.Rate"}}})
		if err := r2.Load("Plant.L", st); err != nil || !r2.Trained("Plant.L") {
			t.Errorf("Load: %v", err)
		}
	})
}

func TestOutputDefsProblems(t *testing.T) {
	typeOf := func(n string) (tags.DataType, bool) {
		switch n {
		case "Plant.Flow.Rate", "Plant.Existing.sum":
			return tags.TypeFloat64, true
		case "Plant.Name":
			return tags.TypeString, true
		}
		return 0, false
	}
	specs := []Spec{
		{Name: "Plant.A", Kind: "nosuch"},
		{Name: "Plant.B", Kind: "testsum", Inputs: map[string]string{"z": "Plant.Flow.Rate"}},
		{Name: "Plant.C", Kind: "testsum", Inputs: map[string]string{"a": "Plant.Nope"}, Params: Params{"gain": 11, "k": 1}},
		{Name: "Plant.Existing", Kind: "testsum", Inputs: map[string]string{"a": "Plant.Flow.Rate"}},
		{Name: "Plant.D", Kind: ExprKind, Expr: "Plant.Flow.Rate +"},
		{Name: "Plant.D", Kind: ExprKind, Expr: "1"},
		{Name: "Plant.F", Kind: "testsum", Inputs: map[string]string{"a": "Plant.Name"}},
	}
	_, errs := Resolve(specs, typeOf)
	var got []string
	for _, e := range errs {
		var se *SpecError
		if !errors.As(e, &se) {
			t.Fatalf("%v is not a SpecError", e)
		}
		got = append(got, specs[se.Model].Name+" "+se.Key+": "+se.Error())
	}
	want := []string{
		`Plant.Existing name: output Plant.Existing.sum: a tag of that name already exists`,
		`Plant.D name: model Plant.D defined twice (first is model 5)`,
		`Plant.A kind: unknown model kind "nosuch" (known: `,
		`Plant.B inputs: missing input "a" (testsum takes a, b (optional))`,
		`Plant.B inputs.z: unknown input "z" for testsum (it takes a, b (optional))`,
		`Plant.C inputs.a: input a: unknown tag "Plant.Nope"`,
		`Plant.C params.gain: param gain: 11 is out of range [0, 10]`,
		`Plant.C params.k: unknown param "k" for testsum (it takes gain)`,
		`Plant.D expr: expr "Plant.Flow.Rate +": unexpected token EOF (column 17)`,
		`Plant.F inputs.a: input a: tag Plant.Name is a string; a model reads numbers and bools`,
	}
	if len(got) != len(want) {
		t.Fatalf("got %d problems:\n%s", len(got), strings.Join(got, "\n"))
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("problem %d:\n got %s\nwant %s", i, got[i], want[i])
		}
	}
}

// TestRunnerExprNil: a formula that gives nil on purpose (no value while
// the pump is stopped) makes its output bad, not read, keeping the last
// value, and says nothing in the log: it is not a problem.
func TestRunnerExprNil(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r, bus := newTestRunner(t, []Spec{
			{Name: "Plant.Calc.RunningFlow", Kind: ExprKind, Expr: "Plant.P1.Running ? Plant.Flow.Rate : nil"},
			// A series model on it: the stops are gaps in its series.
			{Name: "Plant.Calc.FlowZ", Kind: "zscore", Inputs: map[string]string{"x": "Plant.Calc.RunningFlow"}, Params: Params{"window": 2}},
		})
		var log bytes.Buffer
		r.log = slog.New(slog.NewTextHandler(&log, nil))
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		r.Start(ctx)
		defer r.Stop()
		flow, run, out := id(t, bus, "Plant.Flow.Rate"), id(t, bus, "Plant.P1.Running"), id(t, bus, "Plant.Calc.RunningFlow")
		pub(bus, run, tags.Bool(true), tags.GoodQuality)
		for k := range 3 { // the z-score's window of 2 filled
			pub(bus, flow, tags.Float(float64(10+k)), tags.GoodQuality)
			waitFor(bus, out)
			if k == 0 {
				if q := bus.Get(id(t, bus, "Plant.Calc.FlowZ.z")).Quality; q != tags.BadQuality(tags.ReasonWarmingUp, 0) {
					t.Errorf("the z-score on its first sample: %v, want bad (warming up)", q)
				}
			}
		}
		log.Reset() // the start, before the inputs were read, and the warm-up are logged
		for k := range 3 {
			f := float64(20 + k)
			pub(bus, flow, tags.Float(f), tags.GoodQuality)
			pub(bus, run, tags.Bool(true), tags.GoodQuality)
			if v := waitFor(bus, out); !v.Quality.IsGood() || v.Value.Float() != f {
				t.Errorf("running: %v %v, want %v good", v.Value, v.Quality, f)
			}
			pub(bus, run, tags.Bool(false), tags.GoodQuality)
			if v := waitFor(bus, out); v.Quality != tags.BadQuality(tags.ReasonNotRead, 0) || v.Value.Float() != f {
				t.Errorf("stopped: %v %v, want %v kept, bad (not read)", v.Value, v.Quality, f)
			}
		}
		// The z-score saw the running samples only, and holds its last
		// outputs (good) over the gaps.
		z := id(t, bus, "Plant.Calc.FlowZ.z")
		if v := bus.Get(z); !v.Quality.IsGood() {
			t.Errorf("the z-score over the stops: %v %v, want its last value, good", v.Value, v.Quality)
		}
		if log.Len() > 0 {
			t.Errorf("a nil by design was logged:\n%s", log.String())
		}
	})
}
