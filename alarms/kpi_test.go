package alarms

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"
)

var (
	day0 = time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	day1 = day0.Add(24 * time.Hour)
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

// checkFigure checks one figure by key: its value and its verdict.
func checkFigure(t *testing.T, k KPIs, key string, value float64, ok bool) {
	t.Helper()
	f, found := k.Figure(key)
	if !found {
		t.Fatalf("no figure %q", key)
	}
	if !near(f.Value, value) || f.OK != ok {
		t.Errorf("%s = %v (ok %v), want %v (ok %v)", key, f.Value, f.OK, value, ok)
	}
}

// TestReportDay checks every figure of testdata/day.jsonl over 1 March
// 2024 (00:00 to 24:00 UTC: 144 ten-minute intervals), by hand:
//
//	alarm                  prio        in the period                               annunciations
//	Plant.P1.Flow/lo       low         25 activations 24 s apart from 08:00:00      25
//	Plant.P1.Temp/hi       medium      active 10:00, ack, re-alarm 11:00, clear     2
//	                                   12:00 (its active at 2 Mar 00:00 is after)
//	Plant.P1.Press/hi      low         active 29 Feb 20:00, clear 1 Mar 21:00       0 (25 h: stale)
//	Plant.P2.Pump/bad      critical    active 01:00, clear 23:00 (22 h: not stale)  1
//	Plant.P2.Level/hihi    high        active 28 Feb 06:00, never cleared           0 (66 h at 2 Mar: stale)
//	Plant.P2.Mixer/hi      medium      first record an ack 27 Feb 12:00 (acked:     0 (60.5 h: stale)
//	                                   active before), clear 1 Mar 00:30
//	Plant.P10.Valve/state  low         shelved 02:00, active 02:30 (hidden), clear, 1 (+1 hidden)
//	                                   unshelved 03:00, active 04:00, clear 04:01
//	Plant.P2.Diag/bad      diagnostic  active 05:00, clear 05:01                    1
//
// Annunciated 30, hidden 1. Per 10 min 30/144 = 0.2083; per day 30.
// Peak: 25 in 08:00–08:10, the only flood: 10 min of 1440 = 0.6944 %.
// Top 10 is all 5 alarms: 100 %; Flow/lo 25/30 = 83.33 %.
// Chattering: Flow/lo (08:00:00, :24, :48 within 60 s; :00 to 01:12 is
// 72 s, so at most 3). Stale: Press, Level, Mixer (3 < 5: ok).
// Priorities of the 29 non-diagnostic: high+critical 1 = 3.448 %,
// medium 2 = 6.897 %, low 26 = 89.66 %.
func TestReportDay(t *testing.T) {
	recs := loadJournal(t, "day.jsonl")
	// Through a real store, as a report reads it: everything before the
	// period's end, so that standing alarms are seen.
	st := openJournal(t, t.TempDir(), recs, 16)
	got, err := Search(st, Query{To: day1})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 71 {
		t.Fatalf("search: %d records, want 71", len(got))
	}
	k := Report(got, day0, day1, "")

	if k.Annunciated != 30 || k.Hidden != 1 {
		t.Errorf("annunciated %d hidden %d, want 30 and 1", k.Annunciated, k.Hidden)
	}
	checkFigure(t, k, "annunciated", 30, true)
	checkFigure(t, k, "hidden", 1, true)
	checkFigure(t, k, "per_10min", 30.0/144, true)
	checkFigure(t, k, "per_day", 30, true)
	checkFigure(t, k, "peak_10min", 25, false)
	checkFigure(t, k, "flood_pct", 100*10.0/1440, true) // 0.69 % < 1 %
	checkFigure(t, k, "top10_pct", 100, false)
	checkFigure(t, k, "chattering", 1, false)
	checkFigure(t, k, "stale", 3, true)
	checkFigure(t, k, "prio_high_pct", 100*1.0/29, true)
	checkFigure(t, k, "prio_medium_pct", 100*2.0/29, true)
	checkFigure(t, k, "prio_low_pct", 100*26.0/29, true)
	if !k.PeakAt.Equal(day0.Add(8*time.Hour)) || k.FloodIntervals != 1 || k.FloodTime != 10*time.Minute {
		t.Errorf("peak at %v, %d flood intervals, %v in flood", k.PeakAt, k.FloodIntervals, k.FloodTime)
	}
	if want := [NumPriorities]int{1, 0, 2, 26, 1}; k.ByPriority != want {
		t.Errorf("by priority %v, want %v", k.ByPriority, want)
	}

	wantTop := []AlarmCount{
		{"Plant.P1.Flow/lo", "Plant.P1", Low, 25, 100 * 25.0 / 30},
		{"Plant.P1.Temp/hi", "Plant.P1", Medium, 2, 100 * 2.0 / 30},
		{"Plant.P10.Valve/state", "Plant.P10", Low, 1, 100 * 1.0 / 30}, // ties by ID
		{"Plant.P2.Diag/bad", "Plant.P2", Diagnostic, 1, 100 * 1.0 / 30},
		{"Plant.P2.Pump/bad", "Plant.P2", Critical, 1, 100 * 1.0 / 30},
	}
	if !slices.EqualFunc(k.Top, wantTop, func(a, b AlarmCount) bool {
		return a.Alarm == b.Alarm && a.Area == b.Area && a.Priority == b.Priority && a.Count == b.Count && near(a.SharePct, b.SharePct)
	}) {
		t.Errorf("top:\n%+v\nwant\n%+v", k.Top, wantTop)
	}

	wantChatter := []Chatter{{"Plant.P1.Flow/lo", "Plant.P1", 25, 3, day0.Add(8 * time.Hour)}}
	if !slices.Equal(k.Chattering, wantChatter) {
		t.Errorf("chattering %+v, want %+v", k.Chattering, wantChatter)
	}

	at := func(s string) time.Time { return mustTime(t, s) }
	wantStale := []StaleAlarm{
		{"Plant.P1.Press/hi", "Plant.P1", Low, at("2024-02-29T20:00:00Z"), at("2024-03-01T21:00:00Z"), 25 * time.Hour},
		{"Plant.P2.Level/hihi", "Plant.P2", High, at("2024-02-28T06:00:00Z"), time.Time{}, 66 * time.Hour},
		{"Plant.P2.Mixer/hi", "Plant.P2", Medium, at("2024-02-27T12:00:00Z"), at("2024-03-01T00:30:00Z"), 60*time.Hour + 30*time.Minute},
	}
	if !slices.Equal(k.Stale, wantStale) {
		t.Errorf("stale:\n%+v\nwant\n%+v", k.Stale, wantStale)
	}
}

// TestReportArea: an area is its asset-path subtree; "Plant.P1" is not
// "Plant.P10". ReportByArea splits by exact area and adds up.
func TestReportArea(t *testing.T) {
	recs := loadJournal(t, "day.jsonl")
	p1 := Report(recs, day0, day1, "Plant.P1")
	// Flow 25 + Temp 2 = 27, all low but 2 medium; stale: Press only.
	if p1.Annunciated != 27 || p1.Hidden != 0 || len(p1.Stale) != 1 || p1.Stale[0].Alarm != "Plant.P1.Press/hi" || p1.Area != "Plant.P1" {
		t.Errorf("Plant.P1: %d annunciated, %d hidden, stale %+v", p1.Annunciated, p1.Hidden, p1.Stale)
	}
	checkFigure(t, p1, "prio_low_pct", 100*25.0/27, true)

	by := ReportByArea(recs, day0, day1)
	var areas []string
	sum := 0
	for _, a := range by {
		areas = append(areas, a.Area)
		sum += a.KPIs.Annunciated
	}
	if want := []string{"Plant.P1", "Plant.P10", "Plant.P2"}; !slices.Equal(areas, want) {
		t.Errorf("areas %v, want %v", areas, want)
	}
	if sum != 30 || by[0].KPIs.Annunciated != 27 || by[1].KPIs.Annunciated != 1 || by[1].KPIs.Hidden != 1 || by[2].KPIs.Annunciated != 2 {
		t.Errorf("by area: %d %d %d (sum %d), want 27, 1 (1 hidden), 2", by[0].KPIs.Annunciated, by[1].KPIs.Annunciated, by[2].KPIs.Annunciated, sum)
	}
	if len(by[2].KPIs.Stale) != 2 { // Level and Mixer
		t.Errorf("Plant.P2 stale %+v", by[2].KPIs.Stale)
	}
}

// active is an annunciated activation of alarm id at t.
func active(id string, p Priority, t time.Time) Record {
	return Record{Time: t, Alarm: id, Tag: strings.Split(id, "/")[0], Area: "U1", Priority: p, Event: EvActive, State: Unacked}
}

func clearRec(id string, t time.Time) Record {
	return Record{Time: t, Alarm: id, Tag: strings.Split(id, "/")[0], Area: "U1", Priority: Low, Event: EvClear, State: Normal}
}

// TestReportChatter: 3 activations within 60 s, both ends inclusive.
func TestReportChatter(t *testing.T) {
	s := func(sec ...float64) []Record {
		var recs []Record
		for _, x := range sec {
			at := day0.Add(time.Hour + time.Duration(x*float64(time.Second)))
			recs = append(recs, active("A/hi", Low, at), clearRec("A/hi", at.Add(time.Second/10)))
		}
		return recs
	}
	for _, tc := range []struct {
		name string
		recs []Record
		most int // the most within 60 s
	}{
		{"exactly 3 in 60 s", s(0, 30, 60), 3},
		{"3 in 61 s", s(0, 30, 61), 2},
		{"3 in 60.001 s", s(0, 30, 60.001), 2},
		{"2 in 1 s", s(0, 1), 2},
		{"3 at one instant", s(5, 5, 5), 3},
		{"4 in 59 s", s(0, 20, 40, 59), 4},
		{"bursts apart", s(0, 50, 100, 150, 200), 2},
		{"second burst", s(0, 100, 130, 160), 3},
	} {
		k := Report(tc.recs, day0, day1, "")
		want := 0
		if tc.most >= ChatterCount {
			want = 1
		}
		if len(k.Chattering) != want || (want == 1 && k.Chattering[0].MostIn60s != tc.most) {
			t.Errorf("%s: chattering %+v, want most %d", tc.name, k.Chattering, tc.most)
		}
	}
	// The first burst is where the third activation within 60 s is first
	// reached: 100, 130, 160 s.
	k := Report(s(0, 100, 130, 160), day0, day1, "")
	if want := day0.Add(time.Hour + 100*time.Second); len(k.Chattering) != 1 || !k.Chattering[0].First.Equal(want) {
		t.Errorf("first burst %+v, want %v", k.Chattering, want)
	}
	// A shelved chattering alarm still chatters, unannounced.
	recs := append([]Record{{Time: day0, Alarm: "A/hi", Event: EvShelve, Priority: Low}}, s(0, 30, 60)...)
	k = Report(recs, day0, day1, "")
	if len(k.Chattering) != 1 || k.Annunciated != 0 || k.Hidden != 3 {
		t.Errorf("shelved: chattering %+v, annunciated %d, hidden %d", k.Chattering, k.Annunciated, k.Hidden)
	}
}

// TestReportStale: over 24 h, not at exactly 24 h; an activation that
// ended before the period is not in it; the longest of two is kept.
func TestReportStale(t *testing.T) {
	h := func(x float64) time.Time { return day0.Add(time.Duration(x * float64(time.Hour))) }
	for _, tc := range []struct {
		name string
		recs []Record
		want time.Duration // 0: not stale
	}{
		{"exactly 24 h", []Record{active("A/hi", Low, h(-12)), clearRec("A/hi", h(12))}, 0},
		{"24 h and 1 s", []Record{active("A/hi", Low, h(-12)), clearRec("A/hi", h(12).Add(time.Second))}, 24*time.Hour + time.Second},
		{"ended before the period", []Record{active("A/hi", Low, h(-50)), clearRec("A/hi", h(-1))}, 0},
		{"ended at the period's start", []Record{active("A/hi", Low, h(-50)), clearRec("A/hi", h(0))}, 0},
		{"still active at the end", []Record{active("A/hi", Low, h(-0.5))}, 24*time.Hour + 30*time.Minute},
		{"active 23 h at the end", []Record{active("A/hi", Low, h(1))}, 0},
		{"longest of two", []Record{active("A/hi", Low, h(-30)), clearRec("A/hi", h(1)), active("A/hi", Low, h(-2).Add(0)), clearRec("A/hi", h(23))}, 31 * time.Hour},
		{"clear after the period ignored", []Record{active("A/hi", Low, h(-30)), clearRec("A/hi", h(30))}, 54 * time.Hour},
	} {
		slices.SortStableFunc(tc.recs, func(a, b Record) int { return a.Time.Compare(b.Time) })
		k := Report(tc.recs, day0, day1, "")
		switch {
		case tc.want == 0 && len(k.Stale) != 0:
			t.Errorf("%s: stale %+v, want none", tc.name, k.Stale)
		case tc.want != 0 && (len(k.Stale) != 1 || k.Stale[0].Duration != tc.want):
			t.Errorf("%s: stale %+v, want %v", tc.name, k.Stale, tc.want)
		}
	}
}

// TestReportFlood: a 25-minute period is intervals of 10, 10 and 5
// minutes; 11 alarms in the last one make it a flood of 5 minutes, 20 %.
// 10 alarms in an interval are not a flood.
func TestReportFlood(t *testing.T) {
	var recs []Record
	for i := range 10 { // 10 in the first interval: the limit, not over
		recs = append(recs, active(fmt.Sprintf("F%d/hi", i), Low, day0.Add(time.Duration(i)*time.Second)))
	}
	for i := range 11 {
		recs = append(recs, active(fmt.Sprintf("G%d/hi", i), Low, day0.Add(20*time.Minute+time.Duration(i)*time.Second)))
	}
	k := Report(recs, day0, day0.Add(25*time.Minute), "")
	if k.Peak10Min != 11 || !k.PeakAt.Equal(day0.Add(20*time.Minute)) || k.FloodIntervals != 1 || k.FloodTime != 5*time.Minute {
		t.Errorf("peak %d at %v, %d floods, %v", k.Peak10Min, k.PeakAt, k.FloodIntervals, k.FloodTime)
	}
	checkFigure(t, k, "flood_pct", 20, false)
	checkFigure(t, k, "per_10min", 21/2.5, false)
	checkFigure(t, k, "per_day", 21*24*60/25.0, false)
	checkFigure(t, k, "peak_10min", 11, false)
	// One more alarm in the first interval is a second flood: 15 of 25 min.
	k = Report(append(recs, active("H/hi", Low, day0.Add(9*time.Minute))), day0, day0.Add(25*time.Minute), "")
	checkFigure(t, k, "flood_pct", 60, false)
}

// TestReportTop: 12 alarms, alarm i annunciated i+1 times (78 in all):
// the top 10 are 12 down to 3, 75 of 78 = 96.15 %.
func TestReportTop(t *testing.T) {
	var recs []Record
	for i := range 12 {
		for j := range i + 1 {
			recs = append(recs, active(fmt.Sprintf("T%02d/hi", i), Low, day0.Add(time.Duration(i*100+j)*time.Minute)))
		}
	}
	slices.SortStableFunc(recs, func(a, b Record) int { return a.Time.Compare(b.Time) })
	k := Report(recs, day0, day1.Add(24*time.Hour), "")
	if len(k.Top) != TopN || k.Top[0].Alarm != "T11/hi" || k.Top[0].Count != 12 || k.Top[9].Alarm != "T02/hi" || k.Top[9].Count != 3 {
		t.Errorf("top %+v", k.Top)
	}
	checkFigure(t, k, "top10_pct", 100*75.0/78, false)
	if !near(k.Top[0].SharePct, 100*12.0/78) {
		t.Errorf("top share %v", k.Top[0].SharePct)
	}
	// Re-alarms count as annunciations of their alarm.
	recs = append(recs, Record{Time: day1, Alarm: "T00/hi", Priority: Low, Event: EvRealarm, State: Unacked})
	k = Report(recs, day0, day1.Add(24*time.Hour), "")
	if k.Annunciated != 79 {
		t.Errorf("with a re-alarm: %d annunciated, want 79", k.Annunciated)
	}
}

// TestReportPriorities: 16 low, 3 medium and 1 high is 80/15/5 (ok);
// diagnostics are left out; critical counts as high.
func TestReportPriorities(t *testing.T) {
	mk := func(n map[Priority]int) []Record {
		var recs []Record
		i := 0
		for _, p := range []Priority{Critical, High, Medium, Low, Diagnostic} {
			for range n[p] {
				recs = append(recs, active(fmt.Sprintf("P%d/hi", i), p, day0.Add(time.Duration(i)*time.Minute)))
				i++
			}
		}
		return recs
	}
	k := Report(mk(map[Priority]int{Low: 16, Medium: 3, High: 1, Diagnostic: 50}), day0, day1, "")
	checkFigure(t, k, "prio_high_pct", 5, true)
	checkFigure(t, k, "prio_medium_pct", 15, true)
	checkFigure(t, k, "prio_low_pct", 80, true)

	k = Report(mk(map[Priority]int{Low: 16, Medium: 2, Critical: 1, High: 1}), day0, day1, "")
	checkFigure(t, k, "prio_high_pct", 10, false)
	checkFigure(t, k, "prio_medium_pct", 10, true)
	checkFigure(t, k, "prio_low_pct", 80, true)

	// Nothing to distribute: no verdict against it.
	k = Report(mk(map[Priority]int{Diagnostic: 3}), day0, day1, "")
	checkFigure(t, k, "prio_low_pct", 0, true)
}

// TestReportEmpty: no records, or an empty period, give zero figures
// that meet their targets, and no division by zero.
func TestReportEmpty(t *testing.T) {
	for _, k := range []KPIs{Report(nil, day0, day1, ""), Report(loadJournal(t, "day.jsonl"), day1, day0, "")} {
		for _, f := range k.Figures() {
			if f.Value != 0 || !f.OK || math.IsNaN(f.Value) {
				t.Errorf("%s = %v ok %v", f.Key, f.Value, f.OK)
			}
		}
	}
}

// TestKPIWrite: the terminal table and the CSV carry every figure with
// its target and verdict.
func TestKPIWrite(t *testing.T) {
	k := Report(loadJournal(t, "day.jsonl"), day0, day1, "")
	var b bytes.Buffer
	if err := k.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	text := b.String()
	for _, want := range []string{
		"Alarm performance, all areas, 2024-03-01 00:00:00Z to 2024-03-02 00:00:00Z (24h0m0s)",
		"Peak alarms in 10 minutes",
		"Plant.P1.Flow/lo       low         25     83.33 %",
		"Plant.P2.Level/hihi  high      2024-02-28 06:00:00Z  still active          66h0m0s\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
	// Aligned: the figure lines put their values in one column.
	var col = -1
	for _, line := range strings.Split(text, "\n")[3:15] {
		i := strings.Index(line, "  ")
		for i < len(line) && line[i] == ' ' {
			i++
		}
		if col == -1 {
			col = len([]rune(line[:i]))
		} else if n := len([]rune(line[:i])); n != col {
			t.Errorf("value column %d, want %d: %q", n, col, line)
		}
	}

	b.Reset()
	if err := k.WriteCSV(&b); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(rows[0], KPICSVHeader) {
		t.Errorf("header %v", rows[0])
	}
	sections := map[string]int{}
	for _, r := range rows[1:] {
		sections[r[0]]++
	}
	if sections["figure"] != len(kpiTargets) || sections["top10"] != 5 || sections["chattering"] != 1 || sections["stale"] != 3 {
		t.Errorf("sections %v", sections)
	}
	want := []string{"figure", "Peak alarms in 10 minutes", "25", "", "≤ 10", "over", "", "", "", "2024-03-01T00:00:00Z", "2024-03-02T00:00:00Z"}
	if !slices.ContainsFunc(rows, func(r []string) bool { return slices.Equal(r, want) }) {
		t.Errorf("no row %q in\n%q", want, rows)
	}
	want = []string{"stale", "Plant.P2.Level/hihi", "66.00", "h", "", "", "high", "Plant.P2", "", "2024-02-28T06:00:00Z", ""}
	if !slices.ContainsFunc(rows, func(r []string) bool { return slices.Equal(r, want) }) {
		t.Errorf("no row %q", want)
	}
}

// TestReportOverlays: shelved, suppressed and out-of-service alarms are
// not annunciated; the end of the last overlay over an active,
// unacknowledged alarm annunciates it again (the engine's shelf expiry).
func TestReportOverlays(t *testing.T) {
	m := func(min int) time.Time { return day0.Add(time.Duration(min) * time.Minute) }
	ev := func(id string, at time.Time, e Event, s StateKind) Record {
		return Record{Time: at, Alarm: id, Area: "U1", Priority: High, Event: e, State: s}
	}
	recs := []Record{
		ev("Y/hi", m(0), EvOutOfService, Normal),
		ev("Y/hi", m(1), EvSuppress, Normal),
		ev("Y/hi", m(5), EvActive, Unacked),      // hidden
		ev("X/hi", m(10), EvActive, Unacked),     // 1
		ev("X/hi", m(11), EvAck, Acked),          //
		ev("X/hi", m(12), EvShelve, Acked),       //
		ev("Y/hi", m(20), EvUnsuppress, Unacked), // hidden: still out of service
		ev("Z/hi", m(25), EvActive, Unacked),     // 2
		ev("Z/hi", m(26), EvAck, Acked),          //
		ev("Z/hi", m(27), EvShelve, Acked),       //
		ev("X/hi", m(30), EvRealarm, Unacked),    // hidden: shelved
		ev("Y/hi", m(30), EvInService, Unacked),  // 3: shown anew
		ev("Z/hi", m(40), EvUnshelve, Acked),     // by an operator, still acknowledged: not anew
		ev("X/hi", m(72), EvUnshelve, Unacked),   // 4: the shelf's expiry
	}
	k := Report(recs, day0, day1, "")
	if k.Annunciated != 4 || k.Hidden != 3 {
		t.Errorf("annunciated %d, hidden %d; want 4 and 3", k.Annunciated, k.Hidden)
	}
	if k.Peak10Min != 1 || k.ByPriority[High] != 4 {
		t.Errorf("peak %d, by priority %v", k.Peak10Min, k.ByPriority)
	}
}
