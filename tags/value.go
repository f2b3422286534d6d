// Package tags holds the tag model of a station: tag definitions, the value,
// quality and timestamp (VQT) every reading travels as, and the Bus that
// keeps the current VQT of every tag and fans changes out.
package tags

import (
	"math"
	"strconv"
)

// Kind says which field of a Value is meaningful.
type Kind uint8

// The kinds a Value can hold. Integers keep their exact value (a 64-bit
// counter read from a device is not rounded through a float).
const (
	KindNone Kind = iota
	KindBool
	KindInt
	KindUint
	KindFloat
	KindString
)

var kindNames = [...]string{"none", "bool", "int", "uint", "float", "string"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// Value is one tag value. It is a small value type, not an interface, so
// that publishing a number on the bus does not allocate.
type Value struct {
	kind   Kind
	single bool   // a KindFloat read from a 32-bit float: printed with float32 precision
	bits   uint64 // bool (0/1), int64, uint64 or float64 bits, by kind
	str    string // KindString only
}

// Bool, Int, Uint, Float and String make Values of each kind.
func Bool(b bool) Value {
	if b {
		return Value{kind: KindBool, bits: 1}
	}
	return Value{kind: KindBool}
}
func Int(i int64) Value     { return Value{kind: KindInt, bits: uint64(i)} }
func Uint(u uint64) Value   { return Value{kind: KindUint, bits: u} }
func Float(f float64) Value { return Value{kind: KindFloat, bits: math.Float64bits(f)} }
func String(s string) Value { return Value{kind: KindString, str: s} }

// Float32 makes a KindFloat from a 32-bit float. It holds the same float64
// as Float(float64(f)) but prints with float32 precision: a level of 1.2
// read from a device prints as 1.2, not 1.2000000476837158.
func Float32(f float32) Value {
	return Value{kind: KindFloat, single: true, bits: math.Float64bits(float64(f))}
}

// Kind reports which kind of value v holds; KindNone for the zero Value.
func (v Value) Kind() Kind { return v.kind }

// IsZero reports whether v holds no value at all (never read).
func (v Value) IsZero() bool { return v.kind == KindNone }

// Float returns v as a float64: numbers convert, true is 1, strings parse
// (NaN when they do not), none is NaN.
func (v Value) Float() float64 {
	switch v.kind {
	case KindBool, KindUint:
		return float64(v.bits)
	case KindInt:
		return float64(int64(v.bits))
	case KindFloat:
		return math.Float64frombits(v.bits)
	case KindString:
		f, err := strconv.ParseFloat(v.str, 64)
		if err != nil {
			return math.NaN()
		}
		return f
	}
	return math.NaN()
}

// Int returns v as an int64, truncating floats toward zero.
func (v Value) Int() int64 {
	switch v.kind {
	case KindBool, KindInt, KindUint:
		return int64(v.bits)
	case KindFloat:
		return int64(math.Float64frombits(v.bits))
	case KindString:
		i, _ := strconv.ParseInt(v.str, 10, 64)
		return i
	}
	return 0
}

// Uint returns v as a uint64, truncating floats toward zero.
func (v Value) Uint() uint64 {
	switch v.kind {
	case KindFloat:
		return uint64(math.Float64frombits(v.bits))
	case KindString:
		u, _ := strconv.ParseUint(v.str, 10, 64)
		return u
	}
	return v.bits
}

// Bool returns v as a bool: any non-zero number is true.
func (v Value) Bool() bool {
	switch v.kind {
	case KindFloat:
		return math.Float64frombits(v.bits) != 0
	case KindString:
		b, _ := strconv.ParseBool(v.str)
		return b
	}
	return v.bits != 0
}

// Str returns the string of a KindString value, and "" otherwise; String
// formats any kind.
func (v Value) Str() string { return v.str }

// String formats v for people: floats with the fewest digits that read back
// exactly, "" for a value never read.
func (v Value) String() string {
	switch v.kind {
	case KindBool:
		return strconv.FormatBool(v.bits != 0)
	case KindInt:
		return strconv.FormatInt(int64(v.bits), 10)
	case KindUint:
		return strconv.FormatUint(v.bits, 10)
	case KindFloat:
		if v.single {
			return strconv.FormatFloat(math.Float64frombits(v.bits), 'g', -1, 32)
		}
		return strconv.FormatFloat(math.Float64frombits(v.bits), 'g', -1, 64)
	case KindString:
		return v.str
	}
	return ""
}

// Equal reports whether a and b are the same kind and value (a Float32 and
// a Float of the same number are equal). Two NaN floats with the same bits
// are equal, so a device that keeps reporting NaN is not a change every
// poll.
func (v Value) Equal(o Value) bool {
	return v.kind == o.kind && v.bits == o.bits && v.str == o.str
}

// Interface returns v as a plain Go value (bool, int64, uint64, float64,
// string or nil), for JSON and templates.
func (v Value) Interface() any {
	switch v.kind {
	case KindBool:
		return v.bits != 0
	case KindInt:
		return int64(v.bits)
	case KindUint:
		return v.bits
	case KindFloat:
		return math.Float64frombits(v.bits)
	case KindString:
		return v.str
	}
	return nil
}
