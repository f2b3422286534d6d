package project

import (
	"math"
	"strconv"

	"github.com/sightglass/sightglass/alarms"
	"github.com/sightglass/sightglass/tags"
)

// checkAlarms checks the alarms section against the project's tags (the
// ones a screen can name: project.yaml's, tags.csv's and the devices'
// system tags) and returns the alarm configuration with every default
// applied, one Def per alarm in file order. tagsKnown is false when
// project.yaml could not be read, so that no tag is reported unknown.
func checkAlarms(r *report, e *alarmsEntry, p *Project, tagsKnown bool) alarms.Config {
	cfg := e.cfg
	for pr, d := range cfg.MaxShelve {
		if d == 0 {
			cfg.MaxShelve[pr] = alarms.DefaultMaxShelve[pr]
		}
	}
	env := newScreenEnv(p, tagsKnown)
	known := func(name string) bool {
		_, ok := env.tags[name]
		return ok || !env.known
	}
	first := map[string]*alarmTagEntry{}
	for i := range e.tags {
		t := &e.tags[i]
		def := checkAlarmTag(r, t, env, first)
		if t.has("suppress") {
			checkSuppress(r, t.file, t.lineOf("suppress"), t.suppress, known)
		}
		for j := range t.conds {
			c := &t.conds[j]
			checkCond(r, c, t.tag, def, env)
			if c.has("suppress") {
				checkSuppress(r, c.file, c.lineOf("suppress"), c.def.Suppress, known)
			}
			cfg.Alarms = append(cfg.Alarms, condDef(c, t, &e.defaults))
		}
		checkLimitOrder(r, t)
	}
	return cfg
}

// checkAlarmTag checks an entry's tag: given, once, and one of the
// project's. It returns the tag's definition, nil when there is none to
// check the alarms against.
func checkAlarmTag(r *report, t *alarmTagEntry, env *screenEnv, first map[string]*alarmTagEntry) *tags.Def {
	if !t.given("tag") {
		r.add(t.file, t.line, `missing "tag" in alarm entry`)
	}
	if len(t.conds) == 0 && !anyKindGiven(t) {
		r.add(t.file, t.line, "no alarms in alarm entry: give one or more of %s", alarmKindList())
	}
	if !t.has("tag") {
		return nil
	}
	if f, dup := first[t.tag]; dup {
		r.add(t.file, t.lineOf("tag"), "duplicate alarm entry for tag %q (first at %s:%d): give a tag's alarms in one entry", t.tag, f.file, f.lineOf("tag"))
	} else {
		first[t.tag] = t
	}
	if !env.known {
		return nil
	}
	def, msg := env.lookup(t.tag)
	if msg != "" {
		r.add(t.file, t.lineOf("tag"), "%s", msg)
		return nil
	}
	if def.Type == tags.TypeInvalid {
		return nil // its type was reported in the project
	}
	return def
}

// anyKindGiven reports whether an entry names a kind of alarm, even with
// a value that was not a mapping.
func anyKindGiven(t *alarmTagEntry) bool {
	for k := range alarms.Kind(alarms.NumKinds) {
		if t.given(k.String()) {
			return true
		}
	}
	return false
}

// isNumeric reports whether a tag holds a number: not a bool or a string.
func isNumeric(d *tags.Def) bool {
	return d.Type != tags.TypeBool && d.Type != tags.TypeString
}

// checkCond checks one alarm on its own and against its tag, def (nil
// when it is unknown), and normalises a state alarm's value.
func checkCond(r *report, c *condEntry, tag string, def *tags.Def, env *screenEnv) {
	k := c.def.Kind
	what := k.String() + " alarm"
	limited := k != alarms.State && k != alarms.Bad
	required := []string{"priority"}
	switch k {
	case alarms.Deviation:
		required = []string{"setpoint", "limit", "priority"}
	case alarms.State:
		required = []string{"value", "priority"}
	default:
		if limited {
			required = []string{"limit", "priority"}
		}
	}
	for _, key := range required {
		if !c.given(key) {
			r.add(c.file, c.line, "missing %q in %s", key, what)
		}
	}
	if (k == alarms.Deviation || k == alarms.Rate) && c.has("limit") && c.def.Limit <= 0 {
		r.add(c.file, c.lineOf("limit"), "limit: want a number more than zero, got %s: a %s is always at least 0", formatNumber(c.def.Limit),
			map[alarms.Kind]string{alarms.Deviation: "deviation", alarms.Rate: "rate of change"}[k])
	}
	if k == alarms.Deviation && c.has("setpoint") && env.known {
		checkSetpoint(r, c, tag, env)
	}
	if def == nil {
		return
	}
	switch {
	case limited && !isNumeric(def):
		r.add(c.file, c.line, "%s: tag %q is %s: a %s needs a number", k, tag, typeName(def), what)
	case k == alarms.State && c.has("value"):
		v, msg := stateValue(c.def.State, def)
		if msg != "" {
			r.add(c.file, c.lineOf("value"), "value %q: tag %q is %s: %s", c.def.State, tag, typeName(def), msg)
		}
		c.def.State = v
	}
}

// checkSetpoint checks a deviation alarm's setpoint tag: one of the
// project's, a number, and not the alarm's own tag.
func checkSetpoint(r *report, c *condEntry, tag string, env *screenEnv) {
	sp := c.def.Setpoint
	line := c.lineOf("setpoint")
	d, msg := env.lookup(sp)
	switch {
	case msg != "":
		r.add(c.file, line, "setpoint: %s", msg)
	case sp == tag:
		r.add(c.file, line, "setpoint %q is the alarm's own tag: name the tag holding its setpoint", sp)
	case d.Type != tags.TypeInvalid && !isNumeric(d):
		r.add(c.file, line, "setpoint %q is %s: a deviation alarm needs a number", sp, typeName(d))
	}
}

// stateValue parses a state alarm's abnormal value for its tag's type and
// returns it as the tag's value prints: "true", "3", "FAULT". The message
// says what the tag wants when the value does not suit it.
func stateValue(s string, d *tags.Def) (string, string) {
	switch {
	case d.Type == tags.TypeBool:
		b, msg := parseBool("value", s)
		if msg != "" {
			return s, "want true or false"
		}
		return strconv.FormatBool(b), ""
	case d.Type == tags.TypeString:
		return s, ""
	}
	f, msg := parseNumber("value", s)
	switch {
	case msg != "":
		return s, "want a number"
	case d.Scale == nil && d.Type != tags.TypeFloat32 && d.Type != tags.TypeFloat64 && f != math.Trunc(f):
		return s, "want a whole number"
	}
	return formatNumber(f), ""
}

// checkSuppress checks a suppression condition, written at file:line.
func checkSuppress(r *report, file string, line int, src string, known func(string) bool) {
	if err := alarms.CheckCondition(src, known); err != nil {
		r.add(file, line, "suppress: %v", err)
	}
}

// limitOrder is the order of the limit alarms from the top, each
// with the relation it must keep to the next one given: hihi ≥ hi > lo ≥ lolo.
var limitOrder = []alarms.Kind{alarms.HiHi, alarms.Hi, alarms.Lo, alarms.LoLo}

// checkLimitOrder checks the limits of an entry's hihi, hi, lo and lolo
// alarms against each other: hihi ≥ hi > lo ≥ lolo. Each limit is
// checked against the next one given, so one wrong limit is reported
// once or twice, at its own line.
func checkLimitOrder(r *report, t *alarmTagEntry) {
	var prev *condEntry
	for _, k := range limitOrder {
		var c *condEntry
		for i := range t.conds {
			if t.conds[i].def.Kind == k && t.conds[i].has("limit") {
				c = &t.conds[i]
			}
		}
		if c == nil {
			continue
		}
		if prev != nil {
			a, b := prev.def, c.def
			mayEqual := a.Kind == alarms.HiHi && b.Kind == alarms.Hi || a.Kind == alarms.Lo && b.Kind == alarms.LoLo
			if b.Limit > a.Limit || b.Limit == a.Limit && !mayEqual {
				rel := "above"
				if b.Limit == a.Limit {
					rel = "equal to"
				}
				r.add(c.file, c.lineOf("limit"), "%s limit %s is %s %s's %s: want hihi ≥ hi > lo ≥ lolo",
					b.Kind, formatNumber(b.Limit), rel, a.Kind, formatNumber(a.Limit))
			}
		}
		prev = c
	}
}

// condDef is an alarm's definition with its defaults applied: the
// alarms section's, then its entry's (area, suppress), then the format's
// (ack required, the area from the tag's name).
func condDef(c *condEntry, t *alarmTagEntry, defaults *condEntry) alarms.Def {
	d := c.def
	d.Tag = t.tag
	dd := &defaults.def
	for _, key := range defaultKeys {
		if c.given(key) || !defaults.has(key) {
			continue
		}
		switch key {
		case "on_delay":
			d.OnDelay = dd.OnDelay
		case "off_delay":
			d.OffDelay = dd.OffDelay
		case "realarm":
			d.Realarm = dd.Realarm
		case "ack":
			d.AckRequired = dd.AckRequired
		case "latched":
			d.Latched = dd.Latched
		}
	}
	if !c.given("ack") && !defaults.has("ack") {
		d.AckRequired = true
	}
	switch {
	case c.given("area"):
	case t.has("area"):
		d.Area = t.area
	default:
		d.Area = defaultArea(t.tag)
	}
	if !c.given("suppress") && t.has("suppress") {
		d.Suppress = t.suppress
	}
	return d
}
