package auth

import (
	"sync"
	"time"
)

// Session is one person signed in: the shared station's current one
// (Manager.Current), or one the CLI or a gateway client holds. The
// exported fields are fixed at sign-in; Manager.Authorize checks the
// user's role and areas as they are now, so a change by an admin counts
// at once.
type Session struct {
	User    string   // "" for the anonymous viewer session
	Role    Role     // at sign-in
	Areas   []string // at sign-in; none means everywhere
	Started time.Time
	From    string // where the person signed in: "hmi", "cli", a client address

	idle    time.Duration // 0: never idle
	created time.Time     // the user record's Created: a re-added user is another user

	mu         sync.Mutex // guards lastActive, ended
	lastActive time.Time
	ended      bool
}

// Anonymous reports whether s is the viewer session of nobody signed in,
// which may only View.
func (s *Session) Anonymous() bool { return s == nil || s.User == "" }

// LastActive is when s last acted or was touched.
func (s *Session) LastActive() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lastActive
}

// Touch records activity (a tap, a key): it puts off the idle sign-out.
// An expired session stays expired.
func (s *Session) Touch() {
	if s == nil || s.Anonymous() {
		return
	}
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.expiredLocked(now) {
		s.lastActive = now
	}
}

// Expired reports whether s was signed out, or has been idle for the
// manager's IdleTimeout. The anonymous session never expires.
func (s *Session) Expired() bool {
	if s.Anonymous() {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.expiredLocked(time.Now())
}

func (s *Session) expiredLocked(now time.Time) bool {
	return s.ended || s.idle > 0 && now.Sub(s.lastActive) >= s.idle
}

// idleLeft is how long until s idles out; <= 0 when it has (or ended).
func (s *Session) idleLeft(now time.Time) time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ended {
		return 0
	}
	return s.idle - now.Sub(s.lastActive)
}

// markEnded ends s; it reports whether s was still going.
func (s *Session) markEnded() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	was := !s.ended
	s.ended = true
	return was
}

// Can reports whether s, with the role and areas it signed in with, may
// do p at target, and has not expired: for showing or hiding controls.
// The station decides with Manager.Authorize.
func (s *Session) Can(p Permission, target string) bool {
	if s.Anonymous() {
		return p == View
	}
	return !s.Expired() && allowed(s.Role, s.Areas, p, target)
}
