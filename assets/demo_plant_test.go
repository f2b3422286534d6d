package assets_test

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/sightglass/sightglass/drivers"
	"github.com/sightglass/sightglass/drivers/modbus"
	"github.com/sightglass/sightglass/sim"
	"github.com/sightglass/sightglass/tags"
	"go.uber.org/goleak"
)

// TestDemoPollsThePlant runs the demo project as a station would, on a
// small scale: the Modbus driver reads every tag of the demo project from
// the demo plant on loopback and writes a few, so the project's encodings
// and the plant's agree.
func TestDemoPollsThePlant(t *testing.T) {
	p := loadDemo(t)
	plant := sim.New(1)
	srv, err := sim.Listen(t.Context(), "127.0.0.1:0", plant, sim.WithTick(0))
	if err != nil {
		t.Fatal(err)
	}
	dev := p.Devices[0]
	dev.Address = srv.Addr()
	table := tags.NewTable(p.Tags)
	var defs []*tags.Def // the device's tags (the others are read over OPC UA)
	for i := range table.Len() {
		if def := table.Def(tags.ID(i)); def.Device == dev.Name {
			defs = append(defs, def)
		}
	}
	d, err := modbus.NewTCP(dev, defs)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Connect(t.Context()); err != nil {
		t.Fatal(err)
	}

	read := func() map[string]tags.Value {
		t.Helper()
		got := map[string]tags.Value{}
		for g, grp := range d.Groups() {
			out := make([]tags.VQT, len(grp.Tags))
			if err := d.Read(t.Context(), g, out); err != nil {
				t.Fatal(err)
			}
			for i, id := range grp.Tags {
				name := table.Def(id).Name
				if !out[i].Quality.IsGood() {
					t.Errorf("%s: quality %v", name, out[i].Quality)
				}
				got[name] = out[i].Value
			}
		}
		return got
	}
	id := func(name string) tags.ID {
		i, ok := table.Lookup(name)
		if !ok {
			t.Fatalf("no tag %s", name)
		}
		return i
	}

	plant.Step(time.Minute)
	st := plant.State()
	v := read()
	if len(v) != len(defs) {
		t.Errorf("read %d tags of %d", len(v), len(defs))
	}
	for name, want := range map[string]float64{
		"Plant.Tank1.Level":        st.Tank1Level,
		"Plant.Tank1.LevelRaw":     st.Tank1Level, // to a count of 2.5 m / 4095
		"Plant.Tank2.Level":        st.Tank2Level,
		"Plant.P1.WindingTemp":     st.WindingTemp,
		"Plant.P1.Current":         st.Current,
		"Plant.P1.Vibration":       st.Vibration,
		"Plant.P1.Power":           st.Power,
		"Plant.P1.Speed":           st.Speed,
		"Plant.Flow.Rate":          st.MeterFlow,
		"Plant.Flow.Totaliser":     st.Totaliser,
		"Plant.P1.RunHours":        st.RunHours,
		"Plant.P1.Energy":          math.Floor(st.EnergyWh),
		"Plant.P1.Starts":          float64(st.Starts),
		"Plant.V1.Position":        40,
		"Plant.Tank1.HighSetpoint": 1.8,
		"Plant.P1.TripLimit":       100,
		"Plant.AmbientTemp":        20,
	} {
		if got := v[name].Float(); math.Abs(got-want) > 1e-3*max(1, math.Abs(want)) {
			t.Errorf("%s = %v, plant has %g", name, v[name], want)
		}
	}
	if !v["Plant.P1.Auto"].Bool() || !v["Plant.Status.Auto"].Bool() || !v["Plant.P1.Enable"].Bool() ||
		v["Plant.P1.Running"].Bool() != st.Running || v["Plant.Status.Running"].Bool() != st.Running {
		t.Errorf("bits: auto %v/%v, enable %v, running %v/%v, plant running %v", v["Plant.P1.Auto"], v["Plant.Status.Auto"],
			v["Plant.P1.Enable"], v["Plant.P1.Running"], v["Plant.Status.Running"], st.Running)
	}
	for name, want := range map[string]string{"Plant.Name": sim.PlantName, "Plant.P1.Model": sim.PumpModel, "Plant.P1.Serial": sim.PumpSerial} {
		if got := v[name].Str(); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}

	// Writes: manual mode, a start, a setpoint, the enable bit of the
	// control word, and a setpoint the plant refuses.
	for _, w := range []struct {
		tag string
		v   tags.Value
	}{
		{"Plant.P1.Auto", tags.Bool(false)},
		{"Plant.P1.Start", tags.Bool(true)},
		{"Plant.Tank1.HighSetpoint", tags.Float(2.0)},
		{"Plant.P1.SpeedSetpoint", tags.Float(80)},
	} {
		if _, err := d.Write(t.Context(), id(w.tag), w.v); err != nil {
			t.Errorf("write %s: %v", w.tag, err)
		}
	}
	plant.Step(10 * time.Second)
	if st, set := plant.State(), plant.Settings(); !st.Running || set.Auto || set.HighSetpoint != 2 || set.Speed != 80 {
		t.Errorf("after the writes: running %v, settings %+v", st.Running, set)
	}
	if _, err := d.Write(t.Context(), id("Plant.P1.Enable"), tags.Bool(false)); err != nil {
		t.Errorf("write enable bit: %v", err)
	}
	if plant.Settings().Enabled || plant.State().Running {
		t.Error("clearing the enable bit did not stop the pump")
	}
	var de *drivers.DeviceError
	if _, err := d.Write(t.Context(), id("Plant.Tank1.LowSetpoint"), tags.Float(2.3)); !errors.As(err, &de) || de.Code != 3 {
		t.Errorf("low setpoint above high: %v, want exception 3", err)
	}

	if err := d.Close(); err != nil {
		t.Error(err)
	}
	if err := srv.Close(); err != nil {
		t.Error(err)
	}
	goleak.VerifyNone(t)
}
