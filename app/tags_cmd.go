package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/sightglass/sightglass/station"
	"github.com/sightglass/sightglass/tags"
)

// cmdTags connects, scans every device once (or keeps watching) and prints
// every tag's value, units, quality and timestamp.
func cmdTags(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("tags", flag.ContinueOnError)
	dir := projectFlag(fs)
	asJSON := fs.Bool("json", false, "print JSON")
	watch := fs.Bool("watch", false, "keep watching and print every change")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	st, err := startScanned(ctx, *dir, newLogger(io.Discard, false), nil)
	if err != nil {
		return err
	}
	defer st.Stop()
	snap, _ := st.Bus().Snapshot(nil)
	if *asJSON {
		if err := printJSON(stdout, st.Bus().Table(), snap); err != nil {
			return err
		}
	} else {
		printTable(stdout, st.Bus().Table(), snap)
	}
	if *watch {
		return watchChanges(ctx, st, stdout, *asJSON)
	}
	return nil
}

// tagJSON is one tag as `tags --json` prints it.
type tagJSON struct {
	Name    string `json:"name"`
	Value   any    `json:"value"`
	Units   string `json:"units,omitempty"`
	Quality string `json:"quality"`
	Reason  string `json:"reason,omitempty"`
	Code    uint16 `json:"code,omitempty"`
	Time    string `json:"time,omitempty"`
}

func toJSON(def *tags.Def, v tags.VQT) tagJSON {
	j := tagJSON{Name: def.Name, Value: v.Value.Interface(), Units: def.Units,
		Quality: v.Quality.Level.String(), Reason: v.Quality.Reason.String(), Code: v.Quality.Code}
	if !v.Time.IsZero() {
		j.Time = v.Time.Format(time.RFC3339Nano)
	}
	return j
}

func printJSON(w io.Writer, t *tags.Table, snap []tags.VQT) error {
	out := make([]tagJSON, len(snap))
	for i, v := range snap {
		out[i] = toJSON(t.Def(tags.ID(i)), v)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func printTable(w io.Writer, t *tags.Table, snap []tags.VQT) {
	tw := tabwriter.NewWriter(w, 2, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "TAG\tVALUE\tUNITS\tQUALITY\tTIMESTAMP")
	for i, v := range snap {
		fmt.Fprintln(tw, tagLine(t.Def(tags.ID(i)), v))
	}
	tw.Flush()
}

func tagLine(def *tags.Def, v tags.VQT) string {
	ts := "-"
	if !v.Time.IsZero() {
		ts = v.Time.Format("2006-01-02 15:04:05.000")
	}
	return fmt.Sprintf("%s\t%s\t%s\t%s\t%s", def.Name, v.Value, def.Units, v.Quality, ts)
}

// watchChanges prints every change on the bus until ctx ends.
func watchChanges(ctx context.Context, st *station.Station, w io.Writer, asJSON bool) error {
	sub := st.Bus().Subscribe("tags --watch")
	defer sub.Close()
	t := st.Bus().Table()
	enc := json.NewEncoder(w)
	var batch []tags.Update
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-sub.C():
		}
		batch = sub.Next(batch[:0])
		for _, u := range batch {
			if asJSON {
				if err := enc.Encode(toJSON(t.Def(u.ID), u.VQT)); err != nil {
					return err
				}
				continue
			}
			fmt.Fprintln(w, tagLine(t.Def(u.ID), u.VQT))
		}
	}
}
