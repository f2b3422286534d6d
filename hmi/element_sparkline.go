package hmi

import (
	"context"
	"image/color"
	"math"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sightglass/sightglass/historian"
	"github.com/sightglass/sightglass/project"
	"github.com/sightglass/sightglass/tags"
)

// sparkInterval is how often a shown sparkline asks the historian again:
// a sparkline is a glance at the last minutes, and the historian commits
// about once a second, so every few seconds is as fresh as it gets.
const sparkInterval = 5 * time.Second

// sparkTimeout bounds one history read.
const sparkTimeout = 5 * time.Second

// sparkLimit caps the samples one read returns: ten minutes of a 10 Hz
// tag, twice over. Anything beyond is cut (the oldest are kept: a
// sparkline that long is a trend's job).
const sparkLimit = 12_000

// defaultSparkMinutes is a sparkline's span when its element sets none.
const defaultSparkMinutes = 10

// sparkColumns is how many columns a sparkline's samples are reduced to;
// each keeps its lowest and highest sample, so a spike shows.
const sparkColumns = 60

// sparkPoints reduces samples over [from, to) (Unix ms) to at most
// 2×cols points, each column's lowest and highest good sample in time
// order, as positions in the unit square: x from 0 (from) to 1 (to), y
// from 0 (hi) to 1 (lo). When lo ≥ hi the range is the samples' own.
// Samples that are not good, or not numbers, are left out.
func sparkPoints(samples []historian.Sample, from, to int64, cols int, lo, hi float64) []fyne.Position {
	if to <= from || cols <= 0 {
		return nil
	}
	type col struct {
		minT, maxT int64
		minV, maxV float64
		n          int
	}
	cs := make([]col, cols)
	dataLo, dataHi := math.Inf(1), math.Inf(-1)
	for _, s := range samples {
		if s.T < from || s.T >= to || s.Q.Level != tags.Good {
			continue
		}
		switch s.V.Kind() {
		case tags.KindNone, tags.KindString:
			continue
		}
		v := s.V.Float()
		if math.IsNaN(v) || math.IsInf(v, 0) {
			continue
		}
		i := int((s.T - from) * int64(cols) / (to - from))
		c := &cs[i]
		if c.n == 0 || v < c.minV {
			c.minV, c.minT = v, s.T
		}
		if c.n == 0 || v > c.maxV {
			c.maxV, c.maxT = v, s.T
		}
		c.n++
		dataLo, dataHi = min(dataLo, v), max(dataHi, v)
	}
	if math.IsInf(dataLo, 1) {
		return nil
	}
	if lo >= hi {
		lo, hi = dataLo, dataHi
		if lo == hi { // a flat line, in the middle
			lo, hi = lo-1, hi+1
		}
	}
	span := float64(to - from)
	pos := func(t int64, v float64) fyne.Position {
		y := (hi - v) / (hi - lo)
		return fyne.NewPos(float32(float64(t-from)/span), float32(min(max(y, 0), 1)))
	}
	pts := make([]fyne.Position, 0, 2*cols)
	for _, c := range cs {
		switch {
		case c.n == 0:
		case c.minT == c.maxT:
			pts = append(pts, pos(c.minT, c.minV))
		case c.minT < c.maxT:
			pts = append(pts, pos(c.minT, c.minV), pos(c.maxT, c.maxV))
		default:
			pts = append(pts, pos(c.maxT, c.maxV), pos(c.minT, c.minV))
		}
	}
	return pts
}

// sparkElem is the last minutes of a tag from the historian, as lines.
// The screen view fetches its history (fetchSpark); the live tag gives its
// quality mark.
type sparkElem struct {
	widget.BaseWidget
	elemBase

	// Set on the Fyne goroutine.
	pts       []fyne.Position // unit square, from sparkPoints
	noHistory string          // why there is no line: the history read's error
	lastFetch time.Time
	inFlight  bool
}

func newSparkElem(e *project.Element) *sparkElem {
	w := &sparkElem{elemBase: newElemBase(e)}
	w.ExtendBaseWidget(w)
	return w
}

func (w *sparkElem) base() *elemBase { return &w.elemBase }

// span is how far back the sparkline looks.
func (w *sparkElem) span() time.Duration {
	m := w.e.Minutes
	if m <= 0 {
		m = defaultSparkMinutes
	}
	return time.Duration(m) * time.Minute
}

// due reports whether the sparkline should ask the historian again.
func (w *sparkElem) due(now time.Time) bool {
	return !w.inFlight && (w.lastFetch.IsZero() || now.Sub(w.lastFetch) >= sparkInterval || now.Before(w.lastFetch))
}

// fetch reads the history and reduces it to points; it runs off the Fyne
// goroutine.
func (w *sparkElem) fetch(ctx context.Context, st ScreenStation, now time.Time) ([]fyne.Position, error) {
	from := now.Add(-w.span())
	ctx, cancel := context.WithTimeout(ctx, sparkTimeout)
	defer cancel()
	samples, err := st.RawHistory(ctx, w.e.Tag, from, now, sparkLimit)
	if err != nil {
		return nil, err
	}
	lo, hi := w.e.Min, w.e.Max
	return sparkPoints(samples, historian.Millis(from), historian.Millis(now)+1, sparkColumns, lo, hi), nil
}

// setPoints shows a fetch's result, on the Fyne goroutine.
func (w *sparkElem) setPoints(pts []fyne.Position, err error) {
	w.inFlight = false
	w.pts = pts
	w.noHistory = ""
	if err != nil {
		w.noHistory = "no history"
	}
	w.Refresh()
}

// CreateRenderer implements fyne.Widget.
func (w *sparkElem) CreateRenderer() fyne.WidgetRenderer {
	r := &sparkRenderer{w: w, frame: canvas.NewRectangle(color.Transparent), text: canvas.NewText("", color.Black), mark: newQualityMark()}
	r.Refresh()
	return r
}

type sparkRenderer struct {
	w       *sparkElem
	frame   *canvas.Rectangle // a faint outline: where the sparkline is, even empty
	lines   []*canvas.Line    // one per pair of points; grown, never shrunk
	text    *canvas.Text      // "no history", or "?" when the tag is bad
	mark    *qualityMark
	objects []fyne.CanvasObject
}

func (r *sparkRenderer) Layout(size fyne.Size) {
	r.frame.Resize(size)
	pts := r.w.pts
	pad := r.w.stroke(1)
	at := func(p fyne.Position) fyne.Position {
		return fyne.NewPos(pad+p.X*(size.Width-2*pad), pad+p.Y*(size.Height-2*pad))
	}
	for i, l := range r.lines {
		if i+1 < len(pts) {
			l.Position1, l.Position2 = at(pts[i]), at(pts[i+1])
		}
	}
	placeElemText(r.text, fyne.Position{}, size)
	r.mark.layout(size)
}

func (r *sparkRenderer) MinSize() fyne.Size { return fyne.Size{} }

func (r *sparkRenderer) Refresh() {
	w := r.w
	th := w.Theme()
	vr := themeVariant()
	n := max(len(w.pts)-1, 0)
	for len(r.lines) < n {
		r.lines = append(r.lines, canvas.NewLine(color.Transparent))
	}
	c := th.Color(theme.ColorNameForeground, vr)
	sw := w.stroke(1.5)
	for i, l := range r.lines {
		l.Hidden = i >= n
		if l.StrokeColor != c || l.StrokeWidth != sw {
			l.StrokeColor, l.StrokeWidth = c, sw
		}
		l.Refresh()
	}
	setElemRect(r.frame, color.Transparent, th.Color(theme.ColorNameSeparator, vr), w.stroke(1))
	r.objects = append(r.objects[:0], r.frame)
	for _, l := range r.lines {
		r.objects = append(r.objects, l)
	}
	r.objects = r.mark.add(append(r.objects, r.text))

	bad := w.bad()
	text, tc := "", th.Color(theme.ColorNameDisabled, vr)
	switch {
	case bad:
		text, tc = "? "+w.badWhy(), th.Color(theme.ColorNameWarning, vr)
	case w.noHistory != "":
		text = w.noHistory
	}
	r.text.Alignment = fyne.TextAlignCenter
	setElemText(r.text, text, tc, w.textSize(th)*0.8, false)
	r.mark.show(bad, th.Color(theme.ColorNameWarning, vr), w.stroke(2))
	r.Layout(w.Size())
}

func (r *sparkRenderer) Objects() []fyne.CanvasObject { return r.objects }
func (r *sparkRenderer) Destroy()                     {}
