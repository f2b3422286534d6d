// Package drivers defines what a device driver is, keeps the registry of
// drivers by name, and runs the poller that owns a driver's schedule,
// reconnects, backoff and diagnostics. Each protocol lives in a folder of
// its own (drivers/modbus) and registers itself from init; drivers/all
// imports them all.
package drivers

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/sightglass/sightglass/tags"
)

// DeviceConfig is one device of a project, as the project file declares it.
type DeviceConfig struct {
	Name   string
	Driver string // registered driver name: "modbus-tcp", "modbus-rtu", "opcua"
	// Address is host:port, or a serial device path for RTU; for opcua the
	// endpoint URL (a copy of OPCUA.Endpoint, for diagnostics).
	Address string
	Unit    int           // Modbus unit (slave) id, 0..247
	Poll    time.Duration // default poll period of its tags
	Timeout time.Duration // how long one request may take
	// MaxGap is the largest run of unused registers (or bits) the planner
	// reads through to join two requests into one; 0 joins only adjacent ones.
	MaxGap int
	Serial SerialConfig // modbus-rtu only
	OPCUA  OPCUAConfig  // opcua only
}

// OPCUAConfig is an OPC UA device's settings. The poll period of its
// device is the subscriptions' publishing interval.
type OPCUAConfig struct {
	Endpoint       string // opc.tcp://host:4840/path
	SecurityPolicy string // None, Basic256Sha256, Aes128_Sha256_RsaOaep, Aes256_Sha256_RsaPss
	SecurityMode   string // None, Sign, SignAndEncrypt
	Identity       OPCUAIdentity
	// Polling reads the tags every poll period instead of subscribing.
	Polling bool
	// PKIDir is the folder of the station's certificates (own/, trusted/,
	// rejected/): the station sets it to DATA/pki. Empty: a device with
	// security None still works; any other policy fails to connect.
	PKIDir string
	// Items holds the monitoring settings of the device's tags that set
	// any, by tag name; the others take the defaults.
	Items map[string]OPCUAItem
}

// OPCUAIdentity is how the station identifies itself to an OPC UA
// server's session: anonymous (all fields empty), a user name with the
// password read from an environment variable at connect time (never from
// the project), or an X.509 user certificate with its key.
type OPCUAIdentity struct {
	Username    string
	PasswordEnv string // name of the environment variable holding the password
	CertFile    string // PEM or DER certificate
	KeyFile     string // PEM private key (PKCS #1 or #8, RSA)
}

// OPCUAItem is one monitored item's settings: the sampling interval (0:
// the publishing interval), the server's queue size (0: 1), and at most
// one of an absolute deadband (engineering units) and a percent deadband
// (of the node's EURange), OPC UA Part 4 §7.22.2.
type OPCUAItem struct {
	Sampling        time.Duration
	Queue           uint32
	DeadbandAbs     float64
	DeadbandPercent float64
}

// SerialConfig is a serial line's settings.
type SerialConfig struct {
	Baud     int    // 9600, 19200, ...
	Parity   string // "N", "E" or "O"
	DataBits int    // 8 (Modbus RTU)
	StopBits int    // 1 or 2
}

// Group is a set of tags a driver reads together, at one poll period.
type Group struct {
	Period   time.Duration
	Tags     []tags.ID // in the order Read fills its out slice
	Requests int       // protocol requests one Read of this group makes
}

// Driver talks to one device. The poller calls it from one goroutine at a
// time, so a Driver need not be safe for concurrent use.
//
// The contract:
//   - Connect opens the connection; it is called before the first Read and
//     again after any Read or Write returned a connection error.
//   - Read reads group g (an index into Groups) and stores one VQT for each
//     of its tags in out (len(out) == len(Groups()[g].Tags)). A failure that
//     concerns only some tags (a protocol exception, a value that cannot be
//     decoded) is reported in those tags' quality, and Read returns nil. A
//     failure of the device or the connection (a timeout, a closed socket)
//     is returned as an error; out is then undefined, and the poller marks
//     every tag of the device bad, closes the driver and reconnects later.
//     The poller stamps the VQTs of a scan with the scan's time.
//   - Write writes v (in engineering units) to tag id, reads the tag back
//     and returns what it read. A device's refusal is a *DeviceError.
//   - Close releases the connection; Connect may be called again after it.
type Driver interface {
	Connect(ctx context.Context) error
	Groups() []Group
	Read(ctx context.Context, g int, out []tags.VQT) error
	Write(ctx context.Context, id tags.ID, v tags.Value) (tags.VQT, error)
	Close() error
}

// Subscriber is implemented by drivers whose device pushes changes (OPC UA
// subscriptions). The poller calls Subscribe after each successful Connect
// instead of reading the groups on a schedule.
//
// The contract:
//   - Subscribe sets up everything it needs on the open connection (for
//     OPC UA: subscriptions and monitored items) and then blocks, calling
//     publish with every batch of changes, until ctx ends (it returns
//     ctx.Err()) or the connection or session is lost (it returns the
//     error; the poller marks every tag bad, closes the driver, backs off,
//     reconnects and calls Subscribe again, which recreates everything).
//   - The VQTs passed to publish carry their own time (the device's source
//     timestamp); the poller publishes them as they are. publish must not
//     be called after Subscribe returned.
//   - Write may be called from another goroutine while Subscribe runs.
type Subscriber interface {
	Subscribe(ctx context.Context, publish func([]tags.Update)) error
}

// RequestCounter is implemented by drivers that count their protocol
// requests and the ones that failed, for the device's diagnostics.
type RequestCounter interface {
	Requests() (sent, failed uint64)
}

// Errors a driver returns for the poller to classify.
var (
	// ErrTimeout: the device did not answer within the device's timeout.
	ErrTimeout = errors.New("device did not answer in time")
	// ErrNotConnected: Read or Write was called with no open connection.
	ErrNotConnected = errors.New("not connected")
	// ErrNotWritable: the tag is not declared writable.
	ErrNotWritable = errors.New("tag is not writable")
	// ErrUnknownTag: the tag is not served by this driver.
	ErrUnknownTag = errors.New("tag is not on this device")
	// ErrSecurity: the connection was refused for a security reason (an
	// untrusted certificate, a rejected identity); the device's tags go bad
	// as a configuration error, not as lost communication.
	ErrSecurity = errors.New("connection refused for security")
)

// DeviceError is a refusal by the device: for Modbus, an exception
// response with its code (Modbus spec §7: 1 illegal function, 2 illegal
// data address, 3 illegal data value, 4 server device failure, ...).
type DeviceError struct {
	Code uint16
	Text string // the protocol's name for Code
}

func (e *DeviceError) Error() string {
	return fmt.Sprintf("device exception %d (%s)", e.Code, e.Text)
}

// Factory makes a driver for one device and the tags read from it. It
// plans its requests here, so a tag the device cannot serve is reported
// before anything connects.
type Factory func(dev DeviceConfig, defs []*tags.Def) (Driver, error)

var (
	registryMu sync.Mutex // guards registry
	registry   = map[string]Factory{}
)

// Register makes a driver available by name. Drivers call it from init.
func Register(name string, f Factory) {
	registryMu.Lock()
	defer registryMu.Unlock()
	registry[name] = f
}

// Lookup returns the factory registered under name.
func Lookup(name string) (Factory, bool) {
	registryMu.Lock()
	defer registryMu.Unlock()
	f, ok := registry[name]
	return f, ok
}

// Names lists the registered drivers, sorted.
func Names() []string {
	registryMu.Lock()
	defer registryMu.Unlock()
	names := make([]string, 0, len(registry))
	for n := range registry {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
