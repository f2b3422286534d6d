package project

import (
	"reflect"
	"testing"
	"testing/fstest"
	"time"

	"github.com/sightglass/sightglass/alarms"
)

// TestLoadAlarms loads testdata/alarms: every kind of alarm, on tags of
// project.yaml, tags.csv and a device's system tags, with the section's
// defaults and an entry's area and suppress.
func TestLoadAlarms(t *testing.T) {
	p, err := Load("testdata/alarms")
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	const (
		level   = "Plant.Tank1.Level"
		running = "not Plant.P1.Running" // the entry's suppress
	)
	// The section's defaults: off_delay 5s, latched.
	off, latched := 5*time.Second, true
	want := []alarms.Def{
		{Tag: level, Kind: alarms.HiHi, Limit: 2.3, Priority: alarms.Critical, OffDelay: off, AckRequired: true,
			Latched: latched, Area: "Plant.Tanks", Suppress: running},
		// off_delay: 0s overrides the default.
		{Tag: level, Kind: alarms.Hi, Limit: 2.1, Priority: alarms.High, Deadband: 0.05, OnDelay: 2 * time.Second,
			Realarm: 30 * time.Minute, AckRequired: true, Latched: latched,
			Message: "Tank 1 high: {value} (limit {limit})", Area: "Plant.Tanks", Suppress: running},
		// Its own area and suppress; the priority in any case.
		{Tag: level, Kind: alarms.Lo, Limit: 0.4, Priority: alarms.Medium, OffDelay: off, AckRequired: true,
			Latched: latched, Area: "Plant.Low", Suppress: "Plant.Tank1.Setpoint < 0.5"},
		{Tag: level, Kind: alarms.LoLo, Limit: 0.2, Priority: alarms.High, OffDelay: off,
			Area: "Plant.Tanks", Suppress: running},
		{Tag: level, Kind: alarms.Deviation, Limit: 0.3, Setpoint: "Plant.Tank1.Setpoint", Priority: alarms.Low,
			OffDelay: off, AckRequired: true, Latched: latched, Area: "Plant.Tanks", Suppress: running},
		{Tag: level, Kind: alarms.Rate, Limit: 0.05, Priority: alarms.Low, OffDelay: off, AckRequired: true,
			Latched: latched, Area: "Plant.Tanks", Suppress: running},
		// value: yes is written as the tag prints it; the area from the name.
		{Tag: "Plant.P1.Running", Kind: alarms.State, State: "true", Priority: alarms.High, OffDelay: off,
			AckRequired: true, Latched: latched, Area: "Plant.P1"},
		// tags.csv's
		{Tag: "Plant.P1.Mode", Kind: alarms.State, State: "3", Priority: alarms.Low, OffDelay: off,
			AckRequired: true, Latched: latched, Area: "Plant.P1"},
		{Tag: "Plant.P1.Mode", Kind: alarms.Bad, Priority: alarms.Diagnostic, OffDelay: off,
			Latched: latched, Area: "Plant.P1"},
		{Tag: "_System.Devices.plc1.Connected", Kind: alarms.State, State: "false", Priority: alarms.Diagnostic,
			OffDelay: off, AckRequired: true, Latched: latched, Area: "_System.Devices.plc1"},
		// A name of one element is its own area.
		{Tag: "Unit", Kind: alarms.Bad, Priority: alarms.Diagnostic, OffDelay: off, AckRequired: true,
			Latched: latched, Area: "Unit"},
	}
	got := p.Alarms.Alarms
	if len(got) != len(want) {
		t.Fatalf("%d alarms, want %d:\n%+v", len(got), len(want), got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("alarm %d:\n got %+v\nwant %+v", i, got[i], want[i])
		}
	}
	wantShelve := alarms.DefaultMaxShelve
	wantShelve[alarms.Critical] = 30 * time.Minute
	wantShelve[alarms.Low] = 12 * time.Hour
	if p.Alarms.MaxShelve != wantShelve || !p.Alarms.RequireComment {
		t.Errorf("MaxShelve %v, RequireComment %v; want %v, true", p.Alarms.MaxShelve, p.Alarms.RequireComment, wantShelve)
	}
}

// TestAlarmsSection: the alarms section's defaults, and the values of a
// state alarm as each type of tag prints them.
func TestAlarmsSection(t *testing.T) {
	const head = `station: {name: S}
devices: [{name: plc1, driver: modbus-tcp, address: "127.0.0.1:502"}]
tags:
  - {name: A.Flag, device: plc1, address: "di:0", type: bool}
  - {name: A.Count, device: plc1, address: "ir:0", type: int16}
  - {name: A.Level, device: plc1, address: "ir:1", type: int16, scale: {raw: [0, 1000], eng: [0, 10]}}
  - {name: A.Text, device: plc1, address: "hr:0", type: "string:8"}
`
	none := alarms.Config{MaxShelve: alarms.DefaultMaxShelve}
	state := func(tag, v string) alarms.Config {
		c := none
		c.Alarms = []alarms.Def{{Tag: tag, Kind: alarms.State, State: v, Priority: alarms.Low, AckRequired: true, Area: "A"}}
		return c
	}
	for _, tc := range []struct {
		section string
		want    alarms.Config
	}{
		{"", none},
		{"alarms:", none},
		{"alarms: {}", none},
		{"alarms: {tags: [], shelve_max: {}, defaults: {}, require_comment: false}", none},
		{"alarms: {tags: [{tag: A.Flag, state: {value: TRUE, priority: low}}]}", state("A.Flag", "true")},
		{"alarms: {tags: [{tag: A.Flag, state: {value: 0, priority: low}}]}", state("A.Flag", "false")},
		{"alarms: {tags: [{tag: A.Count, state: {value: -16, priority: low}}]}", state("A.Count", "-16")},
		{"alarms: {tags: [{tag: A.Count, state: {value: 2.0, priority: low}}]}", state("A.Count", "2")},
		{"alarms: {tags: [{tag: A.Level, state: {value: 2.5, priority: low}}]}", state("A.Level", "2.5")},
		{"alarms: {tags: [{tag: A.Text, state: {value: 12, priority: low}}]}", state("A.Text", "12")},
	} {
		t.Run(tc.section, func(t *testing.T) {
			p, err := LoadFS(fstest.MapFS{"project.yaml": {Data: []byte(head + tc.section + "\n")}}, "p")
			if err != nil {
				t.Fatalf("LoadFS: %v", err)
			}
			if !reflect.DeepEqual(p.Alarms, tc.want) {
				t.Errorf("Alarms\n got %+v\nwant %+v", p.Alarms, tc.want)
			}
		})
	}
}

// checkAlarmConfig checks what a loaded project promises of its alarms,
// for FuzzLoad: every shelf limit set, and every alarm on a tag with a
// known kind and priority, non-negative deadband and delays, a limit
// where its kind has one, and an area.
func checkAlarmConfig(t *testing.T, p *Project) {
	t.Helper()
	for pr, d := range p.Alarms.MaxShelve {
		if d <= 0 {
			t.Fatalf("MaxShelve[%v] = %v", alarms.Priority(pr), d)
		}
	}
	for _, d := range p.Alarms.Alarms {
		if d.Tag == "" || d.Area == "" || d.Kind >= alarms.NumKinds || d.Priority >= alarms.NumPriorities ||
			d.Deadband < 0 || d.OnDelay < 0 || d.OffDelay < 0 || d.Realarm < 0 ||
			(d.Kind == alarms.Deviation || d.Kind == alarms.Rate) && d.Limit <= 0 ||
			(d.Kind == alarms.Deviation) != (d.Setpoint != "") || (d.Kind == alarms.State) != (d.State != "") {
			t.Fatalf("accepted alarm %+v", d)
		}
	}
}
