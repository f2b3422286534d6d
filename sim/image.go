package sim

// Image reads the plant's Modbus image directly, without a server: the
// same registers and bits a client would read now. Benchmarks and data
// generators use it to sample the plant many times faster than real time.
type Image struct {
	h *handler
}

// NewImage returns a reader of p's register image.
func NewImage(p *Plant) *Image {
	return &Image{h: &handler{p: p, ix: newRegIndex(pointTable)}}
}

// Registers reads n registers of area a (InputRegisters or
// HoldingRegisters) from addr, as FC 3/4 would; an address outside the map
// is an error, as exception 2 would be.
func (im *Image) Registers(a Area, addr, n uint16) ([]uint16, error) {
	im.h.p.mu.Lock()
	defer im.h.p.mu.Unlock()
	return im.h.readRegs(a, addr, n)
}

// Bits reads n bits of area a (Coils or DiscreteInputs) from addr.
func (im *Image) Bits(a Area, addr, n uint16) ([]bool, error) {
	im.h.p.mu.Lock()
	defer im.h.p.mu.Unlock()
	return im.h.readBits(a, addr, n)
}
