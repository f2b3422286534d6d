package auth

// Authorize is the one permission check: the station calls it before
// every write, acknowledgement, shelve, limit, project and user change,
// whether the GUI, the CLI or a gateway asked. It returns nil when s may
// do p at target (an asset path or alarm ID; "" station-wide), otherwise
// a *DeniedError (errors.Is(err, ErrDenied)) — or the store's error, and
// then nothing is allowed.
//
// A nil s is the anonymous viewer session, which may only View. A named
// session must not have expired, and is checked against its user as
// stored now: removed, disabled, demoted or narrowed users lose the right
// at once. An allowed action other than View counts as activity (Touch).
func (m *Manager) Authorize(s *Session, p Permission, target string) error {
	if s.Anonymous() {
		if p == View {
			return nil
		}
		return &DeniedError{Role: Viewer, Perm: p, Target: target, Why: "not signed in"}
	}
	deny := func(r Role, why string, cause error) error {
		return &DeniedError{User: s.User, Role: r, Perm: p, Target: target, Why: why, Cause: cause}
	}
	if s.Expired() {
		m.end(s, "idle") // audited once, when first noticed; no-op if signed out before
		return deny(s.Role, "signed out", ErrSignedOut)
	}
	r, err := m.load(s.User)
	switch {
	case err != nil:
		return err
	case r == nil || !r.Created.Equal(s.created):
		return deny(s.Role, "user removed", ErrSignedOut)
	case !r.Enabled:
		return deny(r.Role, "user disabled", ErrSignedOut)
	case !r.Role.Has(p):
		return deny(r.Role, "not in the role", nil)
	case p != View && !InAreas(r.Areas, target):
		return deny(r.Role, "outside the user's areas", nil)
	}
	if p != View {
		s.Touch()
	}
	return nil
}
