package auth

import (
	"fmt"
	"strings"
	"time"

	"github.com/sightglass/sightglass/state"
)

// AddUser adds a user with a role, areas (none: everywhere) and a
// password that meets the policy; by must be allowed ManageUsers
// station-wide. by is nil only for the first user of a station, who must
// be an admin of every area (ErrNotFirst otherwise): there is no default
// user and no default password. Audited as ActUserAdd.
func (m *Manager) AddUser(by *Session, name string, role Role, areas []string, password string) error {
	if err := checkName(name); err != nil {
		return err
	}
	if role >= NumRoles {
		return fmt.Errorf("auth: no role %d", role)
	}
	areas, err := checkAreas(areas)
	if err != nil {
		return err
	}
	first := by == nil
	byName := ""
	if first {
		if role != Admin || len(areas) > 0 {
			return ErrNotFirst
		}
	} else {
		if err := m.Authorize(by, ManageUsers, ""); err != nil {
			return err
		}
		byName = by.User
	}
	if err := checkPassword(name, password, m.opt.MinPasswordLen); err != nil {
		return err
	}
	hash, err := m.hash(password)
	if err != nil {
		return err
	}

	m.mu.Lock()
	defer m.mu.Unlock()
	if first {
		if has, err := m.HasUsers(); err != nil || has {
			return orErr(err, ErrNotFirst)
		}
	}
	if old, err := m.load(name); err != nil || old != nil {
		return orErr(err, fmt.Errorf("%w: %q", ErrUserExists, name))
	}
	now := time.Now()
	r := &userRecord{Name: name, Role: role, Areas: areas, Hash: hash, Enabled: true, Created: now, Changed: now, ChangedBy: byName}
	if err := m.store(r); err != nil {
		return err
	}
	return m.record(AuditRecord{Time: now, User: byName, Action: ActUserAdd, Target: name, New: describe(r)})
}

// SetPassword sets the password of the user called name (an admin's
// reset; people change their own with ChangePassword). It also ends a
// lockout. Audited as ActUserChange, without the password.
func (m *Manager) SetPassword(by *Session, name, password string) error {
	if err := m.Authorize(by, ManageUsers, ""); err != nil {
		return err
	}
	r, err := m.load(name)
	if err != nil || r == nil {
		return orErr(err, fmt.Errorf("%w %q", ErrUnknownUser, name))
	}
	if err := checkPassword(r.Name, password, m.opt.MinPasswordLen); err != nil {
		return err
	}
	return m.setPassword(r.Name, r.Created, password, by.User)
}

// setPassword stores a new hash of password for the user called name,
// created at created (not a namesake added since).
func (m *Manager) setPassword(name string, created time.Time, password, byName string) error {
	hash, err := m.hash(password)
	if err != nil {
		return err
	}
	return m.change(byName, name, func(r *userRecord) (string, error) {
		if !r.Created.Equal(created) {
			return "", fmt.Errorf("%w %q", ErrUnknownUser, name)
		}
		r.Hash, r.Failed, r.LockedUntil = hash, 0, time.Time{}
		return "password set", nil
	})
}

// SetRole changes the role of the user called name. Audited as
// ActUserChange.
func (m *Manager) SetRole(by *Session, name string, role Role) error {
	if role >= NumRoles {
		return fmt.Errorf("auth: no role %d", role)
	}
	return m.adminChange(by, name, func(r *userRecord) (string, error) {
		r.Role = role
		return "role " + role.String(), nil
	})
}

// SetAreas narrows the user called name to areas (none: everywhere).
// Audited as ActUserChange.
func (m *Manager) SetAreas(by *Session, name string, areas []string) error {
	areas, err := checkAreas(areas)
	if err != nil {
		return err
	}
	return m.adminChange(by, name, func(r *userRecord) (string, error) {
		r.Areas = areas
		return "areas " + areasText(areas), nil
	})
}

// Disable stops the user called name from signing in and ends the rights
// of their sessions. Audited as ActUserChange.
func (m *Manager) Disable(by *Session, name string) error {
	return m.adminChange(by, name, func(r *userRecord) (string, error) {
		r.Enabled = false
		return "disabled", nil
	})
}

// Enable lets the user called name sign in again, and ends a lockout.
// Audited as ActUserChange.
func (m *Manager) Enable(by *Session, name string) error {
	return m.adminChange(by, name, func(r *userRecord) (string, error) {
		r.Enabled, r.Failed, r.LockedUntil = true, 0, time.Time{}
		return "enabled", nil
	})
}

// Unlock ends a lockout of the user called name. Audited as
// ActUserChange.
func (m *Manager) Unlock(by *Session, name string) error {
	return m.adminChange(by, name, func(r *userRecord) (string, error) {
		r.Failed, r.LockedUntil = 0, time.Time{}
		return "unlocked", nil
	})
}

// RemoveUser removes the user called name; their sessions lose every
// right. The last enabled admin of every area cannot be removed
// (ErrLastAdmin). Audited as ActUserRemove.
func (m *Manager) RemoveUser(by *Session, name string) error {
	if err := m.Authorize(by, ManageUsers, ""); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	r, err := m.load(name)
	if err != nil || r == nil {
		return orErr(err, fmt.Errorf("%w %q", ErrUnknownUser, name))
	}
	if err := m.keepAdmin(r, nil); err != nil {
		return err
	}
	if _, err := m.st.Apply(state.Batch{Puts: []state.KV{{Bucket: UsersBucket, Key: userKey(r.Name)}}}); err != nil {
		return err
	}
	return m.record(AuditRecord{User: by.User, Action: ActUserRemove, Target: r.Name, Old: describe(r)})
}

// adminChange applies fn to the user called name as by, who must be
// allowed ManageUsers station-wide.
func (m *Manager) adminChange(by *Session, name string, fn func(r *userRecord) (string, error)) error {
	if err := m.Authorize(by, ManageUsers, ""); err != nil {
		return err
	}
	return m.change(by.User, name, fn)
}

// change applies fn (which says what it changed) to the user called name,
// keeps an admin, stores and audits the change.
func (m *Manager) change(byName, name string, fn func(r *userRecord) (string, error)) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, err := m.load(name)
	if err != nil || r == nil {
		return orErr(err, fmt.Errorf("%w %q", ErrUnknownUser, name))
	}
	before := *r
	what, err := fn(r)
	if err != nil {
		return err
	}
	if err := m.keepAdmin(&before, r); err != nil {
		return err
	}
	r.Changed, r.ChangedBy = time.Now(), byName
	if err := m.store(r); err != nil {
		return err
	}
	return m.record(AuditRecord{Time: r.Changed, User: byName, Action: ActUserChange, Target: r.Name, Old: describe(&before), New: what})
}

// keepAdmin refuses to turn before (the last full admin) into after (nil:
// removed) that is not one. m.mu is held.
func (m *Manager) keepAdmin(before, after *userRecord) error {
	if !before.fullAdmin() || after != nil && after.fullAdmin() {
		return nil
	}
	rs, err := m.records()
	if err != nil {
		return err
	}
	for _, o := range rs {
		if o.fullAdmin() && userKey(o.Name) != userKey(before.Name) {
			return nil
		}
	}
	return ErrLastAdmin
}

// describe is a user's role, areas and state for the audit trail.
func describe(r *userRecord) string {
	s := "role " + r.Role.String() + ", areas " + areasText(r.Areas)
	if !r.Enabled {
		s += ", disabled"
	}
	return s
}

func areasText(areas []string) string {
	if len(areas) == 0 {
		return "all"
	}
	return strings.Join(areas, " ")
}

// orErr is err, or alt when err is nil.
func orErr(err, alt error) error {
	if err != nil {
		return err
	}
	return alt
}
