package project

import (
	"path/filepath"
	"reflect"
	"testing"
	"testing/fstest"

	"github.com/sightglass/sightglass/drivers/modbus"
	"github.com/sightglass/sightglass/gateway"
	"github.com/sightglass/sightglass/tags"
)

// TestGatewaySection: a full gateway section, its defaults, and no
// section at all (off).
func TestGatewaySection(t *testing.T) {
	const head = `station: {name: S}
devices: [{name: plc1, driver: modbus-tcp, address: "127.0.0.1:502"}]
tags:
  - {name: Plant.Tank1.Level, device: plc1, address: "hr:0", type: uint16, scale: {raw: [0, 4095], eng: [0, 100]}}
  - {name: Plant.Pump1.Running, device: plc1, address: "co:0", type: bool, writable: true}
  - {name: Plant.Name, device: plc1, address: "hr:10", type: "string:8"}
`
	files := func(section string) fstest.MapFS {
		return fstest.MapFS{"project.yaml": {Data: []byte(head + section)}, "tls/server.pem": {}, "tls/server.key": {}, "tls/ca.pem": {}}
	}
	p, err := LoadFS(files(""), "p")
	if err != nil {
		t.Fatal(err)
	}
	if p.Gateway.Enabled() {
		t.Errorf("no section, but %+v", p.Gateway)
	}

	p, err = LoadFS(files(`gateway:
  opcua:
  modbus:
    tls: {cert: tls/server.pem, key: tls/server.key, client_ca: tls/ca.pem}
    roles: {operator: gw-operator, engineer: gw-eng}
    map:
      - {tag: Plant.Tank1.Level, area: hr, address: 0}
      - {tag: Plant.Tank1.Level, area: ir, address: 0, type: int16, order: ABCD, scale: {raw: [0, 1000], eng: [0, 100]}}
      - {tag: Plant.Pump1.Running, area: co, address: 0}
      - {tag: Plant.Name, area: hr, address: 2}
      - {tag: _System.Devices.plc1.Connected, area: di, address: 0}
`), "p")
	if err != nil {
		t.Fatal(err)
	}
	want := gateway.Config{Station: "S",
		OPCUA: &gateway.OPCUAConfig{Listen: "127.0.0.1:4840"},
		Modbus: &gateway.ModbusConfig{Listen: "127.0.0.1:5502",
			TLS:   &gateway.TLSConfig{Cert: filepath.Join("p", "tls/server.pem"), Key: filepath.Join("p", "tls/server.key"), ClientCA: filepath.Join("p", "tls/ca.pem")},
			Roles: map[string]string{"operator": "gw-operator", "engineer": "gw-eng"},
			Map: []gateway.Register{
				{Tag: "Plant.Tank1.Level", Area: modbus.HoldingRegisters, Offset: 0, Type: tags.TypeFloat32},
				{Tag: "Plant.Tank1.Level", Area: modbus.InputRegisters, Offset: 0, Type: tags.TypeInt16, Order: "ABCD", Scale: &tags.Scale{Raw: [2]float64{0, 1000}, Eng: [2]float64{0, 100}}},
				{Tag: "Plant.Pump1.Running", Area: modbus.Coils, Offset: 0, Type: tags.TypeBool},
				{Tag: "Plant.Name", Area: modbus.HoldingRegisters, Offset: 2, Type: tags.TypeString, StrLen: 8},
				{Tag: "_System.Devices.plc1.Connected", Area: modbus.DiscreteInputs, Offset: 0, Type: tags.TypeBool},
			}}}
	if !reflect.DeepEqual(p.Gateway, want) {
		t.Errorf("gateway\n%+v\n%+v\nwant\n%+v\n%+v", p.Gateway.OPCUA, p.Gateway.Modbus, want.OPCUA, want.Modbus)
	}

	for _, ok := range []string{
		"gateway: {opcua: {listen: \"0.0.0.0:4840\", insecure: true}}",
		"gateway: {opcua: {listen: \"[::1]:4840\"}}",
		"gateway: {opcua: {listen: \"localhost:0\"}}",
		"gateway: {modbus: {listen: \"0.0.0.0:502\", allow_plain_writes: true, plain_user: gw}}",
	} {
		if _, err := LoadFS(files(ok), "p"); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
}
