package hmi

import (
	"image/color"
	"regexp"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sightglass/sightglass/project"
)

// symbolState is what a symbol shows, in the order that wins: bad data
// over a fault over running over stopped.
type symbolState uint8

const (
	symbolStopped symbolState = iota // drawn in a light grey outline
	symbolRunning                    // in the text colour, on a darker grey fill
	symbolFault                      // in the alarm colour, on its tint
	symbolBad                        // greyed, with the quality mark and "?"
)

func (s symbolState) String() string {
	switch s {
	case symbolStopped:
		return "stopped"
	case symbolRunning:
		return "running"
	case symbolFault:
		return "fault"
	case symbolBad:
		return "bad"
	}
	return "symbolState(?)"
}

// symbolSet caches each symbol's SVG and its tinted copies, so that a state
// change swaps a resource and makes none (and Fyne's raster cache, keyed by
// resource name, keeps each copy's pixels).
type symbolSet struct {
	load   func(name string) ([]byte, bool)
	svg    map[string][]byte // nil value: no such symbol
	tinted map[string]fyne.Resource
}

func newSymbolSet(load func(string) ([]byte, bool)) *symbolSet {
	return &symbolSet{load: load, svg: map[string][]byte{}, tinted: map[string]fyne.Resource{}}
}

// source returns symbol name's SVG, or nil when there is no such symbol.
func (s *symbolSet) source(name string) []byte {
	data, ok := s.svg[name]
	if !ok {
		if s.load != nil {
			if d, found := s.load(name); found {
				data = d
			}
		}
		s.svg[name] = data
	}
	return data
}

// get returns symbol name drawn in colour c, or nil when there is no such
// symbol.
func (s *symbolSet) get(name string, c color.Color) fyne.Resource {
	if s == nil {
		return nil
	}
	src := s.source(name)
	if src == nil {
		return nil
	}
	hex := svgHex(c)
	key := name + "-" + hex[1:] + ".svg"
	res, ok := s.tinted[key]
	if !ok {
		res = fyne.NewStaticResource(key, tintSVG(src, hex))
		s.tinted[key] = res
	}
	return res
}

// svgColor matches a colour given to fill or stroke, as an attribute
// (stroke="#404040") or in a style (fill:#404040): group 1 is everything
// before the colour, group 2 the colour.
var svgColor = regexp.MustCompile(`((?:^|[\s;"'])(?:fill|stroke)\s*(?:=\s*["']|:\s*))(#[0-9a-fA-F]{3,8}|rgba?\([^)]*\)|[a-zA-Z]+)`)

// tintSVG draws an SVG in one colour: every fill and stroke colour becomes
// hex, and "none" stays none. The project's symbols are line drawings
// (fill="none", the colour on the stroke), which Fyne's own
// theme.NewColoredResource leaves as they are: it recolours fills only.
func tintSVG(src []byte, hex string) []byte {
	return svgColor.ReplaceAllFunc(src, func(m []byte) []byte {
		sub := svgColor.FindSubmatch(m)
		switch strings.ToLower(string(sub[2])) {
		case "none", "transparent", "inherit":
			return m
		}
		return append(append([]byte(nil), sub[1]...), hex...)
	})
}

// svgHex is c as an SVG colour, "#rrggbb" (alpha is left out: theme colours
// for lines are opaque).
func svgHex(c color.Color) string {
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	const digits = "0123456789abcdef"
	return string([]byte{'#', digits[n.R>>4], digits[n.R&15], digits[n.G>>4], digits[n.G&15], digits[n.B>>4], digits[n.B&15]})
}

// symbolElem is a pump, valve, motor or fan: the project's SVG, tinted by
// its state.
type symbolElem struct {
	widget.BaseWidget
	elemBase
	set *symbolSet
}

func newSymbolElem(e *project.Element, set *symbolSet) *symbolElem {
	w := &symbolElem{elemBase: newElemBase(e), set: set}
	w.ExtendBaseWidget(w)
	return w
}

func (w *symbolElem) base() *elemBase { return &w.elemBase }

// state is what the symbol shows now.
func (w *symbolElem) state() symbolState {
	switch {
	case w.bad():
		return symbolBad
	case w.bound[slotFault] && w.live[slotFault].v.Value.Bool():
		return symbolFault
	}
	run := slotMain
	if w.bound[slotRunning] {
		run = slotRunning
	}
	if w.bound[run] && w.live[run].v.Value.Bool() {
		return symbolRunning
	}
	return symbolStopped
}

// CreateRenderer implements fyne.Widget.
func (w *symbolElem) CreateRenderer() fyne.WidgetRenderer {
	r := &symbolRenderer{
		w:     w,
		bg:    canvas.NewRectangle(color.Transparent),
		img:   &canvas.Image{FillMode: canvas.ImageFillContain},
		shape: canvas.NewCircle(color.Transparent),
		glyph: canvas.NewText("", color.Black),
		query: canvas.NewText("", color.Black),
		mark:  newQualityMark(),
	}
	r.objects = r.mark.add([]fyne.CanvasObject{r.bg, r.shape, r.img, r.glyph, r.query})
	r.Refresh()
	return r
}

// symbolRenderer draws the SVG, or, when the project has no such symbol, a
// circle with the symbol's initial, so that a missing file never hides a
// pump's state.
type symbolRenderer struct {
	w       *symbolElem
	bg      *canvas.Rectangle // running: the darker fill; fault: the alarm tint
	img     *canvas.Image
	shape   *canvas.Circle // the stand-in
	glyph   *canvas.Text   // the stand-in's initial
	query   *canvas.Text   // "?" when the state is not known
	objects []fyne.CanvasObject
	mark    *qualityMark
}

func (r *symbolRenderer) Layout(size fyne.Size) {
	r.bg.Resize(size)
	r.img.Resize(size)
	d := min(size.Width, size.Height)
	r.shape.Move(fyne.NewPos((size.Width-d)/2, (size.Height-d)/2))
	r.shape.Resize(fyne.NewSquareSize(d))
	placeElemText(r.glyph, fyne.Position{}, size)
	placeElemText(r.query, fyne.NewPos(0, 0), fyne.NewSize(size.Width, size.Height/2))
	r.mark.layout(size)
}

func (r *symbolRenderer) MinSize() fyne.Size { return fyne.Size{} }

// symbolTint is the theme colour name a symbol's lines are drawn in, in
// state s; a running symbol also gets a fill behind it.
func symbolTint(th fyne.Theme, s symbolState) fyne.ThemeColorName {
	switch s {
	case symbolRunning:
		return theme.ColorNameForeground
	case symbolFault:
		return theme.ColorNameError
	case symbolBad:
		return theme.ColorNameDisabled
	}
	return elemColorName(th, colorNameEquipStopped)
}

func (r *symbolRenderer) Refresh() {
	w := r.w
	th := w.Theme()
	vr := themeVariant()
	s := w.state()
	name := symbolTint(th, s)
	c := th.Color(name, vr)

	var fill color.Color = color.Transparent
	switch s {
	case symbolRunning:
		fill = elemColor(th, colorNameEquipRunning)
	case symbolFault:
		fill = tint(c)
	}
	setElemRect(r.bg, fill, color.Transparent, 0)
	if radius := 4 * w.scale; r.bg.CornerRadius != radius {
		r.bg.CornerRadius = radius
		r.bg.Refresh()
	}

	if res := w.set.get(w.e.Symbol, c); res != nil {
		if r.img.Resource != res {
			r.img.Resource = res
			r.img.Refresh()
		}
		r.img.Show()
		r.shape.Hide()
		r.glyph.Hide()
	} else {
		r.img.Hide()
		r.shape.FillColor, r.shape.StrokeColor, r.shape.StrokeWidth = color.Transparent, c, w.stroke(3)
		r.shape.Show()
		r.shape.Refresh()
		r.glyph.Alignment = fyne.TextAlignCenter
		setElemText(r.glyph, strings.ToUpper(elemInitial(w.e.Symbol)), c, w.textSize(th), true)
		r.glyph.Show()
	}

	warn := th.Color(theme.ColorNameWarning, vr)
	q := ""
	if s == symbolBad {
		q = "?"
	}
	r.query.Alignment = fyne.TextAlignTrailing
	setElemText(r.query, q, warn, w.textSize(th), true)
	r.mark.show(s == symbolBad, warn, w.stroke(2))
	r.Layout(w.Size())
}

func elemInitial(s string) string {
	for _, r := range s {
		return string(r)
	}
	return "?"
}

func (r *symbolRenderer) Objects() []fyne.CanvasObject { return r.objects }
func (r *symbolRenderer) Destroy()                     {}
