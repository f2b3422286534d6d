package auth

import (
	"encoding/csv"
	"io"
	"strconv"
)

// AuditCSVTimeFormat is the time column of an audit CSV: RFC 3339 in UTC
// with milliseconds, which spreadsheets and pandas read as it is.
const AuditCSVTimeFormat = "2006-01-02T15:04:05.000Z07:00"

// AuditCSVHeader is the header row WriteAuditCSV writes.
var AuditCSVHeader = []string{"seq", "time", "station", "user", "action", "target",
	"old", "new", "result", "reason", "detail"}

// WriteAuditCSV writes entries as CSV (RFC 4180, encoding/csv):
// AuditCSVHeader, then one row per entry. A cell that starts with = + - @
// (or a tab or carriage return) is prefixed with ' so that a spreadsheet
// shows it as text instead of running it as a formula (OWASP "CSV
// injection"): a negative value -5 is written '-5.
func WriteAuditCSV(w io.Writer, entries []AuditEntry) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(AuditCSVHeader); err != nil {
		return err
	}
	row := make([]string, len(AuditCSVHeader))
	for i := range entries {
		e := &entries[i]
		row[0] = strconv.FormatUint(e.Seq, 10)
		row[1] = e.Time.UTC().Format(AuditCSVTimeFormat)
		for j, s := range [...]string{e.Station, e.User, string(e.Action), e.Target, e.Old, e.New, e.Result, e.Reason, e.Detail} {
			row[2+j] = csvCell(s)
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// csvCell neutralises s for a spreadsheet: ' before a leading = + - @,
// tab or carriage return, the characters that make a cell a formula.
func csvCell(s string) string {
	if s != "" {
		switch s[0] {
		case '=', '+', '-', '@', '\t', '\r':
			return "'" + s
		}
	}
	return s
}
