package auth

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sightglass/sightglass/state"
)

// The first admin is added without a session only on an empty station,
// and only as an admin of every area.
func TestFirstAdmin(t *testing.T) {
	st, err := state.OpenLocal(filepath.Join(t.TempDir(), "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	audit := &collector{}
	m, err := NewManager(st, audit, Options{Params: testParams})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if has, err := m.HasUsers(); has || err != nil {
		t.Fatalf("HasUsers on an empty store = %v, %v", has, err)
	}
	// No default user: nobody can sign in.
	if _, err := m.SignIn("admin", "admin", "test"); !errors.Is(err, ErrBadCredentials) {
		t.Errorf("sign-in on an empty station: %v", err)
	}
	if err := m.AddUser(nil, "ann", Operator, nil, adminPW); !errors.Is(err, ErrNotFirst) {
		t.Errorf("first user an operator: %v", err)
	}
	if err := m.AddUser(nil, "ann", Admin, []string{"Area1"}, adminPW); !errors.Is(err, ErrNotFirst) {
		t.Errorf("first admin narrowed: %v", err)
	}
	if err := m.AddUser(nil, "ann", Admin, nil, "short"); !errors.Is(err, ErrWeakPassword) {
		t.Errorf("first admin with a short password: %v", err)
	}
	if err := m.AddUser(nil, "ann", Admin, nil, adminPW); err != nil {
		t.Fatal(err)
	}
	if has, _ := m.HasUsers(); !has {
		t.Error("HasUsers false after the first admin")
	}
	if err := m.AddUser(nil, "bob", Admin, nil, adminPW); !errors.Is(err, ErrNotFirst) {
		t.Errorf("a second user without a session: %v", err)
	}
	adds := audit.of(ActUserAdd)
	if len(adds) != 1 || adds[0].User != "" || adds[0].Target != "ann" || adds[0].New != "role admin, areas all" {
		t.Errorf("audit of the first admin: %+v", adds)
	}
}

func TestAddUserChecks(t *testing.T) {
	r := newRig(t, Options{})
	for _, c := range []struct {
		name  string
		role  Role
		areas []string
		pw    string
		want  error
	}{
		{"", Operator, nil, userPW, ErrBadName},
		{strings.Repeat("a", 65), Operator, nil, userPW, ErrBadName},
		{"ann smith", Operator, nil, userPW, ErrBadName},
		{"ann/x", Operator, nil, userPW, ErrBadName},
		{"аnn", Operator, nil, userPW, ErrBadName}, // Cyrillic а
		{"ROOT", Operator, nil, userPW, ErrUserExists},
		{"ann", Operator, []string{""}, userPW, ErrBadArea},
		{"ann", Operator, []string{"Area 1"}, userPW, ErrBadArea},
		{"ann", Operator, nil, "ann", ErrWeakPassword},
		{"ann", Operator, nil, "123456789", ErrWeakPassword},
	} {
		if err := r.m.AddUser(r.admin, c.name, c.role, c.areas, c.pw); !errors.Is(err, c.want) {
			t.Errorf("AddUser(%q, %v, %q) = %v, want %v", c.name, c.role, c.areas, err, c.want)
		}
	}
	if err := r.m.AddUser(r.admin, strings.Repeat("a", 64), Operator, []string{"Area1", "Area1"}, userPW); err != nil {
		t.Errorf("a 64-character name: %v", err)
	}
	if u, _ := r.m.LookupUser(strings.Repeat("A", 64)); len(u.Areas) != 1 {
		t.Errorf("areas %q, want the duplicate dropped", u.Areas)
	}
}

// Only a signed-in admin of every area manages users.
func TestManageUsersNeedsAdmin(t *testing.T) {
	r := newRig(t, Options{})
	r.add("eng", Engineer)
	r.add("areaadmin", Admin, "Area1")
	r.add("ann", Operator)
	for _, by := range []*Session{nil, r.signIn("eng"), r.signIn("areaadmin")} {
		for name, err := range map[string]error{
			"add":      r.m.AddUser(by, "bob", Operator, nil, userPW),
			"role":     r.m.SetRole(by, "ann", Admin),
			"areas":    r.m.SetAreas(by, "ann", nil),
			"password": r.m.SetPassword(by, "ann", "a new password"),
			"disable":  r.m.Disable(by, "ann"),
			"enable":   r.m.Enable(by, "ann"),
			"unlock":   r.m.Unlock(by, "ann"),
			"remove":   r.m.RemoveUser(by, "ann"),
		} {
			if name == "add" && by == nil {
				continue // ErrNotFirst, tested above
			}
			if !errors.Is(err, ErrDenied) {
				t.Errorf("%s by %v: %v, want denied", name, by, err)
			}
		}
	}
	if n := len(r.audit.of(ActUserChange)) + len(r.audit.of(ActUserRemove)); n != 0 {
		t.Errorf("%d changes audited, want none", n)
	}
}

// The last enabled admin of every area cannot be removed, demoted,
// narrowed or disabled; with a second one, it can.
func TestLastAdmin(t *testing.T) {
	r := newRig(t, Options{})
	r.add("areaadmin", Admin, "Area1") // not a full admin
	r.add("ann", Operator)
	for name, err := range map[string]error{
		"remove":  r.m.RemoveUser(r.admin, "root"),
		"demote":  r.m.SetRole(r.admin, "root", Engineer),
		"narrow":  r.m.SetAreas(r.admin, "root", []string{"Area1"}),
		"disable": r.m.Disable(r.admin, "root"),
	} {
		if !errors.Is(err, ErrLastAdmin) {
			t.Errorf("%s the last admin: %v", name, err)
		}
	}
	if u, _ := r.m.LookupUser("root"); u.Role != Admin || len(u.Areas) != 0 || !u.Enabled {
		t.Errorf("root changed: %+v", u)
	}
	// Not the last: the other one becomes a full admin, then root goes.
	if err := r.m.SetAreas(r.admin, "areaadmin", nil); err != nil {
		t.Fatal(err)
	}
	if err := r.m.SetRole(r.admin, "root", Engineer); err != nil {
		t.Fatalf("demote root beside another admin: %v", err)
	}
	// root, now an engineer, has lost ManageUsers at once.
	if err := r.m.SetRole(r.admin, "ann", Admin); !errors.Is(err, ErrDenied) {
		t.Errorf("demoted root changed a role: %v", err)
	}
	other := r.signIn("areaadmin")
	if err := r.m.RemoveUser(other, "root"); err != nil {
		t.Fatal(err)
	}
	if err := r.m.RemoveUser(other, "areaadmin"); !errors.Is(err, ErrLastAdmin) {
		t.Errorf("remove the new last admin: %v", err)
	}
}

// Users, their roles, areas, hashes and lockouts survive reopening the
// state file.
func TestPersistAcrossReopen(t *testing.T) {
	r := newRig(t, Options{})
	r.add("ann", Supervisor, "Area1", "Area2.Tank")
	r.add("bob", Operator)
	if err := r.m.Disable(r.admin, "bob"); err != nil {
		t.Fatal(err)
	}
	before, _ := r.m.ListUsers()
	r.close()

	r.open(Options{})
	after, err := r.m.ListUsers()
	if err != nil {
		t.Fatal(err)
	}
	if len(after) != 3 || len(before) != 3 {
		t.Fatalf("users %+v, want 3", after)
	}
	for i := range after {
		b, a := before[i], after[i]
		if a.Name != b.Name || a.Role != b.Role || strings.Join(a.Areas, ",") != strings.Join(b.Areas, ",") ||
			a.Enabled != b.Enabled || !a.Created.Equal(b.Created) || !a.Changed.Equal(b.Changed) || a.ChangedBy != b.ChangedBy {
			t.Errorf("user %d: %+v, was %+v", i, a, b)
		}
	}
	s := r.signIn("ann")
	if s.Role != Supervisor || r.m.Authorize(s, AlarmLimits, "Area2.Tank.Level") != nil {
		t.Errorf("ann after reopen: %+v", s)
	}
	if _, err := r.m.SignIn("bob", userPW, "test"); !errors.Is(err, ErrDisabled) {
		t.Errorf("disabled bob after reopen: %v", err)
	}
	// The hash is stored, never the password.
	b, _ := r.st.Get(UsersBucket, "ann")
	if strings.Contains(string(b), userPW) || !strings.Contains(string(b), `"hash":"$argon2id$v=19$`) {
		t.Errorf("stored record %s", b)
	}
}

// A corrupt record is reported when the manager opens, not at a sign-in.
func TestCorruptRecord(t *testing.T) {
	r := newRig(t, Options{})
	r.st.Apply(state.Batch{Puts: []state.KV{{Bucket: UsersBucket, Key: "x", Value: []byte(`{"name":"x","role":"god"}`)}}})
	if _, err := NewManager(r.st, r.audit, Options{Params: testParams}); err == nil {
		t.Error("NewManager accepted a corrupt user record")
	}
	if _, err := NewManager(r.st, nil, Options{}); err == nil {
		t.Error("NewManager without an auditor")
	}
}

// Every change is audited with who made it and what, never a password.
func TestUserChangesAudited(t *testing.T) {
	r := newRig(t, Options{})
	r.add("ann", Operator)
	steps := []struct {
		do   func() error
		act  Action
		old  string
		new_ string
	}{
		{func() error { return r.m.SetRole(r.admin, "ann", Maintenance) }, ActUserChange, "role operator, areas all", "role maintenance"},
		{func() error { return r.m.SetAreas(r.admin, "ann", []string{"Area1"}) }, ActUserChange, "role maintenance, areas all", "areas Area1"},
		{func() error { return r.m.SetPassword(r.admin, "ann", "another password") }, ActUserChange, "role maintenance, areas Area1", "password set"},
		{func() error { return r.m.Disable(r.admin, "ann") }, ActUserChange, "role maintenance, areas Area1", "disabled"},
		{func() error { return r.m.Enable(r.admin, "ann") }, ActUserChange, "role maintenance, areas Area1, disabled", "enabled"},
		{func() error { return r.m.Unlock(r.admin, "ann") }, ActUserChange, "role maintenance, areas Area1", "unlocked"},
		{func() error { return r.m.RemoveUser(r.admin, "ann") }, ActUserRemove, "role maintenance, areas Area1", ""},
	}
	for i, s := range steps {
		n := len(r.audit.all())
		if err := s.do(); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		recs := r.audit.all()[n:]
		if len(recs) != 1 || recs[0].Action != s.act || recs[0].User != "root" || recs[0].Target != "ann" ||
			recs[0].Old != s.old || recs[0].New != s.new_ || recs[0].Result != "ok" || recs[0].Time.IsZero() {
			t.Errorf("step %d audited %+v", i, recs)
		}
	}
	if u, err := r.m.LookupUser("ann"); !errors.Is(err, ErrUnknownUser) {
		t.Errorf("removed ann: %+v %v", u, err)
	}
	r.noSecrets("another password")
}
