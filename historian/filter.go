package historian

import (
	"math"

	"github.com/sightglass/sightglass/tags"
)

// FilterConfig configures a Filter, with the meanings OSIsoft PI gives the
// point attributes of the same names (ExcMin and CompMin are not offered).
// A zero field turns its test off; the zero FilterConfig passes every
// sample.
type FilterConfig struct {
	ExcDev  float64 // exception deadband, engineering units: a sample within ExcDev of the last passed value is dropped
	ExcMax  int64   // ms: a sample this long or longer after the last passed one passes exception anyway
	CompDev float64 // swinging-door deviation, engineering units: no dropped sample is further than this from the stored line
	CompMax int64   // ms: the longest time between stored samples while samples keep coming
}

// Filter is optional lossy compression as plant historians do it: an
// exception deadband, then swinging-door compression on what passes.
//
// Only good numbers are filtered: int, uint and float values of quality
// level Good. Everything else — bad or uncertain samples, bools and strings
// (states, not measurements; a line between them means nothing), NaN and
// ±Inf — passes, and so do the samples on both sides of it: every quality
// change is stored with the last value before it and the first after it.
//
// Exception (ExcDev > 0): a sample passes when it differs from the last
// passed value by more than ExcDev, or ExcMax (if > 0) has elapsed since
// that one. When a sample passes after others were dropped, the last
// dropped one passes just before it, as PI interfaces send the previous
// value, so a step after a flat stretch is stored as a step and not as a
// ramp.
//
// Compression (CompDev > 0): the swinging door of PI (Bristol, 1990). The
// last stored sample A anchors a door: the slopes of the lines from A that
// pass within CompDev of every sample since A. The newest sample is held,
// not stored. When the line from A to a new sample is outside the door, the
// held sample is stored and becomes A. So every dropped sample lies within
// CompDev of the straight line between the stored samples around it. When
// a new sample is more than CompMax (if > 0) after A, the held sample is
// stored, and the new one too if it is still more than CompMax after that.
//
// The two stages stack: a sample the deadband dropped is within
// 2·ExcDev + CompDev of the stored line (within ExcDev of the passed value
// before it, and the line there runs between that value and the forwarded
// last dropped one, each within CompDev of it). Samples are expected in
// time order; one not after the last stored sample is stored as it is.
//
// A Filter is not safe for concurrent use.
type Filter struct {
	c FilterConfig

	// Exception stage.
	rep, drop       Sample // last passed; last dropped since
	repV            float64
	hasRep, hasDrop bool

	// Compression stage.
	arch, held       Sample // last stored (A); held, not yet stored
	archV            float64
	hasArch, hasHeld bool
	lo, hi           float64 // the door: slopes from A, value per ms
}

// NewFilter returns a filter with the given configuration.
func NewFilter(c FilterConfig) *Filter { return &Filter{c: c} }

// Offer takes the next sample and returns the samples to store now, in
// time order: usually none or one; two when a door closes on a sample that
// also breaks the deadband, or at a quality change; at most four.
func (f *Filter) Offer(s Sample) []Sample {
	if f.c.ExcDev <= 0 && f.c.CompDev <= 0 {
		return []Sample{s}
	}
	v, ok := filterValue(&s)
	if !ok {
		out := f.Flush()
		f.hasRep, f.hasArch = false, false // the next good number starts afresh
		return append(out, s)
	}
	if f.c.ExcDev > 0 && f.hasRep && math.Abs(v-f.repV) <= f.c.ExcDev &&
		(f.c.ExcMax <= 0 || s.T-f.rep.T < f.c.ExcMax) {
		f.drop, f.hasDrop = s, true
		return nil
	}
	var out []Sample
	if f.hasDrop {
		out = f.compress(out, f.drop)
		f.hasDrop = false
	}
	f.rep, f.repV, f.hasRep = s, v, true
	return f.compress(out, s)
}

// Flush returns the samples the filter holds back — the last sample the
// deadband dropped, if any, and the held sample of the swinging door — so
// that what is stored ends on the last value seen. Call it on shutdown or
// when a chunk is cut. Filtering goes on after it from the last stored
// sample.
func (f *Filter) Flush() []Sample {
	var out []Sample
	if f.hasDrop {
		out = f.compress(out, f.drop)
		f.rep, f.repV = f.drop, filterNumber(f.drop)
		f.hasDrop = false
	}
	if f.hasHeld {
		out = append(out, f.held)
		f.anchor(f.held)
	}
	return out
}

// compress runs a sample that passed exception through the swinging door
// and appends what is to be stored to out.
func (f *Filter) compress(out []Sample, p Sample) []Sample {
	if f.c.CompDev <= 0 {
		return append(out, p)
	}
	if !f.hasArch || p.T <= f.arch.T {
		if f.hasHeld {
			out = append(out, f.held)
		}
		f.anchor(p)
		return append(out, p)
	}
	if f.c.CompMax > 0 && p.T-f.arch.T > f.c.CompMax {
		if f.hasHeld {
			out = append(out, f.held)
			f.anchor(f.held)
		}
		if p.T-f.arch.T > f.c.CompMax || p.T <= f.arch.T {
			f.anchor(p)
			return append(out, p)
		}
		f.hold(p)
		return out
	}
	if f.hasHeld {
		slope := (filterNumber(p) - f.archV) / float64(p.T-f.arch.T)
		if slope < f.lo || slope > f.hi { // the door closed: store the held sample
			out = append(out, f.held)
			f.anchor(f.held)
			if p.T <= f.arch.T {
				f.anchor(p)
				return append(out, p)
			}
		}
	}
	f.hold(p)
	return out
}

// anchor makes s the last stored sample, with the door wide open and
// nothing held.
func (f *Filter) anchor(s Sample) {
	f.arch, f.archV, f.hasArch = s, filterNumber(s), true
	f.hasHeld = false
	f.lo, f.hi = math.Inf(-1), math.Inf(1)
}

// hold holds p (later than the last stored sample) and narrows the door to
// the slopes that keep it within CompDev.
func (f *Filter) hold(p Sample) {
	pv := filterNumber(p)
	dt := float64(p.T - f.arch.T)
	f.lo = max(f.lo, (pv-f.c.CompDev-f.archV)/dt)
	f.hi = min(f.hi, (pv+f.c.CompDev-f.archV)/dt)
	f.held, f.hasHeld = p, true
}

func filterNumber(s Sample) float64 {
	v, _ := filterValue(&s)
	return v
}

// filterValue returns the value of a sample the filter may drop (a good,
// finite int, uint or float) and whether it is one.
func filterValue(s *Sample) (float64, bool) {
	if s.Q.Level != tags.Good {
		return 0, false
	}
	switch s.V.Kind() {
	case tags.KindInt, tags.KindUint, tags.KindFloat:
		v := s.V.Float()
		return v, !math.IsNaN(v) && !math.IsInf(v, 0)
	}
	return 0, false
}
