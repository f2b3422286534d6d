package project

import (
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// screenEntry is a screen file as decoded, before the checks that need
// the project's tags or the other screens. Its marks hold title, level,
// parent and size; their line is the screen's mapping.
type screenEntry struct {
	s     Screen
	w, h  float64 // the design size as written, for messages
	elems []elementEntry
	marks
}

// elementEntry is an element as decoded, before its checks. Its marks
// hold every key but kind, under the key's name.
type elementEntry struct {
	el     Element
	spec   *kindSpec          // nil when the kind is missing or unknown
	num    map[string]float64 // x, y, w, h, min and max as written, for messages
	points [][2]float64       // pipe: its points as written, for messages
	ptLine []int              // pipe: the line of each point
	marks
}

// kindSpec is the keys an element kind takes besides kind and, unless
// unplaced, x, y, w and h.
type kindSpec struct {
	required []string
	optional []string
	unplaced bool // a pipe: placed by its points
}

// takes reports whether the kind takes key.
func (k *kindSpec) takes(key string) bool {
	if slices.Contains(placeKeys, key) {
		return !k.unplaced
	}
	return slices.Contains(k.required, key) || slices.Contains(k.optional, key)
}

// keys lists the keys the kind takes, for messages.
func (k *kindSpec) keys() string {
	keys := slices.Concat(k.required, k.optional)
	if !k.unplaced {
		keys = append(keys, placeKeys...)
	}
	return strings.Join(keys, ", ")
}

// placeKeys place an element: design pixels from the screen's top left.
var placeKeys = []string{"x", "y", "w", "h"}

// kindOrder lists the element kinds for messages, simplest first.
var kindOrder = []ElementKind{
	KindValue, KindIndicator, KindBar, KindTank, KindState, KindMultiState, KindSymbol,
	KindPipe, KindRect, KindLabel, KindSparkline, KindButton, KindSetpoint, KindNav,
}

// kindSpecs are the keys of each element kind. The screen format's
// description (ScreensDir) says what each means.
var kindSpecs = map[ElementKind]*kindSpec{
	KindValue:      {required: []string{"tag"}, optional: []string{"format"}},
	KindIndicator:  {required: []string{"tag", "max"}, optional: []string{"min", "normal", "alarm"}},
	KindBar:        {required: []string{"tag", "max"}, optional: []string{"min", "alarm", "horizontal"}},
	KindTank:       {required: []string{"tag", "max"}, optional: []string{"min", "alarm"}},
	KindState:      {required: []string{"tag", "on", "off"}},
	KindMultiState: {required: []string{"tag", "states"}, optional: []string{"abnormal"}},
	KindSymbol:     {required: []string{"symbol"}, optional: []string{"tag", "running", "fault"}},
	KindPipe:       {required: []string{"points"}, unplaced: true},
	KindRect:       {},
	KindLabel:      {required: []string{"text"}},
	KindSparkline:  {required: []string{"tag"}, optional: []string{"minutes", "min", "max"}},
	KindButton:     {required: []string{"tag", "text"}, optional: []string{"mode", "value", "critical"}},
	KindSetpoint:   {required: []string{"tag"}, optional: []string{"min", "max", "critical"}},
	KindNav:        {required: []string{"target"}, optional: []string{"text", "faceplate"}},
}

// elementKeys is every key an element can have, in the order of kindSpecs.
var elementKeys = func() []string {
	keys := append([]string{"kind"}, placeKeys...)
	for _, k := range kindOrder {
		for _, key := range slices.Concat(kindSpecs[k].required, kindSpecs[k].optional) {
			if !slices.Contains(keys, key) {
				keys = append(keys, key)
			}
		}
	}
	return keys
}()

// kindsTaking lists the kinds that take key, for messages.
func kindsTaking(key string) string {
	var out []string
	for _, k := range kindOrder {
		if kindSpecs[k].takes(key) {
			out = append(out, string(k))
		}
	}
	return strings.Join(out, ", ")
}

// article names the kind with its article, for messages: "an indicator".
func (k ElementKind) article() string {
	if k != "" && strings.ContainsRune("aeiou", rune(k[0])) {
		return "an " + string(k)
	}
	return "a " + string(k)
}

// kindList names the element kinds, for messages.
func kindList() string {
	names := make([]string, len(kindOrder))
	for i, k := range kindOrder {
		names[i] = string(k)
	}
	return strings.Join(names, ", ")
}

// Limits of what a screen file may say.
const (
	maxDesignSize = 8192 // design pixels: twice a 4K display's width; more is a typo
	maxMinutes    = 1440 // a sparkline shows at most a day; longer is a trend's job
	defaultMins   = 10   // a sparkline's default span, in minutes
	// maxScreenItems bounds the elements, points, states and abnormal
	// values one screen file holds, counted through aliases (*name),
	// which can repeat a long list many times over in a small file. A
	// busy screen has a few hundred elements and a few thousand points.
	maxScreenItems = 100_000
)

// screenDecoder decodes one screen file.
type screenDecoder struct {
	*yamlDecoder
	items int // list items read so far, against maxScreenItems
}

// item counts one list item read at line; past maxScreenItems it reports
// the file once and returns false, and the caller stops reading.
func (d *screenDecoder) item(line int) bool {
	d.items++
	if d.items == maxScreenItems+1 {
		d.add(line, "too many values: a screen holds at most %d elements, points, states and abnormal values, counted through aliases", maxScreenItems)
	}
	return d.items <= maxScreenItems
}

// decodeScreen decodes the screen file named name, reporting every
// problem of the file on its own.
func decodeScreen(r *report, file, name string, data []byte) screenEntry {
	e := screenEntry{s: Screen{Name: name, File: file}, marks: newMarks(file, 0)}
	d := &screenDecoder{yamlDecoder: &yamlDecoder{file: file, r: r}}
	root, ok := d.parseRoot(data, "a screen")
	if !ok {
		return e
	}
	switch {
	case isNull(root):
		d.add(0, "empty screen: want title, level, size and elements")
		return e
	case root.Kind != yaml.MappingNode:
		d.add(root.Line, "want a mapping with title, level, size and elements, got %s", describe(root))
		return e
	}
	e.line = root.Line
	m := &e.marks
	for _, f := range d.fields(root, "screen") {
		switch f.name {
		case "title":
			e.s.Title, _ = d.str(f, m)
		case "level":
			if lvl, ok := d.integer(f, m); ok && (lvl < minLevel || lvl > maxLevel) {
				d.add(m.lineOf("level"), "level: want 1 (overview), 2 (area), 3 (equipment) or 4 (diagnostics), got %d", lvl)
				m.setBad("level", m.lineOf("level"))
			} else {
				e.s.Level = lvl
			}
		case "parent":
			e.s.Parent, _ = d.str(f, m)
		case "size":
			e.size(d, f)
		case "elements":
			for _, item := range d.list(f) {
				if !d.item(item.Line) {
					break
				}
				e.elems = append(e.elems, d.element(item))
			}
		default:
			d.add(f.key.Line, "unknown key %q in screen (want title, level, parent, size, elements)", f.name)
		}
	}
	for _, k := range []string{"title", "level", "size"} {
		if !m.given(k) {
			d.add(e.line, "missing %q in screen", k)
		}
	}
	return e
}

// size decodes the design size: [width, height], each 1 to maxDesignSize.
func (e *screenEntry) size(d *screenDecoder, f field) {
	v := deref(f.val)
	if isNull(v) {
		return
	}
	if v.Kind != yaml.SequenceNode || len(v.Content) != 2 {
		d.add(v.Line, "size: want [width, height] in design pixels, as [1280, 800], got %s", describeList(v))
		e.setBad("size", v.Line)
		return
	}
	w, okW := d.number(v.Content[0], "size")
	h, okH := d.number(v.Content[1], "size")
	ok := okW && okH
	if ok && (w < 1 || h < 1 || w > maxDesignSize || h > maxDesignSize) {
		d.add(v.Line, "size: want a width and height of 1 to %d design pixels, got [%s, %s]", maxDesignSize, formatNumber(w), formatNumber(h))
		ok = false
	}
	if !ok {
		e.setBad("size", v.Line)
		return
	}
	e.set("size", v.Line)
	e.w, e.h = w, h
	e.s.Width, e.s.Height = float32(w), float32(h)
}

// element decodes one item of elements: its kind first, then every key
// the kind takes. A key the kind does not take is reported and skipped;
// when the kind is unknown every key is read, to report its value too.
func (d *screenDecoder) element(n *yaml.Node) elementEntry {
	e := elementEntry{marks: newMarks(d.file, n.Line), num: map[string]float64{}}
	e.el.Line = n.Line
	fields := d.fields(n, "element")
	kindGiven := false
	for _, f := range fields {
		if f.name != "kind" {
			continue
		}
		var km marks = newMarks(d.file, n.Line) // kind is not one of the keys checked later
		s, ok := d.str(f, &km)
		kindGiven = km.given("kind")
		spec, known := kindSpecs[ElementKind(s)]
		switch {
		case ok && !known:
			d.add(km.lineOf("kind"), "unknown kind %q (known: %s)", s, kindList())
		case ok:
			e.el.Kind, e.spec = ElementKind(s), spec
		}
	}
	if !kindGiven {
		d.add(n.Line, `missing "kind" in element (known: %s)`, kindList())
	}
	what := "element"
	if e.spec != nil {
		what = string(e.el.Kind)
	}
	for _, f := range fields {
		switch {
		case f.name == "kind":
		case !slices.Contains(elementKeys, f.name):
			if e.spec != nil {
				d.add(f.key.Line, "unknown key %q in %s (%s takes %s)", f.name, what, e.el.Kind.article(), e.spec.keys())
			} else {
				d.add(f.key.Line, "unknown key %q in element", f.name)
			}
		case e.spec != nil && !e.spec.takes(f.name) && e.spec.unplaced && slices.Contains(placeKeys, f.name):
			d.add(f.key.Line, "%s does not apply to a pipe: its points place it", f.name)
		case e.spec != nil && !e.spec.takes(f.name):
			d.add(f.key.Line, "%s does not apply to %s (only to %s)", f.name, e.el.Kind.article(), kindsTaking(f.name))
		default:
			d.elementKey(f, &e)
		}
	}
	return e
}

// elementKey decodes the value of one key of an element.
func (d *screenDecoder) elementKey(f field, e *elementEntry) {
	el, m := &e.el, &e.marks
	switch f.name {
	case "x", "y", "w", "h", "min", "max", "value":
		if x, ok := d.num(f, m); ok {
			e.num[f.name] = x
			switch f.name {
			case "x":
				el.X = float32(x)
			case "y":
				el.Y = float32(x)
			case "w":
				el.W = float32(x)
			case "h":
				el.H = float32(x)
			case "min":
				el.Min = x
			case "max":
				el.Max = x
			case "value":
				el.Value = x
			}
		}
	case "tag":
		el.Tag, _ = d.str(f, m)
	case "running":
		el.Running, _ = d.str(f, m)
	case "fault":
		el.Fault, _ = d.str(f, m)
	case "text":
		el.Text, _ = d.str(f, m)
	case "on":
		el.OnText, _ = d.str(f, m)
	case "off":
		el.OffText, _ = d.str(f, m)
	case "target":
		el.Target, _ = d.str(f, m)
	case "format":
		if s, ok := d.str(f, m); ok {
			if msg := checkFormat(s); msg != "" {
				d.add(m.lineOf("format"), "%s", msg)
				m.setBad("format", m.lineOf("format"))
			} else {
				el.Format = s
			}
		}
	case "symbol":
		if s, ok := d.str(f, m); ok {
			if !slices.Contains(KnownSymbols, s) {
				d.add(m.lineOf("symbol"), "unknown symbol %q (known: %s)", s, strings.Join(KnownSymbols, ", "))
				m.setBad("symbol", m.lineOf("symbol"))
			} else {
				el.Symbol = s
			}
		}
	case "mode":
		if s, ok := d.str(f, m); ok {
			if s != "momentary" && s != "toggle" {
				d.add(m.lineOf("mode"), "mode: want momentary or toggle, got %q", s)
				m.setBad("mode", m.lineOf("mode"))
			} else {
				el.Mode = s
			}
		}
	case "minutes":
		if n, ok := d.integer(f, m); ok {
			if n < 1 || n > maxMinutes {
				d.add(m.lineOf("minutes"), "minutes: want 1 to %d (a day), got %d", maxMinutes, n)
				m.setBad("minutes", m.lineOf("minutes"))
			} else {
				el.Minutes = n
			}
		}
	case "horizontal":
		el.Horizontal, _ = d.boolean(f, m)
	case "faceplate":
		el.Faceplate, _ = d.boolean(f, m)
	case "critical":
		el.Critical, _ = d.boolean(f, m)
	case "normal":
		if lo, hi, ok := d.band(f, m); ok {
			el.NormalLo, el.NormalHi, el.HasNormal = lo, hi, true
		}
	case "alarm":
		d.alarm(f, e)
	case "states":
		el.States = d.states(f, m)
	case "abnormal":
		el.Abnormal = d.abnormal(f, m)
	case "points":
		d.points(f, e)
	}
}

// num reads a finite number.
func (d *screenDecoder) num(f field, m *marks) (float64, bool) {
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

// band reads the normal band: [lo, hi], lo below hi.
func (d *screenDecoder) band(f field, m *marks) (lo, hi float64, ok bool) {
	v := deref(f.val)
	if isNull(v) {
		return 0, 0, false
	}
	if v.Kind != yaml.SequenceNode || len(v.Content) != 2 {
		d.add(v.Line, "%s: want two numbers [lo, hi], got %s", f.name, describeList(v))
		m.setBad(f.name, v.Line)
		return 0, 0, false
	}
	lo, okLo := d.number(v.Content[0], f.name)
	hi, okHi := d.number(v.Content[1], f.name)
	if okLo && okHi && lo >= hi {
		d.add(v.Line, "%s: [%s, %s] is empty: want [lo, hi] with lo below hi", f.name, formatNumber(lo), formatNumber(hi))
		okLo = false
	}
	if !okLo || !okHi {
		m.setBad(f.name, v.Line)
		return 0, 0, false
	}
	m.set(f.name, v.Line)
	return lo, hi, true
}

// alarm reads the alarm limits: [lo, hi], null for no limit.
func (d *screenDecoder) alarm(f field, e *elementEntry) {
	v, m, el := deref(f.val), &e.marks, &e.el
	if isNull(v) {
		return
	}
	if v.Kind != yaml.SequenceNode || len(v.Content) != 2 {
		d.add(v.Line, "alarm: want limits [lo, hi], null for none, as [null, 100], got %s", describeList(v))
		m.setBad("alarm", v.Line)
		return
	}
	var lim [2]float64
	var set [2]bool
	ok := true
	for i, n := range v.Content {
		if isNull(deref(n)) {
			continue
		}
		var good bool
		lim[i], good = d.number(n, "alarm")
		set[i] = good
		ok = ok && good
	}
	switch {
	case !ok:
	case !set[0] && !set[1]:
		d.add(v.Line, "alarm: [null, null] sets no limit: omit it, or give lo or hi")
		ok = false
	case set[0] && set[1] && lim[0] >= lim[1]:
		d.add(v.Line, "alarm: the low limit %s is not below the high limit %s", formatNumber(lim[0]), formatNumber(lim[1]))
		ok = false
	}
	if !ok {
		m.setBad("alarm", v.Line)
		return
	}
	m.set("alarm", v.Line)
	el.AlarmLo, el.HasAlarmLo = lim[0], set[0]
	el.AlarmHi, el.HasAlarmHi = lim[1], set[1]
	el.HasAlarmLim = true
}

// wholeNumber reads a whole number written as one, as a state's value.
func wholeNumber(n *yaml.Node) (int, bool) {
	n = deref(n)
	var i int
	if n == nil || n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" || n.Decode(&i) != nil {
		return 0, false
	}
	return i, true
}

// states reads a multistate's table: {0: Idle, 1: Running}.
func (d *screenDecoder) states(f field, m *marks) map[int]string {
	v := deref(f.val)
	switch {
	case isNull(v):
		return nil
	case v.Kind != yaml.MappingNode:
		d.add(v.Line, "states: want a mapping of values to texts, as {0: Idle, 1: Running}, got %s", describe(v))
		m.setBad("states", v.Line)
		return nil
	}
	out := map[int]string{}
	first := map[int]int{} // value → line
	ok := true
	for _, sf := range d.fields(v, "states") {
		if !d.item(sf.key.Line) {
			ok = false
			break
		}
		n, isInt := wholeNumber(sf.key)
		if !isInt {
			d.add(sf.key.Line, "states: want a whole number before each text, as 0: Idle, got %s", describe(sf.key))
			ok = false
			continue
		}
		if l, dup := first[n]; dup {
			d.add(sf.key.Line, "states: %d is given twice (first at line %d)", n, l)
			ok = false
			continue
		}
		first[n] = sf.key.Line
		t := deref(sf.val)
		if isNull(t) || t.Kind != yaml.ScalarNode || strings.TrimSpace(t.Value) == "" {
			d.add(t.Line, "states: %d: want a text, got %s", n, describe(t))
			ok = false
			continue
		}
		out[n] = t.Value
	}
	if ok && len(out) == 0 {
		d.add(v.Line, "states: empty: want at least one value and its text, as {0: Idle, 1: Running}")
		ok = false
	}
	if !ok {
		m.setBad("states", v.Line)
		return nil
	}
	m.set("states", v.Line)
	return out
}

// abnormal reads a multistate's abnormal values: [2, 3].
func (d *screenDecoder) abnormal(f field, m *marks) []int {
	v := deref(f.val)
	switch {
	case isNull(v):
		return nil
	case v.Kind != yaml.SequenceNode:
		d.add(v.Line, "abnormal: want a list of values, as [2, 3], got %s", describe(v))
		m.setBad("abnormal", v.Line)
		return nil
	}
	var out []int
	seen := map[int]bool{}
	ok := true
	for _, item := range v.Content {
		if !d.item(item.Line) {
			ok = false
			break
		}
		n, isInt := wholeNumber(item)
		switch {
		case !isInt:
			d.add(item.Line, "abnormal: want whole numbers, got %s", describe(item))
			ok = false
		case seen[n]:
			d.add(item.Line, "abnormal: %d is listed twice", n)
			ok = false
		default:
			seen[n] = true
			out = append(out, n)
		}
	}
	if !ok {
		m.setBad("abnormal", v.Line)
		return nil
	}
	m.set("abnormal", v.Line)
	return out
}

// points reads a pipe's polyline: [[x, y], [x, y], ...].
func (d *screenDecoder) points(f field, e *elementEntry) {
	v, m := deref(f.val), &e.marks
	switch {
	case isNull(v):
		return
	case v.Kind != yaml.SequenceNode:
		d.add(v.Line, "points: want a list of [x, y], as [[220, 420], [300, 420]], got %s", describe(v))
		m.setBad("points", v.Line)
		return
	}
	ok := true
	var pts [][2]float64
	var lines []int
	for _, item := range v.Content {
		if !d.item(item.Line) {
			ok = false
			break
		}
		p := deref(item)
		if p.Kind != yaml.SequenceNode || len(p.Content) != 2 {
			d.add(p.Line, "points: want each point as [x, y], got %s", describeList(p))
			ok = false
			continue
		}
		x, okX := d.number(p.Content[0], "points")
		y, okY := d.number(p.Content[1], "points")
		if !okX || !okY {
			ok = false
			continue
		}
		pts = append(pts, [2]float64{x, y})
		lines = append(lines, p.Line)
	}
	if ok && len(pts) < 2 {
		d.add(v.Line, "points: a pipe needs two points or more, got %d", len(pts))
		ok = false
	}
	if !ok {
		m.setBad("points", v.Line)
		return
	}
	m.set("points", v.Line)
	e.points, e.ptLine = pts, lines
	for _, p := range pts {
		e.el.Points = append(e.el.Points, [2]float32{float32(p[0]), float32(p[1])})
	}
}

// checkFormat checks a value's display format: text with one printf verb
// for a float64 (f, e or g, upper case too, with flags, width and
// precision), and %% for a per cent sign. It returns a message when the
// format is wrong.
func checkFormat(s string) string {
	verbs := 0
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			continue
		}
		i++
		if i < len(s) && s[i] == '%' {
			continue
		}
		for i < len(s) && strings.IndexByte("+- #0", s[i]) >= 0 {
			i++
		}
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i < len(s) && s[i] == '.' {
			i++
			for i < len(s) && s[i] >= '0' && s[i] <= '9' {
				i++
			}
		}
		if i >= len(s) || strings.IndexByte("eEfFgG", s[i]) < 0 {
			return badFormat(s)
		}
		verbs++
	}
	if verbs != 1 {
		return badFormat(s)
	}
	return ""
}

func badFormat(s string) string {
	return fmt.Sprintf(`format %q: want one number verb (f, e or g), as "%%.1f" or "%%.3g m"; %%%% writes a %% sign`, s)
}
