package auth

import (
	"errors"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// The current session signs out after IdleTimeout without activity, the
// station falls back to the viewer session, OnCurrent hears of it, the
// sign-out is audited, and the old session can do nothing any more.
func TestIdleSignOut(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var mu sync.Mutex
		var seen []string
		r := newRig(t, Options{IdleTimeout: 5 * time.Minute, OnCurrent: func(s *Session) {
			mu.Lock()
			seen = append(seen, s.User)
			mu.Unlock()
		}})
		r.add("ann", Operator)
		if !r.m.Current().Anonymous() {
			t.Fatal("somebody current before any Switch")
		}
		s, err := r.m.Switch("ann", userPW, "hmi")
		if err != nil || r.m.Current() != s {
			t.Fatalf("Switch: %v", err)
		}
		time.Sleep(4 * time.Minute)
		s.Touch()
		time.Sleep(4 * time.Minute)
		if err := r.m.Authorize(s, Write, "Area1.Pump"); err != nil { // activity too
			t.Fatal(err)
		}
		time.Sleep(4 * time.Minute)
		synctest.Wait()
		if r.m.Current() != s || s.Expired() {
			t.Fatal("signed out while active")
		}
		time.Sleep(time.Minute)
		synctest.Wait()
		if cur := r.m.Current(); !cur.Anonymous() || !s.Expired() {
			t.Fatalf("after 5 idle minutes current is %q", cur.User)
		}
		if err := r.m.Authorize(s, Write, "Area1.Pump"); !errors.Is(err, ErrDenied) || !errors.Is(err, ErrSignedOut) {
			t.Errorf("idle session wrote: %v", err)
		}
		if !r.m.Current().Can(View, "Area1.Pump") || r.m.Current().Can(Write, "Area1.Pump") {
			t.Error("the fallback is not a viewer")
		}
		outs := r.audit.of(ActSignOut)
		if len(outs) != 1 || outs[0].User != "ann" || outs[0].Detail != "idle, from hmi" {
			t.Errorf("sign-out audit %+v", outs)
		}
		mu.Lock()
		defer mu.Unlock()
		if len(seen) != 2 || seen[0] != "ann" || seen[1] != "" {
			t.Errorf("OnCurrent saw %q", seen)
		}
	})
}

// A session the station does not hold (the CLI's, a gateway's) expires
// lazily: Authorize refuses it and audits the sign-out once.
func TestIdleOtherSession(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, Options{IdleTimeout: time.Minute})
		r.add("ann", Operator)
		s := r.signIn("ann")
		time.Sleep(time.Minute)
		for range 2 {
			if err := r.m.Authorize(s, Ack, "Area1"); !errors.Is(err, ErrSignedOut) {
				t.Errorf("expired session: %v", err)
			}
		}
		if outs := r.audit.of(ActSignOut); len(outs) != 1 || outs[0].User != "ann" || outs[0].Detail != "idle, from test" {
			t.Errorf("sign-outs %+v", outs)
		}
	})
}

// A quick switch ends the previous person's session; SignOut falls back to
// the viewer.
func TestSwitchAndSignOut(t *testing.T) {
	r := newRig(t, Options{})
	r.add("ann", Operator)
	r.add("bob", Maintenance)
	a, err := r.m.Switch("ann", userPW, "hmi")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.m.Switch("bob", badPW, "hmi"); err == nil || r.m.Current() != a {
		t.Fatalf("a failed switch changed the current session: %v", err)
	}
	b, err := r.m.Switch("bob", userPW, "hmi")
	if err != nil || r.m.Current() != b {
		t.Fatal(err)
	}
	if err := r.m.Authorize(a, Write, "Area1"); !errors.Is(err, ErrSignedOut) {
		t.Errorf("switched-out session: %v", err)
	}
	if err := r.m.Authorize(b, Shelve, "Area1"); err != nil {
		t.Error(err)
	}
	if err := r.m.SignOut(b); err != nil || !r.m.Current().Anonymous() || !b.Expired() {
		t.Errorf("sign out: %v", err)
	}
	r.m.SignOut(b) // twice: audited once
	outs := r.audit.of(ActSignOut)
	if len(outs) != 2 || outs[0].User != "ann" || outs[0].Detail != "user switch, from hmi" ||
		outs[1].User != "bob" || outs[1].Detail != "signed out, from hmi" {
		t.Errorf("sign-outs %+v", outs)
	}
}

// Authorize checks the user as stored now: a demotion, a narrowing, a
// disable or a removal counts at once, and a user re-added under the same
// name is not the old session's user.
func TestAuthorizeFollowsChanges(t *testing.T) {
	r := newRig(t, Options{})
	r.add("ann", Supervisor)
	s := r.signIn("ann")
	steps := []struct {
		do   func() error
		perm Permission
		tgt  string
		ok   bool
	}{
		{func() error { return nil }, AlarmLimits, "Area2.Tank", true},
		{func() error { return r.m.SetAreas(r.admin, "ann", []string{"Area1"}) }, AlarmLimits, "Area2.Tank", false},
		{func() error { return nil }, AlarmLimits, "Area1.Tank", true},
		{func() error { return r.m.SetRole(r.admin, "ann", Operator) }, AlarmLimits, "Area1.Tank", false},
		{func() error { return nil }, Write, "Area1.Tank", true},
		{func() error { return r.m.Disable(r.admin, "ann") }, View, "Area1.Tank", false},
		{func() error { return r.m.Enable(r.admin, "ann") }, Write, "Area1.Tank", true},
		{func() error { return r.m.RemoveUser(r.admin, "ann") }, View, "", false},
		{func() error { return r.m.AddUser(r.admin, "ann", Admin, nil, userPW) }, View, "", false},
	}
	for i, st := range steps {
		if err := st.do(); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if err := r.m.Authorize(s, st.perm, st.tgt); (err == nil) != st.ok {
			t.Errorf("step %d: %s %q: %v, want ok %v", i, st.perm, st.tgt, err, st.ok)
		}
	}
}

// Confirm (the electronic signature) checks the password again and wants
// a reason; its failures count toward the lockout, which signs the
// session out.
func TestConfirm(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, Options{MaxFailures: 3})
		r.add("ann", Engineer)
		s := r.signIn("ann")
		if _, err := r.m.Confirm(s, userPW, "  "); !errors.Is(err, ErrReasonRequired) {
			t.Errorf("no reason: %v", err)
		}
		if _, err := r.m.Confirm(nil, userPW, "why"); !errors.Is(err, ErrDenied) {
			t.Errorf("anonymous: %v", err)
		}
		t0 := time.Now()
		sig, err := r.m.Confirm(s, userPW, " raise the trip limit per MOC-17 ")
		if err != nil || sig.User != "ann" || sig.Role != Engineer || sig.Reason != "raise the trip limit per MOC-17" || !sig.Time.Equal(t0) {
			t.Fatalf("Confirm = %+v, %v", sig, err)
		}
		rec := AuditRecord{Action: ActWrite, Target: "Area1.Trip.Limit", Old: "90", New: "95"}
		sig.Stamp(&rec)
		if rec.User != "ann" || rec.Reason != sig.Reason || rec.Detail != "signed by password at 2000-01-01T00:00:00Z" {
			t.Errorf("stamped %+v", rec)
		}
		for i := range 2 {
			if _, err := r.m.Confirm(s, badPW, "why"); !errors.Is(err, ErrBadCredentials) {
				t.Fatalf("wrong password %d: %v", i, err)
			}
		}
		if time.Since(t0) != time.Second {
			t.Errorf("two wrong confirmations took %v, want the 1 s slow-down", time.Since(t0))
		}
		if _, err := r.m.Confirm(s, badPW, "why"); !errors.Is(err, ErrLocked) {
			t.Fatalf("third wrong password: %v", err)
		}
		if !s.Expired() {
			t.Error("a lockout at Confirm left the session signed in")
		}
		fails := r.audit.of(ActSignInFailed)
		if len(fails) != 3 || fails[0].Detail != "confirm, from test" {
			t.Errorf("failed confirmations audited as %+v", fails)
		}
		r.noSecrets(badPW)
	})
}

// People change their own password with the old one; an admin resets it.
func TestChangePassword(t *testing.T) {
	r := newRig(t, Options{})
	r.add("ann", Operator)
	s := r.signIn("ann")
	if err := r.m.ChangePassword(s, badPW, "a brand new one"); !errors.Is(err, ErrBadCredentials) {
		t.Errorf("wrong old password: %v", err)
	}
	if err := r.m.ChangePassword(s, userPW, "short"); !errors.Is(err, ErrWeakPassword) {
		t.Errorf("short new password: %v", err)
	}
	if err := r.m.ChangePassword(s, userPW, "a brand new one"); err != nil {
		t.Fatal(err)
	}
	if _, err := r.m.SignIn("ann", "a brand new one", "test"); err != nil {
		t.Error(err)
	}
	ch := r.audit.of(ActUserChange)
	if len(ch) != 1 || ch[0].User != "ann" || ch[0].New != "password set" {
		t.Errorf("audit %+v", ch)
	}
	r.noSecrets("a brand new one", badPW)
}
