package hmi

import (
	"context"
	"errors"
	"math"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/sightglass/sightglass/auth"
	"github.com/sightglass/sightglass/models"
	"github.com/sightglass/sightglass/station"
	"github.com/sightglass/sightglass/tags"
)

// The models tests' plant: one measured value and two models on it, an
// EWMA chart (it learns its mean and σ) and a rolling z-score.
const (
	mdlX     = "Line.X"
	mdlChart = "Line.Chart"
	mdlZ     = "Line.Z"
)

var mdlSpecs = []models.Spec{
	{Name: mdlChart, Kind: "ewma", Inputs: map[string]string{"x": mdlX}, Params: models.Params{"lambda": 0.2, "L": 3}},
	{Name: mdlZ, Kind: "zscore", Inputs: map[string]string{"x": mdlX}, Params: models.Params{"window": 5}},
}

// mdlT0 is when the test station says the EWMA chart was trained.
var mdlT0 = time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)

// mdlRows are what TrainModel learns from: mean 10, σ 1 (n−1).
var mdlRows = [][]float64{{9}, {10}, {11}}

// mdlStation is a ModelStation over a real bus and a real models.Runner;
// TrainModel trains the runner on mdlRows and keeps the state in memory.
type mdlStation struct {
	*testStation
	r *models.Runner

	mu       sync.Mutex // guards the fields below
	states   map[string]station.ModelState
	trainErr error
	trains   int
}

func newMdlStation(t *testing.T, specs []models.Spec) *mdlStation {
	t.Helper()
	in := []tags.Def{{Name: mdlX, Device: "plc1", Type: tags.TypeFloat64, Units: "bar"}}
	typeOf := func(name string) (tags.DataType, bool) {
		for _, d := range in {
			if d.Name == name {
				return d.Type, true
			}
		}
		return tags.TypeInvalid, false
	}
	outs, err := models.OutputDefs(specs, typeOf)
	if err != nil {
		t.Fatal(err)
	}
	ts := newTestStation(append(in, outs...))
	r, err := models.NewRunner(specs, ts.bus, nil)
	if err != nil {
		t.Fatal(err)
	}
	return &mdlStation{testStation: ts, r: r, states: map[string]station.ModelState{}}
}

func (s *mdlStation) ModelSpecs() []models.Spec {
	var out []models.Spec
	for _, n := range s.r.Names() {
		sp, _ := s.r.Spec(n)
		out = append(out, sp)
	}
	return out
}

func (s *mdlStation) ModelLearns(name string) bool { return s.r.IsLearner(name) }

func (s *mdlStation) ModelState(name string) (station.ModelState, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ms, ok := s.states[name]
	return ms, ok, nil
}

func (s *mdlStation) TrainModel(_ context.Context, name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.trains++
	if s.trainErr != nil {
		return s.trainErr
	}
	learned, err := s.r.Train(name, mdlRows)
	if err != nil {
		return err
	}
	ms := s.states[name]
	ms.Version++
	ms.Trained, ms.From, ms.To = mdlT0, mdlT0.Add(-7*24*time.Hour), mdlT0
	ms.Rows, ms.State = len(mdlRows), learned
	s.states[name] = ms
	return nil
}

// run starts the runner, publishes x and waits until the models have
// evaluated it.
func (s *mdlStation) run(t *testing.T, x float64) {
	t.Helper()
	s.r.Start(t.Context())
	t.Cleanup(s.r.Stop)
	s.publish(t, mdlX, tags.Float(x), tags.GoodQuality, mdlT0)
	if err := s.r.Sync(t.Context()); err != nil {
		t.Fatal(err)
	}
}

// mdlWindow opens the window over st with the models' station calls
// synchronous and the Models tab shown.
func mdlWindow(t *testing.T, st Station) *MainWindow {
	t.Helper()
	test.NewTempApp(t).Settings().SetTheme(NewTheme())
	win := test.NewTempWindow(t, nil)
	m := NewWindow(win, st)
	t.Cleanup(m.Stop)
	if m.models != nil {
		m.models.run = func(op func() error, done func(error)) { done(op()) }
		m.tabs.Select(m.models.tab)
	}
	win.Resize(fyne.NewSize(1000, 700))
	return m
}

// A station without models has no Models tab; one with models has it.
func TestModelsTabShownOnlyWithModels(t *testing.T) {
	m := mdlWindow(t, newTestStation(testDefs))
	if m.models != nil {
		t.Fatal("a station that is no ModelStation has a Models tab")
	}
	m = mdlWindow(t, &mdlStation{testStation: newTestStation(testDefs), r: mustRunner(t, nil)})
	if m.models != nil {
		t.Fatal("a station without models has a Models tab")
	}
	st := newMdlStation(t, mdlSpecs)
	m = mdlWindow(t, st)
	if m.models == nil || m.tabs.Selected().Text != "Models" {
		t.Fatal("no Models tab")
	}
}

func mustRunner(t *testing.T, specs []models.Spec) *models.Runner {
	r, err := models.NewRunner(specs, tags.NewBus(tags.NewTable(nil)), nil)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// The list shows each model with its status; the EWMA chart's details
// show its input and outputs live, and its last training.
func TestModelsMarkup(t *testing.T) {
	st := newMdlStation(t, mdlSpecs)
	if err := st.TrainModel(t.Context(), mdlChart); err != nil {
		t.Fatal(err)
	}
	st.run(t, 12)
	m := mdlWindow(t, st)
	m.now = func() time.Time { return mdlT0 }
	m.models.Select(mdlChart)
	m.refresh()

	// Hand-computed: z = 0.2·12 + 0.8·10 = 10.4; limits 10 ± 3·1·sqrt(0.2/1.8·(1−0.8²)) = 10 ± 0.6.
	e := m.models.selected()
	val := func(tag string) float64 {
		id, _ := st.bus.Table().Lookup(tag)
		return st.bus.Get(id).Value.Float()
	}
	for tag, want := range map[string]float64{mdlChart + ".ewma": 10.4, mdlChart + ".ucl": 10.6, mdlChart + ".lcl": 9.4} {
		if got := val(tag); math.Abs(got-want) > 1e-9 {
			t.Errorf("%s = %v, want %v", tag, got, want)
		}
	}
	if e.worst(m.models.snap).Level != tags.Good {
		t.Errorf("EWMA chart status %v, want good", e.worst(m.models.snap))
	}
	if q := m.models.status[1]; q.Level != tags.Bad {
		t.Errorf("z-score status %v, want bad (one sample is no window)", q)
	}
	test.AssertRendersToMarkup(t, "models_ewma.xml", m.win.Canvas())
}

// Retrain needs the Reports permission (supervisor and above): the
// viewer and an operator see it disabled; a supervisor trains, sees the
// new version, and sees a failure's text.
func TestModelsRetrainNeedsReports(t *testing.T) {
	users := newTestUsers(t)
	if err := users.AddUser(nil, "ada", auth.Admin, nil, pplPassword); err != nil {
		t.Fatal(err)
	}
	admin, err := users.SignIn("ada", pplPassword, "test")
	if err != nil {
		t.Fatal(err)
	}
	for name, role := range map[string]auth.Role{"olga": auth.Operator, "sue": auth.Supervisor} {
		if err := users.AddUser(admin, name, role, nil, pplPassword); err != nil {
			t.Fatal(err)
		}
	}
	if err := users.SignOut(admin); err != nil {
		t.Fatal(err)
	}
	st := newMdlStation(t, mdlSpecs)
	st.users = users
	m := mdlWindow(t, st)
	v := m.models
	v.Select(mdlChart)
	m.refresh()
	if !v.retrain.Disabled() {
		t.Fatal("Retrain enabled for the viewer")
	}
	if v.trained.Text != "Never trained" {
		t.Errorf("training %q, want Never trained", v.trained.Text)
	}
	switchTo := func(name string) {
		t.Helper()
		if _, err := users.Switch(name, pplPassword, windowFrom); err != nil {
			t.Fatal(err)
		}
		m.people.refresh()
	}
	switchTo("olga")
	if !v.retrain.Disabled() {
		t.Fatal("Retrain enabled for an operator")
	}
	test.Tap(v.retrain)
	if st.trains != 0 {
		t.Fatal("an operator's tap trained")
	}
	switchTo("sue")
	if v.retrain.Disabled() {
		t.Fatal("Retrain disabled for a supervisor")
	}
	test.Tap(v.retrain)
	if st.trains != 1 || v.result.Text != mdlChart+" trained" || v.progress.Visible() {
		t.Fatalf("after Retrain: %d trainings, result %q, progress shown %v", st.trains, v.result.Text, v.progress.Visible())
	}
	if want := "Version 1, trained 2026-03-02 08:00 on 7 d of history (3 rows)"; v.trained.Text != want {
		t.Errorf("training %q, want %q", v.trained.Text, want)
	}
	st.mu.Lock()
	st.trainErr = errors.New("model Line.Chart: no history with every input good")
	st.mu.Unlock()
	test.Tap(v.retrain)
	if v.result.Text != "model Line.Chart: no history with every input good" || v.retrain.Disabled() {
		t.Errorf("after a failed Retrain: result %q, disabled %v", v.result.Text, v.retrain.Disabled())
	}
	// The z-score does not learn: no Retrain at all.
	v.Select(mdlZ)
	if v.retrain.Visible() {
		t.Error("Retrain shown for a model that does not learn")
	}
}

// The OEE waterfall of a known shift: A 0.875, P 0.857, Q 0.95 give
// OEE 0.71238125, each loss a bar from where the one before ended.
func TestModelsOEEWaterfall(t *testing.T) {
	bars := waterfall(0.875, 0.857, 0.95)
	want := [][2]float64{ // bottom, top
		{0, 1},                 // planned
		{0.875, 1},             // availability loss 12.5 %
		{0.749875, 0.875},      // performance loss: 0.875·(1−0.857)
		{0.71238125, 0.749875}, // quality loss: 0.749875·(1−0.95)
		{0, 0.71238125},        // OEE
	}
	if len(bars) != len(want) {
		t.Fatalf("%d bars, want %d", len(bars), len(want))
	}
	for i, w := range want {
		if math.Abs(bars[i].bottom-w[0]) > 1e-12 || math.Abs(bars[i].top-w[1]) > 1e-12 {
			t.Errorf("bar %d (%s): %v–%v, want %v–%v", i, bars[i].label, bars[i].bottom, bars[i].top, w[0], w[1])
		}
	}
	// In a 500 × 200 plot: columns of 100, bars 50 wide from x 25.
	pos, sizes := barRects(bars, fyne.NewSize(500, 200))
	wantRects := [][4]float32{ // x, y, width, height
		{25, 0, 50, 200},
		{125, 0, 50, 25},
		{225, 25, 50, 25.025},
		{325, 50.025, 50, 7.49875},
		{425, 57.52375, 50, 142.47625},
	}
	for i, w := range wantRects {
		got := [4]float32{pos[i].X, pos[i].Y, sizes[i].Width, sizes[i].Height}
		for j := range w {
			if math.Abs(float64(got[j]-w[j])) > 1e-3 {
				t.Errorf("bar %d: rect %v, want %v", i, got, w)
				break
			}
		}
	}
}
