package alarms

import (
	"container/heap"
	"time"
)

// deadline is one timer of one alarm. The alarm's own field (onAt, offAt,
// realarmAt, shelfAt, rateAt) is the truth: a deadline whose time no
// longer appears there is stale and fires nothing.
type deadline struct {
	at  time.Time
	idx int32
}

// deadlines is a min-heap of deadlines by time.
type deadlines []deadline

func (d deadlines) Len() int           { return len(d) }
func (d deadlines) Less(i, j int) bool { return d[i].at.Before(d[j].at) }
func (d deadlines) Swap(i, j int)      { d[i], d[j] = d[j], d[i] }
func (d *deadlines) Push(x any)        { *d = append(*d, x.(deadline)) }
func (d *deadlines) Pop() any {
	old := *d
	x := old[len(old)-1]
	*d = old[:len(old)-1]
	return x
}

// schedule adds a deadline for a and wakes the engine's loop, which sets
// its timer to the earliest deadline. Callers hold e.mu.
func (e *Engine) schedule(a *alarm, at time.Time) {
	heap.Push(&e.timers, deadline{at: at, idx: a.idx})
	select {
	case e.wake <- struct{}{}:
	default:
	}
}

// next is the earliest deadline; ok is false when there is none. Callers
// hold e.mu.
func (e *Engine) next() (at time.Time, ok bool) {
	if len(e.timers) == 0 {
		return time.Time{}, false
	}
	return e.timers[0].at, true
}

// fireDue runs every timer due at now. Callers hold e.mu.
func (e *Engine) fireDue(now time.Time) {
	for len(e.timers) > 0 && !e.timers[0].at.After(now) {
		d := heap.Pop(&e.timers).(deadline)
		e.fire(&e.alarms[d.idx], now)
	}
}
