package alarms

import (
	"encoding/json"
	"fmt"
	"time"
)

// recordJSON is a Record as the journal stores it: names, not numbers, so
// that a journal stays readable by tools and across versions.
type recordJSON struct {
	Time     time.Time `json:"t"`
	Alarm    string    `json:"alarm"`
	Tag      string    `json:"tag"`
	Area     string    `json:"area,omitempty"`
	Priority string    `json:"prio"`
	Event    string    `json:"ev"`
	State    string    `json:"state"`
	Value    string    `json:"value,omitempty"`
	Limit    float64   `json:"limit,omitempty"`
	User     string    `json:"user,omitempty"`
	Comment  string    `json:"comment,omitempty"`
	Message  string    `json:"msg,omitempty"`
}

// EncodeRecord encodes r for the journal (its Seq is the log's to give).
func EncodeRecord(r *Record) []byte {
	b, _ := json.Marshal(recordJSON{
		Time: r.Time.UTC(), Alarm: r.Alarm, Tag: r.Tag, Area: r.Area, Priority: r.Priority.String(),
		Event: r.Event.String(), State: r.State.String(), Value: r.Value, Limit: r.Limit,
		User: r.User, Comment: r.Comment, Message: r.Message,
	})
	return b
}

// DecodeRecord decodes a journal record stored under seq.
func DecodeRecord(seq uint64, b []byte) (Record, error) {
	var j recordJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return Record{}, fmt.Errorf("alarm journal record %d: %w", seq, err)
	}
	r := Record{Seq: seq, Time: j.Time, Alarm: j.Alarm, Tag: j.Tag, Area: j.Area, Value: j.Value,
		Limit: j.Limit, User: j.User, Comment: j.Comment, Message: j.Message}
	var ok1, ok2, ok3 bool
	r.Priority, ok1 = ParsePriority(j.Priority)
	r.Event, ok2 = ParseEvent(j.Event)
	r.State, ok3 = ParseState(j.State)
	if !ok1 || !ok2 || !ok3 {
		return r, fmt.Errorf("alarm journal record %d: unknown priority %q, event %q or state %q", seq, j.Priority, j.Event, j.State)
	}
	return r, nil
}
