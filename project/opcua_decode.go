package project

import (
	"go.yaml.in/yaml/v3"

	"github.com/sightglass/sightglass/drivers"
	"github.com/sightglass/sightglass/drivers/opcua"
)

// opcuaIdentity decodes a device's identity: anonymous, {username: U,
// password_env: VAR} or {certificate: FILE, key: FILE}. A password written
// in the project is refused: it would sit in a file that is copied,
// versioned and backed up.
func (d *yamlDecoder) opcuaIdentity(f field, m *marks) drivers.OPCUAIdentity {
	v := deref(f.val)
	var id drivers.OPCUAIdentity
	switch {
	case isNull(v):
		return id
	case v.Kind == yaml.ScalarNode && v.Value == "anonymous":
		m.set(f.name, v.Line)
		return id
	case v.Kind != yaml.MappingNode:
		d.add(v.Line, "identity: want anonymous, {username: U, password_env: VAR} or {certificate: FILE, key: FILE}, got %s", describe(v))
		m.setBad(f.name, v.Line)
		return id
	}
	ok := true
	im := newMarks(d.file, v.Line)
	for _, sf := range d.fields(v, "identity") {
		switch sf.name {
		case "username":
			id.Username, _ = d.str(sf, &im)
		case "password_env":
			id.PasswordEnv, _ = d.str(sf, &im)
		case "certificate":
			id.CertFile, _ = d.str(sf, &im)
		case "key":
			id.KeyFile, _ = d.str(sf, &im)
		case "password":
			d.add(sf.key.Line, "identity: never write a password in the project: set password_env to the name of an environment variable that holds it")
			ok = false
		default:
			d.add(sf.key.Line, "unknown key %q in identity (want username, password_env, certificate, key)", sf.name)
			ok = false
		}
	}
	for _, k := range []string{"username", "password_env", "certificate", "key"} {
		if im.bad[k] {
			ok = false
		}
	}
	if !ok {
		m.setBad(f.name, v.Line)
		return drivers.OPCUAIdentity{}
	}
	m.set(f.name, v.Line)
	return id
}

// queueSize checks a monitored item's queue size, 1 to opcua.MaxQueue.
func (d *yamlDecoder) queueSize(f field, n int, m *marks) uint32 {
	if n < 1 || n > opcua.MaxQueue {
		d.add(m.lineOf(f.name), "queue %d: want 1 to %d", n, opcua.MaxQueue)
		m.setBad(f.name, m.lineOf(f.name))
		return 0
	}
	return uint32(n)
}

// opcuaDeadband decodes a monitored item's deadband: {absolute: X}
// (engineering units, 0 or more) or {percent: P} (of the node's EURange,
// 0 to 100).
func (d *yamlDecoder) opcuaDeadband(f field, m *marks) (abs, pct float64) {
	v := deref(f.val)
	switch {
	case isNull(v):
		return 0, 0
	case v.Kind != yaml.MappingNode:
		d.add(v.Line, "deadband: want {absolute: 0.1} or {percent: 1}, got %s", describe(v))
		m.setBad(f.name, v.Line)
		return 0, 0
	}
	fs := d.fields(v, "deadband")
	if len(fs) != 1 {
		d.add(v.Line, "deadband: want one of absolute or percent, as {absolute: 0.1} or {percent: 1}")
		m.setBad(f.name, v.Line)
		return 0, 0
	}
	sf := fs[0]
	x, ok := d.number(sf.val, "deadband "+sf.name)
	switch {
	case !ok:
	case sf.name == "absolute" && x < 0:
		d.add(deref(sf.val).Line, "deadband absolute: want a number 0 or more (engineering units), got %v", x)
		ok = false
	case sf.name == "percent" && (x < 0 || x > 100):
		d.add(deref(sf.val).Line, "deadband percent: want 0 to 100 (of the node's EURange), got %v", x)
		ok = false
	case sf.name != "absolute" && sf.name != "percent":
		d.add(sf.key.Line, "unknown key %q in deadband (want absolute or percent)", sf.name)
		ok = false
	}
	if !ok {
		m.setBad(f.name, v.Line)
		return 0, 0
	}
	m.set(f.name, v.Line)
	if sf.name == "absolute" {
		return x, 0
	}
	return 0, x
}
