package modbus

import (
	"errors"
	"fmt"
	"math"
	"net"
	"strconv"
	"strings"

	"github.com/sightglass/sightglass/drivers"
	"github.com/sightglass/sightglass/tags"
)

// Area is one of the four Modbus data tables.
type Area uint8

// The Modbus data tables (Modbus spec §4.3).
const (
	Coils            Area = iota // co: read/write bits, FC 1 / 5 / 15
	DiscreteInputs               // di: read-only bits, FC 2
	InputRegisters               // ir: read-only 16-bit registers, FC 4
	HoldingRegisters             // hr: read/write 16-bit registers, FC 3 / 6 / 16
)

var areaPrefix = [...]string{"co", "di", "ir", "hr"}

func (a Area) String() string {
	if int(a) < len(areaPrefix) {
		return areaPrefix[a]
	}
	return "Area(" + strconv.Itoa(int(a)) + ")"
}

// IsBits reports whether the area holds bits rather than registers.
func (a Area) IsBits() bool { return a == Coils || a == DiscreteInputs }

// Writable reports whether the area can be written.
func (a Area) Writable() bool { return a == Coils || a == HoldingRegisters }

// Address is where a tag lives on a device: "hr:10" or, for bit 3 of
// that register, "hr:10.3". Offsets are 0-based protocol addresses.
type Address struct {
	Area   Area
	Offset uint16
	Bit    int // 0..15 for a bit in a register; -1 otherwise
}

func (a Address) String() string {
	s := a.Area.String() + ":" + strconv.Itoa(int(a.Offset))
	if a.Bit >= 0 {
		s += "." + strconv.Itoa(a.Bit)
	}
	return s
}

// ParseAddress parses "co:N", "di:N", "ir:N", "hr:N", "ir:N.B" or "hr:N.B".
func ParseAddress(s string) (Address, error) {
	prefix, rest, ok := strings.Cut(s, ":")
	if !ok {
		return Address{}, fmt.Errorf("address %q: want area:offset, as hr:0 (areas co di ir hr)", s)
	}
	a := Address{Bit: -1}
	found := false
	for i, p := range areaPrefix {
		if p == prefix {
			a.Area, found = Area(i), true
		}
	}
	if !found {
		return Address{}, fmt.Errorf("address %q: unknown area %q (want co, di, ir or hr)", s, prefix)
	}
	off, bit, hasBit := strings.Cut(rest, ".")
	n, err := strconv.ParseUint(off, 10, 32)
	if err != nil {
		return Address{}, fmt.Errorf("address %q: offset %q is not a number", s, off)
	}
	if n > 65535 {
		return Address{}, fmt.Errorf("address %q: offset %d out of range 0..65535", s, n)
	}
	a.Offset = uint16(n)
	if hasBit {
		if a.Area.IsBits() {
			return Address{}, fmt.Errorf("address %q: a bit index applies only to registers (ir, hr)", s)
		}
		b, err := strconv.Atoi(bit)
		if err != nil || b < 0 || b > 15 {
			return Address{}, fmt.Errorf("address %q: bit %q out of range 0..15", s, bit)
		}
		a.Bit = b
	}
	return a, nil
}

// Orders are the word and byte orders of multi-register values: the letters
// name the bytes of a 32-bit value from most significant (A) to least (D),
// in the order they arrive on the wire. For 64-bit values the same rule
// applies to four words: ABCD is big-endian, DCBA little-endian, CDAB swaps
// words, BADC swaps the bytes in each word.
var Orders = []string{"ABCD", "CDAB", "BADC", "DCBA"}

// Registers is how many registers (or bits, in co/di) a tag occupies.
func Registers(def *tags.Def) int {
	switch {
	case def.Type == tags.TypeString:
		return (def.StrLen + 1) / 2
	case def.Type == tags.TypeBool:
		return 1
	}
	return def.Type.Bits() / 16
}

// CheckTag reports everything wrong with a Modbus tag's address, type,
// order, scale and writability, one error each.
func CheckTag(def *tags.Def) []error {
	a, err := ParseAddress(def.Address)
	if err != nil {
		return []error{err}
	}
	var errs []error
	switch {
	case def.Type == tags.TypeInvalid:
		// reported by the project when it parsed the type
	case a.Area.IsBits() && def.Type != tags.TypeBool:
		errs = append(errs, fmt.Errorf("address %s holds bits: type must be bool, not %s", a, def.Type))
	case a.Bit >= 0 && def.Type != tags.TypeBool:
		errs = append(errs, fmt.Errorf("address %s is one bit of a register: type must be bool, not %s", a, def.Type))
	case !a.Area.IsBits() && a.Bit < 0 && def.Type == tags.TypeBool:
		errs = append(errs, fmt.Errorf("type bool on register %s needs a bit: write %s.0 .. %s.15", a, a, a))
	case def.Type == tags.TypeString && def.StrLen <= 0:
		errs = append(errs, errors.New("string length missing: write string:N"))
	case def.Type == tags.TypeString && def.StrLen > maxStrLen:
		errs = append(errs, fmt.Errorf("string:%d is longer than one read can carry: at most string:%d (Modbus spec §6.3: 125 registers)", def.StrLen, maxStrLen))
	case def.Type == tags.TypeString && def.Writable && def.StrLen > maxWriteStrLen:
		errs = append(errs, fmt.Errorf("writable string:%d is longer than one write can carry: at most string:%d (Modbus spec §6.12: 123 registers)", def.StrLen, maxWriteStrLen))
	default:
		if end := int(a.Offset) + Registers(def) - 1; end > 65535 {
			errs = append(errs, fmt.Errorf("address %s: a %s needs %d registers, past the last register 65535", a, typeName(def), Registers(def)))
		}
	}
	if def.Order != "" {
		known := false
		for _, o := range Orders {
			known = known || o == def.Order
		}
		switch {
		case !known:
			errs = append(errs, fmt.Errorf("order %q: want one of %s", def.Order, strings.Join(Orders, " ")))
		case def.Type == tags.TypeBool:
			errs = append(errs, fmt.Errorf("order %s does not apply to a bool", def.Order))
		}
	}
	if def.Scale != nil {
		s := def.Scale
		switch {
		case def.Type == tags.TypeBool || def.Type == tags.TypeString:
			errs = append(errs, fmt.Errorf("scale does not apply to a %s", def.Type))
		case !finite(s.Raw[0], s.Raw[1], s.Eng[0], s.Eng[1]):
			errs = append(errs, fmt.Errorf("scale raw [%g, %g] eng [%g, %g]: want finite numbers", s.Raw[0], s.Raw[1], s.Eng[0], s.Eng[1]))
		case s.Raw[0] == s.Raw[1]:
			errs = append(errs, fmt.Errorf("scale raw range [%g, %g] is empty", s.Raw[0], s.Raw[1]))
		case s.Eng[0] == s.Eng[1]:
			errs = append(errs, fmt.Errorf("scale eng range [%g, %g] is empty", s.Eng[0], s.Eng[1]))
		}
	}
	if def.Writable && !a.Area.Writable() {
		errs = append(errs, fmt.Errorf("address %s is read-only (%s): the tag cannot be writable", a, areaName(a.Area)))
	}
	return errs
}

func finite(fs ...float64) bool {
	for _, f := range fs {
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return false
		}
	}
	return true
}

func typeName(def *tags.Def) string {
	if def.Type == tags.TypeString {
		return "string:" + strconv.Itoa(def.StrLen)
	}
	return def.Type.String()
}

func areaName(a Area) string {
	return [...]string{"coils", "discrete inputs", "input registers", "holding registers"}[a]
}

// CheckDevice reports everything wrong with a Modbus device's settings.
func CheckDevice(dev *drivers.DeviceConfig) []error {
	var errs []error
	switch dev.Driver {
	case DriverTCP:
		if dev.Address == "" {
			errs = append(errs, errors.New("address missing: want host:port"))
		} else if _, port, err := net.SplitHostPort(dev.Address); err != nil || port == "" {
			errs = append(errs, fmt.Errorf("address %q: want host:port", dev.Address))
		}
		if dev.Unit < 0 || dev.Unit > 255 {
			errs = append(errs, fmt.Errorf("unit %d out of range 0..255", dev.Unit))
		}
	case DriverRTU:
		if dev.Address == "" {
			errs = append(errs, errors.New("address missing: want a serial device, as /dev/ttyUSB0"))
		}
		// Modbus over serial line spec §2.2: unit addresses 1..247.
		if dev.Unit < 1 || dev.Unit > 247 {
			errs = append(errs, fmt.Errorf("unit %d out of range 1..247 for a serial line", dev.Unit))
		}
		s := dev.Serial
		if s.Parity != "N" && s.Parity != "E" && s.Parity != "O" {
			errs = append(errs, fmt.Errorf("parity %q: want N, E or O", s.Parity))
		}
		if s.DataBits != 8 {
			// Modbus over serial line spec §2.5.1: RTU characters have 8 data bits.
			errs = append(errs, fmt.Errorf("data bits %d: RTU needs 8", s.DataBits))
		}
		if s.StopBits != 1 && s.StopBits != 2 {
			errs = append(errs, fmt.Errorf("stop bits %d: want 1 or 2", s.StopBits))
		}
		if s.Baud <= 0 {
			errs = append(errs, fmt.Errorf("baud %d: want a positive rate, as 9600", s.Baud))
		}
	}
	if dev.MaxGap < 0 {
		errs = append(errs, fmt.Errorf("max_gap %d: cannot be negative", dev.MaxGap))
	}
	return errs
}

// Driver names this package registers.
const (
	DriverTCP = "modbus-tcp"
	DriverRTU = "modbus-rtu"
)
