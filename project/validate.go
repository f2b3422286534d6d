package project

import (
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/sightglass/sightglass/drivers"
	"github.com/sightglass/sightglass/drivers/modbus"
	"github.com/sightglass/sightglass/drivers/opcua"
	"github.com/sightglass/sightglass/tags"
)

// knownDrivers are the drivers a project can name, sorted.
var knownDrivers = []string{modbus.DriverRTU, modbus.DriverTCP, opcua.DriverName}

// serialKeys are the device keys that apply only to modbus-rtu.
var serialKeys = []string{"baud", "parity", "data_bits", "stop_bits"}

// Defaults of a device's optional settings.
const (
	defaultUnit     = 1 // Modbus unit id; most single devices answer to 1
	defaultPoll     = time.Second
	defaultTimeout  = time.Second
	defaultMaxGap   = 10
	defaultBaud     = 9600
	defaultParity   = "N"
	defaultDataBits = 8
	defaultStopBits = 1
)

// Defaults of the history settings.
const (
	defaultPartition = 24 * time.Hour   // one raw history file a day
	defaultExcMax    = 10 * time.Minute // with an excdev
	defaultCompMax   = 8 * time.Hour    // with a compdev
)

// compressionKeys are a tag's history settings that only numeric tags
// have; each max goes with the deadband before it.
var compressionKeys = []string{"excdev", "excmax", "compdev", "compmax"}

// validate applies defaults, checks the devices and tags against each
// other and against their driver, and returns the project (valid only if
// r holds no problems).
func validate(r *report, dec *decoded) *Project {
	p := &Project{Station: dec.station, History: checkHistory(r, &dec.history), Security: securityOf(&dec.security)}
	byName := map[string]*deviceEntry{}
	devIndex := map[string]int{} // name → index in p.Devices
	var devNames []string
	for i := range dec.devices {
		e := &dec.devices[i]
		checkDevice(r, e)
		if name := e.cfg.Name; e.has("name") {
			if first, dup := byName[name]; dup {
				r.add(e.file, e.lineOf("name"), "duplicate device %q (first defined at %s:%d)", name, first.file, first.lineOf("name"))
			} else {
				byName[name] = e
				devIndex[name] = len(p.Devices)
				devNames = append(devNames, name)
			}
		}
		p.Devices = append(p.Devices, e.cfg)
	}

	firstTag := map[string]*tagEntry{}
	for i := range dec.tags {
		e := &dec.tags[i]
		checkTagFields(r, e)
		checkCritical(r, e)
		name := e.def.Name
		checkItemKeys(r, e, byName[e.def.Device])
		if e.has("name") {
			if first, dup := firstTag[name]; dup {
				r.add(e.file, e.lineOf("name"), "duplicate tag %q (first defined at %s:%d)", name, first.file, first.lineOf("name"))
			} else {
				firstTag[name] = e
			}
		}
		if e.has("device") && dec.devicesKnown {
			dev, ok := byName[e.def.Device]
			switch {
			case !ok && len(devNames) == 0:
				r.add(e.file, e.lineOf("device"), "unknown device %q (no devices defined)", e.def.Device)
			case !ok:
				r.add(e.file, e.lineOf("device"), "unknown device %q (devices: %s)", e.def.Device, listNames(devNames))
			case isModbus(dev.cfg.Driver) && e.has("address"):
				for _, err := range modbus.CheckTag(&e.def) {
					r.add(e.file, e.lineOf("address"), "%s", err)
				}
			case dev.cfg.Driver == opcua.DriverName:
				if item, ok := checkOPCUATag(r, e); ok && e.has("name") {
					cfg := &p.Devices[devIndex[e.def.Device]].OPCUA
					if cfg.Items == nil {
						cfg.Items = map[string]drivers.OPCUAItem{}
					}
					cfg.Items[e.def.Name] = item
				}
			}
		}
		p.Tags = append(p.Tags, e.def)
		p.TagHistory = append(p.TagHistory, checkTagHistory(r, e))
	}
	return p
}

// checkHistory checks the history section against itself and applies
// its default.
func checkHistory(r *report, e *historyEntry) History {
	h := e.h
	if e.has("rollups") {
		switch {
		case e.has("raw") && h.Rollups < h.Raw:
			r.add(e.file, e.lineOf("rollups"), "rollups are kept %s, less than the raw samples' %s", e.text["rollups"], e.text["raw"])
		case !e.given("raw"):
			r.add(e.file, e.lineOf("rollups"), "rollups are kept %s, less than the raw samples, which are kept forever: set raw too", e.text["rollups"])
		}
	}
	if !e.has("partition") {
		h.Partition = defaultPartition
	}
	return h
}

// checkTagHistory checks a tag's history settings against its type and
// each other, and applies their defaults.
func checkTagHistory(r *report, e *tagEntry) TagHistory {
	h := e.hist
	numeric := !e.has("type") || (e.def.Type != tags.TypeBool && e.def.Type != tags.TypeString)
	for i, k := range compressionKeys {
		switch {
		case !e.has(k):
		case h.Off:
			r.add(e.file, e.lineOf(k), "%s: the tag's history is off", k)
		case !numeric:
			r.add(e.file, e.lineOf(k), "%s applies only to numeric tags, not %s", k, e.def.Type)
		case i%2 == 1 && !e.given(compressionKeys[i-1]):
			r.add(e.file, e.lineOf(k), "%s without %s: set %s too (0 stores every change)", k, compressionKeys[i-1], compressionKeys[i-1])
		}
	}
	if e.has("excdev") && !e.given("excmax") {
		h.ExcMax = defaultExcMax
	}
	if e.has("compdev") && !e.given("compmax") {
		h.CompMax = defaultCompMax
	}
	return h
}

// listNames joins names for a message, the first ten of them.
func listNames(names []string) string {
	const most = 10
	if len(names) <= most {
		return strings.Join(names, ", ")
	}
	return fmt.Sprintf("%s, ... (%d in all)", strings.Join(names[:most], ", "), len(names))
}

func isModbus(driver string) bool {
	return driver == modbus.DriverTCP || driver == modbus.DriverRTU
}

// checkDevice reports a device's missing and wrong settings, applies the
// defaults, and runs the driver's own checks.
func checkDevice(r *report, e *deviceEntry) {
	c := &e.cfg
	if !e.given("name") {
		r.add(e.file, e.line, `missing "name" in device`)
	} else if e.has("name") && !validSegment(c.Name) {
		r.add(e.file, e.lineOf("name"), "device name %q: use letters, digits, _ and - only (it names the device's _System tags)", c.Name)
	}
	switch {
	case !e.given("driver"):
		r.add(e.file, e.line, `missing "driver" in device`)
	case e.has("driver") && !isModbus(c.Driver) && c.Driver != opcua.DriverName:
		r.add(e.file, e.lineOf("driver"), "unknown driver %q (known: %s)", c.Driver, strings.Join(knownDrivers, ", "))
	}
	if c.Driver == opcua.DriverName {
		checkOPCUADevice(r, e)
		return
	}
	for _, k := range opcuaDeviceKeys {
		if e.given(k) {
			r.add(e.file, e.lineOf(k), "%s applies only to %s devices", k, opcua.DriverName)
		}
	}
	// A Modbus device's missing address is reported by modbus.CheckDevice.
	if !e.given("address") && !isModbus(c.Driver) {
		r.add(e.file, e.line, `missing "address" in device`)
	}
	if c.Driver == modbus.DriverTCP {
		for _, k := range serialKeys {
			if e.given(k) {
				r.add(e.file, e.lineOf(k), "%s applies only to %s devices", k, modbus.DriverRTU)
			}
		}
	}

	setDefault(e, "unit", &c.Unit, defaultUnit)
	setDefault(e, "poll", &c.Poll, defaultPoll)
	setDefault(e, "timeout", &c.Timeout, defaultTimeout)
	setDefault(e, "max_gap", &c.MaxGap, defaultMaxGap)
	if c.Driver == modbus.DriverRTU {
		setDefault(e, "baud", &c.Serial.Baud, defaultBaud)
		setDefault(e, "parity", &c.Serial.Parity, defaultParity)
		setDefault(e, "data_bits", &c.Serial.DataBits, defaultDataBits)
		setDefault(e, "stop_bits", &c.Serial.StopBits, defaultStopBits)
	}

	// A wrong address was reported already; the driver would call it missing.
	if isModbus(c.Driver) && !e.bad["address"] {
		for _, err := range modbus.CheckDevice(c) {
			r.add(e.file, e.line, "%s", err)
		}
	}
}

// setDefault sets *dst to def unless key holds a good value.
func setDefault[T any](e *deviceEntry, key string, dst *T, def T) {
	if !e.has(key) {
		*dst = def
	}
}

// checkTagFields reports a tag's missing fields and a name that is not a
// dotted path.
func checkTagFields(r *report, e *tagEntry) {
	for _, k := range []string{"name", "device", "address", "type"} {
		if !e.given(k) {
			r.add(e.file, e.line, "missing %q in tag", k)
		}
	}
	if !e.has("name") {
		return
	}
	if msg := checkTagName(e.def.Name); msg != "" {
		r.add(e.file, e.lineOf("name"), "%s", msg)
	}
}

// checkTagName checks that name is a dotted asset path, Area1.Tank1.Level,
// and not a system tag's name.
func checkTagName(name string) string {
	for seg := range strings.SplitSeq(name, ".") {
		if !validSegment(seg) {
			return fmt.Sprintf("tag name %q: want a dotted path of letters, digits, _ and -, as Area1.Tank1.Level", name)
		}
	}
	if strings.HasPrefix(name, "_") {
		return fmt.Sprintf("tag name %q: names starting with _ are reserved for system tags", name)
	}
	return ""
}

// validSegment reports whether s is one segment of a dotted path: letters,
// digits, _ and -, at least one.
func validSegment(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if !unicode.IsLetter(c) && !unicode.IsDigit(c) && c != '_' && c != '-' {
			return false
		}
	}
	return true
}
