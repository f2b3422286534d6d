package auth

import (
	"errors"
	"testing"
	"time"
)

// SessionFor: a session without a password for an enabled user, audited
// as a sign-in by certificate; unknown and disabled users get none; the
// session never idles out, and Authorize follows the stored user.
func TestSessionFor(t *testing.T) {
	r := newRig(t, Options{IdleTimeout: time.Hour})
	r.add("gw-op", Operator, "Plant")
	s, err := r.m.SessionFor("gw-op", "modbus-tls 127.0.0.1:5000")
	if err != nil {
		t.Fatal(err)
	}
	if s.User != "gw-op" || s.Role != Operator || len(s.Areas) != 1 || s.From != "modbus-tls 127.0.0.1:5000" {
		t.Errorf("session %+v", s)
	}
	ins := r.audit.of(ActSignIn)
	last := ins[len(ins)-1]
	if last.User != "gw-op" || last.New != "operator" || last.Detail != "certificate, from modbus-tls 127.0.0.1:5000" {
		t.Errorf("sign-in audit %+v", last)
	}
	if s.idle != 0 || s.Expired() {
		t.Error("a certificate session idled out")
	}
	if err := r.m.Authorize(s, Write, "Plant.Tank1.Level"); err != nil {
		t.Errorf("operator write in its area: %v", err)
	}
	if err := r.m.Authorize(s, Write, "Other.Valve"); !errors.Is(err, ErrDenied) {
		t.Errorf("write outside the areas: %v", err)
	}
	if r.m.Current() != r.m.anon {
		t.Error("SessionFor changed the current session")
	}

	if err := r.m.Disable(r.admin, "gw-op"); err != nil {
		t.Fatal(err)
	}
	if err := r.m.Authorize(s, Write, "Plant.Tank1.Level"); !errors.Is(err, ErrDenied) {
		t.Errorf("a disabled user's session wrote: %v", err)
	}
	if _, err := r.m.SessionFor("gw-op", "x"); !errors.Is(err, ErrDisabled) {
		t.Errorf("disabled user: %v", err)
	}
	if f := r.audit.of(ActSignInFailed); len(f) == 0 || f[len(f)-1].Result != "disabled" {
		t.Errorf("refusal not audited: %+v", f)
	}
	if _, err := r.m.SessionFor("nobody", "x"); !errors.Is(err, ErrUnknownUser) {
		t.Errorf("unknown user: %v", err)
	}
	if _, err := r.m.SessionFor("", "x"); err == nil {
		t.Error("empty name gave a session")
	}
}
