package opcua

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/gopcua/opcua/ua"

	"github.com/sightglass/sightglass/tags"
)

// Ranges of the integer tag types.
var (
	tagIntRange = map[tags.DataType][2]int64{
		tags.TypeInt16: {math.MinInt16, math.MaxInt16},
		tags.TypeInt32: {math.MinInt32, math.MaxInt32},
		tags.TypeInt64: {math.MinInt64, math.MaxInt64},
	}
	tagUintMax = map[tags.DataType]uint64{
		tags.TypeUint16: math.MaxUint16,
		tags.TypeUint32: math.MaxUint32,
		tags.TypeUint64: math.MaxUint64,
	}
)

// errType is a value that does not fit the tag or the node.
var errType = errors.New("wrong type")

// fromVariant converts a node's value to a value of def's type (and
// engineering units, through def's scale). A value of a kind the tag
// cannot take returns reason ReasonDecode; a number outside the type's
// range ReasonOutOfRange.
func fromVariant(def *tags.Def, v *ua.Variant) (tags.Value, tags.Reason) {
	if v == nil || v.Value() == nil {
		return tags.Value{}, tags.ReasonDecode
	}
	x := v.Value()
	if def.Type == tags.TypeString {
		switch s := x.(type) {
		case string:
			return tags.String(s), tags.ReasonNone
		case *ua.LocalizedText:
			return tags.String(s.Text), tags.ReasonNone
		case time.Time:
			return tags.String(s.UTC().Format(time.RFC3339Nano)), tags.ReasonNone
		}
		if n, ok := number(x); ok {
			return tags.String(n.String()), tags.ReasonNone
		}
		return tags.Value{}, tags.ReasonDecode
	}
	n, ok := number(x)
	if !ok {
		return tags.Value{}, tags.ReasonDecode
	}
	if def.Type == tags.TypeBool {
		return tags.Bool(n.Bool()), tags.ReasonNone
	}
	if def.Scale != nil {
		return tags.Float(def.Scale.ToEng(n.Float())), tags.ReasonNone
	}
	switch def.Type {
	case tags.TypeFloat32:
		return tags.Float32(float32(n.Float())), tags.ReasonNone
	case tags.TypeFloat64:
		return tags.Float(n.Float()), tags.ReasonNone
	}
	if r, ok := tagIntRange[def.Type]; ok {
		if n.Kind() == tags.KindFloat {
			f := math.Round(n.Float())
			if !(f >= float64(r[0]) && f < float64(r[1])+1) {
				return tags.Value{}, tags.ReasonOutOfRange
			}
			return tags.Int(int64(f)), tags.ReasonNone
		}
		if n.Kind() == tags.KindUint && n.Uint() > math.MaxInt64 || n.Int() < r[0] || n.Int() > r[1] {
			return tags.Value{}, tags.ReasonOutOfRange
		}
		return tags.Int(n.Int()), tags.ReasonNone
	}
	if m, ok := tagUintMax[def.Type]; ok {
		if n.Kind() == tags.KindFloat {
			f := math.Round(n.Float())
			if !(f >= 0 && f < float64(m)+1) {
				return tags.Value{}, tags.ReasonOutOfRange
			}
			return tags.Uint(uint64(f)), tags.ReasonNone
		}
		if n.Kind() == tags.KindInt && n.Int() < 0 || n.Uint() > m {
			return tags.Value{}, tags.ReasonOutOfRange
		}
		return tags.Uint(n.Uint()), tags.ReasonNone
	}
	return tags.Value{}, tags.ReasonDecode
}

// number returns an OPC UA scalar number or boolean as a tags.Value.
func number(x any) (tags.Value, bool) {
	switch n := x.(type) {
	case bool:
		return tags.Bool(n), true
	case int8:
		return tags.Int(int64(n)), true
	case int16:
		return tags.Int(int64(n)), true
	case int32:
		return tags.Int(int64(n)), true
	case int64:
		return tags.Int(n), true
	case uint8:
		return tags.Uint(uint64(n)), true
	case uint16:
		return tags.Uint(uint64(n)), true
	case uint32:
		return tags.Uint(uint64(n)), true
	case uint64:
		return tags.Uint(n), true
	case float32:
		return tags.Float32(n), true
	case float64:
		return tags.Float(n), true
	}
	return tags.Value{}, false
}

// builtinOf maps a DataType attribute (a NodeId in namespace 0) to the
// built-in type a value of it travels as (OPC UA Part 6 §5.1.2), including
// the common subtypes of Part 3 §8 and Part 5 (Duration is a Double,
// UtcTime a DateTime, IntegerId and Counter UInt32, an Enumeration Int32).
func builtinOf(dt *ua.NodeID) (ua.TypeID, bool) {
	if dt == nil || dt.Namespace() != 0 || dt.Type() == ua.NodeIDTypeString || dt.Type() == ua.NodeIDTypeGUID || dt.Type() == ua.NodeIDTypeByteString {
		return 0, false
	}
	switch id := dt.IntID(); {
	case id >= 1 && id <= 15:
		return ua.TypeID(id), true
	case id == 290: // Duration
		return ua.TypeIDDouble, true
	case id == 294: // UtcTime
		return ua.TypeIDDateTime, true
	case id == 288, id == 289: // IntegerId, Counter
		return ua.TypeIDUint32, true
	case id == 29: // Enumeration
		return ua.TypeIDInt32, true
	case id == 21: // LocalizedText
		return ua.TypeIDLocalizedText, true
	}
	return 0, false
}

// toVariant converts v (engineering units, of def's type) to a value of
// built-in type t for writing, through def's scale. A value that does not
// fit t is an error wrapping errType.
func toVariant(def *tags.Def, v tags.Value, t ua.TypeID) (*ua.Variant, error) {
	if v.IsZero() {
		return nil, fmt.Errorf("%w: no value to write", errType)
	}
	if def.Scale != nil && t != ua.TypeIDString && t != ua.TypeIDBoolean {
		f := v.Float()
		if math.IsNaN(f) {
			return nil, fmt.Errorf("%w: %q is not a number", errType, v.String())
		}
		v = tags.Float(def.Scale.ToRaw(f))
	}
	var x any
	var err error
	switch t {
	case ua.TypeIDBoolean:
		x, err = toBool(v)
	case ua.TypeIDSByte:
		x, err = toInt(v, math.MinInt8, math.MaxInt8, func(i int64) any { return int8(i) })
	case ua.TypeIDInt16:
		x, err = toInt(v, math.MinInt16, math.MaxInt16, func(i int64) any { return int16(i) })
	case ua.TypeIDInt32:
		x, err = toInt(v, math.MinInt32, math.MaxInt32, func(i int64) any { return int32(i) })
	case ua.TypeIDInt64:
		x, err = toInt(v, math.MinInt64, math.MaxInt64, func(i int64) any { return i })
	case ua.TypeIDByte:
		x, err = toUint(v, math.MaxUint8, func(u uint64) any { return uint8(u) })
	case ua.TypeIDUint16:
		x, err = toUint(v, math.MaxUint16, func(u uint64) any { return uint16(u) })
	case ua.TypeIDUint32:
		x, err = toUint(v, math.MaxUint32, func(u uint64) any { return uint32(u) })
	case ua.TypeIDUint64:
		x, err = toUint(v, math.MaxUint64, func(u uint64) any { return u })
	case ua.TypeIDFloat:
		f, ferr := toFloat(v)
		if ferr == nil && math.Abs(f) > math.MaxFloat32 && !math.IsInf(f, 0) {
			ferr = fmt.Errorf("%w: %g is out of the range of Float", errType, f)
		}
		x, err = float32(f), ferr
	case ua.TypeIDDouble:
		x, err = toFloat(v)
	case ua.TypeIDString:
		x = v.String()
	case ua.TypeIDLocalizedText:
		x = &ua.LocalizedText{EncodingMask: ua.LocalizedTextText, Text: v.String()}
	default:
		return nil, fmt.Errorf("%w: the node's type %s cannot be written", errType, t)
	}
	if err != nil {
		return nil, err
	}
	return ua.NewVariant(x)
}

func toBool(v tags.Value) (bool, error) {
	if v.Kind() == tags.KindString {
		b, err := strconv.ParseBool(v.Str())
		if err != nil {
			return false, fmt.Errorf("%w: %q is not true or false", errType, v.Str())
		}
		return b, nil
	}
	return v.Bool(), nil
}

func toFloat(v tags.Value) (float64, error) {
	f := v.Float()
	if math.IsNaN(f) && v.Kind() == tags.KindString {
		return 0, fmt.Errorf("%w: %q is not a number", errType, v.Str())
	}
	return f, nil
}

func toInt(v tags.Value, lo, hi int64, mk func(int64) any) (any, error) {
	switch v.Kind() {
	case tags.KindInt, tags.KindBool:
		if v.Int() < lo || v.Int() > hi {
			return nil, fmt.Errorf("%w: %s is out of range %d..%d", errType, v, lo, hi)
		}
		return mk(v.Int()), nil
	case tags.KindUint:
		if v.Uint() > uint64(hi) {
			return nil, fmt.Errorf("%w: %s is out of range %d..%d", errType, v, lo, hi)
		}
		return mk(int64(v.Uint())), nil
	case tags.KindString:
		i, err := strconv.ParseInt(v.Str(), 10, 64)
		if err != nil {
			f, ferr := toFloat(v)
			if ferr != nil {
				return nil, ferr
			}
			return toInt(tags.Float(f), lo, hi, mk)
		}
		return toInt(tags.Int(i), lo, hi, mk)
	}
	f := math.Round(v.Float())
	// float64(MaxInt64) rounds up to 2^63, hence < rather than <=.
	if !(f >= float64(lo) && f < float64(hi)+1) {
		return nil, fmt.Errorf("%w: %s is out of range %d..%d", errType, v, lo, hi)
	}
	return mk(int64(f)), nil
}

func toUint(v tags.Value, hi uint64, mk func(uint64) any) (any, error) {
	switch v.Kind() {
	case tags.KindUint, tags.KindBool:
		if v.Uint() > hi {
			return nil, fmt.Errorf("%w: %s is out of range 0..%d", errType, v, hi)
		}
		return mk(v.Uint()), nil
	case tags.KindInt:
		if v.Int() < 0 || uint64(v.Int()) > hi {
			return nil, fmt.Errorf("%w: %s is out of range 0..%d", errType, v, hi)
		}
		return mk(uint64(v.Int())), nil
	case tags.KindString:
		u, err := strconv.ParseUint(v.Str(), 10, 64)
		if err != nil {
			f, ferr := toFloat(v)
			if ferr != nil {
				return nil, ferr
			}
			return toUint(tags.Float(f), hi, mk)
		}
		return toUint(tags.Uint(u), hi, mk)
	}
	f := math.Round(v.Float())
	if !(f >= 0 && f < float64(hi)+1) {
		return nil, fmt.Errorf("%w: %s is out of range 0..%d", errType, v, hi)
	}
	return mk(uint64(f)), nil
}
