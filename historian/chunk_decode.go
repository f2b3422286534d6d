package historian

import (
	"encoding/binary"
	"math"
	"math/bits"
	"slices"

	"github.com/sightglass/sightglass/tags"
)

// DecodeChunk appends the samples of chunk b to dst. A damaged chunk (a
// bad CRC, truncated, impossible fields) returns dst unchanged and an
// error wrapping ErrCorruptChunk; it never panics, and it allocates no
// more than the chunk's size bounds (its sample count is checked against
// its bits before dst grows).
func DecodeChunk(b []byte, dst []Sample) ([]Sample, error) {
	return decodeChunk(b, dst, true)
}

// decodeChunk decodes b, appending its samples to dst when keep.
func decodeChunk(b []byte, dst []Sample, keep bool) ([]Sample, error) {
	if err := checkCRC(b); err != nil {
		return dst, err
	}
	h, off, err := parseHeader(b)
	if err != nil {
		return dst, err
	}
	body := b[:len(b)-chunkTrailer]
	d := chunkDecoder{h: h, body: body}
	if h.tables {
		if off, err = d.scanRuns(off); err != nil {
			return dst, err
		}
		if off, err = d.scanExceptions(off); err != nil {
			return dst, err
		}
	} else if h.Mode == ModeNone && h.Count > 0 {
		return dst, corruptf("%d samples without values or exceptions", h.Count)
	}
	d.r = newBitReader(body[off:])

	start := len(dst)
	var out []Sample
	if keep {
		dst = slices.Grow(dst, h.Count)
		out = dst[start : start+h.Count]
	}
	if err := d.decodeTimes(out); err != nil {
		return dst[:start], err
	}
	if err := d.decodeValues(out); err != nil {
		return dst[:start], err
	}
	if d.r.err {
		return dst[:start], corruptf("payload truncated")
	}
	if !d.r.restIsPadding() {
		return dst[:start], corruptf("%d bits after the values", d.r.bitsLeft())
	}
	return dst[:start+len(out)], nil
}

// chunkDecoder holds a chunk being decoded.
type chunkDecoder struct {
	h    chunkHead
	body []byte
	runs int // offset of the quality runs in body
	exc  int // offset of the exceptions in body
	nexc int
	r    bitReader
}

// scanRuns checks the quality runs at off and returns where they end.
func (d *chunkDecoder) scanRuns(off int) (int, error) {
	d.runs = off
	n, ok := uvarintAt(d.body, &off)
	if !ok || n > uint64(d.h.Count) || (n == 0) != (d.h.Count == 0) {
		return 0, corruptf("quality run count")
	}
	left := uint64(d.h.Count)
	for i := uint64(0); i < n; i++ {
		if i < n-1 {
			l, ok := uvarintAt(d.body, &off)
			if !ok || l == 0 || l >= left {
				return 0, corruptf("quality run %d length", i)
			}
			left -= l
		}
		p, ok := uvarintAt(d.body, &off)
		if !ok {
			return 0, corruptf("quality run %d", i)
		}
		if _, ok := unpackQuality(p); !ok {
			return 0, corruptf("quality run %d code %#x", i, p)
		}
	}
	return off, nil
}

// scanExceptions checks the exceptions at off and returns where they end.
func (d *chunkDecoder) scanExceptions(off int) (int, error) {
	n, ok := uvarintAt(d.body, &off)
	if !ok || n > uint64(d.h.Count) {
		return 0, corruptf("exception count")
	}
	if d.h.Mode == ModeNone && n != uint64(d.h.Count) {
		return 0, corruptf("%d exceptions in a chunk of %d samples without values", n, d.h.Count)
	}
	d.exc, d.nexc = off, int(n)
	next := uint64(0)
	for i := uint64(0); i < n; i++ {
		v, ok := uvarintAt(d.body, &off)
		if !ok {
			return 0, corruptf("exception %d", i)
		}
		next += v >> 2
		if v>>2 >= uint64(d.h.Count) || next >= uint64(d.h.Count) {
			return 0, corruptf("exception %d position", i)
		}
		next++
		typ, size := v&3, 0
		switch typ {
		case excFloat64:
			size = 8
		case excFloat32:
			size = 4
		}
		valid := typ == excNone ||
			(typ == excZero && d.h.Mode&ModeBase == ModeFloat) ||
			(size > 0 && d.h.Mode.isFloat())
		if !valid || len(d.body)-off < size {
			return 0, corruptf("exception %d of type %d", i, typ)
		}
		off += size
	}
	return off, nil
}

// decodeTimes reads the time stream, setting T and Q of out (when not nil).
func (d *chunkDecoder) decodeTimes(out []Sample) error {
	h := &d.h
	if h.Count == 0 {
		return nil
	}
	roff := d.runs
	var nruns uint64
	if h.tables {
		nruns, _ = uvarintAt(d.body, &roff)
	}
	runLeft := uint64(0) // samples left in the current run
	var q tags.Quality
	nextRun := func() {
		if !h.tables {
			runLeft, q = math.MaxUint64, tags.GoodQuality
			return
		}
		nruns--
		runLeft = math.MaxUint64
		if nruns > 0 {
			runLeft, _ = uvarintAt(d.body, &roff)
		}
		p, _ := uvarintAt(d.body, &roff)
		q, _ = unpackQuality(p)
	}

	t := h.FirstT
	var dq uint64 // the last delta, in the time unit
	tr := timeReader{r: &d.r}
	for i := range h.Count {
		if i > 0 {
			dq += uint64(unzigzag(tr.next()))
			hi, dt := bits.Mul64(dq, h.tunit)
			if d.r.err {
				return corruptf("time stream truncated at sample %d", i)
			}
			if hi != 0 || dt > uint64(math.MaxInt64)-uint64(t) {
				return corruptf("timestamp of sample %d out of range", i)
			}
			t = int64(uint64(t) + dt)
		}
		if runLeft == 0 {
			nextRun()
		}
		runLeft--
		if out != nil {
			out[i].T, out[i].Q = t, q
		}
	}
	if t != h.LastT {
		return corruptf("last timestamp %d, header says %d", t, h.LastT)
	}
	return nil
}

// decodeValues reads the exceptions and the value stream, setting V of
// out (when not nil).
func (d *chunkDecoder) decodeValues(out []Sample) error {
	h := &d.h
	mode := h.Mode
	base := mode & ModeBase
	single := mode&ModeSingle != 0
	width := uint(64)
	if single {
		width = 32
	}
	var (
		ip      intPredictor
		xs      = xorState{width: width}
		prevStr = tags.String("")
	)
	ip.reset(mode & ModePredictor)

	eoff := d.exc
	excLeft := d.nexc
	nextExc := -1 // position of the next exception
	var excType uint64
	readExc := func(base int) {
		if excLeft == 0 {
			nextExc = -1
			return
		}
		excLeft--
		v, _ := uvarintAt(d.body, &eoff)
		nextExc, excType = base+int(v>>2), v&3
	}
	readExc(0)

	for i := range h.Count {
		var v tags.Value
		if i == nextExc {
			switch excType {
			case excFloat64:
				v = tags.Float(math.Float64frombits(binary.LittleEndian.Uint64(d.body[eoff:])))
				eoff += 8
			case excFloat32:
				v = tags.Float32(math.Float32frombits(binary.LittleEndian.Uint32(d.body[eoff:])))
				eoff += 4
			case excZero:
				v = floatValue(0, single)
			}
			readExc(i + 1)
		} else {
			switch base {
			case ModeNone:
				return corruptf("sample %d has no value", i) // scanExceptions rules this out
			case ModeBool:
				v = tags.Bool(d.r.readBit())
			case ModeInt:
				v = tags.Int(ip.read(&d.r))
			case ModeUint:
				v = tags.Uint(uint64(ip.read(&d.r)))
			case ModeString:
				if d.r.readBit() {
					n := readGamma(&d.r) - 1
					if n > uint64(d.r.bitsLeft()/8) {
						return corruptf("string of %d bytes at sample %d", n, i)
					}
					s := make([]byte, n)
					for j := range s {
						s[j] = byte(d.r.readBits(8))
					}
					prevStr = tags.String(string(s))
				}
				v = prevStr
			case ModeScaled:
				v = tags.Float(h.scale.ToEng(float64(ip.read(&d.r))))
			case ModeDecimal:
				if f := float64(ip.read(&d.r)) / pow10[h.e]; single {
					v = tags.Float32(float32(f))
				} else {
					v = tags.Float(f)
				}
			case ModeFloat:
				x := ip.read(&d.r)
				if uint64(x)>>(width-1)>>1 != 0 {
					return corruptf("float value at sample %d", i)
				}
				v = floatValue(unorderFloat(uint64(x), width), single)
			case ModeXOR:
				u, ok := xs.read(&d.r)
				if !ok {
					return corruptf("xor control bits at sample %d", i)
				}
				v = floatValue(u, single)
			}
			if d.r.err {
				return corruptf("value stream truncated at sample %d", i)
			}
		}
		if out != nil {
			out[i].V = v
		}
	}
	return nil
}

// floatValue makes a float value from its bits: a float32 pattern when
// single, else a float64 one.
func floatValue(u uint64, single bool) tags.Value {
	if single {
		return tags.Float32(math.Float32frombits(uint32(u)))
	}
	return tags.Float(math.Float64frombits(u))
}
