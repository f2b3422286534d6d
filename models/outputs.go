package models

import (
	"errors"
	"fmt"

	"github.com/sightglass/sightglass/tags"
)

// OutputDefs checks specs against the station's tags (typeOf: the
// project's tags) and returns the tag definitions of every output, in
// spec order: Name.<output> for a kind's outputs (float64, or bool for a
// Bool port, with the port's Units), Name itself for a calculated tag
// (bool when its formula is true or false, float64 otherwise). A model may
// read another model's outputs, a calculated tag another calculated tag's
// (not in a cycle). The station appends them to its tag table after the
// project's tags.
//
// The error joins every problem, each a *SpecError whose Model is the
// spec's index; Resolve gives them one by one.
func OutputDefs(specs []Spec, typeOf TypeOf) ([]tags.Def, error) {
	defs, errs := Resolve(specs, typeOf)
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return defs, nil
}

// Resolve is OutputDefs with its problems as a list.
func Resolve(specs []Spec, typeOf TypeOf) ([]tags.Def, []error) {
	ps, errs := resolve(specs, typeOf, false)
	var defs []tags.Def
	for _, p := range ps {
		if p != nil {
			defs = append(defs, p.outs...)
		}
	}
	return defs, errs
}

// resolve prepares every spec: by index, nil for one with problems.
// inTable: typeOf already knows the outputs (the station's table), so
// finding them there is no clash.
func resolve(specs []Spec, typeOf TypeOf, inTable bool) ([]*prepared, []error) {
	var errs []error
	add := func(i int, key, format string, args ...any) {
		errs = append(errs, &SpecError{Model: i, Key: key, Err: fmt.Errorf(format, args...)})
	}
	// The outputs' types: kinds' from their ports; calculated tags' by
	// compiling them, in passes, so that one may name another.
	outType := map[string]tags.DataType{}
	owner := map[string]int{}
	claim := func(i int, name string, dt tags.DataType) {
		if _, ok := typeOf(name); ok && !inTable {
			add(i, "name", "output %s: a tag of that name already exists", name)
			return
		}
		if j, dup := owner[name]; dup && j != i {
			add(i, "name", "output %s: also an output of model %s", name, specs[j].Name)
			return
		}
		owner[name], outType[name] = i, dt
	}
	names := map[string]int{}
	for i, s := range specs {
		if s.Name == "" {
			add(i, "name", "missing name")
			continue
		}
		if j, dup := names[s.Name]; dup {
			add(i, "name", "model %s defined twice (first is model %d)", s.Name, j+1)
			continue
		}
		names[s.Name] = i
		if k, ok := Lookup(s.Kind); ok && s.Kind != ExprKind {
			for _, o := range k.Outputs {
				dt := tags.TypeFloat64
				if o.Bool {
					dt = tags.TypeBool
				}
				claim(i, s.Name+"."+o.Name, dt)
			}
		}
	}
	all := func(name string) (tags.DataType, bool) {
		if dt, ok := typeOf(name); ok {
			return dt, true
		}
		dt, ok := outType[name]
		return dt, ok
	}
	pending := map[int]bool{}
	for i, s := range specs {
		if s.Kind == ExprKind && s.Name != "" && names[s.Name] == i {
			pending[i] = true
		}
	}
	for progress := true; progress && len(pending) > 0; {
		progress = false
		for i, s := range specs {
			if !pending[i] {
				continue
			}
			if c, err := CompileExpr(s.Expr, all); err == nil {
				dt := tags.TypeFloat64
				if c.Bool() {
					dt = tags.TypeBool
				}
				claim(i, s.Name, dt)
				delete(pending, i)
				progress = true
			}
		}
	}
	out := make([]*prepared, len(specs))
	for i, s := range specs {
		if s.Name == "" || names[s.Name] != i {
			continue
		}
		p, perrs := prepare(s, all)
		for _, e := range perrs {
			se := e.(*SpecError)
			se.Model = i
			errs = append(errs, se)
		}
		out[i] = p
	}
	return out, errs
}
