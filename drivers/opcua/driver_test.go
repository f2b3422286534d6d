package opcua

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/gopcua/opcua/ua"

	"github.com/sightglass/sightglass/drivers"
	"github.com/sightglass/sightglass/tags"
)

// basicVars are one variable of each common type, plus one holding text
// where the project expects a number.
var basicVars = []variable{
	{name: "Level", value: 12.5, writable: true, euRange: &ua.Range{Low: 0, High: 200}},
	{name: "Count", value: int32(7), writable: true},
	{name: "Small", value: int16(3), writable: true},
	{name: "Run", value: true, writable: true},
	{name: "Name", value: "pump", writable: true},
	{name: "Ratio", value: float32(0.25)},
	{name: "Word", value: uint16(65535)},
	{name: "Text", value: "not a number"},
}

func connect(t *testing.T, dev drivers.DeviceConfig, defs []*tags.Def) *Driver {
	t.Helper()
	d, err := NewDriver(dev, defs)
	if err != nil {
		t.Fatalf("NewDriver: %v", err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if err := d.Connect(ctx); err != nil {
		t.Fatalf("Connect: %v", err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

func TestReadTypesAndQualities(t *testing.T) {
	ts := startServer(t, 0, basicVars)
	defs := tagDefs(
		tags.Def{Name: "A.Level", Address: ts.addr("Level"), Type: tags.TypeFloat64},
		tags.Def{Name: "A.Count", Address: ts.addr("Count"), Type: tags.TypeInt32},
		tags.Def{Name: "A.Run", Address: ts.addr("Run"), Type: tags.TypeBool},
		tags.Def{Name: "A.Name", Address: ts.addr("Name"), Type: tags.TypeString, StrLen: 20},
		tags.Def{Name: "A.Ratio", Address: ts.addr("Ratio"), Type: tags.TypeFloat32},
		tags.Def{Name: "A.Word", Address: ts.addr("Word"), Type: tags.TypeUint16},
		tags.Def{Name: "A.Text", Address: ts.addr("Text"), Type: tags.TypeFloat64},          // wrong type
		tags.Def{Name: "A.WordAsInt16", Address: ts.addr("Word"), Type: tags.TypeInt16},     // out of range
		tags.Def{Name: "A.Missing", Address: "ns=1;s=No.Such.Node", Type: tags.TypeFloat64}, // unknown node
		tags.Def{Name: "A.Scaled", Address: ts.addr("Count"), Type: tags.TypeInt32, Scale: &tags.Scale{Raw: [2]float64{0, 10}, Eng: [2]float64{0, 100}}},
	)
	defs[8].Address = "ns=" + itoa(int(ts.ns.ID())) + ";s=No.Such.Node"
	d := connect(t, testDevice(ts), defs)
	out := make([]tags.VQT, len(defs))
	before := time.Now()
	if err := d.Read(t.Context(), 0, out); err != nil {
		t.Fatalf("Read: %v", err)
	}
	want := []struct {
		v tags.Value
		q tags.Quality
	}{
		{tags.Float(12.5), tags.GoodQuality},
		{tags.Int(7), tags.GoodQuality},
		{tags.Bool(true), tags.GoodQuality},
		{tags.String("pump"), tags.GoodQuality},
		{tags.Float32(0.25), tags.GoodQuality},
		{tags.Uint(65535), tags.GoodQuality},
		{tags.Value{}, tags.BadQuality(tags.ReasonDecode, 0)},
		{tags.Value{}, tags.BadQuality(tags.ReasonOutOfRange, 0)},
		{tags.Value{}, tags.BadQuality(tags.ReasonDeviceException, 0x8034)}, // BadNodeIdUnknown
		{tags.Float(70), tags.GoodQuality},
	}
	for i, w := range want {
		if !out[i].Value.Equal(w.v) || out[i].Quality != w.q {
			t.Errorf("%s: %v %v, want %v %v", defs[i].Name, out[i].Value, out[i].Quality, w.v, w.q)
		}
	}
	// Source timestamps are kept (the poller restamps polled scans; a
	// subscription's are passed on as they are).
	if ts := out[0].Time; ts.IsZero() || ts.After(before) {
		t.Errorf("Level time %v: want the server's source timestamp, before the read at %v", ts, before)
	}
	if got := StatusText(out[8].Quality.Code); got != "BadNodeIDUnknown (0x80340000)" {
		t.Errorf("StatusText = %q", got)
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

// TestReadBatched: 100 nodes are read in ceil(100/32) calls, the gopcua
// server's MaxNodesPerRead, never one per node.
func TestReadBatched(t *testing.T) {
	var vars []variable
	var defs []tags.Def
	for i := range 100 {
		vars = append(vars, variable{name: "N" + itoa(i), value: float64(i)})
	}
	ts := startServer(t, 0, vars)
	for i := range 100 {
		defs = append(defs, tags.Def{Name: "B.N" + itoa(i), Address: ts.addr("N" + itoa(i)), Type: tags.TypeFloat64})
	}
	d := connect(t, testDevice(ts), tagDefs(defs...))
	if d.lim.nodesPerRead != 32 {
		t.Errorf("MaxNodesPerRead read as %d, want gopcua's 32", d.lim.nodesPerRead)
	}
	out := make([]tags.VQT, 100)
	sent0, _ := d.Requests()
	if err := d.Read(t.Context(), 0, out); err != nil {
		t.Fatal(err)
	}
	sent1, failed := d.Requests()
	if calls := sent1 - sent0; calls != 4 || failed != 0 {
		t.Errorf("%d Read calls (%d failed) for 100 nodes, want 4", calls, failed)
	}
	for i := range out {
		if out[i].Value.Float() != float64(i) || !out[i].Quality.IsGood() {
			t.Fatalf("node %d: %v %v", i, out[i].Value, out[i].Quality)
		}
	}
}

func TestWriteAndReadBack(t *testing.T) {
	ts := startServer(t, 0, basicVars)
	defs := tagDefs(
		tags.Def{Name: "W.Level", Address: ts.addr("Level"), Type: tags.TypeFloat64, Writable: true},
		tags.Def{Name: "W.Count", Address: ts.addr("Count"), Type: tags.TypeInt32, Writable: true},
		tags.Def{Name: "W.Small", Address: ts.addr("Small"), Type: tags.TypeInt16, Writable: true},
		tags.Def{Name: "W.Run", Address: ts.addr("Run"), Type: tags.TypeBool, Writable: true},
		tags.Def{Name: "W.Name", Address: ts.addr("Name"), Type: tags.TypeString, StrLen: 10, Writable: true},
		tags.Def{Name: "W.Ratio", Address: ts.addr("Ratio"), Type: tags.TypeFloat32},
		tags.Def{Name: "W.Scaled", Address: ts.addr("Count"), Type: tags.TypeInt32, Writable: true, Scale: &tags.Scale{Raw: [2]float64{0, 10}, Eng: [2]float64{0, 100}}},
		tags.Def{Name: "W.RO", Address: ts.addr("Word"), Type: tags.TypeUint16, Writable: true}, // the server refuses
	)
	d := connect(t, testDevice(ts), defs)
	ctx := t.Context()
	for _, tc := range []struct {
		id   tags.ID
		v    tags.Value
		want tags.Value
	}{
		{0, tags.Float(42.25), tags.Float(42.25)},
		{1, tags.Int(-5), tags.Int(-5)},
		{1, tags.Float(3.6), tags.Int(4)},    // rounded to the node's Int32
		{1, tags.String("12"), tags.Int(12)}, // text from the operator
		{2, tags.Int(300), tags.Int(300)},
		{3, tags.Bool(false), tags.Bool(false)},
		{4, tags.String("valve"), tags.String("valve")},
		{6, tags.Float(55), tags.Float(60)}, // 55 → raw 5.5 → Int32 6 → 60
	} {
		got, err := d.Write(ctx, tc.id, tc.v)
		if err != nil || !got.Value.Equal(tc.want) || !got.Quality.IsGood() {
			t.Errorf("write %s = %v: read back %v %v, %v; want %v", defs[tc.id].Name, tc.v, got.Value, got.Quality, err, tc.want)
		}
	}
	// Wrong types and ranges are refused before the device, as a
	// DeviceError with BadTypeMismatch; nothing crashes.
	for _, tc := range []struct {
		id tags.ID
		v  tags.Value
	}{
		{0, tags.String("abc")},
		{2, tags.Int(70000)},
		{2, tags.Float(1e300)},
		{3, tags.String("maybe")},
		{1, tags.Value{}},
	} {
		_, err := d.Write(ctx, tc.id, tc.v)
		var de *drivers.DeviceError
		if !errors.As(err, &de) || de.Code != 0x8074 {
			t.Errorf("write %s = %v: %v, want a DeviceError BadTypeMismatch", defs[tc.id].Name, tc.v, err)
		}
	}
	if _, err := d.Write(ctx, 5, tags.Float(1)); !errors.Is(err, drivers.ErrNotWritable) {
		t.Errorf("write to a tag not writable: %v", err)
	}
	// The server refuses: its status is the DeviceError's code.
	_, err := d.Write(ctx, 7, tags.Uint(1))
	var de *drivers.DeviceError
	if !errors.As(err, &de) || de.Code != uint16(uint32(ua.StatusBadNotWritable)>>16) {
		t.Errorf("write refused by the server: %v", err)
	}
	if v := ts.v("Level").get().Value.Value(); v != 42.25 {
		t.Errorf("server holds %v", v)
	}
}
