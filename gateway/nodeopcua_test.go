//go:build unix

package gateway

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/sightglass/sightglass/internal/testpeer"
	"github.com/sightglass/sightglass/tags"
)

// clientEvent is one line of client.js's output.
type clientEvent struct {
	Event           string
	Parent          string
	BrowseName      string
	NodeID          string `json:"nodeId"`
	NodeClass       string
	Value           any
	DataType        string
	Status          string
	SourceTimestamp string
}

// nextEvent returns client.js's (p's) next event.
func nextEvent(t *testing.T, p *testpeer.NodeProc) clientEvent {
	t.Helper()
	l := p.WaitLine(t, "{", 20*time.Second)
	var e clientEvent
	if err := json.Unmarshal([]byte(l), &e); err != nil {
		t.Fatalf("client.js printed %q: %v", l, err)
	}
	return e
}

// TestOPCUAGatewayNodeOPCUA: node-opcua's client, a third-party peer,
// browses the gateway's asset-path folders, reads a value with its status
// and timestamp, sees a change of the bus through a subscription, and is
// refused a write.
func TestOPCUAGatewayNodeOPCUA(t *testing.T) {
	bus := testBus(t)
	g, err := Start(t.Context(), bus, &fakeWriter{}, Config{Station: "T", OPCUA: &OPCUAConfig{Listen: "127.0.0.1:0"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(g.Stop)
	// The namespace by its URI: the server numbers its namespaces.
	c := startNode(t, "client.js", nil, g.OPCUAEndpoint(), "nsu=urn:sightglass:T;s=Plant.Tank1.Level", "20", "3")

	// Browse: Objects → Plant → Tank1 → Level, each level a folder.
	if e := nextEvent(t, c); e.Event != "connected" {
		t.Fatalf("first event %+v", e)
	}
	byName := map[string]clientEvent{}
	e := nextEvent(t, c)
	for ; e.Event == "browse"; e = nextEvent(t, c) {
		byName[e.BrowseName] = e
	}
	plant, tank, level := byName["Plant"], byName["Tank1"], byName["Level"]
	if (plant.Parent != "i=85" && plant.Parent != "ns=0;i=85") || plant.NodeClass != "Object" {
		t.Errorf("Plant: %+v, want an object under Objects (i=85)", plant)
	}
	if tank.Parent != plant.NodeID || tank.NodeClass != "Object" {
		t.Errorf("Tank1: %+v, want an object under Plant %s", tank, plant.NodeID)
	}
	if level.Parent != tank.NodeID || level.NodeClass != "Variable" || !strings.HasSuffix(level.NodeID, ";s=Plant.Tank1.Level") {
		t.Errorf("Level: %+v, want variable s=Plant.Tank1.Level under Tank1 %s", level, tank.NodeID)
	}
	for _, name := range []string{"Running", "Flow", "Count", "Name"} {
		if _, ok := byName[name]; !ok {
			t.Errorf("browse did not find %s", name)
		}
	}

	// Read: value, data type, status and source timestamp.
	if e.Event != "read" || e.Value != 12.5 || e.DataType != "Float" || e.Status != "Good" || e.NodeID != level.NodeID {
		t.Errorf("read %+v, want Float 12.5 Good of %s", e, level.NodeID)
	}
	if ts, err := time.Parse(time.RFC3339, e.SourceTimestamp); err != nil || time.Since(ts) > time.Minute {
		t.Errorf("source timestamp %q: %v", e.SourceTimestamp, err)
	}

	// Subscribe: the initial value, then a change of the bus, then its
	// quality turning bad.
	for e := nextEvent(t, c); e.Event != "subscribed"; e = nextEvent(t, c) {
		if e.Event != "change" {
			t.Fatalf("event %+v, want the subscription", e)
		}
	}
	bus.Publish([]tags.Update{{ID: 0, VQT: tags.VQT{Value: tags.Float32(3.25), Quality: tags.GoodQuality, Time: time.Now()}}})
	for e := nextEvent(t, c); e.Event != "change" || e.Value != 3.25; e = nextEvent(t, c) {
	}
	bus.Publish([]tags.Update{{ID: 0, VQT: tags.VQT{Value: tags.Float32(3.25), Quality: tags.BadQuality(tags.ReasonTimeout, 0), Time: time.Now()}}})
	for e := nextEvent(t, c); e.Event != "change" || e.Status != "BadTimeout"; e = nextEvent(t, c) {
	}

	// Write: refused, and the tag unchanged.
	if _, err := c.Stdin.Write([]byte("write\n")); err != nil {
		t.Fatal(err)
	}
	e = nextEvent(t, c)
	for ; e.Event == "change"; e = nextEvent(t, c) {
	}
	if e.Event != "write" || (e.Status != "BadNotWritable" && e.Status != "BadUserAccessDenied") {
		t.Errorf("write: %+v, want BadNotWritable or BadUserAccessDenied", e)
	}
	t.Logf("write refused: %s", e.Status)
	if got := bus.Get(0).Value.Float(); got != 3.25 {
		t.Errorf("the tag changed to %v", got)
	}
	if e := nextEvent(t, c); e.Event != "done" {
		t.Errorf("event %+v, want done", e)
	}
}
