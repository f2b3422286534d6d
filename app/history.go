package main

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
)

// historyUsage lists the history subcommands.
const historyUsage = `Usage:
  sightglass history query  --tag T [--from TIME] [--to TIME] [--agg A --interval 1m] [--csv]
  sightglass history export [--tags T1,T2] [--from TIME] [--to TIME] [--format long|wide] [--out FILE]
  sightglass history import --file FILE.csv
  sightglass history stats  [--json]
  sightglass history verify
  sightglass history tags

Every subcommand takes --data DIR (default ./data), the station's data
folder; it must not be in use by a running station. TIME is now, -1h, -7d,
2026-11-25, "2026-11-25 08:00" or RFC 3339. Aggregates A: avg twa min max
count delta pctgood first last.
`

// cmdHistory dispatches the history subcommands.
func cmdHistory(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	subs := map[string]func(context.Context, []string, io.Writer, io.Writer) error{
		"query":  cmdHistoryQuery,
		"export": cmdHistoryExport,
		"import": cmdHistoryImport,
		"stats":  cmdHistoryStats,
		"verify": cmdHistoryVerify,
		"tags":   cmdHistoryTags,
	}
	if len(args) == 0 {
		return exitError{code: exitUsage, msg: historyUsage}
	}
	sub, ok := subs[args[0]]
	if !ok {
		names := make([]string, 0, len(subs))
		for n := range subs {
			names = append(names, n)
		}
		sort.Strings(names)
		return exitError{code: exitUsage, msg: fmt.Sprintf("sightglass history: unknown subcommand %q (want %s)\n\n%s", args[0], strings.Join(names, ", "), historyUsage)}
	}
	return sub(ctx, args[1:], stdout, stderr)
}
