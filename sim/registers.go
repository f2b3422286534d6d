package sim

import (
	"strconv"
	"strings"
)

// Area is one of the four Modbus data tables.
type Area uint8

// The Modbus data tables (Modbus application protocol spec §4.3).
const (
	Coils            Area = iota // co: read/write bits, FC 1 / 5 / 15
	DiscreteInputs               // di: read-only bits, FC 2
	InputRegisters               // ir: read-only 16-bit registers, FC 4
	HoldingRegisters             // hr: read/write 16-bit registers, FC 3 / 6 / 16
)

var areaPrefix = [...]string{"co", "di", "ir", "hr"}

// String is the area's prefix in a tag address: co, di, ir or hr.
func (a Area) String() string {
	if int(a) < len(areaPrefix) {
		return areaPrefix[a]
	}
	return "Area(" + strconv.Itoa(int(a)) + ")"
}

// Scale maps a raw register value linearly onto engineering units, as a
// project's scale: {raw: [lo, hi], eng: [lo, hi]} does.
type Scale struct {
	Raw [2]float64
	Eng [2]float64
}

// Register is one row of the register map. A register that packs bits has
// one row for the whole word and one for each bit (Bit ≥ 0).
type Register struct {
	Area        Area
	Offset      uint16 // 0-based protocol address of the first register or bit
	Bit         int    // 0..15 for one bit of the register at Offset; -1 otherwise
	Type        string // as a project writes it: bool, int16, uint16, uint32, uint64, float32, float64, string:N
	Order       string // ABCD, CDAB, BADC or DCBA for 32- and 64-bit values; "" otherwise
	Units       string
	Scale       *Scale // nil: the raw value is in Units already
	Writable    bool
	Tag         string // the tag the demo project gives it, a dotted asset path
	Description string
}

// Address is the register's address as a project writes it: "hr:0",
// "ir:16.3".
func (r Register) Address() string {
	s := r.Area.String() + ":" + strconv.Itoa(int(r.Offset))
	if r.Bit >= 0 {
		s += "." + strconv.Itoa(r.Bit)
	}
	return s
}

// Words is how many registers (or bits, in co/di) the row covers; 0 for
// one bit of a register.
func (r Register) Words() int {
	switch {
	case r.Bit >= 0:
		return 0
	case r.Type == "bool" || r.Type == "int16" || r.Type == "uint16":
		return 1
	case r.Type == "int32" || r.Type == "uint32" || r.Type == "float32":
		return 2
	case r.Type == "int64" || r.Type == "uint64" || r.Type == "float64":
		return 4
	case strings.HasPrefix(r.Type, "string:"):
		n, _ := strconv.Atoi(strings.TrimPrefix(r.Type, "string:"))
		return (n + 1) / 2
	}
	return 0
}

// Registers returns the register map, in area and address order. The
// slice is a copy.
func Registers() []Register {
	out := make([]Register, len(pointTable))
	for i := range pointTable {
		out[i] = pointTable[i].Register
		if out[i].Scale != nil {
			sc := *out[i].Scale
			out[i].Scale = &sc
		}
	}
	return out
}
