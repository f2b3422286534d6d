package alarms

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/sightglass/sightglass/state"
)

// The operator actions take a selection of alarms by ID and apply to all
// of them or, when one is unknown or refused, to none. Alarms the action
// does not apply to (acknowledging an acknowledged alarm) are left alone.
// user and comment go to the journal. Every change of one call is stored
// in one Batch; an error from the store is returned after the change took
// effect in the engine.

// Ack acknowledges alarms.
func (e *Engine) Ack(ids []string, user, comment string) error {
	if err := e.needComment(comment); err != nil {
		return err
	}
	return e.act(ids, nil, func(a *alarm, now time.Time) { e.ack(a, user, comment, now) })
}

// Reset resets latched alarms that are back to normal and acknowledged.
func (e *Engine) Reset(ids []string, user, comment string) error {
	if err := e.needComment(comment); err != nil {
		return err
	}
	return e.act(ids, nil, func(a *alarm, now time.Time) { e.reset(a, user, comment, now) })
}

// Shelve shelves alarms for d, at most the priority's maximum shelf
// (Config.MaxShelve, DefaultMaxShelve where it is 0). A shelved alarm is
// still evaluated but not annunciated; at the shelf's end it is
// unshelved (journaled with User ""), re-evaluated and, still active,
// annunciated again. Shelving a shelved alarm starts a new shelf.
func (e *Engine) Shelve(ids []string, d time.Duration, user, comment string) error {
	if err := e.needComment(comment); err != nil {
		return err
	}
	if d <= 0 {
		return fmt.Errorf("shelve for %v: the duration must be positive", d)
	}
	check := func(a *alarm) error {
		if most := e.maxShelve(a.def.Priority); d > most {
			return fmt.Errorf("%w: %s (%v) may be shelved for at most %v", ErrShelveTooLong, a.st.ID, a.def.Priority, most)
		}
		return nil
	}
	return e.act(ids, check, func(a *alarm, now time.Time) {
		until := now.Add(d)
		a.st.Shelved, a.st.ShelvedUntil, a.shelfAt = true, until, until
		e.schedule(a, until)
		a.st.User, a.st.Comment = user, comment
		e.journalValue(a, EvShelve, user, comment, until.UTC().Format(time.RFC3339), now)
	})
}

// maxShelve is the longest shelf of priority p.
func (e *Engine) maxShelve(p Priority) time.Duration {
	if d := e.cfg.MaxShelve[p]; d > 0 {
		return d
	}
	return DefaultMaxShelve[p]
}

// Unshelve ends the shelves of alarms before their time.
func (e *Engine) Unshelve(ids []string, user, comment string) error {
	return e.act(ids, nil, func(a *alarm, now time.Time) {
		if a.st.Shelved {
			e.unshelve(a, user, comment, now)
		}
	})
}

// SetOutOfService takes alarms out of service (oos) or returns them. An
// alarm out of service is still evaluated but not annunciated. Taking
// out of service needs a comment when the project requires one.
func (e *Engine) SetOutOfService(ids []string, oos bool, user, comment string) error {
	if oos {
		if err := e.needComment(comment); err != nil {
			return err
		}
	}
	ev := EvInService
	if oos {
		ev = EvOutOfService
	}
	return e.act(ids, nil, func(a *alarm, now time.Time) {
		if a.st.OutOfService != oos {
			a.st.OutOfService = oos
			e.operator(a, ev, user, comment, now)
		}
	})
}

// SetLimit changes an alarm's limit at runtime: stored in LimitBucket
// (kept over restarts), journaled as EvLimit with the old limit as the
// Value, and the alarm re-evaluated at once. ErrNoLimit for the kinds
// without one (State, Bad).
func (e *Engine) SetLimit(id string, limit float64, user, comment string) error {
	if math.IsNaN(limit) || math.IsInf(limit, 0) {
		return fmt.Errorf("alarm %s: limit %v is not a number", id, limit)
	}
	check := func(a *alarm) error {
		if !hasLimit(a.def.Kind) {
			return fmt.Errorf("%w: %s", ErrNoLimit, a.st.ID)
		}
		return nil
	}
	return e.act([]string{id}, check, func(a *alarm, now time.Time) {
		old := a.st.Limit
		if old == limit {
			return
		}
		a.st.Limit, a.h.limit = limit, limit
		b, _ := json.Marshal(limit)
		e.pending.Puts = append(e.pending.Puts, state.KV{Bucket: LimitBucket, Key: a.st.ID, Value: b})
		a.st.User, a.st.Comment = user, comment
		e.journalValue(a, EvLimit, user, comment, formatLimit(a, old), now)
		e.evaluate(a, now)
	})
}

// needComment refuses an action without a comment when the project
// requires one.
func (e *Engine) needComment(comment string) error {
	if e.cfg.RequireComment && strings.TrimSpace(comment) == "" {
		return ErrCommentRequired
	}
	return nil
}

// act applies do to the alarms ids names, after check (nil: none) passed
// for every one of them, and commits the changes.
func (e *Engine) act(ids []string, check func(*alarm) error, do func(*alarm, time.Time)) error {
	idx := make([]int32, 0, len(ids))
	var unknown []string
	for _, id := range ids {
		i, ok := e.byID[id]
		if !ok {
			unknown = append(unknown, id)
		}
		idx = append(idx, i)
	}
	if len(unknown) > 0 {
		return fmt.Errorf("%w: %s", ErrUnknownAlarm, strings.Join(unknown, ", "))
	}
	e.mu.Lock()
	if check != nil {
		var errs []error
		for _, i := range idx {
			if err := check(&e.alarms[i]); err != nil {
				errs = append(errs, err)
			}
		}
		if len(errs) > 0 {
			e.mu.Unlock()
			return errors.Join(errs...)
		}
	}
	now := time.Now()
	for _, i := range idx {
		do(&e.alarms[i], now)
	}
	return e.commit()
}
