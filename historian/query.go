package historian

import (
	"cmp"
	"context"
	"errors"
	"math"
	"slices"
	"sort"

	bolt "go.etcd.io/bbolt"

	"github.com/sightglass/sightglass/tags"
)

// src is one source of samples for a query: a chunk (on disk or in a
// head) or the head's late samples not yet encoded.
type src struct {
	key         chunkKey
	data        []byte   // chunk bytes; valid while the query's transaction is open
	samples     []Sample // instead of data: decoded samples, sorted
	first, last int64
	file        string
}

// lateSeq ranks a head's unencoded late samples above every chunk: they
// are the newest writes.
const lateSeq = math.MaxUint64

// Raw returns the samples of tag id in [from, to), in time order, at most
// limit of them (limit ≤ 0: all), including samples still in the head.
// Where chunks overlap (late samples, Import), one sample per millisecond
// is returned: the one written last. A damaged chunk is skipped with a
// logged warning; the rest is returned.
func (db *DB) Raw(ctx context.Context, id TagID, from, to int64, limit int) ([]Sample, error) {
	h := db.head(id)
	if h == nil {
		return nil, ErrUnknownTag
	}
	h.mu.Lock()
	hv := h.view()
	h.mu.Unlock()
	return db.rawRange(ctx, id, from, to, limit, &hv, nil)
}

// rawRange reads [from, to) of a tag from hv (a snapshot of its head taken
// before this call) and the raw files, appending to dst.
func (db *DB) rawRange(ctx context.Context, id TagID, from, to int64, limit int, hv *headView, dst []Sample) ([]Sample, error) {
	if to <= from {
		return dst, nil
	}
	base := len(dst)
	// Partitions to visit: files overlapping [from, to) and partitions
	// holding head data.
	starts := map[int64]*partFile{}
	for _, f := range db.files.overlapping(kindRaw, from, to) {
		starts[f.start] = f
	}
	for _, c := range hv.chunks {
		if c.last >= from && c.first < to {
			if s, _ := db.files.rawSpan(c.first); starts[s] == nil {
				starts[s] = nil
			}
		}
	}
	for _, s := range hv.late {
		if s.T >= from && s.T < to {
			if p, _ := db.files.rawSpan(s.T); starts[p] == nil {
				starts[p] = nil
			}
		}
	}
	inHead := make(map[chunkKey]struct{}, len(hv.chunks))
	for _, c := range hv.chunks {
		inHead[c.key] = struct{}{}
	}
	var err error
	for _, p := range sortedKeys(starts) {
		if err := ctx.Err(); err != nil {
			return dst, err
		}
		f := starts[p]
		pEnd := p + db.files.partition
		if f != nil {
			pEnd = f.end
		}
		var srcs []src
		for _, c := range hv.chunks {
			if c.last >= from && c.first < to && c.first >= p && c.first < pEnd {
				srcs = append(srcs, src{key: c.key, data: c.data, first: c.first, last: c.last, file: "head"})
			}
		}
		lo := sort.Search(len(hv.late), func(i int) bool { return hv.late[i].T >= max(from, p) })
		hi := sort.Search(len(hv.late), func(i int) bool { return hv.late[i].T >= min(to, pEnd) })
		if lo < hi {
			srcs = append(srcs, src{key: chunkKey{Tag: id, FirstT: hv.late[lo].T, Seq: lateSeq}, samples: hv.late[lo:hi], first: hv.late[lo].T, last: hv.late[hi-1].T})
		}
		read := func() error {
			dst = db.merge(dst, srcs, from, to)
			return nil
		}
		if f == nil {
			err = read()
		} else {
			err = f.db.View(func(tx *bolt.Tx) error {
				srcs = db.diskChunks(tx, f, id, from, to, inHead, srcs)
				return read()
			})
			if errors.Is(err, bolt.ErrDatabaseNotOpen) {
				err = nil // dropped by retention meanwhile
			}
		}
		if err != nil {
			return dst, err
		}
		if limit > 0 && len(dst)-base >= limit {
			return dst[:base+limit], nil
		}
	}
	return dst, nil
}

// diskChunks adds the chunks of tag id in raw file f that overlap
// [from, to) to srcs, skipping those the head holds a newer copy of.
func (db *DB) diskChunks(tx *bolt.Tx, f *partFile, id TagID, from, to int64, inHead map[chunkKey]struct{}, srcs []src) []src {
	b := tx.Bucket(bucketChunks)
	if b == nil {
		return srcs
	}
	c := b.Cursor()
	seekFrom := from
	if span := f.span(); from-span < from {
		seekFrom = from - span
	}
	for k, v := c.Seek(seekKey(id, seekFrom)); k != nil; k, v = c.Next() {
		key, ok := parseChunkKey(k)
		if !ok || key.Tag != id || key.FirstT >= to {
			break
		}
		if _, dup := inHead[key]; dup {
			continue
		}
		hdr, err := ReadChunkHeader(v)
		if err != nil {
			db.log.Warn("historian: damaged chunk skipped", "file", f.name, "tag", db.cat.name(id), "from", key.FirstT, "err", err)
			continue
		}
		if hdr.LastT < from {
			continue
		}
		srcs = append(srcs, src{key: key, data: v, first: key.FirstT, last: hdr.LastT, file: f.name})
	}
	return srcs
}

// merge decodes srcs and appends their samples in [from, to) to dst in
// time order. Chunks that do not overlap are copied in order; overlapping
// ones are merged, and for samples with the same T the one from the chunk
// with the higher sequence (written later) wins.
func (db *DB) merge(dst []Sample, srcs []src, from, to int64) []Sample {
	if len(srcs) == 0 {
		return dst
	}
	slices.SortFunc(srcs, func(a, b src) int {
		if c := cmp.Compare(a.first, b.first); c != 0 {
			return c
		}
		return cmp.Compare(a.key.Seq, b.key.Seq)
	})
	disjoint := true
	for i := 1; i < len(srcs); i++ {
		if srcs[i].first <= srcs[i-1].last {
			disjoint = false
			break
		}
	}
	if disjoint {
		for i := range srcs {
			dst = db.decodeRange(dst, &srcs[i], from, to)
		}
		return dst
	}
	// Overlap: decode all with their sequence, sort stably by (T, seq),
	// keep the last of each T.
	type ranked struct {
		s   Sample
		seq uint64
	}
	var all []ranked
	var buf []Sample
	for i := range srcs {
		buf = db.decodeRange(buf[:0], &srcs[i], from, to)
		for _, s := range buf {
			all = append(all, ranked{s, srcs[i].key.Seq})
		}
	}
	slices.SortStableFunc(all, func(a, b ranked) int {
		if c := cmp.Compare(a.s.T, b.s.T); c != 0 {
			return c
		}
		return cmp.Compare(a.seq, b.seq)
	})
	for i, r := range all {
		if i+1 < len(all) && all[i+1].s.T == r.s.T && all[i+1].seq != r.seq {
			continue
		}
		dst = append(dst, r.s)
	}
	return dst
}

// decodeRange appends the samples of s in [from, to) to dst. A chunk that
// does not decode is skipped with a warning.
func (db *DB) decodeRange(dst []Sample, s *src, from, to int64) []Sample {
	start := len(dst)
	if s.data == nil {
		dst = append(dst, s.samples...)
	} else {
		var err error
		dst, err = DecodeChunk(s.data, dst)
		if err != nil {
			db.log.Warn("historian: damaged chunk skipped", "file", s.file, "tag", db.cat.name(s.key.Tag), "from", s.key.FirstT, "err", err)
			return dst[:start]
		}
	}
	seg := dst[start:]
	lo, hi := 0, len(seg)
	if s.first < from {
		lo = sort.Search(len(seg), func(i int) bool { return seg[i].T >= from })
	}
	if s.last >= to {
		hi = sort.Search(len(seg), func(i int) bool { return seg[i].T >= to })
	}
	if lo > 0 || hi < len(seg) {
		n := copy(seg, seg[lo:hi])
		dst = dst[:start+n]
	}
	return dst
}

// prevSample returns the last sample of the tag with T ≤ t. It looks a
// minute back first, then 16 times further each time: a live tag has a
// sample in the minute before t, and the chunk holding it is the only one
// decoded (a first window of two chunk spans decoded two or three whole
// chunks, a third of a 7-day trend query).
func (db *DB) prevSample(ctx context.Context, id TagID, t int64, hv *headView) (Sample, bool, error) {
	earliest := int64(math.MaxInt64)
	if fs := db.files.overlapping(kindRaw, math.MinInt64, t+1); len(fs) > 0 {
		earliest = fs[0].start
	}
	for _, c := range hv.chunks {
		earliest = min(earliest, c.first)
	}
	if len(hv.late) > 0 {
		earliest = min(earliest, hv.late[0].T)
	}
	w := int64(minuteMs)
	var buf []Sample
	for {
		from := t - w
		if t-w > t { // overflow
			from = math.MinInt64
		}
		var err error
		buf, err = db.rawRange(ctx, id, from, t+1, 0, hv, buf[:0])
		if err != nil {
			return Sample{}, false, err
		}
		if len(buf) > 0 {
			return buf[len(buf)-1], true, nil
		}
		if from <= earliest {
			return Sample{}, false, nil
		}
		w *= 16
	}
}

// At returns the value of tag id at time t: the last sample at or before t
// (stepped; the sample keeps its own T), or with interpolate the linear
// interpolation at t between the samples before and after t when both are
// good and numeric (T is then t). ok is false when there is no sample at or
// before t.
func (db *DB) At(ctx context.Context, id TagID, t int64, interpolate bool) (Sample, bool, error) {
	h := db.head(id)
	if h == nil {
		return Sample{}, false, ErrUnknownTag
	}
	h.mu.Lock()
	hv := h.view()
	h.mu.Unlock()
	prev, ok, err := db.prevSample(ctx, id, t, &hv)
	if err != nil || !ok || !interpolate || prev.T == t || !prev.Q.IsGood() || !numeric(prev) {
		return prev, ok, err
	}
	next, err := db.rawRange(ctx, id, t+1, math.MaxInt64, 1, &hv, nil)
	if err != nil || len(next) == 0 || !next[0].Q.IsGood() || !numeric(next[0]) {
		return prev, ok, err
	}
	n := next[0]
	a, b := prev.V.Float(), n.V.Float()
	v := a + (b-a)*float64(t-prev.T)/float64(n.T-prev.T)
	return Sample{T: t, V: tags.Float(v), Q: prev.Q}, true, nil
}
