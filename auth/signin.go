package auth

import (
	"errors"
	"fmt"
	"time"
)

// Errors of signing in.
var (
	// ErrBadCredentials: the name or the password is wrong. Both give this
	// error after the same time, so nobody learns which names exist.
	ErrBadCredentials = errors.New("unknown user or wrong password")
	// ErrLocked: too many failures; a *LockedError says until when.
	ErrLocked = errors.New("account locked after too many failed sign-ins")
	// ErrDisabled: the password was right but the user is disabled.
	ErrDisabled = errors.New("user disabled")
)

// LockedError is a sign-in refused because of a lockout.
type LockedError struct {
	Until time.Time
}

func (e *LockedError) Error() string {
	return fmt.Sprintf("%v until %s", ErrLocked, e.Until.Format("15:04:05"))
}

// Unwrap returns ErrLocked.
func (e *LockedError) Unwrap() error { return ErrLocked }

// SignIn checks name's password and returns a new session; from says
// where ("hmi", "cli", a client address) and goes into the audit record.
// It does not change Current (Switch does).
//
// A wrong name and a wrong password give ErrBadCredentials after the same
// time (the hash of a dummy when nobody has the name). Each consecutive
// failure after the first of a name slows its next answer (Options
// SlowDown, doubling, up to MaxSlowDown); MaxFailures of them lock the
// name for LockoutFor (*LockedError), and the failure that locks it is
// audited as ActLockout. Attempts at one name run one at a time. Every
// failure is audited as ActSignInFailed, every success as ActSignIn, never
// with the password. It may block for seconds: never call it from the UI
// goroutine.
func (m *Manager) SignIn(name, password, from string) (*Session, error) {
	r, err := m.attempt(name, password, from, "")
	if err != nil {
		return nil, err
	}
	now := time.Now()
	s := &Session{
		User: r.Name, Role: r.Role, Areas: append([]string(nil), r.Areas...), Started: now, From: from,
		idle: m.opt.IdleTimeout, created: r.Created, lastActive: now,
	}
	m.record(AuditRecord{Time: now, User: r.Name, Action: ActSignIn, Target: r.Name, New: r.Role.String(), Detail: detail("", from)})
	return s, nil
}

// attempt checks the password of the user called name, under the name's
// gate, with the lockout, slow-down and the failures' audit records; what
// says what for in those ("" a sign-in, "confirm", "password change"). It
// returns the enabled user's record after a right password, and resets
// its failure count (and remakes its hash if Options.Params changed).
func (m *Manager) attempt(name, password, from, what string) (*userRecord, error) {
	valid := checkName(name) == nil
	key := invalidKey
	if valid {
		key = userKey(name)
	}
	defer m.gates.lock(key)()

	now := time.Now()
	var r *userRecord
	if valid {
		var err error
		if r, err = m.load(name); err != nil {
			return nil, err
		}
	}
	fail := func(result string) AuditRecord {
		a := AuditRecord{Time: now, Action: ActSignInFailed, Result: result, Detail: detail(what, from)}
		if r != nil {
			a.User, a.Target = r.Name, r.Name
		} else {
			// The name is not recorded: people type their password into
			// the name field.
			a.Detail = detail(joinWhy(what, "unknown user name"), from)
		}
		return a
	}

	// Locked: refused without hashing, alike for known and unknown names.
	until, locked := m.lockedUnknown(key, now)
	if r != nil {
		until, locked = r.LockedUntil, now.Before(r.LockedUntil)
	}
	if locked {
		m.record(fail("locked"))
		return nil, &LockedError{Until: until}
	}

	h := m.dummy
	if r != nil {
		if stored, err := parseHash(r.Hash); err == nil {
			h = stored
		}
	}
	pw := password
	if len(pw) > MaxPasswordLen {
		pw = pw[:MaxPasswordLen] // hashed for the time it takes; never right
	}
	m.hashSem <- struct{}{}
	ok := h.verify(pw) && r != nil && len(password) <= MaxPasswordLen
	<-m.hashSem

	if ok {
		if !r.Enabled {
			m.record(fail("disabled"))
			return nil, ErrDisabled
		}
		return r, m.succeeded(r, password)
	}

	var n int
	var err error
	if r != nil {
		n, until, err = m.failUser(r.Name, now)
	} else {
		n, until, err = m.failUnknown(key, now)
	}
	if err != nil {
		return nil, err
	}
	m.record(fail("wrong password or name"))
	if !until.IsZero() {
		lock := fail("locked")
		lock.Action, lock.New = ActLockout, until.UTC().Format(time.RFC3339)
		m.record(lock)
		return nil, &LockedError{Until: until}
	}
	time.Sleep(m.delay(n))
	return nil, ErrBadCredentials
}

// succeeded clears r's failures and remakes its hash with the current
// parameters if they changed, in the store.
func (m *Manager) succeeded(r *userRecord, password string) error {
	newHash := ""
	if h, err := parseHash(r.Hash); err != nil || h.p != m.opt.Params {
		if newHash, err = m.hash(password); err != nil {
			m.log.Warn("auth: hash not remade with the new parameters", "user", r.Name, "err", err)
			newHash = ""
		}
	}
	if r.Failed == 0 && r.LockedUntil.IsZero() && newHash == "" {
		return nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	cur, err := m.load(r.Name)
	if err != nil || cur == nil {
		return err
	}
	cur.Failed, cur.LockedUntil = 0, time.Time{}
	if newHash != "" && cur.Hash == r.Hash {
		cur.Hash = newHash
	}
	return m.store(cur)
}

// hash hashes password with the manager's parameters, within the bound of
// concurrent hashes.
func (m *Manager) hash(password string) (string, error) {
	m.hashSem <- struct{}{}
	defer func() { <-m.hashSem }()
	return hashPassword(password, m.opt.Params)
}

// joinWhy joins two reasons with a comma, either may be empty.
func joinWhy(a, b string) string {
	if a == "" || b == "" {
		return a + b
	}
	return a + ", " + b
}
