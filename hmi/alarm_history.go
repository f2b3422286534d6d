package hmi

import (
	"errors"
	"io"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sightglass/sightglass/alarms"
)

// alarmTimeLayout is how the alarm views read and write times.
const alarmTimeLayout = time.DateTime

// historyLimit is the most records one search shows: the newest of them
// (alarms.Query.Limit). A day of a flooded plant is about this many; a
// longer look is the report's or the CSV's.
const historyLimit = 10000

// The history table's columns.
const (
	hcolTime = iota
	hcolAlarm
	hcolArea
	hcolPriority
	hcolEvent
	hcolState
	hcolValue
	hcolUser
	hcolComment
	hcolMessage
	historyColumns
)

var historyWidths = [historyColumns]string{
	"2026-03-01 10:00:00", "Area1.Tank1.Level/hihi", "Plant.Area1", "diagnostic", "out-of-service",
	"rtn-unacked", "-12345.67 m³/h", "operator", "checked on site", "Tank 1 level high",
}

// alarmHistoryView searches the alarm journal: time range, tag, area,
// priority, event, user and text; the records in a virtualised table;
// export to CSV.
//
// All fields belong to the Fyne goroutine.
type alarmHistoryView struct {
	a       *AlarmView
	recs    []alarms.Record
	from    *widget.Entry
	to      *widget.Entry
	tag     *widget.Entry
	area    *widget.Entry
	prio    *widget.Select
	event   *widget.Select
	user    *widget.Entry
	text    *widget.Entry
	search  *widget.Button
	export  *widget.Button
	count   *widget.Label
	table   *widget.Table
	gen     uint64 // searches asked; an answer for an older one is dropped
	content fyne.CanvasObject
}

func newAlarmHistoryView(a *AlarmView) *alarmHistoryView {
	h := &alarmHistoryView{a: a}
	now := a.now()
	h.from = timeEntry(now.Add(-24 * time.Hour))
	h.to = timeEntry(now)
	h.tag = placeholderEntry(lang.L("Tag"))
	h.area = placeholderEntry(lang.L("Area"))
	h.user = placeholderEntry(lang.L("User"))
	h.text = placeholderEntry(lang.L("Text"))
	prios := []string{lang.L("All priorities")}
	for p := range alarms.Priority(alarms.NumPriorities) {
		prios = append(prios, priorityName(p))
	}
	h.prio = widget.NewSelect(prios, nil)
	h.prio.SetSelectedIndex(0)
	events := []string{lang.L("All events")}
	for e := range alarms.Event(alarms.NumEvents) {
		events = append(events, eventName(e))
	}
	h.event = widget.NewSelect(events, nil)
	h.event.SetSelectedIndex(0)
	h.search = widget.NewButtonWithIcon(lang.L("Search"), theme.SearchIcon(), h.Search)
	h.search.Importance = widget.HighImportance
	h.export = widget.NewButtonWithIcon(lang.L("Export CSV"), theme.DocumentSaveIcon(), h.exportDialog)
	h.export.Disable()
	h.count = widget.NewLabel("")

	h.table = widget.NewTable(func() (int, int) { return len(h.recs), historyColumns },
		func() fyne.CanvasObject { return newCell() }, h.update)
	h.table.ShowHeaderRow = true
	h.table.CreateHeader = func() fyne.CanvasObject { return newHeaderCell() }
	h.table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		o.(*cell).set(historyHeaderText(id.Col), fyne.TextAlignLeading, widget.MediumImportance, false, false)
	}
	setColumnWidths(h.table, historyWidths[:])

	grid := container.New(layout.NewGridLayoutWithColumns(4),
		labelled(lang.L("From"), h.from), labelled(lang.L("To"), h.to), h.tag, h.area,
		h.prio, h.event, h.user, h.text)
	bar := container.NewHBox(toolbarTouch(h.search), toolbarTouch(h.export), h.count)
	h.content = container.NewBorder(container.NewVBox(grid, bar), nil, nil, nil, h.table)
	return h
}

// timeEntry is an entry holding t as alarmTimeLayout, checked as typed.
func timeEntry(t time.Time) *widget.Entry {
	e := widget.NewEntry()
	e.SetText(t.Format(alarmTimeLayout))
	e.Validator = func(s string) error {
		if _, err := time.ParseInLocation(alarmTimeLayout, strings.TrimSpace(s), time.Local); err != nil {
			return errors.New(lang.L("as 2006-01-02 15:04:05"))
		}
		return nil
	}
	return e
}

func placeholderEntry(ph string) *widget.Entry {
	e := widget.NewEntry()
	e.SetPlaceHolder(ph)
	return e
}

// labelled puts a short label before o.
func labelled(label string, o fyne.CanvasObject) fyne.CanvasObject {
	return container.NewBorder(nil, nil, widget.NewLabel(label), nil, o)
}

// parseTimes reads a from and a to entry in now's location.
func parseTimes(from, to *widget.Entry, loc *time.Location) (time.Time, time.Time, error) {
	f, err1 := time.ParseInLocation(alarmTimeLayout, strings.TrimSpace(from.Text), loc)
	t, err2 := time.ParseInLocation(alarmTimeLayout, strings.TrimSpace(to.Text), loc)
	if err1 != nil || err2 != nil {
		return f, t, errors.New(lang.L("times are written 2006-01-02 15:04:05"))
	}
	if !t.After(f) {
		return f, t, errors.New(lang.L("To must be after From"))
	}
	return f, t, nil
}

// query is the search the fields ask for.
func (h *alarmHistoryView) query() (alarms.Query, error) {
	f, t, err := parseTimes(h.from, h.to, h.a.now().Location())
	if err != nil {
		return alarms.Query{}, err
	}
	q := alarms.Query{From: f, To: t, Tag: strings.TrimSpace(h.tag.Text), Area: strings.TrimSpace(h.area.Text),
		User: strings.TrimSpace(h.user.Text), Text: strings.TrimSpace(h.text.Text), Limit: historyLimit}
	if i := h.prio.SelectedIndex(); i > 0 {
		q.Priorities = []alarms.Priority{alarms.Priority(i - 1)}
	}
	if i := h.event.SelectedIndex(); i > 0 {
		q.Events = []alarms.Event{alarms.Event(i - 1)}
	}
	return q, nil
}

// Search runs the query off the Fyne goroutine and shows its records.
func (h *alarmHistoryView) Search() {
	q, err := h.query()
	if err != nil {
		h.a.setStatus(lang.L("Search")+": "+err.Error(), widget.DangerImportance)
		return
	}
	h.gen++
	gen := h.gen
	var recs []alarms.Record
	h.count.SetText(lang.L("Searching…"))
	h.a.run(func() error {
		var err error
		recs, err = h.a.history(q)
		return err
	}, func(err error) {
		if gen != h.gen {
			return
		}
		if err != nil {
			h.count.SetText("")
			h.a.setStatus(lang.L("Search")+": "+err.Error(), widget.DangerImportance)
			return
		}
		h.show(recs)
	})
}

// show shows recs, newest first.
func (h *alarmHistoryView) show(recs []alarms.Record) {
	// The journal answers oldest first; a person reads the newest first.
	for i, j := 0, len(recs)-1; i < j; i, j = i+1, j-1 {
		recs[i], recs[j] = recs[j], recs[i]
	}
	h.recs = recs
	text := lang.L("{{.N}} records", map[string]any{"N": len(recs)})
	if len(recs) >= historyLimit {
		text = lang.L("the newest {{.N}} records", map[string]any{"N": len(recs)})
	}
	h.count.SetText(text)
	if len(recs) > 0 {
		h.export.Enable()
	} else {
		h.export.Disable()
	}
	h.table.ScrollToTop()
	h.table.Refresh()
}

func (h *alarmHistoryView) update(id widget.TableCellID, o fyne.CanvasObject) {
	c := o.(*cell)
	if id.Row < 0 || id.Row >= len(h.recs) {
		c.set("", fyne.TextAlignLeading, widget.MediumImportance, false, true)
		return
	}
	r := &h.recs[id.Row]
	lead := fyne.TextAlignLeading
	switch id.Col {
	case hcolTime:
		c.set(r.Time.In(h.a.now().Location()).Format(alarmTimeLayout), lead, widget.MediumImportance, false, true)
	case hcolAlarm:
		c.set(r.Alarm, lead, widget.MediumImportance, false, false)
	case hcolArea:
		c.set(r.Area, lead, widget.MediumImportance, false, false)
	case hcolPriority:
		c.set(priorityName(r.Priority), lead, widget.MediumImportance, false, false)
	case hcolEvent:
		c.set(eventName(r.Event), lead, widget.MediumImportance, false, false)
	case hcolState:
		c.set(r.State.String(), lead, widget.MediumImportance, false, false)
	case hcolValue:
		c.set(r.Value, fyne.TextAlignTrailing, widget.MediumImportance, false, false)
	case hcolUser:
		c.set(r.User, lead, widget.MediumImportance, false, false)
	case hcolComment:
		c.set(r.Comment, lead, widget.MediumImportance, false, false)
	case hcolMessage:
		c.set(r.Message, lead, widget.MediumImportance, false, false)
	}
}

// exportDialog asks where to save the records and writes them with
// alarms.WriteCSV, oldest first as the journal holds them.
func (h *alarmHistoryView) exportDialog() {
	if h.a.win == nil || len(h.recs) == 0 {
		return
	}
	recs := make([]alarms.Record, len(h.recs))
	for i, r := range h.recs {
		recs[len(recs)-1-i] = r
	}
	saveCSV(h.a, "alarm-history-"+h.a.now().Format("20060102-150405")+".csv", func(w io.Writer) error {
		return alarms.WriteCSV(w, recs)
	})
}

// saveCSV asks for a file and writes it with write, reporting in a's
// status line.
func saveCSV(a *AlarmView, name string, write func(io.Writer) error) {
	saveFile(a.win, name, write, a.setStatus)
}

// historyHeaderText is column i's name, translated.
func historyHeaderText(i int) string {
	switch i {
	case hcolTime:
		return lang.L("Time")
	case hcolAlarm:
		return lang.L("Alarm")
	case hcolArea:
		return lang.L("Area")
	case hcolPriority:
		return lang.L("Priority")
	case hcolEvent:
		return lang.L("Event")
	case hcolState:
		return lang.L("State")
	case hcolValue:
		return lang.L("Value")
	case hcolUser:
		return lang.L("User")
	case hcolComment:
		return lang.L("Comment")
	case hcolMessage:
		return lang.L("Message")
	}
	return strconv.Itoa(i)
}

// eventName is a journal event as people read it, translated.
func eventName(e alarms.Event) string {
	switch e {
	case alarms.EvActive:
		return lang.L("active")
	case alarms.EvClear:
		return lang.L("clear")
	case alarms.EvAck:
		return lang.L("ack")
	case alarms.EvReset:
		return lang.L("reset")
	case alarms.EvRealarm:
		return lang.L("re-alarm")
	case alarms.EvShelve:
		return lang.L("shelve")
	case alarms.EvUnshelve:
		return lang.L("unshelve")
	case alarms.EvSuppress:
		return lang.L("suppress")
	case alarms.EvUnsuppress:
		return lang.L("unsuppress")
	case alarms.EvOutOfService:
		return lang.L("out of service")
	case alarms.EvInService:
		return lang.L("in service")
	case alarms.EvLimit:
		return lang.L("limit changed")
	}
	return e.String()
}
