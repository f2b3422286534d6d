package project

import (
	"fmt"
	"slices"
	"strings"

	"github.com/sightglass/sightglass/drivers"
	"github.com/sightglass/sightglass/tags"
)

// screenEnv is what a screen's elements are checked against: the
// project's tags and its devices' system tags.
type screenEnv struct {
	known   bool                 // false when project.yaml could not be read: tags are not checked
	tags    map[string]*tags.Def // project and system tags by name
	names   []string             // the project's tag names, for suggestions
	devices []string             // device names, for messages
	sysTags []string             // a device's system tags: Connected, State, ...
	suggest int                  // edit-distance cells left for "did you mean" suggestions
}

// suggestCells bounds the work of suggesting tag names for unknown ones,
// in edit-distance table cells (some tens of milliseconds): a screen
// full of unknown tags in a project of thousands is told so without the
// suggestions after the first few.
const suggestCells = 20_000_000

// systemPrefix starts the name of every device's system tags.
const systemPrefix = "_System.Devices."

func newScreenEnv(p *Project, known bool) *screenEnv {
	env := &screenEnv{known: known, tags: map[string]*tags.Def{}, suggest: suggestCells}
	for i := range p.Tags {
		d := &p.Tags[i]
		if _, dup := env.tags[d.Name]; !dup && d.Name != "" {
			env.tags[d.Name] = d
			env.names = append(env.names, d.Name)
		}
	}
	for i := range p.ModelTags { // the models' outputs: shown and alarmed like any tag
		d := &p.ModelTags[i]
		if _, dup := env.tags[d.Name]; !dup {
			env.tags[d.Name] = d
			env.names = append(env.names, d.Name)
		}
	}
	for _, d := range drivers.SystemTagNames("") {
		env.sysTags = append(env.sysTags, strings.TrimPrefix(d.Name, systemPrefix+"."))
	}
	for _, dev := range p.Devices {
		if !validSegment(dev.Name) || slices.Contains(env.devices, dev.Name) {
			continue
		}
		env.devices = append(env.devices, dev.Name)
		for _, d := range drivers.SystemTagNames(dev.Name) {
			env.tags[d.Name] = &d
		}
	}
	return env
}

// lookup finds the tag called name, or says why there is none.
func (env *screenEnv) lookup(name string) (*tags.Def, string) {
	if d, ok := env.tags[name]; ok {
		return d, ""
	}
	if !strings.HasPrefix(name, "_System.") {
		if near := env.nearest(name); near != "" {
			return nil, fmt.Sprintf("unknown tag %q (did you mean %s?)", name, near)
		}
		return nil, fmt.Sprintf("unknown tag %q (not in project.yaml or tags.csv)", name)
	}
	const form = "_System.Devices.DEVICE.NAME"
	rest, ok := strings.CutPrefix(name, systemPrefix)
	dev, field, ok2 := strings.Cut(rest, ".")
	switch {
	case !ok || !ok2:
		return nil, fmt.Sprintf("unknown system tag %q: want %s", name, form)
	case !slices.Contains(env.devices, dev) && len(env.devices) == 0:
		return nil, fmt.Sprintf("unknown system tag %q: no device %q (no devices defined)", name, dev)
	case !slices.Contains(env.devices, dev):
		return nil, fmt.Sprintf("unknown system tag %q: no device %q (devices: %s)", name, dev, listNames(env.devices))
	}
	return nil, fmt.Sprintf("unknown system tag %q: a device's system tags are %s, not %q", name, strings.Join(env.sysTags, ", "), field)
}

// nearest returns the project's tag name closest to s, when one is close
// enough to be a slip of the keyboard: a few letters added, lost or
// changed, or another case. It returns "" once the suggestion budget is
// spent.
func (env *screenEnv) nearest(s string) string {
	if env.suggest < len(env.names)*(len(s)+1) {
		return ""
	}
	best, bestDist := "", min(len(s)/4, 3)+1
	ls := strings.ToLower(s)
	for _, n := range env.names {
		d, cells := editDistance(ls, strings.ToLower(n), bestDist)
		env.suggest -= cells + 1
		if d < bestDist {
			best, bestDist = n, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, in bytes, or
// any number ≥ limit when it is limit or more, with the number of table
// cells it took.
func editDistance(a, b string, limit int) (dist, cells int) {
	if d := len(a) - len(b); d >= limit || -d >= limit {
		return limit, 0
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			rowMin = min(rowMin, cur[j])
		}
		cells += len(b)
		if rowMin >= limit {
			return limit, cells
		}
		prev, cur = cur, prev
	}
	return prev[len(b)], cells
}

// checkElement reports what is missing or wrong in an element on its
// own, against its screen's size and against the project's tags, and
// applies its defaults. An element of unknown kind was reported already.
func checkElement(r *report, s *screenEntry, e *elementEntry, env *screenEnv) {
	spec, el := e.spec, &e.el
	if spec == nil {
		return
	}
	var unplaced []string
	for _, k := range placeKeys {
		if spec.takes(k) && !e.given(k) {
			unplaced = append(unplaced, fmt.Sprintf("%q", k))
		}
	}
	if len(unplaced) > 0 {
		r.add(e.file, e.line, "missing %s in %s: every element but a pipe has x, y, w and h", strings.Join(unplaced, ", "), el.Kind)
	}
	for _, k := range spec.required {
		if !e.given(k) {
			r.add(e.file, e.line, "missing %q in %s", k, el.Kind)
		}
	}
	checkPlace(r, s, e)
	checkRange(r, e)

	switch el.Kind {
	case KindMultiState:
		for _, v := range el.Abnormal {
			if _, ok := el.States[v]; e.has("states") && !ok {
				r.add(e.file, e.lineOf("abnormal"), "abnormal %d is not one of the states: give it a text in states", v)
			}
		}
	case KindSparkline:
		if !e.given("minutes") {
			el.Minutes = defaultMins
		}
	case KindButton:
		if !e.given("mode") {
			el.Mode = "momentary"
		}
		switch {
		case el.Mode == "toggle" && e.given("value"):
			r.add(e.file, e.lineOf("value"), "value applies only to a momentary button: a toggle writes the opposite of its tag")
		case el.Mode == "momentary" && !e.given("value"):
			el.Value = 1
		}
	case KindSymbol:
		if !e.given("running") {
			el.Running = el.Tag
		}
	}
	if env.known {
		checkTags(r, e, env)
	}
}

// checkPlace checks that an element lies inside its screen.
func checkPlace(r *report, s *screenEntry, e *elementEntry) {
	el := &e.el
	if el.Kind == KindPipe {
		if !e.has("points") {
			return
		}
		for i, p := range e.points {
			if s.has("size") && (p[0] < 0 || p[1] < 0 || p[0] > s.w || p[1] > s.h) {
				r.add(e.file, e.ptLine[i], "point [%s, %s] is outside the screen: want 0..%s, 0..%s",
					formatNumber(p[0]), formatNumber(p[1]), formatNumber(s.w), formatNumber(s.h))
			}
		}
		lo, hi := el.Points[0], el.Points[0]
		for _, p := range el.Points {
			lo = [2]float32{min(lo[0], p[0]), min(lo[1], p[1])}
			hi = [2]float32{max(hi[0], p[0]), max(hi[1], p[1])}
		}
		el.X, el.Y, el.W, el.H = lo[0], lo[1], hi[0]-lo[0], hi[1]-lo[1]
		return
	}
	ok := true
	for _, k := range placeKeys {
		v, has := e.num[k]
		switch {
		case !has:
			ok = false
		case (k == "x" || k == "y") && v < 0:
			r.add(e.file, e.lineOf(k), "%s: want 0 or more (from the screen's %s edge), got %s", k, map[string]string{"x": "left", "y": "top"}[k], formatNumber(v))
			ok = false
		case (k == "w" || k == "h") && v <= 0:
			r.add(e.file, e.lineOf(k), "%s: want more than 0, got %s", k, formatNumber(v))
			ok = false
		}
	}
	if !ok || !s.has("size") {
		return
	}
	x, y, w, h := e.num["x"], e.num["y"], e.num["w"], e.num["h"]
	if x+w > s.w {
		r.add(e.file, e.line, "%s reaches past the right edge: x %s + w %s = %s, the screen is %s wide",
			el.Kind, formatNumber(x), formatNumber(w), formatNumber(x+w), formatNumber(s.w))
	}
	if y+h > s.h {
		r.add(e.file, e.line, "%s reaches past the bottom edge: y %s + h %s = %s, the screen is %s high",
			el.Kind, formatNumber(y), formatNumber(h), formatNumber(y+h), formatNumber(s.h))
	}
}

// checkRange checks min and max, and the normal band and alarm limits
// within them, and defaults min to 0 where max is given.
func checkRange(r *report, e *elementEntry) {
	el := &e.el
	if !e.spec.takes("max") {
		return
	}
	switch {
	case e.given("min") && !e.given("max") && !slices.Contains(e.spec.required, "max"):
		r.add(e.file, e.lineOf("min"), "min without max: give max too")
		return
	case !e.has("max") || e.given("min") && !e.has("min"):
		return
	case el.Min >= el.Max && !e.given("min"):
		r.add(e.file, e.lineOf("max"), "max %s is not above min 0, the default: give min", formatNumber(el.Max))
		return
	case el.Min >= el.Max:
		r.add(e.file, e.lineOf("max"), "min %s is not below max %s", formatNumber(el.Min), formatNumber(el.Max))
		return
	}
	span := fmt.Sprintf("min..max %s..%s", formatNumber(el.Min), formatNumber(el.Max))
	if el.HasNormal && (el.NormalLo < el.Min || el.NormalHi > el.Max) {
		r.add(e.file, e.lineOf("normal"), "normal band [%s, %s] reaches outside %s",
			formatNumber(el.NormalLo), formatNumber(el.NormalHi), span)
	}
	for _, lim := range []struct {
		has bool
		v   float64
		end string
	}{{el.HasAlarmLo, el.AlarmLo, "low"}, {el.HasAlarmHi, el.AlarmHi, "high"}} {
		if lim.has && (lim.v < el.Min || lim.v > el.Max) {
			r.add(e.file, e.lineOf("alarm"), "%s alarm limit %s is outside %s", lim.end, formatNumber(lim.v), span)
		}
	}
	if el.HasNormal && el.HasAlarmLo && el.NormalLo < el.AlarmLo {
		r.add(e.file, e.lineOf("normal"), "normal band [%s, %s] reaches below the low alarm limit %s",
			formatNumber(el.NormalLo), formatNumber(el.NormalHi), formatNumber(el.AlarmLo))
	}
	if el.HasNormal && el.HasAlarmHi && el.NormalHi > el.AlarmHi {
		r.add(e.file, e.lineOf("normal"), "normal band [%s, %s] reaches above the high alarm limit %s",
			formatNumber(el.NormalLo), formatNumber(el.NormalHi), formatNumber(el.AlarmHi))
	}
}

// What a tag must be to suit an element.
type tagNeed uint8

const (
	needAny tagNeed = iota
	needNumber
	needNumberOrBool
	needBool
	needInteger // unscaled, or a bool as 0 and 1
)

func (n tagNeed) String() string {
	return [...]string{"any tag", "a number", "a number or a bool", "a bool", "an integer without a scale, or a bool"}[n]
}

// suits reports whether a tag of definition d meets n.
func (n tagNeed) suits(d *tags.Def) bool {
	number := d.Type != tags.TypeBool && d.Type != tags.TypeString
	switch n {
	case needNumber:
		return number
	case needNumberOrBool:
		return d.Type != tags.TypeString
	case needBool:
		return d.Type == tags.TypeBool
	case needInteger:
		return d.Type == tags.TypeBool || number && d.Type != tags.TypeFloat32 && d.Type != tags.TypeFloat64 && d.Scale == nil
	}
	return true
}

// tagNeeds is what the tag under key must be in an element of kind k.
func tagNeeds(el *Element, key string) tagNeed {
	switch {
	case key != "tag": // a symbol's running and fault
		return needBool
	case el.Kind == KindState, el.Kind == KindButton && el.Mode == "toggle":
		return needBool
	case el.Kind == KindSymbol && el.Running == el.Tag:
		return needBool // it is the running tag too
	case el.Kind == KindIndicator, el.Kind == KindBar, el.Kind == KindTank, el.Kind == KindSetpoint:
		return needNumber
	case el.Kind == KindSparkline, el.Kind == KindButton:
		return needNumberOrBool
	case el.Kind == KindMultiState:
		return needInteger
	}
	return needAny
}

// typeName says what type a tag is, for messages.
func typeName(d *tags.Def) string {
	if d.Scale != nil {
		return "a scaled " + d.Type.String()
	}
	return "a " + d.Type.String()
}

// checkTags checks the tags an element names: that they exist, suit the
// element, and can be written where it writes them.
func checkTags(r *report, e *elementEntry, env *screenEnv) {
	el := &e.el
	for _, key := range []string{"tag", "running", "fault"} {
		if !e.has(key) {
			continue
		}
		name := map[string]string{"tag": el.Tag, "running": el.Running, "fault": el.Fault}[key]
		d, msg := env.lookup(name)
		if msg != "" {
			r.add(e.file, e.lineOf(key), "%s", msg)
			continue
		}
		if d.Type == tags.TypeInvalid {
			continue // its type was reported in the project
		}
		if need := tagNeeds(el, key); !need.suits(d) {
			what := el.Kind.article()
			if key != "tag" {
				what = "a symbol's " + key
			} else if el.Kind == KindButton && el.Mode == "toggle" {
				what = "a toggle button"
			}
			r.add(e.file, e.lineOf(key), "%s %q is %s: %s needs %s", key, name, typeName(d), what, need)
			continue
		}
		if key != "tag" {
			continue
		}
		if (el.Kind == KindButton || el.Kind == KindSetpoint) && !d.Writable {
			r.add(e.file, e.lineOf("tag"), "tag %q is not writable: %s writes its tag", name, el.Kind.article())
		}
		if el.Kind == KindValue && e.has("format") && (d.Type == tags.TypeBool || d.Type == tags.TypeString) {
			r.add(e.file, e.lineOf("format"), "format applies to numbers: tag %q is a %s", name, d.Type)
		}
		if el.Kind == KindButton && el.Mode == "momentary" && d.Type == tags.TypeBool && e.has("value") && el.Value != 0 && el.Value != 1 {
			r.add(e.file, e.lineOf("value"), "value %s: tag %q is a bool: write 0 or 1", formatNumber(el.Value), name)
		}
	}
}
