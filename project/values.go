package project

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/sightglass/sightglass/drivers"
	"github.com/sightglass/sightglass/tags"
)

// marks records where a device or tag was written: its item's line, the
// line of every key that was given, and which of those held a bad value
// (already reported). A bad value leaves the field unset, so defaults
// apply and no check reports it a second time.
type marks struct {
	file string
	line int            // the item: a YAML mapping or a CSV row
	at   map[string]int // key → line of its value
	bad  map[string]bool
}

func newMarks(file string, line int) marks {
	return marks{file: file, line: line, at: map[string]int{}, bad: map[string]bool{}}
}

// set records that key was given a good value at line.
func (m *marks) set(key string, line int) { m.at[key] = line }

// setBad records that key was given a value that was reported as wrong.
func (m *marks) setBad(key string, line int) {
	m.at[key] = line
	m.bad[key] = true
}

// has reports whether key holds a good value.
func (m *marks) has(key string) bool { return m.at[key] > 0 && !m.bad[key] }

// given reports whether key was written at all, good or bad.
func (m *marks) given(key string) bool { return m.at[key] > 0 }

// lineOf is the line of key's value, or the item's line if it has none.
func (m *marks) lineOf(key string) int {
	if l := m.at[key]; l > 0 {
		return l
	}
	return m.line
}

// deviceEntry is a device as decoded, before defaults and checks.
type deviceEntry struct {
	cfg  drivers.DeviceConfig
	mode string // opcua: "subscribe" or "poll", as written
	marks
}

// tagEntry is a tag as decoded from YAML or CSV, before checks.
type tagEntry struct {
	def  tags.Def
	hist TagHistory        // its keys are marked as excdev, excmax, compdev, compmax
	item drivers.OPCUAItem // opcua monitoring: sampling, queue, deadband
	marks
}

// historyEntry is the history section as decoded, before defaults and
// checks. text holds what was written for each duration, for messages.
type historyEntry struct {
	h    History
	text map[string]string
	marks
}

// The text forms of values, shared by the YAML and CSV decoders. Each
// returns a message for the user when the text is wrong.

// parseDuration parses a positive Go duration: "250ms", "1s", "2m".
func parseDuration(key, s string) (time.Duration, string) {
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Sprintf("%s: want a duration as 500ms, 1s or 2m, got %q", key, s)
	}
	if d <= 0 {
		return 0, fmt.Sprintf("%s: want a duration more than zero, got %q", key, s)
	}
	return d, ""
}

// longDuration is a Go duration or a whole number of days, weeks or
// years, as history durations are written: "90m", "24h", "365d", "2w",
// "10y".
var longDuration = regexp.MustCompile(`^([-+]?)([0-9]+)([dwy])$`)

// longUnits are the units longDuration adds to Go's; a year is 365 days.
var longUnits = map[string]time.Duration{"d": 24 * time.Hour, "w": 7 * 24 * time.Hour, "y": 365 * 24 * time.Hour}

// parseLongDuration parses a history duration: a Go duration ("90m",
// "24h") or a whole number of days, weeks or years ("365d", "2w", "10y").
// It does not check the sign; callers say why a duration must be positive.
func parseLongDuration(key, s string) (time.Duration, string) {
	if d, err := time.ParseDuration(s); err == nil {
		return d, ""
	}
	m := longDuration.FindStringSubmatch(s)
	if m == nil {
		return 0, fmt.Sprintf("%s: want a duration as 90m, 24h, 30d, 2w or 10y, got %q", key, s)
	}
	n, err := strconv.ParseInt(m[2], 10, 64)
	unit := longUnits[m[3]]
	if err != nil || n > math.MaxInt64/int64(unit) {
		return 0, fmt.Sprintf("%s: %q is too long: at most 292y", key, s)
	}
	d := time.Duration(n) * unit
	if m[1] == "-" {
		d = -d
	}
	return d, ""
}

// Bounds of the span of one raw history file.
const (
	minPartition = time.Hour
	maxPartition = 31 * 24 * time.Hour
)

// checkLongDuration checks the range of history duration key, written s:
// a raw history file spans 1h to 31d, and every other duration is more
// than zero.
func checkLongDuration(key, s string, d time.Duration) string {
	switch {
	case key == "partition" && (d < minPartition || d > maxPartition):
		return fmt.Sprintf("partition: want 1h to 31d, got %q", s)
	case d > 0:
		return ""
	case key == "raw" || key == "rollups":
		return fmt.Sprintf("%s: want a duration more than zero, got %q; omit it to keep forever", key, s)
	}
	return fmt.Sprintf("%s: want a duration more than zero, got %q", key, s)
}

// parseDeadband parses a compression deadband, in engineering units: a
// finite number, 0 or more.
func parseDeadband(key, s string) (float64, string) {
	f, msg := parseNumber(key, s)
	if msg != "" {
		return 0, msg
	}
	return checkDeadband(key, s, f)
}

// checkDeadband refuses a negative deadband; s is its text, for the message.
func checkDeadband(key, s string, f float64) (float64, string) {
	if f < 0 {
		return 0, fmt.Sprintf("%s: want a number 0 or more (engineering units), got %q", key, s)
	}
	if f == 0 {
		f = 0 // not -0
	}
	return f, ""
}

// parseBool accepts true/false, yes/no and 1/0, in any case.
func parseBool(key, s string) (bool, string) {
	switch strings.ToLower(s) {
	case "true", "yes", "1":
		return true, ""
	case "false", "no", "0":
		return false, ""
	}
	return false, fmt.Sprintf("%s: want true or false, got %q", key, s)
}

// parseNumber parses a finite number for a scale end.
func parseNumber(key, s string) (float64, string) {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, fmt.Sprintf("%s: want a number, got %q", key, s)
	}
	return f, ""
}

// typeList names the types a project can give a tag, for messages.
const typeList = "bool, int16, uint16, int32, uint32, int64, uint64, float32, float64 or string:N"

// parseType parses a tag type as tags.ParseType does, refusing "string"
// without a length.
func parseType(s string) (tags.DataType, int, string) {
	t, n, ok := tags.ParseType(s)
	switch {
	case s == "string":
		return 0, 0, "string length missing: write string:N"
	case !ok && t == tags.TypeString:
		return 0, 0, fmt.Sprintf("type %q: the string length must be a whole number more than zero, as string:20", s)
	case !ok:
		return 0, 0, fmt.Sprintf("type %q: want %s", s, typeList)
	}
	return t, n, ""
}
