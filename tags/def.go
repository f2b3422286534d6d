package tags

import (
	"strconv"
	"strings"
	"time"
)

// DataType is the type of a tag's value as the device holds it.
type DataType uint8

// The data types a project can give a tag.
const (
	TypeInvalid DataType = iota
	TypeBool
	TypeInt16
	TypeUint16
	TypeInt32
	TypeUint32
	TypeInt64
	TypeUint64
	TypeFloat32
	TypeFloat64
	TypeString // with Def.StrLen bytes
)

var typeNames = [...]string{"invalid", "bool", "int16", "uint16", "int32", "uint32", "int64", "uint64", "float32", "float64", "string"}

func (t DataType) String() string {
	if int(t) < len(typeNames) {
		return typeNames[t]
	}
	return "DataType(" + strconv.Itoa(int(t)) + ")"
}

// ParseType parses a type name as a project writes it: "float32",
// "string:20". For strings it returns the length; n is 0 for "string"
// without one, which callers report as an error.
func ParseType(s string) (t DataType, n int, ok bool) {
	name, length, hasLen := strings.Cut(s, ":")
	for i, tn := range typeNames {
		if i > 0 && tn == name {
			t = DataType(i)
		}
	}
	switch {
	case t == TypeInvalid:
		return TypeInvalid, 0, false
	case t == TypeString && hasLen:
		n, err := strconv.Atoi(length)
		if err != nil || n <= 0 {
			return TypeString, 0, false
		}
		return TypeString, n, true
	case hasLen:
		return t, 0, false
	}
	return t, 0, true
}

// Bits is the width of the type on the wire; 0 for strings.
func (t DataType) Bits() int {
	switch t {
	case TypeBool:
		return 1
	case TypeInt16, TypeUint16:
		return 16
	case TypeInt32, TypeUint32, TypeFloat32:
		return 32
	case TypeInt64, TypeUint64, TypeFloat64:
		return 64
	}
	return 0
}

// Scale maps a raw device value linearly onto engineering units: Raw[0]
// becomes Eng[0] and Raw[1] becomes Eng[1].
type Scale struct {
	Raw [2]float64
	Eng [2]float64
}

// ToEng converts a raw value to engineering units.
func (s *Scale) ToEng(raw float64) float64 {
	return s.Eng[0] + (raw-s.Raw[0])*(s.Eng[1]-s.Eng[0])/(s.Raw[1]-s.Raw[0])
}

// ToRaw converts an engineering value back to the raw value to write.
func (s *Scale) ToRaw(eng float64) float64 {
	return s.Raw[0] + (eng-s.Eng[0])*(s.Raw[1]-s.Raw[0])/(s.Eng[1]-s.Eng[0])
}

// Def is a tag's definition, as the project declares it. Address and Order
// are the driver's to interpret (for Modbus "hr:0" and "ABCD").
type Def struct {
	ID          ID
	Name        string // dotted asset path: Area1.Tank1.Level
	Device      string // the device it is read from; "" for system tags
	Address     string
	Type        DataType
	StrLen      int    // for TypeString: length in bytes
	Order       string // word/byte order for 32- and 64-bit values; "" means ABCD
	Scale       *Scale // nil: no scaling
	Units       string
	Description string
	Writable    bool
	// Critical writes need the signed-in user's password and a reason,
	// recorded with the write (an electronic signature).
	Critical bool
	Poll     time.Duration // 0: the device's poll period
}

// Table is the station's set of tag definitions, indexed by ID and by name.
type Table struct {
	defs   []Def
	byName map[string]ID
}

// NewTable numbers defs by their position (overwriting their ID) and
// indexes them by name. Names must be unique; the project checks that.
func NewTable(defs []Def) *Table {
	t := &Table{defs: make([]Def, len(defs)), byName: make(map[string]ID, len(defs))}
	copy(t.defs, defs)
	for i := range t.defs {
		t.defs[i].ID = ID(i)
		t.byName[t.defs[i].Name] = ID(i)
	}
	return t
}

// Len is the number of tags.
func (t *Table) Len() int { return len(t.defs) }

// Def returns the definition of tag id. The pointer stays valid and must
// not be modified.
func (t *Table) Def(id ID) *Def { return &t.defs[id] }

// Lookup finds a tag by name.
func (t *Table) Lookup(name string) (ID, bool) {
	id, ok := t.byName[name]
	return id, ok
}

// Defs returns all definitions in ID order; the slice must not be modified.
func (t *Table) Defs() []Def { return t.defs }
