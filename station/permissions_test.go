package station

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/sightglass/sightglass/auth"
)

// TestPermissionMatrix tries every operator action of the station API as
// each role, everywhere and narrowed to an area that holds the target or
// one that does not, on the demo plant: what the role and area allow must
// happen, everything else must be refused with ErrDenied and audited.
func TestPermissionMatrix(t *testing.T) {
	st, ctx := startDemo(t, 30*time.Second)
	defer st.Stop()
	const (
		valve = "Plant.V1.Position" // writable, area Plant.V1
		alarm = "Plant.Tank1.Level/hi"
	)
	lim, ok := st.Alarms().Get(alarm)
	if !ok {
		t.Fatalf("the demo has no %s", alarm)
	}
	actions := []struct {
		name string
		perm auth.Permission
		area string // the target's area
		do   func(a Actor) error
	}{
		{"write", auth.Write, "Plant.V1", func(a Actor) error { _, _, err := st.Write(ctx, a, valve, "35"); return err }},
		{"ack", auth.Ack, "Plant.Tank1", func(a Actor) error { return st.AckAlarms(a, []string{alarm}) }},
		{"reset", auth.Ack, "Plant.Tank1", func(a Actor) error { return st.ResetAlarms(a, []string{alarm}) }},
		{"shelve", auth.Shelve, "Plant.Tank1", func(a Actor) error {
			if err := st.ShelveAlarms(a, []string{alarm}, time.Minute); err != nil {
				return err
			}
			return st.UnshelveAlarms(a, []string{alarm})
		}},
		{"out-of-service", auth.OutOfService, "Plant.Tank1", func(a Actor) error {
			if err := st.SetAlarmsOutOfService(a, []string{alarm}, true); err != nil {
				return err
			}
			return st.SetAlarmsOutOfService(a, []string{alarm}, false)
		}},
		{"limit", auth.AlarmLimits, "Plant.Tank1", func(a Actor) error { return st.SetAlarmLimit(a, alarm, lim.Limit) }},
		// Reading the audit trail is a station-wide report: no area holds it.
		{"audit log", auth.Reports, "", func(a Actor) error { _, err := st.AuditLog(a, auth.AuditQuery{Limit: 1}); return err }},
	}
	areas := [][]string{nil, {"Plant.V1"}, {"Plant.Tank1"}}
	addUser(t, st, "admin", auth.Admin)
	var denied int
	for r := auth.Viewer; r < auth.NumRoles; r++ {
		for ai, area := range areas {
			if r == auth.Admin && area == nil {
				continue // the first admin, made by addUser
			}
			name := fmt.Sprintf("%s%d", r, ai)
			sess := addUser(t, st, name, r, area...)
			for _, act := range actions {
				want := r.Has(act.perm) && (area == nil || area[0] == act.area)
				err := act.do(Actor{Session: sess, Comment: "matrix", From: "test"})
				switch {
				case want && err != nil:
					t.Errorf("%s as %s in %v: %v, want allowed", act.name, r, area, err)
				case !want && !errors.Is(err, auth.ErrDenied):
					t.Errorf("%s as %s in %v: %v, want denied", act.name, r, area, err)
				case !want:
					denied++
				}
			}
		}
	}
	// Nobody signed in may only look.
	if _, _, err := st.Write(ctx, Actor{}, valve, "35"); !errors.Is(err, auth.ErrDenied) {
		t.Errorf("anonymous write: %v", err)
	}
	// Every refusal is in the audit trail, with who and what.
	recs, err := auth.List(st.State(), auth.AuditQuery{})
	if err != nil {
		t.Fatal(err)
	}
	var refused int
	for _, r := range recs {
		if r.Result != "" && r.Result != "ok" && r.User != "" {
			refused++
		}
	}
	if refused < denied {
		t.Errorf("%d refusals audited, %d refused", refused, denied)
	}
	t.Logf("%d actions refused, %d audit records", denied, len(recs))
}

// TestCriticalWriteNeedsASignature: a critical tag's write needs the
// user's password and a reason; a wrong password is refused, and the
// signed write is audited with the reason.
func TestCriticalWriteNeedsASignature(t *testing.T) {
	st, ctx := startDemo(t, 30*time.Second)
	defer st.Stop()
	op := addUser(t, st, "olga", auth.Operator)
	const valve = "Plant.V1.Position"
	// A critical screen element (Sign) makes any write critical.
	if _, _, err := st.Write(ctx, Actor{Session: op, Sign: true}, valve, "30"); !errors.Is(err, ErrSignatureRequired) {
		t.Errorf("unsigned critical write: %v", err)
	}
	if _, _, err := st.Write(ctx, Actor{Session: op, Sign: true, Password: "wrong password!", Comment: "flush"}, valve, "30"); !errors.Is(err, auth.ErrBadCredentials) {
		t.Errorf("critical write with a wrong password: %v", err)
	}
	if _, _, err := st.Write(ctx, Actor{Session: op, Sign: true, Password: testPassword, Comment: "flush line 2"}, valve, "30"); err != nil {
		t.Fatalf("signed write: %v", err)
	}
	recs, err := auth.List(st.State(), auth.AuditQuery{Actions: []auth.Action{auth.ActWrite}})
	if err != nil {
		t.Fatal(err)
	}
	last := recs[len(recs)-1]
	if last.User != "olga" || last.Reason != "flush line 2" || last.Result != "ok" || last.Target != valve || last.New != "30" {
		t.Errorf("signed write's audit record: %+v", last)
	}
}
