package project

import (
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/sightglass/sightglass/drivers"
	"github.com/sightglass/sightglass/drivers/opcua"
)

const opcuaProject = `station: {name: S}
devices:
  - name: ua1
    driver: opcua
    endpoint: opc.tcp://plc.example:4840/UA/Server
    identity: {username: operator, password_env: UA_PASS}
    poll: 250ms
  - name: ua2
    driver: opcua
    endpoint: opc.tcp://127.0.0.1:4841
    security_policy: None
    security_mode: None
    identity: anonymous
    mode: poll
  - name: ua3
    driver: opcua
    endpoint: opc.tcp://10.0.0.3
    security_policy: Aes256_Sha256_RsaPss
    security_mode: Sign
    identity: {certificate: pki/user.der, key: /etc/sightglass/user.pem}
tags:
  - {name: A.Level, device: ua1, address: "ns=2;s=Plant.Tank1.Level", type: float64, sampling: 100ms, queue: 10, deadband: {absolute: 0.1}}
  - {name: A.Flow, device: ua1, address: "ns=2;s=Plant.Flow", type: float32, deadband: {percent: 1}}
  - {name: A.Time, device: ua2, address: "i=2258", type: "string:40"}
  - {name: A.Guid, device: ua3, address: "ns=1;g=72962B91-FA75-4AE6-8D28-B404DC7DAF63", type: int32, writable: true}
`

func TestLoadOPCUA(t *testing.T) {
	p, err := LoadFS(fstest.MapFS{"project.yaml": {Data: []byte(opcuaProject)}}, "p")
	if err != nil {
		t.Fatalf("LoadFS: %v", err)
	}
	want := []drivers.DeviceConfig{
		{Name: "ua1", Driver: "opcua", Address: "opc.tcp://plc.example:4840/UA/Server", Poll: 250 * time.Millisecond, Timeout: time.Second,
			OPCUA: drivers.OPCUAConfig{Endpoint: "opc.tcp://plc.example:4840/UA/Server", SecurityPolicy: "Basic256Sha256", SecurityMode: "SignAndEncrypt",
				Identity: drivers.OPCUAIdentity{Username: "operator", PasswordEnv: "UA_PASS"},
				Items: map[string]drivers.OPCUAItem{
					"A.Level": {Sampling: 100 * time.Millisecond, Queue: 10, DeadbandAbs: 0.1},
					"A.Flow":  {DeadbandPercent: 1},
				}}},
		{Name: "ua2", Driver: "opcua", Address: "opc.tcp://127.0.0.1:4841", Poll: time.Second, Timeout: time.Second,
			OPCUA: drivers.OPCUAConfig{Endpoint: "opc.tcp://127.0.0.1:4841", SecurityPolicy: "None", SecurityMode: "None", Polling: true,
				Items: map[string]drivers.OPCUAItem{"A.Time": {}}}},
		{Name: "ua3", Driver: "opcua", Address: "opc.tcp://10.0.0.3", Poll: time.Second, Timeout: time.Second,
			OPCUA: drivers.OPCUAConfig{Endpoint: "opc.tcp://10.0.0.3", SecurityPolicy: "Aes256_Sha256_RsaPss", SecurityMode: "Sign",
				Identity: drivers.OPCUAIdentity{CertFile: "p/pki/user.der", KeyFile: "/etc/sightglass/user.pem"},
				Items:    map[string]drivers.OPCUAItem{"A.Guid": {}}}},
	}
	if !reflect.DeepEqual(p.Devices, want) {
		t.Errorf("Devices:\n got %+v\nwant %+v", p.Devices, want)
	}
	for _, d := range p.Devices {
		if errs := opcua.CheckDevice(&d); len(errs) > 0 {
			t.Errorf("device %s accepted by the project, refused by the driver: %v", d.Name, errs)
		}
	}
	if strings.Contains(opcuaProject, "password:") {
		t.Fatal("the example holds a password")
	}
}

// checkOPCUA is the fuzz invariant of opcua devices: whatever the project
// accepts, the driver accepts too.
func checkOPCUA(t *testing.T, p *Project) {
	t.Helper()
	for _, d := range p.Devices {
		if d.Driver != opcua.DriverName {
			continue
		}
		if errs := opcua.CheckDevice(&d); len(errs) > 0 {
			t.Fatalf("device %s accepted, refused by the driver: %v", d.Name, errs)
		}
	}
	for i := range p.Tags {
		def := &p.Tags[i]
		for _, d := range p.Devices {
			if d.Name != def.Device || d.Driver != opcua.DriverName {
				continue
			}
			if errs := append(opcua.CheckTag(def), opcua.CheckItem(d.OPCUA.Items[def.Name], def.Type)...); len(errs) > 0 {
				t.Fatalf("tag %s accepted, refused by the driver: %v", def.Name, errs)
			}
		}
	}
}
