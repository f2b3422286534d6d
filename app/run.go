package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/sightglass/sightglass/auth"
	"github.com/sightglass/sightglass/drivers"
	"github.com/sightglass/sightglass/hmi"
	"github.com/sightglass/sightglass/station"
	"github.com/sightglass/sightglass/tags"
)

// summaryEvery is how often a headless station logs its one-line summary.
const summaryEvery = 5 * time.Second

// cmdRun runs the station until SIGINT/SIGTERM (or the window closes).
func cmdRun(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	dir := projectFlag(fs)
	data := fs.String("data", "", "data folder for the station's files (default: ./data)")
	headless := fs.Bool("headless", false, "run without a window, logging a summary every few seconds")
	noHistory := fs.Bool("no-history", false, "do not record history")
	themeName := fs.String("theme", "light", "window theme: light (daylight, tablets) or dark (control rooms)")
	open := fs.String("open", "", "open the window on a tab (screens, tags, trend) or a process screen by name")
	pens := fs.String("pens", "", "comma-separated tags to put on the trend")
	debug := fs.Bool("debug", false, "log at debug level")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	log := newLogger(stderr, *debug)
	th, ok := hmi.ThemeNamed(*themeName)
	if !ok {
		return exitError{code: exitUsage, msg: fmt.Sprintf("--theme %q: want light or dark", *themeName)}
	}
	dataDir := *data
	if dataDir == "" {
		dataDir = "data"
	}
	unlock, err := lockDataDir(dataDir)
	if err != nil {
		return err
	}
	defer unlock()
	st, err := openStation(ctx, *dir, log, station.WithDataDir(dataDir))
	if err != nil {
		return err
	}
	defer st.Stop()
	if !*noHistory {
		if err := st.EnableHistory(dataDir); err != nil {
			return err
		}
	}
	// The window follows the current session's changes it did not make
	// (an idle sign-out) through relay: the manager is made here, the
	// window later.
	relay := new(hmi.CurrentRelay)
	if err := st.EnableState(dataDir, station.StateOptions{Auth: auth.Options{OnCurrent: relay.OnCurrent}}); err != nil {
		return err
	}
	if has, err := st.Users().HasUsers(); err != nil {
		return err
	} else if !has && *headless {
		log.Warn("no users yet: nobody can write or act on alarms until the first admin is added with `sightglass users add NAME --role admin --data " + dataDir + "` (station stopped)")
	}
	if err := st.Start(ctx); err != nil {
		return err
	}
	stopControl, err := serveControl(ctx, dataDir, st, log)
	if err != nil {
		return err
	}
	defer stopControl()
	sctx, stopSummary := context.WithCancel(ctx)
	summaryDone := make(chan struct{})
	go func() { logSummaries(sctx, st, log); close(summaryDone) }()
	if *headless {
		<-ctx.Done()
	} else if err := runWindow(ctx, st, relay, th, *open, *pens, log); err != nil {
		stopSummary()
		<-summaryDone
		return err
	}
	stopSummary()
	<-summaryDone
	log.Info("stopping")
	st.Stop()
	log.Info("stopped")
	return nil
}

// logSummaries logs a summary line every few seconds until ctx ends.
func logSummaries(ctx context.Context, st *station.Station, log *slog.Logger) {
	tick := time.NewTicker(summaryEvery)
	defer tick.Stop()
	var snap []tags.VQT
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			snap, _ = st.Bus().Snapshot(snap)
			log.Info(summary(st, snap))
		}
	}
}

// summary is a one-line state of the station: devices connected, tags
// good, scans and errors.
func summary(st *station.Station, snap []tags.VQT) string {
	devs := st.Devices()
	var connected int
	var scans, errs uint64
	for _, d := range devs {
		if d.State == drivers.StateConnected {
			connected++
		}
		scans += d.Scans
		errs += d.Errors
	}
	good := 0
	for _, v := range snap {
		if v.Quality.IsGood() {
			good++
		}
	}
	return fmt.Sprintf("%s: %d/%d devices connected, %d/%d tags good, %d scans, %d errors",
		st.Name(), connected, len(devs), good, len(snap), scans, errs)
}

// lockDataDir creates the data folder and takes an exclusive lock on it, so
// two stations never share one (they would corrupt each other's files).
func lockDataDir(dir string) (unlock func(), err error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("data folder: %w", err)
	}
	f, err := os.OpenFile(filepath.Join(dir, "station.lock"), os.O_CREATE|os.O_RDWR, 0o640)
	if err != nil {
		return nil, fmt.Errorf("data folder: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, fmt.Errorf("data folder %s is in use by another station (%w)", dir, err)
	}
	f.Truncate(0)
	fmt.Fprintf(f, "%d\n", os.Getpid())
	return func() { f.Close() }, nil
}
