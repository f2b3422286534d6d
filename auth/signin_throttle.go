package auth

import (
	"crypto/rand"
	"encoding/binary"
	"sync"
	"time"

	"github.com/sightglass/sightglass/state"
)

// throttle is the failure count of a name no user has, kept in memory so
// that such a name slows down and locks exactly like a real one (nobody
// learns which names exist by trying them).
type throttle struct {
	failed      int
	lockedUntil time.Time
}

// maxUnknown bounds the names without users that are remembered; past it
// the expired ones are forgotten, and if that is not enough, all.
const maxUnknown = 10_000

// invalidKey is the one throttle of every name that is not a valid user
// name (no user can have one), so garbage cannot grow the map.
const invalidKey = "\x00invalid"

// gates lets one sign-in attempt per name run at a time: a second waits
// behind the first's slow-down instead of running beside it.
type gates struct {
	mu sync.Mutex // guards m
	m  map[string]*gate
}

// gate is one name's: a channel rather than a mutex, so that a caller
// waiting behind another's slow-down is durably blocked for
// testing/synctest.
type gate struct {
	token chan struct{} // cap 1: full while an attempt runs
	users int           // callers holding or waiting for token; guarded by gates.mu
}

// lock takes the gate of key and returns its release.
func (g *gates) lock(key string) func() {
	g.mu.Lock()
	if g.m == nil {
		g.m = make(map[string]*gate)
	}
	gt := g.m[key]
	if gt == nil {
		gt = &gate{token: make(chan struct{}, 1)}
		g.m[key] = gt
	}
	gt.users++
	g.mu.Unlock()
	gt.token <- struct{}{}
	return func() {
		<-gt.token
		g.mu.Lock()
		if gt.users--; gt.users == 0 {
			delete(g.m, key)
		}
		g.mu.Unlock()
	}
}

// delay is the slow-down after the n-th consecutive failure: none after
// the first (a typo), then SlowDown, doubling, up to MaxSlowDown.
func (m *Manager) delay(n int) time.Duration {
	if n < 2 {
		return 0
	}
	d := m.opt.SlowDown
	for i := 2; i < n && d < m.opt.MaxSlowDown; i++ {
		d *= 2
	}
	return min(d, m.opt.MaxSlowDown)
}

// lockedUnknown returns until when the name key (no user's) is locked.
func (m *Manager) lockedUnknown(key string, now time.Time) (time.Time, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	t := m.unknown[key]
	if t != nil && now.Before(t.lockedUntil) {
		return t.lockedUntil, true
	}
	return time.Time{}, false
}

// FailuresBucket holds, under "unknown", how many sign-ins failed at
// names no user has: written at each such failure, as a user's record is
// at theirs, so both take the same time.
const FailuresBucket = "auth.failures"

// failUnknown counts a failure at the name key (no user's); it returns
// the consecutive failures and, when they lock it, until when.
func (m *Manager) failUnknown(key string, now time.Time) (int, time.Time, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	total := uint64(0)
	if b, err := m.st.Get(FailuresBucket, "unknown"); err != nil {
		return 0, time.Time{}, err
	} else if len(b) == 8 {
		total = binary.BigEndian.Uint64(b)
	}
	if _, err := m.st.Apply(state.Batch{Puts: []state.KV{{Bucket: FailuresBucket, Key: "unknown", Value: binary.BigEndian.AppendUint64(nil, total+1)}}}); err != nil {
		return 0, time.Time{}, err
	}
	t := m.unknown[key]
	if t == nil {
		if len(m.unknown) >= maxUnknown {
			for k, o := range m.unknown {
				if !now.Before(o.lockedUntil) {
					delete(m.unknown, k)
				}
			}
			if len(m.unknown) >= maxUnknown {
				clear(m.unknown)
			}
		}
		t = &throttle{}
		m.unknown[key] = t
	}
	n, until := t.fail(now, m.opt.MaxFailures, m.opt.LockoutFor)
	return n, until, nil
}

// fail counts one failure at now, starting afresh after a lockout ended;
// it returns the count and the new lockout's end (zero when none).
func (t *throttle) fail(now time.Time, max int, lockout time.Duration) (int, time.Time) {
	if !t.lockedUntil.IsZero() && !now.Before(t.lockedUntil) {
		*t = throttle{}
	}
	t.failed++
	if t.failed >= max {
		t.lockedUntil = now.Add(lockout)
		return t.failed, t.lockedUntil
	}
	return t.failed, time.Time{}
}

// failUser counts a failure of the user called name in the store; it
// returns the consecutive failures and, when they lock the account, until
// when.
func (m *Manager) failUser(name string, now time.Time) (int, time.Time, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, err := m.load(name)
	if err != nil || r == nil {
		return 0, time.Time{}, err
	}
	t := throttle{failed: r.Failed, lockedUntil: r.LockedUntil}
	n, until := t.fail(now, m.opt.MaxFailures, m.opt.LockoutFor)
	r.Failed, r.LockedUntil = t.failed, t.lockedUntil
	return n, until, m.store(r)
}

// dummyHash is what the password of a name without a user is checked
// against: the same parameters as a real hash, so the same time, and a
// random key nothing hashes to.
func dummyHash(p Params) phc {
	h := phc{p: p, salt: make([]byte, saltLen), key: make([]byte, keyLen)}
	rand.Read(h.salt)
	rand.Read(h.key)
	return h
}
