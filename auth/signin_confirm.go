package auth

import (
	"errors"
	"strings"
	"time"
)

// ErrReasonRequired: an electronic signature without a reason.
var ErrReasonRequired = errors.New("a reason is required")

// Signature is a critical write's electronic signature: who confirmed it
// with their password, when, and why. The station records it with the
// write (Stamp).
type Signature struct {
	User   string
	Role   Role
	Reason string
	Time   time.Time
}

// Stamp puts the signature into the audit record of the signed action.
func (sig Signature) Stamp(r *AuditRecord) {
	r.User, r.Reason = sig.User, sig.Reason
	r.Detail = joinWhy("signed by password at "+sig.Time.UTC().Format(time.RFC3339), r.Detail)
}

// Confirm asks the person of session s to sign a critical action: their
// password again, and a reason. Wrong passwords count toward the lockout
// and slow down exactly as at SignIn (and are audited the same way); a
// lockout also signs s out, as whoever is at the station is not its user.
// It does not authorize the action itself: call Authorize too.
func (m *Manager) Confirm(s *Session, password, reason string) (Signature, error) {
	reason = strings.TrimSpace(reason)
	if err := m.active(s, "confirm"); err != nil {
		return Signature{}, err
	}
	if reason == "" {
		return Signature{}, ErrReasonRequired
	}
	r, err := m.attempt(s.User, password, s.From, "confirm")
	if err != nil {
		m.lockedOut(s, err)
		return Signature{}, err
	}
	if !r.Created.Equal(s.created) {
		return Signature{}, &DeniedError{User: s.User, Role: r.Role, Why: "user removed", Cause: ErrSignedOut}
	}
	s.Touch()
	return Signature{User: r.Name, Role: r.Role, Reason: reason, Time: time.Now()}, nil
}

// ChangePassword changes the password of the person of session s, who
// gives the old one (checked like Confirm's) and the new one (checked
// against the policy). An admin sets anyone's with SetPassword.
func (m *Manager) ChangePassword(s *Session, oldPassword, newPassword string) error {
	if err := m.active(s, "password change"); err != nil {
		return err
	}
	if err := checkPassword(s.User, newPassword, m.opt.MinPasswordLen); err != nil {
		return err
	}
	if _, err := m.attempt(s.User, oldPassword, s.From, "password change"); err != nil {
		m.lockedOut(s, err)
		return err
	}
	s.Touch()
	return m.setPassword(s.User, s.created, newPassword, s.User)
}

// active checks that s is a session that can still act.
func (m *Manager) active(s *Session, what string) error {
	if s.Anonymous() {
		return &DeniedError{Role: Viewer, Why: what + ": not signed in"}
	}
	if s.Expired() {
		m.end(s, "idle")
		return &DeniedError{User: s.User, Role: s.Role, Why: what + ": signed out", Cause: ErrSignedOut}
	}
	return nil
}

// lockedOut signs s out when err is a lockout.
func (m *Manager) lockedOut(s *Session, err error) {
	if errors.Is(err, ErrLocked) {
		m.SignOut(s)
	}
}
