package historian

// Value streams. An appender runs one valueCoder per candidate encoding
// of its tag's values (for integers, int with each of four predictors;
// for floats, scaled, decimal and float with each predictor, and xor) and
// Finish keeps the smallest. Each coder writes its bit stream and its
// exceptions: the samples its stream does not hold (no value, or a float
// the mode cannot represent), stored apart with their position.

import (
	"encoding/binary"
	"math"
	"math/bits"

	"github.com/sightglass/sightglass/tags"
)

// Exception types: the low 2 bits of an exception's first uvarint.
const (
	excNone    = 0 // the sample has no value (tags.Value{})
	excFloat64 = 1 // 8 bytes: the float64 bits of a tags.Float, little-endian
	excFloat32 = 2 // 4 bytes: the float32 bits of a tags.Float32, little-endian
	excZero    = 3 // +0 of the chunk's float width (ModeFloat)
)

// riceLimit is how many one bits of a Rice code's quotient are written
// before the escape to an explicit length: residuals 16 times bigger than
// the current scale are rare, and cost at most 6 + 64 bits more.
const riceLimit = 16

// riceK adapts the Rice parameter k to the residuals: k is the integer
// part of a moving average of their bit lengths, which follows a change
// of noise level within a few samples and forgets an outlier as fast.
// (JPEG-LS's mean of the residuals, Weinberger et al. 2000, §3.2, takes
// hundreds of samples to forget a 2^40 jump; measured on the demo plant
// it cost 4 times the bits on smooth signals.)
type riceK struct {
	avg    uint32 // average bit length × 16
	shift  uint8  // the average moves by 1/2^shift of the difference
	primed bool   // avg holds a residual: the first sets it outright
}

func newRiceK(shift uint8) riceK { return riceK{shift: shift} }

func (s *riceK) k() uint { return uint(min(s.avg/16, 60)) }

func (s *riceK) update(z uint64) {
	l := uint32(bits.Len64(z)) * 16
	switch {
	case !s.primed:
		s.avg, s.primed = l, true
	case l >= s.avg:
		s.avg += (l - s.avg) >> s.shift
	default:
		s.avg -= (s.avg - l + 1<<s.shift - 1) >> s.shift
	}
}

// writeRice writes z with Rice parameter k: the quotient z>>k in unary
// (ones, then a zero), then the k low bits; a quotient of riceLimit or more
// is riceLimit ones, 6 bits of the bit length L of z less one, and the L-1
// bits of z below its top bit.
func writeRice(w *bitWriter, z uint64, k uint) {
	if q := z >> k; q < riceLimit {
		if k <= 56-riceLimit {
			w.writeBits((1<<(q+1)-2)<<k|z&(1<<k-1), uint(q)+1+k)
		} else {
			w.writeBits(1<<(q+1)-2, uint(q)+1)
			w.writeBits(z&(1<<k-1), k)
		}
		return
	}
	w.writeOnes(riceLimit)
	l := uint(bits.Len64(z))
	w.writeBits(uint64(l-1), 6)
	w.writeBits(z&(1<<(l-1)-1), l-1)
}

func readRice(r *bitReader, k uint) uint64 {
	if q := r.readOnes(riceLimit); q < riceLimit {
		return uint64(q)<<k | r.readBits(k)
	}
	l := uint(r.readBits(6)) + 1
	return 1<<(l-1) | r.readBits(l-1)
}

// writeFirst writes the first integer of a stream: 7 bits of the bit
// length L of its zig-zag, then its L-1 bits below the top bit.
func writeFirst(w *bitWriter, x int64) {
	z := zigzag(x)
	l := uint(bits.Len64(z))
	w.writeBits(uint64(l), 7)
	if l > 1 {
		w.writeBits(z&(1<<(l-1)-1), l-1)
	}
}

// readFirst reads what writeFirst wrote; a length above 64 sets r.err.
func readFirst(r *bitReader) int64 {
	l := uint(r.readBits(7))
	switch {
	case l == 0:
		return 0
	case l > 64:
		r.err = true
		return 0
	}
	return unzigzag(1<<(l-1) | r.readBits(l-1))
}

// intPredictor predicts the next integer of a stream from the previous
// ones and Rice codes the residual. The predictors: order 1 (the last
// value: delta coding), 2 (plus the last delta: delta of delta), 3 (plus
// the last delta of delta) for smooth signals, and the mean of the last 4
// values for noise about a level (it halves the noise variance delta
// coding doubles). Arithmetic wraps, so every int64 sequence, and every
// uint64 one on its bits, round-trips.
type intPredictor struct {
	pred ValueMode // ModeDelta, ModeDoD, ModeD3 or ModeMean4
	n    int       // integers seen
	prev int64     // the last integer
	d1   int64     // the last delta
	d2   int64     // the last delta of delta
	hist [4]int64  // the last 4 integers (ModeMean4), hist[n%4] the oldest
	k    riceK
}

func (p *intPredictor) reset(pred ValueMode) {
	// Noise wants a steady k, smooth signals one that follows their
	// changes of slope: measured on the demo plant.
	shift := uint8(1)
	if pred == ModeDelta || pred == ModeMean4 {
		shift = 2
	}
	*p = intPredictor{pred: pred, k: newRiceK(shift)}
}

// predict is the delta from the last value the predictor expects.
func (p *intPredictor) predict() int64 {
	switch p.pred {
	case ModeDoD:
		return p.d1
	case ModeD3:
		return p.d1 + p.d2
	case ModeMean4:
		n := min(p.n, len(p.hist))
		var sum int64
		for _, h := range p.hist[:n] {
			sum += h - p.prev
		}
		return sum / int64(n)
	}
	return 0
}

// update moves the predictor on to x, whose delta is d.
func (p *intPredictor) update(x, d int64) {
	p.hist[p.n%len(p.hist)] = x
	p.n++
	p.d1, p.d2 = d, d-p.d1
	p.prev = x
}

// warmup is how many integers come before the predictor has the history
// it needs: their residuals (the first value, the first delta, the first
// delta of delta) are of another scale than the rest, so they are written
// with writeFirst and do not move k.
func (p *intPredictor) warmup() int {
	switch p.pred {
	case ModeDoD:
		return 2
	case ModeD3:
		return 3
	}
	return 1
}

func (p *intPredictor) write(w *bitWriter, x int64) {
	d := x - p.prev
	switch {
	case p.n == 0:
		writeFirst(w, x)
		d = 0 // the first integer starts the stream at rest
	case p.n < p.warmup():
		writeFirst(w, d-p.predict())
	default:
		z := zigzag(d - p.predict())
		writeRice(w, z, p.k.k())
		p.k.update(z)
	}
	p.update(x, d)
}

func (p *intPredictor) read(r *bitReader) int64 {
	var d int64
	switch {
	case p.n == 0:
		x := readFirst(r)
		p.update(x, 0)
		return x
	case p.n < p.warmup():
		d = readFirst(r) + p.predict()
	default:
		z := readRice(r, p.k.k())
		p.k.update(z)
		d = unzigzag(z) + p.predict()
	}
	x := p.prev + d
	p.update(x, d)
	return x
}

// xorState is Gorilla's float compression (Pelkonen et al. 2015, §4.1.2)
// on 64-bit or, for float32 values, 32-bit patterns: '0' for a repeat;
// '10' and the meaningful bits when they fall in the previous window of
// leading and trailing zeros; '11', the leading zeros, the length less one
// and the meaningful bits otherwise.
type xorState struct {
	width uint // 32 or 64
	n     int
	prev  uint64
	lead  uint // window of the previous '11' code
	sig   uint // its meaningful bits; 0 before the first
}

func (x *xorState) fieldBits() uint {
	if x.width == 32 {
		return 5
	}
	return 6
}

func (x *xorState) write(w *bitWriter, v uint64) {
	if x.n == 0 {
		w.writeBits(v, x.width)
		x.n, x.prev = 1, v
		return
	}
	d := v ^ x.prev
	x.n++
	x.prev = v
	if d == 0 {
		w.writeBits(0, 1)
		return
	}
	lead := uint(bits.LeadingZeros64(d)) - (64 - x.width)
	trail := uint(bits.TrailingZeros64(d))
	if x.sig != 0 && lead >= x.lead && trail >= x.width-x.lead-x.sig {
		w.writeBits(0b10, 2)
		w.writeBits(d>>(x.width-x.lead-x.sig), x.sig)
		return
	}
	f := x.fieldBits()
	sig := x.width - lead - trail
	w.writeBits(0b11, 2)
	w.writeBits(uint64(lead), f)
	w.writeBits(uint64(sig-1), f)
	w.writeBits(d>>trail, sig)
	x.lead, x.sig = lead, sig
}

func (x *xorState) read(r *bitReader) (uint64, bool) {
	if x.n == 0 {
		x.n, x.prev = 1, r.readBits(x.width)
		return x.prev, true
	}
	x.n++
	if !r.readBit() {
		return x.prev, true
	}
	if r.readBit() {
		f := x.fieldBits()
		x.lead = uint(r.readBits(f))
		x.sig = uint(r.readBits(f)) + 1
		if x.lead+x.sig > x.width {
			return 0, false
		}
	} else if x.sig == 0 {
		return 0, false
	}
	x.prev ^= r.readBits(x.sig) << (x.width - x.lead - x.sig)
	return x.prev, true
}

// String values: '0' for the previous string again (the first is
// compared with ""), else '1', the length L+1 in Elias gamma form (ones
// for its bit length less one, a zero, its bits below the top one), and L
// bytes.
func writeString(w *bitWriter, s, prev string) {
	if s == prev {
		w.writeBits(0, 1)
		return
	}
	w.writeBits(1, 1)
	writeGamma(w, uint64(len(s))+1)
	for i := 0; i < len(s); i++ {
		w.writeBits(uint64(s[i]), 8)
	}
}

func writeGamma(w *bitWriter, v uint64) {
	l := uint(bits.Len64(v))
	w.writeOnes(l - 1)
	w.writeBits(0, 1)
	w.writeBits(v&(1<<(l-1)-1), l-1)
}

func readGamma(r *bitReader) uint64 {
	l := r.readOnes(64) + 1
	if l > 64 {
		r.err = true
		return 0
	}
	return 1<<(l-1) | r.readBits(l-1)
}

// orderFloat maps float bits to integers in the order of the floats they
// stand for (negative floats below positive ones, -0 just below +0), so
// that nearby floats are nearby integers across a change of sign or
// exponent. width is 32 or 64.
func orderFloat(u uint64, width uint) uint64 {
	sign := uint64(1) << (width - 1)
	if u&sign != 0 {
		return ^u & (sign<<1 - 1)
	}
	return u | sign
}

func unorderFloat(o uint64, width uint) uint64 {
	sign := uint64(1) << (width - 1)
	if o&sign != 0 {
		return o &^ sign
	}
	return ^o & (sign<<1 - 1)
}

// valueCoder is one candidate encoding of a chunk's values.
type valueCoder struct {
	mode ValueMode
	w    bitWriter
	exc  []byte // encoded exceptions
	nexc int
	next int // position after the last exception

	ip       intPredictor
	xs       xorState
	prevStr  string
	e        int        // ModeDecimal
	scale    tags.Scale // ModeScaled
	scaleLen int        // bytes of scale in the header
	dead     bool       // dropped: too far behind the best candidate
}

func (c *valueCoder) reset(mode ValueMode) {
	c.mode = mode
	c.w.reset()
	c.exc = c.exc[:0]
	c.nexc, c.next = 0, 0
	c.ip.reset(mode & ModePredictor)
	c.xs = xorState{width: 64}
	if mode&ModeSingle != 0 {
		c.xs.width = 32
	}
	c.prevStr = ""
	c.dead = false
}

// cost is the size of the coder's share of a chunk, in bits: its mode's
// parameters, its exceptions and its stream.
func (c *valueCoder) cost() int {
	n := 8 * (c.paramsLen() + len(c.exc))
	if c.nexc > 0 {
		n += 8 * uvarintLen(uint64(c.nexc))
	}
	return n + c.w.len()
}

// paramsLen is the size of the mode's parameters in the header.
func (c *valueCoder) paramsLen() int {
	switch c.mode & ModeBase {
	case ModeDecimal:
		return 1
	case ModeScaled:
		return c.scaleLen
	}
	return 0
}

func appendScaleNumbers(b []byte, s *tags.Scale) []byte {
	for _, f := range [...]float64{s.Raw[0], s.Raw[1], s.Eng[0], s.Eng[1]} {
		b = appendScaleNumber(b, f)
	}
	return b
}

// exception records that the sample at pos is not in the stream.
func (c *valueCoder) exception(pos int, typ uint64, v tags.Value) {
	c.exc = binary.AppendUvarint(c.exc, uint64(pos-c.next)<<2|typ)
	switch typ {
	case excFloat64:
		c.exc = binary.LittleEndian.AppendUint64(c.exc, math.Float64bits(v.Float()))
	case excFloat32:
		c.exc = binary.LittleEndian.AppendUint32(c.exc, math.Float32bits(float32(v.Float())))
	}
	c.nexc++
	c.next = pos + 1
}

// floatException records float v at pos as an exception of its own type.
func (c *valueCoder) floatException(pos int, v tags.Value, single bool) {
	if single {
		c.exception(pos, excFloat32, v)
	} else {
		c.exception(pos, excFloat64, v)
	}
}

// add adds value v (of the chunk's kind, not a float) at position pos.
func (c *valueCoder) add(v tags.Value) {
	switch c.mode & ModeBase {
	case ModeBool:
		c.w.writeBit(v.Bool())
	case ModeInt, ModeUint:
		c.ip.write(&c.w, int64(v.Uint()))
	case ModeString:
		writeString(&c.w, v.Str(), c.prevStr)
		c.prevStr = v.Str()
	}
}

// addFloat adds float value v, which is f and a tags.Float32 if single,
// at position pos.
func (c *valueCoder) addFloat(pos int, v tags.Value, f float64, single bool) {
	chunkSingle := c.mode&ModeSingle != 0
	switch c.mode & ModeBase {
	case ModeScaled:
		if raw, ok := scaledRaw(&c.scale, f); ok && !single {
			c.ip.write(&c.w, raw)
			return
		}
	case ModeDecimal:
		if single == chunkSingle {
			if n, ok := decimalOf(f, c.e, single); ok {
				c.ip.write(&c.w, n)
				return
			}
		}
	case ModeFloat:
		if single == chunkSingle {
			u := floatBits(f, single)
			if u == 0 {
				// +0 is 2^31 or 2^63 floats away from the values of most
				// signals, and a sensor clipped at zero (a flow meter's
				// cut-off) often reads it: it costs one exception byte
				// instead of two escapes, and the predictor goes on from
				// the value before.
				c.exception(pos, excZero, v)
				return
			}
			c.ip.write(&c.w, int64(orderFloat(u, c.xs.width)))
			return
		}
	case ModeXOR:
		if single == chunkSingle {
			c.xs.write(&c.w, floatBits(f, single))
			return
		}
	}
	c.floatException(pos, v, single)
}

// floatBits is the bit pattern of f as float32 (single) or float64.
func floatBits(f float64, single bool) uint64 {
	if single {
		return uint64(math.Float32bits(float32(f)))
	}
	return math.Float64bits(f)
}

// scaledRaw returns the integer raw value whose engineering value is
// exactly f, if there is one: round(ToRaw(f)), or one either side of it
// when ToRaw rounds the wrong way.
func scaledRaw(s *tags.Scale, f float64) (int64, bool) {
	x := math.Round(s.ToRaw(f))
	if !(x > -maxExact && x < maxExact) {
		return 0, false
	}
	want := math.Float64bits(f)
	for _, r := range [...]float64{x, x - 1, x + 1} {
		if math.Float64bits(s.ToEng(r)) == want {
			return int64(r), true
		}
	}
	return 0, false
}

// usableScale reports whether s maps raw values one to one onto finite
// engineering values.
func usableScale(s *tags.Scale) bool {
	for _, f := range [...]float64{s.Raw[0], s.Raw[1], s.Eng[0], s.Eng[1]} {
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return false
		}
	}
	return s.Raw[0] != s.Raw[1] && s.Eng[0] != s.Eng[1]
}
