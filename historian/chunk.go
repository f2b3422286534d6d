package historian

// The chunk format: the samples of one tag over a stretch of time, encoded
// for size. DESIGN-chunk.md describes the layout byte by byte and bit by
// bit, and why it is so; this file holds the types the storage engine uses
// and the pieces shared by the encoder (chunk_append.go) and the decoder
// (chunk_decode.go).

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math"
	"math/bits"

	"github.com/sightglass/sightglass/tags"
)

// ErrCorruptChunk is returned, wrapped with what is wrong, for a chunk that
// does not decode: a bad checksum, a truncated chunk or impossible fields.
// The chunk's samples are lost; nothing else is.
var ErrCorruptChunk = errors.New("historian: corrupt chunk")

// ChunkVersion is the format version byte every chunk starts with.
const ChunkVersion = 1

// MaxChunkSamples is the most samples one chunk holds; Append refuses more.
// A chunk of about 1 KiB holds a few thousand samples at most (a sample
// costs at least 2 bits), so the storage engine cuts long before this.
const MaxChunkSamples = 1 << 16

// TargetChunkSize is the size at which EncodeSamples starts a new chunk:
// about one bbolt page per chunk.
const TargetChunkSize = 1024

// chunkTables is the flag in a chunk's mode byte that says quality runs
// and exceptions follow the header. Without it every sample is good and
// in the value stream: most chunks, which saves them 3 bytes.
const chunkTables = 0x80

// chunkTrailer is the CRC-32C at the end of every chunk.
const chunkTrailer = 4

// castagnoli is the CRC-32C table (the polynomial of iSCSI, ext4 and
// Btrfs, with hardware support on amd64 and arm64).
var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// ValueMode says how a chunk stores its values: one of the base modes,
// with flags for the predictor and the float width.
type ValueMode uint8

// The base value modes.
const (
	ModeNone    ValueMode = iota // no sample has a value (all are tags.Value{})
	ModeBool                     // one bit a value
	ModeInt                      // int64 values, predicted and Rice coded
	ModeUint                     // uint64 values, as ModeInt on their bits
	ModeString                   // strings, a repeat costs one bit
	ModeScaled                   // Scale.ToEng of integer raw values, coded as ModeInt
	ModeDecimal                  // floats n/10^e, n coded as ModeInt
	ModeFloat                    // floats whose bit patterns, ordered as integers, are coded as ModeInt
	ModeXOR                      // floats XORed with the previous one (Gorilla)
	numModes
)

// Flags of a ValueMode: the float width, and the order of the predictor
// of the modes that code integers (int, uint, scaled, decimal, float).
const (
	ModeBase      ValueMode = 0x0F // mask of the base mode
	ModeSingle    ValueMode = 0x10 // float values are float32 (tags.Float32)
	ModePredictor ValueMode = 0x60 // mask of the predictor:
	ModeDelta     ValueMode = 0x00 // the next integer is the last one
	ModeDoD       ValueMode = 0x20 // the last one plus the last delta
	ModeD3        ValueMode = 0x40 // that plus the last delta of delta
	ModeMean4     ValueMode = 0x60 // the mean of the last 4
	modeFlags               = ModeSingle | ModePredictor
)

var predictorNames = [...]string{"delta", "dod", "d3", "mean4"}

var modeNames = [...]string{"none", "bool", "int", "uint", "string", "scaled", "decimal", "float", "xor"}

// String names the mode: "decimal/dod/f32", "int/delta", "float/d3/f64", "xor/f32".
func (m ValueMode) String() string {
	b := m & ModeBase
	if b >= numModes || m&^(ModeBase|modeFlags) != 0 {
		return fmt.Sprintf("ValueMode(%#x)", uint8(m))
	}
	s := modeNames[b]
	if b.predicts() {
		s += "/" + predictorNames[m&ModePredictor>>5]
	}
	if b.isFloat() {
		if m&ModeSingle != 0 {
			s += "/f32"
		} else {
			s += "/f64"
		}
	}
	return s
}

// Kind is the kind of the values a chunk of mode m holds (apart from
// samples without a value).
func (m ValueMode) Kind() tags.Kind {
	switch m & ModeBase {
	case ModeBool:
		return tags.KindBool
	case ModeInt:
		return tags.KindInt
	case ModeUint:
		return tags.KindUint
	case ModeString:
		return tags.KindString
	case ModeScaled, ModeDecimal, ModeFloat, ModeXOR:
		return tags.KindFloat
	}
	return tags.KindNone
}

// predicts reports whether base mode m codes integers with a predictor.
func (m ValueMode) predicts() bool {
	switch m & ModeBase {
	case ModeInt, ModeUint, ModeScaled, ModeDecimal, ModeFloat:
		return true
	}
	return false
}

func (m ValueMode) isFloat() bool { return m.Kind() == tags.KindFloat }

// valid reports whether m is a mode a chunk can have.
func (m ValueMode) valid() bool {
	b := m & ModeBase
	switch {
	case b >= numModes || m&^(ModeBase|modeFlags) != 0:
		return false
	case m&ModePredictor != 0 && !b.predicts():
		return false
	case m&ModeSingle != 0 && !b.isFloat():
		return false
	case m&ModeSingle != 0 && b == ModeScaled: // scaled values are float64
		return false
	}
	return true
}

// ChunkHeader is what a chunk says about itself before its payload.
type ChunkHeader struct {
	Count         int   // samples
	FirstT, LastT int64 // Unix ms of the first and last sample
	Mode          ValueMode
}

// ReadChunkHeader reads the header of chunk b without decoding its
// samples and without checking its CRC (VerifyChunk and DecodeChunk do).
func ReadChunkHeader(b []byte) (ChunkHeader, error) {
	h, _, err := parseHeader(b)
	if err != nil {
		return ChunkHeader{}, err
	}
	return h.ChunkHeader, nil
}

// VerifyChunk checks chunk b's CRC and structure: it decodes every sample
// without keeping them. It returns nil or an error wrapping
// ErrCorruptChunk.
func VerifyChunk(b []byte) error {
	_, err := decodeChunk(b, nil, false)
	return err
}

// EncodeSamples encodes samples into chunks of about TargetChunkSize bytes
// each, cutting also where Append refuses a sample (time going backwards,
// a change of value kind). It is for tests, benchmarks and backfills; the
// storage engine appends to a ChunkAppender as samples arrive.
func EncodeSamples(h ValueHint, samples []Sample) ([][]byte, error) {
	var out [][]byte
	a := NewChunkAppender(h)
	for i, s := range samples {
		if !a.Append(s) {
			if a.Count() == 0 {
				return out, fmt.Errorf("historian: sample %d (%v) cannot start a chunk", i, s.V.Kind())
			}
			out = append(out, a.Finish())
			a.Reset(h)
			if !a.Append(s) {
				return out, fmt.Errorf("historian: sample %d (%v) cannot start a chunk", i, s.V.Kind())
			}
		}
		if a.Size() >= TargetChunkSize {
			out = append(out, a.Finish())
			a.Reset(h)
		}
	}
	if a.Count() > 0 {
		out = append(out, a.Finish())
	}
	return out, nil
}

// corrupt returns ErrCorruptChunk wrapped with a description.
func corruptf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrCorruptChunk, fmt.Sprintf(format, args...))
}

// chunkHead is a parsed chunk header with the mode's parameters.
type chunkHead struct {
	ChunkHeader
	tables bool       // quality runs and exceptions follow the header
	tunit  uint64     // the timestamp unit: every delta is a multiple of it (0: all deltas are 0)
	e      int        // ModeDecimal: values are n/10^e
	scale  tags.Scale // ModeScaled
}

// parseHeader parses the fixed part of chunk b: everything before the
// quality runs. It returns the header and the offset where it ends.
func parseHeader(b []byte) (chunkHead, int, error) {
	var h chunkHead
	if len(b) < 2+chunkTrailer {
		return h, 0, corruptf("%d bytes", len(b))
	}
	if b[0] != ChunkVersion {
		return h, 0, corruptf("version %d", b[0])
	}
	h.Mode = ValueMode(b[1] &^ chunkTables)
	h.tables = b[1]&chunkTables != 0
	if !h.Mode.valid() {
		return h, 0, corruptf("value mode %#x", b[1])
	}
	body := b[:len(b)-chunkTrailer]
	off := 2
	count, ok := uvarintAt(body, &off)
	// Every sample after the first costs at least one bit of the time
	// stream, which bounds the count by the chunk's size.
	if !ok || count > MaxChunkSamples || count > 1+8*uint64(len(body)) {
		return h, 0, corruptf("sample count")
	}
	h.Count = int(count)
	first, ok := varintAt(body, &off)
	if !ok {
		return h, 0, corruptf("first timestamp")
	}
	span, ok := uvarintAt(body, &off)
	if !ok || span > uint64(math.MaxInt64)-uint64(first) { // the sum must not pass MaxInt64
		return h, 0, corruptf("time span")
	}
	h.FirstT, h.LastT = first, int64(uint64(first)+span)
	if h.tunit, ok = uvarintAt(body, &off); !ok || (h.tunit == 0) != (span == 0) || (h.tunit != 0 && span%h.tunit != 0) {
		return h, 0, corruptf("time unit")
	}
	if h.Count <= 1 && span != 0 {
		return h, 0, corruptf("time span of %d samples", h.Count)
	}
	switch h.Mode & ModeBase {
	case ModeDecimal:
		if off >= len(body) || body[off] > maxDecimalExp {
			return h, 0, corruptf("decimal exponent")
		}
		h.e = int(body[off])
		off++
	case ModeScaled:
		for _, p := range []*float64{&h.scale.Raw[0], &h.scale.Raw[1], &h.scale.Eng[0], &h.scale.Eng[1]} {
			if *p, ok = scaleNumberAt(body, &off); !ok {
				return h, 0, corruptf("scale")
			}
		}
	}
	return h, off, nil
}

// checkCRC checks the CRC-32C at the end of b.
func checkCRC(b []byte) error {
	n := len(b) - chunkTrailer
	if n < 0 {
		return corruptf("%d bytes", len(b))
	}
	if got, want := crc32.Checksum(b[:n], castagnoli), binary.LittleEndian.Uint32(b[n:]); got != want {
		return corruptf("CRC %08x, want %08x", got, want)
	}
	return nil
}

func uvarintAt(b []byte, off *int) (uint64, bool) {
	v, n := binary.Uvarint(b[*off:])
	if n <= 0 {
		return 0, false
	}
	*off += n
	return v, true
}

func varintAt(b []byte, off *int) (int64, bool) {
	v, n := binary.Varint(b[*off:])
	if n <= 0 {
		return 0, false
	}
	*off += n
	return v, true
}

func uvarintLen(v uint64) int { return (bits.Len64(v|1) + 6) / 7 }

func zigzag(v int64) uint64   { return uint64(v<<1) ^ uint64(v>>63) }
func unzigzag(z uint64) int64 { return int64(z>>1) ^ -int64(z&1) }

// Scale numbers in the header of a scaled chunk: n/10^e when the number is
// a short decimal (0, 4095, 2.5 take one to three bytes), else 8 bytes.
const scaleRawNumber = 15

func appendScaleNumber(b []byte, f float64) []byte {
	for e := 0; e < scaleRawNumber; e++ {
		if n, ok := decimalOf(f, e, false); ok {
			return binary.AppendUvarint(b, zigzag(n)<<4|uint64(e))
		}
	}
	b = append(b, scaleRawNumber)
	return binary.LittleEndian.AppendUint64(b, math.Float64bits(f))
}

func scaleNumberAt(b []byte, off *int) (float64, bool) {
	v, ok := uvarintAt(b, off)
	if !ok {
		return 0, false
	}
	e := int(v & 15)
	if e == scaleRawNumber {
		if v != scaleRawNumber || len(b)-*off < 8 {
			return 0, false
		}
		f := math.Float64frombits(binary.LittleEndian.Uint64(b[*off:]))
		*off += 8
		return f, true
	}
	return float64(unzigzag(v>>4)) / pow10[e], true
}

// maxDecimalExp is the largest exponent of ModeDecimal: with 15 decimal
// places any float64 below 9 that has a short decimal form is exact.
const maxDecimalExp = 15

var pow10 = [...]float64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15}

// maxExact is the bound below which every integer is a float64.
const maxExact = 1 << 53

// decimalOf returns n with f == n/10^e exactly: as float64, or, when
// single, after rounding to float32. -0, NaN and ±Inf have no n.
func decimalOf(f float64, e int, single bool) (int64, bool) {
	x := math.Round(f * pow10[e])
	if !(x > -maxExact && x < maxExact) { // also false for NaN
		return 0, false
	}
	n := int64(x)
	if decimalValue(n, e, single) != math.Float64bits(f) {
		return 0, false
	}
	return n, true
}

// decimalValue is the float64 bits of n/10^e, rounded through float32 when
// single: the value the decoder produces for n.
func decimalValue(n int64, e int, single bool) uint64 {
	f := float64(n) / pow10[e]
	if single {
		f = float64(float32(f))
	}
	return math.Float64bits(f)
}

// isSingle reports whether float value v was made by tags.Float32.
func isSingle(v tags.Value) bool { return v != tags.Float(v.Float()) }

// Quality codes are stored level first, so that "good" is one byte.
func packQuality(q tags.Quality) uint64 {
	c := QualityCode(q)
	return uint64(c>>24) | uint64(c>>16&0xFF)<<8 | uint64(c&0xFFFF)<<16
}

func unpackQuality(p uint64) (tags.Quality, bool) {
	if p>>32 != 0 {
		return tags.Quality{}, false
	}
	return QualityFromCode(uint32(p&0xFF)<<24 | uint32(p>>8&0xFF)<<16 | uint32(p>>16)), true
}
