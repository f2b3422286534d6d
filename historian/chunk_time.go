package historian

import "math/bits"

// The timestamp stream of a chunk: for every sample after the first, the
// zig-zagged delta of delta of its timestamp, counted in the chunk's time
// unit (the greatest common divisor of its deltas), in a prefix code of
// buckets, with runs of zeros shortened. DESIGN-chunk.md explains the
// buckets.

// timeBuckets are the buckets of the timestamp code: bucket i is i one
// bits, a zero bit (not after the last bucket), then bits[i] bits of
// z - base[i].
var timeBuckets = [...]uint{0, 2, 5, 9, 16, 64}

// timeBase[i] is the first z of bucket i.
var timeBase = func() (b [len(timeBuckets)]uint64) {
	for i := 1; i < len(b); i++ {
		b[i] = b[i-1] + 1<<timeBuckets[i-1]
	}
	return b
}()

// writeTimeCode writes z, the zig-zagged delta of delta of a timestamp.
func writeTimeCode(w *bitWriter, z uint64) {
	last := len(timeBuckets) - 1
	for i := 0; i < last; i++ {
		if z < timeBase[i+1] {
			w.writeBits((1<<(i+1)-2)<<timeBuckets[i]|(z-timeBase[i]), uint(i+1)+timeBuckets[i])
			return
		}
	}
	w.writeOnes(uint(last))
	w.writeBits(z-timeBase[last], timeBuckets[last])
}

// readTimeCode reads what writeTimeCode wrote.
func readTimeCode(r *bitReader) uint64 {
	last := len(timeBuckets) - 1
	i := r.readOnes(uint(last))
	return timeBase[i] + r.readBits(timeBuckets[i])
}

// zeroRun is the length of a run of zero codes after which the run's
// remaining length follows in Elias gamma form: a regular series costs
// about 2·log2(n) bits for n samples instead of n bits, and a run shorter
// than zeroRun one bit a sample, as in Gorilla.
const zeroRun = 8

// timeWriter writes a time stream.
type timeWriter struct {
	w     bitWriter
	zeros int // zero codes in the current run
}

func (t *timeWriter) reset() {
	t.w.reset()
	t.zeros = 0
}

// add writes the next z.
func (t *timeWriter) add(z uint64) {
	if z == 0 {
		t.zeros++
		if t.zeros <= zeroRun {
			t.w.writeBits(0, 1)
		}
		return
	}
	t.closeRun(&t.w)
	t.zeros = 0
	writeTimeCode(&t.w, z)
}

// closeRun writes the length of a run of zeroRun zeros or more to w.
func (t *timeWriter) closeRun(w *bitWriter) {
	if t.zeros >= zeroRun {
		writeGamma(w, uint64(t.zeros-zeroRun)+1)
	}
}

// len is the length of the stream in bits, the open run included.
func (t *timeWriter) len() int {
	n := t.w.len()
	if t.zeros >= zeroRun {
		n += 2*bits.Len64(uint64(t.zeros-zeroRun)+1) - 1
	}
	return n
}

// appendTo writes the stream, closing the open run, to o; t is unchanged.
func (t *timeWriter) appendTo(o *bitWriter) {
	t.w.appendTo(o)
	t.closeRun(o)
}

// timeReader reads a time stream.
type timeReader struct {
	r     *bitReader
	zeros int    // zero codes read in a row
	extra uint64 // zeros left of a run
}

// next reads the next z.
func (t *timeReader) next() uint64 {
	if t.extra > 0 {
		t.extra--
		return 0
	}
	z := readTimeCode(t.r)
	if z != 0 {
		t.zeros = 0
		return z
	}
	if t.zeros++; t.zeros == zeroRun {
		t.zeros = 0
		if g := readGamma(t.r); g > 0 {
			t.extra = g - 1
		}
	}
	return 0
}

// gcdU64 is the greatest common divisor of a and b.
func gcdU64(a, b uint64) uint64 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// appendTime adds timestamp t ≥ a.lastT to the time stream.
func (a *ChunkAppender) appendTime(t int64) {
	if a.count == 0 {
		a.firstT, a.lastT = t, t
		return
	}
	// The true difference is in [0, 2⁶⁴), so unsigned arithmetic gets it
	// exactly even when t - lastT overflows int64.
	d := uint64(t) - uint64(a.lastT)
	if d != 0 {
		switch {
		case a.tunit == 0:
			// Every delta so far was 0, and 0 is a multiple of d.
			a.tunit = d
		case d%a.tunit != 0:
			a.retime(gcdU64(a.tunit, d))
		}
	}
	var q uint64
	if a.tunit != 0 {
		q = d / a.tunit
	}
	a.tw.add(zigzag(int64(q - a.prevQ)))
	a.prevQ, a.lastT = q, t
}

// retime rewrites the time stream in unit u, a divisor of the current
// unit: every delta of delta is multiplied by tunit/u. A unit only ever
// shrinks to a divisor, so a chunk is rewritten at most log2 of its first
// delta times, and for timestamps on a poll grid, never.
func (a *ChunkAppender) retime(u uint64) {
	m := a.tunit / u
	full := bitWriter{buf: a.tbuf[:0]}
	a.tw.appendTo(&full)
	r := newBitReader(full.padded())
	tr := timeReader{r: &r}
	a.tw2.reset()
	for range a.count - 1 {
		a.tw2.add(zigzag(unzigzag(tr.next()) * int64(m)))
	}
	a.tbuf = r.b
	a.tw, a.tw2 = a.tw2, a.tw
	a.tunit = u
	a.prevQ *= m
}
