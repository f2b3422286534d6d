package gateway

import (
	"context"
	"testing"
	"time"

	"github.com/gopcua/opcua"
	"github.com/gopcua/opcua/id"
	"github.com/gopcua/opcua/ua"

	"github.com/sightglass/sightglass/tags"
)

// startTestOPCUA starts an OPC UA gateway for bus and connects a client
// with opts added to its own.
func startTestOPCUA(t testing.TB, bus *tags.Bus, opts ...opcua.Option) (*Gateway, *opcua.Client) {
	t.Helper()
	g, err := Start(t.Context(), bus, &fakeWriter{}, Config{Station: "T", OPCUA: &OPCUAConfig{Listen: "127.0.0.1:0"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(g.Stop)
	c, err := opcua.NewClient(g.OPCUAEndpoint(), append([]opcua.Option{opcua.SecurityMode(ua.MessageSecurityModeNone), opcua.AuthAnonymous()}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if err := c.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		c.Close(ctx)
	})
	return g, c
}

// browseNames lists the browse names of the forward hierarchical
// references of node.
func browseNames(t *testing.T, c *opcua.Client, node *ua.NodeID) map[string]*ua.ExpandedNodeID {
	t.Helper()
	resp, err := c.Browse(t.Context(), &ua.BrowseRequest{NodesToBrowse: []*ua.BrowseDescription{{
		NodeID: node, BrowseDirection: ua.BrowseDirectionForward,
		ReferenceTypeID: ua.NewNumericNodeID(0, id.HierarchicalReferences), IncludeSubtypes: false, ResultMask: uint32(ua.BrowseResultMaskAll),
	}}})
	if err != nil || len(resp.Results) != 1 || resp.Results[0].StatusCode != ua.StatusGood {
		t.Fatalf("browse %s: %v %+v", node, err, resp)
	}
	out := map[string]*ua.ExpandedNodeID{}
	for _, r := range resp.Results[0].References {
		out[r.BrowseName.Name] = r.NodeID
	}
	return out
}

// TestOPCUAGateway: a gopcua client browses Objects → Plant → Tank1 →
// Level, reads values with their quality and source timestamps,
// subscribes and sees a change, and is refused a write.
func TestOPCUAGateway(t *testing.T) {
	bus := testBus(t)
	_, c := startTestOPCUA(t, bus)

	plant := browseNames(t, c, ua.NewNumericNodeID(0, id.ObjectsFolder))["Plant"]
	if plant == nil {
		t.Fatal("no Plant under Objects")
	}
	tank := browseNames(t, c, plant.NodeID)["Tank1"]
	if tank == nil {
		t.Fatal("no Tank1 under Plant")
	}
	level := browseNames(t, c, tank.NodeID)["Level"]
	if level == nil || level.NodeID.StringID() != "Plant.Tank1.Level" {
		t.Fatalf("Level: %v", level)
	}

	ns := level.NodeID.Namespace()
	node := func(name string) *ua.NodeID { return ua.NewStringNodeID(ns, name) }
	resp, err := c.Read(t.Context(), &ua.ReadRequest{TimestampsToReturn: ua.TimestampsToReturnBoth, NodesToRead: []*ua.ReadValueID{
		{NodeID: node("Plant.Tank1.Level"), AttributeID: ua.AttributeIDValue},
		{NodeID: node("Plant.Pump1.Running"), AttributeID: ua.AttributeIDValue},
		{NodeID: node("Plant.Count"), AttributeID: ua.AttributeIDValue},
		{NodeID: node("Plant.Name"), AttributeID: ua.AttributeIDValue},
		{NodeID: node("Plant.Lost"), AttributeID: ua.AttributeIDValue},
		{NodeID: node("Plant.Broken"), AttributeID: ua.AttributeIDValue},
		{NodeID: node("Plant.Tank1.Level"), AttributeID: ua.AttributeIDDataType},
		{NodeID: node("Plant.Nothing"), AttributeID: ua.AttributeIDValue},
	}})
	if err != nil {
		t.Fatal(err)
	}
	r := resp.Results
	check := func(i int, want any, status ua.StatusCode) {
		t.Helper()
		var got any
		if r[i].Value != nil {
			got = r[i].Value.Value()
		}
		if got != want || r[i].Status != status {
			t.Errorf("result %d: %v (%T) %v, want %v (%T) %v", i, got, got, r[i].Status, want, want, status)
		}
	}
	check(0, float32(12.5), ua.StatusGood)
	check(1, true, ua.StatusGood)
	check(2, uint32(0x11223344), ua.StatusGood)
	check(3, "AB", ua.StatusGood)
	check(4, int16(7), ua.StatusBadNoCommunication)
	check(5, int16(7), ua.StatusBadConfigurationError)
	if r[0].SourceTimestamp.IsZero() || r[0].ServerTimestamp.IsZero() {
		t.Errorf("timestamps %v %v", r[0].SourceTimestamp, r[0].ServerTimestamp)
	}
	if dt, ok := r[6].Value.Value().(*ua.ExpandedNodeID); !ok || dt.NodeID.IntID() != id.Float {
		t.Errorf("data type %v", r[6].Value.Value())
	}
	if r[7].Status != ua.StatusBadNodeIDUnknown {
		t.Errorf("unknown node: %v", r[7].Status)
	}

	// A subscription sees a change on the bus.
	ch := make(chan *opcua.PublishNotificationData, 16)
	sub, err := c.Subscribe(t.Context(), &opcua.SubscriptionParameters{Interval: 20 * time.Millisecond}, ch)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sub.Monitor(t.Context(), ua.TimestampsToReturnBoth,
		opcua.NewMonitoredItemCreateRequestWithDefaults(node("Plant.Tank1.Level"), ua.AttributeIDValue, 42)); err != nil {
		t.Fatal(err)
	}
	bus.Publish([]tags.Update{{ID: 0, VQT: tags.VQT{Value: tags.Float32(3.25), Quality: tags.GoodQuality, Time: time.Now()}}})
	if v := waitNotification(t, ch, 42, float32(3.25)); v.Status != ua.StatusGood {
		t.Errorf("status %v", v.Status)
	}
	bus.Publish([]tags.Update{{ID: 0, VQT: tags.VQT{Value: tags.Float32(3.25), Quality: tags.BadQuality(tags.ReasonTimeout, 0), Time: time.Now()}}})
	for v := waitNotification(t, ch, 42, float32(3.25)); v.Status != ua.StatusBadTimeout; v = waitNotification(t, ch, 42, float32(3.25)) {
	}

	// Writes are refused, ours and the server's own nodes alike.
	wr, err := c.Write(t.Context(), &ua.WriteRequest{NodesToWrite: []*ua.WriteValue{
		{NodeID: node("Plant.Tank1.Level"), AttributeID: ua.AttributeIDValue, Value: &ua.DataValue{EncodingMask: ua.DataValueValue, Value: ua.MustVariant(float32(99))}},
		{NodeID: ua.NewNumericNodeID(0, id.Server_ServerStatus_State), AttributeID: ua.AttributeIDValue, Value: &ua.DataValue{EncodingMask: ua.DataValueValue, Value: ua.MustVariant(int32(1))}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if len(wr.Results) != 2 || wr.Results[0] != ua.StatusBadNotWritable || wr.Results[1] != ua.StatusBadUserAccessDenied {
		t.Errorf("write results %v", wr.Results)
	}
	if got := bus.Get(0).Value.Float(); got != 3.25 {
		t.Errorf("the tag changed to %v", got)
	}
}

// waitNotification waits for a data change of handle with value want.
func waitNotification(t *testing.T, ch <-chan *opcua.PublishNotificationData, handle uint32, want any) *ua.DataValue {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case n := <-ch:
			if n.Error != nil {
				t.Fatal(n.Error)
			}
			dc, ok := n.Value.(*ua.DataChangeNotification)
			if !ok {
				continue
			}
			for _, item := range dc.MonitoredItems {
				if item.ClientHandle == handle && item.Value.Value != nil && item.Value.Value.Value() == want {
					return item.Value
				}
			}
		case <-timeout:
			t.Fatalf("no notification of %v", want)
		}
	}
}
