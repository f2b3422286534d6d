package project

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/sightglass/sightglass/tags"
)

// csvColumns are the columns tags.csv may have, in any order.
var csvColumns = []string{
	"name", "device", "address", "type", "order", "units", "description", "writable", "critical", "poll",
	"scale_raw_lo", "scale_raw_hi", "scale_eng_lo", "scale_eng_hi",
	"history", "excdev", "excmax", "compdev", "compmax",
}

// csvRequired are the columns tags.csv must have.
var csvRequired = []string{"name", "device", "address", "type"}

// scaleColumns are set all four or none.
var scaleColumns = []string{"scale_raw_lo", "scale_raw_hi", "scale_eng_lo", "scale_eng_hi"}

// utf8BOM starts the CSV files some spreadsheets export.
var utf8BOM = []byte("\xef\xbb\xbf")

// decodeCSV decodes tags.csv: a header line naming the columns, then one
// tag per row. An empty cell is a value not given.
func decodeCSV(r *report, file string, data []byte) []tagEntry {
	cr := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, utf8BOM)))
	cr.FieldsPerRecord = -1 // rows of the wrong width are reported here, with their line
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil // an empty file: no tags
	}
	if err != nil {
		addCSVError(r, file, err)
		return nil
	}
	headerLine, _ := cr.FieldPos(0)
	col := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		switch _, dup := col[h]; {
		case !slices.Contains(csvColumns, h):
			r.add(file, headerLine, "unknown column %q (known: %s)", h, strings.Join(csvColumns, ", "))
		case dup:
			r.add(file, headerLine, "duplicate column %q", h)
		default:
			col[h] = i
		}
	}
	complete := true
	for _, c := range csvRequired {
		if _, ok := col[c]; !ok {
			r.add(file, headerLine, "missing column %q (required: %s)", c, strings.Join(csvRequired, ", "))
			complete = false
		}
	}
	if !complete {
		return nil // every row would lack it: fix the header first
	}

	var out []tagEntry
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			if !addCSVError(r, file, err) {
				return out
			}
			continue
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != len(header) {
			r.add(file, line, "row has %d cells, the header has %d", len(rec), len(header))
			continue
		}
		if strings.TrimSpace(strings.Join(rec, "")) == "" {
			continue // a blank row, as spreadsheets leave
		}
		out = append(out, csvRow(r, file, cr, rec, col, line))
	}
}

// addCSVError reports a CSV syntax error; it returns false if the reader
// cannot go on after it.
func addCSVError(r *report, file string, err error) bool {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		r.add(file, pe.Line, "%s (column %d)", pe.Err, pe.Column)
		return true
	}
	r.add(file, 0, "%s", err)
	return false
}

// csvRow decodes one row into a tag.
func csvRow(r *report, file string, cr *csv.Reader, rec []string, col map[string]int, line int) tagEntry {
	e := tagEntry{marks: newMarks(file, line)}
	t := &e.def
	// cell returns the trimmed text of a column and its line, "" if empty.
	cell := func(name string) (string, int) {
		i, ok := col[name]
		if !ok {
			return "", 0
		}
		v := strings.TrimSpace(rec[i])
		if v == "" {
			return "", 0
		}
		l, _ := cr.FieldPos(i)
		return v, l
	}
	fail := func(key string, l int, msg string) {
		r.add(file, l, "%s", msg)
		e.setBad(key, l)
	}
	for _, s := range []struct {
		key string
		dst *string
	}{{"name", &t.Name}, {"device", &t.Device}, {"address", &t.Address}, {"order", &t.Order}, {"units", &t.Units}, {"description", &t.Description}} {
		if v, l := cell(s.key); l > 0 {
			*s.dst = v
			e.set(s.key, l)
		}
	}
	if v, l := cell("type"); l > 0 {
		var msg string
		if t.Type, t.StrLen, msg = parseType(v); msg != "" {
			fail("type", l, msg)
		} else {
			e.set("type", l)
		}
	}
	for _, b := range []struct {
		key string
		dst *bool
	}{{"writable", &t.Writable}, {"critical", &t.Critical}} {
		if v, l := cell(b.key); l > 0 {
			var msg string
			if *b.dst, msg = parseBool(b.key, v); msg != "" {
				fail(b.key, l, msg)
			} else {
				e.set(b.key, l)
			}
		}
	}
	if v, l := cell("poll"); l > 0 {
		var msg string
		if t.Poll, msg = parseDuration("poll", v); msg != "" {
			fail("poll", l, msg)
		} else {
			e.set("poll", l)
		}
	}
	t.Scale = csvScale(cell, fail, line)
	e.hist = csvHistory(cell, fail, &e.marks)
	return e
}

// csvHistory reads the history columns: history (empty is true), excdev,
// excmax, compdev and compmax.
func csvHistory(cell func(string) (string, int), fail func(string, int, string), m *marks) TagHistory {
	var h TagHistory
	if v, l := cell("history"); l > 0 {
		on, msg := parseBool("history", v)
		if msg != "" {
			fail("history", l, msg)
		} else {
			h.Off = !on
			m.set("history", l)
		}
	}
	for _, c := range []struct {
		key string
		dst *float64
	}{{"excdev", &h.ExcDev}, {"compdev", &h.CompDev}} {
		if v, l := cell(c.key); l > 0 {
			var msg string
			if *c.dst, msg = parseDeadband(c.key, v); msg != "" {
				fail(c.key, l, msg)
			} else {
				m.set(c.key, l)
			}
		}
	}
	for _, c := range []struct {
		key string
		dst *time.Duration
	}{{"excmax", &h.ExcMax}, {"compmax", &h.CompMax}} {
		if v, l := cell(c.key); l > 0 {
			d, msg := parseLongDuration(c.key, v)
			if msg == "" {
				msg = checkLongDuration(c.key, v, d)
			}
			if msg != "" {
				fail(c.key, l, msg)
			} else {
				*c.dst = d
				m.set(c.key, l)
			}
		}
	}
	return h
}

// csvScale reads the four scale columns: all empty is no scale.
func csvScale(cell func(string) (string, int), fail func(string, int, string), line int) *tags.Scale {
	var ends [4]float64
	given, ok := 0, true
	for i, c := range scaleColumns {
		v, l := cell(c)
		if l == 0 {
			continue
		}
		given++
		var msg string
		if ends[i], msg = parseNumber(c, v); msg != "" {
			fail("scale", l, msg)
			ok = false
		}
	}
	switch {
	case given == 0:
		return nil
	case given < len(scaleColumns):
		fail("scale", line, "scale: set all four of "+strings.Join(scaleColumns, ", ")+", or none")
		return nil
	case !ok:
		return nil
	}
	return &tags.Scale{Raw: [2]float64{ends[0], ends[1]}, Eng: [2]float64{ends[2], ends[3]}}
}
