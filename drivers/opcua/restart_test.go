package opcua

import (
	"context"
	"testing"
	"time"

	"github.com/sightglass/sightglass/drivers"
	"github.com/sightglass/sightglass/tags"
)

// waitBus waits until tag id's VQT on bus satisfies ok, reading the bus at
// each change it announces.
func waitBus(t *testing.T, bus *tags.Bus, id tags.ID, what string, ok func(tags.VQT) bool) tags.VQT {
	t.Helper()
	sub := bus.Subscribe("test")
	defer sub.Close()
	timeout := time.After(20 * time.Second)
	for {
		if v := bus.Get(id); ok(v) {
			return v
		}
		select {
		case <-sub.C():
			sub.Next(nil)
		case <-timeout:
			t.Fatalf("tag %d: %s: not within 20 s (now %v %v)", id, what, bus.Get(id).Value, bus.Get(id).Quality)
		}
	}
}

// TestServerRestart runs the driver under a real poller: the server stops,
// the tags turn bad; it starts again on the same port, the poller
// reconnects, the driver subscribes again, and values flow.
func TestServerRestart(t *testing.T) {
	vars := []variable{{name: "Level", value: 1.0}, {name: "Count", value: int32(1)}}
	ts := startServer(t, 0, vars)
	defs := []tags.Def{
		{Name: "R.Level", Device: "srv", Address: ts.addr("Level"), Type: tags.TypeFloat64},
		{Name: "R.Count", Device: "srv", Address: ts.addr("Count"), Type: tags.TypeInt32},
	}
	all := append(defs, drivers.SystemTagNames("srv")...)
	table := tags.NewTable(all)
	bus := tags.NewBus(table)
	var ptrs []*tags.Def
	for i := range defs {
		ptrs = append(ptrs, table.Def(tags.ID(i)))
	}
	dev := testDevice(ts)
	dev.Timeout = 500 * time.Millisecond
	drv, err := New(dev, ptrs)
	if err != nil {
		t.Fatal(err)
	}
	sys := drivers.SystemTags{Valid: true, Connected: 2, State: 3, ResponseMs: 4, Requests: 5, Errors: 6, Reconnects: 7, LastError: 8}
	p := drivers.NewPoller(dev, drv, bus, sys, discard)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() { p.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()

	waitBus(t, bus, 0, "first value", func(v tags.VQT) bool { return v.Quality.IsGood() && v.Value.Float() == 1 })
	ts.set("Level", 2.5)
	waitBus(t, bus, 0, "a change", func(v tags.VQT) bool { return v.Value.Float() == 2.5 })

	ts.stop()
	waitBus(t, bus, 0, "bad after the server stopped", func(v tags.VQT) bool { return !v.Quality.IsGood() })
	if v := bus.Get(1); v.Quality.IsGood() {
		t.Errorf("Count still good after the server stopped: %v", v.Quality)
	}

	ts2 := startServer(t, ts.port, []variable{{name: "Level", value: 7.0}, {name: "Count", value: int32(9)}})
	waitBus(t, bus, 0, "good after the restart", func(v tags.VQT) bool { return v.Quality.IsGood() && v.Value.Float() == 7 })
	ts2.set("Count", int32(10))
	waitBus(t, bus, 1, "a change after the restart", func(v tags.VQT) bool { return v.Value.Int() == 10 })
	if s := p.Stats(); s.Reconnects < 1 || s.State != drivers.StateConnected {
		t.Errorf("stats after the restart: reconnects %d, state %v", s.Reconnects, s.State)
	}
}
