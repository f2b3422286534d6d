package sim

import (
	"errors"
	"fmt"
)

// ErrOutOfRange is returned (wrapped, naming the setting) when a setting
// is outside its range; over Modbus it is exception 3, illegal data value.
var ErrOutOfRange = errors.New("value out of range")

// Settings are what an operator sets: they hold until changed.
type Settings struct {
	ValvePosition float64 // V1 opening, % (0..100)
	LowSetpoint   float64 // m: in auto, P1 starts when Tank1 falls to it
	HighSetpoint  float64 // m: in auto, P1 stops when Tank1 rises to it
	Speed         float64 // P1 speed setpoint, % of rated (MinSpeed..100)
	TripLimit     float64 // °C: P1 trips when its winding passes it
	Auto          bool    // the level controller runs P1
	Enabled       bool    // P1 permissive: when false P1 stops and cannot start
}

// Ranges of the settings, checked by [Plant.Apply].
const (
	MinSpeed       = 30.0  // % of rated; below about 55 % the pump cannot lift into Tank1
	MinSetpoint    = 0.1   // m
	MaxSetpoint    = 2.4   // m, TankHeight less a margin
	MinSetpointGap = 0.1   // m between low and high setpoint
	MinTripLimit   = 40.0  // °C
	MaxTripLimit   = 180.0 // °C, insulation class H
)

// DefaultSettings are the settings of a new plant.
func DefaultSettings() Settings {
	return Settings{
		ValvePosition: 40,
		LowSetpoint:   1.0,
		HighSetpoint:  1.8,
		Speed:         100,
		TripLimit:     100,
		Auto:          true,
		Enabled:       true,
	}
}

// Check reports the first setting out of range, wrapping [ErrOutOfRange].
// Comparisons are written so that NaN fails them.
func (s *Settings) Check() error {
	switch {
	case !(s.ValvePosition >= 0 && s.ValvePosition <= 100):
		return fmt.Errorf("valve position %g %%: want 0..100: %w", s.ValvePosition, ErrOutOfRange)
	case !(s.LowSetpoint >= MinSetpoint && s.LowSetpoint <= MaxSetpoint):
		return fmt.Errorf("low setpoint %g m: want %g..%g: %w", s.LowSetpoint, MinSetpoint, MaxSetpoint, ErrOutOfRange)
	case !(s.HighSetpoint >= MinSetpoint && s.HighSetpoint <= MaxSetpoint):
		return fmt.Errorf("high setpoint %g m: want %g..%g: %w", s.HighSetpoint, MinSetpoint, MaxSetpoint, ErrOutOfRange)
	case !(s.HighSetpoint-s.LowSetpoint >= MinSetpointGap-1e-9):
		return fmt.Errorf("setpoints low %g m, high %g m: high must be at least %g m above low: %w",
			s.LowSetpoint, s.HighSetpoint, MinSetpointGap, ErrOutOfRange)
	case !(s.Speed >= MinSpeed && s.Speed <= 100):
		return fmt.Errorf("speed %g %%: want %g..100: %w", s.Speed, MinSpeed, ErrOutOfRange)
	case !(s.TripLimit >= MinTripLimit && s.TripLimit <= MaxTripLimit):
		return fmt.Errorf("trip limit %g °C: want %g..%g: %w", s.TripLimit, MinTripLimit, MaxTripLimit, ErrOutOfRange)
	}
	return nil
}

// Apply replaces the settings after checking them all; on error nothing
// changes.
func (p *Plant) Apply(s Settings) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.apply(s)
}

func (p *Plant) apply(s Settings) error {
	if err := s.Check(); err != nil {
		return err
	}
	p.set = s
	p.st.Auto = s.Auto
	p.st.Enabled = s.Enabled
	if !s.Enabled {
		p.st.Running = false
	}
	return nil
}

// Start closes P1's contactor. It is ignored while P1 is tripped or not
// enabled. In auto mode the level controller may stop P1 again at the
// next high-setpoint crossing.
func (p *Plant) Start() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.start()
}

// Stop opens P1's contactor. In auto mode the level controller restarts
// P1 if Tank1 is at or below the low setpoint.
func (p *Plant) Stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.st.Running = false
}

// ResetTrip clears a winding-temperature trip once the winding has cooled
// [ResetMargin] below the trip limit; before that the trip stays latched.
// It does not restart the pump.
func (p *Plant) ResetTrip() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.resetTrip()
}

func (p *Plant) start() {
	if p.st.Running || p.st.Tripped || !p.set.Enabled {
		return
	}
	p.st.Running = true
	p.st.Starts++
}

func (p *Plant) resetTrip() {
	if p.st.WindingTemp < p.set.TripLimit-ResetMargin {
		p.st.Tripped = false
	}
}
