package historian

import (
	"encoding/binary"
	"errors"
	"hash/crc32"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/sightglass/sightglass/tags"
)

// ckSeedChunks are chunks of every sort of tag and every mode, for the
// corruption tests and as fuzz seeds.
func ckSeedChunks(t testing.TB) [][]byte {
	rng := rand.New(rand.NewPCG(3, 3))
	var out [][]byte
	for _, g := range ckGenerators {
		h, ss := g.gen(rng, 40)
		chunks, err := EncodeSamples(h, ss)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, chunks...)
	}
	for _, mode := range ckAllModes() {
		b, _ := ckForced(t, rng, mode, 30)
		out = append(out, b)
	}
	return out
}

func ckWithCRC(b []byte) []byte {
	if len(b) < chunkTrailer {
		return b
	}
	n := len(b) - chunkTrailer
	out := append([]byte(nil), b[:n]...)
	return binary.LittleEndian.AppendUint32(out, crc32.Checksum(out, castagnoli))
}

// TestChunkCorrupt damages chunks every way a byte can be damaged and
// expects ErrCorruptChunk, never a panic.
func TestChunkCorrupt(t *testing.T) {
	for ci, c := range ckSeedChunks(t) {
		for n := range len(c) {
			if _, err := DecodeChunk(c[:n], nil); err == nil {
				t.Errorf("chunk %d truncated to %d bytes: no error", ci, n)
			}
			if _, err := ReadChunkHeader(c[:n]); err == nil && n < 8 {
				t.Errorf("chunk %d truncated to %d bytes: header read", ci, n)
			}
		}
		b := append([]byte(nil), c...)
		for i := range 8 * len(b) {
			b[i/8] ^= 1 << (i % 8)
			// A CRC-32 detects every single-bit error.
			if err := VerifyChunk(b); err == nil {
				t.Errorf("chunk %d, bit %d flipped: no error", ci, i)
			}
			// With the CRC made right, the structure checks must hold.
			if i < 8*(len(b)-chunkTrailer) {
				ckDecodeDamaged(t, ckWithCRC(b))
			}
			b[i/8] ^= 1 << (i % 8)
		}
	}
}

// ckDecodeDamaged decodes a chunk that may be damaged: it must return an
// error or samples within the bounds the format promises.
func ckDecodeDamaged(t testing.TB, b []byte) {
	got, err := DecodeChunk(b, nil)
	if err != nil {
		if len(got) != 0 {
			t.Fatalf("error %v with %d samples", err, len(got))
		}
		return
	}
	if len(got) > 1+8*len(b) || len(got) > MaxChunkSamples {
		t.Fatalf("%d samples from %d bytes", len(got), len(b))
	}
	h, err := ReadChunkHeader(b)
	if err != nil || h.Count != len(got) || (len(got) > 0 && (h.FirstT != got[0].T || h.LastT != got[len(got)-1].T)) {
		t.Fatalf("header %+v, %v for %d samples", h, err, len(got))
	}
	if err := VerifyChunk(b); err != nil {
		t.Fatalf("DecodeChunk ok, VerifyChunk %v", err)
	}
	for i := 1; i < len(got); i++ {
		if got[i].T < got[i-1].T {
			t.Fatalf("sample %d goes back in time", i)
		}
	}
	// What decodes must encode and decode again to the same samples.
	if len(got) > 0 {
		ckRoundTrip(t, ValueHint{}, got)
	}
}

// TestChunkDecodeBoundsAllocation checks that a chunk claiming many
// samples in few bytes is refused before dst grows.
func TestChunkDecodeBoundsAllocation(t *testing.T) {
	b := []byte{ChunkVersion, byte(ModeBool)}
	b = binary.AppendUvarint(b, MaxChunkSamples) // count
	b = binary.AppendVarint(b, ckT0)
	b = append(b, 0, 0, 0xff, 0xff) // span 0, unit 0, 16 bits of payload
	b = ckWithCRC(append(b, 0, 0, 0, 0))
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	_, err := DecodeChunk(b, nil)
	runtime.ReadMemStats(&ms1)
	if err == nil {
		t.Fatal("no error")
	}
	if alloc := ms1.TotalAlloc - ms0.TotalAlloc; alloc > 4096 {
		t.Errorf("allocated %d bytes for a %d-byte chunk", alloc, len(b))
	}
}

// TestChunkErrors checks the error of each kind of damage.
func TestChunkErrors(t *testing.T) {
	chunk := ckSeedChunks(t)[0]
	for _, tc := range []struct {
		name string
		b    []byte
	}{
		{"empty", nil},
		{"short", []byte{1, 2, 3}},
		{"bad CRC", append(append([]byte(nil), chunk[:len(chunk)-1]...), chunk[len(chunk)-1]^1)},
		{"version 2", ckWithCRC(append([]byte{2}, chunk[1:]...))},
		{"mode 15", ckWithCRC(append([]byte{1, 15}, chunk[2:]...))},
		{"bool with predictor", ckWithCRC(append([]byte{1, byte(ModeBool | ModeDoD)}, chunk[2:]...))},
		{"trailing byte", ckWithCRC(append(append([]byte(nil), chunk[:len(chunk)-4]...), 0, 0, 0, 0, 0))},
	} {
		_, err := DecodeChunk(tc.b, nil)
		if !errors.Is(err, ErrCorruptChunk) {
			t.Errorf("%s: DecodeChunk: %v", tc.name, err)
		}
		if err := VerifyChunk(tc.b); !errors.Is(err, ErrCorruptChunk) {
			t.Errorf("%s: VerifyChunk: %v", tc.name, err)
		}
	}
}

// FuzzDecodeChunk feeds damaged chunks to the decoder, as they are and
// with their CRC made right so that the structure checks are reached.
func FuzzDecodeChunk(f *testing.F) {
	for _, c := range ckSeedChunks(f) {
		f.Add(c)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if _, err := DecodeChunk(b, nil); err == nil {
			ckDecodeDamaged(t, b)
		}
		ReadChunkHeader(b)
		ckDecodeDamaged(t, ckWithCRC(b))
	})
}

// FuzzRoundTrip builds samples from the fuzzer's bytes, encodes and
// decodes them.
func FuzzRoundTrip(f *testing.F) {
	f.Add(uint8(0), []byte("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09"))
	f.Add(uint8(3), []byte("\xff\xfe\xfd\x80\x7f\x00\x00\x00\x00\x01\x02"))
	f.Add(uint8(6), []byte("\x41\x42\x43\x44\x45\x46\x47\x48\x49\x50\x51\x52\x53"))
	f.Fuzz(func(t *testing.T, hintBits uint8, data []byte) {
		h := ValueHint{Integer: hintBits&1 != 0, Single: hintBits&2 != 0}
		if hintBits&4 != 0 {
			h.Scale = ckTempScale
		}
		ckRoundTrip(t, h, ckSamplesFromBytes(data))
	})
}

// ckSamplesFromBytes turns bytes into samples: per sample one control byte
// (gap, kind, quality) and up to 8 bytes of value.
func ckSamplesFromBytes(data []byte) []Sample {
	var out []Sample
	tm := int64(ckT0)
	next := func(n int) uint64 {
		var u uint64
		for i := 0; i < n && len(data) > 0; i++ {
			u = u<<8 | uint64(data[0])
			data = data[1:]
		}
		return u
	}
	for len(data) > 0 && len(out) < 300 {
		c := next(1)
		switch c & 3 {
		case 0:
			tm += 1000
		case 1:
			tm += int64(next(2))
		case 2:
			tm = int64(next(8)) // may go back: a new chunk
		}
		q := ckGood
		if c&4 != 0 {
			q = QualityFromCode(uint32(next(4)))
		}
		var v tags.Value
		switch c >> 3 & 7 {
		case 0:
			v = tags.Value{}
		case 1:
			v = tags.Bool(next(1)&1 != 0)
		case 2:
			v = tags.Int(int64(next(8)))
		case 3:
			v = tags.Uint(next(8))
		case 4:
			v = tags.Float(math.Float64frombits(next(8)))
		case 5:
			v = tags.Float32(math.Float32frombits(uint32(next(4))))
		case 6:
			v = tags.Float(float64(int64(next(2))) / 10)
		case 7:
			n := int(next(1) % 8)
			s := make([]byte, 0, n)
			for range n {
				s = append(s, byte(next(1)))
			}
			v = tags.String(string(s))
		}
		out = append(out, Sample{T: tm, V: v, Q: q})
	}
	return out
}
