package auth

import (
	"bytes"
	"testing"
	"time"
)

func TestWriteAuditCSV(t *testing.T) {
	es := []AuditEntry{
		{Seq: 1, AuditRecord: AuditRecord{Time: time.Date(2026, 3, 1, 9, 30, 0, 123456789, time.FixedZone("CET", 3600)),
			Station: "s1", User: "ann", Action: ActWrite, Target: "Plant.T1.SP", Old: "-5", New: "6,5", Result: "ok",
			Reason: `said "go"`, Detail: "line1\nline2"}},
		{Seq: 2, AuditRecord: AuditRecord{Time: time.Date(2026, 3, 1, 8, 31, 0, 0, time.UTC),
			Action: ActStationStop, User: "=HYPERLINK(\"http://x\")", Target: "+1", Old: "@SUM(A1)", New: "\tx", Reason: "a=b"}},
	}
	var b bytes.Buffer
	if err := WriteAuditCSV(&b, es); err != nil {
		t.Fatal(err)
	}
	want := "seq,time,station,user,action,target,old,new,result,reason,detail\n" +
		"1,2026-03-01T08:30:00.123Z,s1,ann,write,Plant.T1.SP," + // UTC, milliseconds
		"'-5," + // a leading - neutralised
		"\"6,5\",ok," + // a comma quoted
		"\"said \"\"go\"\"\"," + // quotes doubled
		"\"line1\nline2\"\n" + // a line break quoted
		"2,2026-03-01T08:31:00.000Z,," + // no station
		"\"'=HYPERLINK(\"\"http://x\"\")\",station-stop,'+1,'@SUM(A1),'\tx,," + // formulas neutralised
		"a=b,\n" // = inside a cell left alone
	if b.String() != want {
		t.Fatalf("got\n%q\nwant\n%q", b.String(), want)
	}
}
