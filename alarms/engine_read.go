package alarms

import "time"

// Summary is what the alarm banner shows.
type Summary struct {
	// Unacked counts the annunciated alarms waiting for an
	// acknowledgement (Unacked, RTNUnack) by priority; Active the
	// annunciated alarms whose condition is active (Unacked, Acked).
	Unacked, Active [NumPriorities]int
	// The alarms behind each overlay, whatever their state.
	Shelved, Suppressed, OutOfService int
	// Newest is the most recently activated of the highest-priority
	// annunciated unacknowledged alarms; nil when there is none.
	Newest *Status
}

// Version counts the engine's transitions; a reader that saw the same
// version last time has nothing new to show. It takes no lock.
func (e *Engine) Version() uint64 { return e.version.Load() }

// Alarms returns the status of every configured alarm, in configuration
// order.
func (e *Engine) Alarms() []Status {
	e.mu.RLock()
	defer e.mu.RUnlock()
	out := make([]Status, len(e.alarms))
	for i := range e.alarms {
		out[i] = e.alarms[i].st
	}
	return out
}

// Active returns the alarms that are not normal or carry an overlay
// (shelved, suppressed, out of service), in configuration order.
func (e *Engine) Active() []Status {
	e.mu.RLock()
	defer e.mu.RUnlock()
	var out []Status
	for i := range e.alarms {
		if s := &e.alarms[i].st; s.State != Normal || s.Shelved || s.Suppressed || s.OutOfService {
			out = append(out, *s)
		}
	}
	return out
}

// Get returns the status of one alarm.
func (e *Engine) Get(id string) (Status, bool) {
	i, ok := e.byID[id]
	if !ok {
		return Status{}, false
	}
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.alarms[i].st, true
}

// Summary counts the alarms for the banner.
func (e *Engine) Summary() Summary {
	e.mu.RLock()
	defer e.mu.RUnlock()
	var sum Summary
	var newest *Status
	for i := range e.alarms {
		s := &e.alarms[i].st
		if s.Shelved {
			sum.Shelved++
		}
		if s.Suppressed {
			sum.Suppressed++
		}
		if s.OutOfService {
			sum.OutOfService++
		}
		if !s.Annunciated() {
			continue
		}
		if s.State.Active() {
			sum.Active[s.Priority]++
		}
		if s.State.Unacknowledged() {
			sum.Unacked[s.Priority]++
			if newest == nil || s.Priority < newest.Priority ||
				s.Priority == newest.Priority && s.ActiveAt.After(newest.ActiveAt) {
				newest = s
			}
		}
	}
	if newest != nil {
		n := *newest
		sum.Newest = &n
	}
	return sum
}

// Config returns the configuration the engine runs: the alarms as the
// project defines them (not the runtime limits: see Status.Limit), the
// maximum shelf times, whether actions need a comment.
func (e *Engine) Config() Config { return e.cfg }

// MaxShelve is the longest an alarm of priority p may be shelved.
func (e *Engine) MaxShelve(p Priority) time.Duration { return e.maxShelve(p % NumPriorities) }
