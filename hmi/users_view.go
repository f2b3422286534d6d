package hmi

import (
	"errors"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sightglass/sightglass/auth"
)

// UsersView is the window's "Users" tab: the station's user accounts in a
// table, and the actions an admin takes on them while the station runs
// (add, change role or areas, reset a password, disable, enable, unlock,
// remove). The manager checks ManageUsers on every call and audits it;
// the view only shows the accounts to a session that has it, and a line
// asking an admin to sign in to any other. Everything but the manager's
// calls runs on the Fyne goroutine.
type UsersView struct {
	people *people
	win    fyne.Window
	tab    *container.TabItem

	table                        *widget.Table
	add, role, areas, password   *widget.Button
	disable, enable, unlock, del *widget.Button
	status                       *widget.Label
	locked                       *widget.Label
	view                         *fyne.Container
	content                      *fyne.Container

	list     []auth.User // in name order
	selected string      // name of the selected user; "" none
	allowed  bool        // the session may manage users
	dlg      *userDialog // the open dialog, for tests
	now      func() time.Time
}

// usersColumns are the table's columns.
const (
	usersColName = iota
	usersColRole
	usersColAreas
	usersColEnabled
	usersColLocked
	usersColChanged
	usersColumns
)

// usersColumnEms are the columns' widths in ems.
var usersColumnEms = [usersColumns]float32{10, 8, 14, 6, 12, 16}

// addUsers adds the "Users" tab; the table is read again whenever the
// tab is selected.
func (m *MainWindow) addUsers() {
	m.users = newUsersView(m.people, m.win)
	m.ensureTabs()
	m.users.tab = container.NewTabItem(lang.L("Users"), m.users.content)
	m.tabs.Append(m.users.tab)
	prev := m.tabs.OnSelected
	m.tabs.OnSelected = func(ti *container.TabItem) {
		if prev != nil {
			prev(ti)
		}
		if ti == m.users.tab {
			m.users.reload()
		}
	}
}

func newUsersView(p *people, win fyne.Window) *UsersView {
	v := &UsersView{people: p, win: win, now: time.Now}
	v.add = widget.NewButtonWithIcon(lang.L("Add user…"), theme.ContentAddIcon(), v.openAdd)
	v.add.Importance = widget.HighImportance
	v.role = widget.NewButton(lang.L("Change role…"), v.openRole)
	v.areas = widget.NewButton(lang.L("Change areas…"), v.openAreas)
	v.password = widget.NewButton(lang.L("Reset password…"), v.openPassword)
	v.disable = widget.NewButton(lang.L("Disable"), func() {
		v.act(v.people.users.Disable, func(name string) string { return lang.L("{{.User}} disabled", map[string]any{"User": name}) })
	})
	v.enable = widget.NewButton(lang.L("Enable"), func() {
		v.act(v.people.users.Enable, func(name string) string { return lang.L("{{.User}} enabled", map[string]any{"User": name}) })
	})
	v.unlock = widget.NewButton(lang.L("Unlock"), func() {
		v.act(v.people.users.Unlock, func(name string) string { return lang.L("{{.User}} unlocked", map[string]any{"User": name}) })
	})
	v.del = widget.NewButtonWithIcon(lang.L("Remove…"), theme.DeleteIcon(), v.openRemove)
	v.status = &widget.Label{Truncation: fyne.TextTruncateEllipsis}

	v.table = newTextTable(func() int { return len(v.list) },
		func(row, col int) string { return v.cell(&v.list[row], col) }, usersHeader,
		usersColumnEms[:]...)
	v.table.OnSelected = func(id widget.TableCellID) {
		if id.Row >= 0 && id.Row < len(v.list) {
			v.selected = v.list[id.Row].Name
		}
		v.gateButtons()
	}

	bar := container.NewHBox(v.add, v.role, v.areas, v.password, v.disable, v.enable, v.unlock, v.del)
	v.view = container.NewBorder(bar, v.status, nil, nil, v.table)
	v.locked, v.content = lockedView(v.view, lang.L("Sign in as an admin to manage users"))
	p.whenChanged(v.gate)
	v.gate()
	return v
}

// usersHeader is a column's title.
func usersHeader(col int) string {
	switch col {
	case usersColName:
		return lang.L("Name")
	case usersColRole:
		return lang.L("Role")
	case usersColAreas:
		return lang.L("Areas")
	case usersColEnabled:
		return lang.L("Enabled")
	case usersColLocked:
		return lang.L("Locked")
	case usersColChanged:
		return lang.L("Last changed")
	}
	return ""
}

// cell is one cell's text.
func (v *UsersView) cell(u *auth.User, col int) string {
	switch col {
	case usersColName:
		return u.Name
	case usersColRole:
		return roleName(u.Role)
	case usersColAreas:
		return areasShown(u.Areas)
	case usersColEnabled:
		if u.Enabled {
			return lang.L("yes")
		}
		return lang.L("no")
	case usersColLocked:
		return v.lockText(u)
	case usersColChanged:
		at := u.Changed.Local().Format("2006-01-02 15:04")
		if u.ChangedBy == "" {
			return at
		}
		return lang.L("{{.Time}} by {{.User}}", map[string]any{"Time": at, "User": u.ChangedBy})
	}
	return ""
}

// lockText says until when u is locked out, or how many sign-ins failed
// in a row; "" when neither.
func (v *UsersView) lockText(u *auth.User) string {
	if u.LockedUntil.After(v.now()) {
		return lang.L("until {{.Time}} ({{.N}} failed)", map[string]any{"Time": u.LockedUntil.Local().Format(time.TimeOnly), "N": u.Failed})
	}
	if u.Failed > 0 {
		return lang.L("{{.N}} failed", map[string]any{"N": u.Failed})
	}
	return ""
}

// areasShown is a user's areas as the table shows them.
func areasShown(areas []string) string {
	if len(areas) == 0 {
		return lang.L("everywhere")
	}
	return strings.Join(areas, ", ")
}

// parseAreas is the areas typed in an entry: comma-separated, blanks
// dropped; none means everywhere.
func parseAreas(s string) []string {
	var areas []string
	for a := range strings.SplitSeq(s, ",") {
		if a = strings.TrimSpace(a); a != "" {
			areas = append(areas, a)
		}
	}
	return areas
}

// gate shows the users to a session with ManageUsers, else the line
// asking for an admin; the users are read when the table opens.
func (v *UsersView) gate() {
	allowed := v.people.can(auth.ManageUsers, "")
	if allowed == v.allowed && v.view.Visible() == allowed {
		return
	}
	v.allowed = allowed
	setShown(v.view, allowed)
	setShown(v.locked, !allowed)
	if allowed {
		v.reload()
		return
	}
	if v.dlg != nil {
		v.dlg.d.Hide()
	}
	v.list, v.selected = nil, ""
	v.table.UnselectAll()
	v.table.Refresh()
	v.setStatus("", widget.MediumImportance)
	v.gateButtons()
}

// reload reads the users again, off the Fyne goroutine, keeping the
// selection by name.
func (v *UsersView) reload() {
	if !v.allowed {
		return
	}
	var list []auth.User
	v.people.run(func() error {
		var err error
		list, err = v.people.users.ListUsers()
		return err
	}, func(err error) {
		if err != nil {
			v.setStatus(err.Error(), widget.DangerImportance)
			return
		}
		if !v.allowed { // signed out meanwhile
			return
		}
		v.list = list
		v.table.Refresh()
		if i := v.index(v.selected); i >= 0 {
			v.table.Select(widget.TableCellID{Row: i, Col: usersColName})
		} else {
			v.selected = ""
			v.table.UnselectAll()
		}
		v.gateButtons()
	})
}

// index is the row of the user called name; -1 when there is none.
func (v *UsersView) index(name string) int {
	if name == "" {
		return -1
	}
	for i := range v.list {
		if strings.EqualFold(v.list[i].Name, name) {
			return i
		}
	}
	return -1
}

// current is the selected user; nil when none is.
func (v *UsersView) current() *auth.User {
	if i := v.index(v.selected); i >= 0 {
		return &v.list[i]
	}
	return nil
}

// Select selects the user called name in the table.
func (v *UsersView) Select(name string) {
	if i := v.index(name); i >= 0 {
		v.table.Select(widget.TableCellID{Row: i, Col: usersColName})
	}
}

// gateButtons enables the actions that make sense for the selection.
func (v *UsersView) gateButtons() {
	u := v.current()
	on := func(b *widget.Button, yes bool) {
		if yes {
			b.Enable()
		} else {
			b.Disable()
		}
	}
	on(v.add, v.allowed)
	for _, b := range []*widget.Button{v.role, v.areas, v.password, v.del} {
		on(b, v.allowed && u != nil)
	}
	on(v.disable, v.allowed && u != nil && u.Enabled)
	on(v.enable, v.allowed && u != nil && !u.Enabled)
	on(v.unlock, v.allowed && u != nil && (u.Failed > 0 || u.LockedUntil.After(v.now())))
}

// act applies change (Disable, Enable, Unlock) to the selected user off
// the Fyne goroutine and says what was done, or why not, in the status
// line.
func (v *UsersView) act(change func(by *auth.Session, name string) error, done func(name string) string) {
	u := v.current()
	if u == nil || !v.allowed {
		return
	}
	name, by := u.Name, v.people.session()
	v.people.run(func() error { return change(by, name) }, func(err error) {
		v.finished(err, done(name))
	})
}

// finished shows the result of an action in the status line, and reads
// the session (an admin may have changed themself) and the users again.
func (v *UsersView) finished(err error, done string) {
	if err != nil {
		v.setStatus(usersErrText(err), widget.DangerImportance)
	} else {
		v.setStatus(done, widget.SuccessImportance)
	}
	v.people.refresh()
	v.reload()
}

// usersErrText is an error of user management in plain, translated
// words where the window knows them; the manager's own words otherwise
// (a weak password says which rule it breaks). No error carries a
// password.
func usersErrText(err error) string {
	switch {
	case errors.Is(err, auth.ErrUserExists):
		return lang.L("A user of that name exists")
	case errors.Is(err, auth.ErrUnknownUser):
		return lang.L("No such user")
	case errors.Is(err, auth.ErrLastAdmin):
		return lang.L("The last admin of every area cannot be removed, demoted, narrowed or disabled")
	case errors.Is(err, auth.ErrBadName):
		return lang.L("A user name is 1-64 letters, digits, '.', '_' or '-'")
	case errors.Is(err, auth.ErrBadArea):
		return lang.L("An area is a path prefix without spaces")
	}
	return authText(err)
}

func (v *UsersView) setStatus(text string, imp widget.Importance) {
	v.status.Text, v.status.Importance = text, imp
	v.status.Refresh()
}
