package station

import (
	"context"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/sightglass/sightglass/project"
	"github.com/sightglass/sightglass/sim"
	"github.com/sightglass/sightglass/tags"
)

// writeModelsProject writes a one-device project with a calculated tag
// over the simulated tank level and a learning EWMA chart of it.
func writeModelsProject(t *testing.T, addr string) *project.Project {
	t.Helper()
	return writeProject(t, addr, `models:
  - name: Plant.Calc.Twice
    expr: "Plant.Tank1.Level * 2 + 1"
  - name: Plant.Tank1.Chart
    kind: ewma
    inputs: {x: Plant.Tank1.Level}
    train: 1h
`)
}

func TestModelsOnTheBus(t *testing.T) {
	defer goleak.VerifyNone(t)
	srv, err := sim.Listen(t.Context(), "127.0.0.1:0", sim.New(1))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	p := writeModelsProject(t, srv.Addr())
	st, err := New(p, nil)
	if err != nil {
		t.Fatal(err)
	}
	table := st.Bus().Table()
	// The outputs follow the project's tags, before the system tags.
	if d := table.Def(tags.ID(len(p.Tags))); d.Name != "Plant.Calc.Twice" || d.Type != tags.TypeFloat64 {
		t.Errorf("tag after the project's: %+v", d)
	}
	if _, ok := table.Lookup("Plant.Tank1.Chart.alarm"); !ok {
		t.Error("no Plant.Tank1.Chart.alarm tag")
	}
	if err := st.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	level, _ := table.Lookup(testLevelTag)
	twice, _ := table.Lookup("Plant.Calc.Twice")
	waitFor(t, st, 5*time.Second, "the calculated tag good", func() bool {
		return st.Bus().Get(twice).Quality.IsGood()
	})
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
	defer cancel()
	if err := st.Models().Sync(ctx); err != nil {
		t.Fatal(err)
	}
	lv, tv := st.Bus().Get(level), st.Bus().Get(twice)
	if want := lv.Value.Float()*2 + 1; tv.Value.Float() != want {
		t.Errorf("Twice = %v with the level at %v, want %v", tv.Value, lv.Value, want)
	}
	// The device goes away: the output turns bad, with the reason.
	srv.Close()
	waitFor(t, st, 3*time.Second, "the calculated tag bad", func() bool {
		return st.Bus().Get(twice).Quality == tags.BadQuality(tags.ReasonBadInput, 0)
	})
	st.Stop()
	if q := st.Bus().Get(twice).Quality; q != tags.BadQuality(tags.ReasonStopped, 0) {
		t.Errorf("after Stop: %v", q)
	}
}

func TestTrainModelFromHistory(t *testing.T) {
	defer goleak.VerifyNone(t)
	srv, err := sim.Listen(t.Context(), "127.0.0.1:0", sim.New(1))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	p := writeModelsProject(t, srv.Addr())
	data := t.TempDir()
	open := func() *Station {
		st, err := New(p, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.EnableHistory(data); err != nil {
			t.Fatal(err)
		}
		if err := st.EnableState(data, StateOptions{}); err != nil {
			t.Fatal(err)
		}
		return st
	}
	st := open()
	if err := st.TrainModel(t.Context(), "Plant.Calc.Twice"); err == nil {
		t.Error("trained a calculated tag")
	}
	if err := st.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	waitFor(t, st, 10*time.Second, "five level samples", func() bool {
		id, _ := st.History().Lookup(testLevelTag)
		got, err := st.History().Raw(context.Background(), id, 0, time.Now().Add(time.Minute).UnixMilli(), 0)
		return err == nil && len(got) >= 5
	})
	if st.Models().Trained("Plant.Tank1.Chart") {
		t.Fatal("trained before training")
	}
	if err := st.TrainModel(t.Context(), "Plant.Tank1.Chart"); err != nil {
		t.Fatal(err)
	}
	if !st.Models().Trained("Plant.Tank1.Chart") {
		t.Error("not trained after TrainModel")
	}
	ms, ok, err := st.ModelState("Plant.Tank1.Chart")
	if err != nil || !ok || ms.Kind != "ewma" || ms.Version != 1 || ms.Rows < 3 || ms.To.Sub(ms.From) != time.Hour {
		t.Errorf("stored state %+v %v %v", ms, ok, err)
	}
	st.Stop()

	// A restart gives the model its learned state back.
	st2 := open()
	if err := st2.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	defer st2.Stop()
	if !st2.Models().Trained("Plant.Tank1.Chart") {
		t.Error("not trained after the restart")
	}
}
