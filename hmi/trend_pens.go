package hmi

import (
	"fmt"
	"image/color"
	"slices"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sightglass/sightglass/tags"
)

// maxSuggestions is how many tag names the add field offers: a list a
// person can scan, out of thousands of tags.
const maxSuggestions = 20

// penRow is one pen's line under the plot: its colour, its name (a tap
// gives it the value axis), the readout at the cursor, its scale (auto,
// or fixed from min to max) and a remove button.
type penRow struct {
	tag    string
	swatch *canvas.Rectangle
	name   *widget.Button
	value  *widget.Label
	auto   *widget.Check
	lo, hi *widget.Entry
	remove *widget.Button
	box    fyne.CanvasObject
}

func (v *TrendView) newPenRow(tag string) *penRow {
	r := &penRow{tag: tag}
	th := theme.Current()
	side := th.Size(theme.SizeNameInlineIcon)
	r.swatch = canvas.NewRectangle(color.Transparent)
	r.swatch.SetMinSize(fyne.NewSize(side, side))
	r.name = widget.NewButton(tag, func() { v.SetAxisPen(tag) })
	r.value = &widget.Label{Truncation: fyne.TextTruncateEllipsis}
	r.auto = widget.NewCheck(lang.L("Auto"), func(on bool) {
		if !v.syncing {
			v.setAuto(tag, on)
		}
	})
	r.lo, r.hi = widget.NewEntry(), widget.NewEntry()
	r.lo.SetPlaceHolder(lang.L("min"))
	r.hi.SetPlaceHolder(lang.L("max"))
	for _, e := range []*widget.Entry{r.lo, r.hi} {
		e.OnChanged = func(string) {
			if !v.syncing {
				v.typedScale(tag, false)
			}
		}
		e.OnSubmitted = func(string) { v.typedScale(tag, true) }
	}
	r.remove = widget.NewButtonWithIcon("", theme.DeleteIcon(), func() { v.RemovePen(tag) })
	ew := fyne.MeasureText(valueLabelSample, th.Size(theme.SizeNameText), fyne.TextStyle{}).Width + 4*th.Size(theme.SizeNameInnerPadding)
	es := fyne.NewSize(ew, r.lo.MinSize().Height)
	left := container.NewHBox(container.NewCenter(r.swatch), r.name)
	right := container.NewHBox(r.auto, container.NewGridWrap(es, r.lo), container.NewGridWrap(es, r.hi), r.remove)
	r.box = container.NewBorder(nil, nil, left, right, r.value)
	return r
}

// defaultPen is a new pen of def: fixed on the tag's engineering range
// when it has a Scale, auto otherwise.
func defaultPen(def *tags.Def) Pen {
	if s := def.Scale; s != nil && s.Eng[0] != s.Eng[1] {
		return Pen{Tag: def.Name, Min: min(s.Eng[0], s.Eng[1]), Max: max(s.Eng[0], s.Eng[1])}
	}
	return Pen{Tag: def.Name, Auto: true}
}

// lookup finds a tag's definition; nil when the station has no such tag.
func (v *TrendView) lookup(tag string) *tags.Def {
	bus := v.src.Bus()
	if bus == nil {
		return nil
	}
	t := bus.Table()
	if id, ok := t.Lookup(tag); ok {
		return t.Def(id)
	}
	return nil
}

// penIndex is the index of tag's pen, or −1.
func (v *TrendView) penIndex(tag string) int {
	return slices.IndexFunc(v.pens, func(p trendPen) bool { return p.Tag == tag })
}

// freeSlot is the first colour no pen has.
func (v *TrendView) freeSlot() int {
	for s := range maxPens {
		if !slices.ContainsFunc(v.pens, func(p trendPen) bool { return p.slot == s }) {
			return s
		}
	}
	return 0
}

// AddPen adds tag to the trend, with its default scale (see defaultPen),
// and queries its history.
func (v *TrendView) AddPen(tag string) error {
	return v.addPen(Pen{Tag: tag}, true)
}

// addPen adds p; with deflt, p takes the tag's default scale.
func (v *TrendView) addPen(p Pen, deflt bool) error {
	if v.penIndex(p.Tag) >= 0 {
		return fmt.Errorf("%s: %w", p.Tag, ErrPenExists)
	}
	if len(v.pens) >= maxPens {
		return ErrTooManyPens
	}
	def := v.lookup(p.Tag)
	if def == nil {
		return fmt.Errorf("%s: %w", p.Tag, ErrNoSuchTag)
	}
	if deflt {
		p = defaultPen(def)
	}
	v.pens = append(v.pens, trendPen{Pen: p, slot: v.freeSlot(), def: def})
	if v.plot.axisPen < 0 {
		v.plot.axisPen = len(v.pens) - 1
	}
	v.regeometry()
	v.query()
	return nil
}

// RemovePen takes tag off the trend.
func (v *TrendView) RemovePen(tag string) {
	i := v.penIndex(tag)
	if i < 0 {
		return
	}
	v.pens = slices.Delete(v.pens, i, i+1)
	switch a := v.plot.axisPen; {
	case len(v.pens) == 0:
		v.plot.axisPen = -1
	case a > i:
		v.plot.axisPen--
	case a == i:
		v.plot.axisPen = 0
	}
	v.regeometry()
}

// Pens returns the pens, in order.
func (v *TrendView) Pens() []Pen {
	ps := make([]Pen, len(v.pens))
	for i := range v.pens {
		ps[i] = v.pens[i].Pen
	}
	return ps
}

// SetPens replaces the pens (from a saved set). Tags the station does not
// have are left out and returned in the error.
func (v *TrendView) SetPens(pens []Pen) error {
	v.pens = v.pens[:0]
	v.plot.axisPen = -1
	var missing []string
	for _, p := range pens {
		if len(v.pens) >= maxPens {
			missing = append(missing, p.Tag)
			continue
		}
		def := v.lookup(p.Tag)
		if def == nil || v.penIndex(p.Tag) >= 0 {
			missing = append(missing, p.Tag)
			continue
		}
		v.pens = append(v.pens, trendPen{Pen: p, slot: len(v.pens), def: def})
	}
	if len(v.pens) > 0 {
		v.plot.axisPen = 0
	}
	v.regeometry()
	v.query()
	if len(missing) > 0 {
		return fmt.Errorf("%s: %w", strings.Join(missing, ", "), ErrNoSuchTag)
	}
	return nil
}

// SetAxisPen gives tag's pen the value axis.
func (v *TrendView) SetAxisPen(tag string) {
	if i := v.penIndex(tag); i >= 0 && i != v.plot.axisPen {
		v.plot.axisPen = i
		v.plot.changed()
		v.syncRows()
	}
}

// SetPenScale sets tag's scale: auto, or fixed from lo to hi.
func (v *TrendView) SetPenScale(tag string, auto bool, lo, hi float64) error {
	i := v.penIndex(tag)
	if i < 0 {
		return fmt.Errorf("%s: not on the trend", tag)
	}
	if !auto && !(hi > lo) {
		return fmt.Errorf("%s: the scale's max must be above its min", tag)
	}
	p := &v.pens[i]
	p.Auto = auto
	if !auto {
		p.Min, p.Max = lo, hi
	}
	v.regeometry()
	v.syncEntries(i, true)
	return nil
}

// setAuto is the Auto check's callback. A pen made fixed starts from its
// tag's engineering range, or from the range it shows.
func (v *TrendView) setAuto(tag string, on bool) {
	i := v.penIndex(tag)
	if i < 0 {
		return
	}
	lo, hi := v.plot.pens[i].scale.Lo, v.plot.pens[i].scale.Hi
	if d := defaultPen(v.pens[i].def); !d.Auto {
		lo, hi = d.Min, d.Max
	}
	v.SetPenScale(tag, on, roundScale(lo), roundScale(hi))
}

// typedScale is the min and max entries' callback: a valid pair fixes
// the scale at once. Text that is not (yet) a number is ignored while it
// is typed, and reported when it is submitted.
func (v *TrendView) typedScale(tag string, submitted bool) {
	i := v.penIndex(tag)
	if i < 0 || i >= len(v.rows) {
		return
	}
	r := v.rows[i]
	lo, err1 := strconv.ParseFloat(strings.TrimSpace(r.lo.Text), 64)
	hi, err2 := strconv.ParseFloat(strings.TrimSpace(r.hi.Text), 64)
	if err1 != nil || err2 != nil {
		if submitted {
			v.setStatus(tag+": the scale's min and max must be numbers", widget.WarningImportance)
		}
		return
	}
	if !(hi > lo) {
		v.setStatus(tag+": the scale's max must be above its min", widget.WarningImportance)
		return
	}
	v.pens[i].Auto, v.pens[i].Min, v.pens[i].Max = false, lo, hi
	if v.status.Importance == widget.WarningImportance {
		v.setStatus("", widget.MediumImportance)
	}
	v.regeometry()
}

// roundScale rounds a scale limit to 6 significant digits, for the
// entries.
func roundScale(f float64) float64 {
	r, _ := strconv.ParseFloat(strconv.FormatFloat(f, 'g', 6, 64), 64)
	return r
}

// syncRows makes the pens panel match the pens: one row each, in order.
func (v *TrendView) syncRows() {
	same := len(v.rows) == len(v.pens)
	for i := 0; same && i < len(v.rows); i++ {
		same = v.rows[i].tag == v.pens[i].Tag
	}
	if !same {
		v.rows = v.rows[:0]
		objs := make([]fyne.CanvasObject, 0, len(v.pens))
		for i := range v.pens {
			r := v.newPenRow(v.pens[i].Tag)
			v.rows = append(v.rows, r)
			objs = append(objs, r.box)
		}
		v.penBox.Objects = objs
		v.penBox.Refresh()
	}
	for i := range v.pens {
		r := v.rows[i]
		if c := v.plot.penColor(v.pens[i].slot); r.swatch.FillColor != c {
			r.swatch.FillColor = c
			r.swatch.Refresh()
		}
		imp := widget.MediumImportance
		if i == v.plot.axisPen {
			imp = widget.HighImportance // the pen whose values the axis shows
		}
		if r.name.Importance != imp {
			r.name.Importance = imp
			r.name.Refresh()
		}
		v.syncEntries(i, !same)
	}
	v.showReadout()
}

// syncEntries shows pen i's scale in its row: an auto scale's current
// range in disabled entries, a fixed one's limits. Unless force, fixed
// limits are left alone while the entries already say them (the person
// may be typing "1." on the way to "1.5").
func (v *TrendView) syncEntries(i int, force bool) {
	if i >= len(v.rows) || i >= len(v.plot.pens) {
		return
	}
	v.syncing = true
	defer func() { v.syncing = false }()
	r, p := v.rows[i], &v.pens[i]
	if r.auto.Checked != p.Auto {
		r.auto.SetChecked(p.Auto)
	}
	lo, hi := p.Min, p.Max
	if p.Auto {
		sc := v.plot.pens[i].scale
		lo, hi = roundScale(sc.Lo), roundScale(sc.Hi)
		r.lo.Disable()
		r.hi.Disable()
	} else {
		r.lo.Enable()
		r.hi.Enable()
	}
	for _, e := range []struct {
		w *widget.Entry
		f float64
	}{{r.lo, lo}, {r.hi, hi}} {
		cur, err := strconv.ParseFloat(strings.TrimSpace(e.w.Text), 64)
		if force || p.Auto || err != nil || cur != e.f {
			if s := strconv.FormatFloat(e.f, 'f', -1, 64); e.w.Text != s {
				e.w.SetText(s)
			}
		}
	}
}

// showReadout shows each pen's value at the cursor or, with no cursor in
// the data, at the end of the range.
func (v *TrendView) showReadout() {
	if v.cursorText == nil {
		return
	}
	t := v.data.span.To - 1
	label := lang.L("End of range") + ": "
	if v.plot.hasCursor {
		t, label = v.plot.cursor, lang.L("Cursor")+": "
	}
	v.cursorText.SetText(label + formatClock(time.UnixMilli(t).In(v.loc), v.now()))
	for i := range v.pens {
		if i >= len(v.rows) {
			break
		}
		r := v.rows[i]
		cols, _ := v.data.colsOf(v.pens[i].Tag)
		text, imp := "—", widget.MediumImportance
		if s, ok := trendSampleAt(cols, t); ok {
			text = readoutText(s.V, s.Q, v.pens[i].def)
			switch s.Q.Level {
			case tags.Bad:
				imp = widget.DangerImportance
			case tags.Uncertain:
				imp = widget.WarningImportance
			}
		}
		if r.value.Text != text || r.value.Importance != imp {
			r.value.Text, r.value.Importance = text, imp
			r.value.Refresh()
		}
	}
}

// readoutText is a pen's value in the readout: "12.3457 m", with its
// quality when that is not good: "0.0000 % (bad: no communication)".
func readoutText(val tags.Value, q tags.Quality, def *tags.Def) string {
	units := ""
	if def != nil {
		units = def.Units
	}
	s := withUnits(formatValue(val), units)
	if q.Level != tags.Good {
		s += " (" + formatQuality(q) + ")"
	}
	return s
}

// suggest offers the tags whose names hold what is typed.
func (v *TrendView) suggest(text string) {
	if v.syncing {
		return
	}
	v.addEntry.SetOptions(v.suggestions(text))
}

// suggestions are the first maxSuggestions tags, in table order, whose
// names hold text (any case) and that are not on the trend.
func (v *TrendView) suggestions(text string) []string {
	text = strings.ToLower(strings.TrimSpace(text))
	bus := v.src.Bus()
	if bus == nil || text == "" {
		return nil
	}
	var names []string
	defs := bus.Table().Defs()
	for i := range defs {
		if strings.Contains(strings.ToLower(defs[i].Name), text) && v.penIndex(defs[i].Name) < 0 {
			names = append(names, defs[i].Name)
			if len(names) == maxSuggestions {
				break
			}
		}
	}
	return names
}

// addTyped adds the tag typed in the add field.
func (v *TrendView) addTyped(s string) {
	s = strings.TrimSpace(s)
	if s == "" {
		return
	}
	if err := v.AddPen(s); err != nil {
		v.setStatus(err.Error(), widget.DangerImportance)
		return
	}
	v.syncing = true
	v.addEntry.SetText("")
	v.syncing = false
	v.addEntry.SetOptions(nil)
	v.setStatus("", widget.MediumImportance)
}
