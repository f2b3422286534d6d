package hmi

import (
	"slices"
	"strings"
	"time"

	"github.com/sightglass/sightglass/alarms"
	"github.com/sightglass/sightglass/station"
)

// alarmEngine is what the alarm views read of the station's
// *alarms.Engine: its alarms, one alarm (its limit in force), and its
// version (which moves on every change). The views act through the
// station (alarmActor), never on the engine.
type alarmEngine interface {
	Active() []alarms.Status // not normal, or under an overlay
	Get(id string) (alarms.Status, bool)
	Version() uint64
}

// alarmActor is the station's operator actions on alarms (the
// *station.Station's, part of AlarmStation): each checks the person's
// permission on every alarm's tag, acts on the engine (which journals one
// record per alarm) and audits the action with the person and the
// comment (a.Comment).
type alarmActor interface {
	AckAlarms(a station.Actor, ids []string) error
	ResetAlarms(a station.Actor, ids []string) error
	ShelveAlarms(a station.Actor, ids []string, d time.Duration) error
	UnshelveAlarms(a station.Actor, ids []string) error
	SetAlarmsOutOfService(a station.Actor, ids []string, oos bool) error
	SetAlarmLimit(a station.Actor, id string, limit float64) error
}

// alarmCounts is what the banner shows: per priority, the annunciated
// alarms and how many of them wait for an acknowledgement, and the newest
// unacknowledged alarm of the highest priority.
type alarmCounts struct {
	shown   [alarms.NumPriorities]int // annunciated
	unacked [alarms.NumPriorities]int
	top     alarms.Status // valid when hasTop
	hasTop  bool
}

// anyUnacked reports whether the banner flashes.
func (c *alarmCounts) anyUnacked() bool {
	for _, n := range c.unacked {
		if n > 0 {
			return true
		}
	}
	return false
}

// countAlarms walks list once.
func countAlarms(list []alarms.Status) alarmCounts {
	var c alarmCounts
	for i := range list {
		s := &list[i]
		if !s.Annunciated() {
			continue
		}
		p := min(s.Priority, alarms.Diagnostic)
		c.shown[p]++
		if !s.State.Unacknowledged() {
			continue
		}
		c.unacked[p]++
		if !c.hasTop || p < c.top.Priority || p == c.top.Priority && s.ActiveAt.After(c.top.ActiveAt) {
			c.top, c.hasTop = *s, true
			c.top.Priority = p
		}
	}
	return c
}

// The summary's state filter.
const (
	stateAll = iota
	stateUnacked
	stateAcked
	stateRTN
	stateLatched
	stateShelved
	stateSuppressed
	stateOOS
	numStateFilters
)

// alarmFilter chooses the summary's rows. The zero value shows every
// alarm.
type alarmFilter struct {
	byPrio bool   // false: every priority
	prio   int    // the one priority shown when byPrio
	area   string // "": every area
	state  int    // one of stateAll…
	text   string // lower case; "" matches all
}

func (f *alarmFilter) match(s *alarms.Status) bool {
	if f.byPrio && int(s.Priority) != f.prio {
		return false
	}
	if f.area != "" && s.Area != f.area {
		return false
	}
	switch f.state {
	case stateUnacked:
		if s.State != alarms.Unacked || !s.Annunciated() {
			return false
		}
	case stateAcked:
		if s.State != alarms.Acked {
			return false
		}
	case stateRTN:
		if s.State != alarms.RTNUnack {
			return false
		}
	case stateLatched:
		if s.State != alarms.Latched {
			return false
		}
	case stateShelved:
		if !s.Shelved {
			return false
		}
	case stateSuppressed:
		if !s.Suppressed {
			return false
		}
	case stateOOS:
		if !s.OutOfService {
			return false
		}
	}
	if f.text != "" && !containsFold(s.Tag, f.text) && !containsFold(s.Message, f.text) &&
		!containsFold(s.Area, f.text) && !containsFold(s.ID, f.text) {
		return false
	}
	return true
}

// containsFold reports whether s contains lower, which is lower case,
// without allocating for ASCII s.
func containsFold(s, lower string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return strings.Contains(strings.ToLower(s), lower)
		}
	}
	n := len(lower)
	for i := 0; i+n <= len(s); i++ {
		ok := true
		for j := 0; j < n; j++ {
			c := s[i+j]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != lower[j] {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// The summary's orders.
const (
	sortTime     = iota // newest first
	sortPriority        // most urgent first, then newest
)

// sortRows orders rows (indexes into list) by order; asc reverses the
// natural order (oldest first, least urgent first).
func sortRows(rows []int32, list []alarms.Status, order int, asc bool) {
	slices.SortFunc(rows, func(i, j int32) int {
		a, b := &list[i], &list[j]
		c := 0
		if order == sortPriority {
			c = int(a.Priority) - int(b.Priority)
		}
		if c == 0 {
			c = b.ActiveAt.Compare(a.ActiveAt)
		}
		if c == 0 {
			c = strings.Compare(a.ID, b.ID)
		}
		if asc {
			return -c
		}
		return c
	})
}
