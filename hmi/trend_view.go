package hmi

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sightglass/sightglass/historian"
	"github.com/sightglass/sightglass/tags"
)

// trendRanges are the ranges a person picks from (labels through lang.L);
// customRange, after them, opens a from/to dialog.
var trendRanges = []struct {
	label string
	span  int64 // ms
}{
	{"10 min", 10 * trendMinute},
	{"1 h", trendHour},
	{"8 h", 8 * trendHour},
	{"24 h", trendDay},
	{"7 d", 7 * trendDay},
}

const customRange = "Custom…"

// defaultRange is a new trend's range: an hour, live.
const defaultRange = trendHour

// liveTick is how often a live trend checks whether its next query is
// due (see liveEvery): the brief's "at most every second".
const liveTick = time.Second

// Errors of the pen calls.
var (
	// ErrTooManyPens: a trend holds maxPens pens.
	ErrTooManyPens = fmt.Errorf("a trend shows at most %d tags", maxPens)
	// ErrNoSuchTag: the tag is not in the station's tag table.
	ErrNoSuchTag = errors.New("no such tag")
	// ErrPenExists: the tag is on the trend already.
	ErrPenExists = errors.New("already on the trend")
)

// Pen is one tag on a trend with its vertical scale: Auto fits the
// visible data; otherwise the scale runs from Min to Max.
type Pen struct {
	Tag  string  `json:"tag"`
	Auto bool    `json:"auto"`
	Min  float64 `json:"min"`
	Max  float64 `json:"max"`
}

// trendPen is a pen with its colour and definition.
type trendPen struct {
	Pen
	slot int       // its colour: the palette's slot-th
	def  *tags.Def // nil when the tag left the table
}

// TrendView is the trend screen: a toolbar (range, pan, zoom, live or
// paused, export, pen sets), the plot, and below it the pens with the
// readout at the cursor and each pen's scale, and a field to add a tag.
//
// It queries the history off the UI goroutine, on one worker goroutine
// that Start starts: each change of the view (a pan, a zoom, a new pen, a
// new plot width) cancels the query in flight and asks a new one, whose
// answer is shown with fyne.Do. In live mode the worker's ticker moves
// the range to now once a second or once a pixel's time, whichever is
// longer. Stop (the window's close) cancels and waits for it all.
type TrendView struct {
	src TrendSource
	win fyne.Window // parent of dialogs
	now func() time.Time
	loc *time.Location

	// UI state, on the Fyne goroutine.
	pens      []trendPen
	length    int64 // the chosen range's length, ms
	live      bool
	shown     bool // on screen: a hidden trend does not follow now
	bridge    int64
	data      trendData          // the last answer shown
	tails     []historian.Sample // live: each pen's latest value on the bus, drawn at the right edge
	gen       uint64             // the last query asked
	cancelQ   context.CancelFunc // cancels it
	lastQuery time.Time          // when a live query was last asked
	syncing   bool               // widgets are being set from state: their callbacks do nothing

	plot       *trendPlot
	toolbar    *fyne.Container
	rangeSel   *widget.Select
	liveBtn    *widget.Button
	rangeText  *widget.Label
	cursorText *widget.Label
	rows       []*penRow
	penBox     *fyne.Container
	addEntry   *widget.SelectEntry
	status     *widget.Label
	content    fyne.CanvasObject

	uiLoop // the worker; ctx is its, cancelled by Stop; answers queued before Stop are not shown after it
	reqs   chan trendQuery

	tickEvery time.Duration // liveTick; tests lengthen it
	applied   func()        // tests: called after an answer is shown
}

// NewTrendView makes an empty trend of the last hour, live, reading src;
// win is the parent of its dialogs. Call Start to run its queries and
// Stop when it closes.
func NewTrendView(src TrendSource, win fyne.Window) *TrendView {
	v := &TrendView{
		src: src, win: win, now: time.Now, loc: time.Local,
		length: defaultRange, live: true, shown: true, bridge: defaultBridge,
		reqs: make(chan trendQuery, 1), tickEvery: liveTick,
	}
	v.initLoop()
	v.plot = newTrendPlot()
	v.plot.onView = v.userView
	v.plot.onCursor = func(int64) { v.showReadout() }
	v.plot.onWidth = func(int) { v.query() }
	now := v.now().UnixMilli()
	v.plot.view = timeSpan{now - v.length, now}

	v.toolbar = v.newToolbar()
	v.cursorText = widget.NewLabel("")
	v.penBox = container.NewVBox()
	v.addEntry = widget.NewSelectEntry(nil)
	v.addEntry.SetPlaceHolder(lang.L("Add a tag: type part of its name"))
	v.addEntry.OnChanged = v.suggest
	v.addEntry.OnSubmitted = func(s string) { v.addTyped(s) }
	addBtn := widget.NewButtonWithIcon(lang.L("Add"), theme.ContentAddIcon(), func() { v.addTyped(v.addEntry.Text) })
	v.status = &widget.Label{Truncation: fyne.TextTruncateEllipsis}
	add := container.NewBorder(nil, nil, nil, addBtn, v.addEntry)
	pens := container.NewVBox(v.cursorText, v.penBox, add, v.status)
	split := container.NewVSplit(v.plot, container.NewVScroll(pens))
	split.Offset = 0.65
	v.content = container.NewBorder(v.toolbar, nil, nil, nil, split)
	v.syncWidgets()
	v.regeometry()
	return v
}

// Content is the trend's screen.
func (v *TrendView) Content() fyne.CanvasObject { return v.content }

// newToolbar makes the toolbar: every control at least a touch target.
func (v *TrendView) newToolbar() *fyne.Container {
	labels := make([]string, 0, len(trendRanges)+1)
	for _, r := range trendRanges {
		labels = append(labels, lang.L(r.label))
	}
	v.rangeSel = widget.NewSelect(append(labels, lang.L(customRange)), v.rangeChosen)
	back := widget.NewButtonWithIcon("", theme.NavigateBackIcon(), func() { v.panBy(-0.5) })
	fwd := widget.NewButtonWithIcon("", theme.NavigateNextIcon(), func() { v.panBy(0.5) })
	zoomOut := widget.NewButtonWithIcon("", theme.ZoomOutIcon(), func() { v.zoomBy(buttonZoom) })
	zoomIn := widget.NewButtonWithIcon("", theme.ZoomInIcon(), func() { v.zoomBy(1.0 / buttonZoom) })
	v.liveBtn = widget.NewButton("", func() { v.SetLive(!v.live) })
	v.rangeText = &widget.Label{Truncation: fyne.TextTruncateEllipsis}
	csv := widget.NewButtonWithIcon(lang.L("CSV"), theme.DocumentSaveIcon(), func() { v.exportDialog("csv") })
	png := widget.NewButtonWithIcon(lang.L("PNG"), theme.DocumentSaveIcon(), func() { v.exportDialog("png") })
	var sets *widget.Button
	sets = widget.NewButtonWithIcon(lang.L("Pen sets"), theme.FolderOpenIcon(), func() { v.setsMenu(sets) })
	left := container.NewHBox(toolbarTouch(v.rangeSel), toolbarTouch(back), toolbarTouch(zoomOut), toolbarTouch(zoomIn), toolbarTouch(fwd), toolbarTouch(v.liveBtn))
	right := container.NewHBox(toolbarTouch(csv), toolbarTouch(png), toolbarTouch(sets))
	return container.NewBorder(nil, nil, left, right, v.rangeText)
}

// Start starts the worker. It does nothing if the trend is running.
func (v *TrendView) Start() {
	every := v.tickEvery
	v.startLoop(func(ctx context.Context, stop <-chan struct{}) { v.run(ctx, stop, every) })
}

// Stop cancels the query in flight, stops the worker and waits for it.
// It may be called again.
func (v *TrendView) Stop() {
	v.stopLoop()
}

// run is the worker: it runs the newest query and ticks the live view.
// It never waits for the UI: answers and ticks are queued with fyne.Do.
//
// Ticks fall on the wall clock's multiples of every, as the other views'
// (tickEvery), so that a live trend's tail moves in the same repaint as
// their clocks.
func (v *TrendView) run(ctx context.Context, stop <-chan struct{}, every time.Duration) {
	t := time.NewTimer(untilNextTick(time.Now(), every))
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			fyne.Do(v.tick)
			t.Reset(untilNextTick(time.Now(), every))
		case q := <-v.reqs:
			qctx, cancel := context.WithCancel(q.ctx)
			unhook := context.AfterFunc(ctx, cancel) // Stop cancels it too
			d := fetchTrend(qctx, v.src, q)
			unhook()
			stale := qctx.Err() != nil // replaced by a newer query, or stopped
			cancel()
			if !stale {
				fyne.Do(func() { v.answer(d) })
			}
		}
	}
}

// tick moves a live trend to now when a query is due.
func (v *TrendView) tick() {
	if !v.running.Load() || !v.live || !v.shown {
		return
	}
	now := v.now()
	if now.Sub(v.lastQuery) < liveEvery(v.plot.view, v.plot.pixelWidth()) && !now.Before(v.lastQuery) {
		// Between queries the line reaches now through the latest values
		// on the bus, redrawn when one changed.
		if v.readTails() {
			v.regeometry()
		}
		return
	}
	v.follow(now)
	v.query()
}

// follow moves the view to end at now.
func (v *TrendView) follow(now time.Time) {
	t := now.UnixMilli()
	v.plot.setView(timeSpan{t - v.length, t})
	v.showRange()
}

// query asks the worker for the pens over the view, replacing the query
// in flight. With no pens or no width it shows an empty trend at once.
func (v *TrendView) query() {
	if v.cancelQ != nil {
		v.cancelQ()
		v.cancelQ = nil
	}
	v.gen++
	v.lastQuery = v.now()
	width := v.plot.pixelWidth()
	names := make([]string, len(v.pens))
	for i := range v.pens {
		names[i] = v.pens[i].Tag
	}
	if len(names) == 0 || width <= 0 {
		v.apply(trendData{gen: v.gen, span: v.plot.view, width: width})
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	v.cancelQ = cancel
	select {
	case <-v.reqs: // one the worker has not started: it was cancelled above
	default:
	}
	v.reqs <- trendQuery{gen: v.gen, ctx: ctx, tags: names, span: v.plot.view, width: width}
}

// answer shows a query's answer unless a newer query was asked since.
func (v *TrendView) answer(d trendData) {
	if !v.running.Load() || d.gen != v.gen {
		return
	}
	v.apply(d)
}

// apply shows d.
func (v *TrendView) apply(d trendData) {
	v.data = d
	v.plot.data, v.plot.cols = d.span, d.width
	v.regeometry()
	v.showReadout()
	var errs []string
	for i, err := range d.errs {
		if err != nil {
			errs = append(errs, d.tags[i]+": "+err.Error())
		}
	}
	if len(errs) > 0 {
		v.setStatus(strings.Join(errs, "; "), widget.DangerImportance)
	} else if v.status.Importance == widget.DangerImportance {
		v.setStatus("", widget.MediumImportance)
	}
	if v.applied != nil {
		v.applied()
	}
}

// regeometry recomputes every pen's scale and segments from the data
// shown, and redraws the plot.
func (v *TrendView) regeometry() {
	p := v.plot
	if v.live {
		v.readTails()
	}
	p.pens = slices.Grow(p.pens[:0], len(v.pens))[:len(v.pens)]
	for i := range v.pens {
		pen := &v.pens[i]
		cols, _ := v.data.colsOf(pen.Tag)
		sc := v.scaleOf(pen, cols)
		pp := &p.pens[i]
		pp.color, pp.scale = v.plot.penColor(pen.slot), sc
		end := buildGeometry(cols, sc, v.bridge, &pp.geom)
		if x, ok := v.tailX(); ok {
			appendTail(&pp.geom, end, x, v.tails[i], sc, v.bridge)
		}
	}
	if p.axisPen >= len(v.pens) {
		p.axisPen = len(v.pens) - 1
	}
	p.message = ""
	if len(v.pens) == 0 {
		p.message = lang.L("Add a tag below to trend it")
	}
	p.changed()
	v.syncRows()
}

// tailX is where a live trend draws its pens' latest values: the plot's
// right edge, in columns of the data shown (trendSeg's X). ok is false
// when the trend is paused or has no data.
func (v *TrendView) tailX() (float32, bool) {
	d := v.data
	if !v.live || d.width <= 0 || d.span.length() <= 0 || len(v.tails) != len(v.pens) {
		return 0, false
	}
	colMs := float64(max(d.span.length()/int64(d.width), 1))
	return float32(float64(v.plot.view.To-d.span.From) / colMs), true
}

// readTails reads every pen's latest value from the bus into v.tails and
// reports whether any changed since the last read.
func (v *TrendView) readTails() bool {
	changed := len(v.tails) != len(v.pens)
	v.tails = slices.Grow(v.tails[:0], len(v.pens))[:len(v.pens)]
	bus := v.src.Bus()
	for i := range v.pens {
		s := historian.Sample{Q: tags.BadQuality(tags.ReasonConfigError, 0)} // not on the bus: not drawn
		if bus != nil {
			if id, ok := bus.Table().Lookup(v.pens[i].Tag); ok {
				q := bus.Get(id)
				s = historian.Sample{T: historian.Millis(q.Time), V: q.Value, Q: q.Quality}
			}
		}
		if s.T != v.tails[i].T || !s.V.Equal(v.tails[i].V) || s.Q != v.tails[i].Q {
			changed = true
		}
		v.tails[i] = s
	}
	return changed
}

// scaleOf is a pen's scale over cols: fixed when it is fixed and valid,
// otherwise fitted to the data (0..1 with no data).
func (v *TrendView) scaleOf(pen *trendPen, cols []historian.Column) penScale {
	if !pen.Auto && pen.Max > pen.Min {
		return penScale{pen.Min, pen.Max}
	}
	if lo, hi, ok := trendDataRange(cols); ok {
		return trendAutoScale(lo, hi)
	}
	return penScale{0, 1}
}

// userView shows s after a pan or zoom by the person: that leaves live
// mode.
func (v *TrendView) userView(s timeSpan) {
	v.live = false
	v.plot.setView(clampSpan(s, minSpan, maxSpan, v.now().UnixMilli()))
	v.length = v.plot.view.length()
	v.syncWidgets()
	v.query()
}

// panBy pans by a fraction of the view (negative: earlier).
func (v *TrendView) panBy(frac float64) {
	w := float64(max(v.plot.pixelWidth(), 1))
	v.userView(panSpan(v.plot.view, -frac*w, w))
}

// zoomBy zooms about the middle of the view (factor above 1: out).
func (v *TrendView) zoomBy(factor float64) {
	w := float64(max(v.plot.pixelWidth(), 1))
	v.userView(zoomSpan(v.plot.view, factor, w/2, w, minSpan, maxSpan))
}

// rangeChosen is the range select's OnChanged.
func (v *TrendView) rangeChosen(string) {
	if v.syncing {
		return
	}
	i := v.rangeSel.SelectedIndex()
	switch {
	case i == len(trendRanges):
		v.customDialog()
	case i >= 0:
		v.SetRange(time.Duration(trendRanges[i].span) * time.Millisecond)
	}
}

// SetRange shows the last d, live.
func (v *TrendView) SetRange(d time.Duration) {
	v.length = min(max(d.Milliseconds(), minSpan), maxSpan)
	v.live = true
	v.follow(v.now())
	v.syncWidgets()
	v.query()
}

// SetCustomRange shows [from, to), paused.
func (v *TrendView) SetCustomRange(from, to time.Time) {
	v.live = false
	v.plot.setView(clampSpan(spanOf(from, to), minSpan, maxSpan, v.now().UnixMilli()))
	v.length = v.plot.view.length()
	v.syncWidgets()
	v.query()
}

// SetLive follows now (true) or pauses where the trend is (false).
func (v *TrendView) SetLive(on bool) {
	v.live = on
	if on {
		v.follow(v.now())
		v.query()
	}
	v.syncWidgets()
}

// SetShown tells the trend whether it is on screen: a hidden trend does
// not follow now, and one shown again catches up at once.
func (v *TrendView) SetShown(on bool) {
	if on == v.shown {
		return
	}
	v.shown = on
	if on && v.live {
		v.follow(v.now())
		v.query()
	}
}

// View is the time range the trend shows.
func (v *TrendView) View() (from, to time.Time) {
	return time.UnixMilli(v.plot.view.From), time.UnixMilli(v.plot.view.To)
}

// Live reports whether the trend follows now.
func (v *TrendView) Live() bool { return v.live }

// syncWidgets shows the range and the live state in the toolbar.
func (v *TrendView) syncWidgets() {
	v.syncing = true
	defer func() { v.syncing = false }()
	sel := len(trendRanges) // custom
	for i, r := range trendRanges {
		if r.span == v.length && v.live {
			sel = i
		}
	}
	if v.rangeSel.SelectedIndex() != sel {
		v.rangeSel.SetSelectedIndex(sel)
	}
	if v.live {
		v.liveBtn.SetText(lang.L("Pause"))
		v.liveBtn.SetIcon(theme.MediaPauseIcon())
	} else {
		v.liveBtn.SetText(lang.L("Live"))
		v.liveBtn.SetIcon(theme.MediaPlayIcon())
	}
	v.showRange()
}

// showRange writes the view's range beside the toolbar's controls.
func (v *TrendView) showRange() {
	if v.rangeText == nil {
		return
	}
	s := formatSpan(v.plot.view, v.loc)
	if v.live {
		s = lang.L("live") + ", " + s
	}
	if v.rangeText.Text != s {
		v.rangeText.SetText(s)
	}
}

// formatSpan prints a range: "2026-03-01 09:00:00 – 10:00:00" within a
// day, both dates otherwise.
func formatSpan(s timeSpan, loc *time.Location) string {
	from, to := time.UnixMilli(s.From).In(loc), time.UnixMilli(s.To).In(loc)
	fy, fm, fd := from.Date()
	if ty, tm, td := to.Date(); fy == ty && fm == tm && fd == td {
		return from.Format(time.DateTime) + " – " + to.Format(time.TimeOnly)
	}
	return from.Format(time.DateTime) + " – " + to.Format(time.DateTime)
}

// customDialog asks for a from and a to time.
func (v *TrendView) customDialog() {
	if v.win == nil {
		return
	}
	const layout = "2006-01-02 15:04:05"
	from, to := widget.NewEntry(), widget.NewEntry()
	from.SetText(time.UnixMilli(v.plot.view.From).In(v.loc).Format(layout))
	to.SetText(time.UnixMilli(v.plot.view.To).In(v.loc).Format(layout))
	valid := func(s string) error {
		_, err := time.ParseInLocation(layout, strings.TrimSpace(s), v.loc)
		if err != nil {
			return errors.New("as 2006-01-02 15:04:05")
		}
		return nil
	}
	from.Validator, to.Validator = valid, valid
	items := []*widget.FormItem{widget.NewFormItem(lang.L("From"), from), widget.NewFormItem(lang.L("To"), to)}
	dialog.ShowForm(lang.L("Custom range"), lang.L("Show"), lang.L("Cancel"), items, func(ok bool) {
		if !ok {
			v.syncWidgets() // the select goes back to what is shown
			return
		}
		f, _ := time.ParseInLocation(layout, strings.TrimSpace(from.Text), v.loc)
		t, _ := time.ParseInLocation(layout, strings.TrimSpace(to.Text), v.loc)
		if !t.After(f) {
			v.setStatus(lang.L("Custom range: To must be after From"), widget.DangerImportance)
			v.syncWidgets()
			return
		}
		v.SetCustomRange(f, t)
	}, v.win)
}

// setStatus shows a message under the pens; imp colours failures.
func (v *TrendView) setStatus(text string, imp widget.Importance) {
	v.status.Text, v.status.Importance = text, imp
	v.status.Refresh()
}

// toolbarTarget is the least side of a toolbar control, in units: 48 dp,
// the Material Design touch target (Apple asks 44 pt), about 9 mm at
// 96 dpi: a gloved finger on a rugged tablet hits it.
const toolbarTarget = 48

// toolbarTouch wraps o so that it is at least a touch target, or a row of the
// theme if that is larger.
func toolbarTouch(o fyne.CanvasObject) fyne.CanvasObject {
	return container.New(toolbarTouchLayout{}, o)
}

type toolbarTouchLayout struct{}

func (toolbarTouchLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	side := max(toolbarTarget, rowHeight(theme.Current()))
	m := fyne.NewSize(side, side)
	for _, o := range objs {
		m = m.Max(o.MinSize())
	}
	return m
}

func (toolbarTouchLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

var _ fyne.Layout = toolbarTouchLayout{}
