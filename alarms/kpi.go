package alarms

import (
	"cmp"
	"slices"
	"time"
)

// The definitions behind the alarm performance figures, from ANSI/ISA-18.2
// (2016) §16.5–16.9 and Table 5, the same as IEC 62682 (2014), and
// EEMUA 191 (3rd ed., 2013) §6 and Annex 6.
const (
	// KPIInterval is the fixed interval of the rate figures. ISA-18.2
	// counts annunciated alarms per 10-minute period.
	KPIInterval = 10 * time.Minute
	// FloodAbove: a 10-minute interval with more annunciated alarms than
	// this is an alarm flood (ISA-18.2 §16.5.4: "more than 10 alarms in
	// 10 minutes").
	FloodAbove = 10
	// ChatterCount activations of one alarm within ChatterWindow make it
	// chattering (ISA-18.2 §16.6, EEMUA 191: "3 or more in one minute").
	ChatterCount  = 3
	ChatterWindow = 60 * time.Second
	// StaleAfter: an alarm active longer than this is stale (ISA-18.2
	// §16.7, "standing more than 24 hours").
	StaleAfter = 24 * time.Hour
	// TopN is how many of the most frequent alarms a report lists.
	TopN = 10
)

// KPIs are the alarm performance figures of a journal over a period and,
// optionally, an area. What is counted:
//
//   - An annunciation is an EvActive or EvRealarm record in [From, To)
//     whose alarm was not shelved, suppressed by design or out of service
//     at that moment, as the journal's overlay events before it tell
//     (EvShelve…EvUnshelve, EvSuppress…EvUnsuppress,
//     EvOutOfService…EvInService); and the end of the last overlay when
//     it leaves the alarm active and unacknowledged (State Unacked: the
//     operator is shown it anew, as at a shelf's expiry). ISA-18.2 counts
//     annunciated alarms only; those hidden by an overlay are counted
//     apart, in Hidden. An overlay set before the first record Report is
//     given is not known.
//   - Rates, the peak and floods use fixed 10-minute intervals from From,
//     as ISA-18.2 does (From on a 10-minute boundary gives clock
//     intervals); a last, shorter interval counts for its own length.
//   - Chattering counts every EvActive, annunciated or hidden: shelving a
//     chattering alarm hides it, it does not mend it.
//   - Stale alarms are activations (EvActive to EvClear, or to To when
//     still active) longer than StaleAfter that overlap the period. Only
//     the records Report is given are seen: an alarm whose activation
//     predates them but whose first record shows it active (an ack, a
//     re-alarm) counts as active since that first record.
//   - The priority distribution is of annunciations; critical counts with
//     high, diagnostic is left out of it.
type KPIs struct {
	From, To time.Time
	Area     string // "" for all areas

	Annunciated int // annunciations in the period
	Hidden      int // annunciations hidden by shelving, suppression by design or out of service

	Per10Min float64 // average annunciations per 10 minutes
	PerDay   float64 // average annunciations per 24 hours

	Peak10Min      int           // the most annunciations in one 10-minute interval
	PeakAt         time.Time     // the start of the first such interval
	FloodIntervals int           // intervals with more than FloodAbove
	FloodTime      time.Duration // their total length
	FloodPct       float64       // FloodTime as % of the period

	Top         []AlarmCount // the TopN most frequent alarms, most frequent first
	TopSharePct float64      // their share of all annunciations, %

	Chattering []Chatter    // alarms with ChatterCount activations within ChatterWindow, by ID
	Stale      []StaleAlarm // alarms active over StaleAfter in the period, by ID

	ByPriority                 [NumPriorities]int // annunciations by priority
	HighPct, MediumPct, LowPct float64            // of the non-diagnostic annunciations; High includes critical
}

// AlarmCount is one alarm's share of the load.
type AlarmCount struct {
	Alarm    string // Def.ID
	Area     string
	Priority Priority // at its last annunciation
	Count    int
	SharePct float64 // of all annunciations, %
}

// Chatter is a chattering alarm.
type Chatter struct {
	Alarm       string
	Area        string
	Activations int       // EvActive records in the period
	MostIn60s   int       // the most within any ChatterWindow
	First       time.Time // the first activation of its first chattering burst
}

// StaleAlarm is an alarm that stood active over StaleAfter.
type StaleAlarm struct {
	Alarm     string
	Area      string
	Priority  Priority
	ActiveAt  time.Time     // when it became active (or its first record, see KPIs)
	ClearedAt time.Time     // zero when still active at To
	Duration  time.Duration // to ClearedAt, or to To; the longest when it stood more than once
}

// alarmTrack is Report's replay state of one alarm.
type alarmTrack struct {
	seen                     bool
	shelved, suppressed, oos bool
	active                   bool
	activeAt                 time.Time
	count                    int // annunciations in the period
	area                     string
	prio                     Priority
	activations              []time.Time // EvActive in the period
	stale                    StaleAlarm
	staleFound               bool
}

func (a *alarmTrack) hidden() bool { return a.shelved || a.suppressed || a.oos }

// annunciates reports whether r shows its alarm to operators as a new
// alarm, overlays aside: an activation, a re-alarm, or the end of an
// overlay that uncovers it active and unacknowledged (the engine
// re-annunciates an alarm still active at the expiry of its shelf).
func annunciates(r *Record) bool {
	switch r.Event {
	case EvActive, EvRealarm:
		return true
	case EvUnshelve, EvUnsuppress, EvInService:
		return r.State == Unacked
	}
	return false
}

// Report computes the alarm performance figures of recs over [from, to)
// for the alarms in area ("" for all; InArea, a prefix of the asset path).
// recs are journal records in journal order, as Search and Replay give
// them; records at or after to are ignored, and those before from only
// set the alarms' state (active, shelved…), so that a query starting a
// day or more before from lets Report see the stale alarms that were
// already standing.
func Report(recs []Record, from, to time.Time, area string) KPIs {
	return report(recs, from, to, area, func(r *Record) bool { return InArea(r.Area, area) })
}

// AreaKPIs are one area's figures.
type AreaKPIs struct {
	Area string
	KPIs KPIs
}

// ReportByArea computes Report for each area of recs on its own, ordered
// by area name. Each area is its exact Record.Area, its sub-areas apart
// (so the breakdown adds up to the whole); "" is the area of records
// without one.
func ReportByArea(recs []Record, from, to time.Time) []AreaKPIs {
	groups := map[string][]Record{}
	for _, r := range recs {
		if r.Time.Before(to) {
			groups[r.Area] = append(groups[r.Area], r)
		}
	}
	out := make([]AreaKPIs, 0, len(groups))
	for a, g := range groups {
		out = append(out, AreaKPIs{Area: a, KPIs: report(g, from, to, a, func(*Record) bool { return true })})
	}
	slices.SortFunc(out, func(x, y AreaKPIs) int { return cmp.Compare(x.Area, y.Area) })
	return out
}

func report(recs []Record, from, to time.Time, area string, keep func(*Record) bool) KPIs {
	k := KPIs{From: from, To: to, Area: area}
	period := to.Sub(from)
	if period <= 0 {
		return k
	}
	nIntervals := int((period + KPIInterval - 1) / KPIInterval)
	perInterval := make([]int, nIntervals)
	alarms := map[string]*alarmTrack{}

	for i := range recs {
		r := &recs[i]
		if !r.Time.Before(to) || !keep(r) {
			continue
		}
		a := alarms[r.Alarm]
		if a == nil {
			a = &alarmTrack{}
			alarms[r.Alarm] = a
		}
		a.area, a.prio = r.Area, r.Priority
		if !a.seen {
			a.seen = true
			if r.Event != EvActive && r.State.Active() {
				a.active, a.activeAt = true, r.Time // active since before its first record
			}
		}
		inPeriod := !r.Time.Before(from)
		switch r.Event {
		case EvShelve:
			a.shelved = true
		case EvUnshelve:
			a.shelved = false
		case EvSuppress:
			a.suppressed = true
		case EvUnsuppress:
			a.suppressed = false
		case EvOutOfService:
			a.oos = true
		case EvInService:
			a.oos = false
		case EvClear:
			if a.active {
				a.endActive(r.Alarm, r.Time, from, true)
			}
			a.active = false
		case EvActive:
			if !a.active {
				a.active, a.activeAt = true, r.Time
			}
			if inPeriod {
				a.activations = append(a.activations, r.Time)
			}
		}
		if inPeriod && annunciates(r) {
			if a.hidden() {
				k.Hidden++
				continue
			}
			k.Annunciated++
			a.count++
			if r.Priority < NumPriorities {
				k.ByPriority[r.Priority]++
			}
			perInterval[int(r.Time.Sub(from)/KPIInterval)]++
		}
	}

	// Rates, peak and floods.
	k.Per10Min = float64(k.Annunciated) / (float64(period) / float64(KPIInterval))
	k.PerDay = float64(k.Annunciated) / (float64(period) / float64(24*time.Hour))
	for i, n := range perInterval {
		if n > k.Peak10Min {
			k.Peak10Min, k.PeakAt = n, from.Add(time.Duration(i)*KPIInterval)
		}
		if n > FloodAbove {
			k.FloodIntervals++
			k.FloodTime += min(KPIInterval, period-time.Duration(i)*KPIInterval)
		}
	}
	k.FloodPct = 100 * float64(k.FloodTime) / float64(period)

	// Top 10, chattering and stale, per alarm.
	var counts []AlarmCount
	for id, a := range alarms {
		if a.active {
			a.endActive(id, to, from, false)
		}
		if a.staleFound {
			k.Stale = append(k.Stale, a.stale)
		}
		if a.count > 0 {
			counts = append(counts, AlarmCount{Alarm: id, Area: a.area, Priority: a.prio, Count: a.count,
				SharePct: 100 * float64(a.count) / float64(k.Annunciated)})
		}
		if most, first := chatter(a.activations); most >= ChatterCount {
			k.Chattering = append(k.Chattering, Chatter{Alarm: id, Area: a.area,
				Activations: len(a.activations), MostIn60s: most, First: first})
		}
	}
	slices.SortFunc(counts, func(x, y AlarmCount) int {
		return cmp.Or(cmp.Compare(y.Count, x.Count), cmp.Compare(x.Alarm, y.Alarm))
	})
	k.Top = counts[:min(TopN, len(counts))]
	if len(k.Top) > 0 {
		k.TopSharePct = 100 * float64(sumCounts(k.Top)) / float64(k.Annunciated)
	}
	slices.SortFunc(k.Chattering, func(x, y Chatter) int { return cmp.Compare(x.Alarm, y.Alarm) })
	slices.SortFunc(k.Stale, func(x, y StaleAlarm) int { return cmp.Compare(x.Alarm, y.Alarm) })

	// Priority distribution.
	hi := k.ByPriority[Critical] + k.ByPriority[High]
	if n := hi + k.ByPriority[Medium] + k.ByPriority[Low]; n > 0 {
		k.HighPct = 100 * float64(hi) / float64(n)
		k.MediumPct = 100 * float64(k.ByPriority[Medium]) / float64(n)
		k.LowPct = 100 * float64(k.ByPriority[Low]) / float64(n)
	}
	return k
}

func sumCounts(cs []AlarmCount) int {
	n := 0
	for _, c := range cs {
		n += c.Count
	}
	return n
}

// endActive closes the alarm's activation at end (its EvClear when
// cleared, else the period's end) and keeps it when it is stale within the
// period: longer than StaleAfter and still standing after from. Of several,
// the longest is kept.
func (a *alarmTrack) endActive(id string, end, from time.Time, cleared bool) {
	d := end.Sub(a.activeAt)
	if d <= StaleAfter || !end.After(from) || (a.staleFound && d <= a.stale.Duration) {
		return
	}
	s := StaleAlarm{Alarm: id, Area: a.area, Priority: a.prio, ActiveAt: a.activeAt, Duration: d}
	if cleared {
		s.ClearedAt = end
	}
	a.stale, a.staleFound = s, true
}

// chatter returns the most activations within any ChatterWindow (both
// ends inclusive: three activations exactly 60 s apart end to end
// chatter) and the first activation of the first window holding
// ChatterCount or more.
func chatter(ts []time.Time) (most int, first time.Time) {
	slices.SortFunc(ts, func(x, y time.Time) int { return x.Compare(y) })
	lo := 0
	for hi, t := range ts {
		for t.Sub(ts[lo]) > ChatterWindow {
			lo++
		}
		if n := hi - lo + 1; n > most {
			most = n
			if n == ChatterCount {
				first = ts[lo]
			}
		}
	}
	return most, first
}
