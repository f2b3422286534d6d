package main

import (
	"context"
	"flag"
	"fmt"
	"io"
)

// cmdWrite writes one value through the station's write path, reads it
// back and prints old → new, or the device's error.
func cmdWrite(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("write", flag.ContinueOnError)
	dir := projectFlag(fs)
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if fs.NArg() != 2 {
		return exitError{code: exitUsage, msg: "usage: sightglass write [--project DIR] TAG VALUE"}
	}
	name, value := fs.Arg(0), fs.Arg(1)
	st, err := startScanned(ctx, *dir, newLogger(stderr, false))
	if err != nil {
		return err
	}
	defer st.Stop()
	wctx, cancel := context.WithTimeout(ctx, scanWait)
	defer cancel()
	old, new, err := st.Write(wctx, name, value)
	if err != nil {
		return err
	}
	units := ""
	if id, ok := st.Bus().Table().Lookup(name); ok {
		if u := st.Bus().Table().Def(id).Units; u != "" {
			units = " " + u
		}
	}
	fmt.Fprintf(stdout, "%s: %s → %s%s (%s)\n", name, old.Value, new.Value, units, new.Quality)
	return nil
}
