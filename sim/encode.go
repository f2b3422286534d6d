package sim

import (
	"encoding/binary"
	"math"
	"strconv"
	"strings"
)

// Words of multi-register values. Orders name the bytes of the value from
// most significant (A) in the order they go on the wire, as the project's
// order field does: ABCD is big-endian, CDAB swaps the words, BADC swaps
// the bytes in each word, DCBA is little-endian. For 64-bit values the same
// rule covers four words (CDAB reverses the word order).

// encodeNum returns the registers holding v as typ in order. Integer types
// round and saturate; a counter that should wrap wraps in its getter.
func encodeNum(typ, order string, v float64) []uint16 {
	var b []byte
	switch typ {
	case "int16":
		b = binary.BigEndian.AppendUint16(nil, uint16(int16(clampRound(v, math.MinInt16, math.MaxInt16))))
	case "uint16":
		b = binary.BigEndian.AppendUint16(nil, uint16(clampRound(v, 0, math.MaxUint16)))
	case "int32":
		b = binary.BigEndian.AppendUint32(nil, uint32(int32(clampRound(v, math.MinInt32, math.MaxInt32))))
	case "uint32":
		b = binary.BigEndian.AppendUint32(nil, uint32(clampRound(v, 0, math.MaxUint32)))
	case "float32":
		b = binary.BigEndian.AppendUint32(nil, math.Float32bits(float32(v)))
	case "uint64":
		u := uint64(0)
		if v >= 1<<64 {
			u = math.MaxUint64
		} else if v > 0 {
			u = uint64(math.Round(v))
		}
		b = binary.BigEndian.AppendUint64(nil, u)
	case "float64":
		b = binary.BigEndian.AppendUint64(nil, math.Float64bits(v))
	default:
		return nil
	}
	return wordsInOrder(b, order)
}

// decodeNum reads the value of typ in order from w, which must hold
// exactly the type's registers.
func decodeNum(typ, order string, w []uint16) float64 {
	b := bytesInOrder(w, order)
	switch typ {
	case "int16":
		return float64(int16(binary.BigEndian.Uint16(b)))
	case "uint16":
		return float64(binary.BigEndian.Uint16(b))
	case "int32":
		return float64(int32(binary.BigEndian.Uint32(b)))
	case "uint32":
		return float64(binary.BigEndian.Uint32(b))
	case "float32":
		return float64(math.Float32frombits(binary.BigEndian.Uint32(b)))
	case "uint64":
		return float64(binary.BigEndian.Uint64(b))
	case "float64":
		return math.Float64frombits(binary.BigEndian.Uint64(b))
	}
	return math.NaN()
}

// wordsInOrder packs big-endian bytes b into registers in order.
func wordsInOrder(b []byte, order string) []uint16 {
	n := len(b) / 2
	w := make([]uint16, n)
	for i := range n {
		j := i
		if order == "CDAB" || order == "DCBA" {
			j = n - 1 - i // words least significant first
		}
		hi, lo := b[2*j], b[2*j+1]
		if order == "BADC" || order == "DCBA" {
			hi, lo = lo, hi
		}
		w[i] = uint16(hi)<<8 | uint16(lo)
	}
	return w
}

// bytesInOrder is the inverse of wordsInOrder.
func bytesInOrder(w []uint16, order string) []byte {
	n := len(w)
	b := make([]byte, 2*n)
	for i, x := range w {
		j := i
		if order == "CDAB" || order == "DCBA" {
			j = n - 1 - i
		}
		hi, lo := byte(x>>8), byte(x)
		if order == "BADC" || order == "DCBA" {
			hi, lo = lo, hi
		}
		b[2*j], b[2*j+1] = hi, lo
	}
	return b
}

// encodeString packs s into registers for string:n: two ASCII characters a
// register, the first in the high byte, padded with NUL bytes.
func encodeString(s string, n int) []uint16 {
	b := make([]byte, (n+1)/2*2)
	copy(b[:n], s)
	return wordsInOrder(b, "ABCD")
}

// stringLen is N of a "string:N" type, 0 for any other type.
func stringLen(typ string) int {
	s, ok := strings.CutPrefix(typ, "string:")
	if !ok {
		return 0
	}
	n, _ := strconv.Atoi(s)
	return n
}

func clampRound(v, lo, hi float64) float64 {
	if math.IsNaN(v) {
		return 0
	}
	return min(max(math.Round(v), lo), hi)
}
