package main

import (
	"testing"
	"time"
)

func TestParseTime(t *testing.T) {
	now := time.Date(2026, 11, 25, 8, 30, 0, 0, time.Local)
	tests := map[string]time.Time{
		"now":                         now,
		"-1h":                         now.Add(-time.Hour),
		"-7d":                         now.Add(-7 * 24 * time.Hour),
		"+30m":                        now.Add(30 * time.Minute),
		"2026-11-24":                  time.Date(2026, 11, 24, 0, 0, 0, 0, time.Local),
		"2026-11-24 06:15":            time.Date(2026, 11, 24, 6, 15, 0, 0, time.Local),
		"2026-11-24T06:15:30":         time.Date(2026, 11, 24, 6, 15, 30, 0, time.Local),
		"2026-11-24T06:15:30Z":        time.Date(2026, 11, 24, 6, 15, 30, 0, time.UTC),
		"2026-11-24T06:15:30.5+01:00": time.Date(2026, 11, 24, 6, 15, 30, 5e8, time.FixedZone("", 3600)),
	}
	for in, want := range tests {
		got, err := parseTime(in, now)
		if err != nil || !got.Equal(want) {
			t.Errorf("parseTime(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "yesterday", "-1x", "2026-13-01"} {
		if _, err := parseTime(bad, now); err == nil {
			t.Errorf("parseTime(%q) accepted", bad)
		}
	}
}

func TestParseDuration(t *testing.T) {
	tests := map[string]time.Duration{"90s": 90 * time.Second, "7d": 7 * 24 * time.Hour, "2w": 14 * 24 * time.Hour, "1y": 365 * 24 * time.Hour}
	for in, want := range tests {
		if got, err := parseDuration(in); err != nil || got != want {
			t.Errorf("parseDuration(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := parseDuration("d"); err == nil {
		t.Error(`parseDuration("d") accepted`)
	}
}
