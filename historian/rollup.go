package historian

// Rollup summarises one fixed interval of one tag, so that queries over
// long spans read one record per interval instead of every sample. Good
// samples and good time are as for Agg; the time fields follow the stepped
// interpolation of Aggregate. Min, Max, First, Last, FirstT and LastT are
// meaningful only when Count > 0 (they are 0 otherwise).
//
// A rollup exists for every interval from the one holding the tag's first
// sample on, including intervals with no sample (the previous value holds
// through them: KnownMs = Width), so a query can tell a quiet tag from a
// missing one, and a stretch that is known bad (GoodMs = 0) from one with
// no data at all (no rollup).
type Rollup struct {
	Start         int64   // interval start, Unix ms (a multiple of the width)
	Width         int64   // interval width, ms (60_000 or 3_600_000)
	Count         uint32  // good samples in the interval
	Sum           float64 // of good samples' values (for avg)
	Min, Max      float64 // of good samples
	First, Last   float64 // first and last good values
	FirstT, LastT int64   // their times
	Integral      float64 // ∫ value dt over good time in the interval, value·ms (stepped), including the time the previous value held into the interval
	GoodMs        int64   // ms of the interval with a good value holding (stepped)
	KnownMs       int64   // ms of the interval covered by data at all (after the first sample ever)
}

func (a *aggAcc) rollup(start, width int64) Rollup {
	r := Rollup{
		Start: start, Width: width, Count: uint32(a.count), Sum: a.sum,
		Integral: a.integral, GoodMs: a.goodMs, KnownMs: a.knownMs,
	}
	if a.count > 0 {
		r.Min, r.Max = a.min, a.max
		r.First, r.FirstT = a.first, a.firstT
		r.Last, r.LastT = a.last, a.lastT
	}
	return r
}

// RollupsFrom builds every rollup of [from, to) from raw samples sorted by
// T, with prev as in Aggregate; the last value holds to the end of the
// last interval (data is known until to). from and to should be multiples
// of width: only whole intervals inside [from, to) are built (from is
// rounded up, to down). Intervals with no sample and no value holding into
// them (before the first sample, with prev nil) get no rollup. It
// allocates about two Rollups' worth per interval of [from, to); it
// returns nil for width ≤ 0.
//
// The storage engine calls it to rebuild the intervals an out-of-order
// sample touched; the RollupBuilder agrees with it.
func RollupsFrom(samples []Sample, prev *Sample, from, to, width int64) []Rollup {
	if width <= 0 {
		return nil
	}
	from = -aggFloor(-from, width)
	to = aggFloor(to, width)
	if to <= from {
		return nil
	}
	accs := make([]aggAcc, (to-from)/width)
	aggWalk(accs, samples, prev, from, to, width, to)
	out := make([]Rollup, 0, len(accs))
	for i := range accs {
		if accs[i].n == 0 && accs[i].knownMs == 0 {
			continue
		}
		out = append(out, accs[i].rollup(from+int64(i)*width, width))
	}
	return out
}

// AggregateRollups answers Aggregate from rollups of one width, sorted by
// Start, when interval and from are multiples of the width. Each rollup
// goes to the bucket its Start falls in; rollups outside [from, to) are
// ignored. The answer equals Aggregate over the raw samples the rollups
// were built from (with end = to) for every aggregate: count, min, max,
// first, last, delta and pctgood exactly, avg and twa up to the rounding
// of sums taken in another order. Buckets with no rollups, or only rollups
// without good data, are not Good.
//
// It returns nil for an unknown agg, interval ≤ 0, to ≤ from, or more than
// MaxBuckets intervals.
func AggregateRollups(r []Rollup, from, to, interval int64, agg Agg) []Bucket {
	if !agg.valid() || interval <= 0 || to <= from {
		return nil
	}
	n := (to-from-1)/interval + 1
	if n > MaxBuckets {
		return nil
	}
	accs := make([]aggAcc, n)
	for i := range r {
		if r[i].Start < from || r[i].Start >= to {
			continue
		}
		accs[(r[i].Start-from)/interval].addRollup(&r[i])
	}
	out := make([]Bucket, n)
	for i := range out {
		start := from + int64(i)*interval
		out[i] = accs[i].bucket(start, min(start+interval, to)-start, agg)
	}
	return out
}
