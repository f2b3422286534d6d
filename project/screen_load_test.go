package project

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

// TestLoadScreensGood decodes every kind and key of the screen format,
// and the defaults, exactly.
func TestLoadScreensGood(t *testing.T) {
	const dir = "testdata/screens/good"
	p, err := Load(dir)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	file := func(name string) string { return filepath.Join(dir, "screens", name+".yaml") }
	want := []Screen{
		{Name: "area", File: file("area"), Level: 2, Title: "Area: tank and pump", Parent: "overview", Width: 1024, Height: 768.5,
			Elements: []Element{
				{Kind: KindValue, Line: 7, X: 1.5, Y: 2, W: 100, H: 20, Tag: "A.Temp", Format: "%.1f %%"},
				{Kind: KindIndicator, Line: 14, X: 10, Y: 30, W: 30, H: 200, Tag: "A.Temp", Min: -20, Max: 150,
					NormalLo: 20, NormalHi: 80, HasNormal: true,
					AlarmLo: 0, AlarmHi: 100, HasAlarmLim: true, HasAlarmLo: true, HasAlarmHi: true},
				// <<: *gauge, with its own alarm and x.
				{Kind: KindIndicator, Line: 25, X: 50, Y: 30, W: 30, H: 200, Tag: "A.Temp", Min: -20, Max: 150,
					NormalLo: 20, NormalHi: 80, HasNormal: true,
					AlarmHi: 100, HasAlarmLim: true, HasAlarmHi: true},
				{Kind: KindIndicator, Line: 28, X: 90, Y: 30, W: 30, H: 200, Tag: "A.Temp", Max: 150,
					AlarmLo: 5, HasAlarmLim: true, HasAlarmLo: true},
				{Kind: KindBar, Line: 29, X: 130, Y: 30, W: 200, H: 20, Tag: "A.Pump.Speed", Min: 30, Max: 100,
					AlarmLo: 40, HasAlarmLim: true, HasAlarmLo: true, Horizontal: true},
				{Kind: KindTank, Line: 30, X: 130, Y: 60, W: 100, H: 200, Tag: "A.Tank.Level", Min: 0.5, Max: 2.5},
				{Kind: KindMultiState, Line: 31, X: 240, Y: 60, W: 100, H: 20, Tag: "A.Status",
					States: map[int]string{0: "Idle", 1: "Running", 4: "Tripped", -1: "Fault"}, Abnormal: []int{4, -1}},
				{Kind: KindSymbol, Line: 43, X: 240, Y: 90, W: 64, H: 64, Symbol: "valve", Tag: "A.Valve.Position",
					Running: "A.Pump.Running", Fault: "A.Pump.Tripped"},
				{Kind: KindSymbol, Line: 44, X: 310, Y: 90, W: 64, H: 64, Symbol: "fan"},
				{Kind: KindSparkline, Line: 45, X: 10, Y: 300, W: 200, H: 40, Tag: "A.Pump.Running", Minutes: 60, Min: 0, Max: 1},
				{Kind: KindSparkline, Line: 46, X: 10, Y: 350, W: 200, H: 40, Tag: "A.Temp", Minutes: 1440, Max: 100},
				{Kind: KindButton, Line: 47, X: 10, Y: 400, W: 80, H: 30, Tag: "A.Pump.Auto", Text: "Auto", Mode: "toggle"},
				{Kind: KindButton, Line: 48, X: 100, Y: 400, W: 80, H: 30, Tag: "A.Mode", Text: "Mode 3", Mode: "momentary", Value: 3},
				{Kind: KindSetpoint, Line: 49, X: 190, Y: 400, W: 80, H: 30, Tag: "A.Valve.Position", Min: 0, Max: 100},
				{Kind: KindSetpoint, Line: 50, X: 280, Y: 400, W: 80, H: 30, Tag: "A.Mode", Max: 9},
				{Kind: KindNav, Line: 51, X: 240, Y: 160, W: 64, H: 24, Target: "pump", Text: "Pump", Faceplate: true},
				{Kind: KindNav, Line: 52, X: 924, Y: 744.5, W: 100, H: 24, Target: "overview", Text: "Overview"}, // the target's title
				// A pipe's place is its points' bounding box.
				{Kind: KindPipe, Line: 53, X: 0, Y: 0, W: 1024, H: 768.5, Points: [][2]float32{{0, 0}, {1024, 768.5}}},
			}},
		{Name: "diag", File: file("diag"), Level: 4, Title: "Diagnostics", Parent: "pump", Width: 400, Height: 300,
			Elements: []Element{
				{Kind: KindState, Line: 6, X: 10, Y: 10, W: 100, H: 20, Tag: "_System.Devices.plc1.Connected", OnText: "Connected", OffText: "Lost"},
				{Kind: KindValue, Line: 7, X: 10, Y: 40, W: 100, H: 20, Tag: "_System.Devices.plc1.ResponseMs", Format: "%.0f ms"},
				{Kind: KindValue, Line: 8, X: 10, Y: 70, W: 380, H: 20, Tag: "_System.Devices.plc1.LastError"},
				{Kind: KindMultiState, Line: 9, X: 10, Y: 100, W: 100, H: 20, Tag: "_System.Devices.plc1.Errors", States: map[int]string{0: "No errors"}},
				{Kind: KindSparkline, Line: 10, X: 10, Y: 130, W: 200, H: 40, Tag: "_System.Devices.plc1.Requests", Minutes: 10},
			}},
		{Name: "overview", File: file("overview"), Level: 1, Title: "Overview", Width: 1280, Height: 800,
			Elements: []Element{
				{Kind: KindValue, Line: 6, X: 10, Y: 10, W: 100, H: 20, Tag: "A.Tank.Level"},
				{Kind: KindIndicator, Line: 7, X: 10, Y: 40, W: 20, H: 100, Tag: "A.Temp", Max: 100},
				{Kind: KindBar, Line: 8, X: 40, Y: 40, W: 20, H: 100, Tag: "A.Pump.Speed", Max: 100},
				{Kind: KindTank, Line: 9, X: 70, Y: 40, W: 80, H: 200, Tag: "A.Tank.Level", Max: 2.5},
				{Kind: KindState, Line: 10, X: 160, Y: 40, W: 80, H: 20, Tag: "A.Pump.Running", OnText: "Running", OffText: "Stopped"},
				{Kind: KindMultiState, Line: 11, X: 160, Y: 70, W: 80, H: 20, Tag: "A.Status", States: map[int]string{0: "Idle"}},
				{Kind: KindSymbol, Line: 12, X: 250, Y: 40, W: 64, H: 64, Symbol: "pump", Tag: "A.Pump.Running", Running: "A.Pump.Running"},
				{Kind: KindPipe, Line: 13, X: 150, Y: 72, W: 100, H: 28, Points: [][2]float32{{150, 100}, {250, 100}, {250, 72}}},
				{Kind: KindRect, Line: 14, X: 0, Y: 0, W: 1280, H: 800},
				{Kind: KindLabel, Line: 15, X: 70, Y: 245, W: 80, H: 20, Text: "Tank"},
				{Kind: KindSparkline, Line: 16, X: 10, Y: 300, W: 200, H: 40, Tag: "A.Tank.Level", Minutes: 10},
				{Kind: KindButton, Line: 17, X: 10, Y: 350, W: 80, H: 30, Tag: "A.Pump.Start", Text: "Start", Mode: "momentary", Value: 1},
				{Kind: KindSetpoint, Line: 18, X: 100, Y: 350, W: 80, H: 30, Tag: "A.Valve.Position"},
				{Kind: KindNav, Line: 19, X: 1180, Y: 760, W: 100, H: 40, Target: "area", Text: "Area: tank and pump"},
				{Kind: KindTank, Line: 20, X: 400, Y: 40, W: 80, H: 200, Tag: "A.Tank.Level", Max: 2.5,
					AlarmLo: 0.3, AlarmHi: 2.2, HasAlarmLim: true, HasAlarmLo: true, HasAlarmHi: true},
				{Kind: KindMultiState, Line: 21, X: 400, Y: 250, W: 80, H: 20, Tag: "A.Pump.Tripped", // a bool, as 0 and 1
					States: map[int]string{0: "Ready", 1: "Tripped"}, Abnormal: []int{1}},
			}},
		{Name: "pump", File: file("pump"), Level: 3, Title: "Pump faceplate", Parent: "area", Width: 400, Height: 300,
			Elements: []Element{
				{Kind: KindValue, Line: 6, X: 10, Y: 10, W: 200, H: 20, Tag: "A.Name"},
				{Kind: KindNav, Line: 7, X: 300, Y: 270, W: 100, H: 30, Target: "diag", Text: "Diagnostics"},
			}},
	}
	if len(p.Screens) != len(want) {
		t.Fatalf("%d screens, want %d", len(p.Screens), len(want))
	}
	for i, w := range want {
		got := p.Screens[i]
		gotEls, wantEls := got.Elements, w.Elements
		got.Elements, w.Elements = nil, nil
		if !reflect.DeepEqual(got, w) {
			t.Errorf("screen %d:\n got %+v\nwant %+v", i, got, w)
		}
		if len(gotEls) != len(wantEls) {
			t.Errorf("%s: %d elements, want %d", w.Name, len(gotEls), len(wantEls))
			continue
		}
		for j := range wantEls {
			if !reflect.DeepEqual(gotEls[j], wantEls[j]) {
				t.Errorf("%s element %d:\n got %+v\nwant %+v", w.Name, j, gotEls[j], wantEls[j])
			}
		}
	}
}

// TestLoadScreensBad loads every project under testdata/screens/bad and
// compares the problems, one per line, with its want.txt.
func TestLoadScreensBad(t *testing.T) {
	checkBadProjects(t, "testdata/screens/bad")
}

// screenProject is a project.yaml for screens in tests.
const screenProject = `station: {name: S}
devices:
  - {name: plc1, driver: modbus-tcp, address: "127.0.0.1:502"}
tags:
  - {name: A.Level, device: plc1, address: "ir:0", type: float32}
  - {name: A.Running, device: plc1, address: "di:0", type: bool}
  - {name: A.Start, device: plc1, address: "co:0", type: bool, writable: true}
`

// TestLoadScreensFS: a project with no screens folder, or an empty one,
// has no screens; files in screens/ other than *.yaml are left alone.
func TestLoadScreensFS(t *testing.T) {
	screen := []byte("title: S\nlevel: 1\nsize: [100, 100]\n")
	for _, tc := range []struct {
		name  string
		files fstest.MapFS
		want  []string // screen names
	}{
		{"no folder", fstest.MapFS{}, nil},
		{"empty folder", fstest.MapFS{"screens": {Mode: os.ModeDir}}, nil},
		{"sorted, others ignored", fstest.MapFS{
			"screens/b.yaml":      {Data: screen},
			"screens/a.yaml":      {Data: screen},
			"screens/a-1.yaml":    {Data: screen},
			"screens/notes.txt":   {Data: []byte("x")},
			"screens/.a.yaml.swp": {Data: []byte("x")},
			"screens/sub/c.yaml":  {Data: []byte("x")},
			"other/d.yaml":        {Data: []byte("x")},
		}, []string{"a", "a-1", "b"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.files["project.yaml"] = &fstest.MapFile{Data: []byte(screenProject)}
			p, err := LoadFS(tc.files, "p")
			if err != nil {
				t.Fatalf("LoadFS: %v", err)
			}
			var names []string
			for _, s := range p.Screens {
				names = append(names, s.Name)
				if s.File != "p/screens/"+s.Name+".yaml" {
					t.Errorf("screen %s: File %q", s.Name, s.File)
				}
			}
			if !slices.Equal(names, tc.want) {
				t.Errorf("screens %v, want %v", names, tc.want)
			}
		})
	}
}

// TestScreenElement: one element at a time in a 100×100 level 1 screen,
// with the one problem it has, if any.
func TestScreenElement(t *testing.T) {
	for _, tc := range []struct {
		element string
		problem string // without "p/screens/s.yaml:5: "
	}{
		{"{kind: value, tag: A.Level, x: 0, y: 0, w: 100, h: 100}", ""},
		{"{kind: value, tag: A.Level, format: '%+08.3e', x: 0, y: 0, w: 1, h: 1}", ""},
		{"{kind: value, tag: A.Level, format: '%G%%', x: 0, y: 0, w: 1, h: 1}", ""},
		{"{kind: value, tag: A.Level, format: '%5s', x: 0, y: 0, w: 1, h: 1}",
			`format "%5s": want one number verb (f, e or g), as "%.1f" or "%.3g m"; %% writes a % sign`},
		{"{kind: value, tag: A.Level, format: '%%', x: 0, y: 0, w: 1, h: 1}",
			`format "%%": want one number verb (f, e or g), as "%.1f" or "%.3g m"; %% writes a % sign`},
		{"{kind: value, tag: A.Level, format: '%.1f%', x: 0, y: 0, w: 1, h: 1}",
			`format "%.1f%": want one number verb (f, e or g), as "%.1f" or "%.3g m"; %% writes a % sign`},
		{"{kind: value, tag: A.Level, format: '%*f', x: 0, y: 0, w: 1, h: 1}",
			`format "%*f": want one number verb (f, e or g), as "%.1f" or "%.3g m"; %% writes a % sign`},
		{"{kind: value, tag: A.Lvel, x: 0, y: 0, w: 1, h: 1}", `unknown tag "A.Lvel" (did you mean A.Level?)`},
		{"{kind: value, tag: _System.Devices.plc1.Connected, x: 0, y: 0, w: 1, h: 1}", ""},
		{"{kind: value, tag: _System.Devices.plc1, x: 0, y: 0, w: 1, h: 1}",
			`unknown system tag "_System.Devices.plc1": want _System.Devices.DEVICE.NAME`},
		{"{kind: value, tag: _System.Devices.plc1.State.X, x: 0, y: 0, w: 1, h: 1}",
			`unknown system tag "_System.Devices.plc1.State.X": a device's system tags are Connected, State, ResponseMs, Requests, Errors, Reconnects, LastError, not "State.X"`},
		{"{kind: button, tag: A.Start, text: Go, mode: momentary, value: 0, x: 0, y: 0, w: 1, h: 1}", ""},
		{"{kind: button, tag: A.Start, text: Go, mode: toggle, x: 0, y: 0, w: 1, h: 1}", ""},
		{"{kind: symbol, symbol: motor, running: A.Running, x: 0, y: 0, w: 1, h: 1}", ""},
		{"{kind: symbol, symbol: motor, tag: A.Level, running: A.Running, x: 0, y: 0, w: 1, h: 1}", ""},
		{"{kind: symbol, symbol: motor, tag: A.Level, x: 0, y: 0, w: 1, h: 1}",
			`tag "A.Level" is a float32: a symbol needs a bool`},
		{"{kind: pipe, points: [[0, 0], [100, 100]]}", ""},
		{"{kind: pipe, points: [[0, 0], [100, 100.5]]}", "point [100, 100.5] is outside the screen: want 0..100, 0..100"},
		{"{kind: indicator, tag: A.Level, max: 10, normal: [0, 10], alarm: [0, 10], x: 0, y: 0, w: 1, h: 1}", ""},
		{"{kind: indicator, tag: A.Level, min: -10, max: -1, alarm: [-9, null], x: 0, y: 0, w: 1, h: 1}", ""},
		{"{kind: indicator, tag: A.Level, max: -1, x: 0, y: 0, w: 1, h: 1}", "max -1 is not above min 0, the default: give min"},
		{"{kind: sparkline, tag: A.Running, x: 0, y: 0, w: 1, h: 1}", ""},
		{"{kind: sparkline, tag: A.Level, max: 5, x: 0, y: 0, w: 1, h: 1}", ""},
		{"{kind: nav, target: s, x: 0, y: 0, w: 1, h: 1}", `nav target "s" is this screen`},
		{"{kind: label, text: x, x: 0, y: 0, w: 1, h: 1, <<: {w: 5, colour: red}}", `unknown key "colour" in label (a label takes text, x, y, w, h)`},
	} {
		t.Run(tc.element, func(t *testing.T) {
			fsys := fstest.MapFS{
				"project.yaml":   {Data: []byte(screenProject)},
				"screens/s.yaml": {Data: []byte("title: S\nlevel: 1\nsize: [100, 100]\nelements:\n  - " + tc.element + "\n")},
			}
			p, err := LoadFS(fsys, "p")
			if tc.problem == "" {
				if err != nil {
					t.Fatalf("LoadFS: %v", err)
				}
				if len(p.Screens) != 1 || len(p.Screens[0].Elements) != 1 {
					t.Fatalf("screens %+v", p.Screens)
				}
				return
			}
			if want := "p/screens/s.yaml:5: " + tc.problem; err == nil || err.Error() != want {
				t.Errorf("error %v\nwant %s", err, want)
			}
		})
	}
}

func TestNearest(t *testing.T) {
	env := &screenEnv{names: []string{"Plant.Tank1.Level", "Plant.Tank2.Level", "Plant.P1.Running", "A"}, suggest: suggestCells}
	for _, tc := range []struct{ in, want string }{
		{"Plant.Tank1.Levl", "Plant.Tank1.Level"},
		{"plant.tank2.level", "Plant.Tank2.Level"},
		{"Plant.Tank3.Level", "Plant.Tank1.Level"}, // a tie: the first
		{"Plant.P1.Runing", "Plant.P1.Running"},
		{"Plant.P2.Stopped", ""},
		{"B", ""}, // short names must match but for case
		{"a", "A"},
		{"", ""},
	} {
		if got := env.nearest(tc.in); got != tc.want {
			t.Errorf("nearest(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestKindSpecs(t *testing.T) {
	if len(kindOrder) != len(kindSpecs) {
		t.Errorf("%d kinds in kindOrder, %d in kindSpecs", len(kindOrder), len(kindSpecs))
	}
	for _, k := range kindOrder {
		if kindSpecs[k] == nil {
			t.Errorf("kind %s has no spec", k)
		}
	}
	if !slices.IsSorted(KnownSymbols) {
		t.Errorf("KnownSymbols %v not sorted", KnownSymbols)
	}
}

// TestScreenAliasBomb: aliases that repeat a long list of points many
// times stop at maxScreenItems, with a problem, instead of reading ten
// million points.
func TestScreenAliasBomb(t *testing.T) {
	var b strings.Builder
	b.WriteString("title: S\nlevel: 1\nsize: [100, 100]\nelements:\n  - &p {kind: pipe, points: [")
	b.WriteString(strings.Repeat("[1, 1], ", 10_000))
	b.WriteString("[2, 2]]}\n")
	b.WriteString(strings.Repeat("  - *p\n", 1000))
	_, err := LoadFS(fstest.MapFS{
		"project.yaml":   {Data: []byte(screenProject)},
		"screens/s.yaml": {Data: []byte(b.String())},
	}, "p")
	want := "p/screens/s.yaml:5: too many values: a screen holds at most 100000 elements, points, states and abnormal values, counted through aliases"
	if err == nil || err.Error() != want {
		t.Fatalf("error %v\nwant %s", err, want)
	}
}
