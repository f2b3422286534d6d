package auth

import (
	"errors"
	"fmt"
	"slices"
	"testing"
)

// wantPerms is issue 6's table, written out rather than derived: each
// role's permissions.
var wantPerms = [NumRoles][]Permission{
	Viewer:      {View},
	Operator:    {View, Write, Ack},
	Maintenance: {View, Write, Ack, Shelve, OutOfService, EquipmentNotes},
	Supervisor:  {View, Write, Ack, Shelve, OutOfService, EquipmentNotes, AlarmLimits, Reports},
	Engineer:    {View, Write, Ack, Shelve, OutOfService, EquipmentNotes, AlarmLimits, Reports, EditProject},
	Admin:       {View, Write, Ack, Shelve, OutOfService, EquipmentNotes, AlarmLimits, Reports, EditProject, ManageUsers},
}

// matrixTargets are the targets the matrix tries, and whether each lies
// in the area "Area1".
var matrixTargets = []struct {
	target string
	inArea bool
}{
	{"Area1", true},
	{"Area1.Tank.Level", true},
	{"Area1.Tank.Level/hi", true},
	{"Area10.Pump.Speed", false}, // a prefix of the name, not of the path
	{"Area2.Tank.Level", false},
	{"", false}, // station-wide: the project, users
}

// TestPermissionMatrix checks every role × permission × target, for a
// user of every area and one narrowed to Area1, through User.Can,
// Session.Can and Manager.Authorize on signed-in sessions.
func TestPermissionMatrix(t *testing.T) {
	r := newRig(t, Options{})
	type who struct {
		u User
		s *Session
	}
	var users []who
	for role := range Role(NumRoles) {
		for _, areas := range [][]string{nil, {"Area1"}} {
			name := fmt.Sprintf("%s-%d", role, len(areas))
			r.add(name, role, areas...)
			u, err := r.m.LookupUser(name)
			if err != nil {
				t.Fatal(err)
			}
			users = append(users, who{u, r.signIn(name)})
		}
	}
	checked := 0
	for _, w := range users {
		for p := range Permission(NumPermissions) {
			for _, tg := range matrixTargets {
				want := slices.Contains(wantPerms[w.u.Role], p) && (p == View || len(w.u.Areas) == 0 || tg.inArea)
				name := fmt.Sprintf("%s/%s/%q", w.u.Name, p, tg.target)
				if got := w.u.Can(p, tg.target); got != want {
					t.Errorf("%s: User.Can = %v, want %v", name, got, want)
				}
				if got := w.s.Can(p, tg.target); got != want {
					t.Errorf("%s: Session.Can = %v, want %v", name, got, want)
				}
				err := r.m.Authorize(w.s, p, tg.target)
				if (err == nil) != want {
					t.Errorf("%s: Authorize = %v, want allowed %v", name, err, want)
				}
				var de *DeniedError
				if err != nil && (!errors.Is(err, ErrDenied) || !errors.As(err, &de) || de.User != w.u.Name || de.Perm != p || de.Target != tg.target) {
					t.Errorf("%s: Authorize error %#v does not say who and what", name, err)
				}
				checked++
			}
		}
	}
	if want := NumRoles * 2 * NumPermissions * len(matrixTargets); checked != want {
		t.Errorf("checked %d combinations, want %d", checked, want)
	}
}

// Nobody signed in (a nil or anonymous session) may only View.
func TestAnonymousMayOnlyView(t *testing.T) {
	r := newRig(t, Options{})
	for _, s := range []*Session{nil, r.m.Current()} {
		for p := range Permission(NumPermissions) {
			err := r.m.Authorize(s, p, "Area1.Tank")
			if (err == nil) != (p == View) || err != nil && !errors.Is(err, ErrDenied) {
				t.Errorf("anonymous %s: %v", p, err)
			}
			if s.Can(p, "Area1.Tank") != (p == View) {
				t.Errorf("anonymous Can(%s) wrong", p)
			}
		}
	}
}

func TestAreaMatch(t *testing.T) {
	for _, c := range []struct {
		prefix, target string
		want           bool
	}{
		{"Area1", "Area1", true},
		{"Area1", "Area1.Tank.Level", true},
		{"Area1", "Area1.Tank.Level/hi", true},
		{"Area1", "Area1/state", true},
		{"Area1.Tank", "Area1.Tank.Level", true},
		{"Area1", "Area10", false},
		{"Area1", "Area10.Tank", false},
		{"Area1.Tank", "Area1.Tank2.Level", false},
		{"Area1.Tank", "Area1", false},
		{"Area1", "", false},
		{"", "Area1", false},
		{"area1", "Area1.Tank", false}, // case matters, as in tag paths
	} {
		if got := AreaMatch(c.prefix, c.target); got != c.want {
			t.Errorf("AreaMatch(%q, %q) = %v", c.prefix, c.target, got)
		}
	}
}

func TestNames(t *testing.T) {
	for r := range Role(NumRoles) {
		b, _ := r.MarshalText()
		var back Role
		if err := back.UnmarshalText(b); err != nil || back != r {
			t.Errorf("role %v round trip: %v %v", r, back, err)
		}
	}
	if _, ok := ParseRole("root"); ok {
		t.Error("ParseRole(root) ok")
	}
	if _, err := Role(NumRoles).MarshalText(); err == nil {
		t.Error("out-of-range role marshalled")
	}
	for p := range Permission(NumPermissions) {
		if back, ok := ParsePermission(p.String()); !ok || back != p {
			t.Errorf("permission %v round trip", p)
		}
	}
}
