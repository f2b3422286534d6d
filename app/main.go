// Command sightglass is the Sightglass SCADA/HMI station: the composition
// root that parses the command line, opens the project, starts the station
// and, for `run`, the window.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
)

const usage = `Sightglass — a supervisory SCADA/HMI station.

Usage:
  sightglass run   [--project DIR] [--data DIR] [--headless]   run the station (no project: the embedded demo plant)
  sightglass check --project DIR                               validate a project; exit 2 when anything is wrong
  sightglass tags  [--project DIR] [--json] [--watch]          scan every device and print every tag
  sightglass write --user NAME [--reason R] TAG VALUE          write one value as a user, read it back, print old → new
  sightglass sim   [--listen 127.0.0.1:5020]                   serve the embedded plant over Modbus TCP
  sightglass history query|export|import|stats|verify|tags     the station's history (sightglass history for help)
  sightglass alarms list|history|report                        the station's alarms (sightglass alarms for help)
  sightglass users add|list|passwd|role|areas|disable|...      the station's users (sightglass users for help)
  sightglass audit list|export|verify                          the tamper-evident audit trail (sightglass audit for help)
  sightglass opcua certs|trust                                 OPC UA certificates (sightglass opcua for help)
  sightglass models list|kinds|train                           analytic models and calculated tags (sightglass models for help)
  sightglass version

Run "sightglass COMMAND -h" for a command's flags.
`

// exitUsage is the exit status for a command line or project that is wrong.
const exitUsage = 2

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run executes one command line and returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	cmds := map[string]func(context.Context, []string, io.Writer, io.Writer) error{
		"run":     cmdRun,
		"check":   cmdCheck,
		"tags":    cmdTags,
		"write":   cmdWrite,
		"sim":     cmdSim,
		"history": cmdHistory,
		"alarms":  cmdAlarms,
		"users":   cmdUsers,
		"audit":   cmdAudit,
		"opcua":   cmdOPCUA,
		"models":  cmdModels,
		"version": func(_ context.Context, _ []string, out, _ io.Writer) error {
			fmt.Fprintln(out, "sightglass", version)
			return nil
		},
	}
	cmd, ok := cmds[args[0]]
	if !ok {
		if args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
			fmt.Fprint(stdout, usage)
			return 0
		}
		fmt.Fprintf(stderr, "sightglass: unknown command %q\n\n%s", args[0], usage)
		return exitUsage
	}
	err := cmd(ctx, args[1:], stdout, stderr)
	var ex exitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ex):
		if ex.msg != "" {
			fmt.Fprintln(stderr, ex.msg)
		}
		return ex.code
	default:
		fmt.Fprintln(stderr, "sightglass:", err)
		return 1
	}
}

// exitError ends a command with a given status and message.
type exitError struct {
	code int
	msg  string
}

func (e exitError) Error() string { return e.msg }

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// newLogger makes the text logger every command writes to stderr.
func newLogger(w io.Writer, debug bool) *slog.Logger {
	level := slog.LevelInfo
	if debug {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level}))
}
