package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/sightglass/sightglass/project"
)

// cmdCheck validates a project and prints every problem, each as
// file:line: message. Exit status 2 when anything is wrong, 0 when clean.
func cmdCheck(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	dir := fs.String("project", "", "project folder to check (required)")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if *dir == "" {
		return exitError{code: exitUsage, msg: "sightglass check: --project DIR is required"}
	}
	p, err := project.Load(*dir)
	if err != nil {
		return projectError(err)
	}
	fmt.Fprintf(stdout, "%s: ok — station %q, %d devices, %d tags\n", *dir, p.Station.Name, len(p.Devices), len(p.Tags))
	return nil
}
