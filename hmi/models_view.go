package hmi

import (
	"context"
	"math"
	"slices"
	"strconv"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sightglass/sightglass/auth"
	"github.com/sightglass/sightglass/models"
	"github.com/sightglass/sightglass/station"
	"github.com/sightglass/sightglass/tags"
)

// ModelStation is a station that runs analytic models, found by a type
// assertion on the window's Station. *station.Station satisfies it.
type ModelStation interface {
	// ModelSpecs lists the models in project order; none: no tab.
	ModelSpecs() []models.Spec
	// ModelLearns reports whether a model learns from history.
	ModelLearns(name string) bool
	// ModelState is a learning model's last training; ok is false when
	// it was never trained. Called off the UI goroutine.
	ModelState(name string) (st station.ModelState, ok bool, err error)
	// TrainModel retrains a learning model over its window. It may take
	// a while; the window calls it off the UI goroutine and cancels ctx
	// on Stop.
	TrainModel(ctx context.Context, name string) error
}

// modelEntry is one model as the tab shows it: its inputs and outputs as
// tags on the bus.
type modelEntry struct {
	spec              models.Spec
	kind              *models.Kind // nil: a calculated tag
	learns            bool
	inRoles, inTags   []string
	outNames, outTags []string
	inIDs, outIDs     []tags.ID
	inOK, outOK       []bool // the tag is in the bus's table
}

func (e *modelEntry) outTag(name string) string {
	if i := slices.Index(e.outNames, name); i >= 0 {
		return e.outTags[i]
	}
	return ""
}

func (e *modelEntry) inTag(role string) string { return e.spec.Inputs[role] }

// newModelEntry resolves spec's tags in table (nil: none resolved).
func newModelEntry(spec models.Spec, learns bool, table *tags.Table) *modelEntry {
	e := &modelEntry{spec: spec, learns: learns}
	if k, ok := models.Lookup(spec.Kind); ok {
		e.kind = k
		for _, p := range k.Inputs {
			e.inRoles, e.inTags = append(e.inRoles, p.Name), append(e.inTags, spec.Inputs[p.Name])
		}
		for _, p := range k.Outputs {
			e.outNames, e.outTags = append(e.outNames, p.Name), append(e.outTags, spec.Name+"."+p.Name)
		}
	} else { // a calculated tag: its output is its own name
		for _, role := range slices.Sorted(func(yield func(string) bool) {
			for r := range spec.Inputs {
				if !yield(r) {
					return
				}
			}
		}) {
			e.inRoles, e.inTags = append(e.inRoles, role), append(e.inTags, spec.Inputs[role])
		}
		e.outNames, e.outTags = []string{spec.Name}, []string{spec.Name}
	}
	lookup := func(names []string) (ids []tags.ID, ok []bool) {
		for _, n := range names {
			var id tags.ID
			found := false
			if table != nil && n != "" {
				id, found = table.Lookup(n)
			}
			ids, ok = append(ids, id), append(ok, found)
		}
		return ids, ok
	}
	e.inIDs, e.inOK = lookup(e.inTags)
	e.outIDs, e.outOK = lookup(e.outTags)
	return e
}

// worst is the lowest quality of the outputs in snap; an output not on
// the bus is bad.
func (e *modelEntry) worst(snap []tags.VQT) tags.Quality {
	q := tags.GoodQuality
	for i, id := range e.outIDs {
		if !e.outOK[i] || int(id) >= len(snap) {
			return tags.BadQuality(tags.ReasonNotRead, 0)
		}
		if oq := snap[id].Quality; oq.Level < q.Level {
			q = oq
		}
	}
	return q
}

// ModelsView is the window's "Models" tab: the models on the left, each
// with its status (the worst quality of its outputs); on the right the
// chosen model's inputs and outputs with their live values and quality,
// its last training with a Retrain button (the Reports permission:
// supervisors and above) and a chart that explains its result. It
// follows the bus only while its tab is shown, when the bus version
// moved, and reads the chart's history on show and every chartEvery.
type ModelsView struct {
	st     ModelStation
	src    TrendSource // nil: no history
	people *people
	loop   *uiLoop

	entries []*modelEntry
	status  []tags.Quality // by entry, as listed
	sel     int            // the chosen entry, -1 none

	// UI state, on the Fyne goroutine.
	shown     bool
	version   uint64
	fresh     bool // the labels show the snapshot of version
	snap      []tags.VQT
	lastChart time.Time
	charting  bool // a chart query is in flight
	training  bool // a training is in flight

	list     *widget.List
	title    *widget.Label
	inGrid   *fyne.Container
	outGrid  *fyne.Container
	trained  *widget.Label
	retrain  *widget.Button
	progress *widget.Activity
	result   *widget.Label
	chart    *modelChart
	details  *fyne.Container
	hint     *widget.Label
	content  fyne.CanvasObject
	tab      *container.TabItem

	// run calls op off the Fyne goroutine and then done on it; tests make
	// it synchronous.
	run func(op func() error, done func(error))
}

// addModels adds the "Models" tab when the station runs models.
func (m *MainWindow) addModels() {
	ms, ok := m.st.(ModelStation)
	if !ok || len(ms.ModelSpecs()) == 0 {
		return
	}
	src, _ := m.st.(TrendSource)
	m.models = newModelsView(ms, src, m.st.Bus(), m.people, &m.uiLoop)
	m.ensureTabs()
	m.models.tab = container.NewTabItem(lang.L("Models"), m.models.content)
	m.tabs.Append(m.models.tab)
}

func newModelsView(st ModelStation, src TrendSource, bus *tags.Bus, p *people, loop *uiLoop) *ModelsView {
	v := &ModelsView{st: st, src: src, people: p, loop: loop, sel: -1}
	v.run = v.runAsync
	var table *tags.Table
	if bus != nil {
		table = bus.Table()
	}
	for _, sp := range st.ModelSpecs() {
		v.entries = append(v.entries, newModelEntry(sp, st.ModelLearns(sp.Name), table))
	}
	v.status = make([]tags.Quality, len(v.entries))
	v.list = widget.NewList(
		func() int { return len(v.entries) },
		func() fyne.CanvasObject {
			return container.NewBorder(nil, nil, nil, widget.NewLabel(""), widget.NewLabel(""))
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id < len(v.entries) {
				row := o.(*fyne.Container)
				e := v.entries[id]
				row.Objects[0].(*widget.Label).SetText(e.spec.Name + "  (" + e.spec.Kind + ")")
				showQuality(row.Objects[1].(*widget.Label), v.status[id])
			}
		})
	v.list.OnSelected = func(id widget.ListItemID) { v.choose(id) }
	v.title = &widget.Label{TextStyle: fyne.TextStyle{Bold: true}}
	v.inGrid = container.NewGridWithColumns(4)
	v.outGrid = container.NewGridWithColumns(4)
	v.trained = widget.NewLabel("")
	v.retrain = widget.NewButtonWithIcon(lang.L("Retrain"), theme.ViewRefreshIcon(), v.Retrain)
	v.progress = widget.NewActivity() // not an infinite progress bar: see passwordStatus
	v.progress.Stop()
	v.progress.Hide()
	v.result = &widget.Label{Truncation: fyne.TextTruncateEllipsis}
	v.chart = newModelChart()
	top := container.NewVBox(v.title,
		&widget.Label{Text: lang.L("Inputs"), TextStyle: fyne.TextStyle{Bold: true}}, v.inGrid,
		&widget.Label{Text: lang.L("Outputs"), TextStyle: fyne.TextStyle{Bold: true}}, v.outGrid,
		container.NewBorder(nil, nil, nil, v.retrain, v.trained),
		v.progress, v.result)
	v.details = container.NewBorder(top, nil, nil, nil, v.chart)
	v.details.Hide()
	v.hint = &widget.Label{Text: lang.L("Choose a model"), Alignment: fyne.TextAlignCenter}
	split := container.NewHSplit(v.list, container.NewStack(container.NewCenter(v.hint), v.details))
	split.Offset = 0.3
	v.content = split
	p.whenChanged(v.gate)
	v.gate()
	return v
}

func (v *ModelsView) runAsync(op func() error, done func(error)) {
	v.loop.wg.Go(func() {
		err := op()
		fyne.Do(func() { done(err) })
	})
}

// context is the loop's context, the parent of the view's station calls.
func (l *uiLoop) context() context.Context {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.ctx
}

// showQuality shows a quality's level, coloured.
func showQuality(l *widget.Label, q tags.Quality) {
	imp := widget.SuccessImportance
	switch q.Level {
	case tags.Bad:
		imp = widget.DangerImportance
	case tags.Uncertain:
		imp = widget.WarningImportance
	}
	text := formatQuality(q)
	if l.Text != text || l.Importance != imp {
		l.Text, l.Importance = text, imp
		l.Refresh()
	}
}

// selected is the chosen model, nil none.
func (v *ModelsView) selected() *modelEntry {
	if v.sel < 0 || v.sel >= len(v.entries) {
		return nil
	}
	return v.entries[v.sel]
}

// Select chooses the model called name, as a click in the list does.
func (v *ModelsView) Select(name string) {
	for i, e := range v.entries {
		if e.spec.Name == name {
			v.list.Select(i)
			return
		}
	}
}

// choose shows model id's details and reads its training and chart.
func (v *ModelsView) choose(id int) {
	v.people.touch()
	v.sel = id
	e := v.selected()
	if e == nil {
		v.details.Hide()
		v.hint.Show()
		return
	}
	v.title.SetText(e.spec.Name + " — " + e.spec.Kind)
	v.inGrid.Objects = rowLabels(len(e.inTags))
	v.outGrid.Objects = rowLabels(len(e.outTags))
	v.inGrid.Refresh()
	v.outGrid.Refresh()
	v.result.SetText("")
	v.chart.SetData(chartData{})
	v.hint.Hide()
	v.details.Show()
	v.details.Refresh() // the grids' rows changed: lay them out again
	v.fresh = false
	v.showValues()
	v.loadTraining()
	v.gate()
	v.lastChart = time.Time{}
}

// rowLabels makes four labels per row: name, tag, value, quality.
func rowLabels(n int) []fyne.CanvasObject {
	out := make([]fyne.CanvasObject, 0, 4*n)
	for range n {
		out = append(out, widget.NewLabel(""), &widget.Label{Truncation: fyne.TextTruncateEllipsis},
			&widget.Label{Alignment: fyne.TextAlignTrailing}, widget.NewLabel(""))
	}
	return out
}

// showValues shows the chosen model's inputs and outputs from snap.
func (v *ModelsView) showValues() {
	e := v.selected()
	if e == nil {
		return
	}
	fill := func(grid *fyne.Container, names, tagNames []string, ids []tags.ID, ok []bool) {
		for i := range names {
			name := grid.Objects[4*i].(*widget.Label)
			tag := grid.Objects[4*i+1].(*widget.Label)
			val := grid.Objects[4*i+2].(*widget.Label)
			q := grid.Objects[4*i+3].(*widget.Label)
			setText(name, names[i])
			switch {
			case tagNames[i] == "":
				setText(tag, lang.L("(unbound)"))
				setText(val, "")
				setText(q, "")
			case !ok[i] || int(ids[i]) >= len(v.snap):
				setText(tag, tagNames[i])
				setText(val, "")
				showQuality(q, tags.BadQuality(tags.ReasonNotRead, 0))
			default:
				vqt := v.snap[ids[i]]
				setText(tag, tagNames[i])
				setText(val, formatValue(vqt.Value))
				showQuality(q, vqt.Quality)
			}
		}
	}
	fill(v.inGrid, e.inRoles, e.inTags, e.inIDs, e.inOK)
	fill(v.outGrid, e.outNames, e.outTags, e.outIDs, e.outOK)
}

func setText(l *widget.Label, s string) {
	if l.Text != s {
		l.SetText(s)
	}
}

// loadTraining reads the chosen model's last training off the Fyne
// goroutine and shows it.
func (v *ModelsView) loadTraining() {
	e := v.selected()
	if e == nil {
		return
	}
	if !e.learns {
		v.trained.SetText(lang.L("Does not learn from history"))
		return
	}
	name := e.spec.Name
	var ms station.ModelState
	var ok bool
	v.run(func() error {
		var err error
		ms, ok, err = v.st.ModelState(name)
		return err
	}, func(err error) {
		if cur := v.selected(); cur == nil || cur.spec.Name != name {
			return
		}
		switch {
		case err != nil:
			v.trained.SetText(err.Error())
		case !ok:
			v.trained.SetText(lang.L("Never trained"))
		default:
			v.trained.SetText(lang.L("Version {{.Version}}, trained {{.At}} on {{.Window}} of history ({{.Rows}} rows)", map[string]any{
				"Version": ms.Version, "At": ms.Trained.Format("2006-01-02 15:04"),
				"Window": formatWindow(ms.To.Sub(ms.From)), "Rows": ms.Rows}))
		}
	})
}

// gate enables Retrain for a learning model, to a session with the
// Reports permission, while no training runs.
func (v *ModelsView) gate() {
	e := v.selected()
	on := e != nil && e.learns && !v.training && v.people.can(auth.Reports, "")
	if e != nil && !e.learns {
		v.retrain.Hide()
	} else {
		v.retrain.Show()
	}
	if on && v.retrain.Disabled() {
		v.retrain.Enable()
	} else if !on && !v.retrain.Disabled() {
		v.retrain.Disable()
	}
}

// Retrain trains the chosen model off the Fyne goroutine, showing that it
// runs and then its result.
func (v *ModelsView) Retrain() {
	e := v.selected()
	if e == nil || !e.learns || v.training {
		return
	}
	if why := v.people.refusal(auth.Reports, ""); why != "" {
		v.setResult(why, widget.DangerImportance)
		return
	}
	v.people.touch()
	name := e.spec.Name
	v.training = true
	v.gate()
	v.progress.Show()
	v.progress.Start()
	v.setResult(lang.L("Training {{.Model}}…", map[string]any{"Model": name}), widget.MediumImportance)
	ctx := v.loop.context()
	v.run(func() error { return v.st.TrainModel(ctx, name) }, func(err error) {
		v.training = false
		v.progress.Stop()
		v.progress.Hide()
		v.gate()
		if err != nil {
			v.setResult(err.Error(), widget.DangerImportance)
			return
		}
		v.setResult(lang.L("{{.Model}} trained", map[string]any{"Model": name}), widget.SuccessImportance)
		v.loadTraining()
	})
}

func (v *ModelsView) setResult(text string, imp widget.Importance) {
	v.result.Text, v.result.Importance = text, imp
	v.result.Refresh()
}

// refresh follows the window's snapshot while the tab is shown: the
// statuses and values when the bus version moved, the chart on show and
// every chartEvery. It runs on the Fyne goroutine at the window's rate.
func (v *ModelsView) refresh(m *MainWindow, now time.Time) {
	if v == nil {
		return
	}
	shown := m.tabs != nil && m.tabs.Selected() == v.tab
	if !shown {
		v.shown = false
		return
	}
	if !v.shown {
		v.shown, v.fresh, v.lastChart = true, false, time.Time{}
	}
	if !v.fresh || m.version != v.version {
		v.snap, v.version, v.fresh = m.snap, m.version, true
		changed := false
		for i, e := range v.entries {
			if q := e.worst(v.snap); q != v.status[i] {
				v.status[i], changed = q, true
			}
		}
		if changed {
			v.list.Refresh()
		}
		v.showValues()
	}
	if e := v.selected(); e != nil && !v.charting && now.Sub(v.lastChart) >= chartEvery {
		v.loadChart(e, now)
	}
}

// loadChart reads e's chart off the Fyne goroutine and shows it.
func (v *ModelsView) loadChart(e *modelEntry, now time.Time) {
	v.lastChart, v.charting = now, true
	in := chartInput{m: e, now: now, live: map[string]float64{}}
	for i, name := range e.outNames {
		f := math.NaN()
		if e.outOK[i] && int(e.outIDs[i]) < len(v.snap) {
			if vqt := v.snap[e.outIDs[i]]; vqt.Quality.IsGood() && !vqt.Value.IsZero() {
				f = vqt.Value.Float()
			}
		}
		in.live[name] = f
	}
	ctx := v.loop.context()
	var d chartData
	v.run(func() error {
		d = buildChart(ctx, v.src, in)
		return nil
	}, func(error) {
		v.charting = false
		if cur := v.selected(); cur == e {
			v.chart.SetData(d)
		}
	})
}

// formatWindow prints a training window as a person gives it: "7 d",
// "12 h", else Go's duration ("90m0s").
func formatWindow(d time.Duration) string {
	switch {
	case d > 0 && d%(24*time.Hour) == 0:
		return strconv.Itoa(int(d/(24*time.Hour))) + " d"
	case d > 0 && d%time.Hour == 0:
		return strconv.Itoa(int(d/time.Hour)) + " h"
	}
	return d.String()
}
