package historian

import (
	"math/rand/v2"
	"testing"
)

// TestBits writes random fields of random widths, unary runs and gamma
// codes, and reads them back, also after copying the bits to an unaligned
// writer.
func TestBits(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	type field struct {
		kind int // 0 bits, 1 ones, 2 gamma
		v    uint64
		n    uint
	}
	for round := range 200 {
		var w bitWriter
		var fs []field
		for range rng.IntN(300) {
			f := field{kind: rng.IntN(3)}
			switch f.kind {
			case 0:
				f.n = uint(rng.IntN(65))
				f.v = rng.Uint64()
				if f.n < 64 {
					f.v &= 1<<f.n - 1
				}
				w.writeBits(f.v, f.n)
			case 1:
				f.n = uint(rng.IntN(100))
				w.writeOnes(f.n)
				w.writeBits(0, 1)
			case 2:
				f.v = rng.Uint64()>>rng.IntN(64) | 1
				writeGamma(&w, f.v)
			}
			fs = append(fs, f)
		}
		// Copy behind 0..7 bits, so that appendTo takes both paths.
		lead := uint(round % 8)
		o := bitWriter{}
		o.writeBits(0, lead)
		w.appendTo(&o)
		if o.len() != int(lead)+w.len() {
			t.Fatalf("round %d: copy has %d bits, want %d", round, o.len(), int(lead)+w.len())
		}
		for copyNo, b := range [][]byte{w.padded(), o.padded()} {
			r := newBitReader(b)
			if copyNo == 1 {
				r.readBits(lead)
			}
			for i, f := range fs {
				switch f.kind {
				case 0:
					if got := r.readBits(f.n); got != f.v {
						t.Fatalf("round %d, field %d: %d bits %#x, want %#x", round, i, f.n, got, f.v)
					}
				case 1:
					if got := r.readOnes(1000); got != f.n {
						t.Fatalf("round %d, field %d: %d ones, want %d", round, i, got, f.n)
					}
				case 2:
					if got := readGamma(&r); got != f.v {
						t.Fatalf("round %d, field %d: gamma %d, want %d", round, i, got, f.v)
					}
				}
			}
			if r.err || !r.restIsPadding() {
				t.Fatalf("round %d: err %v, %d bits left", round, r.err, r.bitsLeft())
			}
			r.readBits(8)
			if !r.err {
				t.Fatalf("round %d: reading past the end is no error", round)
			}
		}
	}
}

// TestReadOnesLimit stops at the limit without eating the bit after.
func TestReadOnesLimit(t *testing.T) {
	var w bitWriter
	w.writeOnes(20)
	w.writeBits(0b01, 2)
	r := newBitReader(w.padded())
	if q := r.readOnes(16); q != 16 {
		t.Fatalf("readOnes = %d", q)
	}
	if q := r.readOnes(16); q != 4 {
		t.Fatalf("then readOnes = %d", q)
	}
	if b := r.readBits(1); b != 1 {
		t.Fatalf("then bit %d", b)
	}
}
