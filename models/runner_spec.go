package models

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/sightglass/sightglass/tags"
)

// SpecError is one problem of a Spec. Key says where in the spec it is,
// for the project's file:line messages: "kind", "expr", "every", "train",
// "inputs" (the inputs as a whole), "inputs.<role>" or "params.<name>".
type SpecError struct {
	Model int // the spec's index in the list checked
	Key   string
	Err   error
}

func (e *SpecError) Error() string { return e.Err.Error() }
func (e *SpecError) Unwrap() error { return e.Err }

// prepared is a checked Spec: what a runner needs to make it.
type prepared struct {
	spec   Spec
	kind   *Kind // nil for a calculated tag
	calc   *Calc // a calculated tag's compiled formula
	params Params
	inputs []string // tag names by input (Kind.Inputs order, or Calc.Names); "" unbound
	outs   []tags.Def
}

// CheckSpec checks one spec against the tags typeOf knows: the kind is
// registered, every required input role is bound and every bound role is
// the kind's, to a known tag; the parameters are the kind's and within
// their ranges; a calculated tag's formula compiles. It returns every
// problem found, each a *SpecError.
func CheckSpec(s Spec, typeOf TypeOf) []error {
	_, errs := prepare(s, typeOf)
	return errs
}

func prepare(s Spec, typeOf TypeOf) (*prepared, []error) {
	var errs []error
	add := func(key, format string, args ...any) {
		errs = append(errs, &SpecError{Key: key, Err: fmt.Errorf(format, args...)})
	}
	p := &prepared{spec: s}
	if s.Every < 0 {
		add("every", "every %v: must be positive", s.Every)
	}
	if s.Train < 0 {
		add("train", "train %v: must be positive", s.Train)
	}
	if s.Kind == ExprKind {
		if len(s.Inputs) > 0 {
			add("inputs", "a calculated tag (expr) names its tags in the formula, not in inputs")
		}
		if len(s.Params) > 0 {
			add("params", "a calculated tag (expr) has no params")
		}
		c, err := CompileExpr(s.Expr, typeOf)
		if err != nil {
			add("expr", "%v", err)
			return nil, errs
		}
		p.calc, p.inputs = c, c.Names()
		dt := tags.TypeFloat64
		if c.Bool() {
			dt = tags.TypeBool
		}
		p.outs = []tags.Def{{Name: s.Name, Type: dt, Description: "= " + s.Expr}}
		if len(errs) > 0 {
			return nil, errs
		}
		return p, nil
	}
	if s.Expr != "" {
		add("expr", "expr is for calculated tags; a %s model takes inputs", s.Kind)
	}
	k, ok := Lookup(s.Kind)
	if !ok {
		add("kind", "unknown model kind %q (known: %s)", s.Kind, strings.Join(KindNames(), ", "))
		return nil, errs
	}
	p.kind = k
	roles := map[string]bool{}
	for _, in := range k.Inputs {
		roles[in.Name] = true
		tag, bound := s.Inputs[in.Name]
		switch {
		case !bound && !in.Optional:
			add("inputs", "missing input %q (%s takes %s)", in.Name, k.Name, portNames(k.Inputs))
		case bound:
			if _, ok := typeOf(tag); !ok {
				add("inputs."+in.Name, "input %s: unknown tag %q", in.Name, tag)
			} else if dt, _ := typeOf(tag); dt == tags.TypeString {
				add("inputs."+in.Name, "input %s: tag %s is a string; a model reads numbers and bools", in.Name, tag)
			}
		}
		p.inputs = append(p.inputs, tag)
	}
	for _, role := range sortedKeys(s.Inputs) {
		if !roles[role] {
			add("inputs."+role, "unknown input %q for %s (it takes %s)", role, k.Name, portNames(k.Inputs))
		}
	}
	params, perrs := checkParams(k, s.Params)
	errs = append(errs, perrs...)
	p.params = params
	for _, o := range k.Outputs {
		dt := tags.TypeFloat64
		if o.Bool {
			dt = tags.TypeBool
		}
		p.outs = append(p.outs, tags.Def{Name: s.Name + "." + o.Name, Type: dt, Units: o.Units, Description: k.Name + ": " + o.Doc})
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return p, nil
}

// checkParams checks p against k's parameters and returns them with the
// defaults applied.
func checkParams(k *Kind, p Params) (Params, []error) {
	var errs []error
	out := make(Params, len(k.Params))
	known := map[string]bool{}
	for _, d := range k.Params {
		known[d.Name] = true
		v, given := p[d.Name]
		switch {
		case !given && d.Required:
			errs = append(errs, &SpecError{Key: "params", Err: fmt.Errorf("missing param %q (%s)", d.Name, d.Doc)})
			continue
		case !given:
			v = d.Default
		case (d.Min != 0 || d.Max != 0) && (v < d.Min || v > d.Max):
			errs = append(errs, &SpecError{Key: "params." + d.Name, Err: fmt.Errorf("param %s: %v is out of range [%v, %v]", d.Name, v, d.Min, d.Max)})
		}
		out[d.Name] = v
	}
	for _, name := range sortedKeys(p) {
		if !known[name] {
			var names []string
			for _, d := range k.Params {
				names = append(names, d.Name)
			}
			errs = append(errs, &SpecError{Key: "params." + name, Err: fmt.Errorf("unknown param %q for %s (it takes %s)", name, k.Name, orNone(names))})
		}
	}
	return out, errs
}

// KindNames lists the known kinds' names, sorted, with "expr".
func KindNames() []string {
	names := []string{ExprKind}
	for _, k := range Kinds() {
		names = append(names, k.Name)
	}
	sort.Strings(names)
	return names
}

func portNames(ps []Port) string {
	var names []string
	for _, p := range ps {
		n := p.Name
		if p.Optional {
			n += " (optional)"
		}
		names = append(names, n)
	}
	return orNone(names)
}

func orNone(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// errProblems joins errs for a caller that wants one error.
func errProblems(name string, errs []error) error {
	for i, e := range errs {
		errs[i] = fmt.Errorf("model %s: %w", name, e)
	}
	return errors.Join(errs...)
}
