package project

import (
	"net"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// gateway decodes the gateway section: {opcua: {...}, modbus: {...}}.
// Its checks against each other and the tags are checkGateway's.
func (d *yamlDecoder) gateway(f field) gatewayEntry {
	v := deref(f.val)
	e := gatewayEntry{marks: newMarks(d.file, f.key.Line)}
	switch {
	case isNull(v):
		return e
	case v.Kind != yaml.MappingNode:
		d.add(v.Line, "gateway: want a mapping as {opcua: {listen: 127.0.0.1:4840}, modbus: {listen: 127.0.0.1:5502, map: [...]}}, got %s", describe(v))
		return e
	}
	e.line = v.Line
	for _, gf := range d.fields(v, "gateway") {
		switch gf.name {
		case "opcua":
			e.opcua = d.opcuaGateway(gf)
		case "modbus":
			e.modbus = d.modbusGateway(gf)
		default:
			d.add(gf.key.Line, "unknown key %q in gateway (want %s)", gf.name, strings.Join(gatewayKeys, ", "))
		}
	}
	return e
}

// section returns the mapping of a subsection, nil when it is null
// (given, with every default) and ok false when it is not a mapping.
func (d *yamlDecoder) section(f field, example string) (m *yaml.Node, ok bool) {
	v := deref(f.val)
	switch {
	case isNull(v):
		return nil, true
	case v.Kind != yaml.MappingNode:
		d.add(v.Line, "%s: want a mapping as %s, got %s", f.name, example, describe(v))
		return nil, false
	}
	return v, true
}

func (d *yamlDecoder) opcuaGateway(f field) *opcuaEntry {
	e := &opcuaEntry{marks: newMarks(d.file, f.key.Line)}
	v, ok := d.section(f, "{listen: 127.0.0.1:4840, insecure: false}")
	if !ok {
		return nil
	}
	if v == nil {
		return e
	}
	for _, of := range d.fields(v, "opcua") {
		switch of.name {
		case "listen":
			e.cfg.Listen, _ = d.listen(of, &e.marks)
		case "insecure":
			e.cfg.Insecure, _ = d.boolean(of, &e.marks)
		default:
			d.add(of.key.Line, "unknown key %q in opcua (want %s)", of.name, strings.Join(opcuaKeys, ", "))
		}
	}
	return e
}

// listen reads host:port.
func (d *yamlDecoder) listen(f field, m *marks) (string, bool) {
	s, ok := d.str(f, m)
	if !ok {
		return "", false
	}
	_, port, err := net.SplitHostPort(s)
	if n, perr := strconv.Atoi(port); err != nil || perr != nil || n < 0 || n > 65535 {
		d.add(m.lineOf(f.name), "%s: want host:port as 127.0.0.1:5502, got %q", f.name, s)
		m.setBad(f.name, m.lineOf(f.name))
		return "", false
	}
	return s, true
}

func (d *yamlDecoder) modbusGateway(f field) *modbusEntry {
	e := &modbusEntry{marks: newMarks(d.file, f.key.Line)}
	v, ok := d.section(f, "{listen: 127.0.0.1:5502, map: [...]}")
	if !ok {
		return nil
	}
	if v == nil {
		return e
	}
	m := &e.marks
	for _, mf := range d.fields(v, "modbus") {
		switch mf.name {
		case "listen":
			e.cfg.Listen, _ = d.listen(mf, m)
		case "tls":
			d.gatewayTLS(mf, e)
		case "roles":
			e.roles = d.gatewayRoles(mf, m)
		case "allow_plain_writes":
			e.cfg.AllowPlainWrites, _ = d.boolean(mf, m)
		case "plain_user":
			e.cfg.PlainUser, _ = d.str(mf, m)
		case "map":
			for _, item := range d.list(mf) {
				e.regs = append(e.regs, d.register(item))
			}
		default:
			d.add(mf.key.Line, "unknown key %q in modbus (want %s)", mf.name, strings.Join(modbusKeys, ", "))
		}
	}
	return e
}

func (d *yamlDecoder) gatewayTLS(f field, e *modbusEntry) {
	v, ok := d.section(f, "{cert: server.pem, key: server.key, client_ca: ca.pem}")
	e.marks.set("tls", f.key.Line)
	if !ok || v == nil {
		return
	}
	for _, tf := range d.fields(v, "tls") {
		switch tf.name {
		case "cert":
			e.tls.Cert, _ = d.str(tf, &e.marks)
		case "key":
			e.tls.Key, _ = d.str(tf, &e.marks)
		case "client_ca":
			e.tls.ClientCA, _ = d.str(tf, &e.marks)
		default:
			d.add(tf.key.Line, "unknown key %q in tls (want %s)", tf.name, strings.Join(tlsKeys, ", "))
		}
	}
}

// gatewayRoles reads {role: user, ...}.
func (d *yamlDecoder) gatewayRoles(f field, m *marks) map[string]string {
	v, ok := d.section(f, "{operator: gw-operator, engineer: gw-eng}")
	m.set("roles", f.key.Line)
	if !ok || v == nil {
		return nil
	}
	roles := map[string]string{}
	for _, rf := range d.fields(v, "roles") {
		rm := newMarks(d.file, rf.key.Line)
		if user, ok := d.str(rf, &rm); ok {
			roles[rf.name] = user
		} else if !rm.given(rf.name) {
			d.add(rf.key.Line, "role %q: want the name of a user", rf.name)
		}
	}
	return roles
}

// register decodes one item of the modbus map.
func (d *yamlDecoder) register(n *yaml.Node) regEntry {
	e := regEntry{marks: newMarks(d.file, n.Line)}
	m := &e.marks
	for _, f := range d.fields(n, "modbus map entry") {
		switch f.name {
		case "tag":
			e.reg.Tag, _ = d.str(f, m)
		case "area":
			if s, ok := d.str(f, m); ok {
				a, known := areaNames[s]
				if !known {
					d.add(m.lineOf("area"), "area %q: want hr, ir, co or di", s)
					m.setBad("area", m.lineOf("area"))
				}
				e.reg.Area = a
			}
		case "address":
			if a, ok := d.integer(f, m); ok {
				if a < 0 || a > 65535 {
					d.add(m.lineOf("address"), "address: want 0 to 65535, got %d", a)
					m.setBad("address", m.lineOf("address"))
				}
				e.reg.Offset = uint16(a)
			}
		case "type":
			if s, ok := d.str(f, m); ok {
				var msg string
				if e.reg.Type, e.reg.StrLen, msg = parseType(s); msg != "" {
					d.add(m.lineOf("type"), "%s", msg)
					m.setBad("type", m.lineOf("type"))
				}
			}
		case "order":
			e.reg.Order, _ = d.str(f, m)
		case "scale":
			e.reg.Scale = d.scale(f, m)
		default:
			d.add(f.key.Line, "unknown key %q in modbus map entry (want %s)", f.name, strings.Join(regKeys, ", "))
		}
	}
	return e
}
