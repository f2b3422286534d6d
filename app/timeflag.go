package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// timeLayouts are the absolute times the history commands accept, in the
// local time zone unless they name one.
var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05",
	"2006-01-02 15:04:05",
	"2006-01-02T15:04",
	"2006-01-02 15:04",
	"2006-01-02",
}

// parseTime reads a time as a person types it: "now", a time relative to
// now ("-1h", "-7d", "-2w"), or an absolute date and time
// ("2026-11-25", "2026-11-25 08:00", RFC 3339).
func parseTime(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "now":
		return now, nil
	case strings.HasPrefix(s, "-") || strings.HasPrefix(s, "+"):
		d, err := parseDuration(s[1:])
		if err != nil {
			return time.Time{}, fmt.Errorf("time %q: %w", s, err)
		}
		if s[0] == '-' {
			d = -d
		}
		return now.Add(d), nil
	}
	for _, layout := range timeLayouts {
		if t, err := time.ParseInLocation(layout, s, time.Local); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("time %q: want now, -1h, -7d, 2026-11-25, \"2026-11-25 08:00\" or RFC 3339", s)
}

// parseDuration reads a Go duration or a whole number of days, weeks or
// years (365 days): 90m, 24h, 7d, 2w, 1y.
func parseDuration(s string) (time.Duration, error) {
	if d, err := time.ParseDuration(s); err == nil {
		return d, nil
	}
	units := map[byte]time.Duration{'d': 24 * time.Hour, 'w': 7 * 24 * time.Hour, 'y': 365 * 24 * time.Hour}
	if len(s) > 1 {
		if unit, ok := units[s[len(s)-1]]; ok {
			if n, err := strconv.Atoi(s[:len(s)-1]); err == nil && n >= 0 {
				return time.Duration(n) * unit, nil
			}
		}
	}
	return 0, fmt.Errorf("duration %q: want 90s, 15m, 24h, 7d, 2w or 1y", s)
}
