package alarms

import (
	"encoding/json"
	"fmt"
	"time"
)

// restore takes the alarms' runtime limits from LimitBucket and their
// statuses from StateBucket, where the engine left them. A restored
// alarm keeps its state: one acknowledged before the restart and still
// active is not annunciated again, one whose condition went away clears
// when its values arrive. Entries of alarms no longer configured, and
// entries that do not decode, are skipped (and logged).
func (e *Engine) restore(now time.Time) error {
	err := e.store.ForEach(LimitBucket, func(id string, v []byte) error {
		i, ok := e.byID[id]
		if !ok {
			return nil
		}
		var limit float64
		if err := json.Unmarshal(v, &limit); err != nil {
			e.log.Warn("alarm limit not restored", "alarm", id, "err", err)
			return nil
		}
		e.alarms[i].st.Limit, e.hot[i].limit = limit, limit
		return nil
	})
	if err != nil {
		return fmt.Errorf("alarm limits: %w", err)
	}
	err = e.store.ForEach(StateBucket, func(id string, v []byte) error {
		i, ok := e.byID[id]
		if !ok {
			return nil
		}
		var s Status
		if err := json.Unmarshal(v, &s); err != nil {
			e.log.Warn("alarm status not restored", "alarm", id, "err", err)
			return nil
		}
		e.restoreStatus(&e.alarms[i], &s, now)
		return nil
	})
	if err != nil {
		return fmt.Errorf("alarm statuses: %w", err)
	}
	return nil
}

// restoreStatus gives a the dynamic part of a stored status; what the
// configuration says (tag, kind, priority, area) and the limit in force
// stay as configured.
func (e *Engine) restoreStatus(a *alarm, s *Status, now time.Time) {
	if s.State >= NumStates {
		return
	}
	a.st.Message, a.st.State = s.Message, s.State
	a.st.Shelved, a.st.ShelvedUntil = s.Shelved, s.ShelvedUntil
	a.st.Suppressed, a.st.OutOfService = s.Suppressed, s.OutOfService
	a.st.Value, a.st.ActiveAt, a.st.Changed = s.Value, s.ActiveAt, s.Changed
	a.st.User, a.st.Comment = s.User, s.Comment
	a.h.in = a.st.State.Active()
	if a.st.Shelved {
		a.shelfAt = a.st.ShelvedUntil
		if a.shelfAt.IsZero() {
			a.shelfAt = now
		}
		e.schedule(a, a.shelfAt)
	}
	if a.st.State == Acked && a.def.Realarm > 0 {
		a.realarmAt = now.Add(a.def.Realarm)
		e.schedule(a, a.realarmAt)
	}
}
