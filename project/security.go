package project

import (
	"time"
)

// Security is the project's security section: how the station treats
// sign-ins and sessions. The station copies it into auth.Options
// (IdleTimeout, MinPasswordLen, MaxFailures, LockoutFor).
type Security struct {
	IdleTimeout  time.Duration // sign a user out after this long without activity; 0: never
	MinPassword  int           // the fewest characters of a new password: 8 to 64, default 10
	LockoutAfter int           // consecutive failed sign-ins that lock an account: 1 to 100, default 5
	LockoutFor   time.Duration // how long an account stays locked: more than 0, default 15m
}

// Defaults of the security section, auth's own.
const (
	defaultMinPassword  = 10
	defaultLockoutAfter = 5
	defaultLockoutFor   = 15 * time.Minute
)

// Bounds of the security settings.
const (
	// NIST SP 800-63B §5.1.1.2: memorized secrets of at least 8
	// characters, and a verifier should accept up to 64, so a minimum
	// above 64 asks for more than a verifier need allow: a typo.
	minMinPassword = 8
	maxMinPassword = 64
	// NIST SP 800-63B §5.2.2: at most 100 consecutive failed attempts
	// before an account is limited.
	minLockoutAfter = 1
	maxLockoutAfter = 100
)

// securityKeys are the security section's keys, in the order the
// format's description gives them.
var securityKeys = []string{"idle_timeout", "min_password", "lockout_after", "lockout_for"}

// securityEntry is the security section as decoded, each value checked
// on its own. Its marks hold each key under its name.
type securityEntry struct {
	s Security // the values given; 0 where a key is missing or bad
	marks
}

// securityOf is the security section with its defaults applied to every
// key that holds no good value (a bad one was reported).
func securityOf(e *securityEntry) Security {
	s := e.s
	if !e.has("min_password") {
		s.MinPassword = defaultMinPassword
	}
	if !e.has("lockout_after") {
		s.LockoutAfter = defaultLockoutAfter
	}
	if !e.has("lockout_for") {
		s.LockoutFor = defaultLockoutFor
	}
	return s
}

// checkCritical reports a critical tag that cannot be written: only a
// write is signed. A writable given a bad value was reported already.
func checkCritical(r *report, e *tagEntry) {
	if e.has("critical") && e.def.Critical && !e.def.Writable && !e.bad["writable"] {
		r.add(e.file, e.lineOf("critical"), "critical applies only to a writable tag (only a write is signed): set writable to true")
	}
}
