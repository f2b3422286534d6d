package hmi

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// ellipsis ends a text cut to fit its cell.
const ellipsis = "…"

// cell is one table cell: a line of text, coloured by importance, on a
// background that can be tinted to flag an abnormal row.
//
// It draws a canvas.Text rather than a widget.Label: a truncating Label
// shapes its text with a new HarfBuzz shaper on every change, which made a
// 10,000-tag refresh several times slower. A cell measures its text only
// when the text may not fit (see set), and Fyne caches measurements of
// strings it has seen, so stable texts (names, qualities) cost nothing
// after their first drawing.
type cell struct {
	widget.BaseWidget

	// State, set on the Fyne goroutine.
	text   string
	align  fyne.TextAlign
	imp    widget.Importance
	tinted bool // row flagged abnormal: background is the error colour, faint
	fits   bool // the caller knows text fits the column: never measured
	bold   bool // header cells
}

func newCell() *cell {
	c := &cell{}
	c.ExtendBaseWidget(c)
	return c
}

// newHeaderCell makes a cell for a table's header row.
func newHeaderCell() *cell {
	c := newCell()
	c.bold = true
	return c
}

// set shows text with the alignment and importance (colour) given, on a
// tinted background when tinted. fits promises that the text fits the
// column (a number in a column sized for the widest number), so the cell
// need not measure it. Setting what is shown already costs nothing.
func (c *cell) set(text string, align fyne.TextAlign, imp widget.Importance, tinted, fits bool) {
	if c.text == text && c.align == align && c.imp == imp && c.tinted == tinted && c.fits == fits {
		return
	}
	c.text, c.align, c.imp, c.tinted, c.fits = text, align, imp, tinted, fits
	c.Refresh()
}

// CreateRenderer implements fyne.Widget.
func (c *cell) CreateRenderer() fyne.WidgetRenderer {
	r := &cellRenderer{c: c, bg: canvas.NewRectangle(color.Transparent), label: canvas.NewText("", color.Black)}
	r.objects = []fyne.CanvasObject{r.bg, r.label}
	r.Refresh()
	return r
}

type cellRenderer struct {
	c       *cell
	bg      *canvas.Rectangle
	label   *canvas.Text
	objects []fyne.CanvasObject
}

// Layout centres the text vertically in a row that may be taller than it,
// inside the theme's inner padding, and cuts it to the width.
func (r *cellRenderer) Layout(size fyne.Size) {
	r.bg.Resize(size)
	th := r.c.Theme()
	pad := th.Size(theme.SizeNameInnerPadding)
	h := r.lineHeight(th)
	r.label.Move(fyne.NewPos(pad, (size.Height-h)/2))
	r.label.Resize(fyne.NewSize(size.Width-2*pad, h))
	if shown := r.fit(size.Width - 2*pad); shown != r.label.Text {
		r.label.Text = shown
		r.label.Refresh()
	}
}

// MinSize is the padding around one line of text, but at least the
// theme's row height; tables size their columns themselves.
func (r *cellRenderer) MinSize() fyne.Size {
	th := r.c.Theme()
	pad := th.Size(theme.SizeNameInnerPadding)
	return fyne.NewSize(2*pad, max(r.lineHeight(th)+2*pad, rowHeight(th)))
}

// lineHeight is the height of a line of text, measured on a fixed string so
// that Fyne's cache answers.
func (r *cellRenderer) lineHeight(th fyne.Theme) float32 {
	return fyne.MeasureText("Mg", th.Size(theme.SizeNameText), r.label.TextStyle).Height
}

func (r *cellRenderer) Refresh() {
	c := r.c
	th := c.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	var fill color.Color = color.Transparent
	if c.tinted {
		fill = tint(th.Color(theme.ColorNameError, v))
	}
	if r.bg.FillColor != fill {
		r.bg.FillColor = fill
		r.bg.Refresh()
	}
	l := r.label
	l.Color = th.Color(importanceColor(c.imp), v)
	l.TextSize = th.Size(theme.SizeNameText)
	l.TextStyle.Bold = c.bold
	l.Alignment = c.align
	l.Text = r.fit(l.Size().Width)
	l.Refresh()
}

// fit returns the cell's text, cut with an ellipsis to width when it is
// wider. Before the first layout (width 0) it returns the whole text.
func (r *cellRenderer) fit(width float32) string {
	c := r.c
	if c.fits || width <= 0 || c.text == "" {
		return c.text
	}
	size, style := r.label.TextSize, r.label.TextStyle
	if fyne.MeasureText(c.text, size, style).Width <= width {
		return c.text
	}
	runes := []rune(c.text)
	lo, hi := 0, len(runes) // the longest prefix that fits is in [lo, hi)
	for lo+1 < hi {
		mid := (lo + hi) / 2
		if fyne.MeasureText(string(runes[:mid])+ellipsis, size, style).Width <= width {
			lo = mid
		} else {
			hi = mid
		}
	}
	return string(runes[:lo]) + ellipsis
}

// importanceColor is the theme colour of text of importance imp: colour
// only for the abnormal.
func importanceColor(imp widget.Importance) fyne.ThemeColorName {
	switch imp {
	case widget.LowImportance:
		return theme.ColorNameDisabled
	case widget.DangerImportance:
		return theme.ColorNameError
	case widget.WarningImportance:
		return theme.ColorNameWarning
	}
	return theme.ColorNameForeground
}

func (r *cellRenderer) Objects() []fyne.CanvasObject { return r.objects }
func (r *cellRenderer) Destroy()                     {}
