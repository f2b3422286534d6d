package project

import (
	"fmt"
	"math"
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
	cfg drivers.DeviceConfig
	marks
}

// tagEntry is a tag as decoded from YAML or CSV, before checks.
type tagEntry struct {
	def tags.Def
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
