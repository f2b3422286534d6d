package project

import (
	"cmp"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/sightglass/sightglass/drivers/modbus"
	"github.com/sightglass/sightglass/gateway"
	"github.com/sightglass/sightglass/tags"
)

// gatewayEntry is the gateway section as decoded. Its marks hold opcua
// and modbus.
type gatewayEntry struct {
	opcua  *opcuaEntry // nil: not given (off)
	modbus *modbusEntry
	marks
}

// opcuaEntry is gateway.opcua; its marks hold listen and insecure.
type opcuaEntry struct {
	cfg gateway.OPCUAConfig
	marks
}

// modbusEntry is gateway.modbus; its marks hold listen, tls, roles,
// allow_plain_writes and plain_user, and tls's keys as cert, key and
// client_ca.
type modbusEntry struct {
	cfg   gateway.ModbusConfig
	tls   gateway.TLSConfig
	roles map[string]string
	regs  []regEntry
	marks
}

// regEntry is one item of the modbus map; its marks hold tag, area,
// address, type, order and scale.
type regEntry struct {
	reg gateway.Register
	marks
}

// Keys of the gateway section, in the order the format's description
// gives them.
var (
	gatewayKeys = []string{"opcua", "modbus"}
	opcuaKeys   = []string{"listen", "insecure"}
	modbusKeys  = []string{"listen", "tls", "roles", "allow_plain_writes", "plain_user", "map"}
	tlsKeys     = []string{"cert", "key", "client_ca"}
	regKeys     = []string{"tag", "area", "address", "type", "order", "scale"}
	areaNames   = map[string]modbus.Area{"co": modbus.Coils, "di": modbus.DiscreteInputs, "ir": modbus.InputRegisters, "hr": modbus.HoldingRegisters}
)

// checkGateway checks the gateway section against itself and the
// project's tags, applies its defaults, and resolves the TLS files
// against the project folder dir (fsys holds its files).
func checkGateway(r *report, e *gatewayEntry, p *Project, tagsKnown bool, fsys fs.FS, dir string) gateway.Config {
	cfg := gateway.Config{Station: p.Station.Name}
	if o := e.opcua; o != nil {
		c := o.cfg
		if !o.has("listen") {
			c.Listen = gateway.DefaultOPCUAListen
		}
		if o.has("listen") && !c.Insecure && !loopback(c.Listen) {
			r.add(o.file, o.lineOf("listen"), "listen %s is not loopback: the OPC UA gateway is unencrypted and lets anyone read; set insecure: true to serve it to the network anyway", c.Listen)
		}
		cfg.OPCUA = &c
	}
	if m := e.modbus; m != nil {
		cfg.Modbus = checkModbusGateway(r, m, p, tagsKnown, fsys, dir)
	}
	return cfg
}

// loopback reports whether host:port listens on loopback only.
func loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return host == "localhost" || ip != nil && ip.IsLoopback()
}

func checkModbusGateway(r *report, m *modbusEntry, p *Project, tagsKnown bool, fsys fs.FS, dir string) *gateway.ModbusConfig {
	c := m.cfg
	if !m.has("listen") {
		c.Listen = gateway.DefaultModbusListen
	}
	if m.given("tls") {
		for _, k := range tlsKeys {
			if !m.given(k) {
				r.add(m.file, m.lineOf("tls"), "missing %q in tls", k)
			}
		}
		t := m.tls
		for _, f := range []struct {
			key  string
			path *string
		}{{"cert", &t.Cert}, {"key", &t.Key}, {"client_ca", &t.ClientCA}} {
			if !m.has(f.key) {
				continue
			}
			if msg := fileProblem(fsys, *f.path); msg != "" {
				r.add(m.file, m.lineOf(f.key), "tls %s %s: %s", f.key, *f.path, msg)
			}
			if !filepath.IsAbs(*f.path) {
				*f.path = filepath.Join(dir, *f.path)
			}
		}
		c.TLS = &t
	}
	if m.given("roles") && !m.given("tls") {
		r.add(m.file, m.lineOf("roles"), "roles apply only with tls: a role comes from the client's certificate")
	}
	c.Roles = m.roles
	switch {
	case m.given("allow_plain_writes") && m.given("tls"):
		r.add(m.file, m.lineOf("allow_plain_writes"), "allow_plain_writes applies only without tls: over tls the certificate's role decides")
	case c.AllowPlainWrites && !m.given("plain_user"):
		r.add(m.file, m.lineOf("allow_plain_writes"), "allow_plain_writes needs plain_user: the user whose permissions govern plain writes")
	case m.given("plain_user") && !c.AllowPlainWrites:
		r.add(m.file, m.lineOf("plain_user"), "plain_user applies only with allow_plain_writes: true")
	}
	env := newScreenEnv(p, tagsKnown)
	for i := range m.regs {
		if reg, ok := checkRegister(r, &m.regs[i], env); ok {
			c.Map = append(c.Map, reg)
		}
	}
	checkOverlaps(r, m.regs)
	return &c
}

// fileProblem says what is wrong with the file at path (relative paths
// are in fsys), or "".
func fileProblem(fsys fs.FS, path string) string {
	var err error
	if filepath.IsAbs(path) {
		_, err = os.Stat(path)
	} else if p := filepath.ToSlash(filepath.Clean(path)); fs.ValidPath(p) {
		_, err = fs.Stat(fsys, p)
	} else {
		return "want a path inside the project folder, or an absolute one"
	}
	if err != nil {
		return readError(err)
	}
	return ""
}

// checkRegister checks one map item and applies its defaults: the tag's
// own type (float32 for a scaled tag, whose value is in engineering
// units). ok is false when it cannot be served.
func checkRegister(r *report, e *regEntry, env *screenEnv) (gateway.Register, bool) {
	reg := e.reg
	for _, k := range []string{"tag", "area", "address"} {
		if !e.given(k) {
			r.add(e.file, e.line, "missing %q in modbus map entry", k)
		}
	}
	var def *tags.Def
	if e.has("tag") && env.known {
		var msg string
		if def, msg = env.lookup(reg.Tag); msg != "" {
			r.add(e.file, e.lineOf("tag"), "%s", msg)
		}
	}
	if !e.given("type") && def != nil {
		reg.Type, reg.StrLen = def.Type, def.StrLen
		if def.Scale != nil {
			reg.Type = tags.TypeFloat32
		}
		e.reg.Type, e.reg.StrLen = reg.Type, reg.StrLen
	}
	if !e.has("tag") || !e.has("area") || !e.has("address") || reg.Type == tags.TypeInvalid || e.bad["type"] || e.bad["scale"] || e.bad["order"] {
		return reg, false
	}
	bits := reg.Area.IsBits()
	if bits != (reg.Type == tags.TypeBool) {
		what := "registers (ir, hr) hold numbers and strings"
		if bits {
			what = "bits (co, di) hold bool"
		}
		r.add(e.file, e.lineOf("type"), "type %s does not fit area %s: %s", typeText(reg), reg.Area, what)
		return reg, false
	}
	d := reg.Def()
	ok := true
	for _, err := range modbus.CheckTag(&d) {
		r.add(e.file, e.lineOf("address"), "%s", err)
		ok = false
	}
	return reg, ok
}

func typeText(reg gateway.Register) string {
	if reg.Type == tags.TypeString {
		return "string:" + strconv.Itoa(reg.StrLen)
	}
	return reg.Type.String()
}

// checkOverlaps reports map items that share an address of an area,
// naming both tags and lines.
func checkOverlaps(r *report, regs []regEntry) {
	var ok []*regEntry
	for i := range regs {
		e := &regs[i]
		if e.has("area") && e.has("address") && e.reg.Type != tags.TypeInvalid {
			ok = append(ok, e)
		}
	}
	slices.SortStableFunc(ok, func(a, b *regEntry) int {
		return cmp.Or(cmp.Compare(a.reg.Area, b.reg.Area), cmp.Compare(a.reg.Offset, b.reg.Offset))
	})
	span := func(e *regEntry) string {
		end := int(e.reg.Offset) + e.reg.Size() - 1
		if end == int(e.reg.Offset) {
			return fmt.Sprintf("%s %d", e.reg.Area, e.reg.Offset)
		}
		return fmt.Sprintf("%s %d-%d", e.reg.Area, e.reg.Offset, end)
	}
	var last *regEntry // the item reaching furthest in the current area
	for _, e := range ok {
		if last != nil && last.reg.Area == e.reg.Area && int(last.reg.Offset)+last.reg.Size() > int(e.reg.Offset) {
			r.add(e.file, e.lineOf("address"), "%s (%s) overlaps %s (%s, line %d)", span(e), e.reg.Tag, span(last), last.reg.Tag, last.lineOf("address"))
		}
		if last == nil || last.reg.Area != e.reg.Area || int(e.reg.Offset)+e.reg.Size() > int(last.reg.Offset)+last.reg.Size() {
			last = e
		}
	}
}
