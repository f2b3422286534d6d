package hmi

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// signInDialogEms is the sign-in dialog's width in text heights.
const signInDialogEms = 24

// signInDialog asks for a name and a password, then signs the person in
// as the station's current user (Manager.Switch: a sign-in and a quick
// user switch are the same). It stays open on a failure and says why; a
// sign-in can take seconds after failures (the manager slows them down),
// so it runs off the Fyne goroutine behind a progress bar.
type signInDialog struct {
	d        dialog.Dialog
	name     *widget.Entry
	password *widget.Entry
	cancel   *widget.Button
	passwordStatus
}

// openSignIn opens the sign-in dialog; switching titles it "Switch user".
func (p *people) openSignIn(switching bool) {
	if !p.active() || p.win == nil {
		return
	}
	p.touch()
	d := &signInDialog{name: widget.NewEntry(), password: widget.NewPasswordEntry()}
	d.name.SetPlaceHolder(lang.L("User name"))
	d.password.SetPlaceHolder(lang.L("Password"))
	d.passwordStatus = newPasswordStatus("", widget.NewButtonWithIcon(lang.L("Sign in"), theme.LoginIcon(), func() { p.submitSignIn(d) }))
	d.cancel = widget.NewButtonWithIcon(lang.L("Cancel"), theme.CancelIcon(), func() {
		d.d.Hide()
		p.touch()
	})
	d.name.OnSubmitted = func(string) { p.win.Canvas().Focus(d.password) }
	d.password.OnSubmitted = func(string) { p.submitSignIn(d) }
	title := lang.L("Sign in")
	if switching {
		title = lang.L("Switch user")
	}
	content := container.NewVBox(
		widget.NewForm(
			widget.NewFormItem(lang.L("Name"), d.name),
			widget.NewFormItem(lang.L("Password"), d.password),
		),
		d.msg,
		d.progress,
		container.NewHBox(layout.NewSpacer(), d.cancel, d.ok),
	)
	d.d = dialog.NewCustomWithoutButtons(title, content, p.win)
	d.d.SetOnClosed(func() {
		if p.signIn == d {
			p.signIn = nil
		}
	})
	width := signInDialogEms * theme.Size(theme.SizeNameText)
	d.d.Resize(fyne.NewSize(max(width, content.MinSize().Width), 0))
	p.signIn = d
	d.d.Show()
	p.win.Canvas().Focus(d.name)
}

// submitSignIn signs the person in off the Fyne goroutine; the dialog
// closes on success and says what went wrong otherwise.
func (p *people) submitSignIn(d *signInDialog) {
	if d.busy {
		return
	}
	name, password := strings.TrimSpace(d.name.Text), d.password.Text
	if name == "" || password == "" {
		d.say(lang.L("Type your name and password"), widget.DangerImportance)
		return
	}
	d.setBusy(true)
	d.say(lang.L("Signing in…"), widget.MediumImportance)
	p.run(func() error {
		_, err := p.users.Switch(name, password, windowFrom)
		return err
	}, func(err error) {
		d.setBusy(false)
		if err != nil {
			d.password.SetText("")
			d.say(authText(err), widget.DangerImportance)
			p.win.Canvas().Focus(d.password)
			return
		}
		d.d.Hide()
		p.refresh()
		p.notify(lang.L("Signed in as {{.User}}", map[string]any{"User": name}), widget.MediumImportance)
	})
}
