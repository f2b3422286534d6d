// Package opcua is the OPC UA client driver, over github.com/gopcua/opcua:
// it registers "opcua" with drivers. A device is one server endpoint; its
// tags address nodes by NodeId (nodeid.go). By default the driver
// subscribes (subscribe.go: monitored items with sampling, queue and
// deadband, split across subscriptions within the server's limits) and
// the poller publishes the changes it delivers with their source
// timestamps; with Polling it reads every poll period, in batches of the
// server's MaxNodesPerRead (read.go). Writes convert to the node's
// DataType (write.go, convert.go). Status codes become qualities
// (status.go). The station's application instance certificate and the
// trust list of server certificates live in the data folder (pki.go):
// a server certificate is never accepted unless an admin trusted it.
//
// Section numbers (Part N §) refer to the OPC UA specification.
package opcua

import (
	"context"
	"crypto/rsa"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gopcua/opcua"
	"github.com/gopcua/opcua/id"
	"github.com/gopcua/opcua/ua"

	"github.com/sightglass/sightglass/drivers"
	"github.com/sightglass/sightglass/tags"
)

func init() { drivers.Register(DriverName, New) }

// Limits the driver keeps when the server states none (OPC UA: 0 is no
// limit), so that no single request or publish grows without bound:
// gopcua's v0.8.0 server, which states none, drops the connection on a
// CreateMonitoredItems of 1,000 items and cannot publish the changes of
// 5,000 items of one subscription at once (measured; 500 and 1,000 work).
const (
	defaultMaxNodesPerRead     = 1000
	defaultMaxItemsPerCall     = 500
	defaultMaxItemsPerSub      = 1000
	maxNotificationsPerPublish = 1000
	defaultKeepAlive           = 5 * time.Second // how often an idle subscription says it is alive
	lifetimeKeepAlives         = 3               // Part 4 §5.13.2.2: lifetime count ≥ 3 × keep-alive count
	sessionTimeout             = time.Minute
	applicationName            = "Sightglass"
	productURI                 = "urn:sightglass"
	statusBadTypeMismatchUpper = uint16(0x8074) // StatusBadTypeMismatch >> 16
	statusBadNotConnectedUpper = uint16(0x808A) // StatusBadNotConnected >> 16
)

// slot is one tag of the device.
type slot struct {
	id   tags.ID
	def  *tags.Def
	node *ua.NodeID
	item drivers.OPCUAItem
	// dtype is the built-in type of the node's DataType, read at the
	// first write after each Connect (0: not read yet); guarded by Driver.mu.
	dtype ua.TypeID
}

// limits are the server's operation limits, read at Connect.
type limits struct {
	nodesPerRead, itemsPerCall, itemsPerSub, subsPerSession int
}

// Driver is an OPC UA device. Its methods may be called from several
// goroutines: the poller's (Read, Write, Subscribe) and Close from
// another; each service call uses the client of the current connection.
type Driver struct {
	dev     drivers.DeviceConfig
	timeout time.Duration
	slots   []slot
	byID    map[tags.ID]*slot
	groups  []drivers.Group
	members [][]int // group → indexes in slots, in the group's tag order

	mu     sync.Mutex // guards client, lim and slots[*].dtype
	client *opcua.Client
	lim    limits

	sent, failed atomic.Uint64

	// created, when set (by benchmarks), is called once Subscribe has
	// created every subscription and monitored item.
	created func()
}

var (
	_ drivers.Driver         = (*Driver)(nil)
	_ drivers.Subscriber     = (*Driver)(nil)
	_ drivers.RequestCounter = (*Driver)(nil)
)

// New is the opcua factory. It returns a Driver that subscribes, or with
// dev.OPCUA.Polling one that reads every poll period.
func New(dev drivers.DeviceConfig, defs []*tags.Def) (drivers.Driver, error) {
	d, err := NewDriver(dev, defs)
	if err != nil {
		return nil, err
	}
	if dev.OPCUA.Polling {
		return &Polling{d}, nil
	}
	return d, nil
}

// NewDriver checks dev and the tags' addresses and plans one poll group
// per poll period.
func NewDriver(dev drivers.DeviceConfig, defs []*tags.Def) (*Driver, error) {
	if errs := CheckDevice(&dev); len(errs) > 0 {
		return nil, fmt.Errorf("opcua device %s: %w", dev.Name, errors.Join(errs...))
	}
	d := &Driver{dev: dev, timeout: dev.Timeout, byID: map[tags.ID]*slot{}}
	if d.timeout <= 0 {
		d.timeout = DefaultTimeout
	}
	var errs []error
	d.slots = make([]slot, 0, len(defs))
	for _, def := range defs {
		n, err := ParseNodeID(def.Address)
		if err != nil {
			errs = append(errs, fmt.Errorf("tag %s: %w", def.Name, err))
			continue
		}
		it := dev.OPCUA.Items[def.Name]
		for _, e := range CheckItem(it, def.Type) {
			errs = append(errs, fmt.Errorf("tag %s: %w", def.Name, e))
		}
		d.slots = append(d.slots, slot{id: def.ID, def: def, node: n.UA(), item: it})
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	byPeriod := map[time.Duration]int{}
	for i := range d.slots {
		s := &d.slots[i]
		d.byID[s.id] = s
		p := s.def.Poll
		if p <= 0 {
			p = dev.Poll
		}
		if p <= 0 {
			p = time.Second
		}
		g, ok := byPeriod[p]
		if !ok {
			g = len(d.groups)
			byPeriod[p] = g
			d.groups = append(d.groups, drivers.Group{Period: p})
			d.members = append(d.members, nil)
		}
		d.groups[g].Tags = append(d.groups[g].Tags, s.id)
		d.members[g] = append(d.members[g], i)
	}
	for g := range d.groups {
		d.groups[g].Requests = (len(d.members[g]) + defaultMaxNodesPerRead - 1) / defaultMaxNodesPerRead
	}
	return d, nil
}

// Groups returns one group per poll period. The slice must not be modified.
func (d *Driver) Groups() []drivers.Group { return d.groups }

// Requests counts the service calls sent and those that failed.
func (d *Driver) Requests() (sent, failed uint64) { return d.sent.Load(), d.failed.Load() }

// Connect finds the server's endpoint that matches the device's security
// policy and mode, checks the server's certificate against the trust list
// (for any policy but None), opens a secure channel and a session with
// the device's identity, and reads the server's operation limits.
func (d *Driver) Connect(ctx context.Context) error {
	d.Close()
	cfg := &d.dev.OPCUA
	policyURI, mode := policies[cfg.SecurityPolicy], modes[cfg.SecurityMode]
	tctx, cancel := context.WithTimeout(ctx, d.timeout)
	defer cancel()

	var ownCert []byte
	var ownKey *rsa.PrivateKey
	if policyURI != ua.SecurityPolicyURINone {
		var err error
		if ownCert, ownKey, err = OwnCertificate(cfg.PKIDir); err != nil {
			return d.wrap("certificate", err)
		}
	}
	d.sent.Add(1)
	eps, err := opcua.GetEndpoints(tctx, cfg.Endpoint, opcua.DialTimeout(d.timeout), opcua.RequestTimeout(d.timeout))
	if err != nil {
		d.failed.Add(1)
		return d.ioError(tctx, "get endpoints", err)
	}
	ep := selectEndpoint(eps, policyURI, mode)
	if ep == nil {
		return d.wrap("connect", fmt.Errorf("%w: the server offers no endpoint with security %s/%s (it offers %s)",
			drivers.ErrSecurity, cfg.SecurityPolicy, cfg.SecurityMode, offered(eps)))
	}
	if policyURI != ua.SecurityPolicyURINone {
		if err := VerifyServer(cfg.PKIDir, ep.ServerCertificate, time.Now()); err != nil {
			return d.wrap("connect", err)
		}
	}
	opts := []opcua.Option{
		opcua.SecurityPolicy(policyURI),
		opcua.SecurityMode(mode),
		opcua.ApplicationURI(ApplicationURI()),
		opcua.ApplicationName(applicationName),
		opcua.ProductURI(productURI),
		opcua.SessionName(applicationName + " " + d.dev.Name),
		opcua.SessionTimeout(sessionTimeout),
		opcua.AutoReconnect(false), // the poller reconnects, with backoff
		opcua.RequestTimeout(d.timeout),
		opcua.DialTimeout(d.timeout),
	}
	if ownKey != nil {
		opts = append(opts, opcua.Certificate(ownCert), opcua.PrivateKey(ownKey))
	}
	idOpts, tokenType, err := d.identity()
	if err != nil {
		return d.wrap("identity", err)
	}
	opts = append(opts, idOpts...)
	opts = append(opts, opcua.SecurityFromEndpoint(ep, tokenType))
	c, err := opcua.NewClient(cfg.Endpoint, opts...)
	if err != nil {
		return d.wrap("connect", err)
	}
	d.sent.Add(1)
	if err := c.Connect(tctx); err != nil {
		d.failed.Add(1)
		c.Close(context.Background())
		return d.ioError(tctx, "connect", err)
	}
	lim := d.readLimits(tctx, c)
	d.mu.Lock()
	d.client, d.lim = c, lim
	for i := range d.slots {
		d.slots[i].dtype = 0
	}
	d.mu.Unlock()
	return nil
}

// identity returns the options of the device's user identity and its
// token type. The password is read from its environment variable now, so
// it is never kept in the project or the driver.
func (d *Driver) identity() ([]opcua.Option, ua.UserTokenType, error) {
	id := d.dev.OPCUA.Identity
	switch {
	case id.Username != "":
		pw, ok := os.LookupEnv(id.PasswordEnv)
		if !ok {
			return nil, 0, fmt.Errorf("%w: environment variable %s (the password of user %s) is not set", drivers.ErrSecurity, id.PasswordEnv, id.Username)
		}
		return []opcua.Option{opcua.AuthUsername(id.Username, pw)}, ua.UserTokenTypeUserName, nil
	case id.CertFile != "":
		data, err := os.ReadFile(id.CertFile)
		if err != nil {
			return nil, 0, err
		}
		cert, err := parseCert(data)
		if err != nil {
			return nil, 0, fmt.Errorf("%s: %w", id.CertFile, err)
		}
		keyPEM, err := os.ReadFile(id.KeyFile)
		if err != nil {
			return nil, 0, err
		}
		key, err := parseKey(keyPEM)
		if err != nil {
			return nil, 0, fmt.Errorf("%s: %w", id.KeyFile, err)
		}
		return []opcua.Option{opcua.AuthCertificate(cert.Raw), opcua.AuthPrivateKey(key)}, ua.UserTokenTypeCertificate, nil
	}
	return []opcua.Option{opcua.AuthAnonymous()}, ua.UserTokenTypeAnonymous, nil
}

// selectEndpoint picks the server's endpoint with exactly the policy and
// mode asked for, the highest security level first.
func selectEndpoint(eps []*ua.EndpointDescription, policyURI string, mode ua.MessageSecurityMode) *ua.EndpointDescription {
	var best *ua.EndpointDescription
	for _, ep := range eps {
		if ep.SecurityPolicyURI == policyURI && ep.SecurityMode == mode && (best == nil || ep.SecurityLevel > best.SecurityLevel) {
			best = ep
		}
	}
	return best
}

// offered lists the policy/mode pairs of eps, for a message.
func offered(eps []*ua.EndpointDescription) string {
	var out []string
	for _, ep := range eps {
		p := strings.TrimPrefix(ep.SecurityPolicyURI, ua.SecurityPolicyURIPrefix)
		m := strings.TrimPrefix(ep.SecurityMode.String(), "MessageSecurityMode")
		if s := p + "/" + m; !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		return "none"
	}
	return strings.Join(out, ", ")
}

// readLimits reads the server's operation limits in one Read (Part 5
// §6.3.11 OperationLimitsType, §6.3.2 ServerCapabilitiesType); a limit the
// server does not state (absent, bad, 0) takes the driver's default.
func (d *Driver) readLimits(ctx context.Context, c *opcua.Client) limits {
	ids := []uint32{
		id.Server_ServerCapabilities_OperationLimits_MaxNodesPerRead,
		id.Server_ServerCapabilities_OperationLimits_MaxMonitoredItemsPerCall,
		id.Server_ServerCapabilities_MaxMonitoredItemsPerSubscription,
		id.Server_ServerCapabilities_MaxSubscriptionsPerSession,
	}
	req := &ua.ReadRequest{TimestampsToReturn: ua.TimestampsToReturnNeither}
	for _, n := range ids {
		req.NodesToRead = append(req.NodesToRead, &ua.ReadValueID{NodeID: ua.NewNumericNodeID(0, n), AttributeID: ua.AttributeIDValue})
	}
	got := make([]int, len(ids))
	d.sent.Add(1)
	res, err := c.Read(ctx, req)
	if err != nil {
		d.failed.Add(1)
	} else {
		for i, dv := range res.Results {
			if i < len(got) && dv != nil && dv.Status == ua.StatusOK && dv.Value != nil {
				if n, ok := number(dv.Value.Value()); ok && n.Kind() != tags.KindFloat {
					got[i] = int(min(n.Uint(), 1<<31))
				}
			}
		}
	}
	def := func(v, d int) int {
		if v <= 0 {
			return d
		}
		return v
	}
	return limits{
		nodesPerRead:   def(got[0], defaultMaxNodesPerRead),
		itemsPerCall:   def(got[1], defaultMaxItemsPerCall),
		itemsPerSub:    def(got[2], defaultMaxItemsPerSub),
		subsPerSession: got[3], // 0: no limit
	}
}

// Close closes the session and the secure channel; Connect may open them
// again.
func (d *Driver) Close() error {
	d.mu.Lock()
	c := d.client
	d.client = nil
	d.mu.Unlock()
	if c == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), d.timeout)
	defer cancel()
	return c.Close(ctx)
}

// conn returns the current client and limits, or ErrNotConnected.
func (d *Driver) conn() (*opcua.Client, limits, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.client == nil {
		return nil, limits{}, drivers.ErrNotConnected
	}
	return d.client, d.lim, nil
}

// wrap names the device and the operation in err.
func (d *Driver) wrap(what string, err error) error {
	return fmt.Errorf("opcua %s %s: %w", d.dev.Name, what, err)
}

// ioError classifies a failed service call: a timeout wraps
// drivers.ErrTimeout, anything else names the device.
func (d *Driver) ioError(ctx context.Context, what string, err error) error {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, ua.StatusBadTimeout) || ctx.Err() == context.DeadlineExceeded {
		return d.wrap(what, fmt.Errorf("%w: %v", drivers.ErrTimeout, err))
	}
	if errors.Is(err, ua.StatusBadCertificateUntrusted) || errors.Is(err, ua.StatusBadSecurityChecksFailed) ||
		errors.Is(err, ua.StatusBadIdentityTokenRejected) || errors.Is(err, ua.StatusBadIdentityTokenInvalid) ||
		errors.Is(err, ua.StatusBadUserAccessDenied) {
		return d.wrap(what, fmt.Errorf("%w: %v", drivers.ErrSecurity, err))
	}
	return d.wrap(what, err)
}

// sourceTime is a value's time: its source timestamp, else the server's,
// else now.
func sourceTime(dv *ua.DataValue, now time.Time) time.Time {
	switch {
	case !dv.SourceTimestamp.IsZero():
		return dv.SourceTimestamp
	case !dv.ServerTimestamp.IsZero():
		return dv.ServerTimestamp
	}
	return now
}

// vqt converts a DataValue to a VQT of s's tag: a status that is not good
// keeps it (and, when uncertain, the value); a value the tag cannot take is
// bad with ReasonDecode or ReasonOutOfRange.
func (s *slot) vqt(dv *ua.DataValue, now time.Time) tags.VQT {
	if dv == nil {
		return tags.VQT{Quality: tags.BadQuality(tags.ReasonDecode, 0), Time: now}
	}
	t := sourceTime(dv, now)
	q := Quality(dv.Status)
	if q.Level == tags.Bad {
		return tags.VQT{Quality: q, Time: t}
	}
	v, reason := fromVariant(s.def, dv.Value)
	if reason != tags.ReasonNone {
		return tags.VQT{Quality: tags.BadQuality(reason, 0), Time: t}
	}
	return tags.VQT{Value: v, Quality: q, Time: t}
}

// Polling is a Driver that reads its tags every poll period instead of
// subscribing (a device with mode: poll).
type Polling struct{ d *Driver }

var (
	_ drivers.Driver         = (*Polling)(nil)
	_ drivers.RequestCounter = (*Polling)(nil)
)

func (p *Polling) Connect(ctx context.Context) error { return p.d.Connect(ctx) }
func (p *Polling) Groups() []drivers.Group           { return p.d.Groups() }
func (p *Polling) Read(ctx context.Context, g int, out []tags.VQT) error {
	return p.d.Read(ctx, g, out)
}
func (p *Polling) Write(ctx context.Context, id tags.ID, v tags.Value) (tags.VQT, error) {
	return p.d.Write(ctx, id, v)
}
func (p *Polling) Close() error                    { return p.d.Close() }
func (p *Polling) Requests() (sent, failed uint64) { return p.d.Requests() }
