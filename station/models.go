package station

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/sightglass/sightglass/historian"
	"github.com/sightglass/sightglass/models"
	"github.com/sightglass/sightglass/state"
)

// ModelStateBucket holds each learning model's learned state, by model
// name: a ModelState as JSON. Start gives it back to the model.
const ModelStateBucket = "models.state"

// DefaultTrainWindow is the history a model learns from when its spec
// gives no train window.
const DefaultTrainWindow = 7 * 24 * time.Hour

// trainGrid is the spacing of the rows a model with several inputs learns
// from; maxTrainRows bounds their number (the grid widens to fit).
const (
	trainGrid    = time.Second
	maxTrainRows = 1_000_000
)

// ModelState is what the station stores of a trained model.
type ModelState struct {
	Kind    string    `json:"kind"`
	Version int       `json:"version"` // 1, 2... one more at each training
	Trained time.Time `json:"trained"`
	From    time.Time `json:"from"` // the history window it learned from
	To      time.Time `json:"to"`
	Rows    int       `json:"rows"`
	State   []byte    `json:"state"` // the kind's (Learner.Train)
}

// ErrNoModels: the station runs no models, or history or state is off.
var ErrNoModels = errors.New("models: not available")

// newModels builds the runner of the project's models; nil when it has
// none. The tag table already holds their outputs.
func (s *Station) newModels() error {
	if len(s.proj.Models) == 0 {
		return nil
	}
	r, err := models.NewRunner(s.proj.Models, s.bus, s.log.With("part", "models"))
	if err != nil {
		return fmt.Errorf("models: %w", err)
	}
	s.models = r
	return nil
}

// Models returns the station's model runner, nil when the project has no
// models.
func (s *Station) Models() *models.Runner { return s.models }

// startModels gives the learners their stored state and starts the
// runner. Callers hold s.mu.
func (s *Station) startModels(ctx context.Context) {
	if s.models == nil {
		return
	}
	if s.state != nil {
		for _, name := range s.models.Names() {
			if !s.models.IsLearner(name) {
				continue
			}
			ms, ok, err := readModelState(s.state, name)
			switch {
			case err != nil:
				s.log.Error("models: stored state", "model", name, "err", err)
			case ok:
				if err := s.models.Load(name, ms.State); err != nil {
					s.log.Error("models: stored state", "model", name, "err", err)
				}
			}
		}
	}
	s.models.Start(ctx)
}

// ModelState returns the stored state of model name; ok is false when it
// has none (never trained, or state is not enabled).
func (s *Station) ModelState(name string) (ModelState, bool, error) {
	s.mu.Lock()
	st := s.state
	s.mu.Unlock()
	if st == nil {
		return ModelState{}, false, nil
	}
	return readModelState(st, name)
}

func readModelState(st state.Store, name string) (ModelState, bool, error) {
	b, err := st.Get(ModelStateBucket, name)
	if err != nil || b == nil {
		return ModelState{}, false, err
	}
	var ms ModelState
	if err := json.Unmarshal(b, &ms); err != nil {
		return ModelState{}, false, fmt.Errorf("model %s: stored state: %w", name, err)
	}
	return ms, true, nil
}

// TrainModel trains learning model name on its inputs' history over its
// spec's train window (DefaultTrainWindow when none) ending now, and
// stores what it learned in ModelStateBucket; a running model uses it at
// once, and a restarted station gives it back. It needs history
// (EnableHistory) and state (EnableState); the station may be stopped.
//
// Rows: a model of one input learns from every stored sample of it; a
// model of several learns from a 1 s grid (wider when the window holds
// more than a million seconds) where each input holds its last stored
// value (sample and hold, as the historian's compression implies). Only
// rows where every bound input is good are kept; an optional input left
// unbound is NaN.
func (s *Station) TrainModel(ctx context.Context, name string) error {
	r := s.models
	if r == nil {
		return fmt.Errorf("%w: the project has no models", ErrNoModels)
	}
	spec, ok := r.Spec(name)
	if !ok {
		return fmt.Errorf("%w %q", models.ErrUnknownModel, name)
	}
	if !r.IsLearner(name) {
		return fmt.Errorf("model %s (%s): %w", name, spec.Kind, models.ErrNotLearner)
	}
	db := s.History()
	s.mu.Lock()
	st := s.state
	s.mu.Unlock()
	if db == nil || st == nil {
		return fmt.Errorf("%w: training needs history and state", ErrNoModels)
	}
	window := spec.Train
	if window <= 0 {
		window = DefaultTrainWindow
	}
	to := time.Now()
	from := to.Add(-window)
	rows, err := trainRows(ctx, db, r.Inputs(name), from, to)
	if err != nil {
		return fmt.Errorf("model %s: %w", name, err)
	}
	if len(rows) == 0 {
		return fmt.Errorf("model %s: no history with every input good in %s to %s", name, from.Format(time.RFC3339), to.Format(time.RFC3339))
	}
	learned, err := r.Train(name, rows)
	if err != nil {
		return err
	}
	ms := ModelState{Kind: spec.Kind, Version: 1, Trained: to, From: from, To: to, Rows: len(rows), State: learned}
	if prev, ok, _ := readModelState(st, name); ok {
		ms.Version = prev.Version + 1
	}
	b, err := json.Marshal(ms)
	if err != nil {
		return err
	}
	if _, err := st.Apply(state.Batch{Puts: []state.KV{{Bucket: ModelStateBucket, Key: name, Value: b}}}); err != nil {
		return fmt.Errorf("model %s: store state: %w", name, err)
	}
	s.log.Info("model trained", "model", name, "version", ms.Version, "rows", len(rows), "from", from, "to", to)
	return nil
}

// trainRows reads the inputs' history in [from, to) as rows (see
// TrainModel). inputs are tag names; "" is an unbound input.
func trainRows(ctx context.Context, db *historian.DB, inputs []string, from, to time.Time) ([][]float64, error) {
	series := make([][]historian.Sample, len(inputs))
	bound := 0
	for i, name := range inputs {
		if name == "" {
			continue
		}
		bound++
		id, ok := db.Lookup(name)
		if !ok {
			return nil, fmt.Errorf("input %s is not in the history", name)
		}
		ss, err := db.Raw(ctx, id, from.UnixMilli(), to.UnixMilli(), 0)
		if err != nil {
			return nil, fmt.Errorf("input %s: %w", name, err)
		}
		series[i] = ss
	}
	row := func(vals []float64) []float64 {
		out := make([]float64, len(vals))
		copy(out, vals)
		return out
	}
	vals := make([]float64, len(inputs))
	for i, name := range inputs {
		if name == "" {
			vals[i] = math.NaN()
		}
	}
	var rows [][]float64
	if bound == 1 {
		for i, ss := range series {
			if inputs[i] == "" {
				continue
			}
			for _, smp := range ss {
				if smp.Q.IsGood() && !smp.V.IsZero() {
					vals[i] = smp.V.Float()
					rows = append(rows, row(vals))
				}
			}
		}
		return rows, nil
	}
	step := trainGrid
	if n := to.Sub(from) / step; n > maxTrainRows {
		step = to.Sub(from) / maxTrainRows
	}
	next := make([]int, len(inputs))  // the next sample of each input
	good := make([]bool, len(inputs)) // its held value is good
	for t := from.UnixMilli(); t < to.UnixMilli(); t += step.Milliseconds() {
		all := true
		for i, ss := range series {
			if inputs[i] == "" {
				continue
			}
			for next[i] < len(ss) && ss[next[i]].T <= t {
				smp := ss[next[i]]
				good[i] = smp.Q.IsGood() && !smp.V.IsZero()
				vals[i] = smp.V.Float()
				next[i]++
			}
			all = all && good[i]
		}
		if all {
			rows = append(rows, row(vals))
		}
	}
	return rows, nil
}

// ModelSpecs returns the specs of the station's models in project order;
// nil when the project has none.
func (s *Station) ModelSpecs() []models.Spec {
	r := s.models
	if r == nil {
		return nil
	}
	names := r.Names()
	out := make([]models.Spec, 0, len(names))
	for _, n := range names {
		if sp, ok := r.Spec(n); ok {
			out = append(out, sp)
		}
	}
	return out
}

// ModelLearns reports whether model name learns from history, so that
// TrainModel can train it.
func (s *Station) ModelLearns(name string) bool {
	return s.models != nil && s.models.IsLearner(name)
}
