package project

import (
	"errors"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/sightglass/sightglass/models"
	"github.com/sightglass/sightglass/tags"
)

// modelKeys are the keys of one item of models.
var modelKeys = []string{"name", "kind", "expr", "inputs", "params", "every", "train"}

// modelEntry is one model as decoded, before checks. Its marks hold the
// lines of its keys and of each input ("inputs.x") and param
// ("params.lambda").
type modelEntry struct {
	spec models.Spec
	marks
}

// model decodes one item of models.
func (d *yamlDecoder) model(n *yaml.Node) modelEntry {
	e := modelEntry{marks: newMarks(d.file, n.Line)}
	s := &e.spec
	s.File, s.Line = d.file, n.Line
	m := &e.marks
	for _, f := range d.fields(n, "model") {
		switch f.name {
		case "name":
			s.Name, _ = d.str(f, m)
		case "kind":
			s.Kind, _ = d.str(f, m)
		case "expr":
			s.Expr, _ = d.str(f, m)
		case "every":
			s.Every, _ = d.duration(f, m)
		case "train":
			s.Train, _, _ = d.longDuration(f, m)
		case "inputs":
			s.Inputs = d.modelInputs(f, m)
		case "params":
			s.Params = d.modelParams(f, m)
		default:
			d.add(f.key.Line, "unknown key %q in model (want %s)", f.name, strings.Join(modelKeys, ", "))
		}
	}
	return e
}

// modelInputs reads {role: Tag.Name, ...}.
func (d *yamlDecoder) modelInputs(f field, m *marks) map[string]string {
	v, ok := d.section(f, "{x: Plant.P1.Vibration}")
	if !ok || v == nil {
		return nil
	}
	m.set(f.name, v.Line)
	out := map[string]string{}
	for _, in := range d.fields(v, "inputs") {
		if tag, ok := d.str(in, m); ok {
			out[in.name] = tag
			m.set("inputs."+in.name, in.key.Line)
		} else if !m.given(in.name) {
			d.add(in.key.Line, "input %s: want a tag name", in.name)
		}
	}
	return out
}

// modelParams reads {name: number, ...}.
func (d *yamlDecoder) modelParams(f field, m *marks) models.Params {
	v, ok := d.section(f, "{lambda: 0.2, L: 3}")
	if !ok || v == nil {
		return nil
	}
	m.set(f.name, v.Line)
	out := models.Params{}
	for _, pf := range d.fields(v, "params") {
		if x, ok := d.number(pf.val, "param "+pf.name); ok {
			out[pf.name] = x
			m.set("params."+pf.name, pf.key.Line)
		}
	}
	return out
}

// checkModels checks the models against the project's tags (and each
// other's outputs) and returns their specs and the definitions of their
// output tags. tagsKnown is false when the tags could not be read.
func checkModels(r *report, es []modelEntry, p *Project, tagsKnown bool) ([]models.Spec, []tags.Def) {
	if len(es) == 0 {
		return nil, nil
	}
	known := map[string]tags.DataType{}
	for _, d := range p.Tags {
		known[d.Name] = d.Type
	}
	typeOf := func(name string) (tags.DataType, bool) {
		dt, ok := known[name]
		return dt, ok
	}
	specs := make([]models.Spec, 0, len(es))
	var entries []*modelEntry
	for i := range es {
		e := &es[i]
		s := &e.spec
		switch {
		case !e.given("name"):
			r.add(e.file, e.line, `missing "name" in model`)
			continue
		case checkTagName(s.Name) != "":
			r.add(e.file, e.lineOf("name"), "model %s", strings.TrimPrefix(checkTagName(s.Name), "tag "))
			continue
		case e.given("kind") && e.given("expr") && s.Kind != models.ExprKind:
			r.add(e.file, e.lineOf("expr"), "model %s: give kind or expr, not both (expr is a calculated tag)", s.Name)
			continue
		case !e.given("kind") && !e.given("expr"):
			r.add(e.file, e.line, "model %s: missing kind (one of %s) or expr", s.Name, strings.Join(models.KindNames(), ", "))
			continue
		case !e.has("kind") && e.given("kind"), !e.has("expr") && e.given("expr"):
			continue // reported
		case e.given("expr"):
			s.Kind = models.ExprKind
		}
		specs = append(specs, *s)
		entries = append(entries, e)
	}
	if !tagsKnown {
		return nil, nil
	}
	defs, errs := models.Resolve(specs, typeOf)
	for _, err := range errs {
		var se *models.SpecError
		if !errors.As(err, &se) {
			r.add(entries[0].file, 0, "%v", err)
			continue
		}
		e := entries[se.Model]
		r.add(e.file, e.lineOf(se.Key), "model %s: %v", e.spec.Name, se.Err)
	}
	if len(errs) > 0 {
		return nil, nil
	}
	return specs, defs
}
