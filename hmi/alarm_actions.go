package hmi

import (
	"errors"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/sightglass/sightglass/alarms"
	"github.com/sightglass/sightglass/station"
)

// shelveChoices are the shelf durations offered, each only up to the
// longest the selection's most urgent priority allows.
var shelveChoices = []time.Duration{
	15 * time.Minute, 30 * time.Minute, time.Hour, 2 * time.Hour, 4 * time.Hour, 8 * time.Hour, 12 * time.Hour, 24 * time.Hour,
}

// alarmDialog is the open action dialog: a comment, and for a shelf its
// duration. submit is the dialog's answer, kept for tests.
type alarmDialog struct {
	d       dialog.Dialog
	dur     *widget.Select // nil unless shelving
	durs    []time.Duration
	comment *widget.Entry
	submit  func(ok bool)
}

// alarmAction is one operator action on alarms: its name for the status
// line and the station call, made as the person signed in with their
// comment (a.Comment).
type alarmAction struct {
	name     string // "Acknowledged", as the status line says it
	needs    bool   // asks for a comment even when the project does not require one
	must     bool   // the comment is required (the engine said so)
	shelf    bool   // asks for a duration
	call     func(a station.Actor, ids []string, d time.Duration) error
	maxShelf time.Duration
}

func (s *alarmSummary) ackSelected() { s.a.ack(s.selectedIDs()) }

// ackPage acknowledges the alarms on screen: what the operator can see,
// never the thousands scrolled away (ISA-18.2 §11.5: no blind acks).
func (s *alarmSummary) ackPage() { s.a.ack(s.pageIDs()) }

func (s *alarmSummary) unshelveSelected() {
	s.a.perform(alarmAction{name: lang.L("Unshelved"), call: func(a station.Actor, ids []string, _ time.Duration) error {
		return s.a.act.UnshelveAlarms(a, ids)
	}}, s.selectedIDs())
}

func (s *alarmSummary) resetSelected() {
	s.a.perform(alarmAction{name: lang.L("Reset"), call: func(a station.Actor, ids []string, _ time.Duration) error {
		return s.a.act.ResetAlarms(a, ids)
	}}, s.selectedIDs())
}

// serviceSelected takes the selection out of service (asking why) or
// back into service.
func (s *alarmSummary) serviceSelected(oos bool) {
	name := lang.L("Returned to service")
	if oos {
		name = lang.L("Taken out of service")
	}
	s.a.perform(alarmAction{name: name, needs: oos, call: func(a station.Actor, ids []string, _ time.Duration) error {
		return s.a.act.SetAlarmsOutOfService(a, ids, oos)
	}}, s.selectedIDs())
}

// shelveSelected asks for a duration, up to the longest shelf of the
// selection's most urgent priority, and shelves.
func (s *alarmSummary) shelveSelected() {
	ids := s.selectedIDs()
	if len(ids) == 0 {
		return
	}
	most := alarms.Diagnostic
	for _, i := range s.rows {
		if st := &s.list[i]; s.sel[st.ID] {
			most = min(most, st.Priority)
		}
	}
	s.a.perform(alarmAction{name: lang.L("Shelved"), needs: true, shelf: true, maxShelf: s.a.maxShelve(most),
		call: func(a station.Actor, ids []string, d time.Duration) error { return s.a.act.ShelveAlarms(a, ids, d) }}, ids)
}

// ack acknowledges ids: at once, or after asking for the comment the
// project requires.
func (a *AlarmView) ack(ids []string) {
	a.perform(alarmAction{name: lang.L("Acknowledged"), call: func(ac station.Actor, ids []string, _ time.Duration) error {
		return a.act.AckAlarms(ac, ids)
	}}, ids)
}

// perform runs act on ids: at once when it needs neither a comment nor a
// duration, else after the dialog. When the engine answers that a comment
// is required, the dialog opens.
func (a *AlarmView) perform(act alarmAction, ids []string) {
	if len(ids) == 0 || a.act == nil {
		return
	}
	a.people.touch()
	if act.needs || act.shelf || a.config().RequireComment {
		a.askAndRun(act, ids)
		return
	}
	a.execute(act, ids, 0, "")
}

// execute calls the station off the Fyne goroutine, as the person signed
// in, and reports.
func (a *AlarmView) execute(act alarmAction, ids []string, d time.Duration, comment string) {
	actor := a.people.actor()
	actor.Comment = comment
	a.setStatus(act.name+"…", widget.MediumImportance)
	a.run(func() error { return act.call(actor, ids, d) }, func(err error) {
		switch {
		case err == nil:
			a.setStatus(lang.L("{{.Action}}: {{.N}} alarms", map[string]any{"Action": act.name, "N": len(ids)}), widget.MediumImportance)
			a.summary.clearSelection()
		case errors.Is(err, alarms.ErrCommentRequired) && comment == "":
			act.needs, act.must = true, true
			a.askAndRun(act, ids)
		default:
			a.setStatus(act.name+": "+authText(err), widget.DangerImportance)
		}
		a.fresh = false // show the engine's answer at the next tick, whatever the version says
	})
}

// askAndRun opens the action's dialog: a comment (required when the
// project says so) and, for a shelf, a duration.
func (a *AlarmView) askAndRun(act alarmAction, ids []string) {
	if a.win == nil {
		return
	}
	required := a.config().RequireComment || act.must
	dlg := &alarmDialog{comment: widget.NewMultiLineEntry()}
	dlg.comment.SetMinRowsVisible(2)
	if required {
		dlg.comment.SetPlaceHolder(lang.L("Comment (required)"))
	} else {
		dlg.comment.SetPlaceHolder(lang.L("Comment (optional)"))
	}
	var items []*widget.FormItem
	if act.shelf {
		var names []string
		for _, d := range shelveChoices {
			if d <= act.maxShelf {
				dlg.durs = append(dlg.durs, d)
				names = append(names, formatShelf(d))
			}
		}
		if len(dlg.durs) == 0 || dlg.durs[len(dlg.durs)-1] != act.maxShelf {
			dlg.durs = append(dlg.durs, act.maxShelf)
			names = append(names, formatShelf(act.maxShelf))
		}
		dlg.dur = widget.NewSelect(names, nil)
		dlg.dur.SetSelectedIndex(0)
		items = append(items, widget.NewFormItem(lang.L("Shelve for"), dlg.dur))
	}
	items = append(items, widget.NewFormItem(lang.L("Comment"), dlg.comment))
	if required {
		dlg.comment.Validator = func(s string) error {
			if strings.TrimSpace(s) == "" {
				return errors.New(lang.L("a comment is required"))
			}
			return nil
		}
	}
	title := lang.L("{{.Action}}: {{.N}} alarms", map[string]any{"Action": act.name, "N": len(ids)})
	dlg.submit = func(ok bool) {
		if a.dlg == dlg {
			a.dlg = nil
		}
		a.people.touch()
		if !ok {
			return
		}
		comment := strings.TrimSpace(dlg.comment.Text)
		if required && comment == "" {
			a.setStatus(act.name+": "+lang.L("a comment is required"), widget.DangerImportance)
			return
		}
		var d time.Duration
		if dlg.dur != nil {
			d = dlg.durs[max(dlg.dur.SelectedIndex(), 0)]
		}
		a.execute(act, ids, d, comment)
	}
	dlg.d = dialog.NewForm(title, lang.L("OK"), lang.L("Cancel"), items, dlg.submit, a.win)
	dlg.d.Resize(fyne.NewSize(480, 0))
	a.dlg = dlg
	dlg.d.Show()
}

// formatShelf is a shelf's duration as the dialog offers it: "30 min",
// "2 h".
func formatShelf(d time.Duration) string {
	if d < time.Hour || d%time.Hour != 0 {
		return lang.L("{{.N}} min", map[string]any{"N": int(d / time.Minute)})
	}
	return lang.L("{{.N}} h", map[string]any{"N": int(d / time.Hour)})
}

// firstSelected is the first selected alarm shown, for the jumps.
func (s *alarmSummary) firstSelected() (*alarms.Status, bool) {
	for _, i := range s.rows {
		if st := &s.list[i]; s.sel[st.ID] {
			return st, true
		}
	}
	return nil, false
}

// jumpScreen shows a process screen with the first selected alarm's tag.
func (s *alarmSummary) jumpScreen() {
	st, ok := s.firstSelected()
	if !ok || s.a.openScreen == nil {
		return
	}
	if err := s.a.openScreen(st.Tag); err != nil {
		s.a.setStatus(err.Error(), widget.DangerImportance)
	}
}

// jumpTrend trends the selected alarms' tags.
func (s *alarmSummary) jumpTrend() {
	st, ok := s.firstSelected()
	if !ok || s.a.trendTag == nil {
		return
	}
	if err := s.a.trendTag(st.Tag); err != nil {
		s.a.setStatus(err.Error(), widget.DangerImportance)
	}
}
