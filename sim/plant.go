package sim

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"time"
)

// SubStep is the fixed integration step. Step runs whole sub-steps and
// carries the remainder to the next call, so how time is sliced into Step
// calls never changes the result.
const SubStep = 20 * time.Millisecond

// Plant is the demo process. Its methods are safe for concurrent use: the
// Modbus handler and the real-time ticker share one plant.
type Plant struct {
	mu sync.Mutex // guards everything below

	set    Settings      // operator settings
	faults Faults        // injected faults (SetFaults); none by default
	st     State         // process state
	rng    *rand.Rand    // measurement noise only: never feeds back into the physics
	left   time.Duration // stepped time not yet integrated, < SubStep
}

// New returns a plant at rest: both tanks at 1.2 m, pump stopped in auto
// mode, valve 40 % open. The seed drives the measurement noise only, so
// plants with different seeds follow the same process and differ in what
// their flow meter and vibration sensor read.
func New(seed int64) *Plant {
	p := &Plant{
		set: DefaultSettings(),
		// PCG's second word is fixed: one seed, one noise sequence.
		rng: rand.New(rand.NewPCG(uint64(seed), 0x5349474854474c53)), // "SIGHTGLS"
	}
	p.st.Tank1Level = 1.2
	p.st.Tank2Level = 1.2
	p.st.WindingTemp = ambientTemp
	p.st.Vibration = background
	p.st.Auto = p.set.Auto
	p.st.Enabled = p.set.Enabled
	p.alarms()
	return p
}

// Step advances the plant by dt of process time in fixed sub-steps of
// [SubStep]; a remainder shorter than a sub-step is kept for the next call.
// Negative durations are ignored.
func (p *Plant) Step(dt time.Duration) {
	if dt <= 0 {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.left += dt
	for p.left >= SubStep {
		p.left -= SubStep
		p.subStep()
	}
}

// State returns a copy of the process state.
func (p *Plant) State() State {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.st
}

// Settings returns a copy of the operator settings.
func (p *Plant) Settings() Settings {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.set
}

// Summary is one line describing the plant, for a log.
func (p *Plant) Summary() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := &p.st
	pump := "stopped"
	switch {
	case s.Tripped:
		pump = "TRIPPED"
	case s.Running:
		pump = fmt.Sprintf("running %.0f%% %.1f m³/h %.2f A", s.Speed, s.MeterFlow, s.Current)
	}
	mode := "manual"
	if s.Auto {
		mode = "auto"
	}
	return fmt.Sprintf("demo plant t=%s: Tank1 %.2f m, Tank2 %.2f m, P1 %s (%s, winding %.1f °C), V1 %.0f%%",
		s.Elapsed.Truncate(time.Second), s.Tank1Level, s.Tank2Level, pump, mode, s.WindingTemp, p.set.ValvePosition)
}
