package sim

import (
	"fmt"
	"time"
)

// Faults are process faults injected into the plant, for the analytic
// models (package models) to catch. The zero value injects none, and a
// plant made by [New] has none until [Plant.SetFaults]: the register map
// is the same either way, a fault shows only in what the instruments read.
// Faults are deterministic: they follow process time and P1's run hours,
// never the noise seed.
type Faults struct {
	// BearingWear is the bearing vibration added per hour P1 has run, in
	// mm/s RMS at rated speed (it scales with speed², as the flow-dependent
	// vibration does): a bearing degrading slowly. 0: a sound bearing.
	BearingWear float64

	// LeakRate is the water lost from Tank1 while a leak is open, m³/h,
	// through no meter. 0: no leak.
	LeakRate float64
	// LeakAt is the process time ([State.Elapsed]) the first leak opens.
	LeakAt time.Duration
	// LeakFor is how long each leak stays open; 0 with a LeakRate: for good.
	LeakFor time.Duration
	// LeakEvery repeats the leak with this period from LeakAt (an
	// occasional leak); 0: once.
	LeakEvery time.Duration
}

// DemoFaults are the faults of the embedded demo (station.OpenDemo), slow
// enough that the demo's own alarms stay quiet for hours (vibration
// reaches the 2.8 mm/s ISO 10816-3 limit after some 30 run hours) and the
// models catch them first: the bearing gains 0.05 mm/s per run hour, and
// Tank1 leaks 1 m³/h for 10 minutes every 2 hours from the first hour.
var DemoFaults = Faults{
	BearingWear: 0.05,
	LeakRate:    1,
	LeakAt:      time.Hour,
	LeakFor:     10 * time.Minute,
	LeakEvery:   2 * time.Hour,
}

// Check reports a fault setting out of range.
func (f Faults) Check() error {
	switch {
	case f.BearingWear < 0 || f.BearingWear > 100:
		return fmt.Errorf("bearing wear %v mm/s per run hour: want 0..100", f.BearingWear)
	case f.LeakRate < 0 || f.LeakRate > 100:
		return fmt.Errorf("leak rate %v m³/h: want 0..100", f.LeakRate)
	case f.LeakAt < 0 || f.LeakFor < 0 || f.LeakEvery < 0:
		return fmt.Errorf("leak at %v for %v every %v: want no negative durations", f.LeakAt, f.LeakFor, f.LeakEvery)
	case f.LeakEvery > 0 && f.LeakFor >= f.LeakEvery:
		return fmt.Errorf("leak for %v every %v: want it shorter than its period", f.LeakFor, f.LeakEvery)
	}
	return nil
}

// Leaking reports whether a leak is open at process time t.
func (f Faults) Leaking(t time.Duration) bool {
	if f.LeakRate <= 0 || t < f.LeakAt {
		return false
	}
	since := t - f.LeakAt
	if f.LeakEvery > 0 {
		since %= f.LeakEvery
	}
	return f.LeakFor == 0 || since < f.LeakFor
}

// SetFaults injects f from the next sub-step on.
func (p *Plant) SetFaults(f Faults) error {
	if err := f.Check(); err != nil {
		return fmt.Errorf("demo plant faults: %w", err)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.faults = f
	return nil
}

// Faults returns the injected faults.
func (p *Plant) Faults() Faults {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.faults
}
