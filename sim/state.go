package sim

import "time"

// State is the process state of the plant: the true values of the model
// and what its instruments read.
type State struct {
	Elapsed time.Duration // process time stepped so far, whole sub-steps

	Tank1Level float64 // m, 0..TankHeight
	Tank2Level float64 // m, 0..TankHeight

	Running   bool    // P1's contactor is closed
	Tripped   bool    // P1 tripped on winding temperature; needs a reset
	Auto      bool    // level controller in charge of P1
	Enabled   bool    // P1 permissive (control word bit 0)
	Speed     float64 // P1's actual speed, % of rated (ramps after a start or stop)
	Flow      float64 // true pump flow, m³/h
	MeterFlow float64 // flow meter on the pump discharge, m³/h, with noise and low-flow cut-off
	Outflow   float64 // true flow through V1, m³/h
	LineFlow  float64 // true flow Tank1 → Tank2, m³/h (negative when it runs back)

	Current     float64 // P1 motor current, A
	Power       float64 // P1 electrical power, kW
	WindingTemp float64 // P1 winding temperature, °C
	Vibration   float64 // P1 bearing vibration velocity, mm/s RMS, with noise

	Totaliser float64 // m³ counted by the flow meter
	RunHours  float64 // h P1 has run
	Starts    uint32  // P1 starts
	EnergyWh  float64 // Wh P1 has drawn

	Pumped  float64 // m³ the pump delivered (true), for mass balance checks
	Drained float64 // m³ that left through V1 (true)
	Spilled float64 // m³ lost over the top of a full tank
	Leaked  float64 // m³ lost from Tank1 through an injected leak (Faults)
	Leak    float64 // true leak flow out of Tank1 now, m³/h (Faults)

	Tank1High bool // Tank1 level ≥ HighAlarmLevel
	Tank1Low  bool // Tank1 level ≤ LowAlarmLevel
	Tank2High bool
	Tank2Low  bool
}

// Volume is the water held in both tanks, m³.
func (s State) Volume() float64 {
	return s.Tank1Level*Tank1Area + s.Tank2Level*Tank2Area
}
