package historian

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"time"

	"github.com/sightglass/sightglass/tags"
)

// ErrBadRange: a query's range, interval or width is not usable.
var ErrBadRange = errors.New("historian: bad query range")

// Decimation switches to rollups when a column spans this many rollup
// widths: M4Rollups is then exact to within one pixel (see M4Rollups).
const rollupColumns = 4

func numeric(s Sample) bool {
	switch s.V.Kind() {
	case tags.KindInt, tags.KindUint, tags.KindFloat:
		return true
	}
	return false
}

func nowMs() int64 { return time.Now().UnixMilli() }

// Aggregate computes agg of tag id over [from, to) in buckets of interval
// ms. It reads 1-hour rollups when interval and from are multiples of an
// hour, 1-minute rollups when they are multiples of a minute, raw samples
// otherwise; the part after the newest stored rollup (the open interval,
// or intervals whose rollups late samples made stale) comes from raw. The
// last value holds until to or now, whichever is earlier.
func (db *DB) Aggregate(ctx context.Context, id TagID, from, to, interval int64, agg Agg) ([]Bucket, error) {
	if to <= from || interval <= 0 || (to-from-1)/interval+1 > MaxBuckets {
		return nil, ErrBadRange
	}
	h := db.head(id)
	if h == nil {
		return nil, ErrUnknownTag
	}
	h.mu.Lock()
	hv := h.view()
	h.mu.Unlock()
	k := -1
	switch {
	case interval%hourMs == 0 && floorDiv(from, hourMs) == from:
		k = 1
	case interval%minuteMs == 0 && floorDiv(from, minuteMs) == from:
		k = 0
	}
	tailFrom := from
	var out []Bucket
	if k >= 0 {
		rs, b, err := db.rollups(ctx, id, k, from, to, &hv)
		if err != nil {
			return nil, err
		}
		// Buckets wholly before b come from rollups, the rest from raw.
		tailFrom = min(to, from+max(0, (b-from)/interval)*interval)
		if tailFrom > from {
			out = AggregateRollups(rs, from, tailFrom, interval, agg)
		}
	}
	if tailFrom < to {
		samples, pp, err := db.rawWithPrev(ctx, id, tailFrom, to, &hv)
		if err != nil {
			return nil, err
		}
		out = append(out, Aggregate(samples, pp, tailFrom, to, interval, min(to, nowMs()), agg)...)
	}
	return out, nil
}

// rollups returns tag id's rollups of width rollWidths[k] with Start in
// [from, to) — stored ones and those in the head not yet committed — and
// b, the time up to which they are complete and current.
func (db *DB) rollups(ctx context.Context, id TagID, k int, from, to int64, hv *headView) ([]Rollup, int64, error) {
	w := rollWidths[k]
	from = floorDiv(from, w)
	rs, err := db.readRollups(rollKinds[k], id, from, to)
	if err != nil {
		return nil, 0, err
	}
	b, found := db.lastRollupEnd(rollKinds[k], id)
	if !found {
		b = from
	}
	if p := hv.rolls[k]; len(p) > 0 {
		b = max(b, p[len(p)-1].Start+w)
		for _, r := range p {
			if r.Start >= from && r.Start < to {
				rs = append(rs, r)
			}
		}
		// Head rollups replace stored ones of the same interval.
		slices.SortStableFunc(rs, func(a, b Rollup) int { return cmp.Compare(a.Start, b.Start) })
		out := rs[:0]
		for i, r := range rs {
			if i+1 < len(rs) && rs[i+1].Start == r.Start {
				continue
			}
			out = append(out, r)
		}
		rs = out
	}
	if hv.stale {
		b = min(b, floorDiv(hv.staleFrom, w))
	}
	if err := ctx.Err(); err != nil {
		return nil, 0, err
	}
	i, _ := slices.BinarySearchFunc(rs, b, func(r Rollup, t int64) int { return cmp.Compare(r.Start, t) })
	return rs[:i], b, nil
}

// Decimate returns tag id over [from, to) as width M4 columns for a trend.
// When a column spans at least 4 hours it reads 1-hour rollups, at least 4
// minutes 1-minute rollups (see M4Rollups for the error bound), otherwise
// raw samples.
func (db *DB) Decimate(ctx context.Context, id TagID, from, to int64, width int) ([]Column, error) {
	if to <= from || width <= 0 || width > MaxBuckets {
		return nil, ErrBadRange
	}
	h := db.head(id)
	if h == nil {
		return nil, ErrUnknownTag
	}
	h.mu.Lock()
	hv := h.view()
	h.mu.Unlock()
	span := (to - from) / int64(width)
	k := -1
	switch {
	case span >= rollupColumns*hourMs:
		k = 1
	case span >= rollupColumns*minuteMs:
		k = 0
	}
	if k < 0 {
		samples, err := db.rawRange(ctx, id, from, to, 0, &hv, nil)
		if err != nil {
			return nil, err
		}
		return M4(samples, from, to, width), nil
	}
	w := rollWidths[k]
	rs, b, err := db.rollups(ctx, id, k, from, to, &hv)
	if err != nil {
		return nil, err
	}
	if tail := max(b, floorDiv(from, w)); tail < to {
		samples, pp, err := db.rawWithPrev(ctx, id, tail, to, &hv)
		if err != nil {
			return nil, err
		}
		rs = append(rs, RollupsFrom(samples, pp, tail, floorDiv(to-1, w)+w, w)...)
	}
	return M4Rollups(rs, from, to, width), nil
}

// rawWithPrev returns the samples of [from, to) and the last sample before
// from (nil when there is none): what Aggregate and RollupsFrom take.
func (db *DB) rawWithPrev(ctx context.Context, id TagID, from, to int64, hv *headView) ([]Sample, *Sample, error) {
	samples, err := db.rawRange(ctx, id, from, to, 0, hv, nil)
	if err != nil {
		return nil, nil, err
	}
	prev, ok, err := db.prevSample(ctx, id, from-1, hv)
	if err != nil || !ok {
		return samples, nil, err
	}
	return samples, &prev, nil
}
