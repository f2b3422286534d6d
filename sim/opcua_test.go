package sim

import (
	"context"
	"testing"
	"time"

	"github.com/gopcua/opcua"
	"github.com/gopcua/opcua/ua"
	"go.uber.org/goleak"

	"github.com/sightglass/sightglass/internal/uaserver"
)

// TestOPCUAServesThePlant: a subscriber gets Tank1's level as the plant
// changes it, and Close ends every goroutine of the server while the
// client is still connected, subscribed, and without waiting for it.
func TestOPCUAServesThePlant(t *testing.T) {
	defer goleak.VerifyNone(t)
	p := New(1)
	s, err := ListenOPCUA(t.Context(), "127.0.0.1", p, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	// No redial: gopcua v0.8.0's redial races with its Close.
	c, err := opcua.NewClient(s.Endpoint(), opcua.SecurityMode(ua.MessageSecurityModeNone), opcua.AutoReconnect(false))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	defer c.Close(context.Background())
	notes := make(chan *opcua.PublishNotificationData, 16)
	sub, err := c.Subscribe(ctx, &opcua.SubscriptionParameters{Interval: 50 * time.Millisecond}, notes)
	if err != nil {
		t.Fatal(err)
	}
	node, err := ua.ParseNodeID(OPCUANodes()[0]) // Plant.Tank1.Level
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sub.Monitor(ctx, ua.TimestampsToReturnBoth, opcua.NewMonitoredItemCreateRequestWithDefaults(node, ua.AttributeIDValue, 1)); err != nil {
		t.Fatal(err)
	}
	// wait waits for a notification of Tank1's level equal to want.
	wait := func(want float64) {
		t.Helper()
		for {
			select {
			case n := <-notes:
				if n.Error != nil {
					t.Fatal(n.Error)
				}
				dc, ok := n.Value.(*ua.DataChangeNotification)
				if !ok {
					continue
				}
				for _, it := range dc.MonitoredItems {
					if v, ok := it.Value.Value.Value().(float64); ok && v == want {
						return
					}
				}
			case <-ctx.Done():
				t.Fatalf("no notification of %v: %v", want, ctx.Err())
			}
		}
	}
	before := p.State().Tank1Level
	wait(before)
	p.Start()
	p.Step(time.Minute) // P1 fills Tank1
	after := p.State().Tank1Level
	if after == before {
		t.Fatalf("Tank1 stayed at %v m", before)
	}
	wait(after)

	start := time.Now()
	s.Close()
	if d := time.Since(start); d > uaserver.CloseWait {
		t.Errorf("Close took %v with a client connected", d)
	}
}
