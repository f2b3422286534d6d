package sim

import (
	"math"
	"slices"
	"testing"
)

func TestEncodeNum(t *testing.T) {
	cases := []struct {
		typ, order string
		v          float64
		want       []uint16
	}{
		// 1.5 as float32 is 0x3FC00000: bytes A=3F B=C0 C=00 D=00.
		{"float32", "ABCD", 1.5, []uint16{0x3FC0, 0x0000}},
		{"float32", "CDAB", 1.5, []uint16{0x0000, 0x3FC0}},
		{"float32", "BADC", 1.5, []uint16{0xC03F, 0x0000}},
		{"float32", "DCBA", 1.5, []uint16{0x0000, 0xC03F}},
		// 0x01020304: A=01 B=02 C=03 D=04.
		{"uint32", "ABCD", 0x01020304, []uint16{0x0102, 0x0304}},
		{"uint32", "CDAB", 0x01020304, []uint16{0x0304, 0x0102}},
		{"uint32", "BADC", 0x01020304, []uint16{0x0201, 0x0403}},
		{"uint32", "DCBA", 0x01020304, []uint16{0x0403, 0x0201}},
		// 64-bit: 0x0001020304050607 (exact in a float64), four words.
		{"uint64", "ABCD", 0x0001020304050607, []uint16{0x0001, 0x0203, 0x0405, 0x0607}},
		{"uint64", "CDAB", 0x0001020304050607, []uint16{0x0607, 0x0405, 0x0203, 0x0001}},
		{"uint64", "BADC", 0x0001020304050607, []uint16{0x0100, 0x0302, 0x0504, 0x0706}},
		{"uint64", "DCBA", 0x0001020304050607, []uint16{0x0706, 0x0504, 0x0302, 0x0100}},
		// 1.5 as float64 is 0x3FF8000000000000.
		{"float64", "ABCD", 1.5, []uint16{0x3FF8, 0x0000, 0x0000, 0x0000}},
		// 16-bit: two's complement, rounding, saturation.
		{"int16", "", -1, []uint16{0xFFFF}},
		{"int16", "", 253.6, []uint16{254}},
		{"int16", "", 40000, []uint16{0x7FFF}},
		{"uint16", "", -5, []uint16{0}},
		{"uint16", "", 70000, []uint16{0xFFFF}},
		{"uint32", "ABCD", math.NaN(), []uint16{0, 0}},
	}
	for _, c := range cases {
		got := encodeNum(c.typ, c.order, c.v)
		if !slices.Equal(got, c.want) {
			t.Errorf("%s %s %g: got %04x, want %04x", c.typ, c.order, c.v, got, c.want)
		}
	}
}

func TestDecodeRoundTrip(t *testing.T) {
	for _, typ := range []string{"int16", "uint16", "int32", "uint32", "float32", "uint64", "float64"} {
		for _, order := range []string{"ABCD", "CDAB", "BADC", "DCBA"} {
			for _, v := range []float64{0, 1, 123, 32767} {
				if back := decodeNum(typ, order, encodeNum(typ, order, v)); back != v {
					t.Errorf("%s %s: %g came back as %g", typ, order, v, back)
				}
			}
		}
	}
}

func TestEncodeString(t *testing.T) {
	// "Demo" in 3 registers of string:5: 'D' 'e' | 'm' 'o' | NUL NUL.
	got := encodeString("Demo", 5)
	want := []uint16{0x4465, 0x6D6F, 0x0000}
	if !slices.Equal(got, want) {
		t.Errorf("got %04x, want %04x", got, want)
	}
	// Truncated to the block.
	if got := encodeString("abcdef", 3); !slices.Equal(got, []uint16{0x6162, 0x6300}) {
		t.Errorf("truncated: got %04x", got)
	}
}
