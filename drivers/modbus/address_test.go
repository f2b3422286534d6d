package modbus

import (
	"math"
	"strings"
	"testing"

	"github.com/sightglass/sightglass/drivers"
	"github.com/sightglass/sightglass/tags"
)

func TestParseAddress(t *testing.T) {
	good := map[string]Address{
		"co:0":        {Coils, 0, -1},
		"di:65535":    {DiscreteInputs, 65535, -1},
		"ir:7":        {InputRegisters, 7, -1},
		"hr:100.15":   {HoldingRegisters, 100, 15},
		"ir:3.0":      {InputRegisters, 3, 0},
		"hr:00012.03": {HoldingRegisters, 12, 3},
	}
	for s, want := range good {
		if a, err := ParseAddress(s); err != nil || a != want {
			t.Errorf("ParseAddress(%q) = %v, %v; want %v", s, a, err, want)
		}
	}
	for _, s := range []string{"", "hr", "hr:", "xx:1", "hr:-1", "hr:65536", "hr:1.16", "hr:1.", "co:1.2", "hr:1.-1", "hr:0x10"} {
		if a, err := ParseAddress(s); err == nil {
			t.Errorf("ParseAddress(%q) = %v, want an error", s, a)
		}
	}
}

func TestCheckTag(t *testing.T) {
	nan := math.NaN()
	cases := []struct {
		def  tags.Def
		want string // part of the error; "" for none
	}{
		{tags.Def{Address: "hr:0", Type: tags.TypeFloat32, Order: "CDAB", Writable: true}, ""},
		{tags.Def{Address: "hr:0", Type: tags.TypeString, StrLen: 250}, ""},
		{tags.Def{Address: "hr:0", Type: tags.TypeString, StrLen: 246, Writable: true}, ""},
		{tags.Def{Address: "hr:0", Type: tags.TypeString, StrLen: 251}, "longer than one read"},
		{tags.Def{Address: "hr:0", Type: tags.TypeString, StrLen: 247, Writable: true}, "longer than one write"},
		{tags.Def{Address: "di:0", Type: tags.TypeUint16}, "holds bits"},
		{tags.Def{Address: "hr:0.1", Type: tags.TypeInt16}, "one bit of a register"},
		{tags.Def{Address: "hr:0", Type: tags.TypeBool}, "needs a bit"},
		{tags.Def{Address: "hr:65534", Type: tags.TypeFloat64}, "past the last register"},
		{tags.Def{Address: "hr:0", Type: tags.TypeInt32, Order: "DCAB"}, "want one of"},
		{tags.Def{Address: "co:0", Type: tags.TypeBool, Order: "ABCD"}, "does not apply to a bool"},
		{tags.Def{Address: "ir:0", Type: tags.TypeUint16, Writable: true}, "read-only"},
		{tags.Def{Address: "hr:0", Type: tags.TypeUint16, Scale: &tags.Scale{Raw: [2]float64{0, 0}, Eng: [2]float64{0, 1}}}, "empty"},
		{tags.Def{Address: "hr:0", Type: tags.TypeUint16, Scale: &tags.Scale{Raw: [2]float64{0, nan}, Eng: [2]float64{0, 1}}}, "finite"},
	}
	for _, c := range cases {
		errs := CheckTag(&c.def)
		got := ""
		for _, e := range errs {
			got += e.Error() + "; "
		}
		if c.want == "" && len(errs) > 0 || c.want != "" && !strings.Contains(got, c.want) {
			t.Errorf("CheckTag(%s %s:%d order %q): %q, want %q", c.def.Address, c.def.Type, c.def.StrLen, c.def.Order, got, c.want)
		}
	}
}

func TestCheckDevice(t *testing.T) {
	serial := drivers.SerialConfig{Baud: 9600, Parity: "E", DataBits: 8, StopBits: 1}
	cases := []struct {
		dev  drivers.DeviceConfig
		want string
	}{
		{drivers.DeviceConfig{Driver: DriverTCP, Address: "10.0.0.1:502"}, ""},
		{drivers.DeviceConfig{Driver: DriverTCP, Address: "[fe80::1]:502"}, ""},
		{drivers.DeviceConfig{Driver: DriverTCP, Address: "plc.local:1502", Unit: 255}, ""},
		{drivers.DeviceConfig{Driver: DriverTCP, Address: "10.0.0.1"}, "want host:port"},
		{drivers.DeviceConfig{Driver: DriverTCP, Address: "10.0.0.1:"}, "want host:port"},
		{drivers.DeviceConfig{Driver: DriverTCP, Address: "fe80::1:502"}, "want host:port"},
		{drivers.DeviceConfig{Driver: DriverTCP, Address: "h:1", Unit: 256}, "unit 256"},
		{drivers.DeviceConfig{Driver: DriverTCP, Address: "h:1", MaxGap: -1}, "max_gap"},
		{drivers.DeviceConfig{Driver: DriverRTU, Address: "/dev/ttyUSB0", Unit: 1, Serial: serial}, ""},
		{drivers.DeviceConfig{Driver: DriverRTU, Address: "/dev/ttyUSB0", Unit: 248, Serial: serial}, "1..247"},
		{drivers.DeviceConfig{Driver: DriverRTU, Unit: 1, Serial: serial}, "address missing"},
		{drivers.DeviceConfig{Driver: DriverRTU, Address: "/dev/ttyS0", Unit: 1, Serial: drivers.SerialConfig{Baud: 9600, Parity: "X", DataBits: 8, StopBits: 3}}, "parity"},
	}
	for _, c := range cases {
		errs := CheckDevice(&c.dev)
		got := ""
		for _, e := range errs {
			got += e.Error() + "; "
		}
		if c.want == "" && len(errs) > 0 || c.want != "" && !strings.Contains(got, c.want) {
			t.Errorf("CheckDevice(%s %q unit %d): %q, want %q", c.dev.Driver, c.dev.Address, c.dev.Unit, got, c.want)
		}
	}
}
