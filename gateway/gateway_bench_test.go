package gateway

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/gopcua/opcua"
	"github.com/gopcua/opcua/ua"

	"github.com/sightglass/sightglass/drivers/modbus"
	"github.com/sightglass/sightglass/tags"
)

// benchTags is how many Float32 tags the gateway benchmarks serve: the
// issue's 1,000 OPC UA nodes, and 2,000 holding registers on Modbus.
const benchTags = 1000

// benchBus is a bus of benchTags good Float32 tags, Bench.T0000 up.
func benchBus(b *testing.B) *tags.Bus {
	defs := make([]tags.Def, benchTags)
	ups := make([]tags.Update, benchTags)
	now := time.Now()
	for i := range defs {
		defs[i] = tags.Def{Name: fmt.Sprintf("Bench.T%04d", i), Type: tags.TypeFloat32}
		ups[i] = tags.Update{ID: tags.ID(i), VQT: tags.VQT{Value: tags.Float32(float32(i)), Quality: tags.GoodQuality, Time: now}}
	}
	bus := tags.NewBus(tags.NewTable(defs))
	bus.Publish(ups)
	return bus
}

// publish sets tag 0 to v.
func publish(bus *tags.Bus, v float32) {
	bus.Publish([]tags.Update{{ID: 0, VQT: tags.VQT{Value: tags.Float32(v), Quality: tags.GoodQuality, Time: time.Now()}}})
}

func startBenchModbus(b *testing.B, bus *tags.Bus) *Gateway {
	m := make([]Register, benchTags)
	for i := range m {
		m[i] = Register{Tag: fmt.Sprintf("Bench.T%04d", i), Area: modbus.HoldingRegisters, Offset: uint16(2 * i), Type: tags.TypeFloat32}
	}
	return startTestModbus(b, bus, &fakeWriter{}, ModbusConfig{Map: m})
}

// BenchmarkModbusGatewayRead: Read Holding Registers of 125 registers
// (Modbus spec §6.3: the most one request may ask) by a goburrow client
// over loopback, one request at a time.
func BenchmarkModbusGatewayRead(b *testing.B) {
	g := startBenchModbus(b, benchBus(b))
	c := goburrow(b, g.ModbusAddr())
	start := time.Now()
	for b.Loop() {
		if _, err := c.ReadHoldingRegisters(0, 125); err != nil {
			b.Fatal(err)
		}
	}
	rate := float64(b.N) / time.Since(start).Seconds()
	b.ReportMetric(rate, "reads/s")
	b.Logf("Modbus gateway: %.0f reads/s of 125 registers (%.0f registers/s)", rate, 125*rate)
}

// BenchmarkModbusGatewayLatency: time from a bus change to a goburrow
// client, reading the tag's two registers in a tight loop, seeing it.
func BenchmarkModbusGatewayLatency(b *testing.B) {
	bus := benchBus(b)
	g := startBenchModbus(b, bus)
	c := goburrow(b, g.ModbusAddr())
	var total time.Duration
	polls := 0
	v := float32(0.5)
	for b.Loop() {
		v++
		want := math.Float32bits(v)
		t0 := time.Now()
		publish(bus, v)
		for {
			polls++
			r, err := c.ReadHoldingRegisters(0, 2)
			if err != nil {
				b.Fatal(err)
			}
			if binary.BigEndian.Uint32(r) == want {
				break
			}
		}
		total += time.Since(t0)
	}
	ms := total.Seconds() * 1000 / float64(b.N)
	b.ReportMetric(ms, "ms/change")
	b.ReportMetric(float64(polls)/float64(b.N), "polls/change")
	b.Logf("Modbus gateway: a change seen by a polling client after %.3f ms (%.1f polls)", ms, float64(polls)/float64(b.N))
}

// benchNodes are the Read request's items for every bench tag.
func benchNodes(g *Gateway) []*ua.ReadValueID {
	nodes := make([]*ua.ReadValueID, benchTags)
	for i := range nodes {
		nodes[i] = &ua.ReadValueID{NodeID: g.ua.nodes[i], AttributeID: ua.AttributeIDValue}
	}
	return nodes
}

// BenchmarkOPCUAGatewayRead: Read requests for 1,000 nodes (values with
// both timestamps) by a gopcua client over loopback, one at a time.
func BenchmarkOPCUAGatewayRead(b *testing.B) {
	g, c := startTestOPCUA(b, benchBus(b))
	req := &ua.ReadRequest{TimestampsToReturn: ua.TimestampsToReturnBoth, NodesToRead: benchNodes(g)}
	start := time.Now()
	for b.Loop() {
		resp, err := c.Read(b.Context(), req)
		if err != nil {
			b.Fatal(err)
		}
		if len(resp.Results) != benchTags || resp.Results[benchTags-1].Status != ua.StatusGood {
			b.Fatalf("%d results, last %v", len(resp.Results), resp.Results[len(resp.Results)-1].Status)
		}
	}
	rate := float64(b.N) / time.Since(start).Seconds()
	b.ReportMetric(rate, "reads/s")
	b.Logf("OPC UA gateway: %.0f Read requests/s of %d nodes (%.0f values/s)", rate, benchTags, rate*benchTags)
}

// BenchmarkOPCUAGatewayLatency: time from a bus change to a gopcua
// client's subscription notification, at the shortest publishing
// interval the gateway grants (minPublishing). Each change follows the
// previous notification at once, so it waits a whole interval for the
// subscription's next publish: the figure is the interval plus the
// gateway's own time, the worst case of a client's wait.
func BenchmarkOPCUAGatewayLatency(b *testing.B) {
	bus := benchBus(b)
	g, c := startTestOPCUA(b, bus)
	ch := make(chan *opcua.PublishNotificationData, 64)
	sub, err := c.Subscribe(b.Context(), &opcua.SubscriptionParameters{Interval: time.Duration(minPublishing) * time.Millisecond}, ch)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := sub.Monitor(b.Context(), ua.TimestampsToReturnBoth,
		opcua.NewMonitoredItemCreateRequestWithDefaults(g.ua.nodes[0], ua.AttributeIDValue, 1)); err != nil {
		b.Fatal(err)
	}
	wait := func(want float32) {
		timeout := time.After(10 * time.Second)
		for {
			select {
			case n := <-ch:
				if n.Error != nil {
					b.Fatal(n.Error)
				}
				dc, ok := n.Value.(*ua.DataChangeNotification)
				if !ok {
					continue
				}
				for _, item := range dc.MonitoredItems {
					if item.Value.Value != nil && item.Value.Value.Value() == want {
						return
					}
				}
			case <-timeout:
				b.Fatalf("no notification of %v", want)
			}
		}
	}
	wait(0) // the initial value
	var total time.Duration
	v := float32(0.5)
	for b.Loop() {
		v++
		t0 := time.Now()
		publish(bus, v)
		wait(v)
		total += time.Since(t0)
	}
	ms := total.Seconds() * 1000 / float64(b.N)
	b.ReportMetric(ms, "ms/change")
	b.Logf("OPC UA gateway: a change notified to a subscribed client after %.1f ms (publishing interval %.0f ms)", ms, minPublishing)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	sub.Cancel(ctx)
}
