package sim

import (
	"math"
	"testing"
	"time"
)

// manual returns a plant in manual mode with the valve set to valve %.
func manual(t *testing.T, seed int64, valve float64) *Plant {
	t.Helper()
	p := New(seed)
	s := p.Settings()
	s.Auto = false
	s.ValvePosition = valve
	if err := p.Apply(s); err != nil {
		t.Fatal(err)
	}
	return p
}

func near(got, want, tol float64) bool { return math.Abs(got-want) <= tol }

func TestRestingPlantHoldsItsLevels(t *testing.T) {
	p := manual(t, 1, 0)
	before := p.State()
	p.Step(10 * time.Minute)
	after := p.State()
	if after.Tank1Level != before.Tank1Level || after.Tank2Level != before.Tank2Level {
		t.Errorf("pump off, valve closed: levels %g, %g became %g, %g",
			before.Tank1Level, before.Tank2Level, after.Tank1Level, after.Tank2Level)
	}
	if after.Running || after.Flow != 0 || after.Current != 0 {
		t.Errorf("pump should be idle: %+v", after)
	}
}

func TestUnequalTanksEqualiseAndKeepTheirVolume(t *testing.T) {
	p := manual(t, 1, 0)
	p.st.Tank1Level, p.st.Tank2Level = 2.0, 0.5
	v0 := p.st.Volume()
	p.Step(10 * time.Minute)
	s := p.State()
	if !near(s.Volume(), v0, 1e-9) {
		t.Errorf("volume %g m³, want %g", s.Volume(), v0)
	}
	if !near(s.Tank1Level, s.Tank2Level, 1e-3) {
		t.Errorf("after 10 min levels %g and %g, want equal", s.Tank1Level, s.Tank2Level)
	}
}

func TestPumpFillsByItsInflow(t *testing.T) {
	p := manual(t, 1, 0)
	v0 := p.State().Volume()
	h0 := p.State().Tank1Level
	p.Start()
	p.Step(60 * time.Second)
	s := p.State()
	if s.Tank1Level <= h0 {
		t.Errorf("Tank1 %g m after a minute of pumping, was %g", s.Tank1Level, h0)
	}
	if s.Pumped <= 0 || s.Spilled != 0 || s.Drained != 0 {
		t.Fatalf("pumped %g, spilled %g, drained %g", s.Pumped, s.Spilled, s.Drained)
	}
	if got := s.Volume() - v0; !near(got, s.Pumped, 1e-9) {
		t.Errorf("volume rose %g m³, pump delivered %g m³", got, s.Pumped)
	}
	// About 20 m³/h at rated speed against ~5 m of head.
	if s.Flow < 18 || s.Flow > 22 {
		t.Errorf("flow %g m³/h, want about 20", s.Flow)
	}
}

func TestMassBalanceWithOutflowAndSpill(t *testing.T) {
	p := manual(t, 3, 20)
	v0 := p.State().Volume()
	p.Start()
	p.Step(30 * time.Minute) // long enough to overflow with the valve nearly shut
	s := p.State()
	if s.Spilled <= 0 {
		t.Fatalf("expected the tanks to overflow, spilled %g", s.Spilled)
	}
	if got, want := s.Volume()-v0, s.Pumped-s.Drained-s.Spilled; !near(got, want, 1e-9) {
		t.Errorf("volume change %g m³, in − out − spill %g m³", got, want)
	}
	if s.Tank1Level > TankHeight || s.Tank2Level > TankHeight {
		t.Errorf("levels %g, %g above the tank height", s.Tank1Level, s.Tank2Level)
	}
}

func TestDrainingStopsAtEmpty(t *testing.T) {
	p := manual(t, 1, 100)
	p.Step(2 * time.Hour)
	s := p.State()
	if s.Tank1Level < 0 || s.Tank2Level < 0 || s.Tank1Level > 0.01 || s.Tank2Level > 0.01 {
		t.Errorf("levels %g, %g after draining two hours, want just above 0", s.Tank1Level, s.Tank2Level)
	}
	if !s.Tank1Low || !s.Tank2Low || s.Tank1High {
		t.Errorf("alarms: %+v", s)
	}
}

func TestInrushOnStart(t *testing.T) {
	p := manual(t, 1, 40)
	p.Start()
	p.Step(2 * SubStep)
	inrush := p.State().Current
	p.Step(10 * time.Second)
	run := p.State().Current
	if inrush < 4*run {
		t.Errorf("current %g A just after the start, %g A running: want an inrush of several times", inrush, run)
	}
	if run < 1.3 || run > 1.8 {
		t.Errorf("running current %g A, want about 1.56", run)
	}
	if st := p.State(); st.Starts != 1 || !near(st.Speed, 100, 0.1) {
		t.Errorf("starts %d, speed %g", st.Starts, st.Speed)
	}
}

func TestWindingApproachesSteadyStateAndCools(t *testing.T) {
	p := manual(t, 1, 100) // outflow keeps Tank1 from overflowing
	p.Start()
	p.Step(time.Hour) // 12 thermal time constants
	s := p.State()
	steady := ambientTemp + thermalR*s.Current*s.Current
	if !near(s.WindingTemp, steady, 0.1) {
		t.Errorf("winding %g °C after an hour, steady state %g °C", s.WindingTemp, steady)
	}
	hot := s.WindingTemp
	p.Stop()
	p.Step(tauStopped * time.Second)
	cooled := p.State().WindingTemp
	// One time constant: 1/e of the rise is left.
	if want := ambientTemp + (hot-ambientTemp)/math.E; !near(cooled, want, 0.5) {
		t.Errorf("winding %g °C one time constant after stopping, want %g", cooled, want)
	}
}

func TestTripAndReset(t *testing.T) {
	p := manual(t, 1, 100)
	s := p.Settings()
	s.TripLimit = 50
	if err := p.Apply(s); err != nil {
		t.Fatal(err)
	}
	p.Start()
	for i := 0; i < 30*60 && !p.State().Tripped; i++ {
		p.Step(time.Second)
	}
	st := p.State()
	if !st.Tripped || st.Running {
		t.Fatalf("tripped %v, running %v at %g °C (limit 50)", st.Tripped, st.Running, st.WindingTemp)
	}
	p.Start()
	if p.State().Running {
		t.Error("a tripped pump started")
	}
	p.ResetTrip() // still hot: stays latched
	if !p.State().Tripped {
		t.Error("reset took while the winding was at the limit")
	}
	p.Step(30 * time.Minute)
	p.ResetTrip()
	if st := p.State(); st.Tripped || st.Running {
		t.Errorf("after cooling and a reset: tripped %v, running %v", st.Tripped, st.Running)
	}
}

func TestAutoCyclesBetweenSetpoints(t *testing.T) {
	p := New(1) // auto, setpoints 1.0 and 1.8 m
	set := p.Settings()
	lo, hi := math.Inf(1), math.Inf(-1)
	var starts, stops int
	was := p.State().Running
	for range time.Hour / SubStep {
		p.Step(SubStep)
		s := p.State()
		lo, hi = min(lo, s.Tank1Level), max(hi, s.Tank1Level)
		switch {
		case s.Running && !was:
			starts++
			if s.Tank1Level > set.LowSetpoint+1e-3 {
				t.Errorf("started at %g m, low setpoint %g", s.Tank1Level, set.LowSetpoint)
			}
		case !s.Running && was:
			stops++
			if s.Tank1Level < set.HighSetpoint-1e-3 {
				t.Errorf("stopped at %g m, high setpoint %g", s.Tank1Level, set.HighSetpoint)
			}
		}
		was = s.Running
	}
	if starts < 5 || stops < 5 {
		t.Errorf("%d starts, %d stops in an hour: want a cycle every few minutes", starts, stops)
	}
	if lo < set.LowSetpoint-0.05 || hi > set.HighSetpoint+0.05 {
		t.Errorf("Tank1 ranged %g..%g m, setpoints %g..%g", lo, hi, set.LowSetpoint, set.HighSetpoint)
	}
	if got := p.State().Starts; got != uint32(starts) {
		t.Errorf("starts counter %d, saw %d", got, starts)
	}
}

func TestSameSeedSameState(t *testing.T) {
	a, b := New(7), New(7)
	for range 500 {
		a.Step(time.Second)
		b.Step(time.Second)
	}
	if a.State() != b.State() {
		t.Errorf("same seed, different states:\n%+v\n%+v", a.State(), b.State())
	}
}

func TestSlicingDoesNotMatter(t *testing.T) {
	a, b := New(7), New(7)
	a.Step(10 * time.Minute)
	for range 10 * 60 * 1000 / 7 {
		b.Step(7 * time.Millisecond) // does not divide SubStep
	}
	b.Step(10*time.Minute - 10*60*1000/7*7*time.Millisecond)
	if a.State() != b.State() {
		t.Errorf("one step and many small ones differ:\n%+v\n%+v", a.State(), b.State())
	}
}

func TestSeedsDifferOnlyInNoise(t *testing.T) {
	a, b := New(1), New(2)
	var meterDiffers, vibDiffers bool
	for range 20 * 60 {
		a.Step(time.Second)
		b.Step(time.Second)
		sa, sb := a.State(), b.State()
		meterDiffers = meterDiffers || sa.MeterFlow != sb.MeterFlow
		vibDiffers = vibDiffers || sa.Vibration != sb.Vibration
		// The process itself is the same; only instruments with noise differ.
		sa.MeterFlow, sa.Vibration, sa.Totaliser = 0, 0, 0
		sb.MeterFlow, sb.Vibration, sb.Totaliser = 0, 0, 0
		if sa != sb {
			t.Fatalf("process differs between seeds:\n%+v\n%+v", sa, sb)
		}
	}
	if !meterDiffers || !vibDiffers {
		t.Errorf("noise does not depend on the seed: meter %v, vibration %v", meterDiffers, vibDiffers)
	}
}

func TestTotaliserFollowsTheMeter(t *testing.T) {
	p := manual(t, 5, 100)
	p.Start()
	p.Step(10 * time.Minute)
	s := p.State()
	// The meter's noise averages out: the totaliser agrees with the true
	// pumped volume to well under a percent.
	if !near(s.Totaliser, s.Pumped, 0.005*s.Pumped) {
		t.Errorf("totaliser %g m³, pumped %g m³", s.Totaliser, s.Pumped)
	}
	if !near(s.RunHours, 10.0/60, 1e-9) {
		t.Errorf("run hours %g, want %g", s.RunHours, 10.0/60)
	}
	if s.EnergyWh <= 0 || !near(s.EnergyWh/1000/s.RunHours, s.Power, 0.05) {
		t.Errorf("energy %g Wh over %g h, power %g kW", s.EnergyWh, s.RunHours, s.Power)
	}
}

func TestVibrationRisesAwayFromBEP(t *testing.T) {
	mean := func(speed float64) float64 {
		p := manual(t, 9, 100)
		s := p.Settings()
		s.Speed = speed
		if err := p.Apply(s); err != nil {
			t.Fatal(err)
		}
		p.Start()
		p.Step(10 * time.Second)
		sum := 0.0
		for range 100 {
			p.Step(SubStep)
			sum += p.State().Vibration
		}
		return sum / 100
	}
	idle := New(9).State().Vibration
	full, deadHead := mean(100), mean(60) // at 60 % the pump cannot lift into Tank1
	if !(idle < 0.5 && full > 0.8 && deadHead > full) {
		t.Errorf("vibration idle %g, rated %g, dead-head at 60 %% %g mm/s", idle, full, deadHead)
	}
}

func TestSettingsRanges(t *testing.T) {
	bad := []func(*Settings){
		func(s *Settings) { s.ValvePosition = 101 },
		func(s *Settings) { s.ValvePosition = math.NaN() },
		func(s *Settings) { s.LowSetpoint = 0 },
		func(s *Settings) { s.HighSetpoint = 2.5 },
		func(s *Settings) { s.LowSetpoint, s.HighSetpoint = 1.5, 1.55 },
		func(s *Settings) { s.Speed = 20 },
		func(s *Settings) { s.TripLimit = 200 },
	}
	for i, change := range bad {
		p := New(1)
		s := p.Settings()
		change(&s)
		if err := p.Apply(s); err == nil {
			t.Errorf("case %d: %+v accepted", i, s)
		}
		if p.Settings() != DefaultSettings() {
			t.Errorf("case %d: a rejected Apply changed the settings", i)
		}
	}
}
