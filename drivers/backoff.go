package drivers

import (
	"math/rand/v2"
	"time"
)

// Reconnect backoff: the first retry after MinBackoff, doubling up to
// MaxBackoff, each delay drawn from [d/2, d) ("equal jitter", AWS
// architecture blog, 2015) so that stations that lost a device at the same
// moment do not all come back at the same instant.
const (
	MinBackoff = 250 * time.Millisecond
	MaxBackoff = 30 * time.Second
)

// backoff computes the delay before reconnect attempt n (n = 1 for the
// first retry).
type backoff struct {
	min, max time.Duration
	rand     func() float64 // in [0, 1)
}

func newBackoff() backoff {
	return backoff{min: MinBackoff, max: MaxBackoff, rand: rand.Float64}
}

func (b backoff) delay(n int) time.Duration {
	d := b.min
	for i := 1; i < n && d < b.max; i++ {
		d *= 2
	}
	d = min(d, b.max)
	half := d / 2
	return half + time.Duration(b.rand()*float64(half))
}
