package alarms

import (
	"bytes"
	"encoding/csv"
	"errors"
	"strings"
	"testing"
	"time"
)

// TestCSVBytes: the exact bytes of an export, field by field.
func TestCSVBytes(t *testing.T) {
	recs := []Record{{
		Seq:   7,
		Time:  time.Date(2024, 3, 1, 9, 0, 0, 123456789, time.FixedZone("CET", 3600)), // 08:00:00.123 UTC
		Alarm: "Plant.P1.Temp/hi", Tag: "Plant.P1.Temp", Area: "Plant.P1", Priority: Medium,
		Event: EvAck, State: Acked, Value: "81.5 °C", Limit: 80.25, User: "ann",
		Comment: `seen, "again"`, Message: "Temp high\nsecond line",
	}, {
		Time:  time.Date(2024, 3, 1, 8, 0, 1, 0, time.UTC),
		Alarm: "A/bad", Tag: "A", Priority: Diagnostic, Event: EvClear, State: Normal,
	}}
	var b bytes.Buffer
	if err := WriteCSV(&b, recs); err != nil {
		t.Fatal(err)
	}
	want := "time,alarm,tag,area,priority,event,state,value,limit,user,comment,message\n" +
		"2024-03-01T08:00:00.123Z," + // time: UTC, milliseconds (truncated)
		"Plant.P1.Temp/hi,Plant.P1.Temp,Plant.P1," + // alarm, tag, area
		"medium,ack,acked," + // priority, event, state: names
		"81.5 °C,80.25,ann," + // value, limit (shortest float), user
		`"seen, ""again""",` + // comment: a comma and quotes, quoted with quotes doubled
		"\"Temp high\nsecond line\"\n" + // message: a line break, quoted
		"2024-03-01T08:00:01.000Z,A/bad,A,,diagnostic,clear,normal,,0,,,\n" // empty fields stay empty
	if b.String() != want {
		t.Errorf("WriteCSV:\n%s\nwant:\n%s", b.String(), want)
	}
}

// TestCSVRoundTrip: what WriteCSV writes, ReadCSV (and any RFC 4180
// reader) reads back field for field.
func TestCSVRoundTrip(t *testing.T) {
	recs := []Record{
		{Time: time.Date(2024, 3, 1, 8, 0, 0, 5e6, time.UTC), Alarm: "P,1/hi", Tag: "P,1", Area: "A\"B",
			Priority: Critical, Event: EvShelve, State: Unacked, Value: "2024-03-01T09:00:00Z", Limit: -1.5e-7,
			User: "zoë", Comment: "line one\r\nline two, \"quoted\"\n", Message: `,"`},
		{Time: time.Date(2024, 3, 1, 8, 0, 0, 0, time.UTC), Alarm: " lead/state", Comment: "=1+1", Event: EvLimit, Limit: 1e300},
		{Time: time.Date(1999, 12, 31, 23, 59, 59, 999e6, time.UTC), Message: "\"", Event: EvOutOfService, State: Latched},
	}
	var b bytes.Buffer
	if err := WriteCSV(&b, recs); err != nil {
		t.Fatal(err)
	}
	got, err := ReadCSV(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(recs) {
		t.Fatalf("read %d records, want %d", len(got), len(recs))
	}
	for i := range recs {
		w := recs[i]
		// encoding/csv turns \r\n inside a quoted field into \n.
		w.Comment = strings.ReplaceAll(w.Comment, "\r\n", "\n")
		if !got[i].Time.Equal(w.Time) {
			t.Errorf("record %d time %v, want %v", i, got[i].Time, w.Time)
		}
		got[i].Time = w.Time
		if got[i] != w {
			t.Errorf("record %d\n got %+v\nwant %+v", i, got[i], w)
		}
	}
	rows, err := csv.NewReader(bytes.NewReader(b.Bytes())).ReadAll()
	if err != nil || len(rows) != 4 || len(rows[1]) != len(CSVHeader) {
		t.Errorf("encoding/csv reads %d rows, %v", len(rows), err)
	}
}

func TestCSVReadErrors(t *testing.T) {
	head := strings.Join(CSVHeader, ",") + "\n"
	for _, tc := range []struct {
		name, in string
		is       error
	}{
		{"empty", "", nil},
		{"header", "time,alarm\n", nil},
		{"other header", strings.Replace(head, "user", "operator", 1), ErrCSVHeader},
		{"time", head + "yesterday,A,A,,low,active,unacked,,0,,,\n", nil},
		{"priority", head + "2024-03-01T08:00:00.000Z,A,A,,urgent,active,unacked,,0,,,\n", nil},
		{"limit", head + "2024-03-01T08:00:00.000Z,A,A,,low,active,unacked,,x,,,\n", nil},
	} {
		_, err := ReadCSV(strings.NewReader(tc.in))
		if err == nil || (tc.is != nil && !errors.Is(err, tc.is)) {
			t.Errorf("%s: ReadCSV error %v", tc.name, err)
		}
	}
}
