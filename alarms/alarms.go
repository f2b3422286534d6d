// Package alarms is the station's alarm system, the ISA-18.2 / IEC 62682
// way: alarm definitions on tags (limits, deviation, rate of change,
// discrete state, bad quality), the state machine with its delays,
// deadbands, latching, shelving, suppression by design and out of
// service, a durable journal of every transition, and the EEMUA 191 /
// ISA-18.2 performance figures computed from that journal.
//
// The engine is a lossless consumer of the tag bus. Every change of alarm
// state goes through a state.Store, so a cluster can replicate it.
package alarms

import (
	"fmt"
	"strings"
	"time"
)

// Priority is an alarm's priority, most urgent first.
type Priority uint8

// The priorities, most urgent first.
const (
	Critical Priority = iota
	High
	Medium
	Low
	Diagnostic
	NumPriorities = 5
)

var priorityNames = [NumPriorities]string{"critical", "high", "medium", "low", "diagnostic"}

func (p Priority) String() string {
	if p < NumPriorities {
		return priorityNames[p]
	}
	return fmt.Sprintf("Priority(%d)", p)
}

// ParsePriority parses a priority name as a project writes it.
func ParsePriority(s string) (Priority, bool) {
	for i, n := range priorityNames {
		if strings.EqualFold(s, n) {
			return Priority(i), true
		}
	}
	return 0, false
}

// Kind is what an alarm watches.
type Kind uint8

// The kinds of alarm a tag can have, at most one of each.
const (
	HiHi      Kind = iota // value ≥ limit
	Hi                    // value ≥ limit
	Lo                    // value ≤ limit
	LoLo                  // value ≤ limit
	Deviation             // |value − setpoint tag| ≥ limit
	Rate                  // |change per second| ≥ limit
	State                 // value equals Def.State (discrete)
	Bad                   // quality bad
	NumKinds  = 8
)

var kindNames = [NumKinds]string{"hihi", "hi", "lo", "lolo", "deviation", "rate", "state", "bad"}

func (k Kind) String() string {
	if k < NumKinds {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", k)
}

// ParseKind parses a kind name as a project writes it.
func ParseKind(s string) (Kind, bool) {
	for i, n := range kindNames {
		if s == n {
			return Kind(i), true
		}
	}
	return 0, false
}

// Def is one configured alarm.
type Def struct {
	Tag  string
	Kind Kind
	// Limit: for HiHi, Hi, Lo and LoLo the limit in engineering units;
	// for Deviation the largest |value − setpoint|; for Rate the largest
	// change per second, in units/s. Unused by State and Bad.
	Limit    float64
	Setpoint string // Deviation: the setpoint tag's name
	State    string // State: the value that is abnormal, as text ("true", "3", "FAULT")
	Priority Priority
	// Deadband: how far back inside the limit the value must go before
	// the alarm clears (engineering units; units/s for Rate).
	Deadband    float64
	OnDelay     time.Duration // the condition must hold this long before the alarm activates
	OffDelay    time.Duration // and be gone this long before it clears
	Realarm     time.Duration // an acknowledged alarm still active this long annunciates again; 0: never
	AckRequired bool          // the project's default is true
	Latched     bool          // stays latched after it clears until an operator resets it
	// Message is the alarm's text, with placeholders {tag} {value}
	// {limit} {units} {setpoint} {priority}; "" gives a default per kind.
	Message string
	Area    string // the group; the project defaults it to the tag's asset path ("Plant.P1" for "Plant.P1.Winding")
	// Suppress is a condition on other tags (an expression, see
	// CheckCondition); while it is true the alarm is suppressed by design
	// (still evaluated, not annunciated).
	Suppress string
}

// ID is the alarm's name: the tag and the kind, "Plant.Tank1.Level/hi".
func (d *Def) ID() string { return d.Tag + "/" + d.Kind.String() }

// Config is the alarm section of a project.
type Config struct {
	Alarms []Def
	// MaxShelve is the longest an operator may shelve an alarm of each
	// priority; 0 uses DefaultMaxShelve.
	MaxShelve [NumPriorities]time.Duration
	// RequireComment: acknowledging, shelving, suppressing and taking out
	// of service need a comment.
	RequireComment bool
}

// DefaultMaxShelve is the longest shelf per priority when the project
// sets none: short for the urgent ones, a shift for diagnostics.
var DefaultMaxShelve = [NumPriorities]time.Duration{time.Hour, 2 * time.Hour, 4 * time.Hour, 8 * time.Hour, 12 * time.Hour}

// StateKind is where an alarm is in the ISA-18.2 life cycle.
type StateKind uint8

// The ISA-18.2 states. Shelved, suppressed and out of service are overlays
// carried beside the state in Status.
const (
	Normal    StateKind = iota // condition clear, nothing to acknowledge
	Unacked                    // active, unacknowledged
	Acked                      // active, acknowledged
	RTNUnack                   // returned to normal, unacknowledged
	Latched                    // returned to normal, acknowledged, latched until reset
	NumStates = 5
)

var stateNames = [NumStates]string{"normal", "unacked", "acked", "rtn-unacked", "latched"}

func (s StateKind) String() string {
	if s < NumStates {
		return stateNames[s]
	}
	return fmt.Sprintf("StateKind(%d)", s)
}

// ParseState parses a state name as String writes it.
func ParseState(s string) (StateKind, bool) {
	for i, n := range stateNames {
		if s == n {
			return StateKind(i), true
		}
	}
	return 0, false
}

// Active reports whether the alarm condition is (latched as) present.
func (s StateKind) Active() bool { return s == Unacked || s == Acked }

// Unacknowledged reports whether the state waits for an acknowledgement.
func (s StateKind) Unacknowledged() bool { return s == Unacked || s == RTNUnack }

// Status is one alarm's current state, as the summary shows it.
type Status struct {
	ID       string
	Tag      string
	Kind     Kind
	Priority Priority
	Area     string
	Message  string // rendered at the last activation
	State    StateKind

	Shelved      bool
	ShelvedUntil time.Time
	Suppressed   bool // by design, by the Suppress condition
	OutOfService bool

	Limit    float64   // in force: the project's, or as changed at runtime
	Value    string    // the tag's value at the last transition, formatted with its units
	ActiveAt time.Time // when it last became active
	Changed  time.Time // the last transition
	User     string    // who made the last operator transition (ack, shelve…)
	Comment  string    // and their comment
}

// Annunciated reports whether the status is shown to operators as an
// alarm: not normal, and not shelved, suppressed or out of service.
func (s *Status) Annunciated() bool {
	return s.State != Normal && !s.Shelved && !s.Suppressed && !s.OutOfService
}

// Event is one kind of journal record: a transition of an alarm.
type Event uint8

// The journaled events.
const (
	EvActive       Event = iota // the condition became active (annunciated unless an overlay hides it)
	EvClear                     // the condition cleared
	EvAck                       // an operator acknowledged
	EvReset                     // an operator reset a latched alarm
	EvRealarm                   // an acknowledged alarm still active annunciated again
	EvShelve                    // shelved (Comment, User; Until in Value)
	EvUnshelve                  // unshelved by an operator or at expiry (User "")
	EvSuppress                  // suppressed by design: the condition became true
	EvUnsuppress                // the suppression condition became false
	EvOutOfService              // taken out of service
	EvInService                 // returned to service
	EvLimit                     // limit changed at runtime (Limit is the new one, Value the old)
	NumEvents      = 12
)

var eventNames = [NumEvents]string{"active", "clear", "ack", "reset", "realarm", "shelve", "unshelve",
	"suppress", "unsuppress", "out-of-service", "in-service", "limit"}

func (e Event) String() string {
	if e < NumEvents {
		return eventNames[e]
	}
	return fmt.Sprintf("Event(%d)", e)
}

// ParseEvent parses an event name as String writes it.
func ParseEvent(s string) (Event, bool) {
	for i, n := range eventNames {
		if s == n {
			return Event(i), true
		}
	}
	return 0, false
}

// Record is one journal entry.
type Record struct {
	Seq      uint64 // the journal's sequence number, from 1
	Time     time.Time
	Alarm    string // Def.ID
	Tag      string
	Area     string
	Priority Priority
	Event    Event
	State    StateKind // after the event
	Value    string    // the tag's value, formatted with its units (EvShelve: the shelf's end)
	Limit    float64
	User     string // "" for the system
	Comment  string
	Message  string
}

// Names of the state the alarm system keeps in the state.Store.
const (
	JournalLog  = "alarms.journal" // Records, JSON, one per transition
	StateBucket = "alarms.state"   // Status by alarm ID, JSON: what a restart restores
	LimitBucket = "alarms.limits"  // runtime limit changes by alarm ID, JSON float
)
