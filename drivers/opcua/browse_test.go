package opcua

import (
	"testing"

	"github.com/gopcua/opcua/ua"

	"github.com/sightglass/sightglass/drivers"
)

// find returns the node with NodeId nid in a tree, or nil.
func find(nodes []BrowseNode, nid string) *BrowseNode {
	for i := range nodes {
		if nodes[i].NodeID == nid {
			return &nodes[i]
		}
		if n := find(nodes[i].Children, nid); n != nil {
			return n
		}
	}
	return nil
}

// TestBrowse browses gopcua's server from the Objects folder two levels
// deep: the test namespace's folder, its variables with their types as
// the project names them, and the EURange property of one.
func TestBrowse(t *testing.T) {
	ts := startServer(t, 0, []variable{
		{name: "Pump.Speed", value: float64(1.5), euRange: &ua.Range{Low: 0, High: 100}},
		{name: "Pump.Count", value: int32(3)},
		{name: "Pump.Run", value: true},
		{name: "Pump.Tag", value: "x"},
		{name: "Pump.Small", value: float32(1)},
		{name: "Pump.Byte", value: byte(1)},
	})
	nodes, err := Browse(t.Context(), testDevice(ts), "", 2)
	if err != nil {
		t.Fatal(err)
	}
	if find(nodes, "i=2253") == nil { // Server object, ns 0
		t.Errorf("no Server object (i=2253) under Objects")
	}
	want := map[string]struct{ class, typ, tagType string }{
		"Pump.Speed": {"Variable", "float64", "float64"},
		"Pump.Count": {"Variable", "int32", "int32"},
		"Pump.Run":   {"Variable", "bool", "bool"},
		"Pump.Tag":   {"Variable", "string", "string:64"},
		"Pump.Small": {"Variable", "float32", "float32"},
		"Pump.Byte":  {"Variable", "uint16", "uint16"},
	}
	for name, w := range want {
		n := find(nodes, ts.addr(name))
		if n == nil {
			t.Errorf("%s not found", ts.addr(name))
			continue
		}
		if n.NodeClass != w.class || n.DataType != w.typ || n.TagType() != w.tagType || n.BrowseName == "" || n.DisplayName != name {
			t.Errorf("%s = %+v, want class %s type %s", name, *n, w.class, w.typ)
		}
	}
	if n := find(nodes, ts.addr("Pump.Speed")); n != nil && len(n.Children) != 0 {
		t.Errorf("depth 2 went below the variables: %+v", n.Children)
	}

	// From the namespace's folder, depth 2 reaches the property; Variables
	// lists the ones that can be tags.
	b, err := DialBrowser(t.Context(), testDevice(ts))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	var nsFolder string
	for _, n := range nodes {
		if find(n.Children, ts.addr("Pump.Speed")) != nil {
			nsFolder = n.NodeID
		}
	}
	if nsFolder == "" {
		t.Fatal("no folder holds the test variables")
	}
	sub, err := b.Browse(t.Context(), nsFolder, 2)
	if err != nil {
		t.Fatal(err)
	}
	if n := find(sub, ts.addr("Pump.Speed")); n == nil || len(n.Children) != 1 || n.Children[0].BrowseName == "" {
		t.Errorf("Pump.Speed's property not found: %+v", n)
	}
	vars := Variables(sub)
	if len(vars) != len(want) {
		t.Errorf("Variables = %d, want %d: %+v", len(vars), len(want), vars)
	}
	if got := TagName(BrowseNode{BrowseName: "2:Pump 1/Speed"}); got != "Pump_1_Speed" {
		t.Errorf("TagName = %q", got)
	}

	if _, err := b.Browse(t.Context(), "ns=1;x=bad", 1); err == nil {
		t.Error("a bad start NodeId browsed")
	}
}

// TestBrowseRefused: a server that is not there fails as the driver's
// Connect does, naming the endpoint's device.
func TestBrowseRefused(t *testing.T) {
	dev := drivers.DeviceConfig{OPCUA: drivers.OPCUAConfig{Endpoint: "opc.tcp://127.0.0.1:1", SecurityPolicy: "None", SecurityMode: "None"}}
	if _, err := Browse(t.Context(), dev, "", 1); err == nil {
		t.Fatal("browsed a closed port")
	}
	dev.OPCUA.SecurityPolicy = "Nonsense"
	if _, err := Browse(t.Context(), dev, "", 1); err == nil {
		t.Fatal("browsed with a bad policy")
	}
}
