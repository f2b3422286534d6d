package station

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/sightglass/sightglass/assets"
	"github.com/sightglass/sightglass/project"
	"github.com/sightglass/sightglass/sim"
)

// DemoSeed seeds the embedded plant's noise, so every demo run starts the
// same way.
const DemoSeed = 1

// OpenDemo starts the embedded demo plant as a Modbus TCP server and an
// OPC UA server (security None, a few values) on free loopback ports and
// builds a station for the demo project (assets/demo), pointed at them:
// the station polls the plant over real Modbus TCP and subscribes to it
// over OPC UA, through the drivers a real plant uses. The plant runs with
// its demo faults (sim.DemoFaults) for the demo's models to catch. Stop
// also stops the plant.
func OpenDemo(ctx context.Context, log *slog.Logger) (*Station, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	p, err := project.LoadFS(assets.Demo(), "assets/demo")
	if err != nil {
		return nil, fmt.Errorf("embedded demo project: %w", err)
	}
	plant := sim.New(DemoSeed)
	// The demo's faults, for its models to catch: a bearing wearing slowly
	// and an occasional leak from Tank1 (sim.DemoFaults; the process
	// alarms stay quiet for hours, assets/demo_models_test.go).
	if err := plant.SetFaults(sim.DemoFaults); err != nil {
		return nil, fmt.Errorf("embedded demo plant: %w", err)
	}
	plant.Start() // a living plant from the first second: P1 fills Tank1 to the high setpoint
	srv, err := sim.Listen(ctx, "127.0.0.1:0", plant, sim.WithLogger(log.With("part", "sim")))
	if err != nil {
		return nil, fmt.Errorf("embedded demo plant: %w", err)
	}
	ua, err := sim.ListenOPCUA(ctx, "127.0.0.1", plant, log.With("part", "sim"))
	if err != nil {
		srv.Close()
		return nil, fmt.Errorf("embedded demo plant: %w", err)
	}
	for i := range p.Devices {
		if p.Devices[i].Driver == "opcua" {
			p.Devices[i].Address = ua.Endpoint()
			p.Devices[i].OPCUA.Endpoint = ua.Endpoint()
		} else {
			p.Devices[i].Address = srv.Addr()
		}
	}
	st, err := New(p, log)
	if err != nil {
		ua.Close()
		srv.Close()
		return nil, err
	}
	// Run by Stop after the pollers, so the plant's servers see their
	// clients go; the OPC UA server's Close ends all its goroutines.
	st.afterStop = append(st.afterStop, func() { ua.Close(); srv.Close() })
	log.Info("embedded demo plant", "modbus", srv.Addr(), "opcua", ua.Endpoint())
	return st, nil
}
