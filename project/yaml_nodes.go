package project

import (
	"math"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Limits on merge keys (<<), which can make a small file expand
// exponentially or refer to itself.
const (
	maxMergeDepth = 10      // merges within merges
	maxMergeWork  = 100_000 // key/value pairs read through merges, per file
)

// yamlDecoder turns the nodes of project.yaml into devices and tags,
// reporting every problem with the line of its key or value.
type yamlDecoder struct {
	file      string
	r         *report
	mergeWork int
}

func (d *yamlDecoder) add(line int, format string, args ...any) {
	d.r.add(d.file, line, format, args...)
}

// field is one key: value pair of a mapping.
type field struct {
	key, val *yaml.Node
	name     string // the key's text
}

// deref follows an alias (*name) to the node it names.
func deref(n *yaml.Node) *yaml.Node {
	if n != nil && n.Kind == yaml.AliasNode && n.Alias != nil {
		return n.Alias
	}
	return n
}

// isNull reports whether n is null: "~", "null" or nothing after the colon.
func isNull(n *yaml.Node) bool {
	return n == nil || n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// describe names what n is, for "want X, got Y" messages.
func describe(n *yaml.Node) string {
	n = deref(n)
	switch {
	case isNull(n):
		return "nothing"
	case n.Kind == yaml.ScalarNode:
		return strconv.Quote(n.Value)
	case n.Kind == yaml.SequenceNode:
		return "a list"
	case n.Kind == yaml.MappingNode:
		return "a mapping"
	}
	return "an unknown node"
}

// fields returns the pairs of mapping m in file order, reporting
// duplicate keys and keys that are not plain names. Merge keys (<<: *x)
// bring in the pairs of the mappings they name, unless m sets them itself.
func (d *yamlDecoder) fields(m *yaml.Node, what string) []field {
	return d.mergedFields(m, what, 0)
}

func (d *yamlDecoder) mergedFields(m *yaml.Node, what string, depth int) []field {
	var out, merged []field
	seen := map[string]int{} // key → line
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := deref(m.Content[i]), m.Content[i+1]
		switch {
		case k == nil || k.Kind != yaml.ScalarNode:
			d.add(m.Content[i].Line, "a key in %s must be a name, got %s", what, describe(k))
			continue
		case k.ShortTag() == "!!merge":
			merged = append(merged, d.merge(v, what, depth)...)
			continue
		}
		if first, dup := seen[k.Value]; dup {
			d.add(k.Line, "duplicate key %q in %s (first at line %d)", k.Value, what, first)
			continue
		}
		seen[k.Value] = k.Line
		out = append(out, field{key: k, val: v, name: k.Value})
	}
	for _, f := range merged {
		if _, ok := seen[f.name]; !ok {
			seen[f.name] = f.key.Line
			out = append(out, f)
		}
	}
	return out
}

// merge reads the value of a merge key: a mapping or a list of them,
// earlier ones winning.
func (d *yamlDecoder) merge(v *yaml.Node, what string, depth int) []field {
	if depth >= maxMergeDepth || d.mergeWork > maxMergeWork {
		d.add(v.Line, "merge (<<) in %s nests or repeats too deeply", what)
		return nil
	}
	src := deref(v)
	var maps []*yaml.Node
	switch src.Kind {
	case yaml.MappingNode:
		maps = []*yaml.Node{src}
	case yaml.SequenceNode:
		for _, item := range src.Content {
			if item = deref(item); item.Kind != yaml.MappingNode {
				d.add(item.Line, "merge (<<) in %s: want a mapping, got %s", what, describe(item))
				continue
			}
			maps = append(maps, item)
		}
	default:
		d.add(v.Line, "merge (<<) in %s: want a mapping or a list of them, got %s", what, describe(src))
		return nil
	}
	var out []field
	seen := map[string]bool{}
	for _, m := range maps {
		for _, f := range d.mergedFields(m, what, depth+1) {
			d.mergeWork++
			if !seen[f.name] {
				seen[f.name] = true
				out = append(out, f)
			}
		}
	}
	return out
}

// The scalar readers below report a value of the wrong kind and return
// ok == false; a null value is "not given" and reports nothing. Each
// records the outcome in m.

// str reads a string. Any scalar will do: "name: 12" is the name "12".
// An empty or blank string is not given, as an empty cell in tags.csv.
func (d *yamlDecoder) str(f field, m *marks) (string, bool) {
	v := deref(f.val)
	switch {
	case isNull(v), v.Kind == yaml.ScalarNode && strings.TrimSpace(v.Value) == "":
		return "", false
	case v.Kind != yaml.ScalarNode:
		d.add(v.Line, "%s: want a string, got %s", f.name, describe(v))
		m.setBad(f.name, v.Line)
		return "", false
	}
	m.set(f.name, v.Line)
	return v.Value, true
}

// integer reads a whole number written as one ("1", "0x10"), not quoted.
func (d *yamlDecoder) integer(f field, m *marks) (int, bool) {
	v := deref(f.val)
	if isNull(v) {
		return 0, false
	}
	var n int
	if v.Kind != yaml.ScalarNode || v.ShortTag() != "!!int" || v.Decode(&n) != nil {
		d.add(v.Line, "%s: want a whole number, got %s", f.name, describe(v))
		m.setBad(f.name, v.Line)
		return 0, false
	}
	m.set(f.name, v.Line)
	return n, true
}

// boolean reads true or false (and yes/no/1/0, as tags.csv allows).
func (d *yamlDecoder) boolean(f field, m *marks) (bool, bool) {
	v := deref(f.val)
	if isNull(v) {
		return false, false
	}
	if v.Kind != yaml.ScalarNode {
		d.add(v.Line, "%s: want true or false, got %s", f.name, describe(v))
		m.setBad(f.name, v.Line)
		return false, false
	}
	b, msg := parseBool(f.name, v.Value)
	if msg != "" {
		d.add(v.Line, "%s", msg)
		m.setBad(f.name, v.Line)
		return false, false
	}
	m.set(f.name, v.Line)
	return b, true
}

// duration reads a positive Go duration: "500ms", "1s".
func (d *yamlDecoder) duration(f field, m *marks) (time.Duration, bool) {
	v := deref(f.val)
	if isNull(v) {
		return 0, false
	}
	if v.Kind != yaml.ScalarNode {
		d.add(v.Line, "%s: want a duration as 500ms, 1s or 2m, got %s", f.name, describe(v))
		m.setBad(f.name, v.Line)
		return 0, false
	}
	dur, msg := parseDuration(f.name, v.Value)
	if msg != "" {
		d.add(v.Line, "%s", msg)
		m.setBad(f.name, v.Line)
		return 0, false
	}
	m.set(f.name, v.Line)
	return dur, true
}

// delay reads a Go duration that is more than zero when positive, else 0
// or more; want describes it in the problem (alarm delays and shelves,
// security timeouts).
func (d *yamlDecoder) delay(f field, m *marks, positive bool, want string) (time.Duration, bool) {
	v := deref(f.val)
	if isNull(v) {
		return 0, false
	}
	dur, err := time.ParseDuration(v.Value)
	if v.Kind != yaml.ScalarNode || err != nil || dur < 0 || positive && dur == 0 {
		d.add(v.Line, "%s: want %s, got %s", f.name, want, describe(v))
		m.setBad(f.name, v.Line)
		return 0, false
	}
	m.set(f.name, v.Line)
	return dur, true
}

// number reads a finite number, as a scale end.
func (d *yamlDecoder) number(v *yaml.Node, what string) (float64, bool) {
	v = deref(v)
	var f float64
	ok := v.Kind == yaml.ScalarNode && (v.ShortTag() == "!!int" || v.ShortTag() == "!!float") && v.Decode(&f) == nil
	if !ok || math.IsInf(f, 0) || math.IsNaN(f) {
		d.add(v.Line, "%s: want a number, got %s", what, describe(v))
		return 0, false
	}
	return f, true
}

// longDuration reads a history duration: a Go duration or whole days,
// weeks or years ("90m", "24h", "365d", "2w", "10y"). It returns the text
// too, for messages. Its sign is checked by the caller when it is
// "raw", "rollups" or "partition", and here otherwise.
func (d *yamlDecoder) longDuration(f field, m *marks) (time.Duration, string, bool) {
	v := deref(f.val)
	if isNull(v) {
		return 0, "", false
	}
	if v.Kind != yaml.ScalarNode {
		d.add(v.Line, "%s: want a duration as 90m, 24h, 30d, 2w or 10y, got %s", f.name, describe(v))
		m.setBad(f.name, v.Line)
		return 0, "", false
	}
	dur, msg := parseLongDuration(f.name, v.Value)
	if msg == "" {
		msg = checkLongDuration(f.name, v.Value, dur)
	}
	if msg != "" {
		d.add(v.Line, "%s", msg)
		m.setBad(f.name, v.Line)
		return 0, "", false
	}
	m.set(f.name, v.Line)
	return dur, v.Value, true
}

// deadband reads a compression deadband: a number, 0 or more.
func (d *yamlDecoder) deadband(f field, m *marks) (float64, bool) {
	v := deref(f.val)
	if isNull(v) {
		return 0, false
	}
	x, ok := d.number(v, f.name)
	msg := ""
	if ok {
		x, msg = checkDeadband(f.name, v.Value, x)
		if msg != "" {
			d.add(v.Line, "%s", msg)
		}
	}
	if !ok || msg != "" {
		m.setBad(f.name, v.Line)
		return 0, false
	}
	m.set(f.name, v.Line)
	return x, true
}
