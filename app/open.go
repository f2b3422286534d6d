package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/sightglass/sightglass/project"
	"github.com/sightglass/sightglass/station"
)

// projectFlag adds --project to fs.
func projectFlag(fs *flag.FlagSet) *string {
	return fs.String("project", "", "project folder (project.yaml, tags.csv); empty runs the embedded demo plant")
}

// openStation loads the project in dir (or, for "", starts the embedded
// demo plant) and builds its station; it does not start polling. A project
// with problems ends the command with status 2 and every problem listed.
// opts go to station.New (WithDataDir: the OPC UA devices' PKI folder).
func openStation(ctx context.Context, dir string, log *slog.Logger, opts ...station.Option) (*station.Station, error) {
	if dir == "" {
		return station.OpenDemo(ctx, log)
	}
	p, err := project.Load(dir)
	if err != nil {
		return nil, projectError(err)
	}
	return station.New(p, log, opts...)
}

// scanWait bounds how long `tags` and `write` wait for the first scan,
// and how long `write` waits for its write.
const scanWait = 15 * time.Second

// startScanned opens and starts the station and waits until every device
// has been scanned once (or failed once). The caller stops it.
// prep, when not nil, runs before Start (to enable the station's state).
func startScanned(ctx context.Context, dir string, log *slog.Logger, prep func(*station.Station) error, opts ...station.Option) (*station.Station, error) {
	st, err := openStation(ctx, dir, log, opts...)
	if err != nil {
		return nil, err
	}
	if prep != nil {
		if err := prep(st); err != nil {
			st.Stop()
			return nil, err
		}
	}
	if err := st.Start(ctx); err != nil {
		return nil, err
	}
	wctx, cancel := context.WithTimeout(ctx, scanWait)
	defer cancel()
	if err := st.WaitScanned(wctx); err != nil {
		st.Stop()
		return nil, fmt.Errorf("devices did not answer within %s: %w", scanWait, err)
	}
	return st, nil
}

// projectError turns a project's problems into exit status 2 with one
// file:line message per line.
func projectError(err error) error {
	var probs project.Problems
	if errors.As(err, &probs) {
		return exitError{code: exitUsage, msg: fmt.Sprintf("%s\n%d problem(s) in the project", probs.Error(), len(probs))}
	}
	return err
}

// parseFlags parses args into fs, printing errors to stderr; -h prints the
// flags and ends with status 0.
func parseFlags(fs *flag.FlagSet, args []string, stderr io.Writer) error {
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitError{code: 0}
		}
		return exitError{code: exitUsage}
	}
	return nil
}
