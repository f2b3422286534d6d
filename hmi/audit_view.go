package hmi

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sightglass/sightglass/auth"
	"github.com/sightglass/sightglass/state"
	"github.com/sightglass/sightglass/station"
)

// AuditStation is a station that keeps an audit trail, found by a type
// assertion on the window's Station.
type AuditStation interface {
	// AuditLog lists the audit trail for a person who may run reports.
	// The window calls it off the UI goroutine.
	AuditLog(a station.Actor, q auth.AuditQuery) ([]auth.AuditEntry, error)
	// State is the station's shared-state store, whose audit trail
	// auth.Verify walks; nil when the station keeps none.
	State() state.Store
}

// auditViewLimit is how many of the newest matching records the viewer
// lists: a long trail's window, not all of it (the export writes all).
const auditViewLimit = 10_000

// auditTimeLayouts are what the time filters accept, in local time.
var auditTimeLayouts = []string{"2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02"}

// auditActions are the actions the filter offers, in the order of
// auth's list.
var auditActions = []auth.Action{
	auth.ActSignIn, auth.ActSignOut, auth.ActSignInFailed, auth.ActLockout, auth.ActWrite,
	auth.ActAlarmAck, auth.ActAlarmReset, auth.ActAlarmShelve, auth.ActAlarmUnshelve, auth.ActAlarmOOS,
	auth.ActAlarmInService, auth.ActAlarmLimit, auth.ActProject, auth.ActUserAdd, auth.ActUserChange,
	auth.ActUserRemove, auth.ActStationStart, auth.ActStationStop, auth.ActAuditRead,
}

// AuditView is the window's "Audit" tab: the audit trail with filters
// (time range, user, action, target, text), newest first in a virtualised
// table, its export as CSV and the check of its hash chain. Only people
// with the Reports permission (supervisor and above) see it; others see
// a line asking them to sign in as one. Everything but the station's
// calls runs on the Fyne goroutine.
type AuditView struct {
	st     AuditStation
	people *people
	win    fyne.Window

	from, to, user, target, text *widget.Entry
	action                       *widget.Select
	search, export, verify       *widget.Button
	table                        *widget.Table
	count                        *widget.Label
	status                       *widget.Label
	locked                       *widget.Label
	view                         *fyne.Container
	content                      *fyne.Container

	list    []auth.AuditEntry // newest first
	allowed bool              // the session may see the trail
	report  *auth.VerifyReport
}

// auditColumns are the table's columns.
const (
	auditColSeq = iota
	auditColTime
	auditColUser
	auditColAction
	auditColTarget
	auditColChange
	auditColResult
	auditColReason
	auditColumns
)

// auditColumnEms are the columns' widths in ems.
var auditColumnEms = [auditColumns]float32{4, 11, 7, 9, 14, 12, 10, 14}

// addAudit adds the "Audit" tab over st.
func (m *MainWindow) addAudit(st AuditStation) {
	m.audit = newAuditView(st, m.people, m.win)
	m.ensureTabs()
	m.auditTab = container.NewTabItem(lang.L("Audit"), m.audit.content)
	m.tabs.Append(m.auditTab)
}

func newAuditView(st AuditStation, p *people, win fyne.Window) *AuditView {
	v := &AuditView{st: st, people: p, win: win}
	v.from, v.to = widget.NewEntry(), widget.NewEntry()
	v.from.SetPlaceHolder(lang.L("From (YYYY-MM-DD hh:mm)"))
	v.to.SetPlaceHolder(lang.L("To (YYYY-MM-DD hh:mm)"))
	v.user, v.target, v.text = widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
	v.user.SetPlaceHolder(lang.L("User"))
	v.target.SetPlaceHolder(lang.L("Tag or target (beginning)"))
	v.text.SetPlaceHolder(lang.L("Text"))
	names := []string{lang.L("All actions")}
	for _, a := range auditActions {
		names = append(names, string(a))
	}
	v.action = widget.NewSelect(names, nil)
	v.action.SetSelectedIndex(0)
	for _, e := range []*widget.Entry{v.from, v.to, v.user, v.target, v.text} {
		e.OnSubmitted = func(string) { v.Search() }
	}
	v.search = widget.NewButtonWithIcon(lang.L("Search"), theme.SearchIcon(), v.Search)
	v.search.Importance = widget.HighImportance
	v.export = widget.NewButtonWithIcon(lang.L("Export CSV…"), theme.DocumentSaveIcon(), v.exportCSV)
	v.verify = widget.NewButtonWithIcon(lang.L("Verify trail"), theme.ConfirmIcon(), v.Verify)
	v.count = widget.NewLabel("")
	v.status = &widget.Label{Truncation: fyne.TextTruncateEllipsis}

	v.table = newTextTable(func() int { return len(v.list) },
		func(row, col int) string { return auditCell(&v.list[row], col) }, auditHeader,
		auditColumnEms[:]...)

	filters := container.NewGridWithColumns(3, v.from, v.to, v.action, v.user, v.target, v.text)
	bar := container.NewHBox(v.search, v.export, v.verify, v.count)
	v.view = container.NewBorder(container.NewVBox(filters, bar), v.status, nil, nil, v.table)
	v.locked, v.content = lockedView(v.view, lang.L("Sign in as a supervisor (or above) to see the audit trail"))
	p.whenChanged(v.gate)
	v.gate()
	return v
}

// auditHeader is a column's title.
func auditHeader(col int) string {
	switch col {
	case auditColSeq:
		return "#"
	case auditColTime:
		return lang.L("Time")
	case auditColUser:
		return lang.L("User")
	case auditColAction:
		return lang.L("Action")
	case auditColTarget:
		return lang.L("Target")
	case auditColChange:
		return lang.L("Old → new")
	case auditColResult:
		return lang.L("Result")
	case auditColReason:
		return lang.L("Reason")
	}
	return ""
}

// auditCell is one cell's text.
func auditCell(e *auth.AuditEntry, col int) string {
	switch col {
	case auditColSeq:
		return strconv.FormatUint(e.Seq, 10)
	case auditColTime:
		return e.Time.Local().Format("2006-01-02 15:04:05")
	case auditColUser:
		return e.User
	case auditColAction:
		return string(e.Action)
	case auditColTarget:
		return e.Target
	case auditColChange:
		if e.Old == "" {
			return e.New
		}
		return e.Old + " → " + e.New
	case auditColResult:
		return e.Result
	case auditColReason:
		return e.Reason
	}
	return ""
}

// gate shows the trail to a session with Reports, else the line asking
// for a supervisor; the trail is listed when it opens.
func (v *AuditView) gate() {
	allowed := v.people.can(auth.Reports, "")
	if allowed == v.allowed && v.view.Visible() == allowed {
		return
	}
	v.allowed = allowed
	setShown(v.view, allowed)
	setShown(v.locked, !allowed)
	if allowed {
		v.Search()
	} else {
		v.list = nil
		v.report = nil
		v.table.Refresh()
	}
}

// query is the filters' audit query; an error names a time that does
// not parse.
func (v *AuditView) query() (auth.AuditQuery, error) {
	q := auth.AuditQuery{
		User:   strings.TrimSpace(v.user.Text),
		Target: strings.TrimSpace(v.target.Text), TargetPrefix: true,
		Text: strings.TrimSpace(v.text.Text),
	}
	if i := v.action.SelectedIndex(); i > 0 {
		q.Actions = []auth.Action{auditActions[i-1]}
	}
	var err error
	if q.From, err = parseAuditTime(v.from.Text); err != nil {
		return q, err
	}
	q.To, err = parseAuditTime(v.to.Text)
	return q, err
}

// parseAuditTime parses a time filter; "" is an open end.
func parseAuditTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	for _, l := range auditTimeLayouts {
		if t, err := time.ParseInLocation(l, s, time.Local); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q: %s", s, lang.L("want YYYY-MM-DD hh:mm"))
}

// Search lists the newest auditViewLimit records that match the filters,
// newest first, off the Fyne goroutine.
func (v *AuditView) Search() {
	if !v.allowed {
		return
	}
	v.people.touch()
	q, err := v.query()
	if err != nil {
		v.setStatus(err.Error(), widget.DangerImportance)
		return
	}
	q.Limit = auditViewLimit
	var list []auth.AuditEntry
	v.setStatus(lang.L("Searching…"), widget.MediumImportance)
	actor := v.people.actor()
	v.run(func() error {
		var err error
		list, err = v.st.AuditLog(actor, q)
		slices.Reverse(list)
		return err
	}, func(err error) {
		if err != nil {
			v.setStatus(err.Error(), widget.DangerImportance)
			return
		}
		v.list = list
		v.count.SetText(lang.L("{{.N}} records", map[string]any{"N": len(list)}))
		v.table.Refresh()
		v.table.ScrollToTop()
		v.setStatus("", widget.MediumImportance)
	})
}

// Verify walks the audit trail's hash chain off the Fyne goroutine and
// shows what auth.Verify found: intact, or the first record changed,
// removed or out of order.
func (v *AuditView) Verify() {
	if !v.allowed {
		return
	}
	v.people.touch()
	st := v.st.State()
	if st == nil {
		v.setStatus(lang.L("The station keeps no audit trail"), widget.DangerImportance)
		return
	}
	var rep auth.VerifyReport
	v.setStatus(lang.L("Verifying the audit trail…"), widget.MediumImportance)
	v.run(func() error {
		var err error
		rep, err = auth.Verify(st, auth.VerifyOptions{})
		return err
	}, func(err error) {
		if err != nil {
			v.setStatus(err.Error(), widget.DangerImportance)
			return
		}
		v.report = &rep
		imp := widget.SuccessImportance
		if !rep.OK() {
			imp = widget.DangerImportance
		}
		v.setStatus(rep.String(), imp)
		if v.win != nil {
			dialog.ShowInformation(lang.L("Verify trail"), rep.String(), v.win)
		}
	})
}

// run calls op off the Fyne goroutine and done on it, as the people's
// actions run.
func (v *AuditView) run(op func() error, done func(error)) { v.people.run(op, done) }

func (v *AuditView) setStatus(text string, imp widget.Importance) {
	v.status.Text, v.status.Importance = text, imp
	v.status.Refresh()
}
