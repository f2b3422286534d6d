package sim

import (
	"math"
	"math/bits"
	"strconv"
)

// point is a row of the register map with what reads and writes it. Rows
// for one bit of a register (Bit ≥ 0) document the bit; the server serves
// the whole register through the word's row.
type point struct {
	Register
	bit    func(p *Plant) bool           // co, di: the value
	num    func(p *Plant) float64        // numeric registers: the raw value (before Scale)
	text   string                        // string registers: a constant
	putBit func(w *pending, v bool)      // writable coils
	putNum func(w *pending, raw float64) // writable registers; Settings.Check validates
	check  func(raw float64) bool        // writable registers: raw values that are never valid
}

// pending collects one write request: the settings it leads to and the
// momentary commands it gives, applied together once all of it is valid.
type pending struct {
	set  Settings
	cmds []func(p *Plant) // called with p.mu held, after the settings apply
}

// Fixed strings of the identity block.
const (
	PumpModel  = "SG-CP 32-160 1.1kW"
	PumpSerial = "P1-2024-000117"
	PlantName  = "Demo water plant"
)

// Control word (hr:8) bits.
const ctlEnable = 1 << 0

// Status word (ir:16) bits.
const (
	stRunning = 1 << iota
	stAuto
	stTripped
	stEnabled
	stTank1High
	stTank1Low
	stTank2High
	stTank2Low
	stStarting
	stNoFlow
)

var (
	per10  = &Scale{Raw: [2]float64{0, 1000}, Eng: [2]float64{0, 100}} // ×10
	per100 = &Scale{Raw: [2]float64{0, 100}, Eng: [2]float64{0, 1}}    // ×100
	litres = &Scale{Raw: [2]float64{0, 1000}, Eng: [2]float64{0, 1}}   // L to m³
	counts = &Scale{Raw: [2]float64{0, 4095}, Eng: [2]float64{0, TankHeight}}
	within = func(lo, hi float64) func(float64) bool {
		return func(raw float64) bool { return raw >= lo && raw <= hi }
	}
)

// pointTable is the register map, in area and address order.
var pointTable = []point{
	// Coils: commands and the mode.
	coil(0, "Plant.P1.Start", "start P1: write 1 (momentary, reads 0); ignored while tripped or not enabled",
		func(*Plant) bool { return false },
		func(w *pending, v bool) { w.do(v, (*Plant).start) }),
	coil(1, "Plant.P1.Stop", "stop P1: write 1 (momentary, reads 0)",
		func(*Plant) bool { return false },
		func(w *pending, v bool) { w.do(v, func(p *Plant) { p.st.Running = false }) }),
	coil(2, "Plant.P1.Auto", "level control mode: 1 auto (P1 runs between the Tank1 setpoints), 0 manual",
		func(p *Plant) bool { return p.set.Auto },
		func(w *pending, v bool) { w.set.Auto = v }),
	coil(3, "Plant.P1.TripReset", "reset a P1 trip: write 1 (momentary, reads 0); acts once the winding is 5 K below the trip limit",
		func(*Plant) bool { return false },
		func(w *pending, v bool) { w.do(v, (*Plant).resetTrip) }),

	// Discrete inputs: states and alarms.
	input(0, "Plant.P1.Running", "P1 contactor closed", func(p *Plant) bool { return p.st.Running }),
	input(1, "Plant.P1.Tripped", "P1 tripped on winding temperature (latched until reset)", func(p *Plant) bool { return p.st.Tripped }),
	input(2, "Plant.Tank1.HighAlarm", "Tank1 level at or above 2.2 m", func(p *Plant) bool { return p.st.Tank1High }),
	input(3, "Plant.Tank1.LowAlarm", "Tank1 level at or below 0.3 m", func(p *Plant) bool { return p.st.Tank1Low }),
	input(4, "Plant.Tank2.HighAlarm", "Tank2 level at or above 2.2 m", func(p *Plant) bool { return p.st.Tank2High }),
	input(5, "Plant.Tank2.LowAlarm", "Tank2 level at or below 0.3 m", func(p *Plant) bool { return p.st.Tank2Low }),

	// Input registers: measurements and counters.
	measure(0, "float32", "ABCD", "m", nil, "Plant.Tank1.Level", "Tank1 level",
		func(p *Plant) float64 { return p.st.Tank1Level }),
	measure(2, "float32", "ABCD", "m", nil, "Plant.Tank2.Level", "Tank2 level",
		func(p *Plant) float64 { return p.st.Tank2Level }),
	measure(4, "int16", "", "m", counts, "Plant.Tank1.LevelRaw", "Tank1 level transmitter, raw counts 0..4095 for 0..2.5 m",
		func(p *Plant) float64 { return p.st.Tank1Level / TankHeight * 4095 }),
	measure(5, "int16", "", "°C", per10, "Plant.P1.WindingTemp", "P1 motor winding temperature, ×10",
		func(p *Plant) float64 { return p.st.WindingTemp * 10 }),
	measure(6, "float32", "ABCD", "m³/h", nil, "Plant.Flow.Rate", "flow meter on P1's discharge",
		func(p *Plant) float64 { return p.st.MeterFlow }),
	measure(8, "uint32", "CDAB", "m³", litres, "Plant.Flow.Totaliser", "flow totaliser, raw litres, wraps at 2³²",
		func(p *Plant) float64 { return math.Mod(math.Floor(p.st.Totaliser*1000), 1<<32) }),
	measure(10, "uint16", "", "A", per100, "Plant.P1.Current", "P1 motor current, ×100",
		func(p *Plant) float64 { return p.st.Current * 100 }),
	measure(11, "float32", "CDAB", "mm/s", nil, "Plant.P1.Vibration", "P1 bearing vibration velocity, RMS",
		func(p *Plant) float64 { return p.st.Vibration }),
	measure(13, "float32", "DCBA", "kW", nil, "Plant.P1.Power", "P1 electrical power",
		func(p *Plant) float64 { return p.st.Power }),
	measure(15, "uint16", "", "%", per10, "Plant.P1.Speed", "P1 actual speed, ×10",
		func(p *Plant) float64 { return p.st.Speed * 10 }),
	measure(16, "uint16", "", "", nil, "Plant.StatusWord", "status bits, below",
		(*Plant).statusWord),
	statusBit(stRunning, "Plant.Status.Running", "P1 running"),
	statusBit(stAuto, "Plant.Status.Auto", "auto mode"),
	statusBit(stTripped, "Plant.Status.Tripped", "P1 tripped"),
	statusBit(stEnabled, "Plant.Status.Enabled", "P1 enabled (control word bit 0)"),
	statusBit(stTank1High, "Plant.Status.Tank1High", "Tank1 high level alarm"),
	statusBit(stTank1Low, "Plant.Status.Tank1Low", "Tank1 low level alarm"),
	statusBit(stTank2High, "Plant.Status.Tank2High", "Tank2 high level alarm"),
	statusBit(stTank2Low, "Plant.Status.Tank2Low", "Tank2 low level alarm"),
	statusBit(stStarting, "Plant.Status.Starting", "P1 running up to speed"),
	statusBit(stNoFlow, "Plant.Status.NoFlow", "P1 up to speed with under 10 % of its best-efficiency flow"),
	measure(17, "uint32", "BADC", "", nil, "Plant.P1.Starts", "P1 starts",
		func(p *Plant) float64 { return float64(p.st.Starts) }),
	measure(19, "float64", "ABCD", "h", nil, "Plant.P1.RunHours", "P1 run hours",
		func(p *Plant) float64 { return p.st.RunHours }),
	measure(23, "uint64", "ABCD", "Wh", nil, "Plant.P1.Energy", "P1 energy drawn, a 64-bit counter",
		func(p *Plant) float64 { return math.Floor(p.st.EnergyWh) }),
	measure(27, "int16", "", "°C", per10, "Plant.AmbientTemp", "ambient temperature, ×10",
		func(*Plant) float64 { return ambientTemp * 10 }),

	// Holding registers: setpoints, the control word, the identity block.
	setting(0, "float32", "ABCD", "%", nil, "Plant.V1.Position", "V1 outflow valve position, 0..100",
		func(p *Plant) float64 { return p.set.ValvePosition },
		func(w *pending, raw float64) { w.set.ValvePosition = raw }, nil),
	setting(2, "float32", "ABCD", "m", nil, "Plant.Tank1.LowSetpoint", "auto: P1 starts at this Tank1 level; 0.1..2.4, 0.1 below the high setpoint",
		func(p *Plant) float64 { return p.set.LowSetpoint },
		func(w *pending, raw float64) { w.set.LowSetpoint = raw }, nil),
	setting(4, "float32", "ABCD", "m", nil, "Plant.Tank1.HighSetpoint", "auto: P1 stops at this Tank1 level; 0.1..2.4, 0.1 above the low setpoint",
		func(p *Plant) float64 { return p.set.HighSetpoint },
		func(w *pending, raw float64) { w.set.HighSetpoint = raw }, nil),
	setting(6, "uint16", "", "%", per10, "Plant.P1.SpeedSetpoint", "P1 speed setpoint, ×10, 300..1000",
		func(p *Plant) float64 { return p.set.Speed * 10 },
		func(w *pending, raw float64) { w.set.Speed = raw / 10 }, nil),
	setting(7, "int16", "", "°C", per10, "Plant.P1.TripLimit", "P1 winding trip temperature, ×10, 400..1800",
		func(p *Plant) float64 { return p.set.TripLimit * 10 },
		func(w *pending, raw float64) { w.set.TripLimit = raw / 10 }, nil),
	setting(8, "uint16", "", "", nil, "Plant.ControlWord", "control bits, below; the others must be 0",
		func(p *Plant) float64 { return boolBit(p.set.Enabled, ctlEnable) },
		func(w *pending, raw float64) { w.set.Enabled = uint16(raw)&ctlEnable != 0 },
		within(0, ctlEnable)),
	{Register: Register{Area: HoldingRegisters, Offset: 8, Bit: 0, Type: "bool", Writable: true,
		Tag: "Plant.P1.Enable", Description: "P1 permissive: 0 stops P1 and blocks starts"}},
	text(100, 20, "Plant.P1.Model", "P1 make and model", PumpModel),
	text(110, 20, "Plant.P1.Serial", "P1 serial number", PumpSerial),
	text(120, 32, "Plant.Name", "plant name", PlantName),
}

// do queues a momentary command for a coil written 1; a 0 does nothing.
func (w *pending) do(v bool, cmd func(p *Plant)) {
	if v {
		w.cmds = append(w.cmds, cmd)
	}
}

func (p *Plant) statusWord() float64 {
	s := &p.st
	return boolBit(s.Running, stRunning) + boolBit(s.Auto, stAuto) + boolBit(s.Tripped, stTripped) +
		boolBit(s.Enabled, stEnabled) + boolBit(s.Tank1High, stTank1High) + boolBit(s.Tank1Low, stTank1Low) +
		boolBit(s.Tank2High, stTank2High) + boolBit(s.Tank2Low, stTank2Low) +
		boolBit(p.starting(), stStarting) + boolBit(p.noFlow(), stNoFlow)
}

func boolBit(b bool, bit uint16) float64 {
	if b {
		return float64(bit)
	}
	return 0
}

func coil(off uint16, tag, desc string, get func(*Plant) bool, put func(*pending, bool)) point {
	return point{Register: Register{Area: Coils, Offset: off, Bit: -1, Type: "bool", Writable: true, Tag: tag, Description: desc},
		bit: get, putBit: put}
}

func input(off uint16, tag, desc string, get func(*Plant) bool) point {
	return point{Register: Register{Area: DiscreteInputs, Offset: off, Bit: -1, Type: "bool", Tag: tag, Description: desc},
		bit: get}
}

func measure(off uint16, typ, order, units string, sc *Scale, tag, desc string, get func(*Plant) float64) point {
	return point{Register: Register{Area: InputRegisters, Offset: off, Bit: -1, Type: typ, Order: order, Units: units,
		Scale: sc, Tag: tag, Description: desc}, num: get}
}

// statusBit documents the bit of the status word (ir:16) with mask.
func statusBit(mask uint16, tag, desc string) point {
	return point{Register: Register{Area: InputRegisters, Offset: 16, Bit: bits.TrailingZeros16(mask), Type: "bool", Tag: tag, Description: desc}}
}

func setting(off uint16, typ, order, units string, sc *Scale, tag, desc string,
	get func(*Plant) float64, put func(*pending, float64), check func(float64) bool) point {
	return point{Register: Register{Area: HoldingRegisters, Offset: off, Bit: -1, Type: typ, Order: order, Units: units,
		Scale: sc, Writable: true, Tag: tag, Description: desc}, num: get, putNum: put, check: check}
}

func text(off uint16, n int, tag, desc, s string) point {
	return point{Register: Register{Area: HoldingRegisters, Offset: off, Bit: -1, Type: "string:" + strconv.Itoa(n),
		Tag: tag, Description: desc}, text: s}
}
