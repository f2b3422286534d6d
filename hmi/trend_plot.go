package hmi

import (
	"image"
	"image/color"
	"math"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// valueLabelSample is the widest value axis label the plot leaves room
// for; longer ones run into the window's margin.
const valueLabelSample = "-00000.000"

// timeLabelSample sizes the gap between time axis labels.
const timeLabelSample = "00:00:00"

// valueTickSpacing is the least distance between value axis labels, in
// text heights: about six labels on a plot 400 px high.
const valueTickSpacing = 4

// plotPen is what the plot draws of one pen.
type plotPen struct {
	color color.NRGBA
	geom  penGeometry
	scale penScale
}

// trendPlot is the trend's drawing: the pens' lines and envelopes over a
// time grid, the value axis of one pen, the time axis and a cursor. It
// turns drags (mouse and touch) into pans, the wheel into zoom about the
// pointer, and taps and hovering into the cursor; the TrendView decides
// what a pan or zoom does (onView) and feeds it data.
type trendPlot struct {
	widget.BaseWidget

	// State, on the Fyne goroutine.
	view      timeSpan // the time shown
	data      timeSpan // the time pens' columns cover
	cols      int      // columns in data
	pens      []plotPen
	axisPen   int // pen whose value axis shows; −1 for none
	cursor    int64
	hasCursor bool
	message   string // shown over an empty plot
	loc       *time.Location
	version   uint64 // bumped by every change that needs a new raster
	pxWidth   int    // the plot's width in device pixels, last layout

	// Callbacks, on the Fyne goroutine.
	onView   func(timeSpan) // the person panned or zoomed to this span
	onCursor func(int64)    // the cursor moved to this time
	onWidth  func(int)      // the plot's pixel width changed
}

var (
	_ fyne.Draggable    = (*trendPlot)(nil)
	_ fyne.Scrollable   = (*trendPlot)(nil)
	_ fyne.Tappable     = (*trendPlot)(nil)
	_ desktop.Hoverable = (*trendPlot)(nil)
)

func newTrendPlot() *trendPlot {
	p := &trendPlot{axisPen: -1, loc: time.Local}
	p.ExtendBaseWidget(p)
	return p
}

// changed marks the raster out of date and redraws.
func (p *trendPlot) changed() {
	p.version++
	p.Refresh()
}

// plotArea is where the plot itself lies in a widget of size: a margin
// for value labels on the left, for time labels below.
func (p *trendPlot) plotArea(size fyne.Size) (fyne.Position, fyne.Size) {
	th := p.Theme()
	pad := th.Size(theme.SizeNamePadding)
	ts := th.Size(theme.SizeNameCaptionText)
	left := fyne.MeasureText(valueLabelSample, ts, fyne.TextStyle{}).Width + 2*pad
	textH := fyne.MeasureText("Mg", ts, fyne.TextStyle{}).Height
	top := textH / 2 // room for the top value label's upper half
	bottom := textH + pad
	right := fyne.MeasureText(timeLabelSample, ts, fyne.TextStyle{}).Width / 2
	return fyne.NewPos(left, top), fyne.NewSize(max(size.Width-left-right, 0), max(size.Height-top-bottom, 0))
}

// scale is the canvas's device pixels per Fyne unit.
func (p *trendPlot) scale() float32 {
	if c := fyne.CurrentApp().Driver().CanvasForObject(p); c != nil && c.Scale() > 0 {
		return c.Scale()
	}
	return 1
}

// pixelWidth is the plot's width in device pixels: the columns a query
// asks for.
func (p *trendPlot) pixelWidth() int {
	_, sz := p.plotArea(p.Size())
	return int(math.Round(float64(sz.Width * p.scale())))
}

// noteWidth tells the view when a layout changed the plot's pixel width.
func (p *trendPlot) noteWidth() {
	if w := p.pixelWidth(); w != p.pxWidth {
		p.pxWidth = w
		if p.onWidth != nil {
			p.onWidth(w)
		}
	}
}

// setView shows span s.
func (p *trendPlot) setView(s timeSpan) {
	if s != p.view {
		p.view = s
		p.changed()
	}
}

// Dragged pans: the trend follows the finger or the mouse.
func (p *trendPlot) Dragged(e *fyne.DragEvent) {
	_, sz := p.plotArea(p.Size())
	if p.onView != nil && e.Dragged.DX != 0 {
		p.onView(panSpan(p.view, float64(e.Dragged.DX), float64(sz.Width)))
	}
}

// DragEnd implements fyne.Draggable.
func (p *trendPlot) DragEnd() {}

// Scrolled zooms about the time under the pointer.
func (p *trendPlot) Scrolled(e *fyne.ScrollEvent) {
	pos, sz := p.plotArea(p.Size())
	if p.onView != nil && e.Scrolled.DY != 0 {
		f := zoomFactor(float64(e.Scrolled.DY))
		p.onView(zoomSpan(p.view, f, float64(e.Position.X-pos.X), float64(sz.Width), minSpan, maxSpan))
	}
}

// Tapped sets the cursor.
func (p *trendPlot) Tapped(e *fyne.PointEvent) { p.cursorAt(e.Position.X) }

// MouseIn sets the cursor where the pointer enters.
func (p *trendPlot) MouseIn(e *desktop.MouseEvent) { p.cursorAt(e.Position.X) }

// MouseMoved moves the cursor with the pointer.
func (p *trendPlot) MouseMoved(e *desktop.MouseEvent) { p.cursorAt(e.Position.X) }

// MouseOut leaves the cursor where it was.
func (p *trendPlot) MouseOut() {}

// cursorAt puts the cursor at x, in the widget's coordinates.
func (p *trendPlot) cursorAt(x float32) {
	pos, sz := p.plotArea(p.Size())
	if sz.Width <= 0 || x < pos.X || x > pos.X+sz.Width {
		return
	}
	p.setCursor(spanTimeAt(p.view, float64(x-pos.X), float64(sz.Width)))
}

// setCursor puts the cursor at t (it is drawn when t is in view).
func (p *trendPlot) setCursor(t int64) {
	p.cursor, p.hasCursor = t, true
	p.Refresh() // the cursor line and labels only: the raster's version is unchanged
	if p.onCursor != nil {
		p.onCursor(t)
	}
}

// style is the look of the raster from the theme, at scale device pixels
// per unit.
func (p *trendPlot) style(scale float32) frameStyle {
	th := p.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	sep := th.Size(theme.SizeNameSeparatorThickness)
	return frameStyle{
		Background: toNRGBA(th.Color(theme.ColorNameInputBackground, v)),
		Grid:       toNRGBA(th.Color(theme.ColorNameSeparator, v)),
		Line:       2 * sep * scale,
		Envelope:   sep * scale,
		GridW:      sep * scale,
	}
}

// timeGap is the least distance between time labels, in units: twice a
// label's width, so that the axis stays calm (6 labels on an hour, 7 on
// a week, across 1,000 px).
func (p *trendPlot) timeGap() float64 {
	ts := p.Theme().Size(theme.SizeNameCaptionText)
	return 2 * float64(fyne.MeasureText(timeLabelSample, ts, fyne.TextStyle{}).Width)
}

// valueTicksFor is the value axis of the axis pen on a plot h units
// high: its ticks and their decimals; nil when no pen has the axis.
func (p *trendPlot) valueTicksFor(h float32) ([]float64, int) {
	if p.axisPen < 0 || p.axisPen >= len(p.pens) {
		return nil, 0
	}
	ts := p.Theme().Size(theme.SizeNameCaptionText)
	textH := fyne.MeasureText("Mg", ts, fyne.TextStyle{}).Height
	n := max(int(h/(valueTickSpacing*textH)), 1)
	sc := p.pens[p.axisPen].scale
	return trendValueTicks(sc.Lo, sc.Hi, n)
}

// frame is what the raster draws on w×h device pixels, at scale device
// pixels per unit.
func (p *trendPlot) frame(w, h int, scale float32) trendFrame {
	f := trendFrame{View: p.view, Data: p.data, Cols: p.cols, Style: p.style(scale)}
	for _, t := range trendTimeTicks(p.view, float64(w), p.timeGap()*float64(scale), p.loc) {
		f.XGrid = append(f.XGrid, math.Floor(t.X)+0.5)
	}
	if ticks, _ := p.valueTicksFor(float32(h) / scale); ticks != nil {
		sc := p.pens[p.axisPen].scale
		for _, v := range ticks {
			f.YGrid = append(f.YGrid, (float32(math.Floor(float64(sc.y(v)*float32(h))))+0.5)/float32(h))
		}
	}
	f.Pens = make([]framePen, len(p.pens))
	for i := range p.pens {
		f.Pens[i] = framePen{Color: p.pens[i].color, Geom: &p.pens[i].geom}
	}
	return f
}

// CreateRenderer implements fyne.Widget.
func (p *trendPlot) CreateRenderer() fyne.WidgetRenderer {
	r := &trendPlotRenderer{p: p, drawn: ^uint64(0)}
	r.raster = canvas.NewRaster(r.generate)
	r.cursor = canvas.NewLine(color.Transparent)
	r.message = canvas.NewText("", color.Transparent)
	r.message.Alignment = fyne.TextAlignCenter
	r.Refresh()
	return r
}

type trendPlotRenderer struct {
	p         *trendPlot
	raster    *canvas.Raster
	img       *image.RGBA // reused while the size stays
	cursor    *canvas.Line
	message   *canvas.Text
	timeText  []*canvas.Text // a pool: the first len(ticks) are shown
	valueText []*canvas.Text
	drawn     uint64 // the version the raster shows
}

// generate draws the raster: Fyne calls it with the plot's size in device
// pixels.
func (r *trendPlotRenderer) generate(w, h int) image.Image {
	if w <= 0 || h <= 0 {
		return image.NewRGBA(image.Rect(0, 0, 1, 1))
	}
	if r.img == nil || r.img.Rect.Dx() != w || r.img.Rect.Dy() != h {
		r.img = image.NewRGBA(image.Rect(0, 0, w, h))
	}
	_, sz := r.p.plotArea(r.p.Size())
	scale := r.p.scale()
	if sz.Width > 0 {
		scale = float32(w) / sz.Width
	}
	f := r.p.frame(w, h, scale)
	f.draw(r.img)
	return r.img
}

func (r *trendPlotRenderer) Layout(size fyne.Size) {
	r.place(size)
	r.p.noteWidth()
}

func (r *trendPlotRenderer) MinSize() fyne.Size {
	th := r.p.Theme()
	ts := th.Size(theme.SizeNameCaptionText)
	textH := fyne.MeasureText("Mg", ts, fyne.TextStyle{}).Height
	return fyne.NewSize(float32(r.p.timeGap())*4, 8*textH)
}

func (r *trendPlotRenderer) Refresh() {
	r.place(r.p.Size())
	if r.drawn != r.p.version {
		r.drawn = r.p.version
		r.raster.Refresh()
	}
}

// place lays out and updates everything but the raster's pixels: the
// raster's place, the labels, the cursor and the message.
func (r *trendPlotRenderer) place(size fyne.Size) {
	p := r.p
	th := p.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	pad := th.Size(theme.SizeNamePadding)
	ts := th.Size(theme.SizeNameCaptionText)
	fg := th.Color(theme.ColorNameForeground, v)
	textH := fyne.MeasureText("Mg", ts, fyne.TextStyle{}).Height
	pos, sz := p.plotArea(size)
	r.raster.Move(pos)
	r.raster.Resize(sz)

	// Time labels, centred under their grid lines, none cut by the edges.
	ticks := trendTimeTicks(p.view, float64(sz.Width), p.timeGap(), p.loc)
	n := 0
	for _, tk := range ticks {
		w := fyne.MeasureText(tk.Label, ts, fyne.TextStyle{}).Width
		x := pos.X + float32(tk.X) - w/2
		if x < 0 || x+w > size.Width {
			continue
		}
		t := r.text(&r.timeText, n)
		plotSetText(t, tk.Label, fg, ts)
		t.Move(fyne.NewPos(x, pos.Y+sz.Height+pad/2))
		t.Resize(fyne.NewSize(w, textH))
		n++
	}
	plotHideFrom(r.timeText, n)

	// Value labels of the axis pen, in its colour, right-aligned left of
	// the plot.
	n = 0
	if vt, dec := p.valueTicksFor(sz.Height); vt != nil {
		pen := p.pens[p.axisPen]
		for _, val := range vt {
			y := pos.Y + pen.scale.y(val)*sz.Height
			t := r.text(&r.valueText, n)
			plotSetText(t, formatValueTick(val, dec), pen.color, ts)
			t.Alignment = fyne.TextAlignTrailing
			t.Move(fyne.NewPos(0, y-textH/2))
			t.Resize(fyne.NewSize(pos.X-2*pad, textH))
			n++
		}
	}
	plotHideFrom(r.valueText, n)

	// The cursor.
	if p.hasCursor && p.cursor >= p.view.From && p.cursor < p.view.To && sz.Width > 0 {
		x := pos.X + float32(spanX(p.view, p.cursor, float64(sz.Width)))
		r.cursor.StrokeColor = th.Color(theme.ColorNamePrimary, v)
		r.cursor.StrokeWidth = th.Size(theme.SizeNameSeparatorThickness)
		r.cursor.Position1 = fyne.NewPos(x, pos.Y)
		r.cursor.Position2 = fyne.NewPos(x, pos.Y+sz.Height)
		r.cursor.Show()
		r.cursor.Refresh()
	} else {
		r.cursor.Hide()
	}

	r.message.Text = p.message
	r.message.Color = th.Color(theme.ColorNamePlaceHolder, v)
	r.message.TextSize = th.Size(theme.SizeNameText)
	r.message.Move(fyne.NewPos(pos.X, pos.Y+sz.Height/2-textH))
	r.message.Resize(fyne.NewSize(sz.Width, 2*textH))
	r.message.Refresh()
}

// text returns the pool's i-th text, making it when the pool is short.
func (r *trendPlotRenderer) text(pool *[]*canvas.Text, i int) *canvas.Text {
	for len(*pool) <= i {
		*pool = append(*pool, canvas.NewText("", color.Transparent))
	}
	t := (*pool)[i]
	t.Show()
	return t
}

func plotSetText(t *canvas.Text, s string, c color.Color, size float32) {
	if t.Text != s || t.Color != c || t.TextSize != size {
		t.Text, t.Color, t.TextSize = s, c, size
		t.Refresh()
	}
}

func plotHideFrom(pool []*canvas.Text, n int) {
	for _, t := range pool[n:] {
		t.Hide()
	}
}

func (r *trendPlotRenderer) Objects() []fyne.CanvasObject {
	objs := make([]fyne.CanvasObject, 0, 3+len(r.timeText)+len(r.valueText))
	objs = append(objs, r.raster, r.cursor, r.message)
	for _, t := range r.timeText {
		objs = append(objs, t)
	}
	for _, t := range r.valueText {
		objs = append(objs, t)
	}
	return objs
}

func (r *trendPlotRenderer) Destroy() {}

// penColor is the colour of palette slot slot on this plot's background.
func (p *trendPlot) penColor(slot int) color.NRGBA {
	return palette(p.style(1).Background)[slot%maxPens]
}
