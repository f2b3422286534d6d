package main

import (
	"context"
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/sightglass/sightglass/historian"
)

// historyDB opens the historian of a data folder for a history command,
// holding the folder's lock so no station writes it meanwhile. close
// releases both.
func historyDB(dataDir string, log *slog.Logger) (db *historian.DB, close func(), err error) {
	if dataDir == "" {
		dataDir = "data"
	}
	unlock, err := lockDataDir(dataDir)
	if err != nil {
		return nil, nil, err
	}
	db, err = historian.Open(historian.Options{Dir: dataDir, Logger: log})
	if err != nil {
		unlock()
		return nil, nil, err
	}
	return db, func() { db.Close(); unlock() }, nil
}

// dataFlag adds --data to fs.
func dataFlag(fs *flag.FlagSet) *string {
	return fs.String("data", "", "the station's data folder (default ./data)")
}

// openHistory parses args into fs and opens the historian of the data
// folder data names.
func openHistory(fs *flag.FlagSet, data *string, args []string, stderr io.Writer) (*historian.DB, func(), error) {
	if err := parseFlags(fs, args, stderr); err != nil {
		return nil, nil, err
	}
	return historyDB(*data, newLogger(stderr, false))
}

// rangeFlags adds --data, --from and --to to fs.
type rangeFlags struct {
	data, from, to *string
}

func addRangeFlags(fs *flag.FlagSet, from string) rangeFlags {
	return rangeFlags{
		data: dataFlag(fs),
		from: fs.String("from", from, "start of the range (now, -1h, -7d, 2026-11-25, \"2026-11-25 08:00\", RFC 3339)"),
		to:   fs.String("to", "now", "end of the range, exclusive"),
	}
}

// span parses --from and --to into Unix milliseconds.
func (r rangeFlags) span() (from, to int64, err error) {
	f, t, err := r.times()
	if err != nil {
		return 0, 0, err
	}
	return historian.Millis(f), historian.Millis(t), nil
}

// times parses --from and --to.
func (r rangeFlags) times() (from, to time.Time, err error) {
	now := time.Now()
	f, err := parseTime(*r.from, now)
	if err != nil {
		return f, f, exitError{code: exitUsage, msg: "--from: " + err.Error()}
	}
	t, err := parseTime(*r.to, now)
	if err != nil {
		return f, t, exitError{code: exitUsage, msg: "--to: " + err.Error()}
	}
	if !f.Before(t) {
		return f, t, exitError{code: exitUsage, msg: fmt.Sprintf("--from %s is not before --to %s", f.Format(time.RFC3339), t.Format(time.RFC3339))}
	}
	return f, t, nil
}

// cmdHistoryQuery prints one tag's raw samples or aggregates.
func cmdHistoryQuery(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("history query", flag.ContinueOnError)
	rf := addRangeFlags(fs, "-1h")
	tag := fs.String("tag", "", "the tag (required)")
	aggName := fs.String("agg", "", "aggregate: avg twa min max count delta pctgood first last (default: raw samples)")
	interval := fs.String("interval", "1m", "aggregate interval")
	asCSV := fs.Bool("csv", false, "print CSV")
	limit := fs.Int("limit", 0, "at most this many raw samples (0: all)")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if *tag == "" {
		return exitError{code: exitUsage, msg: "sightglass history query: --tag is required"}
	}
	from, to, err := rf.span()
	if err != nil {
		return err
	}
	db, closeDB, err := historyDB(*rf.data, newLogger(stderr, false))
	if err != nil {
		return err
	}
	defer closeDB()
	id, ok := db.Lookup(*tag)
	if !ok {
		return fmt.Errorf("no history of tag %q (sightglass history tags lists them)", *tag)
	}
	if *aggName == "" {
		samples, err := db.Raw(ctx, id, from, to, *limit)
		if err != nil {
			return err
		}
		return printSamples(stdout, samples, *asCSV)
	}
	agg, err := historian.ParseAgg(*aggName)
	if err != nil {
		return exitError{code: exitUsage, msg: err.Error()}
	}
	iv, err := parseDuration(*interval)
	if err != nil || iv < time.Millisecond {
		return exitError{code: exitUsage, msg: fmt.Sprintf("--interval %q: want a duration of at least 1ms", *interval)}
	}
	// Intervals fall on the interval's grid (08:00, 08:01, ...), as
	// people read them.
	step := iv.Milliseconds()
	from -= from % step
	buckets, err := db.Aggregate(ctx, id, from, to, step, agg)
	if err != nil {
		return err
	}
	return printBuckets(stdout, buckets, agg, *asCSV)
}

// formatTime prints a sample's time in the local zone, to the millisecond.
func formatTime(ms int64) string {
	return historian.Time(ms).Format("2006-01-02T15:04:05.000Z07:00")
}

func printSamples(w io.Writer, samples []historian.Sample, asCSV bool) error {
	if asCSV {
		cw := csv.NewWriter(w)
		cw.Write([]string{"time", "value", "quality"})
		for _, s := range samples {
			cw.Write([]string{formatTime(s.T), s.V.String(), s.Q.String()})
		}
		cw.Flush()
		return cw.Error()
	}
	tw := tabwriter.NewWriter(w, 2, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "TIME\tVALUE\tQUALITY")
	for _, s := range samples {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", formatTime(s.T), s.V, s.Q)
	}
	fmt.Fprintf(tw, "(%d samples)\n", len(samples))
	return tw.Flush()
}

func printBuckets(w io.Writer, buckets []historian.Bucket, agg historian.Agg, asCSV bool) error {
	value := func(b historian.Bucket) string {
		if !b.Good && agg != historian.AggCount && agg != historian.AggPctGood {
			return ""
		}
		return strconv.FormatFloat(b.Value, 'g', 10, 64)
	}
	if asCSV {
		cw := csv.NewWriter(w)
		cw.Write([]string{"start", agg.String(), "count"})
		for _, b := range buckets {
			cw.Write([]string{formatTime(b.Start), value(b), strconv.Itoa(b.Count)})
		}
		cw.Flush()
		return cw.Error()
	}
	tw := tabwriter.NewWriter(w, 2, 8, 2, ' ', 0)
	fmt.Fprintf(tw, "START\t%s\tCOUNT\n", agg)
	for _, b := range buckets {
		v := value(b)
		if v == "" {
			v = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\n", formatTime(b.Start), v, b.Count)
	}
	return tw.Flush()
}
