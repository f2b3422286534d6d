package gateway

import (
	"context"
	"testing"
	"time"

	"github.com/gopcua/opcua"
	"github.com/gopcua/opcua/ua"

	"github.com/sightglass/sightglass/internal/uaserver"
)

// TestOPCUACloseConns: uaserver.CloseConns still recognises gopcua's server (its
// unexported fields are the v0.8.0 ones) and closes a client's TCP
// connection, which the client then sees.
func TestOPCUACloseConns(t *testing.T) {
	g, c := startTestOPCUA(t, testBus(t), noReconnect)
	if n := uaserver.CloseConns(g.ua.srv); n != 1 {
		t.Fatalf("CloseConns found %d connections, want 1 (-1: gopcua's server fields changed)", n)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	_, err := c.Read(ctx, &ua.ReadRequest{NodesToRead: []*ua.ReadValueID{
		{NodeID: ua.NewStringNodeID(g.ua.ns.ID(), "Plant.Tank1.Level"), AttributeID: ua.AttributeIDValue},
	}})
	if err == nil {
		t.Error("a read over the closed connection succeeded")
	}
}

// TestOPCUAStopWithClient: Stop does not wait for a connected client
// with a subscription to hang up (gopcua's Close alone waits 10 s).
func TestOPCUAStopWithClient(t *testing.T) {
	g, c := startTestOPCUA(t, testBus(t), noReconnect)
	ch := make(chan *opcua.PublishNotificationData, 16)
	sub, err := c.Subscribe(t.Context(), &opcua.SubscriptionParameters{Interval: 20 * time.Millisecond}, ch)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sub.Monitor(t.Context(), ua.TimestampsToReturnBoth, opcua.NewMonitoredItemCreateRequestWithDefaults(
		ua.NewStringNodeID(g.ua.ns.ID(), "Plant.Tank1.Level"), ua.AttributeIDValue, 1)); err != nil {
		t.Fatal(err)
	}
	waitNotification(t, ch, 1, float32(12.5))
	done := make(chan struct{})
	go func() {
		defer close(done)
		g.Stop()
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second): // generous: it takes well under a second
		t.Fatal("Stop has not returned after 5 s")
	}
}

// noReconnect: the client of a test that closes its connection must not
// redial, as gopcua v0.8.0's client does on a lost connection: its
// redial races with its Close (-race reports it).
var noReconnect = opcua.AutoReconnect(false)
