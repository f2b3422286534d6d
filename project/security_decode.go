package project

import (
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// security decodes the security section: {idle_timeout: 15m,
// min_password: 10, lockout_after: 5, lockout_for: 15m}, checking each
// value's range. Its defaults are securityOf's.
func (d *yamlDecoder) security(f field) securityEntry {
	v := deref(f.val)
	e := securityEntry{marks: newMarks(d.file, f.key.Line)}
	switch {
	case isNull(v):
		return e
	case v.Kind != yaml.MappingNode:
		d.add(v.Line, "security: want a mapping as {idle_timeout: 15m, min_password: 10, lockout_after: 5, lockout_for: 15m}, got %s", describe(v))
		return e
	}
	e.line = v.Line
	m := &e.marks
	for _, sf := range d.fields(v, "security") {
		switch sf.name {
		case "idle_timeout":
			e.s.IdleTimeout, _ = d.securityDuration(sf, m, false)
		case "lockout_for":
			e.s.LockoutFor, _ = d.securityDuration(sf, m, true)
		case "min_password":
			e.s.MinPassword, _ = d.securityCount(sf, m, minMinPassword, maxMinPassword, "characters")
		case "lockout_after":
			e.s.LockoutAfter, _ = d.securityCount(sf, m, minLockoutAfter, maxLockoutAfter, "failed sign-ins")
		default:
			d.add(sf.key.Line, "unknown key %q in security (want %s)", sf.name, strings.Join(securityKeys, ", "))
		}
	}
	return e
}

// securityDuration reads a Go duration: more than zero when positive (a
// lockout), else 0 or more (an idle timeout; 0 is never).
func (d *yamlDecoder) securityDuration(f field, m *marks, positive bool) (time.Duration, bool) {
	want := "a duration 0 or more as 15m or 8h (0 never signs out)"
	if positive {
		want = "a duration more than zero as 5m, 15m or 1h"
	}
	return d.delay(f, m, positive, want)
}

// securityCount reads a whole number of units from lo to hi.
func (d *yamlDecoder) securityCount(f field, m *marks, lo, hi int, units string) (int, bool) {
	n, ok := d.integer(f, m)
	if ok && (n < lo || n > hi) {
		d.add(m.lineOf(f.name), "%s: want %d to %d %s, got %d", f.name, lo, hi, units, n)
		m.setBad(f.name, m.lineOf(f.name))
		return 0, false
	}
	return n, ok
}
