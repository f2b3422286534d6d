package hmi

import (
	"image/color"
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sightglass/sightglass/project"
)

// gaugeState is how far from normal a gauge's value is. Its colour is the
// only colour a gauge has: none while normal.
type gaugeState uint8

const (
	gaugeNormal    gaugeState = iota
	gaugeOffNormal            // outside the normal band, or off the scale: warning colour
	gaugeAlarm                // past an alarm limit: error colour
)

func (s gaugeState) String() string {
	switch s {
	case gaugeNormal:
		return "normal"
	case gaugeOffNormal:
		return "off-normal"
	case gaugeAlarm:
		return "alarm"
	}
	return "gaugeState(?)"
}

// gaugeDefaultSpan is the scale of a gauge whose element sets no Min and Max.
const gaugeDefaultSpan = 100

// gaugeRange returns e's scale, 0..gaugeDefaultSpan when it sets none (or an
// empty one).
func gaugeRange(e *project.Element) (lo, hi float64) {
	if e.Max > e.Min {
		return e.Min, e.Max
	}
	return 0, gaugeDefaultSpan
}

// gaugeFrac is where v falls on lo..hi, as a fraction clamped to 0..1, with
// -1 or +1 in clamp when v is below or above the scale. ok is false for a
// NaN.
func gaugeFrac(v, lo, hi float64) (frac float32, clamp int, ok bool) {
	if math.IsNaN(v) {
		return 0, 0, false
	}
	f := (v - lo) / (hi - lo)
	switch {
	case f < 0:
		return 0, -1, true
	case f > 1:
		return 1, 1, true
	}
	return float32(f), 0, true
}

// gaugeStateOf is how abnormal v is for e: past an alarm limit, outside
// the normal band or off the scale, or normal.
func gaugeStateOf(e *project.Element, v float64) gaugeState {
	if math.IsNaN(v) {
		return gaugeOffNormal
	}
	if abnormalValue(e, v) {
		return gaugeAlarm
	}
	if e.HasNormal && (v < e.NormalLo || v > e.NormalHi) {
		return gaugeOffNormal
	}
	if lo, hi := gaugeRange(e); v < lo || v > hi {
		return gaugeOffNormal
	}
	return gaugeNormal
}

// indicatorGeom is the layout of an ISA-101 moving analog indicator on a
// vertical scale of height h: y grows downward, the scale's Max is at 0
// and its Min at h.
type indicatorGeom struct {
	Pointer    float32 // y of the pointer
	HasPointer bool    // false for a NaN: no pointer at all
	Clamp      int     // -1 below Min, +1 above Max: the pointer sits at the end
	Band       bool    // a normal band to shade
	BandTop    float32 // y of NormalHi
	BandBottom float32 // y of NormalLo
	HasHi      bool    // a high alarm limit to mark, at AlarmHiY
	AlarmHiY   float32
	HasLo      bool // a low alarm limit to mark, at AlarmLoY
	AlarmLoY   float32
	State      gaugeState
}

// indicatorGeometry lays out e's indicator for value v on a scale h pixels
// high. Band edges and limits outside the scale sit at its ends.
func indicatorGeometry(e *project.Element, v float64, h float32) indicatorGeom {
	lo, hi := gaugeRange(e)
	y := func(x float64) float32 {
		f, _, _ := gaugeFrac(x, lo, hi)
		return h * (1 - f)
	}
	g := indicatorGeom{State: gaugeStateOf(e, v)}
	if f, clamp, ok := gaugeFrac(v, lo, hi); ok {
		g.Pointer, g.HasPointer, g.Clamp = h*(1-f), true, clamp
	}
	if e.HasNormal {
		g.Band, g.BandTop, g.BandBottom = true, y(e.NormalHi), y(e.NormalLo)
	}
	g.HasLo, g.HasHi = alarmLimits(e)
	if g.HasHi {
		g.AlarmHiY = y(e.AlarmHi)
	}
	if g.HasLo {
		g.AlarmLoY = y(e.AlarmLo)
	}
	return g
}

// gaugeElem is an indicator, a bar or a tank: a number against a scale.
type gaugeElem struct {
	widget.BaseWidget
	elemBase
}

func newGaugeElem(e *project.Element) *gaugeElem {
	w := &gaugeElem{elemBase: newElemBase(e)}
	w.ExtendBaseWidget(w)
	return w
}

func (w *gaugeElem) base() *elemBase { return &w.elemBase }

// value is the gauge's number: NaN when there is none.
func (w *gaugeElem) value() float64 {
	v := w.live[slotMain].v.Value
	if v.IsZero() {
		return math.NaN()
	}
	return v.Float()
}

// CreateRenderer implements fyne.Widget. The three gauges share one
// renderer: a scale body, a fill or band, a pointer, two limit marks, a
// value text and the quality mark.
func (w *gaugeElem) CreateRenderer() fyne.WidgetRenderer {
	r := &gaugeRenderer{
		w:       w,
		body:    canvas.NewRectangle(color.Transparent),
		fill:    canvas.NewRectangle(color.Transparent),
		pointer: canvas.NewLine(color.Transparent),
		hiMark:  canvas.NewLine(color.Transparent),
		loMark:  canvas.NewLine(color.Transparent),
		text:    newGlyphText(),
		mark:    newQualityMark(),
	}
	r.objects = r.mark.add([]fyne.CanvasObject{r.body, r.fill, r.hiMark, r.loMark, r.pointer, r.text.glyphs})
	r.Refresh()
	return r
}

type gaugeRenderer struct {
	w       *gaugeElem
	body    *canvas.Rectangle // the scale, the bar's trough, the tank's outline
	fill    *canvas.Rectangle // the indicator's normal band; the bar's and tank's contents
	pointer *canvas.Line      // indicator only
	hiMark  *canvas.Line      // alarm limits
	loMark  *canvas.Line
	text    *glyphText // tank: the value; indicator and bar: "?" when bad
	mark    *qualityMark
	objects []fyne.CanvasObject
}

// textHeight is the height of a line of the gauge's text.
func (r *gaugeRenderer) textHeight() float32 {
	return fyne.MeasureText("Mg", r.text.size, fyne.TextStyle{Bold: r.text.bold}).Height
}

func (r *gaugeRenderer) Layout(size fyne.Size) {
	r.mark.layout(size)
	w := r.w
	e := w.e
	v := w.value()
	switch e.Kind {
	case project.KindIndicator:
		// The scale in the left half, the pointer crossing it and reaching
		// out to the right edge. The value itself is a value element's
		// job; the indicator shows where it lies.
		h := max(size.Height, 1)
		sw := max(size.Width/2, 4)
		r.body.Move(fyne.Position{})
		r.body.Resize(fyne.NewSize(sw, h))
		g := indicatorGeometry(e, v, h)
		r.fill.Move(fyne.NewPos(0, g.BandTop))
		r.fill.Resize(fyne.NewSize(sw, g.BandBottom-g.BandTop))
		r.pointer.Position1 = fyne.NewPos(0, g.Pointer)
		r.pointer.Position2 = fyne.NewPos(size.Width, g.Pointer)
		r.limitMarks(g.AlarmHiY, g.AlarmLoY, 0, sw, false)
		r.text.place(fyne.Position{}, fyne.NewSize(size.Width, r.textHeight()))
	case project.KindBar:
		r.body.Move(fyne.Position{})
		r.body.Resize(size)
		lo, hi := gaugeRange(e)
		f, _, ok := gaugeFrac(v, lo, hi)
		if !ok {
			f = 0
		}
		yHi, _, _ := gaugeFrac(e.AlarmHi, lo, hi)
		yLo, _, _ := gaugeFrac(e.AlarmLo, lo, hi)
		if e.Horizontal {
			r.fill.Move(fyne.Position{})
			r.fill.Resize(fyne.NewSize(size.Width*f, size.Height))
			r.limitMarks(size.Width*yHi, size.Width*yLo, 0, size.Height, true)
		} else {
			r.fill.Move(fyne.NewPos(0, size.Height*(1-f)))
			r.fill.Resize(fyne.NewSize(size.Width, size.Height*f))
			r.limitMarks(size.Height*(1-yHi), size.Height*(1-yLo), 0, size.Width, false)
		}
		r.text.place(fyne.Position{}, size)
	case project.KindTank:
		r.body.Move(fyne.Position{})
		r.body.Resize(size)
		lo, hi := gaugeRange(e)
		f, _, ok := gaugeFrac(v, lo, hi)
		if !ok {
			f = 0
		}
		r.fill.Move(fyne.NewPos(0, size.Height*(1-f)))
		r.fill.Resize(fyne.NewSize(size.Width, size.Height*f))
		yHi, _, _ := gaugeFrac(e.AlarmHi, lo, hi)
		yLo, _, _ := gaugeFrac(e.AlarmLo, lo, hi)
		r.limitMarks(size.Height*(1-yHi), size.Height*(1-yLo), 0, size.Width/4, false)
		th := r.textHeight()
		r.text.place(fyne.NewPos(0, 2*r.w.stroke(1)), fyne.NewSize(size.Width, th))
	}
}

// limitMarks places the alarm-limit ticks at a and b along the scale,
// spanning from..to across it; horizontal when the scale runs left to
// right.
func (r *gaugeRenderer) limitMarks(a, b, from, to float32, horizontal bool) {
	for i, l := range [2]*canvas.Line{r.hiMark, r.loMark} {
		at := a
		if i == 1 {
			at = b
		}
		if horizontal {
			l.Position1, l.Position2 = fyne.NewPos(at, from), fyne.NewPos(at, to)
		} else {
			l.Position1, l.Position2 = fyne.NewPos(from, at), fyne.NewPos(to, at)
		}
	}
}

func (r *gaugeRenderer) MinSize() fyne.Size { return fyne.Size{} }

func (r *gaugeRenderer) Refresh() {
	w := r.w
	e := w.e
	th := w.Theme()
	vr := themeVariant()
	fg := th.Color(theme.ColorNameForeground, vr)
	v := w.value()
	bad := w.bad()
	state := gaugeNormal
	if !bad {
		state = gaugeStateOf(e, v)
	}
	stateColor := fg
	switch state {
	case gaugeAlarm:
		stateColor = th.Color(theme.ColorNameError, vr)
	case gaugeOffNormal:
		stateColor = th.Color(theme.ColorNameWarning, vr)
	}
	warn := th.Color(theme.ColorNameWarning, vr)
	textColor := stateColor
	if bad {
		textColor = warn
	}
	text := "" // an indicator and a bar have no text of their own, but "?" when bad
	if bad {
		text = "?"
	}
	if e.Kind == project.KindTank {
		text = w.shownValue()
	}

	switch e.Kind {
	case project.KindIndicator:
		setElemRect(r.body, th.Color(theme.ColorNameInputBackground, vr), th.Color(theme.ColorNameInputBorder, vr), w.stroke(1))
		setElemRect(r.fill, elemColor(th, colorNameNormalBand), color.Transparent, 0)
		r.fill.Hidden = !e.HasNormal
		pc := stateColor
		if bad {
			pc = th.Color(theme.ColorNameDisabled, vr) // the last position, no longer current
		}
		r.pointer.StrokeColor, r.pointer.StrokeWidth = pc, w.stroke(3)
		r.pointer.Hidden = math.IsNaN(v)
	case project.KindBar, project.KindTank:
		outline := th.Color(theme.ColorNameInputBorder, vr)
		trough := th.Color(theme.ColorNameInputBackground, vr)
		if e.Kind == project.KindTank {
			outline, trough = fg, color.Transparent
		}
		setElemRect(r.body, trough, outline, w.stroke(1))
		fc := elemColor(th, colorNameVesselFill)
		if state == gaugeAlarm {
			fc = stateColor
		}
		setElemRect(r.fill, fc, color.Transparent, 0)
		r.fill.Hidden = math.IsNaN(v)
		r.pointer.Hidden = true
	}
	lo, hi := alarmLimits(e)
	for _, l := range [2]*canvas.Line{r.hiMark, r.loMark} {
		l.StrokeColor, l.StrokeWidth = fg, w.stroke(2)
	}
	r.hiMark.Hidden, r.loMark.Hidden = !hi, !lo
	r.text.Alignment = fyne.TextAlignCenter
	r.text.set(text, textColor, w.textSize(th), false)
	r.mark.show(bad, warn, w.stroke(2))
	r.Layout(w.Size())
	for _, o := range []fyne.CanvasObject{r.body, r.fill, r.pointer, r.hiMark, r.loMark} {
		o.Refresh()
	}
}

func (r *gaugeRenderer) Objects() []fyne.CanvasObject { return r.objects }
func (r *gaugeRenderer) Destroy()                     {}
