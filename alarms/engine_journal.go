package alarms

import (
	"encoding/json"
	"time"

	"github.com/sightglass/sightglass/state"
)

// journal records a transition of a: one Record for JournalLog, and a's
// Status to put in StateBucket at the next commit. Callers hold e.mu.
func (e *Engine) journal(a *alarm, ev Event, user, comment string, now time.Time) {
	e.journalValue(a, ev, user, comment, "", now)
}

// journalValue is journal with the Record's Value given (a shelf's end,
// the old limit); "" journals the tag's current value.
func (e *Engine) journalValue(a *alarm, ev Event, user, comment, value string, now time.Time) {
	a.st.Changed = now
	a.st.Value = e.formatValue(a)
	if value == "" {
		value = a.st.Value
	}
	rec := Record{
		Time: now, Alarm: a.st.ID, Tag: a.st.Tag, Area: a.st.Area, Priority: a.st.Priority,
		Event: ev, State: a.st.State, Value: value, Limit: a.st.Limit,
		User: user, Comment: comment, Message: a.st.Message,
	}
	e.pending.Appends = append(e.pending.Appends, state.Entry{Log: JournalLog, Rec: EncodeRecord(&rec)})
	if !e.isDirty[a.idx] {
		e.isDirty[a.idx] = true
		e.dirty = append(e.dirty, a.idx)
	}
	e.version.Add(1)
}

// commit hands the pending transitions to the store in one Batch and
// unlocks e.mu, which the caller holds. The Batch is applied after e.mu is
// released, so readers are not held up by the disk, but before any later
// change's (applyMu), so the journal's order is the engine's.
func (e *Engine) commit() error {
	for _, i := range e.dirty {
		e.isDirty[i] = false
		b, err := json.Marshal(&e.alarms[i].st)
		if err != nil { // a Status always marshals; never lose the journal for it
			e.log.Error("alarm status", "alarm", e.alarms[i].st.ID, "err", err)
			continue
		}
		e.pending.Puts = append(e.pending.Puts, state.KV{Bucket: StateBucket, Key: e.alarms[i].st.ID, Value: b})
	}
	e.dirty = e.dirty[:0]
	b := e.pending
	e.pending = state.Batch{}
	if b.Empty() {
		e.mu.Unlock()
		return nil
	}
	e.applyMu.Lock()
	e.mu.Unlock()
	defer e.applyMu.Unlock()
	_, err := e.store.Apply(b)
	return err
}
