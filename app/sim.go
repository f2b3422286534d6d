package main

import (
	"context"
	"flag"
	"io"

	"github.com/sightglass/sightglass/sim"
	"github.com/sightglass/sightglass/station"
)

// cmdSim serves the embedded plant alone over Modbus TCP until
// SIGINT/SIGTERM, so other tools (mbpoll, another SCADA) can talk to it.
func cmdSim(ctx context.Context, args []string, _, stderr io.Writer) error {
	fs := flag.NewFlagSet("sim", flag.ContinueOnError)
	listen := fs.String("listen", "127.0.0.1:5020", "host:port to serve Modbus TCP on")
	seed := fs.Int64("seed", station.DemoSeed, "seed of the plant's noise")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	log := newLogger(stderr, false)
	return sim.Serve(ctx, *listen, sim.New(*seed), sim.WithLogger(log))
}
