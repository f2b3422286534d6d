package project

import (
	"testing"
	"testing/fstest"
	"time"
)

// TestSecuritySection: the values a security section accepts, and the
// defaults of what it leaves out, in a project that is otherwise empty.
func TestSecuritySection(t *testing.T) {
	def := Security{MinPassword: 10, LockoutAfter: 5, LockoutFor: 15 * time.Minute}
	for _, tc := range []struct {
		section string
		want    Security
		problem string // the one problem, without "p/project.yaml:2: "
	}{
		{"", def, ""},
		{"security:", def, ""},
		{"security: {}", def, ""},
		{"security: {idle_timeout: 0}", def, ""},
		{"security: {idle_timeout: 0s, min_password: 10, lockout_after: 5, lockout_for: 15m}", def, ""},
		{"security: {idle_timeout: 15m, min_password: 12, lockout_after: 3, lockout_for: 1h30m}",
			Security{15 * time.Minute, 12, 3, 90 * time.Minute}, ""},
		{"security: {idle_timeout: 8h}", Security{8 * time.Hour, 10, 5, 15 * time.Minute}, ""},
		// The bounds themselves.
		{"security: {min_password: 8, lockout_after: 1, lockout_for: 1ms}", Security{0, 8, 1, time.Millisecond}, ""},
		{"security: {min_password: 64, lockout_after: 100}", Security{0, 64, 100, 15 * time.Minute}, ""},
		{"security: {min_password: 0x10}", Security{0, 16, 5, 15 * time.Minute}, ""},
		// Null is not given: the default.
		{"security: {idle_timeout: ~, min_password: ~, lockout_after: ~, lockout_for: ~}", def, ""},

		{"security: {min_password: 7}", Security{}, "min_password: want 8 to 64 characters, got 7"},
		{"security: {min_password: 65}", Security{}, "min_password: want 8 to 64 characters, got 65"},
		{"security: {min_password: '12'}", Security{}, `min_password: want a whole number, got "12"`},
		{"security: {lockout_after: 0}", Security{}, "lockout_after: want 1 to 100 failed sign-ins, got 0"},
		{"security: {lockout_after: -3}", Security{}, "lockout_after: want 1 to 100 failed sign-ins, got -3"},
		{"security: {lockout_after: 101}", Security{}, "lockout_after: want 1 to 100 failed sign-ins, got 101"},
		{"security: {lockout_for: 0}", Security{}, `lockout_for: want a duration more than zero as 5m, 15m or 1h, got "0"`},
		{"security: {lockout_for: -15m}", Security{}, `lockout_for: want a duration more than zero as 5m, 15m or 1h, got "-15m"`},
		{"security: {lockout_for: 1d}", Security{}, `lockout_for: want a duration more than zero as 5m, 15m or 1h, got "1d"`},
		{"security: {idle_timeout: -1s}", Security{}, `idle_timeout: want a duration 0 or more as 15m or 8h (0 never signs out), got "-1s"`},
		{"security: {idle_timeout: never}", Security{}, `idle_timeout: want a duration 0 or more as 15m or 8h (0 never signs out), got "never"`},
		{"security: {idle_timeout: {m: 15}}", Security{}, `idle_timeout: want a duration 0 or more as 15m or 8h (0 never signs out), got a mapping`},
		{"security: {lockout: 15m}", Security{}, `unknown key "lockout" in security (want idle_timeout, min_password, lockout_after, lockout_for)`},
		{"security: [idle_timeout]", Security{}, `security: want a mapping as {idle_timeout: 15m, min_password: 10, lockout_after: 5, lockout_for: 15m}, got a list`},
	} {
		t.Run(tc.section, func(t *testing.T) {
			p, err := LoadFS(fstest.MapFS{"project.yaml": {Data: []byte("station: {name: S}\n" + tc.section + "\n")}}, "p")
			if tc.problem == "" {
				if err != nil {
					t.Fatalf("LoadFS: %v", err)
				}
				if p.Security != tc.want {
					t.Errorf("Security %+v, want %+v", p.Security, tc.want)
				}
				return
			}
			if want := "p/project.yaml:2: " + tc.problem; err == nil || err.Error() != want {
				t.Errorf("error %v\nwant %s", err, want)
			}
		})
	}
}

// TestCriticalTags: critical in project.yaml and tags.csv, written as
// writable is, on writable tags; false and not given are not critical.
func TestCriticalTags(t *testing.T) {
	const yaml = `station: {name: S}
devices: [{name: plc1, driver: modbus-tcp, address: "127.0.0.1:502"}]
tags:
  - {name: Y.Reset, device: plc1, address: "co:0", type: bool, writable: true, critical: true}
  - {name: Y.Start, device: plc1, address: "co:1", type: bool, writable: true, critical: no}
  - {name: Y.Speed, device: plc1, address: "hr:0", type: int16, writable: true, critical: 1}
  - {name: Y.Stop, device: plc1, address: "co:2", type: bool, writable: true}
  - {name: Y.Running, device: plc1, address: "di:0", type: bool, critical: false}
`
	const csv = "name,device,address,type,writable,critical\r\n" +
		"C.Reset,plc1,co:10,bool,true,TRUE\r\n" +
		"C.Start,plc1,co:11,bool,yes,\r\n" + // empty: not given
		"C.Speed,plc1,hr:10,int16,1,yes\r\n" +
		"C.Stop,plc1,co:12,bool,true,0\r\n" +
		"C.Running,plc1,di:10,bool,,no\r\n"
	p, err := LoadFS(fstest.MapFS{"project.yaml": {Data: []byte(yaml)}, "tags.csv": {Data: []byte(csv)}}, "p")
	if err != nil {
		t.Fatalf("LoadFS: %v", err)
	}
	want := map[string]bool{
		"Y.Reset": true, "Y.Start": false, "Y.Speed": true, "Y.Stop": false, "Y.Running": false,
		"C.Reset": true, "C.Start": false, "C.Speed": true, "C.Stop": false, "C.Running": false,
	}
	if len(p.Tags) != len(want) {
		t.Fatalf("%d tags, want %d", len(p.Tags), len(want))
	}
	for _, d := range p.Tags {
		if d.Critical != want[d.Name] {
			t.Errorf("%s: Critical %v, want %v", d.Name, d.Critical, want[d.Name])
		}
	}
}

// TestCriticalElements: critical on buttons and setpoints, given or not,
// on tags critical or not. The element keeps what its file says: a
// write through it is signed when either it or its tag is critical.
func TestCriticalElements(t *testing.T) {
	const yaml = `station: {name: S}
devices: [{name: plc1, driver: modbus-tcp, address: "127.0.0.1:502"}]
tags:
  - {name: A.Reset, device: plc1, address: "co:0", type: bool, writable: true, critical: true}
  - {name: A.Start, device: plc1, address: "co:1", type: bool, writable: true}
  - {name: A.Speed, device: plc1, address: "hr:0", type: int16, writable: true}
`
	const screen = `title: S
level: 1
size: [400, 300]
elements:
  - {kind: button, tag: A.Start, text: Start, critical: true, x: 0, y: 0, w: 80, h: 30}
  - {kind: button, tag: A.Start, text: Start, critical: false, x: 0, y: 40, w: 80, h: 30}
  - {kind: button, tag: A.Reset, text: Reset, x: 0, y: 80, w: 80, h: 30}
  - {kind: setpoint, tag: A.Speed, critical: yes, x: 100, y: 0, w: 80, h: 30}
  - {kind: setpoint, tag: A.Speed, x: 100, y: 40, w: 80, h: 30}
`
	p, err := LoadFS(fstest.MapFS{"project.yaml": {Data: []byte(yaml)}, "screens/s.yaml": {Data: []byte(screen)}}, "p")
	if err != nil {
		t.Fatalf("LoadFS: %v", err)
	}
	want := []bool{true, false, false, true, false}
	els := p.Screens[0].Elements
	if len(els) != len(want) {
		t.Fatalf("%d elements, want %d", len(els), len(want))
	}
	for i, el := range els {
		if el.Critical != want[i] {
			t.Errorf("element %d (line %d, %s %s): Critical %v, want %v", i, el.Line, el.Kind, el.Tag, el.Critical, want[i])
		}
	}
}

// checkSecurity checks what a loaded project promises of its security
// settings and critical tags, for FuzzLoad and FuzzCSV: every setting in
// range, and only writable tags critical.
func checkSecurity(t *testing.T, p *Project) {
	t.Helper()
	s := p.Security
	if s.IdleTimeout < 0 || s.MinPassword < minMinPassword || s.MinPassword > maxMinPassword ||
		s.LockoutAfter < minLockoutAfter || s.LockoutAfter > maxLockoutAfter || s.LockoutFor <= 0 {
		t.Fatalf("accepted security %+v", s)
	}
	for _, d := range p.Tags {
		if d.Critical && !d.Writable {
			t.Fatalf("accepted critical tag %q that is not writable", d.Name)
		}
	}
	for _, sc := range p.Screens {
		for _, el := range sc.Elements {
			if el.Critical && el.Kind != KindButton && el.Kind != KindSetpoint {
				t.Fatalf("accepted a critical %s", el.Kind)
			}
		}
	}
}
