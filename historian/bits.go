package historian

import "math/bits"

// bitWriter appends bits, most significant first, to a byte slice. The
// chunk codec writes its timestamp and value streams with it.
type bitWriter struct {
	buf []byte // whole bytes written so far
	acc uint64 // the last n bits written, right-aligned (n < 8 between calls)
	n   uint
}

// writeBits writes the low nb bits of v (nb ≤ 64); the bits of v above nb
// must be zero.
func (w *bitWriter) writeBits(v uint64, nb uint) {
	if nb > 56 {
		w.writeBits(v>>32, nb-32)
		v &= 1<<32 - 1
		nb = 32
	}
	w.acc = w.acc<<nb | v
	w.n += nb
	for w.n >= 8 {
		w.n -= 8
		w.buf = append(w.buf, byte(w.acc>>w.n))
	}
}

// writeBit writes one bit.
func (w *bitWriter) writeBit(b bool) {
	if b {
		w.writeBits(1, 1)
	} else {
		w.writeBits(0, 1)
	}
}

// writeOnes writes n one bits.
func (w *bitWriter) writeOnes(n uint) {
	for n > 56 {
		w.writeBits(1<<56-1, 56)
		n -= 56
	}
	w.writeBits(1<<n-1, n)
}

// len is the number of bits written.
func (w *bitWriter) len() int { return 8*len(w.buf) + int(w.n) }

// reset empties w, keeping its buffer.
func (w *bitWriter) reset() {
	w.buf = w.buf[:0]
	w.acc, w.n = 0, 0
}

// appendTo writes the bits of w into o, which need not be byte-aligned.
func (w *bitWriter) appendTo(o *bitWriter) {
	if o.n == 0 {
		o.buf = append(o.buf, w.buf...)
	} else {
		for _, b := range w.buf {
			o.writeBits(uint64(b), 8)
		}
	}
	o.writeBits(w.acc&(1<<w.n-1), w.n)
}

// padded returns w's buffer with the last byte, padded with zero bits,
// appended. w must not be written to afterwards.
func (w *bitWriter) padded() []byte {
	if w.n > 0 {
		return append(w.buf, byte(w.acc<<(8-w.n)))
	}
	return w.buf
}

// bitReader reads what a bitWriter wrote. Reading past the end sets err and
// returns zeros, so a decoder can check once per sample instead of per
// field.
type bitReader struct {
	b   []byte
	i   int    // next byte of b to load
	acc uint64 // the next n bits to read, right-aligned; bits above n are stale
	n   uint
	err bool // read past the end
}

func newBitReader(b []byte) bitReader { return bitReader{b: b} }

// readBits reads nb ≤ 64 bits.
func (r *bitReader) readBits(nb uint) uint64 {
	if nb > 56 {
		hi := r.readBits(nb - 32)
		return hi<<32 | r.readBits(32)
	}
	for r.n < nb {
		if r.i >= len(r.b) {
			r.err = true
			return 0
		}
		r.acc = r.acc<<8 | uint64(r.b[r.i])
		r.i++
		r.n += 8
	}
	r.n -= nb
	return r.acc >> r.n & (1<<nb - 1)
}

// readBit reads one bit.
func (r *bitReader) readBit() bool { return r.readBits(1) != 0 }

// readOnes counts one bits up to limit, consuming them and the zero bit
// that ends them (if fewer than limit).
func (r *bitReader) readOnes(limit uint) uint {
	var q uint
	for q < limit {
		if r.n == 0 {
			if r.i >= len(r.b) {
				r.err = true
				return q
			}
			r.acc = r.acc<<8 | uint64(r.b[r.i])
			r.i++
			r.n = 8
		}
		// The ones at the top of the n available bits.
		top := r.acc << (64 - r.n)
		ones := uint(bits.LeadingZeros64(^top))
		if ones > r.n {
			ones = r.n
		}
		if q+ones >= limit {
			r.n -= limit - q
			return limit
		}
		q += ones
		r.n -= ones
		if r.n > 0 { // a zero bit ends the run
			r.n--
			return q
		}
	}
	return q
}

// bitsLeft is the number of unread bits.
func (r *bitReader) bitsLeft() int { return int(r.n) + 8*(len(r.b)-r.i) }

// restIsPadding reports whether what remains is fewer than 8 zero bits: the
// padding of the last byte.
func (r *bitReader) restIsPadding() bool {
	return r.i == len(r.b) && r.n < 8 && r.acc&(1<<r.n-1) == 0
}
