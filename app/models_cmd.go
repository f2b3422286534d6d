package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/sightglass/sightglass/models"
	"github.com/sightglass/sightglass/station"
)

const modelsUsage = `usage:
  sightglass models list  [--project DIR]              scan the devices once and print every model: kind, inputs, outputs with values and quality
  sightglass models kinds                              the model kinds a project can use
  sightglass models train [--project DIR] [--data DIR] NAME
                                                       train a learning model on the data folder's history (the station must be stopped)`

// cmdModels runs the models subcommands.
func cmdModels(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	subs := map[string]func(context.Context, []string, io.Writer, io.Writer) error{
		"list":  cmdModelsList,
		"kinds": cmdModelsKinds,
		"train": cmdModelsTrain,
	}
	if len(args) == 0 {
		return exitError{code: exitUsage, msg: modelsUsage}
	}
	sub, ok := subs[args[0]]
	if !ok {
		return exitError{code: exitUsage, msg: fmt.Sprintf("sightglass models: unknown subcommand %q (want list, kinds, train)\n\n%s", args[0], modelsUsage)}
	}
	return sub(ctx, args[1:], stdout, stderr)
}

// cmdModelsList starts the station, scans every device once, lets the
// models evaluate and prints each with its outputs' current values.
func cmdModelsList(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("models list", flag.ContinueOnError)
	dir := projectFlag(fs)
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	st, err := startScanned(ctx, *dir, newLogger(io.Discard, false), nil)
	if err != nil {
		return err
	}
	defer st.Stop()
	r := st.Models()
	if r == nil {
		fmt.Fprintln(stdout, "no models in the project")
		return nil
	}
	sctx, cancel := context.WithTimeout(ctx, scanWait)
	defer cancel()
	if err := r.Sync(sctx); err != nil {
		return err
	}
	printModels(stdout, st)
	return nil
}

func printModels(w io.Writer, st *station.Station) {
	r := st.Models()
	bus := st.Bus()
	table := bus.Table()
	defs := st.Project().ModelTags
	tw := tabwriter.NewWriter(w, 2, 8, 2, ' ', 0)
	for _, name := range r.Names() {
		spec, _ := r.Spec(name)
		var ins []string
		if spec.Kind == models.ExprKind {
			ins = append(ins, "= "+spec.Expr)
		} else if k, ok := models.Lookup(spec.Kind); ok {
			for i, tag := range r.Inputs(name) {
				if tag != "" {
					ins = append(ins, k.Inputs[i].Name+"="+tag)
				}
			}
		}
		sched := "on change"
		if spec.Every > 0 {
			sched = "every " + spec.Every.String()
		}
		learn := ""
		if r.IsLearner(name) {
			learn = ", not trained"
			if r.Trained(name) {
				learn = ", trained"
			}
		}
		fmt.Fprintf(tw, "%s\t%s (%s%s)\t%s\n", name, spec.Kind, sched, learn, strings.Join(ins, " "))
		for _, d := range defs {
			if d.Name != name && !strings.HasPrefix(d.Name, name+".") {
				continue
			}
			if id, ok := table.Lookup(d.Name); ok {
				fmt.Fprintf(tw, "  %s\n", tagLine(table.Def(id), bus.Get(id)))
			}
		}
	}
	tw.Flush()
}

// cmdModelsKinds lists the registered kinds with their inputs, outputs
// and parameters.
func cmdModelsKinds(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("models kinds", flag.ContinueOnError)
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "expr\tcalculated tag: a formula over tags (min max avg abs if total rate)\n")
	for _, k := range models.Kinds() {
		var in, out, ps []string
		for _, p := range k.Inputs {
			n := p.Name
			if p.Optional {
				n += "?"
			}
			in = append(in, n)
		}
		for _, p := range k.Outputs {
			out = append(out, p.Name)
		}
		for _, p := range k.Params {
			ps = append(ps, fmt.Sprintf("%s=%g", p.Name, p.Default))
		}
		fmt.Fprintf(stdout, "%s\t%s\n  inputs: %s\n  outputs: %s\n  params: %s\n", k.Name, k.Doc,
			strings.Join(in, ", "), strings.Join(out, ", "), strings.Join(ps, ", "))
	}
	return nil
}

// cmdModelsTrain trains a learning model on a stopped station's data
// folder: its history and its state, where the learned state is stored
// for the station's next start.
func cmdModelsTrain(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("models train", flag.ContinueOnError)
	dir := projectFlag(fs)
	data := dataFlag(fs)
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return exitError{code: exitUsage, msg: modelsUsage}
	}
	name := fs.Arg(0)
	dataDir := dataDirOr(*data)
	unlock, err := lockDataDir(dataDir)
	if err != nil {
		return err
	}
	defer unlock()
	log := newLogger(stderr, false)
	st, err := openStation(ctx, *dir, log, station.WithDataDir(dataDir))
	if err != nil {
		return err
	}
	defer st.Stop()
	if err := st.EnableHistory(dataDir); err != nil {
		return err
	}
	if err := st.EnableState(dataDir, station.StateOptions{}); err != nil {
		return err
	}
	if err := st.TrainModel(ctx, name); err != nil {
		return err
	}
	ms, _, err := st.ModelState(name)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: trained (version %d) on %d rows from %s to %s\n", name, ms.Version, ms.Rows,
		ms.From.Format(time.RFC3339), ms.To.Format(time.RFC3339))
	return nil
}
