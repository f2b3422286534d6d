package hmi

import (
	"context"
	"errors"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sightglass/sightglass/auth"
	"github.com/sightglass/sightglass/station"
	"github.com/sightglass/sightglass/tags"
)

// errEmptyValue keeps the Write button disabled until something is typed.
var errEmptyValue = errors.New("type a value")

// writeDialogEms is the write dialog's width in text heights: room for a
// long tag name in its title.
const writeDialogEms = 30

// writeDialog asks for a tag's new value; a critical tag's also for the
// person's electronic signature (their password and a reason).
type writeDialog struct {
	form     *dialog.FormDialog
	entry    *widget.Entry
	password *widget.Entry // nil unless the tag is critical
	reason   *widget.Entry // nil unless the tag is critical
}

// openWrite opens the write dialog for tag id, or says in the status line
// that the tag cannot be written.
func (m *MainWindow) openWrite(id tags.ID) {
	defs := m.tags.defs
	if defs == nil || int(id) >= defs.Len() {
		return
	}
	def := defs.Def(id)
	if !def.Writable {
		m.setStatus(def.Name+" is read-only", widget.MediumImportance)
		return
	}
	m.people.touch()
	if why := m.people.refusal(auth.Write, def.Name); why != "" {
		m.setStatus(why, widget.DangerImportance)
		return
	}
	var cur tags.VQT
	if int(id) < len(m.snap) {
		cur = m.snap[id]
	}

	// The entry starts empty, so that pressing Enter cannot resend the
	// current value by accident; the current value is its placeholder.
	entry := widget.NewEntry()
	entry.SetPlaceHolder(cur.Value.String())
	entry.Validator = func(s string) error {
		if strings.TrimSpace(s) == "" {
			return errEmptyValue
		}
		return nil
	}
	current := widget.NewLabel(withUnits(formatValue(cur.Value), def.Units) + "  (" + formatQuality(cur.Quality) + ")")
	label := lang.L("New value")
	if def.Units != "" {
		label += " (" + def.Units + ")"
	}
	items := []*widget.FormItem{
		{Text: lang.L("Current"), Widget: current},
		{Text: label, Widget: entry, HintText: def.Type.String()},
	}
	name := def.Name
	d := &writeDialog{entry: entry}
	actor := m.people.actor() // who opened the dialog writes (and signs)
	if def.Critical {
		d.password, d.reason = widget.NewPasswordEntry(), widget.NewEntry()
		d.password.Validator, d.reason.Validator = required, required
		who := lang.L("Signed by {{.User}}", map[string]any{"User": sessionName(actor)})
		items = append(items,
			&widget.FormItem{Text: lang.L("Your password"), Widget: d.password, HintText: lang.L("Critical: an electronic signature") + " — " + who},
			&widget.FormItem{Text: lang.L("Reason"), Widget: d.reason, HintText: lang.L("Recorded with the write")})
	}
	d.form = dialog.NewForm(lang.L("Write {{.Tag}}", map[string]any{"Tag": name}), lang.L("Write"), lang.L("Cancel"), items, func(ok bool) {
		if m.writeDlg == d {
			m.writeDlg = nil
		}
		m.people.touch()
		if ok {
			if d.password != nil {
				actor.Password, actor.Comment = d.password.Text, strings.TrimSpace(d.reason.Text)
				if actor.Password == "" || actor.Comment == "" {
					m.setStatus(name+": "+lang.L("A critical write needs your password and a reason"), widget.DangerImportance)
					return
				}
			}
			m.write(actor, name, entry.Text)
		}
	}, m.win)
	entry.OnSubmitted = func(string) { d.form.Submit() }
	if d.reason != nil {
		d.reason.OnSubmitted = func(string) { d.form.Submit() }
	}
	width := writeDialogEms * m.status.Theme().Size(theme.SizeNameText)
	d.form.Resize(fyne.NewSize(max(width, d.form.MinSize().Width), d.form.MinSize().Height))
	m.writeDlg = d
	d.form.Show()
	m.win.Canvas().Focus(entry)
}

// required is the validator of a field that must not be empty.
func required(s string) error {
	if strings.TrimSpace(s) == "" {
		return errRequired
	}
	return nil
}

// errRequired keeps a dialog's button disabled until a required field is
// filled.
var errRequired = errors.New("required")

// sessionName is who acts, as a dialog names them.
func sessionName(a station.Actor) string {
	if a.Session.Anonymous() {
		return lang.L("Viewer — not signed in")
	}
	return a.Session.User
}

// write sends text to tag through the station as a, off the Fyne
// goroutine, and reports "old → new" (and who signed) or the error in the
// status line.
func (m *MainWindow) write(a station.Actor, tag, text string) {
	m.setStatus("writing "+tag+" = "+text+" …", widget.MediumImportance)
	units := ""
	if defs := m.tags.defs; defs != nil {
		if id, ok := defs.Lookup(tag); ok {
			units = defs.Def(id).Units
		}
	}
	m.mu.Lock()
	parent := m.ctx
	m.mu.Unlock()
	m.wg.Go(func() {
		ctx, cancel := context.WithTimeout(parent, writeTimeout)
		defer cancel()
		old, nw, err := m.st.Write(ctx, a, tag, text)
		msg, imp := writeResult(tag, text, units, old, nw, err)
		if err == nil && a.Password != "" {
			msg += " — " + lang.L("signed by {{.User}}", map[string]any{"User": sessionName(a)})
		}
		fyne.Do(func() { m.setStatus(msg, imp) })
	})
}

// writeResult is the status line after a write: "Tank1.Setpoint: 40.0000 →
// 55.0000 m", or the station's error in red.
func writeResult(tag, text, units string, old, nw tags.VQT, err error) (string, widget.Importance) {
	if err != nil {
		return "write " + tag + " = " + text + " failed: " + authText(err), widget.DangerImportance
	}
	return tag + ": " + formatValue(old.Value) + " → " + withUnits(formatValue(nw.Value), units), widget.MediumImportance
}

func withUnits(value, units string) string {
	if units == "" || value == "" {
		return value
	}
	return value + " " + units
}
