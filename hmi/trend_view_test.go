package hmi

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/png"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"go.uber.org/goleak"
	"golang.org/x/image/font/basicfont"

	"github.com/sightglass/sightglass/historian"
	"github.com/sightglass/sightglass/station"
	"github.com/sightglass/sightglass/tags"
)

// The trend tests' tags: one with a scale (a fixed pen by default), one
// without (auto), a bool.
var trendDefs = []tags.Def{
	{Name: "Area1.Tank1.Level", Type: tags.TypeUint16, Units: "m", Description: "Tank 1 level",
		Scale: &tags.Scale{Raw: [2]float64{0, 1000}, Eng: [2]float64{0, 5}}},
	{Name: "Area1.Pump1.Speed", Type: tags.TypeFloat32, Units: "rpm", Description: "Feed pump"},
	{Name: "Area1.Pump1.Running", Type: tags.TypeBool, Description: "Feed pump running"},
}

// trendNow is the trend tests' "now".
var trendNow = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)

// decimateCall is one call of fakeSource.Decimate.
type decimateCall struct {
	tag      string
	from, to int64
	width    int
	err      error // what it returned
}

// fakeSource is a TrendSource that answers with columns made by cols and
// records its calls. It is a fake: the station's own Decimate is tested
// in package station.
type fakeSource struct {
	bus  *tags.Bus
	cols func(tag string, from, to int64, width int) []historian.Column

	mu        sync.Mutex
	calls     []decimateCall
	blockNext bool          // the next call waits for its ctx
	entered   chan struct{} // signalled when a blocking call starts
}

func newFakeSource(defs []tags.Def) *fakeSource {
	return &fakeSource{bus: tags.NewBus(tags.NewTable(defs)), cols: rampCols, entered: make(chan struct{}, 1)}
}

func (s *fakeSource) Bus() *tags.Bus { return s.bus }

func (s *fakeSource) Decimate(ctx context.Context, tag string, from, to time.Time, width int) ([]historian.Column, error) {
	s.mu.Lock()
	block := s.blockNext
	s.blockNext = false
	s.mu.Unlock()
	var cols []historian.Column
	var err error
	if block {
		s.entered <- struct{}{}
		<-ctx.Done()
		err = ctx.Err()
	} else {
		cols = s.cols(tag, from.UnixMilli(), to.UnixMilli(), width)
	}
	s.mu.Lock()
	s.calls = append(s.calls, decimateCall{tag, from.UnixMilli(), to.UnixMilli(), width, err})
	s.mu.Unlock()
	return cols, err
}

func (s *fakeSource) takeCalls() []decimateCall {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.calls
	s.calls = nil
	return c
}

// rampCols answers every tag with width columns of two samples each: in
// column i the value rises from i%10 to i%10 + 1, plus the tag name's
// length (tags differ).
func rampCols(tag string, from, to int64, width int) []historian.Column {
	cols := make([]historian.Column, width)
	span := max((to-from)/int64(width), 1)
	for i := range cols {
		c := &cols[i]
		c.Start, c.End = from+int64(i)*span, from+int64(i+1)*span
		v := float64(i%10 + len(tag))
		c.N = 2
		c.First, c.Last = gs(c.Start, v), gs(c.End-1, v+1)
		c.Min, c.Max = c.First, c.Last
	}
	cols[width-1].End = to
	return cols
}

// applyWaiter waits for the trend to show a query's answer.
type applyWaiter struct{ gens chan uint64 }

// wait waits until the answer to query gen is shown.
func (w *applyWaiter) wait(t *testing.T, gen uint64) {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case g := <-w.gens:
			if g == gen {
				return
			}
		case <-timeout:
			t.Fatalf("the answer to query %d was never shown", gen)
		}
	}
}

// newTestTrend opens a trend of src in a 1100×800 test window, its clock
// pinned to trendNow and its times in UTC, showing [trendNow − 1 h,
// trendNow) paused. It is not started.
func newTestTrend(t *testing.T, src TrendSource) (*TrendView, fyne.Window, *applyWaiter) {
	t.Helper()
	test.NewTempApp(t).Settings().SetTheme(NewTheme())
	return newTestTrendInApp(t, src)
}

// newTestTrendInApp is newTestTrend in the current test app (sharing its
// preferences).
func newTestTrendInApp(t *testing.T, src TrendSource) (*TrendView, fyne.Window, *applyWaiter) {
	t.Helper()
	v := NewTrendView(src, nil)
	v.now = func() time.Time { return trendNow }
	v.loc = time.UTC
	v.plot.loc = time.UTC
	v.tickEvery = time.Hour // ticks only when a test calls tick
	w := &applyWaiter{gens: make(chan uint64, 256)}
	v.applied = func() { w.gens <- v.data.gen }
	win := test.NewTempWindow(t, v.Content())
	win.Resize(fyne.NewSize(1100, 800))
	v.SetCustomRange(trendNow.Add(-time.Hour), trendNow)
	return v, win, w
}

// startTrend starts v's worker and waits for the answer to its last
// query. Only the tests of the worker itself start it: with the worker
// running, fyne.Do runs answers on the worker's goroutine in tests (the
// test driver has no UI goroutine), so a test must not touch the trend
// until the answer it waits for is shown.
func startTrend(t *testing.T, v *TrendView, w *applyWaiter) {
	t.Helper()
	v.Start()
	t.Cleanup(v.Stop)
	w.wait(t, v.gen)
}

// settle answers v's pending query on the test goroutine, as the worker
// does, so that tests act and look at the trend from one goroutine.
func settle(t *testing.T, v *TrendView) {
	t.Helper()
	for {
		select {
		case q := <-v.reqs:
			d := fetchTrend(q.ctx, v.src, q)
			if q.ctx.Err() == nil && d.gen == v.gen {
				v.apply(d)
			}
		default:
			return
		}
	}
}

func TestTrendDrawsEveryPenFromOneQueryEach(t *testing.T) {
	src := newFakeSource(trendDefs)
	v, _, _ := newTestTrend(t, src)
	for _, d := range trendDefs {
		if err := v.AddPen(d.Name); err != nil {
			t.Fatal(err)
		}
	}
	settle(t, v)

	width := v.plot.pixelWidth()
	if width < 800 {
		t.Fatalf("plot is %d px wide in a 1100 px window", width)
	}
	from, to := trendNow.Add(-time.Hour).UnixMilli(), trendNow.UnixMilli()
	calls := src.takeCalls()
	slices.SortFunc(calls, func(a, b decimateCall) int { return strings.Compare(a.tag, b.tag) })
	want := []decimateCall{
		{"Area1.Pump1.Running", from, to, width, nil},
		{"Area1.Pump1.Speed", from, to, width, nil},
		{"Area1.Tank1.Level", from, to, width, nil},
	}
	if !slices.Equal(calls, want) {
		t.Errorf("Decimate calls:\n got %+v\nwant %+v", calls, want)
	}

	// Each pen draws the geometry of its columns on its scale: the tank
	// on its tag's engineering range, the others fitted to their data.
	wantScales := []penScale{{0, 5}, trendAutoScale(17, 27), trendAutoScale(19, 29)}
	for i, d := range trendDefs {
		p := v.plot.pens[i]
		if p.scale != wantScales[i] {
			t.Errorf("%s: scale %v, want %v", d.Name, p.scale, wantScales[i])
		}
		var g penGeometry
		buildGeometry(rampCols(d.Name, from, to, width), wantScales[i], defaultBridge, &g)
		if !sameGeometry(p.geom, g) {
			t.Errorf("%s: the geometry drawn is not that of its columns", d.Name)
		}
		if p.color != penColors[i] {
			t.Errorf("%s: colour %v, want palette %d", d.Name, p.color, i)
		}
	}
	if got := v.Pens(); !slices.Equal(got, []Pen{
		{Tag: "Area1.Tank1.Level", Min: 0, Max: 5},
		{Tag: "Area1.Pump1.Speed", Auto: true},
		{Tag: "Area1.Pump1.Running", Auto: true},
	}) {
		t.Errorf("pens %+v", got)
	}
}

func TestTrendRasterShowsThePen(t *testing.T) {
	src := newFakeSource(trendDefs)
	// A flat line at 2.5 m: the middle of the tank's 0–5 m scale.
	src.cols = func(tag string, from, to int64, width int) []historian.Column {
		cols := make([]historian.Column, width)
		span := (to - from) / int64(width)
		for i := range cols {
			s := gs(from+int64(i)*span, 2.5)
			cols[i] = historian.Column{Start: s.T, End: s.T + span, N: 1, First: s, Last: s, Min: s, Max: s}
		}
		return cols
	}
	v, win, _ := newTestTrend(t, src)
	v.AddPen("Area1.Tank1.Level")
	settle(t, v)

	img := win.Canvas().Capture()
	pos, sz := v.plot.plotArea(v.plot.Size())
	inset, _ := win.Canvas().InteractiveArea() // the capture includes the window's padding
	abs := fyne.CurrentApp().Driver().AbsolutePositionForObject(v.plot).Add(pos).Add(inset)
	x := int(abs.X + sz.Width/3)
	mid := abs.Y + sz.Height/2
	onLine := func(y int) bool {
		c := toNRGBA(img.At(x, y))
		return closeColour(c, penColors[0], 0x30)
	}
	if !onLine(int(mid)) && !onLine(int(mid)-1) {
		t.Errorf("no pen colour at the plot's middle (%d, %v): %v", x, mid, img.At(x, int(mid)))
	}
	if c := toNRGBA(img.At(x, int(abs.Y+sz.Height/5))); closeColour(c, penColors[0], 0x30) {
		t.Errorf("pen colour far from the line: %v", c)
	}
}

func closeColour(a, b color.NRGBA, tol int) bool {
	d := func(x, y uint8) int { return max(int(x)-int(y), int(y)-int(x)) }
	return d(a.R, b.R) <= tol && d(a.G, b.G) <= tol && d(a.B, b.B) <= tol
}

func TestTrendPanZoomAndLive(t *testing.T) {
	src := newFakeSource(trendDefs)
	v, _, _ := newTestTrend(t, src)
	v.AddPen("Area1.Pump1.Speed")
	v.SetRange(time.Hour)
	settle(t, v)
	if !v.Live() {
		t.Fatal("SetRange did not go live")
	}
	src.takeCalls()
	pos, sz := v.plot.plotArea(v.plot.Size())
	width := float64(sz.Width) // drags and the wheel count in units

	// A drag to the right shows earlier times and leaves live mode.
	before := v.plot.view
	v.plot.Dragged(&fyne.DragEvent{Dragged: fyne.Delta{DX: 100}})
	settle(t, v)
	want := panSpan(before, 100, width)
	if v.plot.view != want || v.Live() {
		t.Errorf("after a drag: view %v live %v, want %v paused", v.plot.view, v.Live(), want)
	}
	if c := src.takeCalls(); len(c) != 1 || c[0].from != want.From || c[0].to != want.To {
		t.Errorf("after a drag the trend asked %+v, want one query of %v", c, want)
	}
	if got := v.rangeSel.Selected; got != customRange {
		t.Errorf("range select shows %q after a pan", got)
	}

	// The wheel zooms about the pointer.
	before = v.plot.view
	v.plot.Scrolled(&fyne.ScrollEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(pos.X+250, 100)}, Scrolled: fyne.Delta{DY: wheelNotch}})
	settle(t, v)
	if want := zoomSpan(before, 1/wheelZoom, 250, width, minSpan, maxSpan); v.plot.view != want {
		t.Errorf("after a wheel notch: view %v, want %v", v.plot.view, want)
	}

	// The + and − buttons zoom about the middle.
	before = v.plot.view
	v.zoomBy(buttonZoom)
	settle(t, v)
	if got, want := v.plot.view.length(), 2*before.length(); got < want-1 || got > want+1 {
		t.Errorf("zoom out: length %d, want %d", got, want)
	}

	// Panning into the future stops at now.
	v.plot.Dragged(&fyne.DragEvent{Dragged: fyne.Delta{DX: -10_000}})
	settle(t, v)
	if v.plot.view.To != trendNow.UnixMilli() {
		t.Errorf("panned past now: %v", v.plot.view)
	}

	// Live again: the range ends now and moves with the clock, but only
	// as often as the range's pixel time (3.6 s on 1,000 px for an hour).
	v.SetRange(time.Hour)
	settle(t, v)
	src.takeCalls()
	px := liveEvery(v.plot.view, v.plot.pixelWidth())
	gen := v.gen
	v.running.Store(true) // as Start does: the ticks come from this test, not the worker
	v.now = func() time.Time { return trendNow.Add(px - time.Millisecond) }
	v.tick()
	if v.gen != gen {
		t.Errorf("a tick %v after the last query asked again (pixel time %v)", px-time.Millisecond, px)
	}
	later := trendNow.Add(px)
	v.now = func() time.Time { return later }
	v.tick()
	settle(t, v)
	if v.gen != gen+1 || v.plot.view != (timeSpan{later.UnixMilli() - trendHour, later.UnixMilli()}) {
		t.Errorf("after a tick due: gen %d view %v", v.gen, v.plot.view)
	}
	// A hidden trend does not follow now; shown again, it catches up.
	v.SetShown(false)
	v.now = func() time.Time { return later.Add(time.Hour) }
	gen = v.gen
	v.tick()
	if v.gen != gen {
		t.Error("a hidden trend queried")
	}
	v.SetShown(true)
	settle(t, v)
	if v.plot.view.To != later.Add(time.Hour).UnixMilli() {
		t.Errorf("shown again, the trend ends at %v", v.plot.view.To)
	}
	// Pause stays put.
	v.SetLive(false)
	gen = v.gen
	v.now = func() time.Time { return later.Add(2 * time.Hour) }
	v.tick()
	if v.gen != gen || v.liveBtn.Text != "Live" {
		t.Errorf("a paused trend ticked (gen %d → %d), button %q", gen, v.gen, v.liveBtn.Text)
	}
}

// Between queries a live trend draws each pen's latest bus value at the
// right edge, so that the line reaches now; a paused one does not.
func TestTrendLiveTailReachesNow(t *testing.T) {
	src := newFakeSource(trendDefs)
	v, _, _ := newTestTrend(t, src)
	const tag = "Area1.Pump1.Speed"
	id, _ := src.bus.Table().Lookup(tag)
	publish := func(f float64) {
		src.bus.Publish([]tags.Update{{ID: id, VQT: tags.VQT{Value: tags.Float(f), Quality: tags.GoodQuality, Time: trendNow}}})
	}
	publish(30)
	v.AddPen(tag)
	v.SetPenScale(tag, false, 0, 100)
	v.SetRange(time.Hour)
	settle(t, v)
	edge, ok := v.tailX()
	if !ok {
		t.Fatal("a live trend with data has no right edge to draw at")
	}
	last := func() trendSeg { l := v.plot.pens[0].geom.Line; return l[len(l)-1] }
	if got := last(); got.X1 != edge || got.Y1 != 0.7 {
		t.Errorf("live: the line ends at %+v, want at the edge x %v, y 0.7 (30 on 0..100)", got, edge)
	}

	// A new value before the next query is due: the tail follows it.
	publish(60)
	v.running.Store(true) // as Start does: the ticks come from this test
	v.tick()
	if c := src.takeCalls(); len(c) != 1 {
		t.Errorf("queries: %+v, want only the first", c)
	}
	if got := last(); got.X1 != edge || math.Abs(float64(got.Y1-0.4)) > 1e-6 {
		t.Errorf("after a new value: the line ends at %+v, want y 0.4", got)
	}

	// Bad now: the line stops at the last stored value.
	src.bus.Publish([]tags.Update{{ID: id, VQT: tags.VQT{Value: tags.Float(60), Quality: tags.BadQuality(tags.ReasonNoComm, 0), Time: trendNow}}})
	v.tick()
	if got := last(); got.X1 >= edge {
		t.Errorf("a bad value now still draws to the edge: %+v", got)
	}

	// Paused: no tail.
	publish(60)
	v.SetLive(false)
	v.regeometry()
	if got := last(); got.X1 >= edge {
		t.Errorf("paused, the line is drawn to now: %+v", got)
	}
}

func TestTrendNewQueryCancelsTheOldOne(t *testing.T) {
	src := newFakeSource(trendDefs)
	v, _, w := newTestTrend(t, src)
	startTrend(t, v, w) // no pens yet: nothing asked

	src.mu.Lock()
	src.blockNext = true
	src.mu.Unlock()
	v.AddPen("Area1.Pump1.Speed")
	first := v.gen
	<-src.entered // the first query waits in Decimate
	v.panBy(-0.5)
	w.wait(t, v.gen)
	if v.data.gen == first {
		t.Fatal("the first query's answer is shown")
	}
	calls := src.takeCalls()
	if len(calls) != 2 || !errors.Is(calls[0].err, context.Canceled) || calls[1].err != nil {
		t.Errorf("calls %+v: want the first cancelled, the second answered", calls)
	}
}

func TestTrendReadout(t *testing.T) {
	src := newFakeSource(trendDefs)
	v, _, _ := newTestTrend(t, src)
	v.AddPen("Area1.Tank1.Level")
	v.AddPen("Area1.Pump1.Speed")
	settle(t, v)

	// With no cursor the readout shows the end of the range: the last
	// column's last value.
	width := v.plot.pixelWidth()
	last := float64((width-1)%10) + 1
	if got, want := v.cursorText.Text, "End of range: 09:59:59"; got != want {
		t.Errorf("readout time %q, want %q", got, want)
	}
	if got, want := v.rows[0].value.Text, formatFloat(last+17)+" m"; got != want {
		t.Errorf("tank at the end: %q, want %q", got, want)
	}

	// A tap puts the cursor at a time: every pen shows its column's last
	// value, with units.
	pos, sz := v.plot.plotArea(v.plot.Size())
	x := sz.Width / 4
	v.plot.Tapped(&fyne.PointEvent{Position: fyne.NewPos(pos.X+x, 50)})
	ct := spanTimeAt(v.plot.view, float64(x), float64(sz.Width))
	col := trendColumnAt(v.data.cols[0], ct)
	if col < 0 {
		t.Fatal("cursor outside the columns")
	}
	want := []string{formatFloat(float64(col%10)+1+17) + " m", formatFloat(float64(col%10)+1+17) + " rpm"}
	for i, r := range v.rows {
		if r.value.Text != want[i] {
			t.Errorf("pen %d reads %q, want %q", i, r.value.Text, want[i])
		}
	}
	if !strings.HasPrefix(v.cursorText.Text, "Cursor: ") {
		t.Errorf("readout time %q", v.cursorText.Text)
	}
	// Hovering moves it.
	v.plot.MouseMoved(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(pos.X+0.5, 50)}})
	if got, want := v.rows[1].value.Text, formatFloat(0+1+17)+" rpm"; got != want {
		t.Errorf("hover at the left edge reads %q, want %q", got, want)
	}

	// A bad value reads with its quality, flagged.
	q := tags.BadQuality(tags.ReasonNoComm, 0)
	if got, want := readoutText(tags.Float(3), q, &trendDefs[0]), "3.0000 m (bad: no communication)"; got != want {
		t.Errorf("bad readout %q, want %q", got, want)
	}
}

func TestTrendPensAndScales(t *testing.T) {
	defs := slices.Clone(trendDefs)
	for i := range 7 {
		defs = append(defs, tags.Def{Name: "Extra." + string(rune('A'+i)), Type: tags.TypeFloat64})
	}
	src := newFakeSource(defs)
	v, _, _ := newTestTrend(t, src)
	settle(t, v)

	if err := v.AddPen("No.Such.Tag"); !errors.Is(err, ErrNoSuchTag) {
		t.Errorf("unknown tag: %v", err)
	}
	for _, d := range defs[:maxPens] {
		if err := v.AddPen(d.Name); err != nil {
			t.Fatal(err)
		}
	}
	if err := v.AddPen(defs[maxPens].Name); !errors.Is(err, ErrTooManyPens) {
		t.Errorf("a ninth pen: %v", err)
	}
	if err := v.AddPen(defs[0].Name); !errors.Is(err, ErrPenExists) {
		t.Errorf("a pen twice: %v", err)
	}
	settle(t, v)

	// Removing a pen frees its colour for the next.
	v.RemovePen(defs[2].Name)
	if err := v.AddPen(defs[maxPens].Name); err != nil {
		t.Fatal(err)
	}
	settle(t, v)
	if got := v.pens[len(v.pens)-1].slot; got != 2 {
		t.Errorf("the new pen took colour %d, want the freed 2", got)
	}

	// Scales: fixed by hand, back to auto.
	if err := v.SetPenScale("Area1.Pump1.Speed", false, 0, 100); err != nil {
		t.Fatal(err)
	}
	if got := v.plot.pens[1].scale; got != (penScale{0, 100}) {
		t.Errorf("fixed scale %v", got)
	}
	if err := v.SetPenScale("Area1.Pump1.Speed", false, 5, 5); err == nil {
		t.Error("an empty scale was taken")
	}
	// Typing in the row's entries fixes the scale too.
	r := v.rows[1]
	r.lo.SetText("-10")
	r.hi.SetText("90")
	if got := v.plot.pens[1].scale; got != (penScale{-10, 90}) {
		t.Errorf("typed scale %v", got)
	}
	r.auto.SetChecked(true)
	if got := v.plot.pens[1].scale; got != trendAutoScale(17, 27) || !r.lo.Disabled() {
		t.Errorf("auto scale %v (entries disabled: %v)", got, r.lo.Disabled())
	}
	// Made fixed again, a pen with a tag scale takes the tag's range.
	v.rows[0].auto.SetChecked(true)
	v.rows[0].auto.SetChecked(false)
	if got := v.pens[0].Pen; got != (Pen{Tag: "Area1.Tank1.Level", Min: 0, Max: 5}) {
		t.Errorf("tank pen %+v", got)
	}

	// The value axis belongs to the pen whose name was tapped.
	test.Tap(v.rows[1].name)
	if v.plot.axisPen != 1 || v.rows[1].name.Importance != widget.HighImportance || v.rows[0].name.Importance != widget.MediumImportance {
		t.Errorf("axis pen %d", v.plot.axisPen)
	}
	v.RemovePen("Area1.Pump1.Speed")
	if v.plot.axisPen != 0 {
		t.Errorf("after removing the axis pen, axis pen %d", v.plot.axisPen)
	}

	// The add field offers matching tags not on the trend yet.
	v.RemovePen("Extra.A")
	v.addEntry.SetText("extra")
	v.suggest("extra")
	v.addTyped("Extra.A")
	settle(t, v)
	if v.penIndex("Extra.A") < 0 || v.addEntry.Text != "" {
		t.Errorf("typed pen not added (entry %q)", v.addEntry.Text)
	}
	v.addTyped("nothing")
	if !strings.Contains(v.status.Text, "no such tag") {
		t.Errorf("status %q", v.status.Text)
	}
}

func TestTrendSuggestions(t *testing.T) {
	src := newFakeSource(trendDefs)
	v, _, _ := newTestTrend(t, src)
	v.AddPen("Area1.Pump1.Speed")
	if got, want := v.suggestions(" PUMP1"), []string{"Area1.Pump1.Running"}; !slices.Equal(got, want) {
		t.Errorf("suggestions %q, want %q", got, want)
	}
}

func TestWriteTrendCSV(t *testing.T) {
	base := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC).UnixMilli()
	at := func(c historian.Column) historian.Column {
		c.Start, c.End = c.Start+base, c.End+base
		return c
	}
	level := []historian.Column{
		at(historian.Column{Start: 0, End: 100, N: 2, First: gs(0, 1), Last: gs(90, 1.25)}),
		at(historian.Column{Start: 100, End: 200, N: 1, First: bs(150, 7), Last: bs(150, 7)}),
		at(historian.Column{Start: 200, End: 300}),
		at(historian.Column{Start: 300, End: 400, N: 1, First: us(310, 1e-7), Last: us(310, 1e-7)}),
	}
	running := []historian.Column{
		at(historian.Column{Start: 0, End: 100, N: 1, First: historian.Sample{V: tags.Bool(true), Q: tags.GoodQuality}, Last: historian.Sample{V: tags.Bool(true), Q: tags.GoodQuality}}),
		at(historian.Column{Start: 100, End: 200, N: 1, First: gs(120, 0), Last: gs(120, 0)}),
		at(historian.Column{Start: 200, End: 300}),
		at(historian.Column{Start: 300, End: 400, N: 1, First: gs(390, 1234567.5), Last: gs(390, 1234567.5)}),
	}
	var b bytes.Buffer
	if err := writeTrendCSV(&b, []string{"Area1.Tank1.Level [m]", "Area1.Pump1.Running", "Empty"}, [][]historian.Column{level, running, nil}, time.UTC); err != nil {
		t.Fatal(err)
	}
	want := "time,Area1.Tank1.Level [m],Area1.Pump1.Running,Empty\n" +
		"2026-03-01T09:00:00.000Z,1.25,1,\n" + // each column's last value; bools as 0/1; a pen with no data stays empty
		"2026-03-01T09:00:00.100Z,,0,\n" + // a bad last value: empty
		// 200–300: no pen has a sample: no row
		"2026-03-01T09:00:00.300Z,0.0000001,1234567.5,\n" // uncertain values are written; never exponents
	if b.String() != want {
		t.Errorf("CSV:\n%s\nwant:\n%s", b.String(), want)
	}
}

func TestTrendWriteCSV(t *testing.T) {
	src := newFakeSource(trendDefs)
	v, _, _ := newTestTrend(t, src)
	v.AddPen("Area1.Tank1.Level")
	v.AddPen("Area1.Pump1.Running")
	settle(t, v)
	var b bytes.Buffer
	if err := v.WriteCSV(&b); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if got, want := lines[0], "time,Area1.Tank1.Level [m],Area1.Pump1.Running"; got != want {
		t.Errorf("header %q, want %q", got, want)
	}
	if got, want := len(lines), 1+v.plot.pixelWidth(); got != want {
		t.Errorf("%d lines, want %d (a header and a row per column)", got, want)
	}
	if got, want := lines[1], "2026-03-01T09:00:00.000Z,18,20"; got != want {
		t.Errorf("first row %q, want %q", got, want)
	}
}

func TestTrendWritePNG(t *testing.T) {
	src := newFakeSource(trendDefs)
	v, _, _ := newTestTrend(t, src)
	v.AddPen("Area1.Tank1.Level")
	v.AddPen("Area1.Pump1.Speed")
	settle(t, v)

	var b bytes.Buffer
	if err := v.WritePNG(&b); err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(&b)
	if err != nil {
		t.Fatal(err)
	}
	sz := v.plot.Size()
	if got, want := img.Bounds(), image.Rect(0, 0, int(sz.Width+0.5), int(sz.Height+0.5)); got != want {
		t.Errorf("PNG is %v, want the plot's %v", got, want)
	}
	// Both pens' colours are in it (their legend swatches, their lines).
	for i := range 2 {
		found := false
		b := img.Bounds()
		for y := b.Min.Y; y < b.Max.Y && !found; y++ {
			for x := b.Min.X; x < b.Max.X && !found; x++ {
				found = toNRGBA(img.At(x, y)) == penColors[i]
			}
		}
		if !found {
			t.Errorf("pen %d's colour is not in the PNG", i)
		}
	}
	if _, ok := exportFace(v.plot.Theme(), 12).(*basicfont.Face); ok {
		t.Error("the PNG's labels fell back to the bitmap font: the theme's font did not parse")
	}

	// Before it was ever laid out, a trend exports at defaultExport.
	v2 := NewTrendView(src, nil)
	b.Reset()
	if err := v2.WritePNG(&b); err != nil {
		t.Fatal(err)
	}
	cfg, err := png.DecodeConfig(&b)
	if err != nil || cfg.Width != defaultExport.X || cfg.Height != defaultExport.Y {
		t.Errorf("unshown trend exports %dx%d (%v), want %v", cfg.Width, cfg.Height, err, defaultExport)
	}
}

func TestPenSetsRoundTrip(t *testing.T) {
	src := newFakeSource(trendDefs)
	v, _, _ := newTestTrend(t, src)
	v.AddPen("Area1.Tank1.Level")
	v.AddPen("Area1.Pump1.Speed")
	settle(t, v)
	v.SetPenScale("Area1.Pump1.Speed", false, 0, 1500)
	v.SetCustomRange(trendNow.Add(-8*time.Hour), trendNow.Add(-2*time.Hour))
	settle(t, v)
	if err := v.SaveSet("Pumps"); err != nil {
		t.Fatal(err)
	}
	v.SetRange(10 * time.Minute)
	settle(t, v)
	if err := v.SaveSet("Live tank"); err != nil {
		t.Fatal(err)
	}
	const stored = `[{"name":"Pumps","pens":[{"tag":"Area1.Tank1.Level","auto":false,"min":0,"max":5},{"tag":"Area1.Pump1.Speed","auto":false,"min":0,"max":1500}],"range_ms":21600000,"live":false,"from":"2026-03-01T02:00:00Z"},` +
		`{"name":"Live tank","pens":[{"tag":"Area1.Tank1.Level","auto":false,"min":0,"max":5},{"tag":"Area1.Pump1.Speed","auto":false,"min":0,"max":1500}],"range_ms":600000,"live":true}]`
	if got := fyne.CurrentApp().Preferences().String(prefPenSets); got != stored {
		t.Errorf("stored:\n%s\nwant:\n%s", got, stored)
	}

	// Another trend in the same app opens them.
	v2, _, _ := newTestTrendInApp(t, src)
	settle(t, v2)
	names, err := v2.PenSets()
	if err != nil || !slices.Equal(names, []string{"Pumps", "Live tank"}) {
		t.Fatalf("sets %q, %v", names, err)
	}
	if err := v2.OpenSet("Pumps"); err != nil {
		t.Fatal(err)
	}
	settle(t, v2)
	if !slices.Equal(v2.Pens(), v.Pens()) {
		t.Errorf("pens %+v, want %+v", v2.Pens(), v.Pens())
	}
	if from, to := v2.View(); !from.Equal(trendNow.Add(-8*time.Hour)) || !to.Equal(trendNow.Add(-2*time.Hour)) || v2.Live() {
		t.Errorf("range %v – %v live %v", from, to, v2.Live())
	}
	if err := v2.OpenSet("Live tank"); err != nil {
		t.Fatal(err)
	}
	settle(t, v2)
	if from, to := v2.View(); !to.Equal(trendNow) || to.Sub(from) != 10*time.Minute || !v2.Live() || v2.rangeSel.Selected != "10 min" {
		t.Errorf("live set: %v – %v live %v select %q", from, to, v2.Live(), v2.rangeSel.Selected)
	}
	// Saving under a name replaces; deleting forgets; a set of tags the
	// station lost opens without them.
	if err := v2.SaveSet("Pumps"); err != nil {
		t.Fatal(err)
	}
	if err := v2.DeleteSet("Live tank"); err != nil {
		t.Fatal(err)
	}
	if names, _ := v2.PenSets(); !slices.Equal(names, []string{"Pumps"}) {
		t.Errorf("after replace and delete: %q", names)
	}
	if err := v2.OpenSet("Nope"); !errors.Is(err, ErrNoSuchSet) {
		t.Errorf("open a missing set: %v", err)
	}
	v3, _, _ := newTestTrendInApp(t, newFakeSource(trendDefs[1:]))
	settle(t, v3)
	if err := v3.OpenSet("Pumps"); !errors.Is(err, ErrNoSuchTag) || !strings.Contains(err.Error(), "Area1.Tank1.Level") {
		t.Errorf("a set with a lost tag: %v", err)
	}
	settle(t, v3)
	if got := v3.Pens(); len(got) != 1 || got[0].Tag != "Area1.Pump1.Speed" {
		t.Errorf("pens %+v", got)
	}
}

func TestTrendStopLeavesNoGoroutine(t *testing.T) {
	src := newFakeSource(trendDefs)
	v, _, _ := newTestTrend(t, src)
	opt := goleak.IgnoreCurrent()
	v.Start()
	v.Start() // a second Start does nothing
	src.mu.Lock()
	src.blockNext = true
	src.mu.Unlock()
	v.AddPen("Area1.Pump1.Speed")
	<-src.entered // a query in flight, waiting for its context
	v.Stop()
	goleak.VerifyNone(t, opt)
	if c := src.takeCalls(); len(c) != 1 || !errors.Is(c[0].err, context.Canceled) {
		t.Errorf("the query in flight was not cancelled: %+v", c)
	}
	v.Stop() // again: harmless

	// Started again, it works; closing the window that holds it in a
	// MainWindow stops it (TestTrendTab).
	v.Start()
	v.Stop()
	goleak.VerifyNone(t, opt)
}

// The station is a TrendSource: the app's window gets the trend.
var _ TrendSource = (*station.Station)(nil)

// trendStation is the window tests' station with history.
type trendStation struct {
	*testStation
	src *fakeSource
}

func (s trendStation) Decimate(ctx context.Context, tag string, from, to time.Time, width int) ([]historian.Column, error) {
	return s.src.Decimate(ctx, tag, from, to, width)
}

func TestTrendTab(t *testing.T) {
	test.NewTempApp(t).Settings().SetTheme(NewTheme())
	st := newTestStation(testDefs)
	src := newFakeSource(nil)
	src.bus = st.bus
	win := test.NewWindow(nil)
	opt := goleak.IgnoreCurrent()
	m := NewWindow(win, trendStation{st, src})
	win.Resize(fyne.NewSize(1400, 900))
	if m.trend == nil || m.tabs == nil || len(m.tabs.Items) != 2 {
		t.Fatal("a station with history has no trend tab")
	}
	if m.trend.shown {
		t.Error("the trend counts as shown behind the Tags tab")
	}
	m.refresh()
	if !m.trendBtn.Disabled() {
		t.Error("trend button enabled before a tag was chosen")
	}
	m.tags.table.Select(widget.TableCellID{Row: 0, Col: 0}) // Area1.Tank1.Level, read-only
	if got, want := m.trendBtn.Text, "Trend Area1.Tank1.Level"; got != want || m.trendBtn.Disabled() {
		t.Errorf("button %q (disabled %v), want %q", got, m.trendBtn.Disabled(), want)
	}
	test.Tap(m.trendBtn)
	if got := m.trend.Pens(); len(got) != 1 || got[0].Tag != "Area1.Tank1.Level" {
		t.Errorf("pens %+v", got)
	}
	if m.tabs.Selected() != m.trendTab || !m.trend.shown {
		t.Error("the trend tab is not shown")
	}
	test.Tap(m.trendBtn) // again: already there, no error
	if m.status.Importance == widget.DangerImportance {
		t.Errorf("status %q", m.status.Text)
	}
	m.Start()
	win.Close()
	goleak.VerifyNone(t, opt)

	// A station without history keeps the single view.
	plain, _ := newTestWindow(t)
	if plain.trend != nil || plain.tabs != nil {
		t.Error("a station without history got a trend")
	}
}

func TestTrendToolbarTouchTargets(t *testing.T) {
	v, _, _ := newTestTrend(t, newFakeSource(trendDefs))
	side := max(float32(toolbarTarget), rowHeight(NewTheme()))
	n := 0
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		c, ok := o.(*fyne.Container)
		if !ok {
			return
		}
		if _, ok := c.Layout.(toolbarTouchLayout); ok {
			n++
			if s := c.Size(); s.Width < side || s.Height < side {
				t.Errorf("%T is %v, want at least %v square", c.Objects[0], s, side)
			}
			return
		}
		for _, o := range c.Objects {
			walk(o)
		}
	}
	walk(v.toolbar)
	if n != 9 { // range, pan back, zoom out, zoom in, pan on, live, CSV, PNG, pen sets
		t.Errorf("%d touch targets in the toolbar, want 9", n)
	}
}

// TestTrendPlotMarkup keeps a master of the plot's rendering: an hour,
// one pen with its value axis, the cursor at 09:30.
func TestTrendPlotMarkup(t *testing.T) {
	test.NewTempApp(t).Settings().SetTheme(NewTheme())
	p := newTrendPlot()
	p.loc = time.UTC
	p.view = spanOf(trendNow.Add(-time.Hour), trendNow)
	p.data, p.cols = p.view, len(geomCols)
	p.pens = []plotPen{{color: penColors[0], scale: penScale{0, 100}}}
	buildGeometry(geomCols, p.pens[0].scale, 0, &p.pens[0].geom)
	p.axisPen = 0
	p.Resize(fyne.NewSize(800, 300))
	p.setCursor(trendNow.Add(-30 * time.Minute).UnixMilli())
	test.AssertObjectRendersToMarkup(t, "trend_plot.xml", p)
}
