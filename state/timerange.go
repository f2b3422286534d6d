package state

import "time"

// TimeRange returns the sequence numbers [lo, hi) of log that can hold
// the records of [from, to) (a zero from or to leaves that end open), for
// a log whose records carry times that timeOf reads (given the record's
// sequence number, for its errors). Records are appended roughly in time
// order: a record is never more than skew older than one before it. With
// that bound, binary searches for the first record at or after from−skew
// and the first after to+skew give a range outside which a record before
// lo is older than from and one at or after hi is not older than to.
// An empty log gives 0, 0.
func TimeRange(st Store, log string, from, to time.Time, skew time.Duration, timeOf func(seq uint64, rec []byte) (time.Time, error)) (lo, hi uint64, err error) {
	last, err := st.Last(log)
	if err != nil || last == 0 {
		return 0, 0, err
	}
	lo, hi = 1, last+1
	if !from.IsZero() {
		if lo, err = firstAfter(st, log, lo, hi, from.Add(-skew), false, timeOf); err != nil {
			return 0, 0, err
		}
	}
	if !to.IsZero() {
		if hi, err = firstAfter(st, log, lo, hi, to.Add(skew), true, timeOf); err != nil {
			return 0, 0, err
		}
	}
	return lo, hi, nil
}

// firstAfter binary-searches [lo, hi) of log for the first sequence
// number whose record's time is at or after t (strictly after when
// strict); hi when there is none.
func firstAfter(st Store, log string, lo, hi uint64, t time.Time, strict bool, timeOf func(seq uint64, rec []byte) (time.Time, error)) (uint64, error) {
	for lo < hi {
		mid := lo + (hi-lo)/2
		var seq uint64
		var rt time.Time
		err := st.Scan(log, mid, func(s uint64, b []byte) (bool, error) {
			var err error
			seq = s
			rt, err = timeOf(s, b)
			return false, err
		})
		if err != nil {
			return 0, err
		}
		if seq == 0 || seq >= hi {
			// No record from mid to hi (a gap at the end): all are past.
			hi = mid
			continue
		}
		if rt.After(t) || (!strict && rt.Equal(t)) {
			hi = mid
		} else {
			lo = seq + 1
		}
	}
	return lo, nil
}
