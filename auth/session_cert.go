package auth

import (
	"fmt"
	"time"
)

// SessionFor returns a new session for the user called name, whose
// identity something other than a password has proven: a gateway client's
// certificate, checked by the TLS handshake against the CA the project
// trusts. from says where ("modbus-tls 10.0.0.7:50122") and goes into the
// audit record, which is an ActSignIn with the Detail "certificate".
//
// The user must exist and be enabled (ErrUnknownUser, ErrDisabled); a
// password lockout does not apply, as no password is tried. The session
// never idles out: it belongs to a machine, not a person at a screen.
// Authorize still checks the user as stored now on every action, so a
// disabled, demoted or removed user loses the right at once.
func (m *Manager) SessionFor(name, from string) (*Session, error) {
	if err := checkName(name); err != nil {
		return nil, err
	}
	r, err := m.load(name)
	switch {
	case err != nil:
		return nil, err
	case r == nil:
		return nil, fmt.Errorf("%w %q", ErrUnknownUser, name)
	case !r.Enabled:
		m.record(AuditRecord{User: r.Name, Action: ActSignInFailed, Target: r.Name, Result: "disabled", Detail: detail("certificate", from)})
		return nil, ErrDisabled
	}
	now := time.Now()
	s := &Session{
		User: r.Name, Role: r.Role, Areas: append([]string(nil), r.Areas...), Started: now, From: from,
		created: r.Created, lastActive: now,
	}
	if err := m.record(AuditRecord{Time: now, User: r.Name, Action: ActSignIn, Target: r.Name, New: r.Role.String(), Detail: detail("certificate", from)}); err != nil {
		return nil, err
	}
	return s, nil
}
