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

	"github.com/sightglass/sightglass/auth"
)

// firstAdminDialog creates the station's first user, an admin of every
// area, when it has none: there is no default user and no default
// password. The password's rules (its least length) are the manager's,
// shown as it states them when a password breaks one. Cancelled, the
// station runs on, read-only, with a line that says why.
type firstAdminDialog struct {
	d        dialog.Dialog
	name     *widget.Entry
	password *widget.Entry
	repeat   *widget.Entry
	cancel   *widget.Button
	passwordStatus
}

// openFirstAdmin opens the first-admin dialog, if the station still has
// no users.
func (p *people) openFirstAdmin() {
	if !p.active() || p.win == nil || !p.noAdmin || p.first != nil {
		return
	}
	d := &firstAdminDialog{name: widget.NewEntry(), password: widget.NewPasswordEntry(), repeat: widget.NewPasswordEntry()}
	d.name.SetText("admin")
	d.passwordStatus = newPasswordStatus(lang.L("This station has no users yet. Create its first admin: nobody can write or act on alarms until then."),
		widget.NewButtonWithIcon(lang.L("Create admin"), theme.ConfirmIcon(), func() { p.submitFirstAdmin(d) }))
	d.cancel = widget.NewButtonWithIcon(lang.L("Later"), theme.CancelIcon(), func() {
		d.d.Hide()
		p.notify(lang.L("No users yet: nobody can write or act on alarms until an admin exists"), widget.WarningImportance)
	})
	d.name.OnSubmitted = func(string) { p.win.Canvas().Focus(d.password) }
	d.password.OnSubmitted = func(string) { p.win.Canvas().Focus(d.repeat) }
	d.repeat.OnSubmitted = func(string) { p.submitFirstAdmin(d) }
	content := container.NewVBox(
		d.msg,
		widget.NewForm(
			widget.NewFormItem(lang.L("Name"), d.name),
			widget.NewFormItem(lang.L("Password"), d.password),
			widget.NewFormItem(lang.L("Repeat password"), d.repeat),
		),
		d.progress,
		container.NewHBox(layout.NewSpacer(), d.cancel, d.ok),
	)
	d.d = dialog.NewCustomWithoutButtons(lang.L("Create the first admin"), content, p.win)
	d.d.SetOnClosed(func() {
		if p.first == d {
			p.first = nil
		}
	})
	width := 2 * signInDialogEms * theme.Size(theme.SizeNameText)
	d.d.Resize(fyne.NewSize(width, 0))
	p.first = d
	d.d.Show()
	p.win.Canvas().Focus(d.password)
}

// submitFirstAdmin adds the admin off the Fyne goroutine (hashing the
// password takes a moment) and signs them in.
func (p *people) submitFirstAdmin(d *firstAdminDialog) {
	if d.busy {
		return
	}
	name, password := strings.TrimSpace(d.name.Text), d.password.Text
	switch {
	case name == "" || password == "":
		d.say(lang.L("Type a name and a password"), widget.DangerImportance)
		return
	case password != d.repeat.Text:
		d.repeat.SetText("")
		d.say(lang.L("The passwords differ"), widget.DangerImportance)
		return
	}
	d.setBusy(true)
	p.run(func() error {
		if err := p.users.AddUser(nil, name, auth.Admin, nil, password); err != nil {
			return err
		}
		_, err := p.users.Switch(name, password, windowFrom)
		return err
	}, func(err error) {
		d.setBusy(false)
		if has, herr := p.users.HasUsers(); herr == nil {
			p.noAdmin = !has
		}
		if err != nil && p.noAdmin {
			// The manager says what a password must be (its least length).
			d.say(err.Error(), widget.DangerImportance)
			return
		}
		d.d.Hide()
		p.refresh()
		if err != nil { // added, but not signed in
			p.notify(authText(err), widget.DangerImportance)
			return
		}
		p.notify(lang.L("Admin {{.User}} created and signed in", map[string]any{"User": name}), widget.MediumImportance)
	})
}
