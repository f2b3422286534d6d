package alarms

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestStatusJSONUsesNames(t *testing.T) {
	in := Status{ID: "T/hi", Tag: "T", Kind: Hi, Priority: Medium, State: RTNUnack, Changed: time.Unix(1, 0).UTC()}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"Kind":"hi"`, `"Priority":"medium"`, `"State":"rtn-unacked"`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("%s lacks %s", b, want)
		}
	}
	var out Status
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	if out != in {
		t.Errorf("round trip: %+v, want %+v", out, in)
	}
	if err := json.Unmarshal([]byte(`{"Priority":"urgent"}`), &out); err == nil {
		t.Error("an unknown priority decoded")
	}
}

func TestRecordRoundTrip(t *testing.T) {
	in := Record{Time: time.Date(2026, 11, 25, 8, 0, 0, 123e6, time.UTC), Alarm: "T/lo", Tag: "T", Area: "A",
		Priority: Critical, Event: EvShelve, State: Acked, Value: "1.5 m", Limit: 0.3, User: "ann", Comment: "a, \"b\"", Message: "m"}
	out, err := DecodeRecord(7, EncodeRecord(&in))
	if err != nil {
		t.Fatal(err)
	}
	in.Seq = 7
	if out != in {
		t.Errorf("round trip: %+v, want %+v", out, in)
	}
	if _, err := DecodeRecord(1, []byte(`{"prio":"high","ev":"explode","state":"normal"}`)); err == nil {
		t.Error("an unknown event decoded")
	}
}
