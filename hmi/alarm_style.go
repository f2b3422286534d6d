package hmi

import (
	"image/color"
	"strconv"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sightglass/sightglass/alarms"
)

// An alarm's priority is shown three ways at once, so that a person who
// cannot tell red from amber still can: a colour, a shape and a digit
// (ISA-101 §6 asks for redundant coding of alarm priority; EEMUA 191
// App. 6 the same).
//
//	critical    red      diamond           1
//	high        orange   triangle          2
//	medium      yellow   square            3
//	low         magenta  triangle, down    4
//	diagnostic  blue     circle            5
//
// These colours are the only ones on an ISA-101 screen that mean "alarm";
// the rest of the HMI is grey. A theme may set each of them by name
// (alarmColorNames); a theme that does not know the names gets the
// defaults below, and critical follows the theme's error colour.
var alarmColorNames = [alarms.NumPriorities]fyne.ThemeColorName{
	"sightglass.alarm.critical", "sightglass.alarm.high", "sightglass.alarm.medium",
	"sightglass.alarm.low", "sightglass.alarm.diagnostic",
}

// alarmDefaultColors are the priorities' colours when the theme has none:
// saturated enough to read on both the light and the dark grey.
var alarmDefaultColors = [alarms.NumPriorities]color.NRGBA{
	{R: 0xd0, G: 0x10, B: 0x10, A: 0xff}, // replaced by the theme's error colour
	{R: 0xf0, G: 0x78, B: 0x00, A: 0xff},
	{R: 0xf0, G: 0xd0, B: 0x00, A: 0xff},
	{R: 0xb0, G: 0x30, B: 0xc0, A: 0xff},
	{R: 0x30, G: 0x80, B: 0xd0, A: 0xff},
}

// alarmDarkDigit: the digit on a priority's shape is dark on the light
// fills (orange, yellow) and white on the others.
var alarmDarkDigit = [alarms.NumPriorities]bool{false, true, true, false, false}

// alarmColor is priority p's colour under th.
func alarmColor(th fyne.Theme, p alarms.Priority) color.Color {
	if p >= alarms.NumPriorities {
		p = alarms.Diagnostic
	}
	v := fyne.CurrentApp().Settings().ThemeVariant()
	if c := th.Color(alarmColorNames[p], v); c != nil {
		if _, _, _, a := c.RGBA(); a != 0 {
			return c
		}
	}
	if p == alarms.Critical {
		if c := th.Color(theme.ColorNameError, v); c != nil {
			return c
		}
	}
	return alarmDefaultColors[p]
}

// priorityName is a priority as people read it, translated.
func priorityName(p alarms.Priority) string {
	switch p {
	case alarms.Critical:
		return lang.L("critical")
	case alarms.High:
		return lang.L("high")
	case alarms.Medium:
		return lang.L("medium")
	case alarms.Low:
		return lang.L("low")
	case alarms.Diagnostic:
		return lang.L("diagnostic")
	}
	return p.String()
}

// priorityDigit is the digit drawn on a priority's shape: 1 is the most
// urgent.
func priorityDigit(p alarms.Priority) string { return strconv.Itoa(int(p) + 1) }

// alarmStateText is an alarm's state and overlays as the summary shows
// them: "unacked", "acked, shelved until 14:30".
func alarmStateText(s *alarms.Status, now time.Time) string {
	var text string
	switch s.State {
	case alarms.Normal:
		text = lang.L("normal")
	case alarms.Unacked:
		text = lang.L("unacked")
	case alarms.Acked:
		text = lang.L("acked")
	case alarms.RTNUnack:
		text = lang.L("returned, unacked")
	case alarms.Latched:
		text = lang.L("latched")
	default:
		text = s.State.String()
	}
	if s.Shelved {
		until := s.ShelvedUntil.Format(time.TimeOnly)
		if s.ShelvedUntil.Sub(now) > 20*time.Hour {
			until = s.ShelvedUntil.Format(time.DateTime)
		}
		text += ", " + lang.L("shelved until {{.Until}}", map[string]any{"Until": until})
	}
	if s.Suppressed {
		text += ", " + lang.L("suppressed")
	}
	if s.OutOfService {
		text += ", " + lang.L("out of service")
	}
	return text
}

// alarmTimeText is when an alarm became active: the time of day today,
// the date and time before.
func alarmTimeText(t, now time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(now.Location())
	y1, m1, d1 := t.Date()
	y2, m2, d2 := now.Date()
	if y1 == y2 && m1 == m2 && d1 == d2 {
		return t.Format(time.TimeOnly)
	}
	return t.Format(time.DateTime)
}

// alarmBadge is a priority's shape with its digit. It is drawn filled, or
// as an outline in the priority's colour (the "off" half of a flash), or
// grey when there is nothing of that priority.
type alarmBadge struct {
	widget.BaseWidget

	// State, set on the Fyne goroutine.
	prio  alarms.Priority
	style badgeStyle
}

// badgeStyle is how a badge is drawn.
type badgeStyle uint8

const (
	badgeFilled  badgeStyle = iota // the priority's colour
	badgeOutline                   // the priority's colour, unfilled: a flash's dark half
	badgeGrey                      // none of this priority: no colour at all
	badgeHidden                    // nothing drawn
)

func newAlarmBadge(p alarms.Priority) *alarmBadge {
	b := &alarmBadge{prio: p}
	b.ExtendBaseWidget(b)
	return b
}

// set changes the badge; setting what is shown costs nothing.
func (b *alarmBadge) set(p alarms.Priority, style badgeStyle) {
	if b.prio == p && b.style == style {
		return
	}
	b.prio, b.style = p, style
	b.Refresh()
}

// CreateRenderer implements fyne.Widget.
func (b *alarmBadge) CreateRenderer() fyne.WidgetRenderer {
	r := &badgeRenderer{b: b, rect: &canvas.Rectangle{}, circle: &canvas.Circle{}, poly: &canvas.Polygon{},
		digit: &canvas.Text{Alignment: fyne.TextAlignCenter, TextStyle: fyne.TextStyle{Bold: true}}}
	r.Refresh()
	return r
}

type badgeRenderer struct {
	b       *alarmBadge
	rect    *canvas.Rectangle
	circle  *canvas.Circle
	poly    *canvas.Polygon
	digit   *canvas.Text
	objects []fyne.CanvasObject
}

// side is the badge's size: a line of text.
func (r *badgeRenderer) side() float32 {
	th := r.b.Theme()
	return th.Size(theme.SizeNameText) + 2*th.Size(theme.SizeNamePadding)
}

func (r *badgeRenderer) MinSize() fyne.Size { return fyne.NewSquareSize(r.side()) }

func (r *badgeRenderer) Layout(size fyne.Size) {
	s := min(size.Width, size.Height)
	pos := fyne.NewPos((size.Width-s)/2, (size.Height-s)/2)
	for _, o := range []fyne.CanvasObject{r.rect, r.circle, r.poly} {
		o.Move(pos)
		o.Resize(fyne.NewSquareSize(s))
	}
	// A square is drawn smaller than the others so that it looks as large.
	r.rect.Move(pos.Add(fyne.NewPos(s*0.1, s*0.1)))
	r.rect.Resize(fyne.NewSquareSize(s * 0.8))
	h := r.digit.MinSize().Height
	dy := float32(0)
	switch r.b.prio {
	case alarms.High: // the triangle's body is low
		dy = s * 0.12
	case alarms.Low:
		dy = -s * 0.12
	}
	r.digit.Move(fyne.NewPos(pos.X, pos.Y+(s-h)/2+dy))
	r.digit.Resize(fyne.NewSize(s, h))
}

func (r *badgeRenderer) Refresh() {
	b := r.b
	th := b.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	var shape fyne.CanvasObject
	switch b.prio {
	case alarms.Critical:
		r.poly.Sides, r.poly.Angle = 4, 0
		shape = r.poly
	case alarms.High:
		r.poly.Sides, r.poly.Angle = 3, 0
		shape = r.poly
	case alarms.Medium:
		shape = r.rect
	case alarms.Low:
		r.poly.Sides, r.poly.Angle = 3, 180
		shape = r.poly
	default:
		shape = r.circle
	}
	col := alarmColor(th, b.prio)
	var fill, stroke color.Color = col, color.Transparent
	textCol := color.Color(color.White)
	if alarmDarkDigit[min(b.prio, alarms.Diagnostic)] {
		textCol = color.Black
	}
	width := float32(0)
	switch b.style {
	case badgeOutline:
		fill, stroke, width = color.Transparent, col, 2
		textCol = th.Color(theme.ColorNameForeground, v)
	case badgeGrey:
		fill, stroke, width = color.Transparent, th.Color(theme.ColorNameDisabled, v), 1
		textCol = th.Color(theme.ColorNameDisabled, v)
	}
	r.rect.FillColor, r.rect.StrokeColor, r.rect.StrokeWidth = fill, stroke, width
	r.circle.FillColor, r.circle.StrokeColor, r.circle.StrokeWidth = fill, stroke, width
	r.poly.FillColor, r.poly.StrokeColor, r.poly.StrokeWidth = fill, stroke, width
	r.digit.Text = priorityDigit(b.prio)
	r.digit.Color = textCol
	r.digit.TextSize = th.Size(theme.SizeNameText) * 0.85
	if b.style == badgeHidden {
		r.objects = nil
	} else {
		r.objects = []fyne.CanvasObject{shape, r.digit}
	}
	r.Layout(b.Size())
	shape.Refresh()
	r.digit.Refresh()
}

func (r *badgeRenderer) Objects() []fyne.CanvasObject { return r.objects }
func (r *badgeRenderer) Destroy()                     {}
