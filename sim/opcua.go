package sim

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/gopcua/opcua/id"
	"github.com/gopcua/opcua/server"
	"github.com/gopcua/opcua/server/attrs"
	"github.com/gopcua/opcua/ua"
)

// UAServer is a few of a plant's values served read-only over OPC UA
// (gopcua's server, security None): the embedded demo reads them through
// the OPC UA driver, so a demo run exercises both protocols.
type UAServer struct {
	srv      *server.Server
	ns       *server.NodeNameSpace
	endpoint string
	cancel   context.CancelFunc // ends the server's context, after Close

	stop chan struct{}  // closed by Close: ends notify
	wg   sync.WaitGroup // notify
	once sync.Once      // Close
}

// uaPoints are the values served, as Float64 variables named
// Plant.<name> in namespace 1.
var uaPoints = []struct {
	name string
	get  func(State) float64
}{
	{"Tank1.Level", func(s State) float64 { return s.Tank1Level }},
	{"Tank2.Level", func(s State) float64 { return s.Tank2Level }},
	{"P1.Speed", func(s State) float64 { return s.Speed }},
	{"Flow", func(s State) float64 { return s.MeterFlow }},
}

// uaNotifyEvery is how often the served values are compared with the ones
// last sent to subscribers: the plant's own step (DefaultTick).
const uaNotifyEvery = DefaultTick

// ListenOPCUA serves p's values over OPC UA on host (a loopback address
// for the demo) and a free port, which Endpoint reports. It does not
// step the plant: Listen's clock does. Subscribers are sent each value
// as it changes.
func ListenOPCUA(ctx context.Context, host string, p *Plant, log *slog.Logger) (*UAServer, error) {
	if log == nil {
		log = slog.Default()
	}
	var err error
	for attempt := 1; attempt <= portAttempts; attempt++ {
		var s *UAServer
		if s, err = startOPCUA(ctx, host, p); err == nil {
			log.Info("plant served over OPC UA (security None, read-only)", "endpoint", s.endpoint)
			return s, nil
		}
	}
	return nil, fmt.Errorf("sim: opc ua on %s: %w", host, err)
}

func startOPCUA(ctx context.Context, host string, p *Plant) (*UAServer, error) {
	l, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		return nil, err
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close() // gopcua binds the address itself
	srv := server.New(
		server.EnableSecurity("None", ua.MessageSecurityModeNone),
		server.EnableAuthMode(ua.UserTokenTypeAnonymous),
		server.EndPoint(host, port),
		server.ServerName("Sightglass demo plant"),
	)
	ns := server.NewNodeNameSpace(srv, "urn:sightglass:demo-plant")
	objects := srv.Namespaces()[0].Objects()
	for _, pt := range uaPoints {
		get := pt.get
		name := "Plant." + pt.name
		n := ns.AddNode(server.NewNode(ua.NewStringNodeID(ns.ID(), name), server.Attributes{
			ua.AttributeIDNodeClass:       server.DataValueFromValue(uint32(ua.NodeClassVariable)),
			ua.AttributeIDBrowseName:      server.DataValueFromValue(&ua.QualifiedName{NamespaceIndex: ns.ID(), Name: name}),
			ua.AttributeIDDisplayName:     server.DataValueFromValue(attrs.DisplayName(name, "")),
			ua.AttributeIDDataType:        server.DataValueFromValue(ua.NewNumericExpandedNodeID(0, id.Double)),
			ua.AttributeIDValueRank:       server.DataValueFromValue(int32(-1)),
			ua.AttributeIDAccessLevel:     server.DataValueFromValue(byte(ua.AccessLevelTypeCurrentRead)),
			ua.AttributeIDUserAccessLevel: server.DataValueFromValue(byte(ua.AccessLevelTypeCurrentRead)),
		}, nil, func() *ua.DataValue { return server.DataValueFromValue(get(p.State())) }))
		objects.AddRef(n, id.Organizes, true)
	}
	// The server's goroutines get a context of their own, ended only after
	// Close: gopcua's connection goroutines hand each request to one that
	// ends with the context, and would block on it forever.
	ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	if err := srv.Start(ctx); err != nil {
		cancel()
		closeUA(srv)
		return nil, err
	}
	s := &UAServer{
		srv: srv, ns: ns, cancel: cancel, stop: make(chan struct{}),
		endpoint: "opc.tcp://" + net.JoinHostPort(host, strconv.Itoa(port)),
	}
	s.wg.Go(func() { s.notify(p) })
	return s, nil
}

// Endpoint is the server's endpoint URL.
func (s *UAServer) Endpoint() string { return s.endpoint }

// Close stops the server and every goroutine it started, without waiting
// for clients to hang up (see closeUA). It is safe to call more than once.
func (s *UAServer) Close() {
	s.once.Do(func() {
		close(s.stop)
		s.wg.Wait()
		closeUA(s.srv)
		s.cancel()
	})
}

// notify sends subscribers each value that changed since it last looked,
// every uaNotifyEvery, until Close. gopcua's server reports a change only
// when a node's attribute is set; these nodes read the plant through
// value functions, so nothing else would.
func (s *UAServer) notify(p *Plant) {
	t := time.NewTicker(uaNotifyEvery)
	defer t.Stop()
	nodes := make([]*ua.NodeID, len(uaPoints))
	keys := make([]string, len(uaPoints))
	for i, pt := range uaPoints {
		nodes[i] = ua.NewStringNodeID(s.ns.ID(), "Plant."+pt.name)
		keys[i] = nodes[i].String()
	}
	last := make([]float64, len(uaPoints))
	for i := range last {
		last[i] = math.NaN() // unlike any value: the first look sends them all
	}
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
		}
		st := p.State()
		for i, pt := range uaPoints {
			if v := pt.get(st); v != last[i] && notifyItems(s.srv, s.ns, nodes[i], keys[i]) {
				last[i] = v
			}
		}
	}
}

// OPCUANodes lists the NodeIds the plant serves over OPC UA, as a project
// addresses them ("ns=1;s=Plant.Tank1.Level").
func OPCUANodes() []string {
	out := make([]string, len(uaPoints))
	for i, pt := range uaPoints {
		out[i] = "ns=1;s=Plant." + pt.name
	}
	return out
}
