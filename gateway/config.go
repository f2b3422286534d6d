// Package gateway serves the station's tags to the systems above it: a
// Modbus/TCP server (plain TCP, or TCP+TLS as the Modbus/TCP Security
// profile has it, with client certificates that carry a role) and a
// read-only OPC UA server. Both read the tags' current VQTs from the bus
// and are kept up to date by a bus subscription; writes over Modbus go
// through the station's single write path (Writer), with its permission
// check and audit trail.
//
// The gateway imports tags, auth, and drivers/modbus for its codec (the
// driver's Encode and Decode: one byte layout for both directions of
// Modbus), and gopcua's server and simonvetter's Modbus server.
package gateway

import (
	"strconv"

	"github.com/sightglass/sightglass/drivers/modbus"
	"github.com/sightglass/sightglass/tags"
)

// Config is the project's gateway section. The project fills and checks
// it; a nil server is off.
type Config struct {
	// Station names the OPC UA namespace (urn:sightglass:<station>).
	Station string
	OPCUA   *OPCUAConfig
	Modbus  *ModbusConfig
}

// Enabled reports whether any gateway server is configured.
func (c *Config) Enabled() bool { return c != nil && (c.OPCUA != nil || c.Modbus != nil) }

// Default listen addresses: loopback, so that nothing is served to the
// network unless the project says so.
const (
	DefaultOPCUAListen  = "127.0.0.1:4840"
	DefaultModbusListen = "127.0.0.1:5502"
)

// OPCUAConfig is the read-only OPC UA server. It is unencrypted (gopcua
// v0.8.0's server completes only security policy None) and accepts any
// user token, so it binds loopback unless Insecure says the project knows.
type OPCUAConfig struct {
	Listen   string // host:port
	Insecure bool   // required for a listen address that is not loopback
}

// ModbusConfig is the Modbus/TCP server.
type ModbusConfig struct {
	Listen string     // host:port
	TLS    *TLSConfig // nil: plain TCP
	// Roles maps the role in a client certificate (the Modbus/TCP
	// Security role extension, OID 1.3.6.1.4.1.50316.802.1) to the
	// Sightglass user whose permissions govern the client's writes.
	Roles map[string]string
	// AllowPlainWrites lets plain-TCP clients write, as PlainUser; plain
	// TCP is read-only otherwise.
	AllowPlainWrites bool
	PlainUser        string
	Map              []Register
}

// TLSConfig names the PEM files of the TLS server: its certificate and
// key, and the CA (or CAs) that client certificates must chain to.
// Relative paths are the project's to resolve.
type TLSConfig struct {
	Cert, Key, ClientCA string
}

// Register maps one tag onto the Modbus server's data tables: Area at
// Offset, encoded as Type in Order, through Scale (raw ↔ engineering
// units, as for the driver: the register holds the raw value).
type Register struct {
	Tag    string
	Area   modbus.Area
	Offset uint16
	Type   tags.DataType
	StrLen int    // for strings
	Order  string // "" is ABCD
	Scale  *tags.Scale
}

// Def is the register's wire layout as a tag definition, for the Modbus
// driver's codec and checks.
func (r *Register) Def() tags.Def {
	return tags.Def{Name: r.Tag, Address: r.Area.String() + ":" + strconv.Itoa(int(r.Offset)),
		Type: r.Type, StrLen: r.StrLen, Order: r.Order, Scale: r.Scale}
}

// Size is how many registers (bits in co and di) the value takes.
func (r *Register) Size() int {
	d := r.Def()
	return modbus.Registers(&d)
}
