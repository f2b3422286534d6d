package modbus

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/sightglass/sightglass/tags"
)

// order is a parsed Def.Order. Its two bits are the two rules every order
// is made of: reverse the order of the 16-bit words, swap the two bytes of
// each word.
type order uint8

const (
	swapWords order = 1 << 0 // rule 1: last word first
	swapBytes order = 1 << 1 // rule 2: low byte of each word first

	orderABCD order = 0                     // big-endian: A (most significant) first
	orderCDAB order = swapWords             // words reversed
	orderBADC order = swapBytes             // bytes swapped in each word
	orderDCBA order = swapWords | swapBytes // little-endian
)

// Longest strings: a tag is never split across requests, so a string must
// fit one read (Modbus spec §6.3: 125 registers), and one FC16 write
// (§6.12: 123 registers) to be writable.
const (
	maxStrLen      = 2 * maxReadRegisters
	maxWriteStrLen = 2 * maxWriteRegisters
)

func parseOrder(s string) (order, error) {
	switch s {
	case "", "ABCD":
		return orderABCD, nil
	case "CDAB":
		return orderCDAB, nil
	case "BADC":
		return orderBADC, nil
	case "DCBA":
		return orderDCBA, nil
	}
	return 0, fmt.Errorf("order %q: want one of %s", s, strings.Join(Orders, " "))
}

// codec is a tag's definition compiled for decoding and encoding, so that a
// poll does not parse addresses or orders again.
type codec struct {
	typ    tags.DataType
	addr   Address
	regs   int // registers (bits in co/di) the value takes
	strLen int
	order  order
	scale  *tags.Scale
	plain  bool // a number in registers: decode with number(wireToUint(...))
}

func newCodec(def *tags.Def) (codec, error) {
	a, err := ParseAddress(def.Address)
	if err != nil {
		return codec{}, err
	}
	o, err := parseOrder(def.Order)
	if err != nil {
		return codec{}, err
	}
	c := codec{typ: def.Type, addr: a, regs: Registers(def), strLen: def.StrLen, order: o, scale: def.Scale}
	switch {
	case def.Type == tags.TypeBool:
		if !a.Area.IsBits() && a.Bit < 0 {
			return codec{}, fmt.Errorf("type bool on register %s needs a bit", a)
		}
	case a.Area.IsBits() || a.Bit >= 0:
		return codec{}, fmt.Errorf("address %s holds a bit: type must be bool, not %s", a, def.Type)
	case def.Type == tags.TypeString:
		if def.StrLen <= 0 || def.StrLen > maxStrLen {
			return codec{}, fmt.Errorf("string length %d out of range 1..%d", def.StrLen, maxStrLen)
		}
	case def.Type.Bits() < 16:
		return codec{}, fmt.Errorf("type %s cannot be read from Modbus", def.Type)
	}
	if c.scale != nil && (c.typ == tags.TypeBool || c.typ == tags.TypeString) {
		c.scale = nil
	}
	c.plain = c.typ != tags.TypeBool && c.typ != tags.TypeString
	return c, nil
}

// errShort is returned when the data holds fewer bytes than the tag needs.
var errShort = errors.New("response too short for the tag")

// Decode decodes the value of tag def from data as it arrives on the wire:
// for a register tag (ir, hr, including a bit of a register) the bytes of
// its registers, two per register starting with its first; for a coil or
// discrete input the packed bits of a read response with the tag's bit in
// the least significant bit of data[0] (Modbus spec §6.1).
//
// Numbers stay tags.Int, tags.Uint or tags.Float of their type, unless the
// tag is scaled: then the value is a tags.Float in engineering units.
// Strings are ASCII, first character in the high byte of the first
// register (BADC and DCBA swap the bytes of each register); they end at the
// first NUL, trailing spaces are trimmed, and a byte above 0x7F reads as
// U+FFFD.
func Decode(def *tags.Def, data []byte) (tags.Value, error) {
	c, err := newCodec(def)
	if err != nil {
		return tags.Value{}, err
	}
	return c.decode(data, 0)
}

// decode decodes the tag from b. For co/di, bit is the tag's bit in the
// packed bits of b; for registers, b starts at the tag's first register and
// bit is unused.
func (c *codec) decode(b []byte, bit int) (tags.Value, error) {
	if c.addr.Area.IsBits() {
		if bit/8 >= len(b) {
			return tags.Value{}, errShort
		}
		return tags.Bool(b[bit/8]>>(bit%8)&1 != 0), nil
	}
	if len(b) < 2*c.regs {
		return tags.Value{}, errShort
	}
	switch c.typ {
	case tags.TypeBool:
		w := uint16(b[0])<<8 | uint16(b[1])
		return tags.Bool(w>>c.addr.Bit&1 != 0), nil
	case tags.TypeString:
		return c.decodeString(b), nil
	}
	return c.number(wireToUint(b, c.regs, c.order)), nil
}

// number makes the value of a numeric tag from its raw bits.
func (c *codec) number(u uint64) tags.Value {
	var f float64
	switch c.typ {
	case tags.TypeInt16, tags.TypeInt32, tags.TypeInt64:
		shift := 64 - 16*c.regs
		i := int64(u<<shift) >> shift // sign-extend
		if c.scale == nil {
			return tags.Int(i)
		}
		f = float64(i)
	case tags.TypeUint16, tags.TypeUint32, tags.TypeUint64:
		if c.scale == nil {
			return tags.Uint(u)
		}
		f = float64(u)
	case tags.TypeFloat32:
		f32 := math.Float32frombits(uint32(u))
		if c.scale == nil && f32 == f32 {
			return tags.Float32(f32)
		}
		f = float64(f32)
	default: // tags.TypeFloat64; newCodec admits no other type here
		f = math.Float64frombits(u)
	}
	if c.scale != nil {
		f = c.scale.ToEng(f)
	}
	if f != f {
		// One NaN for all payloads, so that tags.Value.Equal sees the same
		// NaN every poll.
		f = math.NaN()
	}
	return tags.Float(f)
}

// wireToUint assembles n registers from b into a number, undoing order o.
func wireToUint(b []byte, n int, o order) uint64 {
	switch n { // the common widths without a loop
	case 1:
		return uint64(raw16(b, o))
	case 2:
		return uint64(raw32(b, o))
	case 4:
		u := binary.BigEndian.Uint64(b)
		if o&swapWords != 0 {
			u = bits.RotateLeft64(u, 32)
			u = u&0xFFFF0000FFFF0000>>16 | u&0x0000FFFF0000FFFF<<16
		}
		if o&swapBytes != 0 {
			u = u&0xFF00FF00FF00FF00>>8 | u&0x00FF00FF00FF00FF<<8
		}
		return u
	}
	var u uint64
	for i := 0; i < n; i++ { // i: word i from the most significant
		j := i
		if o&swapWords != 0 {
			j = n - 1 - i
		}
		w := uint16(b[2*j])<<8 | uint16(b[2*j+1])
		if o&swapBytes != 0 {
			w = bits.ReverseBytes16(w)
		}
		u = u<<16 | uint64(w)
	}
	return u
}

// uintToWire is the inverse of wireToUint: it stores the low 16*n bits of u
// into b as n registers in order o.
func uintToWire(b []byte, u uint64, n int, o order) {
	for i := 0; i < n; i++ {
		w := uint16(u >> (16 * (n - 1 - i)))
		if o&swapBytes != 0 {
			w = bits.ReverseBytes16(w)
		}
		j := i
		if o&swapWords != 0 {
			j = n - 1 - i
		}
		b[2*j], b[2*j+1] = byte(w>>8), byte(w)
	}
}

func (c *codec) decodeString(b []byte) tags.Value {
	n := c.strLen
	var buf [maxStrLen + 1]byte
	s := buf[:0]
	if 2*c.regs > len(buf) {
		s = make([]byte, 0, 2*c.regs)
	}
	s = append(s, b[:2*c.regs]...)
	if c.order&swapBytes != 0 {
		for i := 0; i+1 < len(s); i += 2 {
			s[i], s[i+1] = s[i+1], s[i]
		}
	}
	s = s[:n]
	for i, ch := range s {
		if ch == 0 {
			s = s[:i]
			break
		}
	}
	for len(s) > 0 && s[len(s)-1] == ' ' {
		s = s[:len(s)-1]
	}
	for _, ch := range s {
		if ch >= utf8.RuneSelf {
			var sb strings.Builder
			for _, ch := range s {
				if ch >= utf8.RuneSelf {
					sb.WriteRune(utf8.RuneError)
				} else {
					sb.WriteByte(ch)
				}
			}
			return tags.String(sb.String())
		}
	}
	return tags.String(string(s))
}

// Encode converts v, in engineering units, into what is written to tag def:
// for a register tag, the bytes of its registers in wire order (for a bit
// of a register, the register with only that bit possibly set: the driver
// merges it into the register it reads); for a coil, one byte 0 or 1.
//
// A scaled value goes back through the inverse scale. Integer types round
// to the nearest integer (halves away from zero). It is an error for the
// value to be out of the type's range, not a number, a string longer than
// the tag or not ASCII.
func Encode(def *tags.Def, v tags.Value) ([]byte, error) {
	c, err := newCodec(def)
	if err != nil {
		return nil, err
	}
	return c.encode(v)
}

func (c *codec) encode(v tags.Value) ([]byte, error) {
	if c.typ == tags.TypeBool {
		b, err := boolOf(v)
		if err != nil {
			return nil, err
		}
		switch {
		case c.addr.Area.IsBits() && b:
			return []byte{1}, nil
		case c.addr.Area.IsBits():
			return []byte{0}, nil
		case b:
			m := uint16(1) << c.addr.Bit
			return []byte{byte(m >> 8), byte(m)}, nil
		}
		return []byte{0, 0}, nil
	}
	out := make([]byte, 2*c.regs)
	if c.typ == tags.TypeString {
		return out, c.encodeString(out, v)
	}
	u, err := c.rawBits(v)
	if err != nil {
		return nil, err
	}
	uintToWire(out, u, c.regs, c.order)
	return out, nil
}

func (c *codec) encodeString(out []byte, v tags.Value) error {
	s := v.Str()
	if v.Kind() != tags.KindString {
		s = v.String()
	}
	if len(s) > c.strLen {
		return fmt.Errorf("string of %d bytes does not fit string:%d", len(s), c.strLen)
	}
	for i := 0; i < len(s); i++ {
		if s[i] == 0 || s[i] >= utf8.RuneSelf {
			return fmt.Errorf("string %q: byte %d (0x%02x) is not a printable ASCII character", s, i, s[i])
		}
	}
	copy(out, s) // the rest stays NUL
	if c.order&swapBytes != 0 {
		for i := 0; i+1 < len(out); i += 2 {
			out[i], out[i+1] = out[i+1], out[i]
		}
	}
	return nil
}

func boolOf(v tags.Value) (bool, error) {
	switch v.Kind() {
	case tags.KindBool:
		return v.Bool(), nil
	case tags.KindString:
		b, err := strconv.ParseBool(v.Str())
		if err != nil {
			return false, fmt.Errorf("%q is not a bool", v.Str())
		}
		return b, nil
	case tags.KindInt, tags.KindUint, tags.KindFloat:
		switch v.Float() {
		case 0:
			return false, nil
		case 1:
			return true, nil
		}
		return false, fmt.Errorf("%s is not a bool: want 0 or 1", v)
	}
	return false, errors.New("no value to write")
}

// Ranges of the integer types, for encoding.
var intRange = map[tags.DataType][2]int64{
	tags.TypeInt16: {math.MinInt16, math.MaxInt16},
	tags.TypeInt32: {math.MinInt32, math.MaxInt32},
	tags.TypeInt64: {math.MinInt64, math.MaxInt64},
}

var uintMax = map[tags.DataType]uint64{
	tags.TypeUint16: math.MaxUint16,
	tags.TypeUint32: math.MaxUint32,
	tags.TypeUint64: math.MaxUint64,
}

// rawBits converts v to the raw bits of the tag's numeric type.
func (c *codec) rawBits(v tags.Value) (uint64, error) {
	if v.Kind() == tags.KindNone {
		return 0, errors.New("no value to write")
	}
	exact := c.scale == nil && v.Kind() != tags.KindFloat && v.Kind() != tags.KindString
	if c.scale == nil && v.Kind() == tags.KindString {
		// An integer written as text keeps every digit.
		if i, err := strconv.ParseInt(v.Str(), 10, 64); err == nil {
			v, exact = tags.Int(i), true
		} else if u, err := strconv.ParseUint(v.Str(), 10, 64); err == nil {
			v, exact = tags.Uint(u), true
		}
	}
	if r, ok := intRange[c.typ]; ok && exact {
		if v.Kind() == tags.KindUint && v.Uint() > math.MaxInt64 || v.Int() < r[0] || v.Int() > r[1] {
			return 0, fmt.Errorf("%s is out of range %d..%d of %s", v, r[0], r[1], c.typ)
		}
		return uint64(v.Int()), nil
	}
	if m, ok := uintMax[c.typ]; ok && exact {
		if v.Kind() == tags.KindInt && v.Int() < 0 || v.Uint() > m {
			return 0, fmt.Errorf("%s is out of range 0..%d of %s", v, m, c.typ)
		}
		return v.Uint(), nil
	}
	f := v.Float()
	if math.IsNaN(f) {
		return 0, fmt.Errorf("%q is not a number", v.String())
	}
	if c.scale != nil {
		f = c.scale.ToRaw(f)
	}
	switch c.typ {
	case tags.TypeFloat32:
		if math.IsNaN(f) || math.Abs(f) > math.MaxFloat32 {
			return 0, fmt.Errorf("%g is out of the range of float32", f)
		}
		return uint64(math.Float32bits(float32(f))), nil
	case tags.TypeFloat64:
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return 0, fmt.Errorf("%g is out of the range of float64", f)
		}
		return math.Float64bits(f), nil
	}
	f = math.Round(f)
	if r, ok := intRange[c.typ]; ok {
		// float64(MaxInt64) rounds up to 2^63, hence < rather than <=.
		if !(f >= float64(r[0]) && f < float64(r[1])+1) {
			return 0, fmt.Errorf("%g is out of range %d..%d of %s", f, r[0], r[1], c.typ)
		}
		return uint64(int64(f)), nil
	}
	if m, ok := uintMax[c.typ]; ok {
		if !(f >= 0 && f < float64(m)+1) {
			return 0, fmt.Errorf("%g is out of range 0..%d of %s", f, m, c.typ)
		}
		return uint64(f), nil
	}
	return 0, fmt.Errorf("type %s cannot be encoded", c.typ)
}
