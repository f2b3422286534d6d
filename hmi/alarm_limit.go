package hmi

import (
	"errors"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/sightglass/sightglass/alarms"
)

// alarmHasLimit reports whether alarms of kind k have a limit a
// supervisor can change (not the discrete State and Bad alarms).
func alarmHasLimit(k alarms.Kind) bool {
	switch k {
	case alarms.HiHi, alarms.Hi, alarms.Lo, alarms.LoLo, alarms.Deviation, alarms.Rate:
		return true
	}
	return false
}

// limitDialog changes one alarm's limit: the limit in force, the new
// value and a comment, recorded in the journal and the audit trail.
type limitDialog struct {
	d       *dialog.FormDialog
	old     *widget.Label
	value   *widget.Entry
	comment *widget.Entry
	submit  func(ok bool)
}

// errNotANumber keeps the limit dialog's button disabled.
var errNotANumber = errors.New("not a number")

// limitSelected asks for the selected alarm's new limit and sets it
// through the station (permission AlarmLimits).
func (s *alarmSummary) limitSelected() {
	ids := s.selectedIDs()
	if len(ids) != 1 || s.a.act == nil || s.a.win == nil {
		return
	}
	a := s.a
	id := ids[0]
	st, ok := a.eng.Get(id) // the limit in force, as the engine has it now
	if !ok {
		a.setStatus(id+": "+alarms.ErrUnknownAlarm.Error(), widget.DangerImportance)
		return
	}
	a.people.touch()
	old := strconv.FormatFloat(st.Limit, 'g', -1, 64)
	dlg := &limitDialog{old: widget.NewLabel(old), value: widget.NewEntry(), comment: widget.NewMultiLineEntry()}
	dlg.value.SetPlaceHolder(old)
	dlg.value.Validator = func(t string) error {
		if _, err := strconv.ParseFloat(strings.TrimSpace(t), 64); err != nil {
			return errNotANumber
		}
		return nil
	}
	dlg.comment.SetMinRowsVisible(2)
	dlg.comment.SetPlaceHolder(lang.L("Comment (required)"))
	dlg.comment.Validator = required
	items := []*widget.FormItem{
		widget.NewFormItem(lang.L("Limit in force"), dlg.old),
		widget.NewFormItem(lang.L("New limit"), dlg.value),
		widget.NewFormItem(lang.L("Comment"), dlg.comment),
	}
	dlg.submit = func(ok bool) {
		if a.limit == dlg {
			a.limit = nil
		}
		a.people.touch()
		if !ok {
			return
		}
		f, err := strconv.ParseFloat(strings.TrimSpace(dlg.value.Text), 64)
		comment := strings.TrimSpace(dlg.comment.Text)
		if err != nil || comment == "" {
			a.setStatus(lang.L("Change limit…")+" "+lang.L("a comment is required"), widget.DangerImportance)
			return
		}
		actor := a.people.actor()
		actor.Comment = comment
		name := lang.L("Limit changed")
		a.setStatus(name+"…", widget.MediumImportance)
		a.run(func() error { return a.act.SetAlarmLimit(actor, id, f) }, func(err error) {
			if err != nil {
				a.setStatus(id+": "+authText(err), widget.DangerImportance)
			} else {
				a.setStatus(lang.L("{{.ID}}: limit {{.Old}} → {{.New}}", map[string]any{"ID": id, "Old": old, "New": strconv.FormatFloat(f, 'g', -1, 64)}), widget.MediumImportance)
			}
			a.fresh = false
		})
	}
	dlg.d = dialog.NewForm(lang.L("Change the limit of {{.ID}}", map[string]any{"ID": id}), lang.L("OK"), lang.L("Cancel"), items, dlg.submit, a.win)
	dlg.d.Resize(fyne.NewSize(480, 0))
	a.limit = dlg
	dlg.d.Show()
}
