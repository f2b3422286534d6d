package project

import (
	"testing"
	"testing/fstest"
	"time"

	"github.com/sightglass/sightglass/models"
	"github.com/sightglass/sightglass/tags"
)

func TestLoadModels(t *testing.T) {
	fsys := fstest.MapFS{YAMLFile: {Data: []byte(`station: {name: Models}
devices:
  - {name: plc1, driver: modbus-tcp, address: "127.0.0.1:502"}
tags:
  - {name: Plant.Flow.Rate, device: plc1, address: "ir:0", type: float32, units: m3/h}
  - {name: Plant.P1.Vibration, device: plc1, address: "ir:2", type: float32, units: mm/s}
  - {name: Plant.P1.Running, device: plc1, address: "di:0", type: bool}
models:
  - name: Plant.Calc.TotalFlow
    expr: "Plant.Flow.Rate * 2 + 1"
  - name: Plant.Calc.Flowing
    expr: "Plant.Calc.TotalFlow > 3 and Plant.P1.Running"
  - name: Plant.P1.Health
    kind: ewma
    inputs: {x: Plant.P1.Vibration}
    params: {lambda: 0.2, L: 3}
    every: 1s
    train: 7d
alarms:
  tags:
    - tag: Plant.P1.Health.alarm
      state: {value: true, priority: high}
    - tag: Plant.Calc.TotalFlow
      hi: {limit: 100, priority: low}
`)}}
	p, err := LoadFS(fsys, "m")
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Models) != 3 {
		t.Fatalf("models %+v", p.Models)
	}
	calc, ewma := p.Models[0], p.Models[2]
	if calc.Kind != models.ExprKind || calc.Expr != "Plant.Flow.Rate * 2 + 1" || calc.Line != 9 || calc.File != "m/project.yaml" {
		t.Errorf("calc %+v", calc)
	}
	if ewma.Kind != "ewma" || ewma.Inputs["x"] != "Plant.P1.Vibration" || ewma.Params["lambda"] != 0.2 ||
		ewma.Params["L"] != 3 || ewma.Every != time.Second || ewma.Train != 7*24*time.Hour {
		t.Errorf("ewma %+v", ewma)
	}
	want := map[string]tags.DataType{
		"Plant.Calc.TotalFlow": tags.TypeFloat64, "Plant.Calc.Flowing": tags.TypeBool,
		"Plant.P1.Health.ewma": tags.TypeFloat64, "Plant.P1.Health.alarm": tags.TypeBool,
	}
	got := map[string]tags.DataType{}
	for _, d := range p.ModelTags {
		got[d.Name] = d.Type
	}
	for name, dt := range want {
		if got[name] != dt {
			t.Errorf("output %s: %v, want %v (outputs %v)", name, got[name], dt, got)
		}
	}
	if len(p.Alarms.Alarms) != 2 {
		t.Errorf("alarms on model outputs: %d", len(p.Alarms.Alarms))
	}
}
