package modbus

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"github.com/sightglass/sightglass/tags"
)

// codecCase is one tag, the bytes of its registers (or packed bits) as they
// travel on the wire, and its value. Each case is checked both ways:
// Decode(wire) == value and Encode(value) == wire.
type codecCase struct {
	name  string
	addr  string
	typ   tags.DataType
	n     int // string length
	order string
	scale *tags.Scale
	wire  []byte
	value tags.Value
}

// codecCases covers every type × order. Values are chosen so that every
// byte differs: int16 -12345 = 0xCFC7, uint16 0xA1B2, int32 -123456789 =
// 0xF8A432EB, uint32 0xA1B2C3D4, float32 123.456 = 0x42F6E979, int64
// -1234567890123456789 = 0xEEDDEF0B82167EEB, uint64 0x0102030405060708,
// float64 -1234.5678 = 0xC0934A456D5CFAAD.
var codecCases = []codecCase{
	// Bits.
	{name: "coil on", addr: "co:0", typ: tags.TypeBool, wire: []byte{0x01 /* bit 0 */}, value: tags.Bool(true)},
	{name: "input off", addr: "di:0", typ: tags.TypeBool, wire: []byte{0x00 /* bit 0 */}, value: tags.Bool(false)},
	{name: "hr bit 10", addr: "hr:0.10", typ: tags.TypeBool, wire: []byte{0x04, 0x00 /* 0x0400: bit 10 */}, value: tags.Bool(true)},
	{name: "hr bit 0", addr: "hr:0.0", typ: tags.TypeBool, wire: []byte{0x00, 0x01 /* 0x0001: bit 0 */}, value: tags.Bool(true)},
	{name: "ir bit 15 off", addr: "ir:0.15", typ: tags.TypeBool, wire: []byte{0x00, 0x00}, value: tags.Bool(false)},

	// 16-bit: ABCD and CDAB keep the bytes, BADC and DCBA swap them.
	{name: "int16 ABCD", addr: "hr:0", typ: tags.TypeInt16, order: "ABCD", wire: []byte{0xCF, 0xC7 /* A B */}, value: tags.Int(-12345)},
	{name: "int16 CDAB", addr: "hr:0", typ: tags.TypeInt16, order: "CDAB", wire: []byte{0xCF, 0xC7 /* A B */}, value: tags.Int(-12345)},
	{name: "int16 BADC", addr: "hr:0", typ: tags.TypeInt16, order: "BADC", wire: []byte{0xC7, 0xCF /* B A */}, value: tags.Int(-12345)},
	{name: "int16 DCBA", addr: "hr:0", typ: tags.TypeInt16, order: "DCBA", wire: []byte{0xC7, 0xCF /* B A */}, value: tags.Int(-12345)},
	{name: "uint16 default", addr: "hr:0", typ: tags.TypeUint16, wire: []byte{0xA1, 0xB2 /* A B */}, value: tags.Uint(0xA1B2)},
	{name: "uint16 CDAB", addr: "hr:0", typ: tags.TypeUint16, order: "CDAB", wire: []byte{0xA1, 0xB2 /* A B */}, value: tags.Uint(0xA1B2)},
	{name: "uint16 BADC", addr: "hr:0", typ: tags.TypeUint16, order: "BADC", wire: []byte{0xB2, 0xA1 /* B A */}, value: tags.Uint(0xA1B2)},
	{name: "uint16 DCBA", addr: "hr:0", typ: tags.TypeUint16, order: "DCBA", wire: []byte{0xB2, 0xA1 /* B A */}, value: tags.Uint(0xA1B2)},

	// 32-bit.
	{name: "int32 ABCD", addr: "hr:0", typ: tags.TypeInt32, order: "ABCD", wire: []byte{0xF8, 0xA4 /* A B */, 0x32, 0xEB /* C D */}, value: tags.Int(-123456789)},
	{name: "int32 CDAB", addr: "hr:0", typ: tags.TypeInt32, order: "CDAB", wire: []byte{0x32, 0xEB /* C D */, 0xF8, 0xA4 /* A B */}, value: tags.Int(-123456789)},
	{name: "int32 BADC", addr: "hr:0", typ: tags.TypeInt32, order: "BADC", wire: []byte{0xA4, 0xF8 /* B A */, 0xEB, 0x32 /* D C */}, value: tags.Int(-123456789)},
	{name: "int32 DCBA", addr: "hr:0", typ: tags.TypeInt32, order: "DCBA", wire: []byte{0xEB, 0x32 /* D C */, 0xA4, 0xF8 /* B A */}, value: tags.Int(-123456789)},
	{name: "uint32 ABCD", addr: "hr:0", typ: tags.TypeUint32, order: "ABCD", wire: []byte{0xA1, 0xB2 /* A B */, 0xC3, 0xD4 /* C D */}, value: tags.Uint(0xA1B2C3D4)},
	{name: "uint32 CDAB", addr: "hr:0", typ: tags.TypeUint32, order: "CDAB", wire: []byte{0xC3, 0xD4 /* C D */, 0xA1, 0xB2 /* A B */}, value: tags.Uint(0xA1B2C3D4)},
	{name: "uint32 BADC", addr: "hr:0", typ: tags.TypeUint32, order: "BADC", wire: []byte{0xB2, 0xA1 /* B A */, 0xD4, 0xC3 /* D C */}, value: tags.Uint(0xA1B2C3D4)},
	{name: "uint32 DCBA", addr: "hr:0", typ: tags.TypeUint32, order: "DCBA", wire: []byte{0xD4, 0xC3 /* D C */, 0xB2, 0xA1 /* B A */}, value: tags.Uint(0xA1B2C3D4)},
	{name: "float32 ABCD", addr: "hr:0", typ: tags.TypeFloat32, order: "ABCD", wire: []byte{0x42, 0xF6 /* A B */, 0xE9, 0x79 /* C D */}, value: tags.Float(float64(float32(123.456)))},
	{name: "float32 CDAB", addr: "hr:0", typ: tags.TypeFloat32, order: "CDAB", wire: []byte{0xE9, 0x79 /* C D */, 0x42, 0xF6 /* A B */}, value: tags.Float(float64(float32(123.456)))},
	{name: "float32 BADC", addr: "hr:0", typ: tags.TypeFloat32, order: "BADC", wire: []byte{0xF6, 0x42 /* B A */, 0x79, 0xE9 /* D C */}, value: tags.Float(float64(float32(123.456)))},
	{name: "float32 DCBA", addr: "hr:0", typ: tags.TypeFloat32, order: "DCBA", wire: []byte{0x79, 0xE9 /* D C */, 0xF6, 0x42 /* B A */}, value: tags.Float(float64(float32(123.456)))},

	// 64-bit: CDAB reverses the four words, BADC swaps the bytes of each,
	// DCBA does both.
	{name: "int64 ABCD", addr: "hr:0", typ: tags.TypeInt64, order: "ABCD",
		wire:  []byte{0xEE, 0xDD /* word 0 */, 0xEF, 0x0B /* word 1 */, 0x82, 0x16 /* word 2 */, 0x7E, 0xEB /* word 3 */},
		value: tags.Int(-1234567890123456789)},
	{name: "int64 CDAB", addr: "hr:0", typ: tags.TypeInt64, order: "CDAB",
		wire:  []byte{0x7E, 0xEB /* word 3 */, 0x82, 0x16 /* word 2 */, 0xEF, 0x0B /* word 1 */, 0xEE, 0xDD /* word 0 */},
		value: tags.Int(-1234567890123456789)},
	{name: "int64 BADC", addr: "hr:0", typ: tags.TypeInt64, order: "BADC",
		wire:  []byte{0xDD, 0xEE /* word 0 swapped */, 0x0B, 0xEF /* word 1 swapped */, 0x16, 0x82 /* word 2 swapped */, 0xEB, 0x7E /* word 3 swapped */},
		value: tags.Int(-1234567890123456789)},
	{name: "int64 DCBA", addr: "hr:0", typ: tags.TypeInt64, order: "DCBA",
		wire:  []byte{0xEB, 0x7E /* word 3 swapped */, 0x16, 0x82 /* word 2 swapped */, 0x0B, 0xEF /* word 1 swapped */, 0xDD, 0xEE /* word 0 swapped */},
		value: tags.Int(-1234567890123456789)},
	{name: "uint64 ABCD", addr: "hr:0", typ: tags.TypeUint64, order: "ABCD",
		wire:  []byte{0x01, 0x02 /* word 0 */, 0x03, 0x04 /* word 1 */, 0x05, 0x06 /* word 2 */, 0x07, 0x08 /* word 3 */},
		value: tags.Uint(0x0102030405060708)},
	{name: "uint64 CDAB", addr: "hr:0", typ: tags.TypeUint64, order: "CDAB",
		wire:  []byte{0x07, 0x08 /* word 3 */, 0x05, 0x06 /* word 2 */, 0x03, 0x04 /* word 1 */, 0x01, 0x02 /* word 0 */},
		value: tags.Uint(0x0102030405060708)},
	{name: "uint64 BADC", addr: "hr:0", typ: tags.TypeUint64, order: "BADC",
		wire:  []byte{0x02, 0x01 /* word 0 swapped */, 0x04, 0x03 /* word 1 swapped */, 0x06, 0x05 /* word 2 swapped */, 0x08, 0x07 /* word 3 swapped */},
		value: tags.Uint(0x0102030405060708)},
	{name: "uint64 DCBA", addr: "hr:0", typ: tags.TypeUint64, order: "DCBA",
		wire:  []byte{0x08, 0x07 /* word 3 swapped */, 0x06, 0x05 /* word 2 swapped */, 0x04, 0x03 /* word 1 swapped */, 0x02, 0x01 /* word 0 swapped */},
		value: tags.Uint(0x0102030405060708)},
	{name: "float64 ABCD", addr: "hr:0", typ: tags.TypeFloat64, order: "ABCD",
		wire:  []byte{0xC0, 0x93 /* word 0 */, 0x4A, 0x45 /* word 1 */, 0x6D, 0x5C /* word 2 */, 0xFA, 0xAD /* word 3 */},
		value: tags.Float(-1234.5678)},
	{name: "float64 CDAB", addr: "hr:0", typ: tags.TypeFloat64, order: "CDAB",
		wire:  []byte{0xFA, 0xAD /* word 3 */, 0x6D, 0x5C /* word 2 */, 0x4A, 0x45 /* word 1 */, 0xC0, 0x93 /* word 0 */},
		value: tags.Float(-1234.5678)},
	{name: "float64 BADC", addr: "hr:0", typ: tags.TypeFloat64, order: "BADC",
		wire:  []byte{0x93, 0xC0 /* word 0 swapped */, 0x45, 0x4A /* word 1 swapped */, 0x5C, 0x6D /* word 2 swapped */, 0xAD, 0xFA /* word 3 swapped */},
		value: tags.Float(-1234.5678)},
	{name: "float64 DCBA", addr: "hr:0", typ: tags.TypeFloat64, order: "DCBA",
		wire:  []byte{0xAD, 0xFA /* word 3 swapped */, 0x5C, 0x6D /* word 2 swapped */, 0x45, 0x4A /* word 1 swapped */, 0x93, 0xC0 /* word 0 swapped */},
		value: tags.Float(-1234.5678)},

	// Strings: first character in the high byte; BADC and DCBA swap the
	// bytes of each register, CDAB is read as ABCD.
	{name: "string ABCD", addr: "hr:0", typ: tags.TypeString, n: 5, order: "ABCD",
		wire: []byte{'P', 'u' /* reg 0 */, 'm', 'p' /* reg 1 */, 0, 0 /* reg 2: NUL padding */}, value: tags.String("Pump")},
	{name: "string CDAB", addr: "hr:0", typ: tags.TypeString, n: 5, order: "CDAB",
		wire: []byte{'P', 'u' /* reg 0 */, 'm', 'p' /* reg 1 */, '1', 0 /* reg 2: last char, pad */}, value: tags.String("Pump1")},
	{name: "string BADC", addr: "hr:0", typ: tags.TypeString, n: 5, order: "BADC",
		wire: []byte{'u', 'P' /* reg 0 swapped */, 'p', 'm' /* reg 1 swapped */, 0, '1' /* reg 2 swapped */}, value: tags.String("Pump1")},
	{name: "string DCBA", addr: "hr:0", typ: tags.TypeString, n: 4, order: "DCBA",
		wire: []byte{'K', 'O' /* reg 0 swapped */, 0, 0 /* reg 1: NUL padding */}, value: tags.String("OK")},

	// Scaled: the value is a float in engineering units.
	{name: "uint16 scaled", addr: "ir:0", typ: tags.TypeUint16, scale: &tags.Scale{Raw: [2]float64{0, 1000}, Eng: [2]float64{0, 100}},
		wire: []byte{0x04, 0xD2 /* raw 1234 */}, value: tags.Float(123.4)},
	{name: "int16 scaled", addr: "hr:0", typ: tags.TypeInt16, scale: &tags.Scale{Raw: [2]float64{-1000, 1000}, Eng: [2]float64{-50, 50}},
		wire: []byte{0xFE, 0x0C /* raw -500 */}, value: tags.Float(-25)},
	{name: "int32 scaled CDAB", addr: "hr:0", typ: tags.TypeInt32, order: "CDAB", scale: &tags.Scale{Raw: [2]float64{0, 10}, Eng: [2]float64{0, 1}},
		wire: []byte{0x86, 0xA0 /* C D */, 0x00, 0x01 /* A B: raw 100000 */}, value: tags.Float(10000)},
	{name: "float32 scaled", addr: "hr:0", typ: tags.TypeFloat32, scale: &tags.Scale{Raw: [2]float64{0, 10}, Eng: [2]float64{0, 100}},
		wire: []byte{0x40, 0x20 /* A B */, 0x00, 0x00 /* C D: raw 2.5 */}, value: tags.Float(25)},
}

func (c *codecCase) def() *tags.Def {
	return &tags.Def{Name: c.name, Address: c.addr, Type: c.typ, StrLen: c.n, Order: c.order, Scale: c.scale, Writable: !strings.HasPrefix(c.addr, "ir") && !strings.HasPrefix(c.addr, "di")}
}

func TestCodecTable(t *testing.T) {
	for _, c := range codecCases {
		t.Run(c.name, func(t *testing.T) {
			def := c.def()
			if errs := CheckTag(def); len(errs) > 0 {
				t.Fatalf("CheckTag: %v", errs)
			}
			got, err := Decode(def, c.wire)
			if err != nil || !got.Equal(c.value) {
				t.Errorf("Decode(% x) = %v (%v), %v; want %v (%v)", c.wire, got, got.Kind(), err, c.value, c.value.Kind())
			}
			wire, err := Encode(def, c.value)
			if err != nil || !bytes.Equal(wire, c.wire) {
				t.Errorf("Encode(%v) = % x, %v; want % x", c.value, wire, err, c.wire)
			}
		})
	}
}

func TestDecodeOnly(t *testing.T) {
	str := func(n int) *tags.Def { return &tags.Def{Address: "hr:0", Type: tags.TypeString, StrLen: n} }
	cases := []struct {
		name string
		def  *tags.Def
		wire []byte
		want tags.Value
	}{
		{"trailing spaces and NULs", str(8), []byte{'A', 'B' /* reg 0 */, ' ', ' ' /* reg 1 */, 0, 0 /* reg 2 */, ' ', 0 /* reg 3 */}, tags.String("AB")},
		{"stops at first NUL", str(6), []byte{'A', 0 /* reg 0 */, 'x', 'y' /* reg 1: stale */, 0, 0}, tags.String("A")},
		{"odd length ignores pad byte", str(3), []byte{'A', 'B' /* reg 0 */, 'C', 'Z' /* reg 1: pad byte not read */}, tags.String("ABC")},
		{"not ASCII", str(2), []byte{'A', 0xB0 /* Latin-1 degree sign */}, tags.String("A\uFFFD")},
		{"leading spaces kept", str(4), []byte{' ', 'A' /* reg 0 */, 0, 0}, tags.String(" A")},
		{"bit 0 of 0xFFFE", &tags.Def{Address: "hr:0.0", Type: tags.TypeBool}, []byte{0xFF, 0xFE}, tags.Bool(false)},
		{"bit 15 of 0x8000", &tags.Def{Address: "ir:0.15", Type: tags.TypeBool}, []byte{0x80, 0x00}, tags.Bool(true)},
		{"coil with other bits", &tags.Def{Address: "co:0", Type: tags.TypeBool}, []byte{0xFE /* bits 1..7 set, bit 0 clear */}, tags.Bool(false)},
		{"float32 NaN", &tags.Def{Address: "hr:0", Type: tags.TypeFloat32}, []byte{0x7F, 0xC0, 0x00, 0x00}, tags.Float(math.NaN())},
		{"int16 -1", &tags.Def{Address: "hr:0", Type: tags.TypeInt16}, []byte{0xFF, 0xFF}, tags.Int(-1)},
		{"int64 min", &tags.Def{Address: "hr:0", Type: tags.TypeInt64}, []byte{0x80, 0, 0, 0, 0, 0, 0, 0}, tags.Int(math.MinInt64)},
		{"uint64 max", &tags.Def{Address: "hr:0", Type: tags.TypeUint64}, bytes.Repeat([]byte{0xFF}, 8), tags.Uint(math.MaxUint64)},
		{"longer data is fine", &tags.Def{Address: "hr:0", Type: tags.TypeUint16}, []byte{0x00, 0x07 /* the tag */, 0xAA, 0xBB /* next tag */}, tags.Uint(7)},
	}
	for _, c := range cases {
		got, err := Decode(c.def, c.wire)
		if err != nil || !got.Equal(c.want) {
			t.Errorf("%s: Decode(% x) = %q, %v; want %q", c.name, c.wire, got, err, c.want)
		}
	}
	for _, def := range []*tags.Def{
		{Address: "hr:0", Type: tags.TypeUint32},
		{Address: "hr:0", Type: tags.TypeString, StrLen: 3},
		{Address: "co:0", Type: tags.TypeBool},
	} {
		if _, err := Decode(def, []byte{}); err == nil {
			t.Errorf("Decode(%s %s, empty) gave no error", def.Address, def.Type)
		}
		if _, err := Decode(def, []byte{1}[:0]); err == nil {
			t.Errorf("Decode(%s %s, short) gave no error", def.Address, def.Type)
		}
	}
}

func TestEncodeConversions(t *testing.T) {
	u16 := &tags.Def{Address: "hr:0", Type: tags.TypeUint16}
	i16 := &tags.Def{Address: "hr:0", Type: tags.TypeInt16}
	i64 := &tags.Def{Address: "hr:0", Type: tags.TypeInt64}
	u64 := &tags.Def{Address: "hr:0", Type: tags.TypeUint64}
	scaled := &tags.Def{Address: "hr:0", Type: tags.TypeUint16, Scale: &tags.Scale{Raw: [2]float64{0, 4095}, Eng: [2]float64{0, 100}}}
	coil := &tags.Def{Address: "co:0", Type: tags.TypeBool}
	cases := []struct {
		name string
		def  *tags.Def
		v    tags.Value
		want []byte
	}{
		{"float rounds to nearest", u16, tags.Float(41.5), []byte{0x00, 0x2A /* 42 */}},
		{"float rounds down", u16, tags.Float(41.49), []byte{0x00, 0x29 /* 41 */}},
		{"negative rounds away from zero", i16, tags.Float(-2.5), []byte{0xFF, 0xFD /* -3 */}},
		{"bool to register", u16, tags.Bool(true), []byte{0x00, 0x01}},
		{"int from text", i16, tags.String("-2"), []byte{0xFF, 0xFE}},
		{"float from text", u16, tags.String("7.6"), []byte{0x00, 0x08}},
		{"int64 keeps every digit", i64, tags.Int(math.MaxInt64), []byte{0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}},
		{"uint64 keeps every digit", u64, tags.String("18446744073709551615"), bytes.Repeat([]byte{0xFF}, 8)},
		{"inverse scale", scaled, tags.Float(50), []byte{0x08, 0x00 /* raw 2047.5 rounds to 2048 */}},
		{"coil from 1", coil, tags.Int(1), []byte{0x01}},
		{"coil from text", coil, tags.String("false"), []byte{0x00}},
	}
	for _, c := range cases {
		got, err := Encode(c.def, c.v)
		if err != nil || !bytes.Equal(got, c.want) {
			t.Errorf("%s: Encode(%v) = % x, %v; want % x", c.name, c.v, got, err, c.want)
		}
	}
}

func TestEncodeErrors(t *testing.T) {
	cases := []struct {
		name string
		def  *tags.Def
		v    tags.Value
	}{
		{"int16 too big", &tags.Def{Address: "hr:0", Type: tags.TypeInt16}, tags.Int(32768)},
		{"int16 too small", &tags.Def{Address: "hr:0", Type: tags.TypeInt16}, tags.Float(-32768.6)},
		{"uint16 negative", &tags.Def{Address: "hr:0", Type: tags.TypeUint16}, tags.Int(-1)},
		{"uint16 rounds past max", &tags.Def{Address: "hr:0", Type: tags.TypeUint16}, tags.Float(65535.5)},
		{"uint32 too big", &tags.Def{Address: "hr:0", Type: tags.TypeUint32}, tags.Uint(1 << 32)},
		{"int64 from huge uint", &tags.Def{Address: "hr:0", Type: tags.TypeInt64}, tags.Uint(math.MaxUint64)},
		{"int64 from 2^63 float", &tags.Def{Address: "hr:0", Type: tags.TypeInt64}, tags.Float(math.Pow(2, 63))},
		{"uint64 from -1 float", &tags.Def{Address: "hr:0", Type: tags.TypeUint64}, tags.Float(-1)},
		{"NaN", &tags.Def{Address: "hr:0", Type: tags.TypeFloat32}, tags.Float(math.NaN())},
		{"text that is no number", &tags.Def{Address: "hr:0", Type: tags.TypeUint16}, tags.String("high")},
		{"float32 too big", &tags.Def{Address: "hr:0", Type: tags.TypeFloat32}, tags.Float(1e39)},
		{"float64 infinite", &tags.Def{Address: "hr:0", Type: tags.TypeFloat64}, tags.Float(math.Inf(1))},
		{"scaled out of range", &tags.Def{Address: "hr:0", Type: tags.TypeInt16, Scale: &tags.Scale{Raw: [2]float64{0, 1000}, Eng: [2]float64{0, 1}}}, tags.Float(40)},
		{"string too long", &tags.Def{Address: "hr:0", Type: tags.TypeString, StrLen: 3}, tags.String("ABCD")},
		{"string not ASCII", &tags.Def{Address: "hr:0", Type: tags.TypeString, StrLen: 8}, tags.String("25 °C")},
		{"string with NUL", &tags.Def{Address: "hr:0", Type: tags.TypeString, StrLen: 8}, tags.String("A\x00B")},
		{"bool from 2", &tags.Def{Address: "co:0", Type: tags.TypeBool}, tags.Int(2)},
		{"bool from text", &tags.Def{Address: "hr:0.1", Type: tags.TypeBool}, tags.String("maybe")},
		{"no value", &tags.Def{Address: "hr:0", Type: tags.TypeUint16}, tags.Value{}},
	}
	for _, c := range cases {
		if got, err := Encode(c.def, c.v); err == nil {
			t.Errorf("%s: Encode(%v) = % x, want an error", c.name, c.v, got)
		}
	}
}

func TestOrderRulesAgree(t *testing.T) {
	// wireToUint and uintToWire are inverses for every order and width.
	for _, o := range []order{orderABCD, orderCDAB, orderBADC, orderDCBA} {
		for n := 1; n <= 4; n++ {
			const u = 0x0102030405060708
			mask := uint64(1)<<(16*n) - 1
			if n == 4 {
				mask = math.MaxUint64
			}
			b := make([]byte, 2*n)
			uintToWire(b, u, n, o)
			if got := wireToUint(b, n, o); got != u&mask {
				t.Errorf("order %d, %d words: % x decodes to %x, want %x", o, n, b, got, u&mask)
			}
		}
	}
}
