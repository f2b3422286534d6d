package modbus

import (
	"math"
	"time"

	"github.com/sightglass/sightglass/tags"
)

// op says how the read loop decodes a tag; opSlow sends it to codec.decode.
type op uint8

const (
	opSlow   op = iota
	opCoil      // a bit of a co/di response
	opRegBit    // a bit of a register
	opUint16
	opInt16
	opUint32
	opInt32
	opFloat32
	opUint64
	opInt64
	opFloat64
)

// hotSlot is what the read loop needs of a tag, packed into a few bytes so
// that a group of 125 tags stays in a few cache lines.
type hotSlot struct {
	at    uint16 // byte offset in the response; for opCoil, bit offset
	size  uint8  // bytes the tag needs from at
	op    op
	order order
	bit   uint8 // opRegBit: the bit in the register
}

func newHotSlot(s *slot) hotSlot {
	c := &s.c
	h := hotSlot{at: uint16(2 * s.off), size: uint8(2 * c.regs), order: c.order}
	switch {
	case c.addr.Area.IsBits():
		h.op, h.at, h.size = opCoil, uint16(s.off), 0
	case c.typ == tags.TypeBool:
		h.op, h.bit = opRegBit, uint8(c.addr.Bit)
	case c.scale != nil || c.typ == tags.TypeString:
		h.op = opSlow
	default:
		h.op = [...]op{
			tags.TypeUint16: opUint16, tags.TypeInt16: opInt16,
			tags.TypeUint32: opUint32, tags.TypeInt32: opInt32, tags.TypeFloat32: opFloat32,
			tags.TypeUint64: opUint64, tags.TypeInt64: opInt64, tags.TypeFloat64: opFloat64,
			tags.TypeString: opSlow,
		}[c.typ]
	}
	return h
}

// decodeRequest decodes the tags of request r from its response data into
// out, stamped now. It is the driver's inner loop: it neither allocates nor
// calls out for plain numbers and bits.
func decodeRequest(g *group, r *request, data []byte, out []tags.VQT, now time.Time) {
	hot, outs := g.hot[r.first:r.end], out[r.first:r.end]
	for i := range hot {
		h := &hot[i]
		o := &outs[i]
		b := int(h.at)
		var v tags.Value
		ok := b+int(h.size) <= len(data)
		if ok {
			switch h.op {
			case opCoil:
				ok = b>>3 < len(data)
				if ok {
					v = tags.Bool(data[b>>3]>>(b&7)&1 != 0)
				}
			case opRegBit:
				v = tags.Bool(raw16(data[b:], orderABCD)>>h.bit&1 != 0)
			case opUint16:
				v = tags.Uint(uint64(raw16(data[b:], h.order)))
			case opInt16:
				v = tags.Int(int64(int16(raw16(data[b:], h.order))))
			case opUint32:
				v = tags.Uint(uint64(raw32(data[b:], h.order)))
			case opInt32:
				v = tags.Int(int64(int32(raw32(data[b:], h.order))))
			case opFloat32:
				v = float32Value(math.Float32frombits(raw32(data[b:], h.order)))
			case opUint64:
				v = tags.Uint(wireToUint(data[b:], 4, h.order))
			case opInt64:
				v = tags.Int(int64(wireToUint(data[b:], 4, h.order)))
			case opFloat64:
				v = floatValue(math.Float64frombits(wireToUint(data[b:], 4, h.order)))
			default:
				ok = false
			}
		}
		if !ok {
			g.slots[r.first+i].decodeInto(o, r.area, data, now)
			continue
		}
		o.Value, o.Quality, o.Time = v, tags.GoodQuality, now
	}
}

// decodeInto decodes slot s from the data of its request into o: the
// general path, for what decodeRequest does not decode itself (strings,
// scaled values, short responses) and for the read-back of a write.
func (s *slot) decodeInto(o *tags.VQT, area Area, data []byte, now time.Time) {
	var v tags.Value
	var err error
	switch p := 2 * s.off; {
	case s.c.plain && p+2*s.c.regs <= len(data):
		v = s.c.number(wireToUint(data[p:], s.c.regs, s.c.order))
	case area.IsBits():
		v, err = s.c.decode(data, s.off)
	case p <= len(data):
		v, err = s.c.decode(data[p:], 0)
	default:
		err = errShort
	}
	if err != nil {
		o.Value, o.Quality = tags.Value{}, tags.BadQuality(tags.ReasonDecode, 0)
	} else {
		o.Value, o.Quality = v, tags.GoodQuality
	}
	o.Time = now
}

// raw16 reads one register in order o.
func raw16(b []byte, o order) uint16 {
	w := uint16(b[0])<<8 | uint16(b[1])
	if o&swapBytes != 0 {
		w = w>>8 | w<<8
	}
	return w
}

// raw32 reads two registers in order o.
func raw32(b []byte, o order) uint32 {
	u := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	if o&swapWords != 0 {
		u = u>>16 | u<<16
	}
	if o&swapBytes != 0 {
		u = u&0xFF00FF00>>8 | u&0x00FF00FF<<8
	}
	return u
}

// float32Value is tags.Float32 with one NaN for every NaN payload.
func float32Value(f float32) tags.Value {
	if f != f {
		return tags.Float(math.NaN())
	}
	return tags.Float32(f)
}

// floatValue is tags.Float with one NaN for every NaN payload.
func floatValue(f float64) tags.Value {
	if f != f {
		f = math.NaN()
	}
	return tags.Float(f)
}
