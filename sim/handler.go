package sim

import (
	"github.com/simonvetter/modbus"
)

// slot is where one address falls: the point that covers it and which of
// the point's registers it is.
type slot struct {
	pt   *point
	word int
}

// regIndex finds the point behind each served address, per area.
type regIndex [4]map[uint16]slot

func newRegIndex(table []point) *regIndex {
	var ix regIndex
	for a := range ix {
		ix[a] = make(map[uint16]slot)
	}
	for i := range table {
		pt := &table[i]
		for w := range pt.Words() {
			ix[pt.Area][pt.Offset+uint16(w)] = slot{pt: pt, word: w}
		}
	}
	return &ix
}

// handler answers Modbus requests from the plant's state, under the
// plant's lock so a request sees one instant of the process and the
// ticker never steps halfway through a write. It answers every unit id.
//
// The library maps the returned errors to exceptions by identity, so they
// are its sentinels, never wrapped: ErrIllegalDataAddress (exception 2) for
// an address outside the map, a write to a read-only register or a write
// covering part of a multi-register value; ErrIllegalDataValue (exception 3)
// for a value out of range.
type handler struct {
	p  *Plant
	ix *regIndex
}

var _ modbus.RequestHandler = (*handler)(nil)

// HandleCoils reads or writes coils (FC 1, 5, 15).
func (h *handler) HandleCoils(req *modbus.CoilsRequest) ([]bool, error) {
	h.p.mu.Lock()
	defer h.p.mu.Unlock()
	if !req.IsWrite {
		return h.readBits(Coils, req.Addr, req.Quantity)
	}
	w := pending{set: h.p.set}
	for i, v := range req.Args {
		s, ok := h.ix[Coils][req.Addr+uint16(i)]
		if !ok {
			return nil, modbus.ErrIllegalDataAddress
		}
		s.pt.putBit(&w, v)
	}
	return nil, h.commit(&w)
}

// HandleDiscreteInputs reads discrete inputs (FC 2).
func (h *handler) HandleDiscreteInputs(req *modbus.DiscreteInputsRequest) ([]bool, error) {
	h.p.mu.Lock()
	defer h.p.mu.Unlock()
	return h.readBits(DiscreteInputs, req.Addr, req.Quantity)
}

// HandleHoldingRegisters reads or writes holding registers (FC 3, 6, 16).
func (h *handler) HandleHoldingRegisters(req *modbus.HoldingRegistersRequest) ([]uint16, error) {
	h.p.mu.Lock()
	defer h.p.mu.Unlock()
	if !req.IsWrite {
		return h.readRegs(HoldingRegisters, req.Addr, req.Quantity)
	}
	return nil, h.writeRegs(req.Addr, req.Args)
}

// HandleInputRegisters reads input registers (FC 4).
func (h *handler) HandleInputRegisters(req *modbus.InputRegistersRequest) ([]uint16, error) {
	h.p.mu.Lock()
	defer h.p.mu.Unlock()
	return h.readRegs(InputRegisters, req.Addr, req.Quantity)
}

func (h *handler) readBits(a Area, addr, n uint16) ([]bool, error) {
	out := make([]bool, n)
	for i := range out {
		s, ok := h.ix[a][addr+uint16(i)]
		if !ok {
			return nil, modbus.ErrIllegalDataAddress
		}
		out[i] = s.pt.bit(h.p)
	}
	return out, nil
}

func (h *handler) readRegs(a Area, addr, n uint16) ([]uint16, error) {
	out := make([]uint16, n)
	var words []uint16
	var last *point
	for i := range out {
		s, ok := h.ix[a][addr+uint16(i)]
		if !ok {
			return nil, modbus.ErrIllegalDataAddress
		}
		if s.pt != last {
			words, last = h.encode(s.pt), s.pt
		}
		out[i] = words[s.word]
	}
	return out, nil
}

// encode returns the registers of pt now. Called with p.mu held.
func (h *handler) encode(pt *point) []uint16 {
	if n := stringLen(pt.Type); n > 0 {
		return encodeString(pt.text, n)
	}
	return encodeNum(pt.Type, pt.Order, pt.num(h.p))
}

// writeRegs writes holding registers from addr: every value it touches
// must be writable and written whole; then all of them apply, or none.
func (h *handler) writeRegs(addr uint16, args []uint16) error {
	w := pending{set: h.p.set}
	for i := 0; i < len(args); {
		s, ok := h.ix[HoldingRegisters][addr+uint16(i)]
		if !ok || !s.pt.Writable || s.word != 0 || i+s.pt.Words() > len(args) {
			return modbus.ErrIllegalDataAddress
		}
		n := s.pt.Words()
		raw := decodeNum(s.pt.Type, s.pt.Order, args[i:i+n])
		if s.pt.check != nil && !s.pt.check(raw) {
			return modbus.ErrIllegalDataValue
		}
		s.pt.putNum(&w, raw)
		i += n
	}
	return h.commit(&w)
}

// commit applies a checked write: the settings, then the commands.
func (h *handler) commit(w *pending) error {
	if err := h.p.apply(w.set); err != nil {
		return modbus.ErrIllegalDataValue
	}
	for _, cmd := range w.cmds {
		cmd(h.p)
	}
	return nil
}
