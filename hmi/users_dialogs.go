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

// userDialog is one of the Users tab's dialogs: add a user, change a
// role or areas, reset a password, or confirm a removal. Each has the
// fields its action needs (the others nil), the message under them, and
// the progress bar and held OK button while the manager works (hashing a
// password takes ~100 ms). The manager's refusal stays in the dialog;
// success closes it and says so in the tab's status line.
type userDialog struct {
	d        dialog.Dialog
	target   string         // the user acted on; "" when adding
	name     *widget.Entry  // add
	role     *widget.Select // add, change role
	areas    *widget.Entry  // add, change areas
	password *widget.Entry  // add, reset password
	repeat   *widget.Entry  // add, reset password
	cancel   *widget.Button
	passwordStatus
}

// roleNames are the roles as the role selects offer them, by Role.
func roleNames() []string {
	names := make([]string, auth.NumRoles)
	for r := range auth.NumRoles {
		names[r] = roleName(auth.Role(r))
	}
	return names
}

// newRoleSelect is a select of every role, set to r.
func newRoleSelect(r auth.Role) *widget.Select {
	s := widget.NewSelect(roleNames(), nil)
	s.SetSelectedIndex(int(r))
	return s
}

// selectedRole is the role chosen in s.
func selectedRole(s *widget.Select) auth.Role {
	if i := s.SelectedIndex(); i >= 0 {
		return auth.Role(i)
	}
	return auth.Viewer
}

// openAdd opens the dialog that adds a user.
func (v *UsersView) openAdd() {
	d := &userDialog{name: widget.NewEntry(), role: newRoleSelect(auth.Operator), areas: widget.NewEntry(),
		password: widget.NewPasswordEntry(), repeat: widget.NewPasswordEntry()}
	d.areas.SetPlaceHolder(lang.L("Comma-separated; empty: everywhere"))
	v.show(d, lang.L("Add user"), lang.L("Add"), lang.L("The new user signs in with this name and password."),
		[]*widget.FormItem{
			widget.NewFormItem(lang.L("Name"), d.name),
			widget.NewFormItem(lang.L("Role"), d.role),
			widget.NewFormItem(lang.L("Areas"), d.areas),
			widget.NewFormItem(lang.L("Password"), d.password),
			widget.NewFormItem(lang.L("Repeat password"), d.repeat),
		}, d.name, func() { v.submitAdd(d) })
}

// submitAdd adds the user the dialog describes, as the current session.
func (v *UsersView) submitAdd(d *userDialog) {
	name, role, areas, password := strings.TrimSpace(d.name.Text), selectedRole(d.role), parseAreas(d.areas.Text), d.password.Text
	if name == "" {
		d.say(lang.L("Type a name and a password"), widget.DangerImportance)
		return
	}
	if !d.passwordsAgree() {
		return
	}
	v.submit(d, func(by *auth.Session) error { return v.people.users.AddUser(by, name, role, areas, password) },
		lang.L("{{.User}} added", map[string]any{"User": name}), name)
}

// openRole opens the dialog that changes the selected user's role.
func (v *UsersView) openRole() {
	u := v.current()
	if u == nil {
		return
	}
	d := &userDialog{target: u.Name, role: newRoleSelect(u.Role)}
	v.show(d, lang.L("Change the role of {{.User}}", map[string]any{"User": u.Name}), lang.L("Change"), "",
		[]*widget.FormItem{widget.NewFormItem(lang.L("Role"), d.role)}, nil, func() {
			role := selectedRole(d.role)
			v.submit(d, func(by *auth.Session) error { return v.people.users.SetRole(by, d.target, role) },
				lang.L("{{.User}} is now {{.Role}}", map[string]any{"User": d.target, "Role": roleName(role)}), d.target)
		})
}

// openAreas opens the dialog that changes the selected user's areas.
func (v *UsersView) openAreas() {
	u := v.current()
	if u == nil {
		return
	}
	d := &userDialog{target: u.Name, areas: widget.NewEntry()}
	d.areas.SetText(strings.Join(u.Areas, ", "))
	d.areas.SetPlaceHolder(lang.L("Comma-separated; empty: everywhere"))
	v.show(d, lang.L("Change the areas of {{.User}}", map[string]any{"User": u.Name}), lang.L("Change"), "",
		[]*widget.FormItem{widget.NewFormItem(lang.L("Areas"), d.areas)}, d.areas, func() {
			areas := parseAreas(d.areas.Text)
			v.submit(d, func(by *auth.Session) error { return v.people.users.SetAreas(by, d.target, areas) },
				lang.L("{{.User}} works in: {{.Areas}}", map[string]any{"User": d.target, "Areas": areasShown(areas)}), d.target)
		})
}

// openPassword opens the dialog that resets the selected user's
// password (which also ends a lockout).
func (v *UsersView) openPassword() {
	u := v.current()
	if u == nil {
		return
	}
	d := &userDialog{target: u.Name, password: widget.NewPasswordEntry(), repeat: widget.NewPasswordEntry()}
	v.show(d, lang.L("Reset the password of {{.User}}", map[string]any{"User": u.Name}), lang.L("Set password"),
		lang.L("The new password also ends a lockout."),
		[]*widget.FormItem{
			widget.NewFormItem(lang.L("Password"), d.password),
			widget.NewFormItem(lang.L("Repeat password"), d.repeat),
		}, d.password, func() {
			password := d.password.Text
			if !d.passwordsAgree() {
				return
			}
			v.submit(d, func(by *auth.Session) error { return v.people.users.SetPassword(by, d.target, password) },
				lang.L("Password of {{.User}} set", map[string]any{"User": d.target}), d.target)
		})
}

// openRemove asks whether to remove the selected user, naming them.
func (v *UsersView) openRemove() {
	u := v.current()
	if u == nil {
		return
	}
	d := &userDialog{target: u.Name}
	v.show(d, lang.L("Remove user"), lang.L("Remove"),
		lang.L("Remove the user {{.User}}? They can no longer sign in, and their sessions lose every right.", map[string]any{"User": u.Name}),
		nil, nil, func() {
			v.submit(d, func(by *auth.Session) error { return v.people.users.RemoveUser(by, d.target) },
				lang.L("{{.User}} removed", map[string]any{"User": d.target}), "")
		})
	d.ok.Importance = widget.DangerImportance
	d.ok.Refresh()
}

// show opens d with a title, an OK button labelled okText, a message
// above the fields, and the fields; focus (may be nil) gets the focus
// and submit runs on OK and on Enter in the last entry.
func (v *UsersView) show(d *userDialog, title, okText, msg string, fields []*widget.FormItem, focus fyne.Focusable, submit func()) {
	v.people.touch()
	d.passwordStatus = newPasswordStatus(msg, widget.NewButtonWithIcon(okText, theme.ConfirmIcon(), func() {
		if !d.busy {
			submit()
		}
	}))
	d.cancel = widget.NewButtonWithIcon(lang.L("Cancel"), theme.CancelIcon(), func() { d.d.Hide() })
	for _, e := range []*widget.Entry{d.name, d.areas, d.password, d.repeat} {
		if e != nil {
			e.OnSubmitted = func(string) {
				if !d.busy {
					submit()
				}
			}
		}
	}
	objs := []fyne.CanvasObject{d.msg}
	if len(fields) > 0 {
		objs = append(objs, widget.NewForm(fields...))
	}
	objs = append(objs, d.progress, container.NewHBox(layout.NewSpacer(), d.cancel, d.ok))
	d.d = dialog.NewCustomWithoutButtons(title, container.NewVBox(objs...), v.win)
	d.d.SetOnClosed(func() {
		if v.dlg == d {
			v.dlg = nil
		}
	})
	d.d.Resize(fyne.NewSize(2*signInDialogEms*theme.Size(theme.SizeNameText), 0))
	v.dlg = d
	d.d.Show()
	if focus != nil {
		v.win.Canvas().Focus(focus)
	}
}

// passwordsAgree checks what can be checked of a new password before
// the manager is asked (it has the rules): one was typed, and repeated.
// It says what is wrong.
func (d *userDialog) passwordsAgree() bool {
	switch {
	case d.password.Text == "":
		d.say(lang.L("Type a password"), widget.DangerImportance)
		return false
	case d.password.Text != d.repeat.Text:
		d.repeat.SetText("")
		d.say(lang.L("The passwords differ"), widget.DangerImportance)
		return false
	}
	return true
}

// submit runs change as the current session off the Fyne goroutine: a
// refusal stays in the dialog, success closes it, says done in the
// status line and selects the user called selectName (when not "").
func (v *UsersView) submit(d *userDialog, change func(by *auth.Session) error, done, selectName string) {
	by := v.people.session()
	d.setBusy(true)
	v.people.run(func() error { return change(by) }, func(err error) {
		d.setBusy(false)
		if err != nil {
			d.say(usersErrText(err), widget.DangerImportance)
			return
		}
		d.d.Hide()
		if selectName != "" {
			v.selected = selectName
		}
		v.finished(nil, done)
	})
}
