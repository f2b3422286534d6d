package hmi

import (
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sightglass/sightglass/tags"
)

// The tag table's columns.
const (
	colName = iota
	colValue
	colUnits
	colQuality
	colAge
	tagColumns
)

var tagHeaders = [tagColumns]string{"Tag", "Value", "Units", "Quality", "Age"}

// tagWidths are samples of each column's usual widest text; a column is as
// wide as its sample in the theme's text size. Values and ages are never
// cut, so their samples are their widest: a 64-bit integer (formatFloat
// switches to exponents before a float gets longer) and "59 min".
var tagWidths = [tagColumns]string{
	"Area1.Tank1.Outlet.FlowSetpoint",
	"-9223372036854775808",
	"m³/h, rpm",
	"bad: device exception[11]",
	"59 min",
}

// tagTable is the live tag list: a filter entry, the count it leaves, and a
// widget.Table whose cells read the window's snapshot when Fyne draws them.
// Only the visible rows are ever drawn, so a refresh costs the same for
// 100 tags and for 10,000.
//
// All fields belong to the Fyne goroutine.
type tagTable struct {
	defs   *tags.Table
	lower  []string  // per tag: lower-case name + "\x00" + description, for the filter
	filter string    // lower-cased filter text
	index  []tags.ID // the tags the filter shows, in ID order; rebuilt only by refilter
	snap   []tags.VQT
	now    time.Time

	entry   *widget.Entry
	count   *widget.Label
	table   *widget.Table
	content fyne.CanvasObject

	onSelect func(tags.ID) // a row was tapped or chosen with the keyboard
}

func newTagTable(onSelect func(tags.ID)) *tagTable {
	tt := &tagTable{onSelect: onSelect}
	tt.entry = widget.NewEntry()
	tt.entry.SetPlaceHolder(lang.L("Filter by name or description"))
	tt.entry.OnChanged = tt.setFilter
	tt.count = widget.NewLabel("")
	tt.table = widget.NewTable(tt.length, func() fyne.CanvasObject { return newCell() }, tt.update)
	tt.table.ShowHeaderRow = true
	tt.table.CreateHeader = func() fyne.CanvasObject { return newHeaderCell() }
	tt.table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		o.(*cell).set(lang.L(tagHeaders[id.Col]), align(id.Col == colValue || id.Col == colAge), widget.MediumImportance, false, false)
	}
	tt.table.OnSelected = tt.selected
	setColumnWidths(tt.table, tagWidths[:])
	top := container.NewBorder(nil, nil, nil, tt.count, tt.entry)
	tt.content = container.NewBorder(top, nil, nil, nil, tt.table)
	return tt
}

// setDefs shows the tags of t (a new project) and forgets the old filter
// index.
func (tt *tagTable) setDefs(t *tags.Table) {
	tt.defs = t
	tt.lower = tt.lower[:0]
	if t != nil {
		for i := range t.Defs() {
			d := &t.Defs()[i]
			tt.lower = append(tt.lower, strings.ToLower(d.Name)+"\x00"+strings.ToLower(d.Description))
		}
	}
	tt.refilter()
}

// setFilter is the entry's OnChanged: a case-insensitive substring of the
// name or the description.
func (tt *tagTable) setFilter(text string) {
	tt.filter = strings.ToLower(strings.TrimSpace(text))
	tt.refilter()
}

// refilter rebuilds index and the count. It is the only place that walks
// every tag's name.
func (tt *tagTable) refilter() {
	tt.index = tt.index[:0]
	for i, s := range tt.lower {
		if tt.filter == "" || strings.Contains(s, tt.filter) {
			tt.index = append(tt.index, tags.ID(i))
		}
	}
	tt.count.SetText(strconv.Itoa(len(tt.index)) + " of " + strconv.Itoa(len(tt.lower)) + " tags")
	tt.table.UnselectAll()
	tt.table.Refresh()
}

// show redraws the visible rows from snap, with ages as of now.
func (tt *tagTable) show(snap []tags.VQT, now time.Time) {
	tt.snap, tt.now = snap, now
	tt.table.Refresh()
}

func (tt *tagTable) length() (int, int) { return len(tt.index), tagColumns }

// update fills one visible cell from the snapshot. A bad tag's row is
// tinted and its quality red; an uncertain tag's quality is amber; a good
// tag has no colour at all.
func (tt *tagTable) update(id widget.TableCellID, o fyne.CanvasObject) {
	c := o.(*cell)
	if id.Row < 0 || id.Row >= len(tt.index) {
		c.set("", fyne.TextAlignLeading, widget.MediumImportance, false, true)
		return
	}
	tid := tt.index[id.Row]
	def := tt.defs.Def(tid)
	var v tags.VQT
	if int(tid) < len(tt.snap) {
		v = tt.snap[tid]
	}
	bad := v.Quality.Level == tags.Bad
	switch id.Col {
	case colName:
		c.set(def.Name, fyne.TextAlignLeading, widget.MediumImportance, bad, false)
	case colValue:
		imp := widget.MediumImportance
		if bad {
			imp = widget.LowImportance // the last value, no longer current
		}
		num := isNumber(v.Value) // at most 20 characters: the column's sample
		c.set(formatValue(v.Value), align(num), imp, bad, num || v.Value.Kind() == tags.KindBool)
	case colUnits:
		c.set(def.Units, fyne.TextAlignLeading, widget.MediumImportance, bad, false)
	case colQuality:
		imp := widget.MediumImportance
		switch v.Quality.Level {
		case tags.Bad:
			imp = widget.DangerImportance
		case tags.Uncertain:
			imp = widget.WarningImportance
		}
		c.set(formatQuality(v.Quality), fyne.TextAlignLeading, imp, bad, false)
	case colAge:
		c.set(formatAge(v.Time, tt.now), fyne.TextAlignTrailing, widget.MediumImportance, bad, true)
	}
}

// selected opens the tag the person chose and clears the selection, so
// that choosing the same tag again works.
func (tt *tagTable) selected(id widget.TableCellID) {
	if id.Row < 0 || id.Row >= len(tt.index) {
		return
	}
	tid := tt.index[id.Row]
	tt.table.UnselectAll()
	if tt.onSelect != nil {
		tt.onSelect(tid)
	}
}

// align is trailing for numbers and leading for text.
func align(number bool) fyne.TextAlign {
	if number {
		return fyne.TextAlignTrailing
	}
	return fyne.TextAlignLeading
}

// setColumnWidths sizes t's columns to their sample texts in the current
// theme's text size, plus the label's inner padding on both sides and as
// much again so that the sample is not cut short.
func setColumnWidths(t *widget.Table, samples []string) {
	th := t.Theme()
	size := th.Size(theme.SizeNameText)
	pad := 4 * th.Size(theme.SizeNameInnerPadding)
	for i, s := range samples {
		t.SetColumnWidth(i, fyne.MeasureText(s, size, fyne.TextStyle{}).Width+pad)
	}
}
