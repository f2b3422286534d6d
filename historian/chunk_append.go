package historian

import (
	"encoding/binary"
	"hash/crc32"

	"github.com/sightglass/sightglass/tags"
)

// maxCandidates is the most value encodings an appender tries at once:
// scaled, decimal and float, each with the four predictors, and xor.
const maxCandidates = 13

// Candidates that fall behind the best by more than 1/pruneFrac of its
// size and pruneMargin bits are dropped, checked every pruneEvery samples
// from pruneStart on (when the predictors are warm). Measured on the demo
// plant's day: this keeps the size within 0.2 % of trying every candidate
// to the end, at a quarter of the time per sample.
const (
	pruneEvery  = 4
	pruneStart  = 16
	pruneFrac   = 16
	pruneMargin = 32
)

// ChunkAppender encodes the samples of one tag into one chunk as they
// arrive. It keeps the encoded bits and a few words of state, never the
// samples: the time stream, the quality runs, and one value stream per
// candidate encoding of the values, of which Finish keeps the smallest.
// The zero ChunkAppender is not usable; make one with NewChunkAppender.
type ChunkAppender struct {
	hint  ValueHint
	count int
	last  Sample

	// Time stream (chunk_time.go).
	firstT, lastT int64
	tunit         uint64 // every delta is a multiple; 0 while all deltas are 0
	prevQ         uint64 // the last delta, in tunit
	tw, tw2       timeWriter
	tbuf          []byte // scratch for retime

	// Quality runs: the finished ones encoded in qbuf, the current one
	// from runStart with code run.
	qbuf     []byte
	nruns    int
	runStart int
	run      uint64

	// Values. Until the first sample with a value, kind is KindNone and
	// pending holds the exceptions of the samples without one.
	kind    tags.Kind
	single  bool // the first float was a tags.Float32
	pending valueCoder
	cands   [maxCandidates]valueCoder
	ncand   int
}

// NewChunkAppender returns an appender for a tag with hint h.
func NewChunkAppender(h ValueHint) *ChunkAppender {
	a := &ChunkAppender{}
	a.Reset(h)
	return a
}

// Reset empties a to start a new chunk for a tag with hint h, keeping its
// buffers.
func (a *ChunkAppender) Reset(h ValueHint) {
	a.hint = h
	a.count = 0
	a.last = Sample{}
	a.firstT, a.lastT = 0, 0
	a.tunit, a.prevQ = 0, 0
	a.tw.reset()
	a.qbuf = a.qbuf[:0]
	a.nruns, a.runStart, a.run = 0, 0, 0
	a.kind, a.single = tags.KindNone, false
	a.pending.reset(ModeNone)
	a.ncand = 0
}

// Count is the number of samples appended.
func (a *ChunkAppender) Count() int { return a.count }

// FirstT is the timestamp of the first sample (0 before any).
func (a *ChunkAppender) FirstT() int64 { return a.firstT }

// LastT is the timestamp of the last sample (0 before any).
func (a *ChunkAppender) LastT() int64 { return a.lastT }

// Last returns the last sample appended, as it was given.
func (a *ChunkAppender) Last() (Sample, bool) { return a.last, a.count > 0 }

// Append adds s. It returns false, leaving the chunk unchanged, when s
// cannot go into this chunk: s.T is before the last sample's T (an equal T
// is kept, in order), s.V is of another kind than the chunk's values
// (samples without a value go into any chunk), or the chunk already holds
// MaxChunkSamples. The caller then finishes the chunk and starts another.
func (a *ChunkAppender) Append(s Sample) bool {
	k := s.V.Kind()
	switch {
	case a.count > 0 && s.T < a.lastT, a.count >= MaxChunkSamples, k > tags.KindString:
		return false
	case k != tags.KindNone && a.kind != tags.KindNone && k != a.kind:
		return false
	case k != tags.KindNone && a.kind == tags.KindNone:
		a.startValues(s.V)
	}
	pos := a.count
	a.appendTime(s.T)
	if k == tags.KindNone {
		if a.kind == tags.KindNone {
			a.pending.exception(pos, excNone, s.V)
		}
		for i := range a.cands[:a.ncand] {
			a.cands[i].exception(pos, excNone, s.V)
		}
	} else if k == tags.KindFloat {
		f, single := s.V.Float(), isSingle(s.V)
		for i := range a.cands[:a.ncand] {
			if c := &a.cands[i]; !c.dead {
				c.addFloat(pos, s.V, f, single)
			}
		}
	} else {
		for i := range a.cands[:a.ncand] {
			if c := &a.cands[i]; !c.dead {
				c.add(s.V)
			}
		}
	}
	a.appendQuality(s.Q)
	a.count++
	a.last = s
	if a.count%pruneEvery == 0 && a.count >= pruneStart {
		a.prune()
	}
	return true
}

// startValues picks the candidate encodings for a chunk whose first value
// is v.
func (a *ChunkAppender) startValues(v tags.Value) {
	a.kind = v.Kind()
	var modes [maxCandidates]ValueMode
	m := modes[:0]
	e := -1 // ModeDecimal's exponent
	both := func(base ValueMode) { m = append(m, base|ModeDelta, base|ModeDoD, base|ModeD3, base|ModeMean4) }
	switch a.kind {
	case tags.KindBool:
		m = append(m, ModeBool)
	case tags.KindInt:
		both(ModeInt)
	case tags.KindUint:
		both(ModeUint)
	case tags.KindString:
		m = append(m, ModeString)
	case tags.KindFloat:
		a.single = isSingle(v)
		var single ValueMode
		if a.single {
			single = ModeSingle
		}
		if s := a.hint.Scale; s != nil && a.hint.Integer && !a.single && usableScale(s) {
			both(ModeScaled)
		}
		for i := 0; i <= maxDecimalExp; i++ {
			if _, ok := decimalOf(v.Float(), i, a.single); ok {
				e = i
				break
			}
		}
		if e >= 0 {
			both(ModeDecimal | single)
		}
		both(ModeFloat | single)
		m = append(m, ModeXOR|single)
	}
	a.ncand = len(m)
	for i, mode := range m {
		c := &a.cands[i]
		c.reset(mode)
		if mode&ModeBase == ModeScaled {
			c.scale = *a.hint.Scale
			c.scaleLen = len(appendScaleNumbers(nil, &c.scale))
		}
		if mode&ModeBase == ModeDecimal {
			c.e = e
		}
		// The samples so far had no value.
		c.exc = append(c.exc, a.pending.exc...)
		c.nexc, c.next = a.pending.nexc, a.pending.next
	}
}

// appendQuality adds q at position a.count to the quality runs.
func (a *ChunkAppender) appendQuality(q tags.Quality) {
	p := packQuality(q)
	switch {
	case a.count == 0:
		a.nruns, a.runStart, a.run = 1, 0, p
	case p != a.run:
		a.qbuf = binary.AppendUvarint(a.qbuf, uint64(a.count-a.runStart))
		a.qbuf = binary.AppendUvarint(a.qbuf, a.run)
		a.nruns++
		a.runStart, a.run = a.count, p
	}
}

// prune drops the candidates far behind the best: what falls behind after
// the first samples seldom catches up, and every candidate costs time on
// each Append.
func (a *ChunkAppender) prune() {
	best := a.best()
	if best == nil {
		return
	}
	limit := best.cost()
	limit += limit/pruneFrac + pruneMargin
	for i := range a.cands[:a.ncand] {
		if c := &a.cands[i]; !c.dead && c.cost() > limit {
			c.dead = true
		}
	}
}

// best is the live candidate with the smallest cost (nil before the first
// value: then pending stands for the values).
func (a *ChunkAppender) best() *valueCoder {
	var best *valueCoder
	bc := 0
	for i := range a.cands[:a.ncand] {
		c := &a.cands[i]
		if c.dead {
			continue
		}
		if cc := c.cost(); best == nil || cc < bc {
			best, bc = c, cc
		}
	}
	return best
}

// values is the coder whose stream Finish writes.
func (a *ChunkAppender) values() *valueCoder {
	if c := a.best(); c != nil {
		return c
	}
	return &a.pending
}

// headerLen is the size of the fixed header: version, mode, count, first
// timestamp, span and time unit.
func (a *ChunkAppender) headerLen() int {
	return 2 + uvarintLen(uint64(a.count)) + uvarintLen(zigzag(a.firstT)) +
		uvarintLen(uint64(a.lastT)-uint64(a.firstT)) + uvarintLen(a.tunit)
}

// qualityLen is the size of the quality runs.
func (a *ChunkAppender) qualityLen() int {
	if a.nruns == 0 {
		return 1
	}
	return uvarintLen(uint64(a.nruns)) + len(a.qbuf) + uvarintLen(a.run)
}

// Size is the size in bytes of the chunk Finish would return now.
func (a *ChunkAppender) Size() int {
	c := a.values()
	n := a.headerLen() + (a.tw.len()+c.w.len()+7)/8 + chunkTrailer + c.paramsLen()
	if a.tables(c) {
		n += a.qualityLen() + uvarintLen(uint64(c.nexc)) + len(c.exc)
	}
	return n
}

// tables reports whether the chunk needs its quality runs and exceptions
// written, with c the values: not when every sample is good and in c's
// stream.
func (a *ChunkAppender) tables(c *valueCoder) bool {
	return a.nruns > 1 || a.run != packQuality(tags.GoodQuality) || c.nexc > 0
}

// Finish returns the chunk of the samples appended so far: header,
// quality runs, exceptions, the time and value streams, and the CRC-32C.
// It does not change a: more samples may follow, and Finish may be called
// again (say, to store the head of a tag at each commit).
func (a *ChunkAppender) Finish() []byte {
	c := a.values()
	b := make([]byte, 0, a.Size())
	mode := byte(c.mode)
	tables := a.tables(c)
	if tables {
		mode |= chunkTables
	}
	b = append(b, ChunkVersion, mode)
	b = binary.AppendUvarint(b, uint64(a.count))
	b = binary.AppendVarint(b, a.firstT)
	b = binary.AppendUvarint(b, uint64(a.lastT)-uint64(a.firstT))
	b = binary.AppendUvarint(b, a.tunit)
	switch c.mode & ModeBase {
	case ModeDecimal:
		b = append(b, byte(c.e))
	case ModeScaled:
		b = appendScaleNumbers(b, &c.scale)
	}
	if tables {
		b = binary.AppendUvarint(b, uint64(a.nruns))
		if a.nruns > 0 {
			b = append(b, a.qbuf...)
			b = binary.AppendUvarint(b, a.run)
		}
		b = binary.AppendUvarint(b, uint64(c.nexc))
		b = append(b, c.exc...)
	}
	out := bitWriter{buf: b}
	a.tw.appendTo(&out)
	c.w.appendTo(&out)
	b = out.padded()
	return binary.LittleEndian.AppendUint32(b, crc32.Checksum(b, castagnoli))
}
