package main

import (
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sightglass/sightglass/historian"
	"github.com/sightglass/sightglass/tags"
)

// cmdHistoryImport backfills samples from a long-format CSV file
// (time,tag,value[,quality], with a header row), as `history export`
// writes it. Tags the historian does not know yet are added.
func cmdHistoryImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("history import", flag.ContinueOnError)
	data := dataFlag(fs)
	file := fs.String("file", "", "CSV file: time,tag,value[,quality] (required)")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if *file == "" {
		return exitError{code: exitUsage, msg: "sightglass history import: --file is required"}
	}
	f, err := os.Open(*file)
	if err != nil {
		return err
	}
	defer f.Close()
	byTag, order, err := readImportCSV(f, *file)
	if err != nil {
		return err
	}
	db, closeDB, err := historyDB(*data, newLogger(stderr, false))
	if err != nil {
		return err
	}
	defer closeDB()
	total := 0
	for _, name := range order {
		samples := byTag[name]
		id, ok := db.Lookup(name)
		if !ok {
			if id, err = db.Register(historian.TagConfig{Name: name, Hint: hintOf(samples)}); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
		}
		slices.SortStableFunc(samples, func(a, b historian.Sample) int { return int(a.T - b.T) })
		if err := db.Import(ctx, id, samples); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		total += len(samples)
	}
	if err := db.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "imported %d samples of %d tags from %s\n", total, len(order), *file)
	return nil
}

// readImportCSV reads a long-format CSV into samples by tag, in the order
// the tags first appear. Every bad row is reported as file:line.
func readImportCSV(r io.Reader, name string) (map[string][]historian.Sample, []string, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	head, err := cr.Read()
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", name, err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[strings.ToLower(strings.TrimSpace(h))] = i
	}
	for _, need := range []string{"time", "tag", "value"} {
		if _, ok := col[need]; !ok {
			return nil, nil, fmt.Errorf("%s:1: missing column %q (want time,tag,value[,quality])", name, need)
		}
	}
	qcol, hasQ := col["quality"]
	byTag := map[string][]historian.Sample{}
	var order []string
	var problems []error
	now := time.Now()
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			problems = append(problems, fmt.Errorf("%s:%d: %w", name, line, err))
			continue
		}
		get := func(c int) string {
			if c < len(rec) {
				return strings.TrimSpace(rec[c])
			}
			return ""
		}
		t, err := parseTime(get(col["time"]), now)
		if err != nil {
			problems = append(problems, fmt.Errorf("%s:%d: %w", name, line, err))
			continue
		}
		tag := get(col["tag"])
		if tag == "" {
			problems = append(problems, fmt.Errorf("%s:%d: empty tag", name, line))
			continue
		}
		q := tags.GoodQuality
		if hasQ {
			if q, err = parseQuality(get(qcol)); err != nil {
				problems = append(problems, fmt.Errorf("%s:%d: %w", name, line, err))
				continue
			}
		}
		if _, seen := byTag[tag]; !seen {
			order = append(order, tag)
		}
		byTag[tag] = append(byTag[tag], historian.Sample{T: historian.Millis(t), V: parseCSVValue(get(col["value"])), Q: q})
	}
	if len(problems) > 0 {
		return nil, nil, errors.Join(problems...)
	}
	return byTag, order, nil
}

// parseCSVValue reads a cell as the narrowest kind that holds it: bool,
// integer, float, or else text.
func parseCSVValue(s string) tags.Value {
	if b, err := strconv.ParseBool(s); err == nil && (s == "true" || s == "false") {
		return tags.Bool(b)
	}
	if i, err := strconv.ParseInt(s, 10, 64); err == nil {
		return tags.Int(i)
	}
	if u, err := strconv.ParseUint(s, 10, 64); err == nil {
		return tags.Uint(u)
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		return tags.Float(f)
	}
	return tags.String(s)
}

// parseQuality reads a quality as tags.Quality.String prints it ("good",
// "bad: no communication", "bad: device exception 2"); an empty cell is good.
func parseQuality(s string) (tags.Quality, error) {
	levelText, reasonText, _ := strings.Cut(s, ":")
	var q tags.Quality
	switch strings.TrimSpace(levelText) {
	case "", "good":
		return tags.GoodQuality, nil
	case "uncertain":
		q.Level = tags.Uncertain
	case "bad":
		q.Level = tags.Bad
	default:
		return q, fmt.Errorf("quality %q: want good, uncertain or bad[: reason]", s)
	}
	reasonText = strings.TrimSpace(reasonText)
	if reasonText == "" {
		return q, nil
	}
	// A trailing number is the device's code: "device exception 2".
	if i := strings.LastIndexByte(reasonText, ' '); i > 0 {
		if code, err := strconv.ParseUint(reasonText[i+1:], 10, 16); err == nil {
			q.Code = uint16(code)
			reasonText = reasonText[:i]
		}
	}
	for r := tags.Reason(1); r.String() != "Reason("+strconv.Itoa(int(r))+")"; r++ {
		if r.String() == reasonText {
			q.Reason = r
			return q, nil
		}
	}
	return q, fmt.Errorf("quality %q: unknown reason %q", s, reasonText)
}

// hintOf guesses how to store a new tag's values from the ones imported.
func hintOf(samples []historian.Sample) historian.ValueHint {
	for _, s := range samples {
		if k := s.V.Kind(); k != tags.KindBool && k != tags.KindInt && k != tags.KindUint {
			return historian.ValueHint{}
		}
	}
	return historian.ValueHint{Integer: true}
}
