package historian

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/sightglass/sightglass/tags"
)

// Agg is an aggregate over an interval.
//
// Which samples count. A sample's value takes part in the value aggregates
// (avg, twa, min, max, count, delta, first, last) only when its quality
// level is Good and it holds a finite number: bool (as 0 or 1), int, uint
// or float. Uncertain samples are excluded, as OPC UA Part 13 treats
// uncertain as bad unless a server is configured otherwise. Strings, values
// never read, NaN and ±Inf are excluded as well: count counts only the
// samples that avg would average, so Bucket.Count means the same for every
// aggregate. Time during which such a sample holds is not good time.
//
// Stepped interpolation. twa and pctgood weigh values by the time they
// hold: a sample's value holds from its T until the next sample's T (of
// any quality or kind), the SCADA convention for values read by polling
// and recorded on change. See Aggregate for where holding ends.
type Agg uint8

// The aggregates.
const (
	AggAvg     Agg = iota + 1 // mean of the good values
	AggTWA                    // time-weighted mean over the good time (stepped)
	AggMin                    // least good value
	AggMax                    // greatest good value
	AggCount                  // number of good values
	AggDelta                  // last good value − first good value; a counter that wrapped is not unwrapped
	AggPctGood                // percentage (0..100) of the interval's time with a good value holding
	AggFirst                  // first good value
	AggLast                   // last good value
)

var aggNames = [...]string{
	AggAvg:     "avg",
	AggTWA:     "twa",
	AggMin:     "min",
	AggMax:     "max",
	AggCount:   "count",
	AggDelta:   "delta",
	AggPctGood: "pctgood",
	AggFirst:   "first",
	AggLast:    "last",
}

// ErrUnknownAgg is returned by ParseAgg for a name that is no aggregate.
var ErrUnknownAgg = errors.New("unknown aggregate")

// MaxBuckets bounds the output of Aggregate, AggregateRollups, M4 and
// M4Rollups: they return nil rather than allocate more buckets or columns
// than this, so a mistyped query cannot exhaust a station's memory. A
// caller checks (to−from)/interval against it to report the error.
const MaxBuckets = 1 << 20

// ParseAgg parses an aggregate name: avg, twa, min, max, count, delta,
// pctgood, first or last (any case).
func ParseAgg(s string) (Agg, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	for a := AggAvg; a <= AggLast; a++ {
		if aggNames[a] == t {
			return a, nil
		}
	}
	return 0, fmt.Errorf("%w %q: want avg, twa, min, max, count, delta, pctgood, first or last", ErrUnknownAgg, s)
}

func (a Agg) String() string {
	if a.valid() {
		return aggNames[a]
	}
	return "Agg(" + strconv.Itoa(int(a)) + ")"
}

func (a Agg) valid() bool { return a >= AggAvg && a <= AggLast }

// Bucket is one interval's aggregate.
type Bucket struct {
	Start int64   // interval start, Unix ms
	Value float64 // NaN when the interval has no good data (except count and pctgood, which are 0)
	Count int     // good samples that contributed (see Agg), whatever the aggregate
	Good  bool    // Value is meaningful: at least one good sample, or for twa and pctgood some good time
}

// Aggregate computes agg over [from, to) cut into intervals of interval ms
// (the last may be shorter), from raw samples sorted by T.
//
// prev, when not nil, is the last sample before from: its value holds into
// from (for twa and pctgood). Samples before from in samples act the same
// way (the latest of them and prev holds into from); prev is ignored if
// its T is not before from. Samples at or after to are not aggregated but
// end the holding of the value before them.
//
// A value holds until the next sample, but at most until to. The value of
// the last sample (the last of samples, or prev if there are none) holds
// only until end: pass end = to when data is known until to (the tag was
// being recorded and did not change), end = the last sample's T to stop
// there. An end before the last sample's T counts as that T.
//
// Aggregate returns nil for an unknown agg, interval ≤ 0, to ≤ from, or
// more than MaxBuckets intervals.
func Aggregate(samples []Sample, prev *Sample, from, to, interval, end int64, agg Agg) []Bucket {
	if !agg.valid() || interval <= 0 || to <= from {
		return nil
	}
	n := (to-from-1)/interval + 1
	if n > MaxBuckets {
		return nil
	}
	accs := make([]aggAcc, n)
	aggWalk(accs, samples, prev, from, to, interval, end)
	out := make([]Bucket, n)
	for i := range out {
		start := from + int64(i)*interval
		out[i] = accs[i].bucket(start, min(start+interval, to)-start, agg)
	}
	return out
}

// aggValue returns the value a sample contributes to the value aggregates,
// and whether it contributes at all (see Agg).
func aggValue(s *Sample) (float64, bool) {
	if s.Q.Level != tags.Good {
		return 0, false
	}
	return aggNumber(s.V)
}

// aggNumber returns a bool, int, uint or float value as a float64, and
// whether it is one of those kinds and finite.
func aggNumber(v tags.Value) (float64, bool) {
	switch v.Kind() {
	case tags.KindBool, tags.KindInt, tags.KindUint, tags.KindFloat:
		f := v.Float()
		return f, !math.IsNaN(f) && !math.IsInf(f, 0)
	}
	return 0, false
}

// aggAcc accumulates one interval: the good samples in it and the stepped
// signal over it. Aggregate, RollupsFrom, the RollupBuilder and
// AggregateRollups all reduce through it, so they agree bit for bit where
// they add the same terms in the same order.
type aggAcc struct {
	n             int // samples of any quality and kind in the interval
	count         int // good samples (aggValue)
	sum           float64
	min, max      float64
	first, last   float64
	firstT, lastT int64
	integral      float64 // ∫ value dt over good time, value·ms
	goodMs        int64   // time with a good value holding
	knownMs       int64   // time with any sample holding
}

// add counts a sample at t whose value is v; ok says it is good (aggValue).
func (a *aggAcc) add(t int64, v float64, ok bool) {
	a.n++
	if !ok {
		return
	}
	if a.count == 0 {
		a.min, a.max, a.first, a.firstT = v, v, v, t
	} else {
		a.min = min(a.min, v)
		a.max = max(a.max, v)
	}
	a.count++
	a.sum += v
	a.last, a.lastT = v, t
}

// addTime accounts ms of time during which a sample holds whose value is
// v, good or not.
func (a *aggAcc) addTime(ms int64, v float64, good bool) {
	a.knownMs += ms
	if good {
		a.integral += v * float64(ms)
		a.goodMs += ms
	}
}

// addRollup merges a rollup that follows everything merged so far.
func (a *aggAcc) addRollup(r *Rollup) {
	a.n += int(r.Count)
	if r.Count > 0 {
		if a.count == 0 {
			a.min, a.max, a.first, a.firstT = r.Min, r.Max, r.First, r.FirstT
		} else {
			a.min = min(a.min, r.Min)
			a.max = max(a.max, r.Max)
		}
		a.count += int(r.Count)
		a.sum += r.Sum
		a.last, a.lastT = r.Last, r.LastT
	}
	a.integral += r.Integral
	a.goodMs += r.GoodMs
	a.knownMs += r.KnownMs
}

// bucket makes the Bucket of agg over an interval length ms long.
func (a *aggAcc) bucket(start, length int64, agg Agg) Bucket {
	b := Bucket{Start: start, Value: math.NaN(), Count: a.count}
	switch agg {
	case AggCount:
		b.Value, b.Good = float64(a.count), a.count > 0
	case AggPctGood:
		b.Value, b.Good = 100*float64(a.goodMs)/float64(length), a.goodMs > 0
	case AggTWA:
		if a.goodMs > 0 {
			b.Value, b.Good = a.integral/float64(a.goodMs), true
		}
	default:
		if a.count == 0 {
			break
		}
		b.Good = true
		switch agg {
		case AggAvg:
			b.Value = a.sum / float64(a.count)
		case AggMin:
			b.Value = a.min
		case AggMax:
			b.Value = a.max
		case AggDelta:
			b.Value = a.last - a.first
		case AggFirst:
			b.Value = a.first
		case AggLast:
			b.Value = a.last
		}
	}
	return b
}

// aggWalk feeds the samples in [from, to) and the stepped signal over
// [from, to) into accs, where accs[i] covers [from+i·step, from+(i+1)·step)
// cut at to. Holding follows the rules of Aggregate.
func aggWalk(accs []aggAcc, samples []Sample, prev *Sample, from, to, step, end int64) {
	i := sort.Search(len(samples), func(k int) bool { return samples[k].T >= from })
	var held *Sample
	if prev != nil && prev.T < from {
		held = prev
	}
	if i > 0 && (held == nil || samples[i-1].T >= held.T) {
		held = &samples[i-1]
	}
	var hv float64
	var hgood bool
	if held != nil {
		hv, hgood = aggValue(held)
	}
	c := aggCursor{accs: accs, to: to, step: step, end: min(from+step, to)}
	t := from // held holds from t
	k := i
	for ; k < len(samples) && samples[k].T < to; k++ {
		s := &samples[k]
		if held != nil {
			c.spread(t, s.T, hv, hgood)
		}
		v, ok := aggValue(s)
		c.seek(s.T)
		accs[c.b].add(s.T, v, ok)
		held, t, hv, hgood = s, s.T, v, ok
	}
	if held == nil {
		return
	}
	stop := to // a sample at or after to ends the holding there
	if k == len(samples) {
		stop = min(max(end, held.T), to)
	}
	c.spread(t, stop, hv, hgood)
}

// aggCursor walks the intervals of aggWalk forward, without a division
// per sample.
type aggCursor struct {
	accs     []aggAcc
	to, step int64
	b        int   // the current interval
	end      int64 // its end
}

// seek moves to the interval holding t (not before the current one).
func (c *aggCursor) seek(t int64) {
	for t >= c.end {
		c.b++
		c.end = min(c.end+c.step, c.to)
	}
}

// spread accounts the time [t0, t1) of one held value across the intervals
// it overlaps.
func (c *aggCursor) spread(t0, t1 int64, v float64, good bool) {
	for t0 < t1 {
		c.seek(t0)
		e := min(c.end, t1)
		c.accs[c.b].addTime(e-t0, v, good)
		t0 = e
	}
}

// aggFloor rounds t down to a multiple of w (w > 0), for negative t too.
func aggFloor(t, w int64) int64 {
	r := t % w
	if r < 0 {
		r += w
	}
	return t - r
}
