package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/sightglass/sightglass/alarms"
	"github.com/sightglass/sightglass/state"
	"github.com/sightglass/sightglass/station"
)

// alarmsUsage lists the alarms subcommands.
const alarmsUsage = `Usage:
  sightglass alarms list    [--all] [--json]
  sightglass alarms history [--from TIME] [--to TIME] [--tag T] [--area A] [--priority P,..]
                            [--event E,..] [--user U] [--text S] [--limit N] [--csv]
  sightglass alarms report  [--from TIME] [--to TIME] [--area A] [--by-area] [--csv]

Every subcommand takes --data DIR (default ./data), the station's data
folder. While a station runs on it they ask the station through its control
socket (DIR/control.sock); otherwise they read DIR/state.db. list shows the
alarms that are not normal (or shelved, suppressed, out of service); --all
every configured alarm. history searches the alarm journal (every
transition, oldest first). report prints the ISA-18.2 / EEMUA 191 alarm
performance figures with their targets (default: the last 7 days).
`

// cmdAlarms dispatches the alarms subcommands.
func cmdAlarms(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	subs := map[string]func(context.Context, []string, io.Writer, io.Writer) error{
		"list":    cmdAlarmsList,
		"history": cmdAlarmsHistory,
		"report":  cmdAlarmsReport,
	}
	if len(args) == 0 {
		return exitError{code: exitUsage, msg: alarmsUsage}
	}
	sub, ok := subs[args[0]]
	if !ok {
		return exitError{code: exitUsage, msg: fmt.Sprintf("sightglass alarms: unknown subcommand %q (want history, list, report)\n\n%s", args[0], alarmsUsage)}
	}
	return sub(ctx, args[1:], stdout, stderr)
}

// alarmSource is where the alarm commands read: a running station, or the
// state file of a stopped one.
type alarmSource interface {
	statuses(all bool) ([]alarms.Status, error)
	history(q alarms.Query) ([]alarms.Record, error)
	close()
}

// openAlarms finds the alarm data of a data folder.
func openAlarms(dataDir string) (alarmSource, error) {
	if dataDir == "" {
		dataDir = "data"
	}
	if c, ok := dialControl(dataDir); ok {
		return stationAlarms{c}, nil
	}
	path := filepath.Join(dataDir, station.StateFile)
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("no alarm data in %s (no station has run there with alarms): %w", dataDir, err)
	}
	st, err := state.OpenLocalReadOnly(path, 2*time.Second)
	if err != nil {
		return nil, err
	}
	return fileAlarms{st}, nil
}

type stationAlarms struct{ c *controlClient }

func (s stationAlarms) statuses(all bool) ([]alarms.Status, error) {
	var out []alarms.Status
	q := map[string][]string{}
	if all {
		q["all"] = []string{"1"}
	}
	return out, s.c.get("/v1/alarms", q, &out)
}

func (s stationAlarms) history(q alarms.Query) ([]alarms.Record, error) {
	var out []alarms.Record
	return out, s.c.get("/v1/alarms/history", encodeQuery(q), &out)
}

func (stationAlarms) close() {}

type fileAlarms struct{ st *state.Local }

func (f fileAlarms) statuses(all bool) ([]alarms.Status, error) {
	list, err := alarms.LoadStatuses(f.st)
	if err != nil {
		return nil, err
	}
	if all {
		return list, nil
	}
	out := list[:0]
	for _, s := range list {
		if s.State != alarms.Normal || s.Shelved || s.Suppressed || s.OutOfService {
			out = append(out, s)
		}
	}
	return out, nil
}

func (f fileAlarms) history(q alarms.Query) ([]alarms.Record, error) { return alarms.Search(f.st, q) }
func (f fileAlarms) close()                                          { f.st.Close() }

// cmdAlarmsList prints the alarms that are not normal.
func cmdAlarmsList(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("alarms list", flag.ContinueOnError)
	data := dataFlag(fs)
	all := fs.Bool("all", false, "every configured alarm, normal ones too")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	src, err := openAlarms(*data)
	if err != nil {
		return err
	}
	defer src.close()
	list, err := src.statuses(*all)
	if err != nil {
		return err
	}
	// Most urgent first, newest first within a priority: the summary's order.
	sort.SliceStable(list, func(i, j int) bool {
		if list[i].Priority != list[j].Priority {
			return list[i].Priority < list[j].Priority
		}
		return list[i].Changed.After(list[j].Changed)
	})
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(list)
	}
	if len(list) == 0 {
		fmt.Fprintln(stdout, "no alarms")
		return nil
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SINCE\tPRIORITY\tSTATE\tAREA\tALARM\tVALUE\tMESSAGE")
	for _, s := range list {
		since := s.ActiveAt
		if since.IsZero() {
			since = s.Changed
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", localTime(since), s.Priority, statusText(&s), s.Area, s.ID, s.Value, s.Message)
	}
	return tw.Flush()
}

// statusText is an alarm's state with its overlays: "acked, shelved until 14:05".
func statusText(s *alarms.Status) string {
	parts := []string{s.State.String()}
	if s.Shelved {
		parts = append(parts, "shelved until "+s.ShelvedUntil.Local().Format("15:04"))
	}
	if s.Suppressed {
		parts = append(parts, "suppressed")
	}
	if s.OutOfService {
		parts = append(parts, "out of service")
	}
	return strings.Join(parts, ", ")
}

func localTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Local().Format("2006-01-02 15:04:05")
}

// cmdAlarmsHistory searches the alarm journal.
func cmdAlarmsHistory(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("alarms history", flag.ContinueOnError)
	rf := addRangeFlags(fs, "-24h")
	tag := fs.String("tag", "", "only this tag's alarms")
	area := fs.String("area", "", "only alarms in this area (asset path prefix)")
	prios := fs.String("priority", "", "only these priorities: critical,high,medium,low,diagnostic")
	events := fs.String("event", "", "only these events: active,clear,ack,reset,realarm,shelve,unshelve,suppress,unsuppress,out-of-service,in-service,limit")
	user := fs.String("user", "", "only this user's actions")
	text := fs.String("text", "", "only records whose alarm, message or comment contains this text")
	limit := fs.Int("limit", 0, "at most this many records (0: all)")
	asCSV := fs.Bool("csv", false, "print CSV")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	from, to, err := rf.times()
	if err != nil {
		return err
	}
	q := alarms.Query{From: from, To: to, Tag: *tag, Area: *area, User: *user, Text: *text, Limit: *limit}
	if q.Priorities, err = parsePriorities(*prios); err != nil {
		return exitError{code: exitUsage, msg: "--priority: " + err.Error()}
	}
	if q.Events, err = parseEvents(*events); err != nil {
		return exitError{code: exitUsage, msg: "--event: " + err.Error()}
	}
	src, err := openAlarms(*rf.data)
	if err != nil {
		return err
	}
	defer src.close()
	recs, err := src.history(q)
	if err != nil {
		return err
	}
	if *asCSV {
		return alarms.WriteCSV(stdout, recs)
	}
	if len(recs) == 0 {
		fmt.Fprintln(stdout, "no alarm records")
		return nil
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "TIME\tPRIORITY\tEVENT\tSTATE\tALARM\tVALUE\tUSER\tCOMMENT\tMESSAGE")
	for _, r := range recs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Time.Local().Format("2006-01-02 15:04:05.000"),
			r.Priority, r.Event, r.State, r.Alarm, r.Value, dash(r.User), dash(r.Comment), r.Message)
	}
	return tw.Flush()
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// cmdAlarmsReport prints the alarm performance figures.
func cmdAlarmsReport(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("alarms report", flag.ContinueOnError)
	rf := addRangeFlags(fs, "-7d")
	area := fs.String("area", "", "only this area (asset path prefix)")
	byArea := fs.Bool("by-area", false, "one report per area")
	asCSV := fs.Bool("csv", false, "print CSV")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	from, to, err := rf.times()
	if err != nil {
		return err
	}
	src, err := openAlarms(*rf.data)
	if err != nil {
		return err
	}
	defer src.close()
	// Activations that began before the period still count for stale
	// alarms, so the report reads the journal from a day earlier.
	recs, err := src.history(alarms.Query{From: from.Add(-alarmsLookback), To: to})
	if err != nil {
		return err
	}
	return printReport(stdout, recs, from, to, *area, *byArea, *asCSV)
}

// alarmsLookback is how far before a report's period the journal is read.
const alarmsLookback = 24 * time.Hour

// printReport prints the alarm performance report of [from, to): one for
// area (all areas when ""), or one per area.
func printReport(w io.Writer, recs []alarms.Record, from, to time.Time, area string, byArea, asCSV bool) error {
	reports := []alarms.AreaKPIs{{Area: area, KPIs: alarms.Report(recs, from, to, area)}}
	if byArea {
		reports = alarms.ReportByArea(recs, from, to)
	}
	for i, r := range reports {
		if asCSV {
			if i > 0 {
				fmt.Fprintln(w)
			}
			if err := r.KPIs.WriteCSV(w); err != nil {
				return err
			}
			continue
		}
		name := r.Area
		if name == "" {
			name = "all areas"
		}
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "Alarm performance, %s, %s to %s\n\n", name, localTime(from), localTime(to))
		if err := r.KPIs.WriteText(w); err != nil {
			return err
		}
	}
	return nil
}
