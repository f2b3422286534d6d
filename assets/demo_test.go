package assets_test

import (
	"bytes"
	"io/fs"
	"strconv"
	"testing"
	"time"

	"github.com/sightglass/sightglass/assets"
	"github.com/sightglass/sightglass/project"
	"github.com/sightglass/sightglass/sim"
	"github.com/sightglass/sightglass/tags"
)

func loadDemo(t *testing.T) *project.Project {
	t.Helper()
	p, err := project.LoadFS(assets.Demo(), "demo")
	if err != nil {
		t.Fatalf("the demo project does not load:\n%v", err)
	}
	return p
}

func TestDemoLoads(t *testing.T) {
	p := loadDemo(t)
	if p.Station.Name != "Demo water plant" {
		t.Errorf("station name %q", p.Station.Name)
	}
	if len(p.Devices) != 2 {
		t.Fatalf("%d devices, want 2 (the plant over Modbus TCP and over OPC UA)", len(p.Devices))
	}
	if ua := p.Devices[1]; ua.Name != "plant-ua" || ua.Driver != "opcua" || ua.OPCUA.SecurityPolicy != "None" {
		t.Errorf("device %+v", ua)
	}
	d := p.Devices[0]
	if d.Name != "plant" || d.Driver != "modbus-tcp" || d.Address != "127.0.0.1:5020" || d.Unit != 1 ||
		d.Poll != 500*time.Millisecond || d.Timeout != 500*time.Millisecond {
		t.Errorf("device %+v", d)
	}
	fast := 0
	for _, def := range p.Tags {
		if def.Poll != 0 && def.Poll < d.Poll {
			fast++
		}
	}
	if fast == 0 {
		t.Error("no tag polls faster than its device")
	}
}

func TestDemoUsesBothFiles(t *testing.T) {
	for _, name := range []string{project.YAMLFile, project.CSVFile} {
		data, err := fs.ReadFile(assets.Demo(), name)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(data, []byte("Plant.")) {
			t.Errorf("%s declares no tag", name)
		}
	}
}

// typeName writes a tag's type as a project does.
func typeName(def *tags.Def) string {
	if def.Type == tags.TypeString {
		return "string:" + strconv.Itoa(def.StrLen)
	}
	return def.Type.String()
}

// TestDemoCoversThePlant checks the demo project against the simulator's
// register map, row by row: every register the plant serves has its tag,
// at its address, with its type, order, scale, units and writability, and
// the project has no tag the plant does not serve.
func TestDemoCoversThePlant(t *testing.T) {
	p := loadDemo(t)
	byName := map[string]*tags.Def{}
	uaNodes := map[string]bool{}
	for _, n := range sim.OPCUANodes() {
		uaNodes[n] = true
	}
	for i := range p.Tags {
		def := &p.Tags[i]
		if def.Device == "plant-ua" { // read over OPC UA: a node the plant serves
			if !uaNodes[def.Address] {
				t.Errorf("%s (%s): the plant serves no such OPC UA node", def.Name, def.Address)
			}
			continue
		}
		byName[def.Name] = def
	}
	for _, r := range sim.Registers() {
		def, ok := byName[r.Tag]
		if !ok {
			t.Errorf("%s (%s): no tag in the demo project", r.Tag, r.Address())
			continue
		}
		delete(byName, r.Tag)
		order := def.Order
		if order == "" && (r.Words() == 2 || r.Words() == 4) {
			order = "ABCD"
		}
		switch {
		case def.Device != "plant" || def.Address != r.Address():
			t.Errorf("%s: device %q address %s, want plant %s", r.Tag, def.Device, def.Address, r.Address())
		case typeName(def) != r.Type:
			t.Errorf("%s: type %s, want %s", r.Tag, typeName(def), r.Type)
		case order != r.Order:
			t.Errorf("%s: order %q, want %q", r.Tag, def.Order, r.Order)
		case def.Writable != r.Writable:
			t.Errorf("%s: writable %v, want %v", r.Tag, def.Writable, r.Writable)
		case def.Units != r.Units:
			t.Errorf("%s: units %q, want %q", r.Tag, def.Units, r.Units)
		case (def.Scale == nil) != (r.Scale == nil),
			def.Scale != nil && (def.Scale.Raw != r.Scale.Raw || def.Scale.Eng != r.Scale.Eng):
			t.Errorf("%s: scale %+v, want %+v", r.Tag, def.Scale, r.Scale)
		case def.Description == "":
			t.Errorf("%s: no description", r.Tag)
		}
	}
	for name, def := range byName {
		t.Errorf("%s (%s): the plant serves nothing there", name, def.Address)
	}
}
