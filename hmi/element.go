package hmi

import (
	"fmt"
	"image/color"
	"math"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"

	"github.com/sightglass/sightglass/project"
	"github.com/sightglass/sightglass/tags"
)

// elemStaleAfter is how old a good value may be before an element shows it as
// stale: three polls of a fast device, and never less than this (the
// issue's figure). A tag that polls slower gets three of its own periods
// (see elemStaleLimit).
const elemStaleAfter = 10 * time.Second

// screenTouchTarget is the least size of anything a finger taps in the tablet
// layout: 48 px, the common touch guideline of about 9 mm at 96 dpi (the
// theme's comment quotes 7–9 mm).
const screenTouchTarget = 48

// minElemText is the smallest text an element draws when a screen is
// scaled far down: below it text is unreadable on any display. A tablet,
// read at arm's length in a plant, gets minTabletText: text then runs a
// little past its box on a much-shrunk screen, which is the lesser evil.
const (
	minElemText   = 7
	minTabletText = 10
)

// The colours the screens name beyond Fyne's. A theme may define them;
// under one that does not (Fyne's own, and isaTheme today) each falls back
// to the standard name beside it, so a screen is always drawn in the
// theme's greys. Colour itself is only ever the theme's error (abnormal)
// and warning (bad or stale data) colours.
const (
	colorNameVesselFill   fyne.ThemeColorName = "sightglass-vessel-fill"   // tank and bar contents
	colorNameNormalBand   fyne.ThemeColorName = "sightglass-normal-band"   // indicator: the normal operating band
	colorNamePipe         fyne.ThemeColorName = "sightglass-pipe"          // process lines
	colorNameEquipRunning fyne.ThemeColorName = "sightglass-equip-running" // a running pump, an open valve: a darker grey fill behind it
	colorNameEquipStopped fyne.ThemeColorName = "sightglass-equip-stopped" // a stopped pump, a shut valve: drawn in a light grey outline
)

var elemColorFallbacks = map[fyne.ThemeColorName]fyne.ThemeColorName{
	colorNameVesselFill:   theme.ColorNameDisabled,
	colorNameNormalBand:   theme.ColorNameSeparator,
	colorNamePipe:         theme.ColorNamePlaceHolder,
	colorNameEquipRunning: theme.ColorNameDisabled,
	colorNameEquipStopped: theme.ColorNameInputBorder,
}

// elemColorName returns n when th defines it, and otherwise the standard
// name it falls back to. Fyne's themes answer an unknown name with
// transparent.
func elemColorName(th fyne.Theme, n fyne.ThemeColorName) fyne.ThemeColorName {
	fb, ok := elemColorFallbacks[n]
	if !ok {
		return n
	}
	c := th.Color(n, themeVariant())
	if c == nil { // some themes (Fyne's test theme) answer nil
		return fb
	}
	if _, _, _, a := c.RGBA(); a == 0 {
		return fb
	}
	return n
}

// elemColor is th's colour n, or its fallback's.
func elemColor(th fyne.Theme, n fyne.ThemeColorName) color.Color {
	if c := th.Color(elemColorName(th, n), themeVariant()); c != nil {
		return c
	}
	return color.Transparent
}

func themeVariant() fyne.ThemeVariant { return fyne.CurrentApp().Settings().ThemeVariant() }

// The slots of an element's bound tags. Most elements bind one tag; a
// symbol binds up to three.
const (
	slotMain    = iota // Tag
	slotRunning        // symbol: Running, when it is not Tag
	slotFault          // symbol: Fault
	slots
)

// screenElement is one placed element of a screen, a widget drawn at its design
// rectangle times the screen's scale.
type screenElement interface {
	fyne.Widget
	base() *elemBase
}

// elemBase is the state every element keeps: its definition, its design
// rectangle, the screen's scale, and the last VQT of each bound tag. It
// belongs to the Fyne goroutine.
type elemBase struct {
	e      *project.Element
	rect   [4]float32 // x, y, w, h in design pixels
	scale  float32
	tablet bool
	units  string        // the main tag's units
	tap    func()        // clickable elements: what a tap does; nil for the rest
	inner  fyne.Position // where the drawing starts in the widget: a touch target larger than its element draws the element at its own size, centred

	live  [slots]liveTag
	bound [slots]bool
}

// liveTag is what an element knows of one bound tag.
type liveTag struct {
	v       tags.VQT
	stale   bool
	unknown bool // the tag is not in the station's table
}

// ok reports whether the value can be shown as current.
func (l *liveTag) ok() bool { return !l.unknown && !l.stale && l.v.Quality.Level == tags.Good }

// why says why a value is not current: "not read yet", "stale",
// "no communication".
func (l *liveTag) why() string {
	switch {
	case l.unknown:
		return "unknown tag"
	case l.v.Quality.Level == tags.Good && l.stale:
		return "stale"
	case l.v.Quality.Reason != tags.ReasonNone:
		return l.v.Quality.Reason.String()
	}
	return l.v.Quality.Level.String()
}

func newElemBase(e *project.Element) elemBase {
	return elemBase{e: e, rect: [4]float32{e.X, e.Y, e.W, e.H}, scale: 1}
}

// bad reports whether any bound tag is not current: the element then
// shows the quality mark.
func (b *elemBase) bad() bool {
	for i := range b.live {
		if b.bound[i] && !b.live[i].ok() {
			return true
		}
	}
	return false
}

// badWhy is the reason of the first bound tag that is not current.
func (b *elemBase) badWhy() string {
	for i := range b.live {
		if b.bound[i] && !b.live[i].ok() {
			return b.live[i].why()
		}
	}
	return ""
}

// textSize is the theme's text size at the screen's scale, never less
// than minElemText, or minTabletText on a tablet.
func (b *elemBase) textSize(th fyne.Theme) float32 {
	s := th.Size(theme.SizeNameText) * b.scale
	if b.tablet {
		return max(s, minTabletText)
	}
	return max(s, minElemText)
}

// stroke is a line width of w design pixels at the screen's scale, never
// thinner than one pixel.
func (b *elemBase) stroke(w float32) float32 { return max(w*b.scale, 1) }

// elemStaleLimit is how old a good value of def may be before it is stale.
func elemStaleLimit(def *tags.Def) time.Duration {
	if def != nil && 3*def.Poll > elemStaleAfter {
		return 3 * def.Poll
	}
	return elemStaleAfter
}

// formatElemValue formats v for an element: with e.Format when it is set
// and v is a number, floats with two decimals otherwise, other kinds as
// they print. A never-read value is "".
func formatElemValue(e *project.Element, v tags.Value) string {
	switch v.Kind() {
	case tags.KindNone:
		return ""
	case tags.KindInt, tags.KindUint, tags.KindFloat:
		if e != nil && e.Format != "" {
			return formatVerb(e.Format, v)
		}
		if v.Kind() == tags.KindFloat {
			f := v.Float()
			if math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) >= fixedMax {
				return formatFloat(f)
			}
			if f == 0 {
				f = 0 // no "-0.00"
			}
			return strconv.FormatFloat(f, 'f', 2, 64)
		}
	}
	return v.String()
}

// formatVerb applies a printf format with one verb and any text around it
// ("%.1f", "%.1f m³/h", "%.0f %% open") to a number, converted to what the
// verb expects: an integer for %d, %x, %X, %o, %b and %c, a float for %e,
// %f and %g, the value itself for the rest.
func formatVerb(format string, v tags.Value) string {
	verb, _, _ := formatDirective(format)
	switch verb {
	case 'd', 'x', 'X', 'o', 'b', 'c':
		return fmt.Sprintf(format, v.Int())
	case 'e', 'E', 'f', 'F', 'g', 'G':
		return fmt.Sprintf(format, v.Float())
	}
	return fmt.Sprintf(format, v.Interface())
}

// formatDirective finds format's first directive, skipping "%%": its verb
// and where it starts and ends. verb is 0 when there is none.
func formatDirective(format string) (verb byte, start, end int) {
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			continue
		}
		j := i + 1
		for j < len(format) && strings.IndexByte("+-# 0123456789.", format[j]) >= 0 {
			j++
		}
		if j >= len(format) {
			return 0, 0, 0
		}
		if format[j] != '%' {
			return format[j], i, j + 1
		}
		i = j
	}
	return 0, 0, 0
}

// elemValueText is v as e shows it: formatted, with the tag's units after
// it unless the element's Format writes its own ("%.2f A", "%.0f %%").
func elemValueText(e *project.Element, v tags.Value, units string) string {
	text := formatElemValue(e, v)
	if e != nil && e.Format != "" && isNumber(v) {
		if _, start, end := formatDirective(e.Format); strings.TrimSpace(e.Format[:start]+e.Format[end:]) != "" {
			return text
		}
	}
	return withUnits(text, units)
}

// shownValue is an element's value text: the value with units, and when the
// value is not current a "?" after it, or the reason when there is no
// value at all. A frozen number never looks like a live one.
func (b *elemBase) shownValue() string {
	l := &b.live[slotMain]
	text := elemValueText(b.e, l.v.Value, b.units)
	if b.bad() {
		if text == "" {
			return "? " + b.badWhy()
		}
		return text + " ?"
	}
	return text
}

// alarmLimits says which of e's alarm limits are set. An element that
// says only HasAlarmLim (built by hand, not by the loader) has both.
func alarmLimits(e *project.Element) (lo, hi bool) {
	lo, hi = e.HasAlarmLo, e.HasAlarmHi
	if e.HasAlarmLim && !lo && !hi {
		return true, true
	}
	return lo, hi
}

// abnormalValue reports whether a number is past one of the element's
// alarm limits (elements other than the indicator mark only those).
func abnormalValue(e *project.Element, f float64) bool {
	lo, hi := alarmLimits(e)
	return hi && f > e.AlarmHi || lo && f < e.AlarmLo
}

// qualityMark flags an element whose data is bad or stale: an outline in
// the theme's warning colour and a hatch of three short diagonals across
// its top-left corner. It is hidden while the data is good.
type qualityMark struct {
	outline *canvas.Rectangle
	hatch   [3]*canvas.Line
}

func newQualityMark() *qualityMark {
	m := &qualityMark{outline: canvas.NewRectangle(color.Transparent)}
	for i := range m.hatch {
		m.hatch[i] = canvas.NewLine(color.Transparent)
	}
	m.show(false, nil, 1)
	return m
}

func (m *qualityMark) add(objs []fyne.CanvasObject) []fyne.CanvasObject {
	objs = append(objs, m.outline)
	for _, l := range m.hatch {
		objs = append(objs, l)
	}
	return objs
}

// qualityHatchStep is the spacing of the hatch's diagonals, in pixels.
const qualityHatchStep = 6

func (m *qualityMark) layout(size fyne.Size) {
	m.outline.Resize(size)
	m.outline.Move(fyne.Position{})
	for i, l := range m.hatch {
		d := float32(i+1) * qualityHatchStep
		d = min(d, size.Width, size.Height)
		l.Position1 = fyne.NewPos(0, d)
		l.Position2 = fyne.NewPos(d, 0)
	}
}

// move shifts the mark laid out by layout to start at at.
func (m *qualityMark) move(at fyne.Position) {
	m.outline.Move(at)
	for _, l := range m.hatch {
		l.Position1, l.Position2 = l.Position1.Add(at), l.Position2.Add(at)
	}
}

// show shows or hides the mark in colour c with lines w pixels wide.
func (m *qualityMark) show(on bool, c color.Color, w float32) {
	if on == m.outline.Visible() && (!on || m.outline.StrokeColor == c && m.outline.StrokeWidth == w) {
		return
	}
	if !on {
		m.outline.Hide()
		for _, l := range m.hatch {
			l.Hide()
		}
		return
	}
	m.outline.FillColor = color.Transparent
	m.outline.StrokeColor = c
	m.outline.StrokeWidth = w
	m.outline.Show()
	m.outline.Refresh()
	for _, l := range m.hatch {
		l.StrokeColor = c
		l.StrokeWidth = max(w/2, 1)
		l.Show()
		l.Refresh()
	}
}

// placeElemText places t in the box at pos of size: as wide as the box,
// one line high, centred vertically. (Fyne does not clip: a text longer
// than its box runs over.)
func placeElemText(t *canvas.Text, pos fyne.Position, size fyne.Size) {
	h := fyne.MeasureText("Mg", t.TextSize, t.TextStyle).Height
	t.Move(fyne.NewPos(pos.X, pos.Y+(size.Height-h)/2))
	t.Resize(fyne.NewSize(size.Width, h))
}

// setText updates t and refreshes it only when something changed.
func setElemText(t *canvas.Text, text string, c color.Color, size float32, bold bool) {
	if t.Text == text && t.Color == c && t.TextSize == size && t.TextStyle.Bold == bold {
		return
	}
	t.Text, t.Color, t.TextSize, t.TextStyle.Bold = text, c, size, bold
	t.Refresh()
}

// setRect updates r's colours and refreshes it only when they changed.
func setElemRect(r *canvas.Rectangle, fill, stroke color.Color, width float32) {
	if r.FillColor == fill && r.StrokeColor == stroke && r.StrokeWidth == width {
		return
	}
	r.FillColor, r.StrokeColor, r.StrokeWidth = fill, stroke, width
	r.Refresh()
}
