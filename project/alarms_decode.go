package project

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/sightglass/sightglass/alarms"
)

// alarms decodes the alarms section: {shelve_max: {...}, require_comment:
// true, defaults: {...}, tags: [...]}. Its checks against the tags are
// checkAlarms'.
func (d *yamlDecoder) alarms(f field) alarmsEntry {
	v := deref(f.val)
	e := alarmsEntry{
		marks:    newMarks(d.file, f.key.Line),
		shelve:   newMarks(d.file, f.key.Line),
		defaults: condEntry{marks: newMarks(d.file, f.key.Line)},
	}
	switch {
	case isNull(v):
		return e
	case v.Kind != yaml.MappingNode:
		d.add(v.Line, "alarms: want a mapping with tags, shelve_max, require_comment and defaults, got %s", describe(v))
		return e
	}
	e.line = v.Line
	for _, af := range d.fields(v, "alarms") {
		switch af.name {
		case "shelve_max":
			d.shelveMax(af, &e)
		case "require_comment":
			e.cfg.RequireComment, _ = d.boolean(af, &e.marks)
		case "defaults":
			if c, ok := d.alarmCond(af, 0, defaultKeys, "alarm defaults"); ok {
				e.defaults = c
			}
		case "tags":
			for _, item := range d.list(af) {
				e.tags = append(e.tags, d.alarmTag(item))
			}
		default:
			d.add(af.key.Line, "unknown key %q in alarms (want shelve_max, require_comment, defaults, tags)", af.name)
		}
	}
	return e
}

// shelveMax decodes the longest shelf of each priority: {critical: 1h,
// high: 2h}. Each is marked in e.shelve under the priority's name, which
// may be written in any case.
func (d *yamlDecoder) shelveMax(f field, e *alarmsEntry) {
	v := deref(f.val)
	switch {
	case isNull(v):
		return
	case v.Kind != yaml.MappingNode:
		d.add(v.Line, "shelve_max: want a mapping as {critical: 1h, high: 2h, low: 8h}, got %s", describe(v))
		return
	}
	for _, sf := range d.fields(v, "shelve_max") {
		p, ok := alarms.ParsePriority(sf.name)
		switch {
		case !ok:
			d.add(sf.key.Line, "unknown priority %q in shelve_max (want %s)", sf.name, priorityList())
			continue
		case e.shelve.given(p.String()):
			d.add(sf.key.Line, "duplicate priority %q in shelve_max (first at line %d)", sf.name, e.shelve.lineOf(p.String()))
			continue
		}
		one := newMarks(d.file, sf.key.Line)
		dur, ok := d.alarmDuration(sf, &one, true)
		if ok {
			e.shelve.set(p.String(), sf.key.Line)
		} else {
			e.shelve.setBad(p.String(), sf.key.Line) // "Critical" is critical
		}
		e.cfg.MaxShelve[p] = dur
	}
}

// alarmTag decodes one item of the alarms' tags: the tag, the defaults of
// its alarms, and its alarms under their kinds' names. Each kind given is
// marked, bad when its value was not a mapping.
func (d *yamlDecoder) alarmTag(n *yaml.Node) alarmTagEntry {
	e := alarmTagEntry{marks: newMarks(d.file, n.Line)}
	m := &e.marks
	for _, f := range d.fields(n, "alarm entry") {
		if k, ok := alarms.ParseKind(f.name); ok {
			c, ok := d.alarmCond(f, k, condKeys(k), f.name+" alarm")
			if ok {
				e.conds = append(e.conds, c)
				m.set(f.name, f.key.Line)
			} else {
				m.setBad(f.name, f.key.Line)
			}
			continue
		}
		switch f.name {
		case "tag":
			e.tag, _ = d.str(f, m)
		case "area":
			e.area, _ = d.str(f, m)
		case "suppress":
			e.suppress, _ = d.str(f, m)
		default:
			d.add(f.key.Line, "unknown key %q in alarm entry (want tag, area, suppress, %s)", f.name, alarmKindList())
		}
	}
	return e
}

// condExamples show what each kind of alarm is written as, for messages.
var condExamples = [alarms.NumKinds]string{
	alarms.HiHi:      "{limit: 2.3, priority: critical}",
	alarms.Hi:        "{limit: 2.1, priority: high}",
	alarms.Lo:        "{limit: 0.4, priority: medium}",
	alarms.LoLo:      "{limit: 0.2, priority: high}",
	alarms.Deviation: "{setpoint: Plant.Tank1.Setpoint, limit: 0.3, priority: low}",
	alarms.Rate:      "{limit: 0.05, priority: low}",
	alarms.State:     "{value: true, priority: high}",
	alarms.Bad:       "{priority: diagnostic}",
}

// alarmCond decodes one alarm of kind k, or the alarms' defaults, which
// take the keys keys. what names it in messages: "hi alarm". It returns
// false when the value is not a mapping (reported).
func (d *yamlDecoder) alarmCond(f field, k alarms.Kind, keys []string, what string) (condEntry, bool) {
	e := condEntry{def: alarms.Def{Kind: k}, marks: newMarks(d.file, f.key.Line)}
	v := deref(f.val)
	if v.Kind != yaml.MappingNode {
		example := condExamples[k]
		if f.name == "defaults" {
			example = "{on_delay: 2s, off_delay: 5s}"
		}
		d.add(max(v.Line, f.key.Line), "%s: want a mapping as %s, got %s", f.name, example, describe(v))
		return e, false
	}
	c, m := &e.def, &e.marks
	for _, cf := range d.fields(v, what) {
		switch {
		case slices.Contains(keys, cf.name):
		case f.name == "defaults" && slices.Contains(allCondKeys, cf.name):
			d.add(cf.key.Line, "%s cannot be a default: give it with each alarm (defaults take %s)", cf.name, strings.Join(keys, ", "))
			continue
		case slices.Contains(allCondKeys, cf.name):
			d.add(cf.key.Line, "%s does not apply to a %s (it takes %s)", cf.name, what, strings.Join(keys, ", "))
			continue
		default:
			d.add(cf.key.Line, "unknown key %q in %s (want %s)", cf.name, what, strings.Join(keys, ", "))
			continue
		}
		switch cf.name {
		case "limit":
			c.Limit, _ = d.alarmNumber(cf, m)
		case "deadband":
			c.Deadband, _ = d.deadband(cf, m)
		case "setpoint":
			c.Setpoint, _ = d.str(cf, m)
		case "value":
			c.State, _ = d.str(cf, m)
		case "priority":
			c.Priority, _ = d.priority(cf, m)
		case "on_delay":
			c.OnDelay, _ = d.alarmDuration(cf, m, false)
		case "off_delay":
			c.OffDelay, _ = d.alarmDuration(cf, m, false)
		case "realarm":
			c.Realarm, _ = d.alarmDuration(cf, m, false)
		case "ack":
			c.AckRequired, _ = d.boolean(cf, m)
		case "latched":
			c.Latched, _ = d.boolean(cf, m)
		case "message":
			if s, ok := d.str(cf, m); ok {
				c.Message = s
				if msg := checkMessage(s); msg != "" {
					d.add(m.lineOf("message"), "%s", msg)
					m.setBad("message", m.lineOf("message"))
				}
			}
		case "area":
			c.Area, _ = d.str(cf, m)
		case "suppress":
			c.Suppress, _ = d.str(cf, m)
		}
	}
	return e, true
}

// priority reads a priority's name.
func (d *yamlDecoder) priority(f field, m *marks) (alarms.Priority, bool) {
	s, ok := d.str(f, m)
	if !ok {
		return 0, false
	}
	p, ok := alarms.ParsePriority(s)
	if !ok {
		d.add(m.lineOf(f.name), "%s: want %s, got %q", f.name, priorityList(), s)
		m.setBad(f.name, m.lineOf(f.name))
	}
	return p, ok
}

// alarmNumber reads a finite number, as a limit.
func (d *yamlDecoder) alarmNumber(f field, m *marks) (float64, bool) {
	v := deref(f.val)
	if isNull(v) {
		return 0, false
	}
	x, ok := d.number(v, f.name)
	if !ok {
		m.setBad(f.name, v.Line)
		return 0, false
	}
	m.set(f.name, v.Line)
	return x, true
}

// alarmDuration reads a Go duration: more than zero when positive (a
// longest shelf), else 0 or more (a delay; 0 is none).
func (d *yamlDecoder) alarmDuration(f field, m *marks, positive bool) (time.Duration, bool) {
	want := "a duration 0 or more as 0s, 2s or 5m"
	if positive {
		want = "a duration more than zero as 30m, 1h or 8h"
	}
	return d.delay(f, m, positive, want)
}

// placeholder matches a placeholder of an alarm's message: {value}.
var placeholder = regexp.MustCompile(`\{([A-Za-z_][A-Za-z0-9_]*)\}`)

// checkMessage checks the placeholders of an alarm's message, returning
// a message for the user naming the unknown ones.
func checkMessage(s string) string {
	var unknown []string
	for _, m := range placeholder.FindAllStringSubmatch(s, -1) {
		if !slices.Contains(placeholders, m[1]) && !slices.Contains(unknown, m[0]) {
			unknown = append(unknown, m[0])
		}
	}
	switch len(unknown) {
	case 0:
		return ""
	case 1:
		return fmt.Sprintf("message: unknown placeholder %s (want {%s})", unknown[0], strings.Join(placeholders, "}, {"))
	}
	return fmt.Sprintf("message: unknown placeholders %s (want {%s})", strings.Join(unknown, ", "), strings.Join(placeholders, "}, {"))
}
