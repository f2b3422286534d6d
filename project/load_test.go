package project

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/sightglass/sightglass/drivers"
	"github.com/sightglass/sightglass/tags"
)

var update = flag.Bool("update", false, "rewrite testdata/bad/*/want.txt from what Load reports")

func TestLoadGood(t *testing.T) {
	p, err := Load("testdata/good")
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if p.Dir != "testdata/good" || p.Station.Name != "North pump house" {
		t.Errorf("Dir %q, Station %+v", p.Dir, p.Station)
	}
	wantDevices := []drivers.DeviceConfig{
		{Name: "plc1", Driver: "modbus-tcp", Address: "127.0.0.1:5020", Unit: 3,
			Poll: 500 * time.Millisecond, Timeout: 250 * time.Millisecond, MaxGap: 0},
		// modbus-rtu with defaults: unit 1, 1s, 1s, gap 10, 8 data bits, 1 stop bit.
		{Name: "meter-2", Driver: "modbus-rtu", Address: "/dev/ttyUSB0", Unit: 1,
			Poll: time.Second, Timeout: time.Second, MaxGap: 10,
			Serial: drivers.SerialConfig{Baud: 19200, Parity: "E", DataBits: 8, StopBits: 1}},
		// modbus-tcp with defaults; no serial settings.
		{Name: "plc3", Driver: "modbus-tcp", Address: "10.0.0.7:502", Unit: 1,
			Poll: time.Second, Timeout: time.Second, MaxGap: 10},
	}
	wantTags := []tags.Def{
		// project.yaml
		{Name: "Area1.Tank1.Level", Device: "plc1", Address: "hr:0", Type: tags.TypeFloat32, Order: "CDAB",
			Scale: &tags.Scale{Raw: [2]float64{0, 4095}, Eng: [2]float64{0, 100}},
			Units: "%", Description: "Tank 1 level", Poll: 250 * time.Millisecond},
		{Name: "Area1.Pump1.Running", Device: "plc1", Address: "co:3", Type: tags.TypeBool, Writable: true},
		// from the merge key <<: *pump
		{Name: "Area1.Pump2.Running", Device: "plc1", Address: "co:4", Type: tags.TypeBool, Writable: true},
		{Name: "Area1.Pump1.Fault", Device: "plc1", Address: "hr:10.3", Type: tags.TypeBool},
		{Name: "Area1.Tag_Name-1", Device: "plc1", Address: "ir:100", Type: tags.TypeString, StrLen: 20},
		{Name: "Flow.Meter2.Total", Device: "meter-2", Address: "ir:0", Type: tags.TypeFloat64, Order: "DCBA",
			Scale: &tags.Scale{Raw: [2]float64{0, 1e6}, Eng: [2]float64{0, 1500}}},
		// tags.csv
		{Name: "Area2.Valve1.Open", Device: "plc3", Address: "di:7", Type: tags.TypeBool, Description: "Valve 1, open limit"},
		{Name: "Area2.Valve1.Setpoint", Device: "plc3", Address: "hr:20", Type: tags.TypeInt16, Units: "bar",
			Description: "Setpoint", Writable: true, Poll: 2 * time.Second,
			Scale: &tags.Scale{Raw: [2]float64{0, 1000}, Eng: [2]float64{0, 10}}},
		{Name: "Area2.Counter", Device: "plc3", Address: "hr:21", Type: tags.TypeUint32, Order: "BADC"},
		{Name: "Area2.Note", Device: "plc3", Address: "hr:30", Type: tags.TypeString, StrLen: 8, Description: "multi\nline"},
	}
	if !reflect.DeepEqual(p.Devices, wantDevices) {
		t.Errorf("Devices:\n got %+v\nwant %+v", p.Devices, wantDevices)
	}
	if len(p.Tags) != len(wantTags) {
		t.Fatalf("%d tags, want %d", len(p.Tags), len(wantTags))
	}
	for i := range wantTags {
		if got, want := p.Tags[i], wantTags[i]; !reflect.DeepEqual(got, want) {
			t.Errorf("tag %d:\n got %+v (scale %v)\nwant %+v (scale %v)", i, got, got.Scale, want, want.Scale)
		}
	}

	// raw: 52w, rollups: 10y, partition by default.
	day := 24 * time.Hour
	if want := (History{Raw: 52 * 7 * day, Rollups: 10 * 365 * day, Partition: day}); p.History != want {
		t.Errorf("History %+v, want %+v", p.History, want)
	}
	wantHist := []TagHistory{
		// project.yaml
		{ExcDev: 0.5, ExcMax: 10 * time.Minute, CompDev: 0.2, CompMax: 4 * time.Hour}, // excmax by default
		{Off: true},
		{Off: true}, // from the merge key
		{},          // no history key
		{},          // history: yes
		{ExcDev: 0, ExcMax: time.Minute},
		// tags.csv
		{Off: true},
		{ExcDev: 0.05, ExcMax: 30 * time.Second, CompDev: 0.1, CompMax: day},
		{ExcDev: 1, ExcMax: 10 * time.Minute},
		{},
	}
	if !reflect.DeepEqual(p.TagHistory, wantHist) {
		t.Errorf("TagHistory:\n got %+v\nwant %+v", p.TagHistory, wantHist)
	}
}

// TestHistorySection: the durations a history section accepts, and its
// default, in a project that is otherwise empty.
func TestHistorySection(t *testing.T) {
	const day = 24 * time.Hour
	for _, tc := range []struct {
		section string
		want    History
		problem string // the one problem, without "p/project.yaml:N: "
	}{
		{"", History{Partition: day}, ""},
		{"history:", History{Partition: day}, ""},
		{"history: {}", History{Partition: day}, ""},
		{"history: {raw: 90m, rollups: 2w, partition: 1h}", History{90 * time.Minute, 14 * day, time.Hour}, ""},
		{"history: {raw: 1y, rollups: 365d, partition: 31d}", History{365 * day, 365 * day, 31 * day}, ""},
		{"history: {raw: 1h30m, rollups: +7d, partition: 744h}", History{90 * time.Minute, 7 * day, 31 * day}, ""},
		{"history: {raw: 292y}", History{292 * 365 * day, 0, day}, ""},
		{"history: {raw: 293y}", History{}, `raw: "293y" is too long: at most 292y`},
		{"history: {raw: 99999999999999999999d}", History{}, `raw: "99999999999999999999d" is too long: at most 292y`},
		{"history: {raw: 1.5d}", History{}, `raw: want a duration as 90m, 24h, 30d, 2w or 10y, got "1.5d"`},
		{"history: {raw: 10Y}", History{}, `raw: want a duration as 90m, 24h, 30d, 2w or 10y, got "10Y"`},
		{"history: {raw: 1d12h}", History{}, `raw: want a duration as 90m, 24h, 30d, 2w or 10y, got "1d12h"`},
		{"history: {raw: -5d}", History{}, `raw: want a duration more than zero, got "-5d"; omit it to keep forever`},
		{"history: {rollups: 0}", History{}, `rollups: want a duration more than zero, got "0"; omit it to keep forever`},
		{"history: {partition: 59m}", History{}, `partition: want 1h to 31d, got "59m"`},
		{"history: {partition: 5w}", History{}, `partition: want 1h to 31d, got "5w"`},
		{"history: {raw: 1d, rollups: 23h}", History{}, `rollups are kept 23h, less than the raw samples' 1d`},
		{"history: {rollups: 10y}", History{}, `rollups are kept 10y, less than the raw samples, which are kept forever: set raw too`},
		{"history: 24h", History{}, `history: want a mapping as {raw: 365d, rollups: 10y, partition: 24h}, got "24h"`},
	} {
		t.Run(tc.section, func(t *testing.T) {
			p, err := LoadFS(fstest.MapFS{"project.yaml": {Data: []byte("station: {name: S}\n" + tc.section + "\n")}}, "p")
			if tc.problem == "" {
				if err != nil {
					t.Fatalf("LoadFS: %v", err)
				}
				if p.History != tc.want {
					t.Errorf("History %+v, want %+v", p.History, tc.want)
				}
				return
			}
			if want := "p/project.yaml:2: " + tc.problem; err == nil || err.Error() != want {
				t.Errorf("error %v\nwant %s", err, want)
			}
		})
	}
}

// TestLoadBad loads every project under testdata/bad and compares the
// problems, one per line, with its want.txt.
func TestLoadBad(t *testing.T) { checkBadProjects(t, "testdata/bad") }

// checkBadProjects loads every project folder under root and compares its
// problems with the folder's want.txt, exactly (-update rewrites them).
func checkBadProjects(t *testing.T, root string) {
	t.Helper()
	cases, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		dir := filepath.ToSlash(filepath.Join(root, c.Name()))
		t.Run(c.Name(), func(t *testing.T) {
			p, err := Load(dir)
			var ps Problems
			if !errors.As(err, &ps) || p != nil {
				t.Fatalf("Load = %v, %v; want nil, Problems", p, err)
			}
			got := err.Error() + "\n"
			wantFile := filepath.Join(dir, "want.txt")
			if *update {
				if err := os.WriteFile(wantFile, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(wantFile)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Errorf("problems:\n%s\nwant:\n%s", got, want)
			}
			if len(ps) != strings.Count(got, "\n") {
				t.Errorf("%d problems but %d lines: a message spans lines", len(ps), strings.Count(got, "\n"))
			}
		})
	}
}

func TestProblemString(t *testing.T) {
	for _, tc := range []struct {
		p    Problem
		want string
	}{
		{Problem{"dir/project.yaml", 12, `unknown key "adress" in tag`}, `dir/project.yaml:12: unknown key "adress" in tag`},
		{Problem{"dir/project.yaml", 0, "no such file"}, "dir/project.yaml: no such file"},
	} {
		if got := tc.p.String(); got != tc.want {
			t.Errorf("String() = %q, want %q", got, tc.want)
		}
	}
	ps := Problems{{"a", 1, "x"}, {"b", 0, "y"}}
	if got := ps.Error(); got != "a:1: x\nb: y" {
		t.Errorf("Error() = %q", got)
	}
}

func TestLoadFS(t *testing.T) {
	yaml := "station:\n  name: S\ndevices:\n  - {name: d, driver: modbus-tcp, address: 'h:1'}\n"
	for _, tc := range []struct {
		name string
		fsys fstest.MapFS
		dir  string
		want string // Problems, or "" for a project
	}{
		{"no files", fstest.MapFS{}, "p", "p/project.yaml: no such file"},
		{"no dir", fstest.MapFS{}, "", "project.yaml: no such file"},
		{"yaml only", fstest.MapFS{"project.yaml": {Data: []byte(yaml)}}, "p", ""},
		{"empty csv", fstest.MapFS{"project.yaml": {Data: []byte(yaml)}, "tags.csv": {Data: nil}}, "p", ""},
		{"csv header only, with BOM", fstest.MapFS{"project.yaml": {Data: []byte(yaml)},
			"tags.csv": {Data: []byte("\xef\xbb\xbfName,Device,Address,Type\r\n")}}, "p", ""},
		{"csv is a folder", fstest.MapFS{"project.yaml": {Data: []byte(yaml)}, "tags.csv/x": {Data: nil}}, "p",
			"p/tags.csv: "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := LoadFS(tc.fsys, tc.dir)
			if tc.want == "" {
				if err != nil || p == nil {
					t.Fatalf("LoadFS = %v, %v", p, err)
				}
				return
			}
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Fatalf("LoadFS error %v, want %q", err, tc.want)
			}
		})
	}
}

// TestLoadMergeBomb: merge keys that would expand to 10^9 pairs stop
// early, with a problem, instead of running for hours.
func TestLoadMergeBomb(t *testing.T) {
	var b strings.Builder
	b.WriteString("station: {name: S}\ntags:\n  - &l0 {name: A.B, device: d, address: hr:0, type: int16}\n")
	for i := 1; i <= 9; i++ {
		refs := strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*l%d, ", i-1), 10), ", ")
		fmt.Fprintf(&b, "  - &l%d {<<: [%s]}\n", i, refs)
	}
	_, err := LoadFS(fstest.MapFS{"project.yaml": {Data: []byte(b.String())}}, "p")
	if err == nil || !strings.Contains(err.Error(), "nests or repeats too deeply") {
		t.Fatalf("error %v, want a merge problem", err)
	}
}
