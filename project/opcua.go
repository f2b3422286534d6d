package project

import (
	"path/filepath"

	"github.com/sightglass/sightglass/drivers"
	"github.com/sightglass/sightglass/drivers/opcua"
)

// opcuaDeviceKeys are the device keys that apply only to opcua devices.
var opcuaDeviceKeys = []string{"endpoint", "security_policy", "security_mode", "identity", "mode"}

// modbusDeviceKeys are the device keys that apply only to Modbus devices.
var modbusDeviceKeys = []string{"address", "unit", "max_gap", "baud", "parity", "data_bits", "stop_bits"}

// itemKeys are a tag's OPC UA monitoring settings.
var itemKeys = []string{"sampling", "queue", "deadband"}

// checkOPCUADevice checks an opcua device and applies its defaults:
// security_policy Basic256Sha256 and security_mode SignAndEncrypt, mode
// subscribe, poll and timeout as for every device. Its endpoint becomes
// its Address too (diagnostics show it), and the identity's files are
// made absolute against the project folder.
func checkOPCUADevice(r *report, e *deviceEntry) {
	c := &e.cfg
	o := &c.OPCUA
	for _, k := range modbusDeviceKeys {
		if e.given(k) {
			msg := "%s applies only to Modbus devices"
			if k == "address" {
				msg += "; an opcua device takes endpoint: opc.tcp://host:4840/path"
			}
			r.add(e.file, e.lineOf(k), msg, k)
		}
	}
	switch {
	case !e.given("endpoint"):
		r.add(e.file, e.line, `missing "endpoint" in device: want opc.tcp://host:4840/path`)
	case e.has("endpoint"):
		if err := opcua.CheckEndpoint(o.Endpoint); err != nil {
			r.add(e.file, e.lineOf("endpoint"), "%s", err)
			e.setBad("endpoint", e.lineOf("endpoint"))
		}
	}
	setDefault(e, "security_policy", &o.SecurityPolicy, opcua.DefaultPolicy)
	setDefault(e, "security_mode", &o.SecurityMode, opcua.DefaultMode)
	setDefault(e, "poll", &c.Poll, defaultPoll)
	setDefault(e, "timeout", &c.Timeout, defaultTimeout)
	good := true
	if e.has("security_policy") && !opcua.ValidPolicy(o.SecurityPolicy) {
		r.add(e.file, e.lineOf("security_policy"), "security_policy %q: want %s", o.SecurityPolicy, opcua.PolicyNames)
		good = false
	}
	if e.has("security_mode") && !opcua.ValidMode(o.SecurityMode) {
		r.add(e.file, e.lineOf("security_mode"), "security_mode %q: want %s", o.SecurityMode, opcua.ModeNames)
		good = false
	}
	switch e.mode {
	case "", "subscribe":
	case "poll":
		o.Polling = true
	default:
		r.add(e.file, e.lineOf("mode"), "mode %q: want subscribe (the default) or poll", e.mode)
	}
	id := &o.Identity
	if e.has("identity") {
		line := e.lineOf("identity")
		switch {
		case id.Username != "" && id.CertFile != "":
			r.add(e.file, line, "identity: a username or a certificate, not both")
		case id.Username != "" && id.PasswordEnv == "":
			r.add(e.file, line, `identity: username %q without password_env, the name of the environment variable that holds the password`, id.Username)
		case id.Username != "" && !opcua.ValidEnvName(id.PasswordEnv):
			r.add(e.file, line, "identity: password_env %q: want the name of an environment variable (letters, digits and _)", id.PasswordEnv)
		case id.Username == "" && id.PasswordEnv != "":
			r.add(e.file, line, "identity: password_env without username")
		case (id.CertFile == "") != (id.KeyFile == ""):
			r.add(e.file, line, "identity: certificate and key go together")
		}
		dir := filepath.Dir(e.file)
		for _, p := range []*string{&id.CertFile, &id.KeyFile} {
			if *p != "" && !filepath.IsAbs(*p) {
				*p = filepath.Join(dir, *p)
			}
		}
	}
	if good {
		line := e.lineOf("security_mode")
		if !e.given("security_mode") {
			line = e.lineOf("security_policy")
		}
		for _, err := range opcua.CheckSecurity(o.SecurityPolicy, o.SecurityMode, *id) {
			r.add(e.file, line, "%s", err)
		}
	}
	c.Address = o.Endpoint
}

// checkOPCUATag checks an opcua tag's NodeId and monitoring settings and
// returns the settings, ok when they hold no problem.
func checkOPCUATag(r *report, e *tagEntry) (drivers.OPCUAItem, bool) {
	ok := true
	if e.has("address") {
		for _, err := range opcua.CheckTag(&e.def) {
			r.add(e.file, e.lineOf("address"), "address: %s", err)
			ok = false
		}
	}
	if e.given("order") {
		r.add(e.file, e.lineOf("order"), "order applies only to Modbus tags")
	}
	if e.has("type") {
		line := e.lineOf("deadband")
		for _, err := range opcua.CheckItem(e.item, e.def.Type) {
			r.add(e.file, line, "%s", err)
			ok = false
		}
	}
	return e.item, ok
}

// checkItemKeys reports monitoring settings on a tag of a device that is
// not opcua.
func checkItemKeys(r *report, e *tagEntry, dev *deviceEntry) {
	if dev == nil || dev.cfg.Driver == opcua.DriverName {
		return
	}
	for _, k := range itemKeys {
		if e.given(k) {
			r.add(e.file, e.lineOf(k), "%s applies only to tags of %s devices", k, opcua.DriverName)
		}
	}
}
