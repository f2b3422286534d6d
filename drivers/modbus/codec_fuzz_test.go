package modbus

import (
	"bytes"
	"testing"
	"time"

	"github.com/sightglass/sightglass/drivers"
	"github.com/sightglass/sightglass/tags"
)

// fuzzTypes are the tags FuzzDecode picks from: every type, register bits
// and coils, and strings of several lengths.
var fuzzTypes = []tags.Def{
	{Address: "co:0", Type: tags.TypeBool},
	{Address: "hr:0.7", Type: tags.TypeBool},
	{Address: "hr:0", Type: tags.TypeInt16},
	{Address: "hr:0", Type: tags.TypeUint16},
	{Address: "hr:0", Type: tags.TypeInt32},
	{Address: "hr:0", Type: tags.TypeUint32},
	{Address: "hr:0", Type: tags.TypeInt64},
	{Address: "hr:0", Type: tags.TypeUint64},
	{Address: "hr:0", Type: tags.TypeFloat32},
	{Address: "hr:0", Type: tags.TypeFloat64},
	{Address: "hr:0", Type: tags.TypeString, StrLen: 1},
	{Address: "hr:0", Type: tags.TypeString, StrLen: 6},
	{Address: "hr:0", Type: tags.TypeString, StrLen: 9},
}

// FuzzDecode decodes arbitrary response bytes as every type in every
// order. Decode must never panic; what it decodes must encode and decode
// back to the same value; and an integer must encode back to the very
// bytes it came from.
func FuzzDecode(f *testing.F) {
	for _, c := range codecCases {
		for ti, d := range fuzzTypes {
			if d.Type == c.typ {
				f.Add(c.wire, uint8(ti), uint8(len(Orders)+1)) // the table's own order
			}
		}
	}
	f.Add([]byte{}, uint8(0), uint8(0))
	f.Add([]byte{0x7F, 0xC0, 0, 0}, uint8(8), uint8(2))

	f.Fuzz(func(t *testing.T, data []byte, typ, ord uint8) {
		def := fuzzTypes[int(typ)%len(fuzzTypes)]
		if def.Type != tags.TypeBool {
			if o := int(ord) % (len(Orders) + 1); o < len(Orders) {
				def.Order = Orders[o]
			}
		}
		v, err := Decode(&def, data)
		checkFastPath(t, &def, data, v, err)
		if err != nil {
			return
		}
		wire, err := Encode(&def, v)
		if err != nil {
			if isEncodable(v) {
				t.Fatalf("%s %s: Encode(%q) of a decoded value: %v", def.Type, def.Order, v, err)
			}
			return
		}
		back, err := Decode(&def, wire)
		if err != nil || !back.Equal(v) {
			t.Fatalf("%s %s: % x decodes to %q, encodes to % x, decodes to %q (%v)", def.Type, def.Order, data, v, wire, back, err)
		}
		if def.Type != tags.TypeBool && def.Type != tags.TypeString && def.Type.Bits() > 0 &&
			def.Type != tags.TypeFloat32 && def.Type != tags.TypeFloat64 && !bytes.Equal(wire, data[:len(wire)]) {
			t.Fatalf("%s %s: % x decodes to %v, encodes to % x", def.Type, def.Order, data, v, wire)
		}
	})
}

// isEncodable reports whether a decoded value is one Encode must accept:
// everything but NaN, infinities and strings that are not plain ASCII.
func isEncodable(v tags.Value) bool {
	switch v.Kind() {
	case tags.KindFloat:
		f := v.Float()
		return f == f && f-f == 0
	case tags.KindString:
		for _, r := range v.Str() {
			if r == 0 || r >= 0x80 {
				return false
			}
		}
	}
	return true
}

// checkFastPath decodes data as the driver's read loop does and compares
// with Decode's answer.
func checkFastPath(t *testing.T, def *tags.Def, data []byte, want tags.Value, wantErr error) {
	t.Helper()
	gs, err := plan(drivers.DeviceConfig{Name: "fuzz"}, []*tags.Def{def})
	if err != nil {
		t.Fatal(err)
	}
	out := make([]tags.VQT, 1)
	decodeRequest(&gs[0], &gs[0].reqs[0], data, out, time.Unix(1, 0))
	switch {
	case wantErr != nil && out[0].Quality != tags.BadQuality(tags.ReasonDecode, 0):
		t.Fatalf("%s %s: % x: the read loop says %v (%v), Decode %v", def.Type, def.Order, data, out[0].Value, out[0].Quality, wantErr)
	case wantErr == nil && (!out[0].Quality.IsGood() || !out[0].Value.Equal(want)):
		t.Fatalf("%s %s: % x: the read loop says %v (%v), Decode %v", def.Type, def.Order, data, out[0].Value, out[0].Quality, want)
	case !out[0].Time.Equal(time.Unix(1, 0)):
		t.Fatalf("the read loop stamped %v", out[0].Time)
	}
}
