package historian

import (
	"bytes"
	"testing"

	"github.com/sightglass/sightglass/tags"
)

// ckT0 is 2025-01-01T00:00:00Z in Unix ms: zigzag varint 80 f0 cb f2 83 65.
const ckT0 = 1735689600000

var (
	ckGood   = tags.GoodQuality
	ckNoComm = tags.BadQuality(tags.ReasonNoComm, 0)
	ckStale  = tags.BadQuality(tags.ReasonStale, 0)
)

// TestChunkBytes pins the format down byte by byte (DESIGN-chunk.md has
// the diagrams these follow).
func TestChunkBytes(t *testing.T) {
	for _, tc := range []struct {
		name    string
		hint    ValueHint
		samples []Sample
		mode    ValueMode
		want    []byte
	}{
		{
			name:    "3 ints polled every second",
			hint:    ValueHint{Integer: true},
			samples: []Sample{{ckT0, tags.Int(1), ckGood}, {ckT0 + 1000, tags.Int(2), ckGood}, {ckT0 + 2000, tags.Int(3), ckGood}},
			mode:    ModeInt | ModeDelta,
			want: []byte{
				0x01,                               // version 1
				0x02,                               // mode: int, delta predictor; no tables (all good, no exceptions)
				0x03,                               // count 3
				0x80, 0xf0, 0xcb, 0xf2, 0x83, 0x65, // first T: zigzag varint of 1735689600000
				0xd0, 0x0f, // span 2000 ms
				0xe8, 0x07, // time unit 1000 ms
				// Bits: time stream 10 01 (dod +1 unit: bucket '10', z-1 = 01), 0 (dod 0);
				// values 0000010 0 (first value: bit length 2 of zigzag(1) = 10, then the
				// bit below the top), 110 (delta 1: z = 2, k = 0, quotient 2 in unary),
				// 0 10 (z = 2 with k = 2: quotient 0, remainder 10), padding 00000.
				0b1001_0000, 0b0010_0110, 0b0100_0000,
				0x7e, 0x3e, 0x3f, 0xd9, // CRC-32C of all the above, little-endian
			},
		},
		{
			name:    "a bool that goes bad",
			hint:    ValueHint{Integer: true},
			samples: []Sample{{ckT0, tags.Bool(true), ckGood}, {ckT0 + 1500, tags.Bool(false), ckNoComm}},
			mode:    ModeBool,
			want: []byte{
				0x01,                               // version 1
				0x81,                               // mode: bool, with tables
				0x02,                               // count 2
				0x80, 0xf0, 0xcb, 0xf2, 0x83, 0x65, // first T
				0xdc, 0x0b, // span 1500 ms
				0xdc, 0x0b, // time unit 1500 ms
				0x02,       // 2 quality runs:
				0x01, 0x02, // 1 sample good (level 2)
				0x80, 0x04, // the rest bad (level 0), no communication (reason 2 << 8)
				0x00,                   // no exceptions
				0b1001_1000,            // time 1001 (dod +1 unit), values 1 0, padding 00
				0x68, 0x5e, 0x10, 0x0d, // CRC-32C
			},
		},
		{
			name: "a string, repeated with another quality",
			samples: []Sample{{ckT0, tags.String("on"), ckGood}, {ckT0 + 60000, tags.String("on"), ckStale},
				{ckT0 + 120000, tags.String("off"), ckGood}},
			mode: ModeString,
			want: []byte{
				0x01,                               // version 1
				0x84,                               // mode: string, with tables
				0x03,                               // count 3
				0x80, 0xf0, 0xcb, 0xf2, 0x83, 0x65, // first T
				0xc0, 0xa9, 0x07, // span 120000 ms
				0xe0, 0xd4, 0x03, // time unit 60000 ms
				0x03,       // 3 quality runs:
				0x01, 0x02, // 1 good
				0x01, 0x80, 0x10, // 1 bad, stale (reason 8 << 8)
				0x02, // the rest good
				0x00, // no exceptions
				// Bits: time 1001 0 (dod +1 unit), 0 (dod 0); values 1 101 "on" (a
				// new string: Elias gamma of length+1 = 3, then the bytes), 0 (the
				// same again), 1 11000 "off"; nothing to pad.
				0x96, 0xb7, 0xb7, 0x38, 0x6f, 0x66, 0x66,
				0x67, 0xeb, 0x5a, 0xc2, // CRC-32C
			},
		},
		{
			name: "scaled ×10 temperature",
			hint: ValueHint{Integer: true, Scale: &tags.Scale{Raw: [2]float64{0, 1000}, Eng: [2]float64{0, 100}}},
			samples: []Sample{{ckT0, tags.Float(20), ckGood}, {ckT0 + 1000, tags.Float(20.1), ckGood},
				{ckT0 + 2000, tags.Float(20.2), ckGood}},
			mode: ModeScaled | ModeDelta,
			want: []byte{
				0x01,                               // version 1
				0x05,                               // mode: scaled, delta predictor
				0x03,                               // count 3
				0x80, 0xf0, 0xcb, 0xf2, 0x83, 0x65, // first T
				0xd0, 0x0f, // span 2000 ms
				0xe8, 0x07, // time unit 1000 ms
				// The scale: raw 0..1000, eng 0..100, each zigzag(n)<<4 | e for n/10^e.
				0x00, 0x80, 0xfa, 0x01, 0x00, 0x80, 0x19,
				// Bits: time 1001 0; raw 200 = 0001001 (bit length 9 of 400) 10010000,
				// then deltas +1: 110, 0 10; padding.
				0x90, 0x99, 0x0c, 0x80,
				0x3c, 0x40, 0xbb, 0x19, // CRC-32C
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := NewChunkAppender(tc.hint)
			for _, s := range tc.samples {
				if !a.Append(s) {
					t.Fatalf("Append(%s) = false", ckFmt(s))
				}
			}
			got := a.Finish()
			if !bytes.Equal(got, tc.want) {
				t.Errorf("chunk\n got % x\nwant % x", got, tc.want)
			}
			if a.Size() != len(got) {
				t.Errorf("Size() = %d, chunk has %d bytes", a.Size(), len(got))
			}
			h, err := ReadChunkHeader(got)
			if err != nil || h.Mode != tc.mode || h.Count != len(tc.samples) {
				t.Errorf("header %+v, %v; want mode %v", h, err, tc.mode)
			}
			dec, err := DecodeChunk(got, nil)
			if err != nil {
				t.Fatal(err)
			}
			for i := range tc.samples {
				if !ckSame(dec[i], tc.samples[i]) {
					t.Errorf("sample %d: got %s, want %s", i, ckFmt(dec[i]), ckFmt(tc.samples[i]))
				}
			}
		})
	}
}
