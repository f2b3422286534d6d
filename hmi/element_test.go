package hmi

import (
	"image/color"
	"math"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"github.com/sightglass/sightglass/assets"
	"github.com/sightglass/sightglass/historian"
	"github.com/sightglass/sightglass/project"
	"github.com/sightglass/sightglass/tags"
)

// newElementTest shows area1 (one element of every kind) at scale 1.
func newElementTest(t *testing.T) (*ScreenView, *scrStation) {
	t.Helper()
	v, st, _ := newScreenTest(t)
	must(t, v.Show("area1"))
	v.frame.stage.Resize(fyne.NewSize(800, 600))
	return v, st
}

// isaColor is the light ISA theme's colour n.
func isaColor(n fyne.ThemeColorName) color.Color {
	return NewTheme().Color(n, theme.VariantLight)
}

// shownText is what a text element or a gauge shows, from its canvas.Text
// or its glyphText.
type shownText struct {
	Text      string
	Color     color.Color
	TextStyle fyne.TextStyle
	Alignment fyne.TextAlign
	TextSize  float32
}

func (g *glyphText) shownText() shownText {
	return shownText{g.text, g.color, fyne.TextStyle{Bold: g.bold}, g.Alignment, g.size}
}

func (r *textElemRenderer) shownText() shownText {
	if r.glyphs != nil {
		return r.glyphs.shownText()
	}
	return shownText{r.text.Text, r.text.Color, r.text.TextStyle, r.text.Alignment, r.text.TextSize}
}

func textOf(t *testing.T, v *ScreenView, i int) shownText {
	t.Helper()
	return scrRenderer[*textElemRenderer](t, scrElem[*textElem](t, v, i)).shownText()
}

func wantText(t *testing.T, what string, got shownText, text string, c fyne.ThemeColorName) {
	t.Helper()
	if got.Text != text {
		t.Errorf("%s: text %q, want %q", what, got.Text, text)
	}
	if got.Color != isaColor(c) {
		t.Errorf("%s: colour %v, want %s %v", what, got.Color, c, isaColor(c))
	}
}

func TestTextElements(t *testing.T) {
	v, st := newElementTest(t)
	fg := theme.ColorNameForeground
	wantText(t, "value", textOf(t, v, 0), "5.25 m", fg)
	wantText(t, "state", textOf(t, v, 4), "running", fg)
	wantText(t, "multistate", textOf(t, v, 5), "open", fg)
	wantText(t, "label", textOf(t, v, 9), "Feed section", fg)
	wantText(t, "button", textOf(t, v, 11), "Start", fg)
	wantText(t, "setpoint (Format %.1f)", textOf(t, v, 13), "40.0 rpm", fg)
	wantText(t, "nav", textOf(t, v, 14), "P-101", fg)
	if !textOf(t, v, 11).TextStyle.Bold {
		t.Error("a button's caption is not bold")
	}
	if got := textOf(t, v, 0).Alignment; got != fyne.TextAlignTrailing {
		t.Errorf("a value is aligned %v, want trailing", got)
	}

	// Updates from the bus, after a refresh.
	st.publish(t, "Area1.Tank1.Level", tags.Float32(6.5), tags.GoodQuality, scrT0)
	st.publish(t, "Area1.Pump1.Running", tags.Bool(false), tags.GoodQuality, scrT0)
	st.publish(t, "Area1.Valve1.Mode", tags.Int(3), tags.GoodQuality, scrT0)
	if textOf(t, v, 0).Text != "5.25 m" {
		t.Error("a value changed before the refresh")
	}
	v.refresh()
	wantText(t, "value", textOf(t, v, 0), "6.50 m", fg)
	wantText(t, "state", textOf(t, v, 4), "stopped", fg)
	// An abnormal state is highlighted: the error colour on its tint.
	wantText(t, "multistate abnormal", textOf(t, v, 5), "jammed", theme.ColorNameError)
	if bg := scrRenderer[*textElemRenderer](t, scrElem[*textElem](t, v, 5)).bg; bg.FillColor != tint(isaColor(theme.ColorNameError)) {
		t.Errorf("abnormal multistate background %v", bg.FillColor)
	}
	st.publish(t, "Area1.Valve1.Mode", tags.Int(9), tags.GoodQuality, scrT0)
	v.refresh()
	wantText(t, "multistate not in the table", textOf(t, v, 5), "state 9", fg)

	// An element whose VQT did not change is not redrawn.
	scrRenderer[*textElemRenderer](t, scrElem[*textElem](t, v, 4)).text.Text = "untouched" // a state: a canvas.Text
	st.publish(t, "Area1.Tank1.Level", tags.Float32(7), tags.GoodQuality, scrT0)
	v.refresh()
	if textOf(t, v, 4).Text != "untouched" {
		t.Error("an unchanged element was redrawn")
	}
	// A value past its alarm limit is abnormal (value elements with limits).
	e := &project.Element{Kind: project.KindValue, HasAlarmLim: true, AlarmHi: 10}
	if !abnormalValue(e, 11) || abnormalValue(e, 9) {
		t.Error("abnormalValue")
	}
}

func TestFormatElemValue(t *testing.T) {
	for _, tc := range []struct {
		format string
		v      tags.Value
		want   string
	}{
		{"", tags.Float32(1.2), "1.20"},
		{"", tags.Float(-0.0), "0.00"},
		{"", tags.Float(math.NaN()), "NaN"},
		{"", tags.Int(42), "42"},
		{"", tags.Bool(true), "true"},
		{"", tags.String("auto"), "auto"},
		{"", tags.Value{}, ""},
		{"%.1f", tags.Float(3.14159), "3.1"},
		{"%d", tags.Float(3.7), "3"},
		{"%04x", tags.Int(255), "00ff"},
		{"%.0f", tags.Int(7), "7"},
		{"%v", tags.Float(2.5), "2.5"},
		{"%.2f A", tags.Float(1.5), "1.50 A"},
		{"%.0f %% open", tags.Float(42), "42 % open"},
		{"%.1f m³/h", tags.Int(3), "3.0 m³/h"},
		{"no verb", tags.Float(1), "no verb%!(EXTRA float64=1)"},
	} {
		if got := formatElemValue(&project.Element{Format: tc.format}, tc.v); got != tc.want {
			t.Errorf("format %q of %v = %q, want %q", tc.format, tc.v, got, tc.want)
		}
	}
}

func TestElemValueText(t *testing.T) {
	for _, tc := range []struct {
		format string
		v      tags.Value
		want   string
	}{
		{"", tags.Float(1.5), "1.50 A"},
		{"%.1f", tags.Float(1.5), "1.5 A"},    // a bare verb: the tag's units follow
		{"%.2f A", tags.Float(1.5), "1.50 A"}, // the format writes them
		{"%.0f %%", tags.Float(42), "42 %"},   // "%%" is text too
		{"%.1f", tags.Bool(true), "true A"},   // a format is for numbers
		{"", tags.Value{}, ""},                // nothing read: no units alone
	} {
		if got := elemValueText(&project.Element{Format: tc.format}, tc.v, "A"); got != tc.want {
			t.Errorf("format %q of %v = %q, want %q", tc.format, tc.v, got, tc.want)
		}
	}
}

func TestGaugeElements(t *testing.T) {
	v, st := newElementTest(t)
	// The indicator: pointer where the geometry puts it, the band shaded,
	// both limits marked, the value underneath.
	ind := scrElem[*gaugeElem](t, v, 1)
	r := scrRenderer[*gaugeRenderer](t, ind)
	h := r.body.Size().Height
	g := indicatorGeometry(ind.e, 5.25, h)
	if r.pointer.Position1.Y != g.Pointer || r.pointer.Hidden {
		t.Errorf("pointer at %v, want %v", r.pointer.Position1.Y, g.Pointer)
	}
	if want := h * (1 - 0.525); math.Abs(float64(g.Pointer-want)) > 1e-3 {
		t.Errorf("pointer %v, want %v", g.Pointer, want)
	}
	if r.fill.Position().Y != g.BandTop || r.fill.Size().Height != g.BandBottom-g.BandTop || r.fill.Hidden {
		t.Errorf("band %v+%v, want %v..%v", r.fill.Position().Y, r.fill.Size().Height, g.BandTop, g.BandBottom)
	}
	if r.fill.FillColor != isaColor(theme.ColorNameSeparator) {
		t.Errorf("band colour %v", r.fill.FillColor)
	}
	if r.hiMark.Hidden || r.hiMark.Position1.Y != g.AlarmHiY || r.loMark.Position1.Y != g.AlarmLoY {
		t.Errorf("limit marks at %v, %v; want %v, %v", r.hiMark.Position1.Y, r.loMark.Position1.Y, g.AlarmHiY, g.AlarmLoY)
	}
	if r.text.text != "" {
		t.Errorf("a good indicator shows text %q", r.text.text)
	}
	if r.pointer.StrokeColor != isaColor(theme.ColorNameForeground) {
		t.Error("a normal pointer is coloured")
	}

	bar := scrRenderer[*gaugeRenderer](t, scrElem[*gaugeElem](t, v, 2))
	if got := bar.fill.Size(); !near(got.Width, 20) || !near(got.Height, 105) || !near(bar.fill.Position().Y, 95) {
		t.Errorf("bar fill %v at %v, want 20×105 at y 95", got, bar.fill.Position())
	}
	if bar.fill.FillColor != isaColor(theme.ColorNameDisabled) {
		t.Errorf("bar fill colour %v, want the vessel grey", bar.fill.FillColor)
	}
	tank := scrRenderer[*gaugeRenderer](t, scrElem[*gaugeElem](t, v, 3))
	if got := tank.fill.Size(); !near(got.Width, 100) || !near(got.Height, 105) {
		t.Errorf("tank fill %v, want 100×105", got)
	}
	if tank.body.StrokeColor != isaColor(theme.ColorNameForeground) || tank.body.FillColor != color.Transparent {
		t.Errorf("tank outline %v fill %v", tank.body.StrokeColor, tank.body.FillColor)
	}
	wantText(t, "tank", tank.text.shownText(), "5.25 m", theme.ColorNameForeground)

	// Outside the band: warning; past a limit: the alarm colour, on the
	// pointer, the value and the bar.
	st.publish(t, "Area1.Tank1.Level", tags.Float32(8.5), tags.GoodQuality, scrT0)
	v.refresh()
	if r.pointer.StrokeColor != isaColor(theme.ColorNameWarning) {
		t.Errorf("pointer outside the normal band: %v", r.pointer.StrokeColor)
	}
	st.publish(t, "Area1.Tank1.Level", tags.Float32(9.5), tags.GoodQuality, scrT0)
	v.refresh()
	if r.pointer.StrokeColor != isaColor(theme.ColorNameError) {
		t.Errorf("pointer past the limit: %v", r.pointer.StrokeColor)
	}
	if want := h * 0.05; math.Abs(float64(r.pointer.Position1.Y-want)) > 1e-3 {
		t.Errorf("pointer at %v, want %v", r.pointer.Position1.Y, want)
	}
	if bar.fill.FillColor != isaColor(theme.ColorNameError) {
		t.Errorf("bar past its limit: %v", bar.fill.FillColor)
	}
	if got := tank.fill.Size().Height; !near(got, 190) {
		t.Errorf("tank fill %v, want 190", got)
	}
}

// near reports whether a and b are equal to float32 rounding.
func near(a, b float32) bool { return math.Abs(float64(a-b)) < 1e-3 }

func TestIndicatorGeometry(t *testing.T) {
	e := &project.Element{Min: 0, Max: 10, NormalLo: 2, NormalHi: 8, HasNormal: true, AlarmLo: 1, AlarmHi: 9, HasAlarmLim: true}
	const h = 100
	for _, tc := range []struct {
		v          float64
		pointer    float32
		hasPointer bool
		clamp      int
		state      gaugeState
	}{
		{0, 100, true, 0, gaugeAlarm},      // at Min: the bottom (and past the low limit)
		{10, 0, true, 0, gaugeAlarm},       // at Max: the top
		{5, 50, true, 0, gaugeNormal},      // mid-scale
		{2, 80, true, 0, gaugeNormal},      // on the band's edge: normal
		{8.5, 15, true, 0, gaugeOffNormal}, // above the band, below the limit
		{1.5, 85, true, 0, gaugeOffNormal}, // below the band, above the limit
		{9, 10, true, 0, gaugeOffNormal},   // on the limit: not past it
		{9.01, 9.9, true, 0, gaugeAlarm},   // past the high limit
		{-5, 100, true, -1, gaugeAlarm},    // below the scale: pinned at the bottom
		{15, 0, true, 1, gaugeAlarm},       // above: pinned at the top
		{math.NaN(), 0, false, 0, gaugeOffNormal},
	} {
		g := indicatorGeometry(e, tc.v, h)
		if math.Abs(float64(g.Pointer-tc.pointer)) > 1e-3 || g.HasPointer != tc.hasPointer || g.Clamp != tc.clamp || g.State != tc.state {
			t.Errorf("v=%v: pointer %v (%v) clamp %d %v; want %v (%v) clamp %d %v",
				tc.v, g.Pointer, g.HasPointer, g.Clamp, g.State, tc.pointer, tc.hasPointer, tc.clamp, tc.state)
		}
		if !g.Band || !near(g.BandTop, 20) || !near(g.BandBottom, 80) {
			t.Errorf("v=%v: band %v..%v, want 20..80", tc.v, g.BandTop, g.BandBottom)
		}
		if !g.HasHi || !g.HasLo || !near(g.AlarmHiY, 10) || !near(g.AlarmLoY, 90) {
			t.Errorf("v=%v: limits at %v, %v; want 10, 90", tc.v, g.AlarmHiY, g.AlarmLoY)
		}
	}

	// No range given: 0..100. No band or limits: none drawn; off the
	// scale is still off-normal.
	bare := &project.Element{}
	for _, tc := range []struct {
		v       float64
		pointer float32
		state   gaugeState
	}{
		{25, 150, gaugeNormal},
		{100, 0, gaugeNormal},
		{120, 0, gaugeOffNormal},
	} {
		g := indicatorGeometry(bare, tc.v, 200)
		if g.Pointer != tc.pointer || g.State != tc.state || g.Band || g.HasHi || g.HasLo {
			t.Errorf("bare v=%v: %+v, want pointer %v %v", tc.v, g, tc.pointer, tc.state)
		}
	}
	// A band reaching past the scale is cut at its ends.
	wide := &project.Element{Min: 0, Max: 10, NormalLo: -5, NormalHi: 50, HasNormal: true}
	if g := indicatorGeometry(wide, 5, 100); g.BandTop != 0 || g.BandBottom != 100 {
		t.Errorf("wide band %v..%v, want 0..100", g.BandTop, g.BandBottom)
	}
	// One limit alone: a high limit does not make 0 a low one.
	hiOnly := &project.Element{Min: -20, Max: 50, AlarmHi: 40, HasAlarmHi: true, HasAlarmLim: true}
	if g := indicatorGeometry(hiOnly, -10, 70); !g.HasHi || g.HasLo || !near(g.AlarmHiY, 10) || g.State != gaugeNormal {
		t.Errorf("high limit only: %+v", g)
	}
	if g := indicatorGeometry(hiOnly, 45, 70); g.State != gaugeAlarm {
		t.Errorf("past the high limit: %v", g.State)
	}
	// Negative ranges work the same way.
	neg := &project.Element{Min: -50, Max: 50}
	if g := indicatorGeometry(neg, -25, 100); g.Pointer != 75 {
		t.Errorf("negative range pointer %v, want 75", g.Pointer)
	}
}

func TestSymbolElements(t *testing.T) {
	v, st := newElementTest(t)
	pump := scrElem[*symbolElem](t, v, 6)
	r := scrRenderer[*symbolRenderer](t, pump)
	// tinted reports whether the symbol is drawn in theme colour n.
	tinted := func(n fyne.ThemeColorName) bool {
		t.Helper()
		if r.img.Resource == nil || r.img.Hidden {
			t.Fatalf("symbol image %v hidden %v", r.img.Resource, r.img.Hidden)
		}
		return strings.Contains(string(r.img.Resource.Content()), `stroke="`+svgHex(isaColor(n))+`"`)
	}
	// Running: dark lines on a darker grey fill.
	if pump.state() != symbolRunning || !tinted(theme.ColorNameForeground) || r.bg.FillColor != isaColor(theme.ColorNameDisabled) {
		t.Errorf("running pump: %v fill %v", pump.state(), r.bg.FillColor)
	}
	// Stopped: a light grey outline, nothing behind it.
	st.publish(t, "Area1.Pump1.Running", tags.Bool(false), tags.GoodQuality, scrT0)
	v.refresh()
	if pump.state() != symbolStopped || !tinted(theme.ColorNameInputBorder) || r.bg.FillColor != color.Transparent {
		t.Errorf("stopped pump: %v fill %v", pump.state(), r.bg.FillColor)
	}
	st.publish(t, "Area1.Pump1.Fault", tags.Bool(true), tags.GoodQuality, scrT0)
	v.refresh()
	if pump.state() != symbolFault || !tinted(theme.ColorNameError) || r.bg.FillColor != tint(isaColor(theme.ColorNameError)) {
		t.Errorf("tripped pump: %v fill %v", pump.state(), r.bg.FillColor)
	}
	// The same resource each time a state comes back: nothing is rebuilt.
	first := r.img.Resource
	st.publish(t, "Area1.Pump1.Fault", tags.Bool(false), tags.GoodQuality, scrT0)
	v.refresh()
	st.publish(t, "Area1.Pump1.Fault", tags.Bool(true), tags.GoodQuality, scrT0)
	v.refresh()
	if r.img.Resource != first {
		t.Error("a symbol's tinted resource was made again")
	}

	// A symbol the project lacks is a circle with its initial.
	fan := scrRenderer[*symbolRenderer](t, scrElem[*symbolElem](t, v, 18))
	if !fan.img.Hidden || fan.shape.Hidden || fan.glyph.Text != "F" {
		t.Errorf("missing symbol: image hidden %v, circle hidden %v, glyph %q", fan.img.Hidden, fan.shape.Hidden, fan.glyph.Text)
	}
}

func TestTintSVG(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`<g fill="none" stroke="#404040" stroke-width="3">`, `<g fill="none" stroke="#c00000" stroke-width="3">`},
		{`<path fill="#000" d="M0 0"/>`, `<path fill="#c00000" d="M0 0"/>`},
		{`<circle style="fill:red;stroke: rgb(1,2,3)"/>`, `<circle style="fill:#c00000;stroke: #c00000"/>`},
		{`<rect fill='black' stroke="none"/>`, `<rect fill='#c00000' stroke="none"/>`},
		{`<path stroke-linecap="round" fill-opacity="0.5"/>`, `<path stroke-linecap="round" fill-opacity="0.5"/>`},
	} {
		if got := string(tintSVG([]byte(tc.in), "#c00000")); got != tc.want {
			t.Errorf("tint %s\n got %s\nwant %s", tc.in, got, tc.want)
		}
	}
	if got := svgHex(color.NRGBA{R: 0x12, G: 0xab, B: 0xff, A: 0xff}); got != "#12abff" {
		t.Errorf("svgHex = %s", got)
	}
	// The project's own symbols: every line takes the colour.
	for _, name := range assets.Symbols() {
		src, _ := assets.Symbol(name)
		out := string(tintSVG(src, "#c00000"))
		if strings.Contains(out, "#404040") || !strings.Contains(out, `stroke="#c00000"`) {
			t.Errorf("%s.svg tinted:\n%s", name, out)
		}
	}
}

func TestShapeElements(t *testing.T) {
	v, _ := newElementTest(t)
	pipe := scrElem[*shapeElem](t, v, 7)
	if got, want := pipe.Position(), fyne.NewPos(448-pipeWidth, 34-pipeWidth); got != want {
		t.Errorf("pipe at %v, want its bounding box at %v", got, want)
	}
	lines := visibleObjects[*canvas.Line](pipe)
	if len(lines) != 2 {
		t.Fatalf("pipe of 3 points drew %d lines", len(lines))
	}
	// Points are the screen's; the lines are relative to the widget.
	if lines[0].Position1 != fyne.NewPos(pipeWidth, pipeWidth) || lines[1].Position2 != fyne.NewPos(152+pipeWidth, 166+pipeWidth) {
		t.Errorf("pipe lines %v→%v, %v→%v", lines[0].Position1, lines[0].Position2, lines[1].Position1, lines[1].Position2)
	}
	if lines[0].StrokeColor != isaColor(theme.ColorNamePlaceHolder) || lines[0].StrokeWidth != pipeWidth {
		t.Errorf("pipe colour %v width %v", lines[0].StrokeColor, lines[0].StrokeWidth)
	}
	rect := scrRenderer[*shapeRenderer](t, scrElem[*shapeElem](t, v, 8))
	if rect.box.StrokeColor != isaColor(theme.ColorNameInputBorder) || rect.box.Size() != fyne.NewSize(220, 230) {
		t.Errorf("rect %v stroke %v", rect.box.Size(), rect.box.StrokeColor)
	}
	if got := pipeBounds(nil); got != [4]float32{} {
		t.Errorf("bounds of no points %v", got)
	}
}

func TestSparklineElement(t *testing.T) {
	v, st := newElementTest(t)
	from := scrT0.Add(-10 * time.Minute)
	var h []historian.Sample
	for i := range 600 { // 1 Hz for ten minutes, a ramp from 0 to 6
		h = append(h, historian.Sample{T: historian.Millis(from.Add(time.Duration(i) * time.Second)), V: tags.Float(float64(i) / 100), Q: tags.GoodQuality})
	}
	st.mu.Lock()
	st.history["Area1.Tank1.Level"] = h
	st.mu.Unlock()

	sp := scrElem[*sparkElem](t, v, 10)
	gate := make(chan struct{})
	st.gate = gate // the read waits until the checks of in-flight state are done
	v.fetchSparks(v.cur, scrT0)
	if !sp.inFlight {
		t.Fatal("no history read started")
	}
	v.fetchSparks(v.cur, scrT0) // in flight: not asked twice
	close(gate)
	v.wg.Wait()
	if st.reads != 1 {
		t.Errorf("%d history reads, want 1", st.reads)
	}
	lines := visibleObjects[*canvas.Line](sp)
	if len(lines) != len(sp.pts)-1 || len(lines) < sparkColumns {
		t.Fatalf("%d lines for %d points", len(lines), len(sp.pts))
	}
	// A ramp: the first point bottom left, the last top right.
	first, last := lines[0].Position1, lines[len(lines)-1].Position2
	if first.X > 2 || first.Y < 55 || last.X < 195 || last.Y > 5 {
		t.Errorf("ramp from %v to %v in 200×60", first, last)
	}
	if sp.due(scrT0.Add(time.Second)) || !sp.due(scrT0.Add(sparkInterval)) {
		t.Error("a sparkline is asked again before sparkInterval, or not after")
	}

	// No history: said in the element, in grey.
	st.mu.Lock()
	delete(st.history, "Area1.Tank1.Level")
	st.mu.Unlock()
	v.fetchSparks(v.cur, scrT0.Add(sparkInterval))
	v.wg.Wait()
	r := scrRenderer[*sparkRenderer](t, sp)
	if r.text.Text != "no history" || len(visibleObjects[*canvas.Line](sp)) != 0 {
		t.Errorf("without history: text %q, %d lines", r.text.Text, len(visibleObjects[*canvas.Line](sp)))
	}
}

func TestSparkPoints(t *testing.T) {
	s := func(t int64, v float64, q tags.Quality) historian.Sample {
		return historian.Sample{T: t, V: tags.Float(v), Q: q}
	}
	good, bad := tags.GoodQuality, tags.BadQuality(tags.ReasonNoComm, 0)
	for _, tc := range []struct {
		name    string
		samples []historian.Sample
		cols    int
		lo, hi  float64
		want    []fyne.Position
	}{
		{"empty", nil, 4, 0, 0, nil},
		{"one column's low and high, in time order", []historian.Sample{s(0, 5, good), s(10, 10, good), s(20, 0, good)}, 1, 0, 10,
			[]fyne.Position{{X: 0.1, Y: 0}, {X: 0.2, Y: 1}}},
		{"a flat line sits in the middle", []historian.Sample{s(0, 3, good), s(50, 3, good)}, 2, 0, 0,
			[]fyne.Position{{X: 0, Y: 0.5}, {X: 0.5, Y: 0.5}}},
		{"bad samples are gaps", []historian.Sample{s(0, 0, good), s(50, 100, bad), s(75, 10, good)}, 4, 0, 10,
			[]fyne.Position{{X: 0, Y: 1}, {X: 0.75, Y: 0}}},
		{"auto range", []historian.Sample{s(0, 20, good), s(50, 30, good)}, 2, 0, 0,
			[]fyne.Position{{X: 0, Y: 1}, {X: 0.5, Y: 0}}},
		{"outside the range is clamped", []historian.Sample{s(0, -5, good), s(50, 50, good)}, 2, 0, 10,
			[]fyne.Position{{X: 0, Y: 1}, {X: 0.5, Y: 0}}},
		{"outside the time span is left out", []historian.Sample{s(-1, 5, good), s(100, 5, good)}, 2, 0, 10, nil},
	} {
		got := sparkPoints(tc.samples, 0, 100, tc.cols, tc.lo, tc.hi)
		if len(got) != len(tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
			continue
		}
		for i := range got {
			if d := got[i].Subtract(tc.want[i]); math.Abs(float64(d.X)) > 1e-6 || math.Abs(float64(d.Y)) > 1e-6 {
				t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
				break
			}
		}
	}
	if got := len(sparkPoints([]historian.Sample{s(0, 1, good)}, 0, 100, 0, 0, 0)); got != 0 {
		t.Error("no columns, but points")
	}
}

// TestBadQualityVisible checks that bad, stale, unread and unknown data is
// marked on every bound element: the warning-coloured outline and hatch,
// and a "?" or the reason in the text.
func TestBadQualityVisible(t *testing.T) {
	v, st := newElementTest(t)
	warn := isaColor(theme.ColorNameWarning)
	markShown := func(what string, w fyne.Widget, want bool) {
		t.Helper()
		var m *qualityMark
		switch r := test.WidgetRenderer(w).(type) {
		case *textElemRenderer:
			m = r.mark
		case *gaugeRenderer:
			m = r.mark
		case *symbolRenderer:
			m = r.mark
		case *sparkRenderer:
			m = r.mark
		}
		if got := m.outline.Visible() && m.hatch[0].Visible(); got != want {
			t.Errorf("%s: quality mark shown %v, want %v", what, got, want)
		}
		if want && (m.outline.StrokeColor != warn || m.hatch[2].StrokeColor != warn) {
			t.Errorf("%s: quality mark colour %v", what, m.outline.StrokeColor)
		}
	}
	ind := scrElem[*gaugeElem](t, v, 1)
	pump := scrElem[*symbolElem](t, v, 6)
	for i, w := range v.cur.elems {
		if w.base().bound[slotMain] {
			markShown("good element "+string(w.base().e.Kind), w, false)
		}
		_ = i
	}

	// Bad: a lost device.
	st.publish(t, "Area1.Tank1.Level", tags.Float32(5.25), tags.BadQuality(tags.ReasonNoComm, 0), scrT0)
	st.publish(t, "Area1.Pump1.Running", tags.Bool(true), tags.BadQuality(tags.ReasonNoComm, 0), scrT0)
	v.refresh()
	wantText(t, "bad value", textOf(t, v, 0), "5.25 m ?", theme.ColorNameWarning)
	markShown("bad value", scrElem[*textElem](t, v, 0), true)
	ir := scrRenderer[*gaugeRenderer](t, ind)
	wantText(t, "bad indicator", ir.text.shownText(), "?", theme.ColorNameWarning)
	if ir.pointer.StrokeColor != isaColor(theme.ColorNameDisabled) {
		t.Errorf("bad indicator's pointer %v, want greyed", ir.pointer.StrokeColor)
	}
	markShown("bad indicator", ind, true)
	wantText(t, "bad bar", scrRenderer[*gaugeRenderer](t, scrElem[*gaugeElem](t, v, 2)).text.shownText(), "?", theme.ColorNameWarning)
	markShown("bad bar", scrElem[*gaugeElem](t, v, 2), true)
	markShown("bad tank", scrElem[*gaugeElem](t, v, 3), true)
	wantText(t, "bad state", textOf(t, v, 4), "running ?", theme.ColorNameWarning)
	markShown("bad sparkline", scrElem[*sparkElem](t, v, 10), true)
	sr := scrRenderer[*symbolRenderer](t, pump)
	if pump.state() != symbolBad || sr.query.Text != "?" || !strings.Contains(string(sr.img.Resource.Content()), svgHex(isaColor(theme.ColorNameDisabled))) {
		t.Errorf("bad symbol: state %v, query %q", pump.state(), sr.query.Text)
	}
	markShown("bad symbol", pump, true)

	// Good again: every mark goes.
	st.publish(t, "Area1.Tank1.Level", tags.Float32(5.25), tags.GoodQuality, scrT0)
	st.publish(t, "Area1.Pump1.Running", tags.Bool(true), tags.GoodQuality, scrT0)
	v.refresh()
	wantText(t, "good value", textOf(t, v, 0), "5.25 m", theme.ColorNameForeground)
	markShown("good indicator", ind, false)
	markShown("good symbol", pump, false)

	// Stale: good, but not refreshed for longer than elemStaleAfter. The
	// once-a-second look finds it without any bus change.
	v.now = func() time.Time { return scrT0.Add(elemStaleAfter + time.Second) }
	v.refresh()
	wantText(t, "stale value", textOf(t, v, 0), "5.25 m ?", theme.ColorNameWarning)
	markShown("stale indicator", ind, true)
	markShown("stale symbol", pump, true)

	// A tag slower than that is stale only after three of its polls.
	if got := elemStaleLimit(&tags.Def{Poll: time.Minute}); got != 3*time.Minute {
		t.Errorf("stale limit of a 1-minute tag: %v", got)
	}
}

func TestNeverReadAndUnknownTags(t *testing.T) {
	test.NewTempApp(t).Settings().SetTheme(NewTheme())
	st := newScrStation(scrDefs) // nothing published: every tag not read yet
	screens := []project.Screen{{Name: "s", Level: 1, Width: 200, Height: 100, Elements: []project.Element{
		{Kind: project.KindValue, X: 0, Y: 0, W: 100, H: 20, Tag: "Area1.Tank1.Level"},
		{Kind: project.KindValue, X: 0, Y: 30, W: 100, H: 20, Tag: "No.Such.Tag"},
		{Kind: project.KindState, X: 0, Y: 60, W: 100, H: 20, Tag: "Area1.Pump1.Running"},
	}}}
	v := NewScreenView(st, screens, nil)
	v.now = func() time.Time { return scrT0 }
	test.NewTempWindow(t, v.Content())
	v.refresh()
	wantText(t, "unread value", textOf(t, v, 0), "? not read yet", theme.ColorNameWarning)
	wantText(t, "unknown tag", textOf(t, v, 1), "? unknown tag", theme.ColorNameWarning)
	wantText(t, "unread state", textOf(t, v, 2), "? not read yet", theme.ColorNameWarning)
}

func TestElemColorFallbacks(t *testing.T) {
	test.NewTempApp(t).Settings().SetTheme(NewTheme())
	th := NewTheme()
	for name, fb := range elemColorFallbacks {
		if got := elemColorName(th, name); got != fb {
			t.Errorf("%s under a theme without it: %s, want %s", name, got, fb)
		}
	}
	// A theme that names a colour gets it.
	custom := &namedColorTheme{Theme: th, name: colorNamePipe, c: color.NRGBA{R: 1, G: 2, B: 3, A: 255}}
	if got := elemColor(custom, colorNamePipe); got != custom.c {
		t.Errorf("custom pipe colour %v", got)
	}
	if got := elemColorName(th, theme.ColorNameError); got != theme.ColorNameError {
		t.Errorf("a standard name is changed to %s", got)
	}
}

type namedColorTheme struct {
	fyne.Theme
	name fyne.ThemeColorName
	c    color.Color
}

func (t *namedColorTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if n == t.name {
		return t.c
	}
	return t.Theme.Color(n, v)
}

// TestElementsFollowTheTheme draws the same screen under the dark
// control-room theme: every colour comes from the theme in use.
func TestElementsFollowTheTheme(t *testing.T) {
	v, _ := newElementTest(t)
	must(t, v.Show("overview"))
	dark := NewDarkTheme()
	fyne.CurrentApp().Settings().SetTheme(dark) // while area1 is out of sight
	must(t, v.Show("area1"))
	darkColor := func(n fyne.ThemeColorName) color.Color { return dark.Color(n, theme.VariantDark) }
	if got := textOf(t, v, 0).Color; got != darkColor(theme.ColorNameForeground) {
		t.Errorf("value colour %v under the dark theme", got)
	}
	pump := scrRenderer[*symbolRenderer](t, scrElem[*symbolElem](t, v, 6))
	if !strings.Contains(string(pump.img.Resource.Content()), svgHex(darkColor(theme.ColorNameForeground))) || pump.bg.FillColor != darkColor(theme.ColorNameDisabled) {
		t.Errorf("running pump under the dark theme: %s, fill %v", pump.img.Resource.Name(), pump.bg.FillColor)
	}
	if got := scrRenderer[*gaugeRenderer](t, scrElem[*gaugeElem](t, v, 1)).fill.FillColor; got != darkColor(theme.ColorNameSeparator) {
		t.Errorf("normal band %v under the dark theme", got)
	}
}
