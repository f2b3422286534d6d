package hmi

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// userBar shows who is signed in, with Sign in, Switch user and Sign out:
// in the window's header and in every screen's frame. Its fields belong
// to the Fyne goroutine.
type userBar struct {
	p       *people // nil: the station keeps no users
	name    *widget.Label
	signIn  *widget.Button
	switchU *widget.Button
	signOut *widget.Button
	box     *fyne.Container
	status  func(text string, imp widget.Importance) // the owner's status line
}

// newBar makes a user bar over p (nil: the station keeps no users, and the
// bar only says that nobody is signed in). status is the status line of
// the view the bar is in.
func (p *people) newBar(status func(string, widget.Importance)) *userBar {
	b := &userBar{p: p, status: status}
	b.name = widget.NewLabel("")
	b.signIn = widget.NewButtonWithIcon(lang.L("Sign in"), theme.LoginIcon(), func() { p.openSignIn(false) })
	b.switchU = widget.NewButtonWithIcon(lang.L("Switch user"), theme.AccountIcon(), func() { p.openSignIn(true) })
	b.signOut = widget.NewButtonWithIcon(lang.L("Sign out"), theme.LogoutIcon(), p.signOut)
	for _, btn := range []*widget.Button{b.signIn, b.switchU, b.signOut} {
		btn.Importance = widget.LowImportance
	}
	b.box = container.NewHBox(b.name, b.signIn, b.switchU, b.signOut)
	if p.active() {
		p.bars = append(p.bars, b)
	}
	b.show()
	return b
}

// show brings the bar up to date with the session shown.
func (b *userBar) show() {
	if !b.p.active() {
		b.name.SetText(lang.L("Viewer — not signed in"))
		b.signIn.Hide()
		b.switchU.Hide()
		b.signOut.Hide()
		return
	}
	s := b.p.cur
	text := lang.L("Viewer — not signed in")
	if !s.Anonymous() {
		text = lang.L("{{.User}} ({{.Role}})", map[string]any{"User": s.User, "Role": roleName(s.Role)})
	}
	if b.name.Text != text {
		b.name.SetText(text)
	}
	signedIn := !s.Anonymous()
	setShown(b.signIn, !signedIn)
	setShown(b.switchU, signedIn)
	setShown(b.signOut, signedIn)
	if b.p.noAdmin {
		b.signIn.Disable()
	} else {
		b.signIn.Enable()
	}
}

// setShown shows or hides o.
func setShown(o fyne.CanvasObject, on bool) {
	if on && !o.Visible() {
		o.Show()
	} else if !on && o.Visible() {
		o.Hide()
	}
}

// adminNotice is the line under the header while the station has no
// users: nobody can act until the first admin exists.
type adminNotice struct {
	p      *people
	create *widget.Button
	box    *fyne.Container
}

// newNotice makes the no-admin line (hidden once the station has users).
func (p *people) newNotice() fyne.CanvasObject {
	if !p.active() {
		none := container.NewVBox()
		none.Hide() // no room taken
		return none
	}
	n := &adminNotice{p: p}
	msg := &widget.Label{Text: lang.L("No users yet: nobody can write or act on alarms until an admin exists"), Importance: widget.WarningImportance, Wrapping: fyne.TextWrapWord}
	n.create = widget.NewButtonWithIcon(lang.L("Create the first admin…"), theme.AccountIcon(), p.openFirstAdmin)
	n.box = container.NewBorder(nil, nil, nil, n.create, msg)
	p.notices = append(p.notices, n)
	n.show()
	return n.box
}

func (n *adminNotice) show() { setShown(n.box, n.p.noAdmin) }
