package alarms

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"time"
)

// CSVTimeFormat is the time column of a journal CSV: RFC 3339 in UTC with
// milliseconds, which spreadsheets and pandas read as it is.
const CSVTimeFormat = "2006-01-02T15:04:05.000Z07:00"

// CSVHeader is the header row WriteCSV writes and ReadCSV expects.
var CSVHeader = []string{"time", "alarm", "tag", "area", "priority", "event", "state",
	"value", "limit", "user", "comment", "message"}

// WriteCSV writes recs as CSV (RFC 4180, encoding/csv): CSVHeader, then
// one row per record. Fields are written as they are, quoted where they
// hold commas, quotes or line breaks; a spreadsheet may read a comment
// starting with "=" as a formula.
func WriteCSV(w io.Writer, recs []Record) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return err
	}
	row := make([]string, len(CSVHeader))
	for i := range recs {
		r := &recs[i]
		row[0] = r.Time.UTC().Format(CSVTimeFormat)
		row[1], row[2], row[3] = r.Alarm, r.Tag, r.Area
		row[4], row[5], row[6] = r.Priority.String(), r.Event.String(), r.State.String()
		row[7] = r.Value
		row[8] = strconv.FormatFloat(r.Limit, 'g', -1, 64)
		row[9], row[10], row[11] = r.User, r.Comment, r.Message
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// ErrCSVHeader is returned by ReadCSV when the first row is not CSVHeader.
var ErrCSVHeader = errors.New("alarm journal CSV: unexpected header")

// ReadCSV reads records as WriteCSV writes them (their Seq is 0: a CSV
// does not carry it; times keep milliseconds).
func ReadCSV(r io.Reader) ([]Record, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = len(CSVHeader)
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("alarm journal CSV: %w", err)
	}
	if !slices.Equal(head, CSVHeader) {
		return nil, ErrCSVHeader
	}
	var out []Record
	for {
		row, err := cr.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, fmt.Errorf("alarm journal CSV: %w", err)
		}
		line, _ := cr.FieldPos(0)
		rec, err := parseCSVRow(row)
		if err != nil {
			return out, fmt.Errorf("alarm journal CSV line %d: %w", line, err)
		}
		out = append(out, rec)
	}
}

func parseCSVRow(row []string) (Record, error) {
	r := Record{Alarm: row[1], Tag: row[2], Area: row[3], Value: row[7], User: row[9], Comment: row[10], Message: row[11]}
	var err error
	if r.Time, err = time.Parse(CSVTimeFormat, row[0]); err != nil {
		return r, err
	}
	var ok bool
	if r.Priority, ok = ParsePriority(row[4]); !ok {
		return r, fmt.Errorf("unknown priority %q", row[4])
	}
	if r.Event, ok = ParseEvent(row[5]); !ok {
		return r, fmt.Errorf("unknown event %q", row[5])
	}
	if r.State, ok = ParseState(row[6]); !ok {
		return r, fmt.Errorf("unknown state %q", row[6])
	}
	if r.Limit, err = strconv.ParseFloat(row[8], 64); err != nil {
		return r, err
	}
	return r, nil
}
