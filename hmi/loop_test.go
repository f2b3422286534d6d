package hmi

import (
	"testing"
	"time"
)

// Ticks fall on the wall clock's multiples of the period, so that every
// view's once-a-second change lands in the same repaint.
func TestUntilNextTick(t *testing.T) {
	base := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	ms := time.Millisecond
	for _, c := range []struct {
		at, d, want time.Duration // at: after base
	}{
		{0, 200 * ms, 200 * ms},        // on a tick: the next one
		{50 * ms, 200 * ms, 150 * ms},  // between ticks
		{150 * ms, 200 * ms, 250 * ms}, // under d/2 to go: the one after
		{199*ms + 999*time.Microsecond, 200 * ms, 200*ms + time.Microsecond},
		{300 * ms, time.Second, 700 * ms}, // a 1 s period ticks on the second
		{999 * ms, time.Second, time.Second + ms},
	} {
		if got := untilNextTick(base.Add(c.at), c.d); got != c.want {
			t.Errorf("untilNextTick(+%v, %v) = %v, want %v", c.at, c.d, got, c.want)
		}
		if next := base.Add(c.at + c.want); next.Truncate(c.d) != next {
			t.Errorf("+%v, %v: the tick at %v is not on a multiple of the period", c.at, c.d, next)
		}
	}
}
