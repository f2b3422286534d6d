package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/sightglass/sightglass/historian"
)

// cmdHistoryStats prints the historian's size: tags, samples, files,
// bytes on disk and bytes per sample.
func cmdHistoryStats(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("history stats", flag.ContinueOnError)
	data := dataFlag(fs)
	asJSON := fs.Bool("json", false, "print JSON")
	db, closeDB, err := openHistory(fs, data, args, stderr)
	if err != nil {
		return err
	}
	defer closeDB()
	st, err := db.Stats()
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(st)
	}
	return printStats(stdout, st)
}

// cmdHistoryVerify checks every chunk's checksum and lists the damaged
// ones by tag and time range; exit status 1 when anything is damaged.
func cmdHistoryVerify(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("history verify", flag.ContinueOnError)
	db, closeDB, err := openHistory(fs, dataFlag(fs), args, stderr)
	if err != nil {
		return err
	}
	defer closeDB()
	damage, err := db.Verify(ctx)
	if err != nil {
		return err
	}
	for _, d := range damage {
		fmt.Fprintf(stdout, "%s: %s %s .. %s: %s\n", d.File, d.Tag, formatTime(d.From), formatTime(d.To), d.Err)
	}
	if len(damage) > 0 {
		return exitError{code: 1, msg: fmt.Sprintf("%d damaged chunk(s); the rest is readable", len(damage))}
	}
	fmt.Fprintln(stdout, "history ok: every chunk's checksum matches")
	return nil
}

// cmdHistoryTags lists the tags the historian keeps.
func cmdHistoryTags(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("history tags", flag.ContinueOnError)
	db, closeDB, err := openHistory(fs, dataFlag(fs), args, stderr)
	if err != nil {
		return err
	}
	defer closeDB()
	tw := tabwriter.NewWriter(stdout, 2, 8, 2, ' ', 0)
	for _, c := range db.Tags() {
		fmt.Fprintln(tw, c.Name)
	}
	return tw.Flush()
}

// printStats prints Stats as a summary and a table of files.
func printStats(w io.Writer, st historian.Stats) error {
	fmt.Fprintf(w, "tags %d, samples %d in %d chunks, rollups %d\n", st.Tags, st.Samples, st.Chunks, st.Rollups)
	fmt.Fprintf(w, "on disk %s in %d files (raw %s): %.3f bytes/sample\n", byteSize(st.Bytes), len(st.Files), byteSize(st.RawBytes), st.BytesPerSample)
	tw := tabwriter.NewWriter(w, 2, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "FILE\tKIND\tFROM\tTO\tBYTES\tCHUNKS\tSAMPLES")
	for _, f := range st.Files {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%d\n", f.Name, f.Kind, formatTime(f.From), formatTime(f.To), byteSize(f.Bytes), f.Chunks, f.Samples)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, d := range st.Damaged {
		fmt.Fprintf(w, "damaged: %s: %s\n", d.File, d.Err)
	}
	return nil
}

// byteSize prints a size in B, KiB, MiB or GiB.
func byteSize(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	f, suffix := float64(n), []string{"KiB", "MiB", "GiB", "TiB"}
	i := -1
	for f >= unit && i < len(suffix)-1 {
		f /= unit
		i++
	}
	return fmt.Sprintf("%.1f %s", f, suffix[i])
}
