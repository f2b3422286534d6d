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

// OpenDemo starts the embedded demo plant as a Modbus TCP server on a free
// loopback port and builds a station for the demo project (assets/demo),
// pointed at it: the station polls the plant over real Modbus TCP, through
// the same driver a real plant uses. Stop also stops the plant.
func OpenDemo(ctx context.Context, log *slog.Logger) (*Station, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	p, err := project.LoadFS(assets.Demo(), "assets/demo")
	if err != nil {
		return nil, fmt.Errorf("embedded demo project: %w", err)
	}
	plant := sim.New(DemoSeed)
	plant.Start() // a living plant from the first second: P1 fills Tank1 to the high setpoint
	srv, err := sim.Listen(ctx, "127.0.0.1:0", plant, sim.WithLogger(log.With("part", "sim")))
	if err != nil {
		return nil, fmt.Errorf("embedded demo plant: %w", err)
	}
	for i := range p.Devices {
		p.Devices[i].Address = srv.Addr()
	}
	st, err := New(p, log)
	if err != nil {
		srv.Close()
		return nil, err
	}
	st.afterStop = append(st.afterStop, func() { srv.Close() })
	log.Info("embedded demo plant", "modbus", srv.Addr())
	return st, nil
}
