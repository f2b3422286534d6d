package assets_test

import (
	"maps"
	"math"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/sightglass/sightglass/alarms"
	"github.com/sightglass/sightglass/sim"
)

// TestDemoAlarms: the demo project has a small alarm set of every kind
// but bad quality, mostly of low and medium priority, with suppression by
// design and a latched alarm.
func TestDemoAlarms(t *testing.T) {
	cfg := loadDemo(t).Alarms
	if n := len(cfg.Alarms); n < 12 || n > 20 {
		t.Errorf("%d alarms, want 12 to 20", n)
	}
	var kinds [alarms.NumKinds]int
	var prios [alarms.NumPriorities]int
	suppressed, latched := 0, 0
	for _, d := range cfg.Alarms {
		kinds[d.Kind]++
		prios[d.Priority]++
		if d.Suppress != "" {
			suppressed++
		}
		if d.Latched {
			latched++
		}
	}
	for k, n := range kinds {
		if n == 0 && alarms.Kind(k) != alarms.Bad {
			t.Errorf("no %v alarm", alarms.Kind(k))
		}
	}
	if low := prios[alarms.Medium] + prios[alarms.Low] + prios[alarms.Diagnostic]; low*2 <= len(cfg.Alarms) {
		t.Errorf("priorities %v: want most alarms medium or below", prios)
	}
	if suppressed == 0 || latched == 0 {
		t.Errorf("%d suppressed and %d latched alarms, want some of each", suppressed, latched)
	}
}

// demoValue reads a demo tag from the plant's state as the station sees
// it, at the resolution of its register (sim/REGISTERS.md).
var demoValue = map[string]func(s *sim.State, set *sim.Settings) float64{
	"Plant.Tank1.Level":      func(s *sim.State, _ *sim.Settings) float64 { return s.Tank1Level },
	"Plant.Tank2.Level":      func(s *sim.State, _ *sim.Settings) float64 { return s.Tank2Level },
	"Plant.P1.WindingTemp":   func(s *sim.State, _ *sim.Settings) float64 { return math.Round(s.WindingTemp*10) / 10 },
	"Plant.P1.Current":       func(s *sim.State, _ *sim.Settings) float64 { return math.Round(s.Current*100) / 100 },
	"Plant.P1.Vibration":     func(s *sim.State, _ *sim.Settings) float64 { return s.Vibration },
	"Plant.Flow.Rate":        func(s *sim.State, _ *sim.Settings) float64 { return s.MeterFlow },
	"Plant.P1.Speed":         func(s *sim.State, _ *sim.Settings) float64 { return math.Round(s.Speed*10) / 10 },
	"Plant.P1.SpeedSetpoint": func(_ *sim.State, set *sim.Settings) float64 { return set.Speed },
	"Plant.P1.Tripped": func(s *sim.State, _ *sim.Settings) float64 {
		if s.Tripped {
			return 1
		}
		return 0
	},
}

// demoAlarmsRaised runs the plant for d in steps of the demo device's
// poll, evaluating each demo alarm's condition as the station would see
// it (without deadbands, so strictly), and returns the IDs of the alarms
// whose condition held for their on-delay while not suppressed.
func demoAlarmsRaised(t *testing.T, plant *sim.Plant, d time.Duration) map[string]bool {
	t.Helper()
	p := loadDemo(t)
	poll := p.Devices[0].Poll
	raised := map[string]bool{}
	since := map[string]time.Duration{} // alarm ID → how long its condition has held
	prev := map[string]float64{}
	for elapsed := time.Duration(0); elapsed < d; elapsed += poll {
		plant.Step(poll)
		s, set := plant.State(), plant.Settings()
		for _, a := range p.Alarms.Alarms {
			if a.Tag == "_System.Devices.plant.Connected" {
				continue // the station's, not the plant's
			}
			get, ok := demoValue[a.Tag]
			if !ok {
				t.Fatalf("%s: the test does not know the tag", a.ID())
			}
			v := get(&s, &set)
			var on bool
			switch a.Kind {
			case alarms.HiHi, alarms.Hi:
				on = v >= a.Limit
			case alarms.Lo, alarms.LoLo:
				on = v <= a.Limit
			case alarms.Deviation:
				on = math.Abs(v-demoValue[a.Setpoint](&s, &set)) >= a.Limit
			case alarms.Rate:
				last, seen := prev[a.Tag]
				on = seen && math.Abs(v-last)/poll.Seconds() >= a.Limit
			case alarms.State:
				want, err := strconv.ParseBool(a.State)
				on = err == nil && (v != 0) == want
			}
			switch a.Suppress {
			case "":
			case "not Plant.P1.Running":
				on = on && s.Running
			default:
				t.Fatalf("%s: the test does not know the condition %q", a.ID(), a.Suppress)
			}
			if !on {
				delete(since, a.ID())
				continue
			}
			if since[a.ID()] >= a.OnDelay {
				raised[a.ID()] = true
			}
			since[a.ID()] += poll
		}
		for tag, get := range demoValue {
			prev[tag] = get(&s, &set)
		}
	}
	return raised
}

// TestDemoAlarmsQuietInAuto: the demo's limits suit the plant's physics.
// Four hours of the plant in auto, P1 starting and stopping dozens of
// times, raise no alarm.
func TestDemoAlarmsQuietInAuto(t *testing.T) {
	plant := sim.New(1)
	if raised := demoAlarmsRaised(t, plant, 4*time.Hour); len(raised) > 0 {
		t.Errorf("alarms in normal operation: %v", slices.Sorted(maps.Keys(raised)))
	}
	if s := plant.State(); s.Starts < 10 {
		t.Errorf("P1 started %d times in 4 h, want it cycling", s.Starts)
	}
}

// TestDemoAlarmsOnUpsets: the alarms do come when the process leaves
// its normal range: P1 run by hand against a closed outflow valve fills
// both tanks to spilling; then a trip limit under the winding's running
// temperature trips P1, and with P1 stopped its flow alarm stays
// suppressed.
func TestDemoAlarmsOnUpsets(t *testing.T) {
	plant := sim.New(1)
	set := plant.Settings()
	set.Auto, set.ValvePosition = false, 0
	if err := plant.Apply(set); err != nil {
		t.Fatal(err)
	}
	plant.Start()
	raised := demoAlarmsRaised(t, plant, time.Hour)
	for _, id := range []string{"Plant.Tank1.Level/hi", "Plant.Tank1.Level/hihi", "Plant.Tank2.Level/hi", "Plant.Tank2.Level/hihi"} {
		if !raised[id] {
			t.Errorf("%s not raised with both tanks filling (raised: %v)", id, slices.Sorted(maps.Keys(raised)))
		}
	}

	set.TripLimit = sim.MinTripLimit // the winding runs at about 60 °C
	set.ValvePosition = 40
	if err := plant.Apply(set); err != nil {
		t.Fatal(err)
	}
	raised = demoAlarmsRaised(t, plant, time.Hour)
	if !raised["Plant.P1.Tripped/state"] || raised["Plant.Flow.Rate/lo"] {
		t.Errorf("raised %v: want Plant.P1.Tripped/state and not the suppressed Plant.Flow.Rate/lo", slices.Sorted(maps.Keys(raised)))
	}
}
