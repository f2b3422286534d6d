package sim

import (
	"math"
	"testing"
	"time"
)

// TestFaultsOffChangeNothing: a plant with zero Faults follows the same
// process and noise as one never given any.
func TestFaultsOffChangeNothing(t *testing.T) {
	a, b := New(7), New(7)
	if err := b.SetFaults(Faults{}); err != nil {
		t.Fatal(err)
	}
	a.Step(time.Hour)
	b.Step(time.Hour)
	if sa, sb := a.State(), b.State(); sa != sb {
		t.Errorf("with zero faults %+v, without %+v", sb, sa)
	}
}

// TestFaultLeak: a 1 m³/h leak open for 10 min of every hour from 30 min
// loses 1/6 m³ per period from Tank1, and the water still balances:
// what is held changed by pumped − drained − spilled − leaked.
func TestFaultLeak(t *testing.T) {
	f := Faults{LeakRate: 1, LeakAt: 30 * time.Minute, LeakFor: 10 * time.Minute, LeakEvery: time.Hour}
	for _, c := range []struct {
		at   time.Duration
		open bool
	}{{0, false}, {29 * time.Minute, false}, {30 * time.Minute, true}, {39 * time.Minute, true}, {40 * time.Minute, false}, {90 * time.Minute, true}, {100 * time.Minute, false}} {
		if got := f.Leaking(c.at); got != c.open {
			t.Errorf("Leaking(%v) = %v, want %v", c.at, got, c.open)
		}
	}
	p := New(1)
	if err := p.SetFaults(f); err != nil {
		t.Fatal(err)
	}
	v0 := p.State().Volume()
	p.Step(2 * time.Hour)
	s := p.State()
	if want := 2.0 / 6; math.Abs(s.Leaked-want) > 1e-9 {
		t.Errorf("leaked %v m³ in 2 h, want %v (two 10 min leaks at 1 m³/h)", s.Leaked, want)
	}
	if d := s.Volume() - v0 - (s.Pumped - s.Drained - s.Spilled - s.Leaked); math.Abs(d) > 1e-9 {
		t.Errorf("water does not balance by %v m³", d)
	}
}

// TestFaultBearingWear: 0.1 mm/s per run hour adds about 0.1 mm/s per
// hour of running at full speed to the vibration.
func TestFaultBearingWear(t *testing.T) {
	healthy, worn := New(1), New(1)
	if err := worn.SetFaults(Faults{BearingWear: 0.1}); err != nil {
		t.Fatal(err)
	}
	set := DefaultSettings()
	set.Auto = false
	for _, p := range []*Plant{healthy, worn} {
		if err := p.Apply(set); err != nil {
			t.Fatal(err)
		}
		p.Start()
		p.Step(2 * time.Hour)
	}
	w, h := worn.State(), healthy.State()
	want := 0.1 * w.RunHours * (w.Speed / 100) * (w.Speed / 100)
	if d := w.Vibration - h.Vibration; math.Abs(d-want) > 0.02 {
		t.Errorf("worn bearing vibrates %.2f mm/s more after %.2f run hours, want %.2f", d, w.RunHours, want)
	}
}

func TestFaultsCheck(t *testing.T) {
	for _, f := range []Faults{{BearingWear: -1}, {LeakRate: -1}, {LeakAt: -time.Second}, {LeakFor: time.Hour, LeakEvery: time.Hour}} {
		if err := New(1).SetFaults(f); err == nil {
			t.Errorf("SetFaults(%+v): no error", f)
		}
	}
	if err := DemoFaults.Check(); err != nil {
		t.Errorf("DemoFaults: %v", err)
	}
}
