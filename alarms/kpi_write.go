package alarms

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"
	"time"
)

// Figure is one alarm performance figure with its target, as a report
// prints it.
type Figure struct {
	Key    string // stable, for tools: "per_10min"
	Name   string // for people: "Alarms per 10 minutes (average)"
	Value  float64
	Unit   string
	Target string // as the standard words it: "≤ 1 (≤ 2 max manageable)"
	OK     bool   // Value meets Target (its "acceptable" level; informational figures are always OK)
}

// Text formats the figure's value with its unit.
func (f Figure) Text() string {
	t := kpiTargetOf(f.Key)
	s := strconv.FormatFloat(f.Value, 'f', t.decimals, 64)
	if f.Unit != "" {
		s += " " + f.Unit
	}
	return s
}

// cmpKind is how a figure is held against its target.
type cmpKind uint8

const (
	info    cmpKind = iota // no target
	atMost                 // Value ≤ limit
	below                  // Value < limit
	atLeast                // Value ≥ limit
)

type kpiTarget struct {
	key, name, unit, target string
	cmp                     cmpKind
	limit                   float64
	decimals                int
}

// kpiTargets are the figures in report order with their targets, from
// ANSI/ISA-18.2-2016 Table 5 "Recommended alarm performance metrics" (the
// same table is IEC 62682:2014 Table 5) and EEMUA 191 (3rd ed., 2013)
// Table 35 and Annex 6. The targets are per operator position: a station
// whose areas are watched by different operators reads ReportByArea.
// Where the standard gives two levels ("very likely to be acceptable",
// "maximum manageable") OK is held against the first; where it writes
// "~", against the figure itself.
var kpiTargets = []kpiTarget{
	{"annunciated", "Annunciated alarms", "", "", info, 0, 0},
	{"hidden", "Activations hidden (shelved, suppressed, out of service)", "", "", info, 0, 0},
	// ISA-18.2 Table 5: ~1 per 10 min very likely acceptable, ~2 maximum manageable (~6 and ~12 per hour).
	{"per_10min", "Alarms per 10 minutes (average)", "", "≤ 1 (≤ 2 max manageable)", atMost, 1, 2},
	// EEMUA 191: 144 a day (1 per 10 min) acceptable, 288 a day (2 per 10 min) maximum manageable.
	{"per_day", "Alarms per day (average)", "", "≤ 144 (≤ 288 max manageable)", atMost, 144, 1},
	// ISA-18.2 Table 5: maximum alarms in a 10-minute period ≤ 10.
	{"peak_10min", "Peak alarms in 10 minutes", "", "≤ 10", atMost, FloodAbove, 0},
	// ISA-18.2 Table 5: % of 10-minute periods with more than 10 alarms ~< 1 %.
	{"flood_pct", "Time in flood (> 10 alarms in 10 min)", "%", "< 1 %", below, 1, 2},
	// ISA-18.2 Table 5: % contribution of the top 10 most frequent alarms ~< 1 % to 5 % maximum.
	{"top10_pct", "Top-10 alarms' share of the load", "%", "≤ 5 % (~1 % ideal)", atMost, 5, 2},
	// ISA-18.2 Table 5: chattering and fleeting alarms: zero.
	{"chattering", "Chattering alarms (≥ 3 in 60 s)", "", "0", atMost, 0, 0},
	// ISA-18.2 Table 5: stale alarms: less than 5 present on any day.
	{"stale", "Stale alarms (active > 24 h)", "", "< 5", below, 5, 0},
	// ISA-18.2 Table 5 / EEMUA 191: annunciated priority distribution ~80 % low, ~15 % medium, ~5 % high.
	{"prio_high_pct", "Priority high (with critical)", "%", "~5 %", atMost, 5, 1},
	{"prio_medium_pct", "Priority medium", "%", "~15 %", atMost, 15, 1},
	{"prio_low_pct", "Priority low", "%", "~80 %", atLeast, 80, 1},
}

func kpiTargetOf(key string) kpiTarget {
	for _, t := range kpiTargets {
		if t.key == key {
			return t
		}
	}
	return kpiTarget{key: key, decimals: 2}
}

// Figures returns k's figures in report order, each with its target. The
// priority distribution is OK when there is none to judge (no annunciated
// alarm of critical, high, medium or low priority).
func (k KPIs) Figures() []Figure {
	noPrio := k.ByPriority[Critical]+k.ByPriority[High]+k.ByPriority[Medium]+k.ByPriority[Low] == 0
	values := map[string]float64{
		"annunciated":     float64(k.Annunciated),
		"hidden":          float64(k.Hidden),
		"per_10min":       k.Per10Min,
		"per_day":         k.PerDay,
		"peak_10min":      float64(k.Peak10Min),
		"flood_pct":       k.FloodPct,
		"top10_pct":       k.TopSharePct,
		"chattering":      float64(len(k.Chattering)),
		"stale":           float64(len(k.Stale)),
		"prio_high_pct":   k.HighPct,
		"prio_medium_pct": k.MediumPct,
		"prio_low_pct":    k.LowPct,
	}
	out := make([]Figure, 0, len(kpiTargets))
	for _, t := range kpiTargets {
		v := values[t.key]
		f := Figure{Key: t.key, Name: t.name, Value: v, Unit: t.unit, Target: t.target}
		switch t.cmp {
		case info:
			f.OK = true
		case atMost:
			f.OK = v <= t.limit
		case below:
			f.OK = v < t.limit
		case atLeast:
			f.OK = v >= t.limit
		}
		if noPrio && (t.key == "prio_high_pct" || t.key == "prio_medium_pct" || t.key == "prio_low_pct") {
			f.OK = true
		}
		out = append(out, f)
	}
	return out
}

// Figure returns the figure of k with key, and whether there is one.
func (k KPIs) Figure(key string) (Figure, bool) {
	for _, f := range k.Figures() {
		if f.Key == key {
			return f, true
		}
	}
	return Figure{}, false
}

func okWord(ok bool) string {
	if ok {
		return "ok"
	}
	return "over"
}

// reportTime is how a report prints a time: UTC to the second.
func reportTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04:05Z")
}

func areaName(a string) string {
	if a == "" {
		return "all areas"
	}
	return a
}

// WriteText writes k as aligned tables for a terminal: the figures with
// their targets and "ok" or "over", then the top-10 alarms, the chattering
// and the stale ones.
func (k KPIs) WriteText(w io.Writer) error {
	var buf bytes.Buffer
	tw := tabwriter.NewWriter(&buf, 0, 8, 2, ' ', 0)
	fmt.Fprintf(tw, "Alarm performance, %s, %s to %s (%s)\n\n", areaName(k.Area), reportTime(k.From), reportTime(k.To), k.To.Sub(k.From))
	fmt.Fprintln(tw, "FIGURE\tVALUE\tTARGET\tOK")
	for _, f := range k.Figures() {
		st := okWord(f.OK)
		if f.Target == "" {
			st = ""
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", f.Name, f.Text(), f.Target, st)
	}
	if k.Peak10Min > 0 {
		fmt.Fprintf(tw, "\nPeak interval from %s.\n", reportTime(k.PeakAt))
	}
	fmt.Fprintf(tw, "\nTop %d alarms\n", TopN)
	fmt.Fprintln(tw, "ALARM\tPRIORITY\tCOUNT\tSHARE\t")
	for _, c := range k.Top {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%.2f %%\t\n", c.Alarm, c.Priority, c.Count, c.SharePct)
	}
	fmt.Fprintf(tw, "\nChattering alarms (%d or more activations within %.0f s)\n", ChatterCount, ChatterWindow.Seconds())
	fmt.Fprintln(tw, "ALARM\tACTIVATIONS\tMOST IN 60 S\tFIRST BURST\t")
	for _, c := range k.Chattering {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t\n", c.Alarm, c.Activations, c.MostIn60s, reportTime(c.First))
	}
	fmt.Fprintf(tw, "\nStale alarms (active over %.0f h)\n", StaleAfter.Hours())
	fmt.Fprintln(tw, "ALARM\tPRIORITY\tACTIVE SINCE\tCLEARED\tDURATION\t")
	for _, s := range k.Stale {
		cl := reportTime(s.ClearedAt)
		if cl == "" {
			cl = "still active"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t\n", s.Alarm, s.Priority, reportTime(s.ActiveAt), cl, s.Duration.Round(time.Second))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	// The padding of a line's last cells, trimmed.
	var out bytes.Buffer
	for line := range bytes.Lines(buf.Bytes()) {
		out.Write(bytes.TrimRight(line, " \n"))
		out.WriteByte('\n')
	}
	_, err := w.Write(out.Bytes())
	return err
}

// KPICSVHeader is the header of KPIs.WriteCSV: one rectangular table of
// sections. "figure" rows fill name, value, unit, target and ok, and the
// report's area and period in area, since and until; "top10"
// rows an alarm's name, count (value), priority, area and share_pct;
// "chattering" rows the alarm, its most activations in 60 s (value),
// area and its first burst (since); "stale" rows the alarm, hours active
// (value), priority, area, since and until (empty while still active).
var KPICSVHeader = []string{"section", "name", "value", "unit", "target", "ok", "priority", "area", "share_pct", "since", "until"}

// WriteCSV writes k as CSV with KPICSVHeader; times are RFC 3339 UTC.
func (k KPIs) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	cw.Write(KPICSVHeader)
	ts := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format(time.RFC3339)
	}
	for _, f := range k.Figures() {
		t := kpiTargetOf(f.Key)
		cw.Write([]string{"figure", f.Name, strconv.FormatFloat(f.Value, 'f', t.decimals, 64), f.Unit, f.Target,
			okWord(f.OK), "", k.Area, "", ts(k.From), ts(k.To)})
	}
	for _, c := range k.Top {
		cw.Write([]string{"top10", c.Alarm, strconv.Itoa(c.Count), "alarms", "", "", c.Priority.String(), c.Area,
			strconv.FormatFloat(c.SharePct, 'f', 2, 64), "", ""})
	}
	for _, c := range k.Chattering {
		cw.Write([]string{"chattering", c.Alarm, strconv.Itoa(c.MostIn60s), "activations in 60 s", "", "", "", c.Area,
			"", ts(c.First), ""})
	}
	for _, s := range k.Stale {
		cw.Write([]string{"stale", s.Alarm, strconv.FormatFloat(s.Duration.Hours(), 'f', 2, 64), "h", "", "",
			s.Priority.String(), s.Area, "", ts(s.ActiveAt), ts(s.ClearedAt)})
	}
	cw.Flush()
	return cw.Error()
}
