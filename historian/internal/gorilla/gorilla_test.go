package gorilla

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// bitsOf renders a bit string ("0110 1...", spaces ignored) of fields
// given as (value, width) pairs or literal strings.
func bitsOf(parts ...any) string {
	var sb strings.Builder
	for i := 0; i < len(parts); i++ {
		switch p := parts[i].(type) {
		case string:
			sb.WriteString(strings.ReplaceAll(p, " ", ""))
		case uint64:
			w := parts[i+1].(int)
			i++
			for b := w - 1; b >= 0; b-- {
				sb.WriteByte('0' + byte(p>>b&1))
			}
		}
	}
	return sb.String()
}

func bitString(b []byte) string {
	var sb strings.Builder
	for _, x := range b {
		for i := 7; i >= 0; i-- {
			sb.WriteByte('0' + x>>i&1)
		}
	}
	return sb.String()
}

// TestPaperExample is figure 2 of the paper: a block that starts at
// 2015-03-24 02:00:00 holding (02:01:02, 12), (02:02:02, 12),
// (02:03:02, 24) — here with the paper's seconds read as milliseconds, so
// that the deltas (62, 60, 60) and the bit fields are the figure's; only
// the first delta is 23 bits wide instead of 14.
func TestPaperExample(t *testing.T) {
	const start = 1427162400000 // 2015-03-24T02:00:00Z in ms
	pts := []Point{{start + 62, 12}, {start + 122, 12}, {start + 182, 24}}
	blocks := Encode(pts)
	if len(blocks) != 1 {
		t.Fatalf("%d blocks", len(blocks))
	}
	want := bitsOf(
		uint64(start), 64, // header
		uint64(62), 23, // first delta
		math.Float64bits(12), 64, // first value
		"10", uint64(0x7e), 7, // D = 60 - 62 = -2: '10' and -2 in 7 bits
		"0",                               // 12 XOR 12 = 0
		"0",                               // D = 0
		"11", uint64(11), 5, uint64(1), 6, // 24 XOR 12 = 0x0010000000000000: 11 leading zeros, 1 meaningful bit
		"1",                                // the meaningful bit
		"1111", uint64(math.MaxUint32), 32, // end of block
	)
	got := bitString(blocks[0])
	if got[:len(want)] != want || strings.Trim(got[len(want):], "0") != "" || len(got)-len(want) >= 8 {
		t.Errorf("block\n got %s\nwant %s", got, want)
	}
	dec, err := Decode(blocks[0])
	if err != nil {
		t.Fatal(err)
	}
	if len(dec) != 3 || dec[0] != pts[0] || dec[1] != pts[1] || dec[2] != pts[2] {
		t.Errorf("decoded %v", dec)
	}
}

func TestRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 50 {
		var pts []Point
		tm := rng.Int64N(1<<45) - 1<<44
		x := rng.NormFloat64()
		for range rng.IntN(5000) + 1 {
			switch rng.IntN(6) {
			case 0:
				tm += rng.Int64N(3 * Window)
			case 1:
			case 2:
				tm += rng.Int64N(3000)
			default:
				tm += 1000
			}
			switch rng.IntN(8) {
			case 0:
				x = math.Float64frombits(rng.Uint64())
			case 1:
				x = float64(float32(rng.NormFloat64()))
			case 2:
			default:
				x += rng.NormFloat64()
			}
			pts = append(pts, Point{tm, x})
		}
		var got []Point
		for _, b := range Encode(pts) {
			p, err := Decode(b)
			if err != nil {
				t.Fatalf("round %d: %v", round, err)
			}
			got = append(got, p...)
		}
		if len(got) != len(pts) {
			t.Fatalf("round %d: %d points, want %d", round, len(got), len(pts))
		}
		for i := range pts {
			if got[i].T != pts[i].T || math.Float64bits(got[i].V) != math.Float64bits(pts[i].V) {
				t.Fatalf("round %d, point %d: %v, want %v", round, i, got[i], pts[i])
			}
		}
	}
}

func TestCorrupt(t *testing.T) {
	b := Encode([]Point{{0, 1}, {1000, 2}, {2000, 3}})[0]
	for n := range len(b) {
		if _, err := Decode(b[:n]); err == nil {
			t.Errorf("truncated to %d bytes: no error", n)
		}
	}
}
