package hmi

import (
	"math"
	"strconv"
	"time"

	"github.com/sightglass/sightglass/drivers"
	"github.com/sightglass/sightglass/tags"
)

// floatDecimals is how many decimals a float shows. Without per-tag display
// formats (a later project field) four fixed decimals keep a live value
// from changing width as its last digits move, and line up the decimal
// points of a right-aligned column.
const floatDecimals = 4

// Floats outside [fixedMin, fixedMax) in magnitude would show as 0.0000 or
// as a run of digits nobody reads; they use exponent notation instead.
const (
	fixedMin = 1e-3
	fixedMax = 1e12
)

// formatValue formats a tag value for the table: numbers as numbers, floats
// with floatDecimals decimals, bools as "true"/"false", "" for a value
// never read.
func formatValue(v tags.Value) string {
	switch v.Kind() {
	case tags.KindFloat:
		return formatFloat(v.Float())
	case tags.KindString:
		return v.Str()
	}
	return v.String() // bool, int, uint, none
}

// formatFloat formats f with floatDecimals decimals, or in exponent
// notation when it is very large or very small.
func formatFloat(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "+Inf"
	case math.IsInf(f, -1):
		return "-Inf"
	case f == 0:
		f = 0 // no "-0.0000"
	case math.Abs(f) < fixedMin || math.Abs(f) >= fixedMax:
		return strconv.FormatFloat(f, 'e', floatDecimals, 64)
	}
	return strconv.FormatFloat(f, 'f', floatDecimals, 64)
}

// isNumber reports whether v is shown right-aligned.
func isNumber(v tags.Value) bool {
	switch v.Kind() {
	case tags.KindInt, tags.KindUint, tags.KindFloat:
		return true
	}
	return false
}

// formatQuality prints "good", "uncertain: stale", "bad: no communication"
// or, with a protocol code, "bad: device exception[2]".
func formatQuality(q tags.Quality) string {
	s := q.Level.String()
	if q.Reason == tags.ReasonNone && q.Code == 0 {
		return s
	}
	s += ": " + q.Reason.String()
	if q.Code != 0 {
		s += "[" + strconv.Itoa(int(q.Code)) + "]"
	}
	return s
}

// formatAge prints how long ago t was, as of now: "0.4 s" under ten
// seconds, then "12 s", "3 min", "5 h", "2 d". A zero t (never read) is "".
// A t in the future (a device clock ahead of ours) counts as now.
func formatAge(t, now time.Time) string {
	if t.IsZero() {
		return ""
	}
	d := now.Sub(t)
	switch {
	case d < 0:
		return "0.0 s"
	case d < 10*time.Second:
		return strconv.FormatFloat(d.Seconds(), 'f', 1, 64) + " s"
	case d < time.Minute:
		return strconv.Itoa(int(d/time.Second)) + " s"
	case d < time.Hour:
		return strconv.Itoa(int(d/time.Minute)) + " min"
	case d < 48*time.Hour:
		return strconv.Itoa(int(d/time.Hour)) + " h"
	}
	return strconv.Itoa(int(d/(24*time.Hour))) + " d"
}

// formatDuration prints a response time: "850 µs", "2.5 ms", "120 ms",
// "1.25 s"; "" for none yet.
func formatDuration(d time.Duration) string {
	switch {
	case d <= 0:
		return ""
	case d < time.Millisecond:
		return strconv.Itoa(int(d/time.Microsecond)) + " µs"
	case d < 10*time.Millisecond:
		return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 1, 64) + " ms"
	case d < time.Second:
		return strconv.Itoa(int(d/time.Millisecond)) + " ms"
	}
	return strconv.FormatFloat(d.Seconds(), 'f', 2, 64) + " s"
}

// formatClock prints a wall time as "15:04:05" when it is on the same day
// as now and with its date otherwise; "" for the zero time.
func formatClock(t, now time.Time) string {
	if t.IsZero() {
		return ""
	}
	ty, tm, td := t.Date()
	ny, nm, nd := now.In(t.Location()).Date()
	if ty == ny && tm == nm && td == nd {
		return t.Format(time.TimeOnly)
	}
	return t.Format(time.DateTime)
}

// formatState prints a device's connection state, with the time to the
// next attempt while it backs off: "backoff, retry in 3 s".
func formatState(s *drivers.Stats, now time.Time) string {
	if s.State == drivers.StateBackoff && s.NextRetry.After(now) {
		d := s.NextRetry.Sub(now)
		return "backoff, retry in " + strconv.Itoa(int((d+time.Second-1)/time.Second)) + " s"
	}
	return s.State.String()
}

// formatLastError prints a device's last error with its time:
// "connection refused (at 15:04:05)"; "" when there was none.
func formatLastError(s *drivers.Stats, now time.Time) string {
	if s.LastError == "" {
		return ""
	}
	if s.LastErrorTime.IsZero() {
		return s.LastError
	}
	return s.LastError + " (at " + formatClock(s.LastErrorTime, now) + ")"
}
