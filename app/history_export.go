package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/sightglass/sightglass/historian"
)

// cmdHistoryExport writes the raw samples of several tags as CSV: long
// (time,tag,value,quality, a row a sample) or wide (time and a column a
// tag, a row a moment any of them changed, each cell the tag's value then).
func cmdHistoryExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("history export", flag.ContinueOnError)
	rf := addRangeFlags(fs, "-24h")
	names := fs.String("tags", "", "comma-separated tags (default: every tag with history)")
	format := fs.String("format", "long", "long (time,tag,value,quality) or wide (time and a column a tag)")
	out := fs.String("out", "", "file to write (default: standard output)")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if *format != "long" && *format != "wide" {
		return exitError{code: exitUsage, msg: fmt.Sprintf("--format %q: want long or wide", *format)}
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
	var list []string
	if *names == "" {
		for _, c := range db.Tags() {
			list = append(list, c.Name)
		}
	} else {
		list = strings.Split(*names, ",")
	}
	ids := make([]historian.TagID, len(list))
	for i, n := range list {
		id, ok := db.Lookup(strings.TrimSpace(n))
		if !ok {
			return fmt.Errorf("no history of tag %q", n)
		}
		ids[i] = id
	}

	w := stdout
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			return err
		}
		defer f.Close()
		bw := bufio.NewWriterSize(f, 1<<16)
		defer bw.Flush()
		w = bw
	}
	cw := csv.NewWriter(w)
	ex := exporter{db: db, ids: ids, names: list, cw: cw, wide: *format == "wide", last: make([]string, len(ids))}
	ex.header()
	bar := newProgress(stderr, to-from)
	slice := sliceFor(to - from)
	for t := from; t < to; t += slice {
		if err := ctx.Err(); err != nil {
			return err
		}
		n, err := ex.slice(ctx, t, min(t+slice, to))
		if err != nil {
			return err
		}
		bar.add(min(t+slice, to)-t, n)
	}
	bar.done()
	cw.Flush()
	return cw.Error()
}

// sliceFor is how much of a range export reads at a time: an hour for a
// day or less, a day for longer ranges.
func sliceFor(span int64) int64 {
	if span <= 24*time.Hour.Milliseconds() {
		return time.Hour.Milliseconds()
	}
	return 24 * time.Hour.Milliseconds()
}

type exporter struct {
	db    *historian.DB
	ids   []historian.TagID
	names []string
	cw    *csv.Writer
	wide  bool
	last  []string // wide: each tag's value so far
}

func (e *exporter) header() {
	if e.wide {
		e.cw.Write(append([]string{"time"}, e.names...))
		return
	}
	e.cw.Write([]string{"time", "tag", "value", "quality"})
}

// row is one sample of the tag at index tag.
type row struct {
	tag int
	s   historian.Sample
}

// slice writes [from, to) of every tag, merged in time order, and returns
// the samples written.
func (e *exporter) slice(ctx context.Context, from, to int64) (int, error) {
	var rows []row
	for i, id := range e.ids {
		samples, err := e.db.Raw(ctx, id, from, to, 0)
		if err != nil {
			return 0, fmt.Errorf("%s: %w", e.names[i], err)
		}
		for _, s := range samples {
			rows = append(rows, row{i, s})
		}
	}
	slices.SortStableFunc(rows, func(a, b row) int { return int(a.s.T - b.s.T) })
	for i, r := range rows {
		if !e.wide {
			e.cw.Write([]string{formatTime(r.s.T), e.names[r.tag], r.s.V.String(), r.s.Q.String()})
			continue
		}
		// Wide: a bad sample empties its cell; one row a moment.
		e.last[r.tag] = ""
		if r.s.Q.IsGood() {
			e.last[r.tag] = r.s.V.String()
		}
		if i+1 < len(rows) && rows[i+1].s.T == r.s.T {
			continue
		}
		e.cw.Write(append([]string{formatTime(r.s.T)}, e.last...))
	}
	return len(rows), nil
}

// progress draws a progress bar on a terminal's standard error for long
// exports; elsewhere it prints nothing.
type progress struct {
	w            io.Writer
	total, doneN int64
	samples      int
	on           bool
}

func newProgress(w io.Writer, total int64) *progress {
	f, ok := w.(*os.File)
	on := ok && total > 24*time.Hour.Milliseconds()
	if on {
		st, err := f.Stat()
		on = err == nil && st.Mode()&os.ModeCharDevice != 0
	}
	return &progress{w: w, total: total, on: on}
}

func (p *progress) add(span int64, samples int) {
	p.doneN += span
	p.samples += samples
	if !p.on {
		return
	}
	const width = 30
	filled := int(int64(width) * p.doneN / p.total)
	fmt.Fprintf(p.w, "\rexport [%s%s] %3d%%  %d samples", strings.Repeat("#", filled), strings.Repeat(" ", width-filled), 100*p.doneN/p.total, p.samples)
}

func (p *progress) done() {
	if p.on {
		fmt.Fprintln(p.w)
	}
}
