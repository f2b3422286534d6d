package auth

import (
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/sightglass/sightglass/state"
)

// Options tune a Manager. The zero value is the station's defaults.
type Options struct {
	// Params are the argon2id parameters of new hashes; zero means
	// DefaultParams. Tests use cheap ones.
	Params Params
	// MinPasswordLen is the least characters of a new password; 0 means 10.
	MinPasswordLen int
	// MaxFailures is how many consecutive failed sign-ins lock an account;
	// 0 means 5.
	MaxFailures int
	// LockoutFor is how long a lockout lasts; 0 means 15 minutes.
	LockoutFor time.Duration
	// SlowDown is the delay after the second consecutive failure, doubled
	// after each further one up to MaxSlowDown; 0 means 1 s. The first
	// failure (a typo) costs only the hash.
	SlowDown time.Duration
	// MaxSlowDown caps the delay; 0 means 8 s.
	MaxSlowDown time.Duration
	// IdleTimeout signs a session out after that long without Touch (or
	// an authorized action); 0 means never.
	IdleTimeout time.Duration
	// MaxConcurrentHashes bounds how many argon2id hashes run at once, so
	// a burst of sign-ins (from gateway clients, say) cannot take
	// Params.Memory each without limit; 0 means 2.
	MaxConcurrentHashes int
	// OnCurrent, if set, is called with the new current session whenever
	// Current changes (sign-in by Switch, SignOut, idle sign-out), outside
	// the manager's locks and from whatever goroutine made the change.
	OnCurrent func(*Session)
	// Log receives operational messages (never secrets); nil is
	// slog.Default.
	Log *slog.Logger
}

func (o *Options) defaults() error {
	if o.Params == (Params{}) {
		o.Params = DefaultParams
	}
	p := o.Params
	if p.Memory < 8*uint32(p.Threads) || p.Memory > maxMemoryKiB || p.Time < 1 || p.Time > maxTime || p.Threads < 1 {
		return fmt.Errorf("auth: argon2id parameters %+v out of range", p)
	}
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	defDur := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&o.MinPasswordLen, 10)
	def(&o.MaxFailures, 5)
	def(&o.MaxConcurrentHashes, 2)
	defDur(&o.LockoutFor, 15*time.Minute)
	defDur(&o.SlowDown, time.Second)
	defDur(&o.MaxSlowDown, 8*time.Second)
	if o.Log == nil {
		o.Log = slog.Default()
	}
	return nil
}

// Manager keeps the station's users in a state.Store, signs people in and
// out, and makes the one permission check every write path goes through
// (Authorize). Users are read from the store on every call, so a change
// another station of the cluster made counts at once.
//
// The methods are safe for concurrent use.
type Manager struct {
	st    state.Store
	audit Auditor
	opt   Options
	log   *slog.Logger
	anon  *Session // the anonymous viewer session

	mu      sync.Mutex           // guards read-modify-write of the records in st, unknown
	unknown map[string]*throttle // failures at names no user has, by key

	gates gates // one sign-in attempt per name at a time

	curMu sync.Mutex  // guards cur, idle, closed
	cur   *Session    // the current session of the shared station; anon when nobody
	idle  *time.Timer // signs cur out when idle
	// closed: Close was called; no idle timer is armed any more.
	closed bool

	hashSem chan struct{} // MaxConcurrentHashes tokens
	dummy   phc           // what an unknown name's password is hashed against
}

// NewManager returns the manager of the users in st. audit receives a
// record of every sign-in, sign-out, failure, lockout and user change; it
// is required.
func NewManager(st state.Store, audit Auditor, opts Options) (*Manager, error) {
	if st == nil || audit == nil {
		return nil, errors.New("auth: a manager needs a state store and an auditor")
	}
	if err := opts.defaults(); err != nil {
		return nil, err
	}
	m := &Manager{
		st: st, audit: audit, opt: opts, log: opts.Log,
		anon:    &Session{Role: Viewer},
		unknown: make(map[string]*throttle),
		hashSem: make(chan struct{}, opts.MaxConcurrentHashes),
		dummy:   dummyHash(opts.Params),
	}
	m.cur = m.anon
	// Every stored record must decode: a corrupt one is reported now,
	// not at somebody's sign-in.
	if _, err := m.records(); err != nil {
		return nil, err
	}
	return m, nil
}

// Close stops the idle timer. The manager still answers afterwards, but
// no longer signs the current session out when idle.
func (m *Manager) Close() {
	m.curMu.Lock()
	defer m.curMu.Unlock()
	m.closed = true
	if m.idle != nil {
		m.idle.Stop()
	}
}

// load reads the record of name; nil when there is none.
func (m *Manager) load(name string) (*userRecord, error) {
	b, err := m.st.Get(UsersBucket, userKey(name))
	if err != nil || b == nil {
		return nil, err
	}
	return decodeRecord(b)
}

// store writes r durably.
func (m *Manager) store(r *userRecord) error {
	b, err := encodeRecord(r)
	if err != nil {
		return err
	}
	_, err = m.st.Apply(state.Batch{Puts: []state.KV{{Bucket: UsersBucket, Key: userKey(r.Name), Value: b}}})
	return err
}

// records reads every user, in name order.
func (m *Manager) records() ([]*userRecord, error) {
	var rs []*userRecord
	err := m.st.ForEach(UsersBucket, func(_ string, v []byte) error {
		r, err := decodeRecord(v)
		if err != nil {
			return err
		}
		rs = append(rs, r)
		return nil
	})
	return rs, err
}

// HasUsers reports whether any user exists. A station without users must
// have its first admin added (AddUser with a nil session) before anybody
// can do more than view: there is no default password.
func (m *Manager) HasUsers() (bool, error) {
	errStop := errors.New("stop")
	err := m.st.ForEach(UsersBucket, func(string, []byte) error { return errStop })
	if errors.Is(err, errStop) {
		return true, nil
	}
	return false, err
}

// ListUsers returns every user in name order, without password hashes.
func (m *Manager) ListUsers() ([]User, error) {
	rs, err := m.records()
	if err != nil {
		return nil, err
	}
	us := make([]User, len(rs))
	for i, r := range rs {
		us[i] = r.user()
	}
	return us, nil
}

// LookupUser returns the user called name (in any case).
func (m *Manager) LookupUser(name string) (User, error) {
	r, err := m.load(name)
	if err != nil {
		return User{}, err
	}
	if r == nil {
		return User{}, fmt.Errorf("%w %q", ErrUnknownUser, name)
	}
	return r.user(), nil
}

// record hands r to the auditor; a failure is logged and returned.
func (m *Manager) record(r AuditRecord) error {
	if r.Time.IsZero() {
		r.Time = time.Now()
	}
	if r.Result == "" {
		r.Result = "ok"
	}
	if err := m.audit.Audit(r); err != nil {
		m.log.Error("auth: audit record not written", "action", r.Action, "user", r.User, "target", r.Target, "err", err)
		return fmt.Errorf("audit: %w", err)
	}
	return nil
}
