package hmi

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/sightglass/sightglass/auth"
	"github.com/sightglass/sightglass/station"
)

// usersRow is the table's text of the user called name, cell by cell;
// nil when the table does not list them.
func usersRow(v *UsersView, name string) []string {
	i := v.index(name)
	if i < 0 {
		return nil
	}
	row := make([]string, usersColumns)
	for col := range row {
		row[col] = v.cell(&v.list[i], col)
	}
	return row
}

// usersTab opens the window over a station with the users of pplUsers,
// signs name in ("": nobody) and returns the station, the window and its
// Users tab.
func usersTab(t *testing.T, name string) (*station.Station, *MainWindow, *UsersView) {
	t.Helper()
	st, relay := pplStation(t, 0)
	pplUsers(t, st)
	m := pplWindow(t, st, relay)
	if m.users == nil || m.users.tab == nil {
		t.Fatal("no Users tab")
	}
	if name != "" {
		pplSignIn(t, m, name, pplPassword)
	}
	return st, m, m.users
}

// userNamed is the user called name as the manager has them; nil when
// there is none.
func userNamed(t *testing.T, st *station.Station, name string) *auth.User {
	t.Helper()
	us, err := st.Users().ListUsers()
	if err != nil {
		t.Fatal(err)
	}
	for i := range us {
		if us[i].Name == name {
			return &us[i]
		}
	}
	return nil
}

// TestUsersTabGated: the viewer and an operator see the line asking for
// an admin, an admin the users; signing out closes the table again.
func TestUsersTabGated(t *testing.T) {
	_, m, v := usersTab(t, "")
	if v.view.Visible() || !v.locked.Visible() {
		t.Error("the viewer sees the users")
	}
	pplSignIn(t, m, "olga", pplPassword)
	if v.view.Visible() || !v.locked.Visible() || len(v.list) != 0 {
		t.Error("an operator sees the users")
	}
	if v.locked.Text != "Sign in as an admin to manage users" {
		t.Errorf("the locked line says %q", v.locked.Text)
	}

	pplSignIn(t, m, "ada", pplPassword)
	if !v.view.Visible() || v.locked.Visible() {
		t.Fatal("an admin does not see the users")
	}
	if len(v.list) != 3 {
		t.Fatalf("%d users listed, want ada, olga, sue", len(v.list))
	}
	row := usersRow(v, "olga")
	if row[usersColRole] != "operator" || row[usersColAreas] != "everywhere" || row[usersColEnabled] != "yes" ||
		row[usersColLocked] != "" || !strings.HasSuffix(row[usersColChanged], " by ada") {
		t.Errorf("olga's row: %q", row)
	}
	if v.add.Disabled() || !v.role.Disabled() { // nothing selected yet: only Add acts
		t.Errorf("add disabled %v, change role disabled %v", v.add.Disabled(), v.role.Disabled())
	}
	if err := m.Open("users"); err != nil {
		t.Errorf("open users: %v", err)
	}
	if m.tabs.Selected() != v.tab {
		t.Error("--open users did not show the Users tab")
	}

	m.people.signOut()
	if v.view.Visible() || !v.locked.Visible() || len(v.list) != 0 {
		t.Error("the users stay shown after signing out")
	}
}

// TestUsersTabAdd: the admin adds a user through the dialog, which is
// audited; a short password, differing passwords and a taken name are
// refused in the dialog, which stays open.
func TestUsersTabAdd(t *testing.T) {
	st, _, v := usersTab(t, "ada")
	test.Tap(v.add)
	d := v.dlg
	if d == nil {
		t.Fatal("no add-user dialog")
	}
	d.name.SetText("mike")
	d.role.SetSelectedIndex(int(auth.Maintenance))
	d.areas.SetText("Plant.P1, Plant.V1 ,")
	d.password.SetText("tiny pw")
	d.repeat.SetText("tiny pw")
	test.Tap(d.ok)
	if !strings.Contains(d.msg.Text, "shorter than") || strings.Contains(d.msg.Text, "tiny pw") {
		t.Errorf("a short password: %q", d.msg.Text)
	}
	if v.dlg != d || userNamed(t, st, "mike") != nil {
		t.Fatal("a short password was taken")
	}
	d.password.SetText(pplPassword)
	d.repeat.SetText(pplPassword + "x")
	test.Tap(d.ok)
	if d.msg.Text != "The passwords differ" {
		t.Errorf("differing passwords: %q", d.msg.Text)
	}
	d.repeat.SetText(pplPassword)
	d.name.SetText("OLGA")
	test.Tap(d.ok)
	if d.msg.Text != "A user of that name exists" {
		t.Errorf("a taken name: %q", d.msg.Text)
	}
	d.name.SetText("mike")
	test.Tap(d.ok)
	if v.dlg != nil {
		t.Fatalf("the dialog stayed open: %q", d.msg.Text)
	}

	mike := userNamed(t, st, "mike")
	if mike == nil || mike.Role != auth.Maintenance || strings.Join(mike.Areas, " ") != "Plant.P1 Plant.V1" || !mike.Enabled {
		t.Fatalf("mike: %+v", mike)
	}
	r := lastAudit(t, st, auth.ActUserAdd)
	if r.Target != "mike" || r.User != "ada" {
		t.Errorf("adding audited as %+v", r)
	}
	if strings.Contains(r.Old+r.New+r.Detail, pplPassword) || strings.Contains(v.status.Text, pplPassword) {
		t.Error("the password shows")
	}
	if row := usersRow(v, "mike"); row == nil || row[usersColAreas] != "Plant.P1, Plant.V1" || row[usersColRole] != "maintenance" {
		t.Errorf("mike's row: %q", row)
	}
	if v.selected != "mike" || v.status.Text != "mike added" {
		t.Errorf("after adding: selected %q, status %q", v.selected, v.status.Text)
	}
	if _, err := st.Users().SignIn("mike", pplPassword, "test"); err != nil {
		t.Errorf("mike cannot sign in: %v", err)
	}
}

// TestUsersTabChanges: the admin changes a role and areas, resets a
// password, disables, enables and unlocks a user; the table follows each
// change, and the last admin stays one.
func TestUsersTabChanges(t *testing.T) {
	st, _, v := usersTab(t, "ada")
	if !v.role.Disabled() || !v.disable.Disabled() || !v.del.Disabled() {
		t.Error("actions on a user offered with nobody selected")
	}
	v.Select("olga")
	if v.selected != "olga" || v.role.Disabled() || v.disable.Disabled() || !v.enable.Disabled() || !v.unlock.Disabled() {
		t.Fatalf("olga selected: %q; role %v, disable %v, enable %v, unlock %v",
			v.selected, v.role.Disabled(), v.disable.Disabled(), v.enable.Disabled(), v.unlock.Disabled())
	}

	test.Tap(v.role)
	d := v.dlg
	if d == nil || d.role.Selected != "operator" {
		t.Fatalf("role dialog: %+v", d)
	}
	d.role.SetSelectedIndex(int(auth.Supervisor))
	test.Tap(d.ok)
	if v.dlg != nil || userNamed(t, st, "olga").Role != auth.Supervisor || usersRow(v, "olga")[usersColRole] != "supervisor" {
		t.Errorf("olga's role: %q", usersRow(v, "olga"))
	}
	if r := lastAudit(t, st, auth.ActUserChange); r.Target != "olga" || r.User != "ada" || r.New != "role supervisor" {
		t.Errorf("role change audited as %+v", r)
	}

	test.Tap(v.areas)
	d = v.dlg
	d.areas.SetText("Plant.Tank1")
	test.Tap(d.ok)
	if got := usersRow(v, "olga")[usersColAreas]; v.dlg != nil || got != "Plant.Tank1" {
		t.Errorf("olga's areas: %q", got)
	}

	test.Tap(v.password)
	d = v.dlg
	d.password.SetText("tiny pw")
	d.repeat.SetText("tiny pw")
	test.Tap(d.ok)
	if !strings.Contains(d.msg.Text, "shorter than") || v.dlg != d {
		t.Errorf("a short new password: %q", d.msg.Text)
	}
	d.password.SetText("another horse battery")
	d.repeat.SetText("another horse battery")
	test.Tap(d.ok)
	if v.dlg != nil {
		t.Fatalf("reset: %q", d.msg.Text)
	}
	if _, err := st.Users().SignIn("olga", "another horse battery", "test"); err != nil {
		t.Errorf("the new password: %v", err)
	}

	test.Tap(v.disable)
	if u := userNamed(t, st, "olga"); u.Enabled || usersRow(v, "olga")[usersColEnabled] != "no" {
		t.Error("olga still enabled")
	}
	if v.status.Text != "olga disabled" || !v.disable.Disabled() || v.enable.Disabled() {
		t.Errorf("after disabling: %q", v.status.Text)
	}
	test.Tap(v.enable)
	if u := userNamed(t, st, "olga"); !u.Enabled || usersRow(v, "olga")[usersColEnabled] != "yes" {
		t.Error("olga still disabled")
	}

	// One failed sign-in (no slow-down yet) is shown and can be cleared.
	if _, err := st.Users().SignIn("olga", "wrong", "test"); err == nil {
		t.Fatal("a wrong password signed in")
	}
	v.reload()
	if got := usersRow(v, "olga")[usersColLocked]; got != "1 failed" || v.unlock.Disabled() {
		t.Errorf("after a failure: %q, unlock disabled %v", got, v.unlock.Disabled())
	}
	test.Tap(v.unlock)
	if u := userNamed(t, st, "olga"); u.Failed != 0 || usersRow(v, "olga")[usersColLocked] != "" {
		t.Errorf("after unlocking: %+v", u)
	}

	// The last admin cannot disable herself: said in the status line.
	v.Select("ada")
	test.Tap(v.disable)
	if !userNamed(t, st, "ada").Enabled || !strings.Contains(v.status.Text, "last admin") {
		t.Errorf("disabling the last admin: %q", v.status.Text)
	}
}

// TestUsersTabRemove: removing asks first, naming the user; Cancel keeps
// them, Remove removes them (audited); the last admin is kept.
func TestUsersTabRemove(t *testing.T) {
	st, _, v := usersTab(t, "ada")
	v.Select("sue")
	test.Tap(v.del)
	d := v.dlg
	if d == nil || !strings.Contains(d.msg.Text, "sue") {
		t.Fatalf("no confirmation naming sue: %+v", d)
	}
	if userNamed(t, st, "sue") == nil {
		t.Fatal("removed before the confirmation")
	}
	test.Tap(d.cancel)
	if v.dlg != nil || userNamed(t, st, "sue") == nil {
		t.Fatal("Cancel removed sue")
	}

	test.Tap(v.del)
	test.Tap(v.dlg.ok)
	if v.dlg != nil || userNamed(t, st, "sue") != nil || usersRow(v, "sue") != nil {
		t.Fatal("sue not removed")
	}
	if r := lastAudit(t, st, auth.ActUserRemove); r.Target != "sue" || r.User != "ada" {
		t.Errorf("removal audited as %+v", r)
	}
	if v.selected != "" || !v.del.Disabled() {
		t.Errorf("after removing, %q selected", v.selected)
	}

	v.Select("ada")
	test.Tap(v.del)
	d = v.dlg
	test.Tap(d.ok)
	if v.dlg != d || !strings.Contains(d.msg.Text, "last admin") || userNamed(t, st, "ada") == nil {
		t.Errorf("removing the last admin: %q", d.msg.Text)
	}
}

// TestUsersLockText: a lockout says until when and after how many
// failures.
func TestUsersLockText(t *testing.T) {
	test.NewTempApp(t)
	now := time.Date(2026, 3, 1, 10, 0, 0, 0, time.Local)
	v := &UsersView{now: func() time.Time { return now }}
	u := auth.User{Failed: 5, LockedUntil: now.Add(15 * time.Minute)}
	if got := v.lockText(&u); got != "until 10:15:00 (5 failed)" {
		t.Errorf("locked: %q", got)
	}
	u.LockedUntil = now.Add(-time.Minute)
	if got := v.lockText(&u); got != "5 failed" {
		t.Errorf("lockout over: %q", got)
	}
	if got := parseAreas(" a, ,b ,"); strings.Join(got, "|") != "a|b" {
		t.Errorf("areas: %q", got)
	}
}
