package hmi

import (
	"context"
	"errors"
	"image/color"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sightglass/sightglass/auth"
	"github.com/sightglass/sightglass/project"
	"github.com/sightglass/sightglass/station"
	"github.com/sightglass/sightglass/tags"
)

// errScreenNoWindow: the view is not in a window, so it cannot open a dialog.
var errScreenNoWindow = errors.New("the screen view is not in a window")

// confirmDialog asks "TAG: old → new?" before any write from a screen; a
// critical tag or element also asks for the person's electronic
// signature: their password and a reason.
type confirmDialog struct {
	pop      *widget.PopUp
	text     *widget.Label
	password *widget.Entry // nil unless critical
	reason   *widget.Entry // nil unless critical
	msg      *widget.Label // why OK did nothing
	ok       *widget.Button
	cancel   *widget.Button
}

// setpointDialog asks for a setpoint's new value; the confirmation
// follows.
type setpointDialog struct {
	pop    *widget.PopUp
	entry  *widget.Entry
	next   *widget.Button
	cancel *widget.Button
}

// popUp opens content as a modal pop-up over the view, in the frame's
// theme (larger in the tablet layout).
func (v *ScreenView) popUp(content fyne.CanvasObject) (*widget.PopUp, error) {
	d := fyne.CurrentApp().Driver()
	if len(d.AllWindows()) == 0 {
		return nil, errScreenNoWindow
	}
	c := d.CanvasForObject(v.content)
	if c == nil {
		return nil, errScreenNoWindow
	}
	pop := widget.NewModalPopUp(container.NewThemeOverride(container.NewPadded(content), v.frame.th), c)
	pop.Show()
	return pop, nil
}

// touchButton is a dialog button that is screenTouchTarget square in the tablet
// layout.
func (v *ScreenView) touchButton(b *widget.Button) fyne.CanvasObject {
	r := canvas.NewRectangle(color.Transparent)
	if v.tablet {
		r.SetMinSize(fyne.NewSquareSize(screenTouchTarget))
	}
	return container.NewStack(r, b)
}

// writable checks that tag can be written before anything is asked: a
// refusal shows in the status line. It returns the tag's definition.
func (v *ScreenView) writable(tag string) (*tags.Def, bool) {
	if tag == "" || v.table == nil {
		v.frame.setStatus("write refused: the element names no tag", widget.DangerImportance)
		return nil, false
	}
	id, ok := v.table.Lookup(tag)
	if !ok {
		v.frame.setStatus(tag+": write refused: unknown tag", widget.DangerImportance)
		return nil, false
	}
	def := v.table.Def(id)
	if !def.Writable {
		v.frame.setStatus(tag+" is read-only: write refused", widget.DangerImportance)
		return nil, false
	}
	v.frame.people.touch()
	if why := v.frame.people.refusal(auth.Write, tag); why != "" {
		v.frame.setStatus(why, widget.DangerImportance)
		return nil, false
	}
	return def, true
}

// pressButton confirms and sends a command button's write: a momentary
// button writes its Value and then 0; a toggle writes the inverse of the
// tag's current state, which must be known.
func (v *ScreenView) pressButton(eb *elemBase) {
	e := eb.e
	if _, ok := v.writable(e.Tag); !ok {
		return
	}
	cur := &eb.live[slotMain]
	old := elemValueText(e, cur.v.Value, eb.units)
	if old == "" {
		old = "?"
	}
	if e.Mode == "toggle" {
		if !cur.ok() {
			v.frame.setStatus(e.Tag+": state not known ("+cur.why()+"): toggle refused", widget.DangerImportance)
			return
		}
		next := "1"
		if cur.v.Value.Bool() {
			next = "0"
		}
		v.confirmWrite(e, eb.units, e.Tag+": "+old+" → "+next, next)
		return
	}
	val := e.Value
	if val == 0 {
		val = 1
	}
	text := strconv.FormatFloat(val, 'g', -1, 64)
	v.confirmWrite(e, eb.units, e.Tag+": "+old+" → "+text+", then 0", text, "0")
}

// openSetpoint asks for a setpoint's new value, then confirms it.
func (v *ScreenView) openSetpoint(eb *elemBase) {
	e := eb.e
	def, ok := v.writable(e.Tag)
	if !ok {
		return
	}
	cur := &eb.live[slotMain]
	old := elemValueText(e, cur.v.Value, eb.units)

	d := &setpointDialog{entry: widget.NewEntry()}
	d.entry.SetPlaceHolder(cur.v.Value.String()) // empty: Enter cannot resend the value by accident
	current := lang.L("Current") + ": " + old + "  (" + formatQuality(cur.v.Quality) + ")"
	if old == "" {
		current = lang.L("Current") + ": " + cur.why()
	}
	label := lang.L("New value")
	if def.Units != "" {
		label += " (" + def.Units + ")"
	}
	limits := ""
	if e.Max > e.Min {
		limits = lang.L("Range") + ": " + formatFloatShort(e.Min) + " … " + withUnits(formatFloatShort(e.Max), eb.units)
	}
	// acceptable: something typed, and within the element's range when it
	// has one; the station checks the rest (the type) and says what is wrong.
	acceptable := func(text string) bool {
		if text == "" {
			return false
		}
		f, err := strconv.ParseFloat(text, 64)
		return e.Max <= e.Min || err != nil || f >= e.Min && f <= e.Max
	}
	submit := func() {
		text := strings.TrimSpace(d.entry.Text)
		if !acceptable(text) {
			return
		}
		v.closeSetpoint()
		if old == "" {
			old = "?"
		}
		v.confirmWrite(e, eb.units, e.Tag+": "+old+" → "+withUnits(text, eb.units), text)
	}
	d.next = widget.NewButton(lang.L("Next…"), submit)
	d.next.Importance = widget.HighImportance
	d.next.Disable()
	d.entry.OnChanged = func(s string) {
		if acceptable(strings.TrimSpace(s)) {
			d.next.Enable()
		} else {
			d.next.Disable()
		}
	}
	d.entry.OnSubmitted = func(string) { submit() }
	d.cancel = widget.NewButton(lang.L("Cancel"), func() {
		v.closeSetpoint()
		v.frame.setStatus(e.Tag+": write cancelled", widget.MediumImportance)
	})
	hint := def.Type.String()
	if limits != "" {
		hint = limits
	}
	content := container.NewVBox(
		&widget.Label{Text: lang.L("Set {{.Tag}}", map[string]any{"Tag": e.Tag}), TextStyle: fyne.TextStyle{Bold: true}},
		widget.NewLabel(current),
		widget.NewForm(&widget.FormItem{Text: label, Widget: d.entry, HintText: hint}),
		container.NewHBox(layout.NewSpacer(), v.touchButton(d.cancel), v.touchButton(d.next)),
	)
	pop, err := v.popUp(content)
	if err != nil {
		v.frame.setStatus(e.Tag+": "+err.Error(), widget.DangerImportance)
		return
	}
	d.pop = pop
	v.entry = d
	if c := fyne.CurrentApp().Driver().CanvasForObject(v.content); c != nil {
		c.Focus(d.entry)
	}
}

func (v *ScreenView) closeSetpoint() {
	if v.entry != nil {
		v.entry.pop.Hide()
		v.entry = nil
	}
}

// formatFloatShort prints a range end as short as it reads back: 30, 2.5.
func formatFloatShort(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

// confirmWrite shows summary ("TAG: old → new") and, when the person
// confirms, writes values to e's tag one after the other. Cancel writes
// nothing.
func (v *ScreenView) confirmWrite(e *project.Element, units, summary string, values ...string) {
	v.closeConfirm()
	d := &confirmDialog{text: widget.NewLabel(summary), msg: &widget.Label{Wrapping: fyne.TextWrapWord}}
	actor := v.frame.people.actor() // who confirms writes (and signs)
	critical := e.Critical
	if v.table != nil {
		if id, ok := v.table.Lookup(e.Tag); ok && v.table.Def(id).Critical {
			critical = true
		}
	}
	var sign fyne.CanvasObject = container.NewVBox()
	if critical {
		d.password, d.reason = widget.NewPasswordEntry(), widget.NewEntry()
		d.reason.SetPlaceHolder(lang.L("Recorded with the write"))
		sign = container.NewVBox(
			&widget.Label{Text: lang.L("Critical: an electronic signature") + " — " +
				lang.L("Signed by {{.User}}", map[string]any{"User": sessionName(actor)}), Importance: widget.WarningImportance},
			widget.NewForm(
				widget.NewFormItem(lang.L("Your password"), d.password),
				widget.NewFormItem(lang.L("Reason"), d.reason),
			))
	}
	d.ok = widget.NewButtonWithIcon(lang.L("Write"), theme.ConfirmIcon(), func() {
		v.frame.people.touch()
		if critical {
			actor.Password, actor.Comment, actor.Sign = d.password.Text, strings.TrimSpace(d.reason.Text), e.Critical
			if actor.Password == "" || actor.Comment == "" {
				d.msg.Text, d.msg.Importance = lang.L("A critical write needs your password and a reason"), widget.DangerImportance
				d.msg.Refresh()
				return
			}
		}
		v.closeConfirm()
		v.write(e, units, actor, values)
	})
	d.ok.Importance = widget.HighImportance
	d.cancel = widget.NewButtonWithIcon(lang.L("Cancel"), theme.CancelIcon(), func() {
		v.frame.people.touch()
		v.closeConfirm()
		v.frame.setStatus(e.Tag+": write cancelled", widget.MediumImportance)
	})
	content := container.NewVBox(
		&widget.Label{Text: lang.L("Confirm write"), TextStyle: fyne.TextStyle{Bold: true}},
		d.text,
		sign,
		d.msg,
		container.NewHBox(layout.NewSpacer(), v.touchButton(d.cancel), v.touchButton(d.ok)),
	)
	pop, err := v.popUp(content)
	if err != nil {
		v.frame.setStatus(e.Tag+": "+err.Error(), widget.DangerImportance)
		return
	}
	d.pop = pop
	v.confirm = d
}

func (v *ScreenView) closeConfirm() {
	if v.confirm != nil {
		v.confirm.pop.Hide()
		v.confirm = nil
	}
}

// write sends values to e's tag through the station as a, in order, off
// the Fyne goroutine, and reports the value read back (and who signed) or
// the error in the status line. A failed write stops the sequence: a
// momentary command whose first write failed does not send its 0. A
// signed write signs each value: the station checks the signature of
// every critical write.
func (v *ScreenView) write(e *project.Element, units string, a station.Actor, values []string) {
	tag := e.Tag
	v.frame.setStatus("writing "+tag+" = "+strings.Join(values, ", then ")+" …", widget.MediumImportance)
	v.mu.Lock()
	parent := v.ctx
	v.mu.Unlock()
	v.wg.Go(func() {
		ctx, cancel := context.WithTimeout(parent, screenWriteTimeout)
		defer cancel()
		var nw tags.VQT
		var err error
		done := 0
		for _, val := range values {
			if _, nw, err = v.st.Write(ctx, a, tag, val); err != nil {
				break
			}
			done++
		}
		msg, imp := screenWriteResult(e, units, values, done, nw, err)
		if err == nil && a.Password != "" {
			msg += " — " + lang.L("signed by {{.User}}", map[string]any{"User": sessionName(a)})
		}
		fyne.Do(func() { v.frame.setStatus(msg, imp) })
	})
}

// screenWriteResult is the status line after a write: "TAG: written 55,
// read back 55.00 rpm", or the station's (the device's) error in red.
func screenWriteResult(e *project.Element, units string, values []string, done int, nw tags.VQT, err error) (string, widget.Importance) {
	if err != nil {
		msg := e.Tag + ": write " + values[done] + " failed: " + authText(err)
		if done > 0 {
			msg += " (after writing " + strings.Join(values[:done], ", ") + ")"
		}
		return msg, widget.DangerImportance
	}
	msg := e.Tag + ": written " + strings.Join(values, ", then ") + ", read back " + elemValueText(e, nw.Value, units)
	if !nw.Quality.IsGood() {
		return msg + " (" + formatQuality(nw.Quality) + ")", widget.WarningImportance
	}
	return msg, widget.MediumImportance
}
