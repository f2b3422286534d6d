package gateway

import (
	"sync"

	smb "github.com/simonvetter/modbus"

	"github.com/sightglass/sightglass/drivers/modbus"
	"github.com/sightglass/sightglass/tags"
)

// The Modbus gateway answers from a register image, as a PLC does: a bus
// subscriber encodes each changed tag into its registers once, and a
// request only copies registers under a read lock. No request encodes or
// allocates per tag.

// mbEntry is one mapped tag.
type mbEntry struct {
	reg  Register
	def  tags.Def // the wire layout, for the driver's codec
	id   tags.ID
	size int
	// exc is what a read of the entry answers instead of its registers:
	// nil when the value is served. Guarded by image.mu.
	exc error
}

// table is one of the four data tables.
type table struct {
	regs  []uint16 // ir, hr: the registers, by address
	bits  []bool   // co, di: the bits, by address
	owner []int32  // address → index in image.entries; -1 unmapped
}

// image is the Modbus server's data: what each address holds now.
type image struct {
	mu      sync.RWMutex // guards every table's regs and bits, and the entries' exc
	tables  [4]table     // by modbus.Area
	entries []mbEntry
	byTag   map[tags.ID][]int32
}

// newImage lays out the map over the tags of t; a tag the table does not
// have (the project checks the map) is left out. Every entry starts with
// exc set, until the first update.
func newImage(t *tags.Table, regs []Register) *image {
	im := &image{byTag: map[tags.ID][]int32{}}
	var end [4]int
	for _, r := range regs {
		id, ok := t.Lookup(r.Tag)
		if !ok {
			continue
		}
		e := mbEntry{reg: r, def: r.Def(), id: id, size: r.Size(), exc: smb.ErrGWTargetFailedToRespond}
		end[r.Area] = max(end[r.Area], int(r.Offset)+e.size)
		im.byTag[id] = append(im.byTag[id], int32(len(im.entries)))
		im.entries = append(im.entries, e)
	}
	for a := range im.tables {
		tb := &im.tables[a]
		tb.owner = make([]int32, end[a])
		for i := range tb.owner {
			tb.owner[i] = -1
		}
		if modbus.Area(a).IsBits() {
			tb.bits = make([]bool, end[a])
		} else {
			tb.regs = make([]uint16, end[a])
		}
	}
	for i, e := range im.entries {
		tb := &im.tables[e.reg.Area]
		for k := range e.size {
			tb.owner[int(e.reg.Offset)+k] = int32(i) // the project refuses overlaps; the last one wins here
		}
	}
	return im
}

// exceptionFor is what a read of a tag of quality q answers: nothing for
// good and uncertain values (they are served), 0x0B (gateway target
// device failed to respond) when the tag's device does not answer or has
// not yet, 4 (server device failure) for every other bad value.
func exceptionFor(q tags.Quality) error {
	switch {
	case q.Level != tags.Bad:
		return nil
	case q.Reason == tags.ReasonNoComm, q.Reason == tags.ReasonTimeout, q.Reason == tags.ReasonNotRead, q.Reason == tags.ReasonStopped:
		return smb.ErrGWTargetFailedToRespond
	}
	return smb.ErrServerDeviceFailure
}

// update encodes the VQT of tag id into its registers. A value its
// register type cannot hold (out of range, not a number) reads as
// exception 4.
func (im *image) update(id tags.ID, v tags.VQT) {
	for _, i := range im.byTag[id] {
		e := &im.entries[i]
		exc := exceptionFor(v.Quality)
		var b []byte
		if exc == nil {
			var err error
			if b, err = modbus.Encode(&e.def, v.Value); err != nil {
				exc = smb.ErrServerDeviceFailure
			}
		}
		tb := &im.tables[e.reg.Area]
		off := int(e.reg.Offset)
		im.mu.Lock()
		e.exc = exc
		switch {
		case exc != nil:
		case tb.bits != nil:
			tb.bits[off] = b[0] != 0
		default:
			for k := range e.size {
				tb.regs[off+k] = uint16(b[2*k])<<8 | uint16(b[2*k+1])
			}
		}
		im.mu.Unlock()
	}
}

// check reports whether qty addresses from addr of area are all mapped
// (exception 2 otherwise) and hold values (the first bad entry's
// exception otherwise). im.mu is held.
func (im *image) check(area modbus.Area, addr, qty uint16) error {
	tb := &im.tables[area]
	end := int(addr) + int(qty)
	if end > len(tb.owner) {
		return smb.ErrIllegalDataAddress
	}
	var exc error
	last := int32(-1)
	for _, o := range tb.owner[addr:end] {
		switch {
		case o < 0:
			return smb.ErrIllegalDataAddress
		case o != last:
			last = o
			if exc == nil {
				exc = im.entries[o].exc
			}
		}
	}
	return exc
}

// readRegs answers a read of registers (ir, hr).
func (im *image) readRegs(area modbus.Area, addr, qty uint16) ([]uint16, error) {
	im.mu.RLock()
	defer im.mu.RUnlock()
	if err := im.check(area, addr, qty); err != nil {
		return nil, err
	}
	out := make([]uint16, qty)
	copy(out, im.tables[area].regs[addr:])
	return out, nil
}

// readBits answers a read of bits (co, di).
func (im *image) readBits(area modbus.Area, addr, qty uint16) ([]bool, error) {
	im.mu.RLock()
	defer im.mu.RUnlock()
	if err := im.check(area, addr, qty); err != nil {
		return nil, err
	}
	out := make([]bool, qty)
	copy(out, im.tables[area].bits[addr:])
	return out, nil
}

// whole returns the entries that qty addresses from addr cover exactly,
// in address order; exception 2 when an address is unmapped or the range
// cuts a tag (a write must give every register of each tag it writes).
func (im *image) whole(area modbus.Area, addr, qty uint16) ([]*mbEntry, error) {
	tb := &im.tables[area]
	end := int(addr) + int(qty)
	if end > len(tb.owner) {
		return nil, smb.ErrIllegalDataAddress
	}
	var out []*mbEntry
	for pos := int(addr); pos < end; {
		o := tb.owner[pos]
		if o < 0 || int(im.entries[o].reg.Offset) != pos || pos+im.entries[o].size > end {
			return nil, smb.ErrIllegalDataAddress
		}
		out = append(out, &im.entries[o])
		pos += im.entries[o].size
	}
	return out, nil
}
