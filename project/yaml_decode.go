package project

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/sightglass/sightglass/tags"
)

// decoded is what the project files declare, before cross-checks.
type decoded struct {
	station  Station
	devices  []deviceEntry
	tags     []tagEntry
	history  historyEntry
	alarms   alarmsEntry
	security securityEntry
	gateway  gatewayEntry
	models   []modelEntry
	// devicesKnown is false when project.yaml could not be read, so a
	// tag's device cannot be looked up.
	devicesKnown bool
}

// syntaxLine picks the line out of a yaml error: "yaml: line 7: ...".
var syntaxLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// parseRoot parses data as the one YAML document of a file holding what
// ("a project", "a screen") and returns its root node, which may be null
// or not a mapping (the caller says what it wants). A syntax error is
// reported and ok is false; a second document is reported.
func (d *yamlDecoder) parseRoot(data []byte, what string) (root *yaml.Node, ok bool) {
	docs, err := parseYAML(data)
	if err != nil {
		line, msg := 0, strings.TrimPrefix(err.Error(), "yaml: ")
		if m := syntaxLine.FindStringSubmatch(err.Error()); m != nil {
			line, _ = strconv.Atoi(m[1])
			msg = m[2]
		}
		d.add(line, "syntax error: %s", msg)
		return nil, false
	}
	if len(docs) > 1 {
		d.add(docs[1].Line, "a second YAML document (---): %s is one document", what)
	}
	if len(docs) > 0 && len(docs[0].Content) > 0 {
		root = deref(docs[0].Content[0])
	}
	return root, true
}

// decodeYAML decodes project.yaml into out, reporting every problem.
func decodeYAML(r *report, file string, data []byte, out *decoded) {
	d := &yamlDecoder{file: file, r: r}
	root, ok := d.parseRoot(data, "a project")
	if !ok {
		return
	}
	out.devicesKnown = true
	switch {
	case isNull(root):
		d.add(0, `missing "station"`)
		return
	case root.Kind != yaml.MappingNode:
		d.add(root.Line, "want a mapping with station, devices and tags, got %s", describe(root))
		return
	}
	hasStation := false
	for _, f := range d.fields(root, "project") {
		switch f.name {
		case "station":
			hasStation = true
			d.station(f, out)
		case "devices":
			for _, item := range d.list(f) {
				out.devices = append(out.devices, d.device(item))
			}
		case "tags":
			for _, item := range d.list(f) {
				out.tags = append(out.tags, d.tag(item))
			}
		case "history":
			out.history = d.history(f)
		case "alarms":
			out.alarms = d.alarms(f)
		case "security":
			out.security = d.security(f)
		case "gateway":
			out.gateway = d.gateway(f)
		case "models":
			for _, item := range d.list(f) {
				out.models = append(out.models, d.model(item))
			}
		default:
			d.add(f.key.Line, "unknown key %q in project (want station, devices, tags, history, alarms, security, gateway, models)", f.name)
		}
	}
	if !hasStation {
		d.add(root.Line, `missing "station"`)
	}
}

// parseYAML reads every document of data. A panic inside the YAML
// library becomes an error: bad input must never stop a station.
func parseYAML(data []byte) (docs []*yaml.Node, err error) {
	defer func() {
		if p := recover(); p != nil {
			docs, err = nil, fmt.Errorf("yaml: cannot parse: %v", p)
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			return nil, err
		}
		docs = append(docs, &n)
	}
}

func (d *yamlDecoder) station(f field, out *decoded) {
	v := deref(f.val)
	switch {
	case isNull(v):
		d.add(f.key.Line, `missing "name" in station`)
		return
	case v.Kind != yaml.MappingNode:
		d.add(v.Line, "station: want a mapping as {name: North pump house}, got %s", describe(v))
		return
	}
	m := newMarks(d.file, v.Line)
	for _, sf := range d.fields(v, "station") {
		switch sf.name {
		case "name":
			out.station.Name, _ = d.str(sf, &m)
		default:
			d.add(sf.key.Line, "unknown key %q in station", sf.name)
		}
	}
	if !m.given("name") {
		d.add(v.Line, `missing "name" in station`)
	}
}

// list returns the mappings of a list (devices, tags), reporting items
// that are not mappings.
func (d *yamlDecoder) list(f field) []*yaml.Node {
	v := deref(f.val)
	switch {
	case isNull(v):
		return nil
	case v.Kind != yaml.SequenceNode:
		d.add(v.Line, "%s: want a list, got %s", f.name, describe(v))
		return nil
	}
	what := strings.TrimSuffix(f.name, "s")
	var items []*yaml.Node
	for _, item := range v.Content {
		if it := deref(item); it.Kind == yaml.MappingNode {
			items = append(items, it)
		} else {
			d.add(item.Line, "%s: want a mapping, got %s", what, describe(it))
		}
	}
	return items
}

// device decodes one item of devices.
func (d *yamlDecoder) device(n *yaml.Node) deviceEntry {
	e := deviceEntry{marks: newMarks(d.file, n.Line)}
	c := &e.cfg
	for _, f := range d.fields(n, "device") {
		m := &e.marks
		switch f.name {
		case "name":
			c.Name, _ = d.str(f, m)
		case "driver":
			c.Driver, _ = d.str(f, m)
		case "address":
			c.Address, _ = d.str(f, m)
		case "unit":
			c.Unit, _ = d.integer(f, m)
		case "poll":
			c.Poll, _ = d.duration(f, m)
		case "timeout":
			c.Timeout, _ = d.duration(f, m)
		case "max_gap":
			c.MaxGap, _ = d.integer(f, m)
		case "baud":
			c.Serial.Baud, _ = d.integer(f, m)
		case "parity":
			c.Serial.Parity, _ = d.str(f, m)
		case "data_bits":
			c.Serial.DataBits, _ = d.integer(f, m)
		case "stop_bits":
			c.Serial.StopBits, _ = d.integer(f, m)
		case "endpoint":
			c.OPCUA.Endpoint, _ = d.str(f, m)
		case "security_policy":
			c.OPCUA.SecurityPolicy, _ = d.str(f, m)
		case "security_mode":
			c.OPCUA.SecurityMode, _ = d.str(f, m)
		case "identity":
			c.OPCUA.Identity = d.opcuaIdentity(f, m)
		case "mode":
			e.mode, _ = d.str(f, m)
		default:
			d.add(f.key.Line, "unknown key %q in device", f.name)
		}
	}
	return e
}

// tag decodes one item of tags.
func (d *yamlDecoder) tag(n *yaml.Node) tagEntry {
	e := tagEntry{marks: newMarks(d.file, n.Line)}
	t := &e.def
	for _, f := range d.fields(n, "tag") {
		m := &e.marks
		switch f.name {
		case "name":
			t.Name, _ = d.str(f, m)
		case "device":
			t.Device, _ = d.str(f, m)
		case "address":
			t.Address, _ = d.str(f, m)
		case "type":
			if s, ok := d.str(f, m); ok {
				var msg string
				if t.Type, t.StrLen, msg = parseType(s); msg != "" {
					d.add(m.lineOf("type"), "%s", msg)
					m.setBad("type", m.lineOf("type"))
				}
			}
		case "order":
			t.Order, _ = d.str(f, m)
		case "scale":
			t.Scale = d.scale(f, m)
		case "units":
			t.Units, _ = d.str(f, m)
		case "description":
			t.Description, _ = d.str(f, m)
		case "writable":
			t.Writable, _ = d.boolean(f, m)
		case "critical":
			t.Critical, _ = d.boolean(f, m)
		case "poll":
			t.Poll, _ = d.duration(f, m)
		case "history":
			e.hist = d.tagHistory(f, m)
		case "sampling":
			e.item.Sampling, _ = d.duration(f, m)
		case "queue":
			if n, ok := d.integer(f, m); ok {
				e.item.Queue = d.queueSize(f, n, m)
			}
		case "deadband":
			e.item.DeadbandAbs, e.item.DeadbandPercent = d.opcuaDeadband(f, m)
		default:
			d.add(f.key.Line, "unknown key %q in tag", f.name)
		}
	}
	return e
}

// history decodes the history section: {raw: 365d, rollups: 10y,
// partition: 24h}. Its checks against each other are validate's.
func (d *yamlDecoder) history(f field) historyEntry {
	v := deref(f.val)
	e := historyEntry{marks: newMarks(d.file, f.key.Line), text: map[string]string{}}
	switch {
	case isNull(v):
		return e
	case v.Kind != yaml.MappingNode:
		d.add(v.Line, "history: want a mapping as {raw: 365d, rollups: 10y, partition: 24h}, got %s", describe(v))
		return e
	}
	e.line = v.Line
	for _, hf := range d.fields(v, "history") {
		var dst *time.Duration
		switch hf.name {
		case "raw":
			dst = &e.h.Raw
		case "rollups":
			dst = &e.h.Rollups
		case "partition":
			dst = &e.h.Partition
		default:
			d.add(hf.key.Line, "unknown key %q in history (want raw, rollups, partition)", hf.name)
			continue
		}
		*dst, e.text[hf.name], _ = d.longDuration(hf, &e.marks)
	}
	return e
}

// tagHistory decodes a tag's history: true, false, or its compression
// settings {excdev: 0.5, excmax: 10m, compdev: 0.2, compmax: 8h}, which
// are marked in m under their own names.
func (d *yamlDecoder) tagHistory(f field, m *marks) TagHistory {
	v := deref(f.val)
	if isNull(v) {
		return TagHistory{}
	}
	if v.Kind == yaml.ScalarNode {
		if on, msg := parseBool(f.name, v.Value); msg == "" {
			m.set(f.name, v.Line)
			return TagHistory{Off: !on}
		}
	}
	if v.Kind != yaml.MappingNode {
		d.add(v.Line, "history: want true, false or a mapping as {excdev: 0.5, compdev: 0.2}, got %s", describe(v))
		m.setBad(f.name, v.Line)
		return TagHistory{}
	}
	m.set(f.name, v.Line)
	var h TagHistory
	for _, hf := range d.fields(v, "tag history") {
		switch hf.name {
		case "excdev":
			h.ExcDev, _ = d.deadband(hf, m)
		case "compdev":
			h.CompDev, _ = d.deadband(hf, m)
		case "excmax":
			h.ExcMax, _, _ = d.longDuration(hf, m)
		case "compmax":
			h.CompMax, _, _ = d.longDuration(hf, m)
		default:
			d.add(hf.key.Line, "unknown key %q in tag history (want excdev, excmax, compdev, compmax)", hf.name)
		}
	}
	return h
}

// scale decodes {raw: [lo, hi], eng: [lo, hi]}.
func (d *yamlDecoder) scale(f field, m *marks) *tags.Scale {
	v := deref(f.val)
	switch {
	case isNull(v):
		return nil
	case v.Kind != yaml.MappingNode:
		d.add(v.Line, "scale: want {raw: [lo, hi], eng: [lo, hi]}, got %s", describe(v))
		m.setBad("scale", v.Line)
		return nil
	}
	var s tags.Scale
	ok, has := true, map[string]bool{}
	for _, sf := range d.fields(v, "scale") {
		var dst *[2]float64
		switch sf.name {
		case "raw":
			dst = &s.Raw
		case "eng":
			dst = &s.Eng
		default:
			d.add(sf.key.Line, "unknown key %q in scale", sf.name)
			ok = false
			continue
		}
		has[sf.name] = true
		ok = d.pair(sf, dst) && ok
	}
	for _, k := range []string{"raw", "eng"} {
		if !has[k] {
			d.add(v.Line, "missing %q in scale", k)
			ok = false
		}
	}
	if !ok {
		m.setBad("scale", v.Line)
		return nil
	}
	m.set("scale", v.Line)
	return &s
}

// pair decodes [lo, hi].
func (d *yamlDecoder) pair(f field, dst *[2]float64) bool {
	v := deref(f.val)
	if v.Kind != yaml.SequenceNode || len(v.Content) != 2 {
		d.add(v.Line, "scale %s: want two numbers [lo, hi], got %s", f.name, describeList(v))
		return false
	}
	lo, okLo := d.number(v.Content[0], "scale "+f.name)
	hi, okHi := d.number(v.Content[1], "scale "+f.name)
	dst[0], dst[1] = lo, hi
	return okLo && okHi
}

// describeList is describe, saying how long a list is.
func describeList(v *yaml.Node) string {
	if v.Kind == yaml.SequenceNode {
		return fmt.Sprintf("a list of %d", len(v.Content))
	}
	return describe(v)
}
