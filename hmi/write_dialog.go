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

	"github.com/sightglass/sightglass/tags"
)

// errEmptyValue keeps the Write button disabled until something is typed.
var errEmptyValue = errors.New("type a value")

// writeDialogEms is the write dialog's width in text heights: room for a
// long tag name in its title.
const writeDialogEms = 30

// writeDialog asks for a tag's new value.
type writeDialog struct {
	form  *dialog.FormDialog
	entry *widget.Entry
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
	d.form = dialog.NewForm(lang.L("Write {{.Tag}}", map[string]any{"Tag": name}), lang.L("Write"), lang.L("Cancel"), items, func(ok bool) {
		if m.writeDlg == d {
			m.writeDlg = nil
		}
		if ok {
			m.write(name, entry.Text)
		}
	}, m.win)
	entry.OnSubmitted = func(string) { d.form.Submit() }
	width := writeDialogEms * m.status.Theme().Size(theme.SizeNameText)
	d.form.Resize(fyne.NewSize(max(width, d.form.MinSize().Width), d.form.MinSize().Height))
	m.writeDlg = d
	d.form.Show()
	m.win.Canvas().Focus(entry)
}

// write sends text to tag through the station, off the Fyne goroutine, and
// reports "old → new" or the error in the status line.
func (m *MainWindow) write(tag, text string) {
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
		old, nw, err := m.st.Write(ctx, tag, text)
		msg, imp := writeResult(tag, text, units, old, nw, err)
		fyne.Do(func() { m.setStatus(msg, imp) })
	})
}

// writeResult is the status line after a write: "Tank1.Setpoint: 40.0000 →
// 55.0000 m", or the station's error in red.
func writeResult(tag, text, units string, old, nw tags.VQT, err error) (string, widget.Importance) {
	if err != nil {
		return "write " + tag + " = " + text + " failed: " + err.Error(), widget.DangerImportance
	}
	return tag + ": " + formatValue(old.Value) + " → " + withUnits(formatValue(nw.Value), units), widget.MediumImportance
}

func withUnits(value, units string) string {
	if units == "" || value == "" {
		return value
	}
	return value + " " + units
}
