package hmi

import (
	"image/color"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sightglass/sightglass/alarms"
	"github.com/sightglass/sightglass/auth"
)

// The summary's columns after the check mark and the priority's shape.
const (
	acolTime = iota
	acolPriority
	acolArea
	acolTag
	acolMessage
	acolValue
	acolState
	alarmColumns
)

var alarmHeaders = [alarmColumns]string{"Time", "Priority", "Area", "Tag", "Message", "Value", "State"}

// alarmWidths are samples of each column's usual widest text; the message
// takes what the others leave, but at least its sample.
var alarmWidths = [alarmColumns]string{
	"2026-03-01 10:00:00",
	"diagnostic",
	"Plant.Area1.Tank1",
	"Area1.Tank1.Outlet.Flow",
	"Tank 1 level high",
	"-12345.67 m³/h",
	"acked, shelved until 10:00:00",
}

// alarmSummary is the list of standing alarms: filters above, a
// virtualised list (rows exist only for what is on screen, so 10,000
// alarms cost what 20 do), and the actions below. Tapping a row selects
// it or deselects it; the actions apply to the selection.
//
// All fields belong to the Fyne goroutine.
type alarmSummary struct {
	a      *AlarmView
	list   []alarms.Status // the view's list, as last loaded
	rows   []int32         // the rows shown: indexes into list, filtered and sorted
	filter alarmFilter
	order  int  // sortTime or sortPriority
	asc    bool // reversed order
	sel    map[string]bool
	now    time.Time
	flash  bool
	tablet bool
	widths [alarmColumns]float32
	areas  []string // the areas in list, sorted: the area filter's choices

	prioSel  *widget.Select
	areaSel  *widget.Select
	stateSel *widget.Select
	text     *widget.Entry
	count    *widget.Label
	timeBtn  *widget.Button
	prioBtn  *widget.Button
	header   *fyne.Container
	lst      *widget.List
	rowMin   []*canvas.Rectangle // each row's least height: a finger's in the tablet layout
	actions  map[string]*widget.Button
	bottom   *fyne.Container // the actions and the count
	content  fyne.CanvasObject
}

func newAlarmSummary(a *AlarmView) *alarmSummary {
	s := &alarmSummary{a: a, sel: map[string]bool{}, actions: map[string]*widget.Button{}}
	s.measure()

	prios := []string{lang.L("All priorities")}
	for p := range alarms.Priority(alarms.NumPriorities) {
		prios = append(prios, priorityName(p))
	}
	s.prioSel = widget.NewSelect(prios, func(string) { s.setFilter() })
	s.prioSel.SetSelectedIndex(0)
	s.areaSel = widget.NewSelect([]string{lang.L("All areas")}, func(string) { s.setFilter() })
	s.areaSel.SetSelectedIndex(0)
	s.stateSel = widget.NewSelect(stateFilterNames(), func(string) { s.setFilter() })
	s.stateSel.SetSelectedIndex(0)
	s.text = widget.NewEntry()
	s.text.SetPlaceHolder(lang.L("Filter by tag, area or message"))
	s.text.OnChanged = func(string) { s.setFilter() }
	s.count = widget.NewLabel("")
	filters := container.NewBorder(nil, nil,
		container.NewHBox(toolbarTouch(s.prioSel), toolbarTouch(s.areaSel), toolbarTouch(s.stateSel)),
		nil, s.text)

	s.timeBtn = widget.NewButton("", func() { s.setOrder(sortTime) })
	s.prioBtn = widget.NewButton("", func() { s.setOrder(sortPriority) })
	s.timeBtn.Importance, s.prioBtn.Importance = widget.LowImportance, widget.LowImportance
	s.header = s.makeHeader()
	s.showOrder()

	s.lst = widget.NewList(s.length, s.create, s.update)
	s.lst.OnSelected = s.tapped

	bar := container.NewHBox()
	for _, b := range []struct {
		key  string
		icon fyne.Resource
		fn   func()
	}{
		{"Ack", theme.ConfirmIcon(), s.ackSelected},
		{"Ack page", theme.ConfirmIcon(), s.ackPage},
		{"Shelve…", theme.VisibilityOffIcon(), s.shelveSelected},
		{"Unshelve", theme.VisibilityIcon(), s.unshelveSelected},
		{"Reset", theme.ViewRefreshIcon(), s.resetSelected},
		{"Out of service…", theme.MediaStopIcon(), func() { s.serviceSelected(true) }},
		{"In service", theme.MediaPlayIcon(), func() { s.serviceSelected(false) }},
		{"Change limit…", theme.DocumentCreateIcon(), s.limitSelected},
		{"Select page", theme.CheckButtonCheckedIcon(), s.selectPage},
		{"Clear selection", theme.CheckButtonIcon(), s.clearSelection},
		{"Screen", theme.NavigateNextIcon(), s.jumpScreen},
		{"Trend", theme.ContentAddIcon(), s.jumpTrend},
	} {
		btn := widget.NewButtonWithIcon(alarmActionLabel(b.key), b.icon, b.fn)
		s.actions[b.key] = btn
		bar.Add(toolbarTouch(btn))
	}
	s.bottom = container.NewBorder(nil, nil, nil, s.count, container.NewHScroll(bar))
	s.content = container.NewBorder(container.NewVBox(filters, s.header), s.bottom, nil, nil, s.lst)
	s.enableActions()
	return s
}

// alarmActionLabel is an action button's text, translated: each key is
// a literal so that the translation test finds it.
func alarmActionLabel(key string) string {
	switch key {
	case "Ack":
		return lang.L("Ack")
	case "Ack page":
		return lang.L("Ack page")
	case "Shelve…":
		return lang.L("Shelve…")
	case "Unshelve":
		return lang.L("Unshelve")
	case "Reset":
		return lang.L("Reset")
	case "Out of service…":
		return lang.L("Out of service…")
	case "In service":
		return lang.L("In service")
	case "Change limit…":
		return lang.L("Change limit…")
	case "Select page":
		return lang.L("Select page")
	case "Clear selection":
		return lang.L("Clear selection")
	case "Screen":
		return lang.L("Screen")
	case "Trend":
		return lang.L("Trend")
	}
	return key
}

// stateFilterNames are the state filter's choices, in the order of
// stateAll….
func stateFilterNames() []string {
	return []string{lang.L("All states"), lang.L("unacked"), lang.L("acked"), lang.L("returned, unacked"),
		lang.L("latched"), lang.L("shelved"), lang.L("suppressed"), lang.L("out of service")}
}

// measure sizes the columns to their samples in the theme's text size.
func (s *alarmSummary) measure() {
	th := theme.Current()
	size := th.Size(theme.SizeNameText)
	pad := 4 * th.Size(theme.SizeNameInnerPadding)
	for i, t := range alarmWidths {
		s.widths[i] = fyne.MeasureText(t, size, fyne.TextStyle{}).Width + pad
	}
}

// makeHeader is the row of column names above the list, laid out as the
// rows are; Time and Priority are buttons that sort.
func (s *alarmSummary) makeHeader() *fyne.Container {
	objs := []fyne.CanvasObject{canvas.NewRectangle(color.Transparent), canvas.NewRectangle(color.Transparent)}
	for i := range alarmColumns {
		switch i {
		case acolTime:
			objs = append(objs, s.timeBtn)
		case acolPriority:
			objs = append(objs, s.prioBtn)
		default:
			c := newHeaderCell()
			c.set(alarmHeaderText(i), fyne.TextAlignLeading, widget.MediumImportance, false, false)
			objs = append(objs, c)
		}
	}
	return container.New(&alarmRowLayout{s: s}, objs...)
}

// alarmHeaderText is column i's name, translated.
func alarmHeaderText(i int) string {
	switch i {
	case acolTime:
		return lang.L("Time")
	case acolPriority:
		return lang.L("Priority")
	case acolArea:
		return lang.L("Area")
	case acolTag:
		return lang.L("Tag")
	case acolMessage:
		return lang.L("Message")
	case acolValue:
		return lang.L("Value")
	case acolState:
		return lang.L("State")
	}
	return alarmHeaders[i]
}

// setOrder sorts by order; choosing the current order again reverses it.
func (s *alarmSummary) setOrder(order int) {
	if s.order == order {
		s.asc = !s.asc
	} else {
		s.order, s.asc = order, false
	}
	s.showOrder()
	s.refilter()
}

func (s *alarmSummary) showOrder() {
	arrow := " ▼"
	if s.asc {
		arrow = " ▲"
	}
	tt, pt := lang.L("Time"), lang.L("Priority")
	if s.order == sortTime {
		tt += arrow
	} else {
		pt += arrow
	}
	s.timeBtn.SetText(tt)
	s.prioBtn.SetText(pt)
}

// setFilter reads the filter widgets.
func (s *alarmSummary) setFilter() {
	if s.lst == nil { // the widgets' first selections, while being built
		return
	}
	f := alarmFilter{text: strings.ToLower(strings.TrimSpace(s.text.Text))}
	if i := s.prioSel.SelectedIndex(); i > 0 {
		f.byPrio, f.prio = true, i-1
	}
	if i := s.areaSel.SelectedIndex(); i > 0 && i-1 < len(s.areas) {
		f.area = s.areas[i-1]
	}
	f.state = max(s.stateSel.SelectedIndex(), 0)
	s.filter = f
	s.refilter()
}

// show takes a new list of alarms at now.
func (s *alarmSummary) show(list []alarms.Status, now time.Time) {
	s.list, s.now, s.flash = list, now, flashOn(now)
	s.updateAreas()
	s.refilter()
}

// tick moves the flash of the visible rows.
func (s *alarmSummary) tick(now time.Time) {
	s.now = now
	if on := flashOn(now); on != s.flash {
		s.flash = on
		s.lst.Refresh() // only the visible rows are drawn
	}
}

// updateAreas gives the area filter the areas of the list.
func (s *alarmSummary) updateAreas() {
	var areas []string
	seen := map[string]bool{}
	for i := range s.list {
		if a := s.list[i].Area; a != "" && !seen[a] {
			seen[a] = true
			areas = append(areas, a)
		}
	}
	slices.Sort(areas)
	if s.filter.area != "" && !seen[s.filter.area] { // keep the chosen area while it empties
		areas = append(areas, s.filter.area)
		slices.Sort(areas)
	}
	if slices.Equal(areas, s.areas) {
		return
	}
	s.areas = areas
	s.areaSel.Options = append([]string{lang.L("All areas")}, areas...)
	if i := slices.Index(areas, s.filter.area); s.filter.area != "" && i >= 0 {
		s.areaSel.SetSelectedIndex(i + 1)
	}
	s.areaSel.Refresh()
}

// refilter rebuilds rows from list, drops selected alarms that are gone,
// and redraws the visible rows.
func (s *alarmSummary) refilter() {
	s.rows = s.rows[:0]
	for i := range s.list {
		if s.filter.match(&s.list[i]) {
			s.rows = append(s.rows, int32(i))
		}
	}
	sortRows(s.rows, s.list, s.order, s.asc)
	if len(s.sel) > 0 {
		here := make(map[string]bool, len(s.sel))
		for i := range s.list {
			if s.sel[s.list[i].ID] {
				here[s.list[i].ID] = true
			}
		}
		s.sel = here
	}
	s.showCount()
	s.enableActions()
	s.lst.Refresh()
}

func (s *alarmSummary) showCount() {
	text := lang.L("{{.Shown}} of {{.All}} alarms", map[string]any{"Shown": len(s.rows), "All": len(s.list)})
	if n := len(s.sel); n > 0 {
		text += ", " + lang.L("{{.N}} selected", map[string]any{"N": n})
	}
	if s.count.Text != text {
		s.count.SetText(text)
		if s.bottom != nil {
			s.bottom.Refresh() // the count's width changed: lay the bar out again
		}
	}
}

func (s *alarmSummary) length() int { return len(s.rows) }

func (s *alarmSummary) create() fyne.CanvasObject {
	r := newAlarmRow(s)
	s.rowMin = append(s.rowMin, r.least)
	return r
}

func (s *alarmSummary) update(id widget.ListItemID, o fyne.CanvasObject) {
	r := o.(*alarmRow)
	if id < 0 || id >= len(s.rows) {
		r.clear()
		return
	}
	st := &s.list[s.rows[id]]
	r.show(st, s.sel[st.ID], s.flash, s.now)
}

// tapped selects or deselects the row.
func (s *alarmSummary) tapped(id widget.ListItemID) {
	s.lst.UnselectAll()
	if id < 0 || id >= len(s.rows) {
		return
	}
	key := s.list[s.rows[id]].ID
	if s.sel[key] {
		delete(s.sel, key)
	} else {
		s.sel[key] = true
	}
	s.showCount()
	s.enableActions()
	s.lst.RefreshItem(id)
}

// selectedIDs returns the selected alarms in the order shown.
func (s *alarmSummary) selectedIDs() []string {
	var ids []string
	for _, i := range s.rows {
		if s.sel[s.list[i].ID] {
			ids = append(ids, s.list[i].ID)
		}
	}
	return ids
}

// pageRows is the range of rows on screen: those whose middle is inside
// the list's visible height.
func (s *alarmSummary) pageRows() (from, to int) {
	if len(s.rows) == 0 {
		return 0, 0
	}
	stride := s.rowHeight() + s.lst.Theme().Size(theme.SizeNamePadding)
	off := s.lst.GetScrollOffset()
	h := s.lst.Size().Height
	from = int((off + stride/2) / stride)
	to = int((off + h + stride/2) / stride)
	if h <= 0 { // not laid out yet: nothing is on screen
		return 0, 0
	}
	return min(from, len(s.rows)), min(max(to, from), len(s.rows))
}

// pageIDs returns the alarms on screen.
func (s *alarmSummary) pageIDs() []string {
	from, to := s.pageRows()
	ids := make([]string, 0, to-from)
	for _, i := range s.rows[from:to] {
		ids = append(ids, s.list[i].ID)
	}
	return ids
}

func (s *alarmSummary) selectPage() {
	for _, id := range s.pageIDs() {
		s.sel[id] = true
	}
	s.showCount()
	s.enableActions()
	s.lst.Refresh()
}

func (s *alarmSummary) clearSelection() {
	clear(s.sel)
	s.showCount()
	s.enableActions()
	s.lst.Refresh()
}

// enableActions enables what the selection allows and the person signed
// in may do (as far as their session knows: the station checks again).
func (s *alarmSummary) enableActions() {
	var any, unacked, shelved, latched, oos, inService bool
	n := 0
	mayAck, mayShelve, mayOOS, mayLimit := true, true, true, true
	p := s.a.people
	for _, i := range s.rows {
		st := &s.list[i]
		if !s.sel[st.ID] {
			continue
		}
		any = true
		n++
		unacked = unacked || st.State.Unacknowledged()
		shelved = shelved || st.Shelved
		latched = latched || st.State == alarms.Latched
		oos = oos || st.OutOfService
		inService = inService || !st.OutOfService
		mayAck = mayAck && p.can(auth.Ack, st.Tag)
		mayShelve = mayShelve && p.can(auth.Shelve, st.Tag)
		mayOOS = mayOOS && p.can(auth.OutOfService, st.Tag)
		mayLimit = mayLimit && p.can(auth.AlarmLimits, st.Tag) && alarmHasLimit(st.Kind)
	}
	acts := s.a.act != nil
	unacked, shelved, latched = unacked && mayAck && acts, shelved && mayShelve && acts, latched && mayAck && acts
	oos, inService = oos && mayOOS && acts, inService && mayOOS && acts
	enable := func(key string, on bool) {
		b := s.actions[key]
		if on && b.Disabled() {
			b.Enable()
		} else if !on && !b.Disabled() {
			b.Disable()
		}
	}
	enable("Ack", unacked)
	enable("Ack page", len(s.rows) > 0 && p.roleCan(auth.Ack) && acts)
	enable("Shelve…", any && mayShelve && acts)
	enable("Unshelve", shelved)
	enable("Reset", latched)
	enable("Out of service…", inService)
	enable("In service", oos)
	enable("Change limit…", n == 1 && mayLimit && acts)
	enable("Select page", len(s.rows) > 0)
	enable("Clear selection", any)
	enable("Screen", any && s.a.openScreen != nil)
	enable("Trend", any && s.a.trendTag != nil)
}

// rowHeight is a row's height: the theme's row, a finger's in the tablet
// layout.
func (s *alarmSummary) rowHeight() float32 {
	h := rowHeight(theme.Current())
	if s.tablet {
		h = max(h, screenTouchTarget)
	}
	return h
}

// setTablet sizes the rows for fingers or for a mouse.
func (s *alarmSummary) setTablet(on bool) {
	if on == s.tablet {
		return
	}
	s.tablet = on
	for _, r := range s.rowMin {
		r.SetMinSize(fyne.NewSize(0, s.rowHeight()))
	}
	s.lst.Refresh()
}

// alarmRow is one row of the summary: a check mark, the priority's shape
// (flashing while unacknowledged) and the columns' texts.
type alarmRow struct {
	widget.BaseWidget

	s     *alarmSummary
	least *canvas.Rectangle // the row's least height
	bg    *canvas.Rectangle // the selection's tint
	check *widget.Icon
	badge *alarmBadge
	cells [alarmColumns]*cell
	box   *fyne.Container
}

func newAlarmRow(s *alarmSummary) *alarmRow {
	r := &alarmRow{s: s, least: canvas.NewRectangle(color.Transparent), bg: canvas.NewRectangle(color.Transparent),
		check: widget.NewIcon(nil), badge: newAlarmBadge(alarms.Critical)}
	r.least.SetMinSize(fyne.NewSize(0, s.rowHeight()))
	objs := []fyne.CanvasObject{r.check, r.badge}
	for i := range r.cells {
		r.cells[i] = newCell()
		objs = append(objs, r.cells[i])
	}
	r.box = container.New(&alarmRowLayout{s: s}, objs...)
	r.ExtendBaseWidget(r)
	return r
}

func (r *alarmRow) clear() {
	r.check.SetResource(nil)
	r.badge.set(r.badge.prio, badgeHidden)
	for _, c := range r.cells {
		c.set("", fyne.TextAlignLeading, widget.MediumImportance, false, true)
	}
}

// show draws alarm st; sel: it is selected; flash: the flash's phase.
func (r *alarmRow) show(st *alarms.Status, sel, flash bool, now time.Time) {
	icon := theme.CheckButtonIcon()
	if sel {
		icon = theme.CheckButtonCheckedIcon()
	}
	if r.check.Resource != icon {
		r.check.SetResource(icon)
	}
	style := badgeFilled
	switch {
	case !st.Annunciated():
		style = badgeGrey
	case st.State.Unacknowledged() && !flash:
		style = badgeOutline
	}
	r.badge.set(st.Priority, style)
	imp := widget.MediumImportance
	if !st.Annunciated() || st.State == alarms.Normal {
		imp = widget.LowImportance // hidden or cleared: kept for the record, calm
	}
	lead := fyne.TextAlignLeading
	r.cells[acolTime].set(alarmTimeText(st.ActiveAt, now), lead, imp, false, false)
	r.cells[acolPriority].set(priorityName(st.Priority), lead, imp, false, false)
	r.cells[acolArea].set(st.Area, lead, imp, false, false)
	r.cells[acolTag].set(st.Tag, lead, imp, false, false)
	r.cells[acolMessage].set(st.Message, lead, imp, false, false)
	r.cells[acolValue].set(st.Value, fyne.TextAlignTrailing, imp, false, false)
	r.cells[acolState].set(alarmStateText(st, now), lead, imp, false, false)
	var fill color.Color = color.Transparent
	if sel {
		fill = r.Theme().Color(theme.ColorNameSelection, fyne.CurrentApp().Settings().ThemeVariant())
	}
	if r.bg.FillColor != fill {
		r.bg.FillColor = fill
		r.bg.Refresh()
	}
}

// CreateRenderer implements fyne.Widget.
func (r *alarmRow) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewStack(r.least, r.bg, r.box))
}

// alarmRowLayout places a row's (or the header's) objects: the check
// mark and the shape in squares, then the columns at their widths, the
// message taking what is left.
type alarmRowLayout struct{ s *alarmSummary }

func (l *alarmRowLayout) square() float32 {
	th := theme.Current()
	return th.Size(theme.SizeNameInlineIcon) + th.Size(theme.SizeNamePadding)
}

func (l *alarmRowLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	w := 2 * l.square()
	h := float32(0)
	for i, o := range objs {
		h = max(h, o.MinSize().Height)
		if i >= 2 {
			w += l.s.widths[i-2]
		}
	}
	return fyne.NewSize(w, h)
}

func (l *alarmRowLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	sq := l.square()
	fixed := 2 * sq
	for i, w := range l.s.widths {
		if i != acolMessage {
			fixed += w
		}
	}
	msg := max(size.Width-fixed, l.s.widths[acolMessage])
	x := float32(0)
	for i, o := range objs {
		w := sq
		if i >= 2 {
			w = l.s.widths[i-2]
			if i-2 == acolMessage {
				w = msg
			}
		}
		if i < 2 { // icons: a square, centred
			o.Move(fyne.NewPos(x+2, (size.Height-sq)/2+2))
			o.Resize(fyne.NewSquareSize(sq - 4))
		} else {
			o.Move(fyne.NewPos(x, 0))
			o.Resize(fyne.NewSize(w, size.Height))
		}
		x += w
	}
}
