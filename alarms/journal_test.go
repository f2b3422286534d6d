package alarms

import (
	"bufio"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/sightglass/sightglass/state"
)

// openJournal writes recs through a real state.Local in a temporary
// directory, as the engine does (Apply with EncodeRecord), one Apply per
// chunk records, and returns the store.
func openJournal(tb testing.TB, dir string, recs []Record, chunk int) *state.Local {
	tb.Helper()
	st, err := state.OpenLocal(filepath.Join(dir, "state.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	for i := 0; i < len(recs); i += chunk {
		var b state.Batch
		for j := i; j < min(i+chunk, len(recs)); j++ {
			b.Appends = append(b.Appends, state.Entry{Log: JournalLog, Rec: EncodeRecord(&recs[j])})
		}
		if _, err := st.Apply(b); err != nil {
			tb.Fatal(err)
		}
	}
	return st
}

// loadJournal reads a hand-written journal from testdata: one record per
// line as EncodeRecord writes it, numbered from 1.
func loadJournal(t *testing.T, name string) []Record {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var recs []Record
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		r, err := DecodeRecord(uint64(len(recs)+1), sc.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, r)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return recs
}

func seqs(recs []Record) []uint64 {
	out := make([]uint64, len(recs))
	for i, r := range recs {
		out[i] = r.Seq
	}
	return out
}

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	tm, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

func TestJournalRecordTime(t *testing.T) {
	berlin := time.FixedZone("CET", 3600)
	for _, tm := range []time.Time{
		time.Date(2024, 3, 1, 8, 0, 0, 0, time.UTC),
		time.Date(2024, 3, 1, 8, 0, 0, 123456789, time.UTC),
		time.Date(2024, 3, 1, 9, 0, 0, 5000000, berlin), // EncodeRecord stores UTC
		{},
	} {
		b := EncodeRecord(&Record{Time: tm, Alarm: "A/hi", Comment: `"t":"1999-01-01T00:00:00Z"`})
		got, err := recordTime(1, b)
		if err != nil || !got.Equal(tm) {
			t.Errorf("recordTime(%s) = %v, %v; want %v", b, got, err, tm)
		}
	}
	// Another writer's key order: the slow path.
	got, err := recordTime(2, []byte(`{"alarm":"A/hi","t":"2024-03-01T08:00:00.5+01:00"}`))
	if want := time.Date(2024, 3, 1, 7, 0, 0, 5e8, time.UTC); err != nil || !got.Equal(want) {
		t.Errorf("slow path = %v, %v; want %v", got, err, want)
	}
	for _, bad := range []string{`{"alarm":"A/hi"}`, `not json`, `{"t":"yesterday"}`} {
		if _, err := recordTime(3, []byte(bad)); !errors.Is(err, ErrJournalTime) {
			t.Errorf("recordTime(%s) error %v, want ErrJournalTime", bad, err)
		}
	}
}

// TestSearchFilters runs each filter over the hand-written day journal
// (testdata/day.jsonl, 72 records) written through a real state.Local;
// the expected sequence numbers are read off the file by line number.
func TestSearchFilters(t *testing.T) {
	recs := loadJournal(t, "day.jsonl")
	st := openJournal(t, t.TempDir(), recs, 10)

	flow := func(from, to uint64) []uint64 { // lines from..to inclusive
		var s []uint64
		for i := from; i <= to; i++ {
			s = append(s, i)
		}
		return s
	}
	for _, tc := range []struct {
		name string
		q    Query
		want []uint64
	}{
		{"all", Query{}, flow(1, 72)},
		{"from", Query{From: mustTime(t, "2024-03-01T12:00:00Z")}, []uint64{69, 70, 71, 72}},
		{"to exclusive", Query{To: mustTime(t, "2024-02-29T20:05:00Z")}, []uint64{1, 2, 3}},
		{"window", Query{From: mustTime(t, "2024-03-01T02:00:00Z"), To: mustTime(t, "2024-03-01T04:00:00Z")}, []uint64{7, 8, 9, 10}},
		{"empty window", Query{From: mustTime(t, "2024-03-01T06:00:00Z"), To: mustTime(t, "2024-03-01T07:00:00Z")}, nil},
		{"tag", Query{Tag: "Plant.P1.Temp"}, []uint64{66, 67, 68, 69, 72}},
		{"tag is exact", Query{Tag: "Plant.P1"}, nil},
		{"area subtree", Query{Area: "Plant.P2"}, []uint64{1, 2, 5, 6, 13, 14, 71}},
		{"area not a name prefix", Query{Area: "Plant.P1."}, append(append([]uint64{3, 4}, flow(15, 65)...), 66, 67, 68, 69, 70, 72)},
		{"area P10", Query{Area: "Plant.P10"}, []uint64{7, 8, 9, 10, 11, 12}},
		{"priorities", Query{Priorities: []Priority{Critical, High}}, []uint64{2, 6, 71}},
		{"events", Query{Events: []Event{EvShelve, EvUnshelve, EvRealarm}}, []uint64{7, 10, 68}},
		{"user", Query{User: "ANN"}, []uint64{1, 7, 67}},
		{"text in comment", Query{Text: "wo-17"}, []uint64{7}},
		{"text in message", Query{Text: "HIGH HIGH"}, []uint64{2}},
		{"text in alarm", Query{Text: "diag/"}, []uint64{13, 14}},
		{"combined", Query{From: mustTime(t, "2024-03-01T00:00:00Z"), To: mustTime(t, "2024-03-02T00:00:00Z"),
			Area: "Plant.P1", Events: []Event{EvAck, EvRealarm}}, []uint64{65, 67, 68}},
		{"limit newest", Query{Events: []Event{EvActive}, Limit: 3}, []uint64{63, 66, 72}},
		{"limit above matches", Query{Tag: "Plant.P2.Pump", Limit: 10}, []uint64{6, 71}},
	} {
		got, err := Search(st, tc.q)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if !slices.Equal(seqs(got), tc.want) {
			t.Errorf("%s: got %v\nwant %v", tc.name, seqs(got), tc.want)
		}
	}

	// What Search returns is what was journaled.
	got, err := Search(st, Query{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range recs {
		if !got[i].Time.Equal(recs[i].Time) {
			t.Fatalf("record %d time %v, want %v", i+1, got[i].Time, recs[i].Time)
		}
		got[i].Time = recs[i].Time
		if got[i] != recs[i] {
			t.Fatalf("record %d\n got %+v\nwant %+v", i+1, got[i], recs[i])
		}
	}
}

// skewedJournal is n records 10 s apart whose times are off by up to
// ±skew/2 (so out of order by up to skew), with a few filterable fields.
func skewedJournal(n int, skew time.Duration, seed uint64) []Record {
	rng := rand.New(rand.NewPCG(seed, 1))
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	recs := make([]Record, n)
	for i := range recs {
		jitter := time.Duration(rng.Int64N(int64(skew))) - skew/2
		recs[i] = Record{
			Seq:      uint64(i + 1),
			Time:     base.Add(time.Duration(i)*10*time.Second + jitter),
			Alarm:    []string{"A/hi", "B/lo", "C/bad"}[i%3],
			Tag:      []string{"A", "B", "C"}[i%3],
			Priority: Priority(i % 4),
			Event:    Event(i % 2),
		}
	}
	return recs
}

// bruteSearch is Search's contract, checked record by record.
func bruteSearch(recs []Record, q Query) []uint64 {
	m := newMatcher(q)
	var out []uint64
	for i := range recs {
		if m.inTime(recs[i].Time) && m.match(&recs[i]) {
			out = append(out, recs[i].Seq)
		}
	}
	if q.Limit > 0 && len(out) > q.Limit {
		out = out[len(out)-q.Limit:]
	}
	return out
}

// TestSearchTimeRange holds the binary search to a linear scan over a
// journal whose times are out of order by up to JournalSkew, at random
// windows and at exact record times (From inclusive, To exclusive).
func TestSearchTimeRange(t *testing.T) {
	recs := skewedJournal(2000, JournalSkew, 7)
	st := openJournal(t, t.TempDir(), recs, 1000)
	rng := rand.New(rand.NewPCG(8, 9))
	first, last := recs[0].Time.Add(-time.Hour), recs[len(recs)-1].Time.Add(time.Hour)
	span := int64(last.Sub(first))
	at := func() time.Time { return first.Add(time.Duration(rng.Int64N(span))) }
	for i := range 150 {
		q := Query{From: at(), To: at()}
		switch i % 6 {
		case 0:
			q.From = time.Time{}
		case 1:
			q.To = time.Time{}
		case 2: // exactly at records
			q.From, q.To = recs[rng.IntN(len(recs))].Time, recs[rng.IntN(len(recs))].Time
		case 3:
			q.Tag = "B"
		case 4:
			q.Limit = 1 + rng.IntN(700)
			q.Events = []Event{EvClear}
		case 5:
			q.To = q.From.Add(time.Duration(rng.Int64N(int64(2 * time.Hour))))
		}
		if q.To.Before(q.From) && !q.To.IsZero() && i%6 != 2 {
			q.From, q.To = q.To, q.From
		}
		got, err := Search(st, q)
		if err != nil {
			t.Fatal(err)
		}
		if want := bruteSearch(recs, q); !slices.Equal(seqs(got), want) {
			t.Fatalf("query %+v: got %d records %v…, want %d %v…", q, len(got), head(seqs(got)), len(want), head(want))
		}
	}
}

func head(s []uint64) []uint64 { return s[:min(5, len(s))] }

// TestSearchLimitBlocks: a Limit larger than the first backward block,
// over sparse and dense matches.
func TestSearchLimitBlocks(t *testing.T) {
	recs := skewedJournal(3000, time.Second, 3)
	st := openJournal(t, t.TempDir(), recs, 3000)
	for _, q := range []Query{
		{Limit: 1},
		{Limit: searchBlock},
		{Limit: searchBlock + 1},
		{Limit: 2999},
		{Limit: 5000},
		{Tag: "C", Limit: 900},
		{Tag: "C", Priorities: []Priority{Critical}, Limit: 10}, // i%3==2 and i%4==0: none
		{Tag: "A", Priorities: []Priority{Critical}, Limit: 10}, // i%12==0
		{From: recs[1000].Time, To: recs[1500].Time, Limit: 300},
	} {
		got, err := Search(st, q)
		if err != nil {
			t.Fatal(err)
		}
		if want := bruteSearch(recs, q); !slices.Equal(seqs(got), want) {
			t.Errorf("query %+v: got %d records, want %d", q, len(got), len(want))
		}
	}
}

func TestSearchEmptyJournal(t *testing.T) {
	st := openJournal(t, t.TempDir(), nil, 1)
	for _, q := range []Query{{}, {From: time.Now()}, {Limit: 5}} {
		got, err := Search(st, q)
		if err != nil || len(got) != 0 {
			t.Errorf("Search(%+v) on an empty journal = %v, %v", q, got, err)
		}
	}
}

// TestSearchBadRecord: a record that does not decode is an error naming
// its sequence number, not a crash or a silent gap.
func TestSearchBadRecord(t *testing.T) {
	st, err := state.OpenLocal(filepath.Join(t.TempDir(), "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	good := EncodeRecord(&Record{Time: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), Alarm: "A/hi", Event: EvActive})
	if _, err := st.Apply(state.Batch{Appends: []state.Entry{
		{Log: JournalLog, Rec: good}, {Log: JournalLog, Rec: []byte(`{"t":"2024-01-01T00:00:01Z","prio":"urgent"}`)},
	}}); err != nil {
		t.Fatal(err)
	}
	if _, err := Search(st, Query{}); err == nil {
		t.Error("Search over a bad record: no error")
	}
	if _, err := Search(st, Query{From: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}); err == nil {
		t.Error("Search from a time over a bad record: no error")
	}
}

// TestJournalReplayStops: Replay returns fn's error and reads no further.
func TestJournalReplayStops(t *testing.T) {
	recs := skewedJournal(100, time.Second, 1)
	st := openJournal(t, t.TempDir(), recs, 100)
	stop := errors.New("enough")
	n := 0
	err := Replay(st, Query{}, func(Record) error {
		if n++; n == 10 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || n != 10 {
		t.Errorf("Replay = %v after %d records, want %v after 10", err, n, stop)
	}
}

func TestJournalInArea(t *testing.T) {
	for _, tc := range []struct {
		area, under string
		want        bool
	}{
		{"Plant.P1", "", true},
		{"", "", true},
		{"Plant.P1", "Plant.P1", true},
		{"Plant.P1.Motor", "Plant.P1", true},
		{"Plant.P1.Motor", "Plant.P1.", true},
		{"Plant.P10", "Plant.P1", false},
		{"Plant", "Plant.P1", false},
		{"", "Plant", false},
	} {
		if got := InArea(tc.area, tc.under); got != tc.want {
			t.Errorf("InArea(%q, %q) = %v, want %v", tc.area, tc.under, got, tc.want)
		}
	}
}

// TestSearchPrefilter: the byte prefilter never turns away a record that
// matches once decoded, over awkward strings (escaped characters, the
// Kelvin sign that lower-cases to "k", a dotless I, quotes in comments).
func TestSearchPrefilter(t *testing.T) {
	words := []string{"", "k", "K", "\u212a", "İ", "i", "Plant.P1", "Plant.P1.Motor", "Plant.P10", "a<b", `"tag":"x"`,
		"x", "low", `"prio":"low"`, "tab\there", "O'Brien", "zoë", "Zoë", "100 %", "\u2028"}
	rng := rand.New(rand.NewPCG(5, 6))
	pick := func() string { return words[rng.IntN(len(words))] }
	var recs []Record
	for range 300 {
		recs = append(recs, Record{Time: time.Unix(1e9, 0).UTC(), Alarm: pick() + "/" + pick(), Tag: pick(), Area: pick(),
			Priority: Priority(rng.IntN(NumPriorities)), Event: Event(rng.IntN(NumEvents)), User: pick(), Comment: pick() + " " + pick(), Message: pick()})
	}
	enc := make([][]byte, len(recs))
	for i := range recs {
		enc[i] = EncodeRecord(&recs[i])
		d, err := DecodeRecord(1, enc[i])
		if err != nil {
			t.Fatal(err)
		}
		recs[i] = d
	}
	matches, skipped := 0, 0
	for range 300 {
		q := Query{Tag: pick(), Area: pick(), User: pick(), Text: pick()}
		if rng.IntN(2) == 0 {
			q.Priorities = []Priority{Priority(rng.IntN(NumPriorities))}
			q.Events = []Event{Event(rng.IntN(NumEvents)), Event(rng.IntN(NumEvents))}
		}
		for _, f := range []func(*Query){func(q *Query) { q.Tag = "" }, func(q *Query) { q.Area = "" }, func(q *Query) { q.User = "" }} {
			if rng.IntN(2) == 0 {
				f(&q)
			}
		}
		m := newMatcher(q)
		for i := range recs {
			match, pass := m.match(&recs[i]), m.prefilter(enc[i])
			if match && !pass {
				t.Fatalf("prefilter turns away a match:\nquery %+v\nrecord %s", q, enc[i])
			}
			if match {
				matches++
			}
			if !pass {
				skipped++
			}
		}
	}
	t.Logf("%d matches, %d of %d records skipped undecoded", matches, skipped, 300*len(recs))
	if matches < 100 || skipped < 10000 {
		t.Errorf("%d matches, %d records skipped undecoded: the test tests little", matches, skipped)
	}
}
