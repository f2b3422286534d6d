// Package gorilla is a plain Gorilla encoder, the baseline the historian's
// chunk format is measured against: Pelkonen et al., "Gorilla: A Fast,
// Scalable, In-Memory Time Series Database", VLDB 2015, §4.1, as the
// paper describes it and nothing more.
//
// A block holds the points of one two-hour window:
//
//	header       64 bits  the window's start, Unix ms, aligned to 2 h
//	first delta  23 bits  first timestamp − header (the paper's 14 bits
//	                      hold 2 h in seconds; 2 h in ms needs 23)
//	first value  64 bits  float64 bits
//	then for each further point:
//	  timestamp   delta of delta D, in ms:
//	                D = 0              '0'
//	                D in [-63, 64]     '10'   + 7 bits
//	                D in [-255, 256]   '110'  + 9 bits
//	                D in [-2047, 2048] '1110' + 12 bits
//	                otherwise          '1111' + 32 bits
//	  value       XOR with the previous value X:
//	                X = 0              '0'
//	                meaningful bits inside the previous window
//	                                   '10' + the meaningful bits
//	                otherwise          '11' + 5 bits leading zeros (at most 31)
//	                                   + 6 bits length (64 as 0) + the bits
//	end marker   '1111' + 32 one bits (a D of -1 never takes the 32-bit bucket)
//
// The paper's timestamps are seconds; the station's are milliseconds, and
// this encoder keeps the paper's bucket widths for them (so a 3 s gap in a
// 1 s series, D = 2000 ms, takes the 12-bit bucket). Points must be sorted
// by time. Values are float64 and there is no quality.
package gorilla

import (
	"errors"
	"math"
	"math/bits"
)

// Point is one timestamped value.
type Point struct {
	T int64 // Unix ms
	V float64
}

// Window is the span of one block (the paper's two hours), in ms.
const Window = 2 * 60 * 60 * 1000

const firstDeltaBits = 23 // 2^23 ms > Window

// ErrCorrupt is returned for a block that does not decode.
var ErrCorrupt = errors.New("gorilla: corrupt block")

// Encode encodes points sorted by T into one block per two-hour window.
func Encode(points []Point) (blocks [][]byte) {
	for len(points) > 0 {
		start := floorWindow(points[0].T)
		n := 1
		for n < len(points) && points[n].T-start < Window {
			n++
		}
		blocks = append(blocks, encodeBlock(start, points[:n]))
		points = points[n:]
	}
	return blocks
}

func floorWindow(t int64) int64 {
	w := t / Window * Window
	if w > t {
		w -= Window
	}
	return w
}

func encodeBlock(start int64, pts []Point) []byte {
	var w writer
	w.write(uint64(start), 64)
	delta := pts[0].T - start
	w.write(uint64(delta), firstDeltaBits)
	prevT := pts[0].T
	prevV := math.Float64bits(pts[0].V)
	w.write(prevV, 64)
	lead, trail := uint(64), uint(0) // no window yet: nothing fits
	for _, p := range pts[1:] {
		d := p.T - prevT
		dod := d - delta
		delta, prevT = d, p.T
		switch {
		case dod == 0:
			w.write(0, 1)
		case dod >= -63 && dod <= 64:
			w.write(0b10, 2)
			w.write(uint64(dod)&(1<<7-1), 7)
		case dod >= -255 && dod <= 256:
			w.write(0b110, 3)
			w.write(uint64(dod)&(1<<9-1), 9)
		case dod >= -2047 && dod <= 2048:
			w.write(0b1110, 4)
			w.write(uint64(dod)&(1<<12-1), 12)
		default:
			w.write(0b1111, 4)
			w.write(uint64(dod)&(1<<32-1), 32)
		}

		v := math.Float64bits(p.V)
		x := v ^ prevV
		prevV = v
		if x == 0 {
			w.write(0, 1)
			continue
		}
		l := min(uint(bits.LeadingZeros64(x)), 31)
		t := uint(bits.TrailingZeros64(x))
		if l >= lead && t >= trail {
			w.write(0b10, 2)
			w.write(x>>trail, 64-lead-trail)
			continue
		}
		lead, trail = l, t
		sig := 64 - l - t
		w.write(0b11, 2)
		w.write(uint64(l), 5)
		w.write(uint64(sig)&63, 6)
		w.write(x>>t, sig)
	}
	w.write(0b1111, 4)
	w.write(1<<32-1, 32)
	return w.bytes()
}

// Decode decodes one block.
func Decode(block []byte) ([]Point, error) {
	r := reader{b: block}
	start := int64(r.read(64))
	delta := int64(r.read(firstDeltaBits))
	t := start + delta
	v := r.read(64)
	if r.err {
		return nil, ErrCorrupt
	}
	pts := []Point{{t, math.Float64frombits(v)}}
	lead, sig := uint(0), uint(0)
	for {
		var dod int64
		switch {
		case r.read(1) == 0:
		case r.read(1) == 0:
			dod = signed(r.read(7), 7)
		case r.read(1) == 0:
			dod = signed(r.read(9), 9)
		case r.read(1) == 0:
			dod = signed(r.read(12), 12)
		default:
			u := r.read(32)
			if u == 1<<32-1 {
				if r.err {
					return nil, ErrCorrupt
				}
				return pts, nil
			}
			dod = int64(int32(uint32(u)))
		}
		delta += dod
		t += delta
		if r.read(1) == 1 {
			if r.read(1) == 1 {
				lead = uint(r.read(5))
				sig = uint(r.read(6))
				if sig == 0 {
					sig = 64
				}
				if lead+sig > 64 {
					return nil, ErrCorrupt
				}
			} else if sig == 0 {
				return nil, ErrCorrupt
			}
			v ^= r.read(sig) << (64 - lead - sig)
		}
		if r.err || len(pts) > 8*len(block) {
			return nil, ErrCorrupt
		}
		pts = append(pts, Point{t, math.Float64frombits(v)})
	}
}

// signed reads an n-bit bucket value: [-(2^(n-1)-1), 2^(n-1)].
func signed(u uint64, n uint) int64 {
	if u > 1<<(n-1) {
		return int64(u) - 1<<n
	}
	return int64(u)
}

type writer struct {
	buf []byte
	acc uint64
	n   uint
}

func (w *writer) write(v uint64, nb uint) {
	for nb > 0 {
		take := min(nb, 8)
		nb -= take
		w.acc = w.acc<<take | v>>nb&(1<<take-1)
		w.n += take
		if w.n >= 8 {
			w.n -= 8
			w.buf = append(w.buf, byte(w.acc>>w.n))
		}
	}
}

func (w *writer) bytes() []byte {
	if w.n > 0 {
		return append(w.buf, byte(w.acc<<(8-w.n)))
	}
	return w.buf
}

type reader struct {
	b   []byte
	pos uint // bit position
	err bool
}

func (r *reader) read(nb uint) uint64 {
	var v uint64
	for range nb {
		i := r.pos / 8
		if int(i) >= len(r.b) {
			r.err = true
			return 0
		}
		v = v<<1 | uint64(r.b[i]>>(7-r.pos%8)&1)
		r.pos++
	}
	return v
}
