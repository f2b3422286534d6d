package hmi

import (
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// chartLine is one line of a model's chart: points with x the fraction
// of the chart's time span (0 left, 1 right) and y in the data's units;
// a NaN y breaks the line.
type chartLine struct {
	xs, ys []float64
	color  fyne.ThemeColorName
	width  float32 // stroke width in theme line widths; 0: 1
}

// chartMark is a point marked on the chart (a rule violation).
type chartMark struct{ x, y float64 }

// wfBar is one bar of a waterfall: its label and its extent as a fraction
// of the planned production (0 at the bottom, 1 at the top).
type wfBar struct {
	label       string
	bottom, top float64
	color       fyne.ThemeColorName
}

// chartData is everything a model's chart draws: lines and marks over a
// time span, or the bars of a waterfall; note is drawn when there is
// nothing else (no history) or under the lines (what the chart shows).
type chartData struct {
	lines  []chartLine
	marks  []chartMark
	bars   []wfBar
	lo, hi float64 // the y range of lines and marks
	note   string
}

// waterfall is OEE's losses from the planned production (100 %) down to
// OEE: the availability loss, the performance loss and the quality loss,
// then OEE itself. a, p and q are fractions (0–1).
func waterfall(a, p, q float64) []wfBar {
	ap := a * p
	apq := ap * q
	return []wfBar{
		{label: lang.L("Planned"), bottom: 0, top: 1, color: theme.ColorNamePrimary},
		{label: lang.L("Availability loss"), bottom: a, top: 1, color: theme.ColorNameError},
		{label: lang.L("Performance loss"), bottom: ap, top: a, color: theme.ColorNameWarning},
		{label: lang.L("Quality loss"), bottom: apq, top: ap, color: theme.ColorNameWarning},
		{label: lang.L("OEE"), bottom: 0, top: apq, color: theme.ColorNameSuccess},
	}
}

// barRects places the bars of a waterfall in a plot of size: equal
// columns, each bar half its column wide and centred in it, 0 at the
// bottom and 1 at the top of the plot. A value outside 0–1 is clamped.
func barRects(bars []wfBar, size fyne.Size) (pos []fyne.Position, sizes []fyne.Size) {
	if len(bars) == 0 {
		return nil, nil
	}
	col := size.Width / float32(len(bars))
	for i, b := range bars {
		lo, hi := clamp01(b.bottom), clamp01(b.top)
		y0 := size.Height * float32(1-hi)
		h := size.Height * float32(hi-lo)
		pos = append(pos, fyne.NewPos(col*float32(i)+col/4, y0))
		sizes = append(sizes, fyne.NewSize(col/2, h))
	}
	return pos, sizes
}

func clamp01(f float64) float64 {
	if math.IsNaN(f) {
		return 0
	}
	return math.Max(0, math.Min(1, f))
}

// yRange is the range of every finite y of lines and marks, widened by a
// twentieth on each side; 0–1 when there is none.
func yRange(lines []chartLine, marks []chartMark, extra ...float64) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	see := func(y float64) {
		if !math.IsNaN(y) && !math.IsInf(y, 0) {
			lo, hi = math.Min(lo, y), math.Max(hi, y)
		}
	}
	for _, l := range lines {
		for _, y := range l.ys {
			see(y)
		}
	}
	for _, m := range marks {
		see(m.y)
	}
	for _, y := range extra {
		see(y)
	}
	if lo > hi {
		return 0, 1
	}
	if lo == hi {
		return lo - 1, hi + 1
	}
	pad := (hi - lo) / 20
	return lo - pad, hi + pad
}

// modelChart draws a chartData with canvas objects: lines as segments,
// marks as circles, a waterfall as rectangles with their labels. It
// redraws only when SetData gives it new data or it is resized.
type modelChart struct {
	widget.BaseWidget
	data chartData
}

func newModelChart() *modelChart {
	c := &modelChart{}
	c.ExtendBaseWidget(c)
	return c
}

// SetData shows d.
func (c *modelChart) SetData(d chartData) {
	c.data = d
	c.Refresh()
}

func (c *modelChart) MinSize() fyne.Size {
	c.ExtendBaseWidget(c)
	return c.BaseWidget.MinSize()
}

func (c *modelChart) CreateRenderer() fyne.WidgetRenderer {
	r := &modelChartRenderer{c: c, bg: canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))}
	r.rebuild(fyne.NewSize(0, 0))
	return r
}

type modelChartRenderer struct {
	c    *modelChart
	bg   *canvas.Rectangle
	objs []fyne.CanvasObject
	size fyne.Size
}

func (r *modelChartRenderer) Destroy()                     {}
func (r *modelChartRenderer) Objects() []fyne.CanvasObject { return r.objs }

func (r *modelChartRenderer) MinSize() fyne.Size {
	em := theme.Size(theme.SizeNameText)
	return fyne.NewSize(20*em, 12*em)
}

func (r *modelChartRenderer) Layout(size fyne.Size) {
	if size != r.size {
		r.rebuild(size)
	}
}

func (r *modelChartRenderer) Refresh() {
	r.bg.FillColor = theme.Color(theme.ColorNameInputBackground)
	r.rebuild(r.size)
	canvas.Refresh(r.c)
}

// rebuild makes the canvas objects of the data at size.
func (r *modelChartRenderer) rebuild(size fyne.Size) {
	r.size = size
	d := &r.c.data
	r.bg.Resize(size)
	objs := []fyne.CanvasObject{r.bg}
	pad := theme.Padding()
	textSize := theme.Size(theme.SizeNameCaptionText)
	plot := fyne.NewSize(size.Width-2*pad, size.Height-2*pad-textSize-pad)
	if plot.Width <= 0 || plot.Height <= 0 {
		r.objs = objs
		return
	}
	origin := fyne.NewPos(pad, pad)
	if len(d.bars) > 0 {
		pos, sizes := barRects(d.bars, plot)
		for i, b := range d.bars {
			rect := canvas.NewRectangle(theme.Color(b.color))
			rect.Move(origin.Add(pos[i]))
			rect.Resize(sizes[i])
			label := canvas.NewText(b.label, theme.Color(theme.ColorNameForeground))
			label.TextSize = textSize
			label.Alignment = fyne.TextAlignCenter
			col := plot.Width / float32(len(d.bars))
			label.Move(fyne.NewPos(pad+col*float32(i), pad+plot.Height+pad/2))
			label.Resize(fyne.NewSize(col, textSize))
			objs = append(objs, rect, label)
		}
	}
	span := d.hi - d.lo
	px := func(x, y float64) fyne.Position {
		return fyne.NewPos(origin.X+float32(x)*plot.Width, origin.Y+plot.Height*float32((d.hi-y)/span))
	}
	stroke := theme.Size(theme.SizeNameInputBorder)
	for _, l := range d.lines {
		w := l.width
		if w == 0 {
			w = 1
		}
		col := theme.Color(l.color)
		for i := 1; i < len(l.xs); i++ {
			if math.IsNaN(l.ys[i-1]) || math.IsNaN(l.ys[i]) || span <= 0 {
				continue
			}
			seg := canvas.NewLine(col)
			seg.StrokeWidth = w * stroke
			seg.Position1, seg.Position2 = px(l.xs[i-1], l.ys[i-1]), px(l.xs[i], l.ys[i])
			objs = append(objs, seg)
		}
	}
	rad := 2 * stroke
	for _, m := range d.marks {
		if span <= 0 || math.IsNaN(m.y) {
			continue
		}
		c := canvas.NewCircle(theme.Color(theme.ColorNameError))
		p := px(m.x, m.y)
		c.Move(fyne.NewPos(p.X-rad, p.Y-rad))
		c.Resize(fyne.NewSize(2*rad, 2*rad))
		objs = append(objs, c)
	}
	if d.note != "" {
		t := canvas.NewText(d.note, theme.Color(theme.ColorNameForeground))
		t.TextSize = textSize
		t.Resize(t.MinSize())
		if len(d.bars) == 0 {
			t.Move(fyne.NewPos(pad, pad+plot.Height+pad/2))
		} else {
			t.Move(fyne.NewPos(pad, pad))
		}
		objs = append(objs, t)
	}
	r.objs = objs
}
