package historian

// RollupBuilder builds the rollups of one width for one tag from samples
// appended in time order, as the storage engine writes them. Fed the same
// samples and flushed to a multiple of the width, it yields exactly the
// rollups RollupsFrom builds (same values, bit for bit).
//
// One interval is open at a time. An interval closes when a sample at or
// after its end arrives, or when Flush is told that time has passed its
// end; intervals with no sample are closed too, with the last value
// carried through them. The carried value knows nothing of station
// downtime: the caller records a sample for it (a bad sample with
// tags.ReasonStopped at shutdown) before it restores the builder.
//
// Samples out of order are the caller's problem: Add counts neither a
// sample older than the last one nor one in an interval already closed;
// the caller rebuilds the intervals they fall in with RollupsFrom once
// those are closed. A sample late only for a closed interval but newer
// than the last one still becomes the carried value, from the open
// interval's start on.
//
// A RollupBuilder is not safe for concurrent use.
type RollupBuilder struct {
	width int64
	have  bool    // a sample has been added or restored
	last  Sample  // the latest sample; its value holds from acc on
	lastV float64 // aggValue(&last)
	lastG bool
	start int64  // start of the open interval
	acc   int64  // open is accounted for [start, acc)
	open  aggAcc // the open interval so far
}

// NewRollupBuilder returns a builder of rollups width ms wide. A width ≤ 0
// makes a builder that builds nothing.
func NewRollupBuilder(width int64) *RollupBuilder { return &RollupBuilder{width: width} }

// Add appends a sample and returns the rollups that closed, oldest first.
func (b *RollupBuilder) Add(s Sample) []Rollup {
	if b.width <= 0 {
		return nil
	}
	if !b.have {
		b.have = true
		b.start = aggFloor(s.T, b.width)
		b.acc = s.T // no data before the first sample
		b.open = aggAcc{}
		b.setLast(s)
		b.open.add(s.T, b.lastV, b.lastG)
		return nil
	}
	if s.T < b.last.T {
		return nil // out of order: the caller rebuilds
	}
	out := b.closeBefore(s.T)
	if s.T < b.start {
		b.setLast(s) // late for a closed interval: carry it from here on
		return out
	}
	b.advance(s.T)
	b.setLast(s)
	b.open.add(s.T, b.lastV, b.lastG)
	return out
}

// Flush closes the intervals that ended at or before now, carrying the last
// value through them, so a quiet tag still gets rollups, and returns them.
// now says data is known until then: pass the time the station has
// recorded up to.
func (b *RollupBuilder) Flush(now int64) []Rollup {
	if b.width <= 0 || !b.have {
		return nil
	}
	return b.closeBefore(now)
}

// State returns the carried value (the last sample added), for persisting
// it; ok is false before the first sample.
func (b *RollupBuilder) State() (last Sample, ok bool) { return b.last, b.have }

// Open returns the open interval's rollup so far (its time accounted up to
// the last sample, or its start if none fell in it yet), for persisting it
// with State; ok is false before the first sample.
func (b *RollupBuilder) Open() (open Rollup, ok bool) {
	if !b.have || b.width <= 0 {
		return Rollup{}, false
	}
	return b.open.rollup(b.start, b.width), true
}

// Restore sets the builder to carry last. With open (as returned by Open
// together with last by State), the builder continues exactly where the
// one that returned them stood. With open nil, the interval holding last.T
// counts as closed: the builder opens the next one, with last holding into
// it from its start.
func (b *RollupBuilder) Restore(last Sample, open *Rollup) {
	if b.width <= 0 {
		return
	}
	b.have = true
	b.setLast(last)
	b.open = aggAcc{}
	if open == nil {
		b.start = aggFloor(last.T, b.width) + b.width
		b.acc = b.start
		return
	}
	b.start = open.Start
	b.acc = max(last.T, open.Start)
	b.open.addRollup(open)
}

func (b *RollupBuilder) setLast(s Sample) {
	b.last = s
	b.lastV, b.lastG = aggValue(&s)
}

// advance accounts the carried value up to t, within the open interval.
func (b *RollupBuilder) advance(t int64) {
	if t > b.acc {
		b.open.addTime(t-b.acc, b.lastV, b.lastG)
		b.acc = t
	}
}

// closeBefore closes every interval that ends at or before t.
func (b *RollupBuilder) closeBefore(t int64) []Rollup {
	var out []Rollup
	for b.start+b.width <= t {
		end := b.start + b.width
		b.advance(end)
		out = append(out, b.open.rollup(b.start, b.width))
		b.start, b.acc, b.open = end, end, aggAcc{}
	}
	return out
}
