package hmi

import (
	"math"
	"testing"
	"time"

	"github.com/sightglass/sightglass/drivers"
	"github.com/sightglass/sightglass/tags"
)

func TestFormatValue(t *testing.T) {
	for _, tc := range []struct {
		v    tags.Value
		want string
	}{
		{tags.Value{}, ""},
		{tags.Bool(true), "true"},
		{tags.Bool(false), "false"},
		{tags.Int(-42), "-42"},
		{tags.Uint(18446744073709551615), "18446744073709551615"},
		{tags.Float(12.3456789), "12.3457"},
		{tags.Float(100), "100.0000"},
		{tags.Float(-0.5), "-0.5000"},
		{tags.Float(0), "0.0000"},
		{tags.Float(math.Copysign(0, -1)), "0.0000"},
		{tags.Float(0.001), "0.0010"},
		{tags.Float(0.00001234), "1.2340e-05"},
		{tags.Float(-2.5e12), "-2.5000e+12"},
		{tags.Float(999999999999), "999999999999.0000"},
		{tags.Float(math.NaN()), "NaN"},
		{tags.Float(math.Inf(1)), "+Inf"},
		{tags.Float(math.Inf(-1)), "-Inf"},
		{tags.String("AUTO"), "AUTO"},
	} {
		if got := formatValue(tc.v); got != tc.want {
			t.Errorf("formatValue(%v %v) = %q, want %q", tc.v.Kind(), tc.v, got, tc.want)
		}
	}
}

func TestIsNumber(t *testing.T) {
	for _, tc := range []struct {
		v    tags.Value
		want bool
	}{
		{tags.Value{}, false},
		{tags.Bool(true), false},
		{tags.Int(1), true},
		{tags.Uint(1), true},
		{tags.Float(1), true},
		{tags.String("1"), false},
	} {
		if got := isNumber(tc.v); got != tc.want {
			t.Errorf("isNumber(%v) = %v", tc.v.Kind(), got)
		}
	}
}

func TestFormatQuality(t *testing.T) {
	for _, tc := range []struct {
		q    tags.Quality
		want string
	}{
		{tags.GoodQuality, "good"},
		{tags.Quality{Level: tags.Uncertain, Reason: tags.ReasonStale}, "uncertain: stale"},
		{tags.BadQuality(tags.ReasonNoComm, 0), "bad: no communication"},
		{tags.BadQuality(tags.ReasonDeviceException, 2), "bad: device exception[2]"},
		{tags.BadQuality(tags.ReasonNotRead, 0), "bad: not read yet"},
		{tags.Quality{}, "bad"},
	} {
		if got := formatQuality(tc.q); got != tc.want {
			t.Errorf("formatQuality(%+v) = %q, want %q", tc.q, got, tc.want)
		}
	}
}

func TestFormatAge(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		ago  time.Duration
		want string
	}{
		{0, "0.0 s"},
		{-3 * time.Second, "0.0 s"}, // device clock ahead
		{400 * time.Millisecond, "0.4 s"},
		{9940 * time.Millisecond, "9.9 s"},
		{10 * time.Second, "10 s"},
		{59999 * time.Millisecond, "59 s"},
		{time.Minute, "1 min"},
		{3*time.Minute + 59*time.Second, "3 min"},
		{time.Hour, "1 h"},
		{47 * time.Hour, "47 h"},
		{50 * time.Hour, "2 d"},
	} {
		if got := formatAge(now.Add(-tc.ago), now); got != tc.want {
			t.Errorf("formatAge(%v ago) = %q, want %q", tc.ago, got, tc.want)
		}
	}
	if got := formatAge(time.Time{}, now); got != "" {
		t.Errorf("formatAge(zero) = %q, want empty", got)
	}
}

func TestFormatDuration(t *testing.T) {
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{0, ""},
		{850 * time.Microsecond, "850 µs"},
		{2500 * time.Microsecond, "2.5 ms"},
		{120 * time.Millisecond, "120 ms"},
		{1250 * time.Millisecond, "1.25 s"},
	} {
		if got := formatDuration(tc.d); got != tc.want {
			t.Errorf("formatDuration(%v) = %q, want %q", tc.d, got, tc.want)
		}
	}
}

func TestFormatClock(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		t    time.Time
		want string
	}{
		{time.Time{}, ""},
		{time.Date(2026, 3, 1, 9, 5, 7, 0, time.UTC), "09:05:07"},
		{time.Date(2026, 2, 28, 23, 59, 0, 0, time.UTC), "2026-02-28 23:59:00"},
	} {
		if got := formatClock(tc.t, now); got != tc.want {
			t.Errorf("formatClock(%v) = %q, want %q", tc.t, got, tc.want)
		}
	}
}

func TestFormatDeviceState(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		s    drivers.Stats
		want string
	}{
		{drivers.Stats{State: drivers.StateConnected}, "connected"},
		{drivers.Stats{State: drivers.StateConnecting}, "connecting"},
		{drivers.Stats{State: drivers.StateStopped}, "stopped"},
		{drivers.Stats{State: drivers.StateBackoff}, "backoff"},
		{drivers.Stats{State: drivers.StateBackoff, NextRetry: now.Add(2500 * time.Millisecond)}, "backoff, retry in 3 s"},
		{drivers.Stats{State: drivers.StateBackoff, NextRetry: now.Add(-time.Second)}, "backoff"},
	} {
		if got := formatState(&tc.s, now); got != tc.want {
			t.Errorf("formatState(%+v) = %q, want %q", tc.s, got, tc.want)
		}
	}
	s := drivers.Stats{LastError: "connection refused", LastErrorTime: now.Add(-time.Minute)}
	if got, want := formatLastError(&s, now), "connection refused (at 11:59:00)"; got != want {
		t.Errorf("formatLastError = %q, want %q", got, want)
	}
	s.LastErrorTime = time.Time{}
	if got, want := formatLastError(&s, now), "connection refused"; got != want {
		t.Errorf("formatLastError without time = %q, want %q", got, want)
	}
	if got := formatLastError(&drivers.Stats{}, now); got != "" {
		t.Errorf("formatLastError(none) = %q", got)
	}
}
