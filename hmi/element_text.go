package hmi

import (
	"image/color"
	"slices"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sightglass/sightglass/project"
)

// textElem is every element that is a line of text in a box: value,
// state, multistate, label, and the clickable button, setpoint and nav.
type textElem struct {
	widget.BaseWidget
	elemBase
	caption string // label, button, nav: the fixed text
}

var (
	_ fyne.Tappable      = (*textElem)(nil)
	_ desktop.Cursorable = (*textElem)(nil)
)

func newTextElem(e *project.Element) *textElem {
	w := &textElem{elemBase: newElemBase(e), caption: e.Text}
	w.ExtendBaseWidget(w)
	return w
}

func (w *textElem) base() *elemBase { return &w.elemBase }

// Tapped runs the element's action: a button's or setpoint's write, a nav
// element's navigation. Other text elements ignore taps.
func (w *textElem) Tapped(*fyne.PointEvent) {
	if w.tap != nil {
		w.tap()
	}
}

// Cursor is a pointing hand over clickable elements.
func (w *textElem) Cursor() desktop.Cursor {
	if w.tap != nil {
		return desktop.PointerCursor
	}
	return desktop.DefaultCursor
}

// live_ reports whether the element shows a live number: a value or a
// setpoint, drawn glyph by glyph (see glyphText).
func (w *textElem) showsNumber() bool {
	return w.e.Kind == project.KindValue || w.e.Kind == project.KindSetpoint
}

// shown returns the text, whether it is abnormal, and its alignment.
func (w *textElem) shown() (string, bool, fyne.TextAlign) {
	e := w.e
	l := &w.live[slotMain]
	switch e.Kind {
	case project.KindValue, project.KindSetpoint:
		abn := w.bound[slotMain] && l.ok() && isNumber(l.v.Value) && abnormalValue(e, l.v.Value.Float())
		return w.shownValue(), abn, fyne.TextAlignTrailing
	case project.KindState, project.KindMultiState:
		return w.stateText(), w.bound[slotMain] && l.ok() && !l.v.Value.IsZero() && slices.Contains(e.Abnormal, w.stateNumber()), fyne.TextAlignCenter
	case project.KindLabel:
		return w.caption, false, fyne.TextAlignLeading
	}
	text := w.caption // button, nav
	if w.bad() {
		text += " ?"
	}
	return text, false, fyne.TextAlignCenter
}

// stateNumber is a state's value as the number Abnormal and States use: 0
// or 1 for a bool.
func (w *textElem) stateNumber() int {
	v := w.live[slotMain].v.Value
	if w.e.Kind == project.KindState {
		if v.Bool() {
			return 1
		}
		return 0
	}
	return int(v.Int())
}

// stateText is a state's or multistate's text: OnText/OffText (default
// "on"/"off"), a multistate's text from its table or "state N".
func (w *textElem) stateText() string {
	l := &w.live[slotMain]
	if l.v.Value.IsZero() {
		return "? " + w.badWhy()
	}
	n := w.stateNumber()
	var text string
	if w.e.Kind == project.KindState {
		text = w.e.OffText
		if text == "" {
			text = "off"
		}
		if n == 1 {
			text = w.e.OnText
			if text == "" {
				text = "on"
			}
		}
	} else if s, ok := w.e.States[n]; ok {
		text = s
	} else {
		text = "state " + strconv.Itoa(n)
	}
	if w.bad() {
		text += " ?"
	}
	return text
}

// CreateRenderer implements fyne.Widget.
func (w *textElem) CreateRenderer() fyne.WidgetRenderer {
	r := &textElemRenderer{w: w, bg: canvas.NewRectangle(color.Transparent), text: canvas.NewText("", color.Black), mark: newQualityMark()}
	if w.showsNumber() {
		r.glyphs = newGlyphText()
		r.objects = r.mark.add([]fyne.CanvasObject{r.bg, r.glyphs.glyphs})
	} else {
		r.objects = r.mark.add([]fyne.CanvasObject{r.bg, r.text})
	}
	r.Refresh()
	return r
}

type textElemRenderer struct {
	w       *textElem
	bg      *canvas.Rectangle
	text    *canvas.Text // fixed and state texts
	glyphs  *glyphText   // values and setpoints: a new number every second
	mark    *qualityMark
	objects []fyne.CanvasObject
}

// Layout draws the element in its own rectangle, which is smaller than
// the widget when the widget is a grown touch target.
func (r *textElemRenderer) Layout(size fyne.Size) {
	at := r.w.inner
	size = size.Subtract(fyne.NewSize(2*at.X, 2*at.Y))
	r.bg.Move(at)
	r.bg.Resize(size)
	r.mark.layout(size)
	r.mark.move(at)
	pad := r.pad()
	if r.glyphs != nil {
		r.glyphs.place(at.Add(fyne.NewPos(pad, 0)), fyne.NewSize(size.Width-2*pad, size.Height))
		return
	}
	placeElemText(r.text, at.Add(fyne.NewPos(pad, 0)), fyne.NewSize(size.Width-2*pad, size.Height))
}

// pad is the space between the box and the text: the theme's inner
// padding at the screen's scale, half of it in small boxes.
func (r *textElemRenderer) pad() float32 {
	return r.w.Theme().Size(theme.SizeNameInnerPadding) * r.w.scale / 2
}

func (r *textElemRenderer) MinSize() fyne.Size { return fyne.Size{} } // placed by the screen

func (r *textElemRenderer) Refresh() {
	w := r.w
	th := w.Theme()
	text, abnormal, align := w.shown()
	fg := th.Color(theme.ColorNameForeground, themeVariant())
	var fill, stroke color.Color = color.Transparent, color.Transparent
	var sw float32
	switch w.e.Kind {
	case project.KindButton, project.KindNav:
		fill, stroke, sw = th.Color(theme.ColorNameButton, themeVariant()), th.Color(theme.ColorNameInputBorder, themeVariant()), w.stroke(1)
	case project.KindSetpoint:
		fill, stroke, sw = th.Color(theme.ColorNameInputBackground, themeVariant()), th.Color(theme.ColorNameInputBorder, themeVariant()), w.stroke(1)
	}
	bad := w.bad()
	switch {
	case bad:
		fg = th.Color(theme.ColorNameWarning, themeVariant())
	case abnormal:
		fg = th.Color(theme.ColorNameError, themeVariant())
		fill = tint(fg)
	}
	setElemRect(r.bg, fill, stroke, sw)
	size := w.textSize(th)
	if r.glyphs != nil {
		r.glyphs.Alignment = align
		r.glyphs.set(text, fg, size, false)
		r.mark.show(bad, th.Color(theme.ColorNameWarning, themeVariant()), w.stroke(2))
		return
	}
	r.text.Alignment = align
	resized := r.text.TextSize != size
	setElemText(r.text, text, fg, size, w.e.Kind == project.KindButton || w.e.Kind == project.KindNav)
	r.mark.show(bad, th.Color(theme.ColorNameWarning, themeVariant()), w.stroke(2))
	if resized {
		r.Layout(w.Size())
	}
}

func (r *textElemRenderer) Objects() []fyne.CanvasObject { return r.objects }
func (r *textElemRenderer) Destroy()                     {}
