package gateway

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gopcua/opcua/id"
	"github.com/gopcua/opcua/server"
	"github.com/gopcua/opcua/server/attrs"
	"github.com/gopcua/opcua/ua"

	"github.com/sightglass/sightglass/internal/uaserver"
	"github.com/sightglass/sightglass/tags"
)

// The OPC UA gateway is gopcua v0.8.0's server, used within its limits:
// security None only (its secure policies do not complete a channel),
// any user token accepted, and Node.SetAttribute racing with its own
// Write service. So it is read-only: this package answers Write and the
// node management services itself, with BadNotWritable and
// BadUserAccessDenied, and backs every variable with a value function
// over an atomic pointer that a bus subscriber swaps.

// Bounds of a subscription's publishing interval. gopcua makes a ticker
// of the requested interval as given, and a ticker of 0 panics.
const (
	minPublishing = 20.0        // ms
	maxPublishing = 3_600_000.0 // ms: an hour
)

// retryNotify is how soon a change that found a subscription's queue
// full (gopcua's holds 100 notifications) is offered again.
const retryNotify = 20 * time.Millisecond

// opcuaServer is the running OPC UA gateway.
type opcuaServer struct {
	srv      *server.Server
	ns       *server.NodeNameSpace
	endpoint string
	log      *slog.Logger

	types []uint32                       // by tag ID: the OPC UA type it is served as
	vals  []atomic.Pointer[ua.DataValue] // by tag ID: the current value
	nodes []*ua.NodeID                   // by tag ID
	keys  []string                       // by tag ID: nodes[id].String(), gopcua's key of monitored items

	quit func()
}

func startOPCUA(ctx context.Context, bus *tags.Bus, station string, cfg *OPCUAConfig, log *slog.Logger) (*opcuaServer, error) {
	host, port, err := net.SplitHostPort(cfg.Listen)
	if err != nil {
		return nil, fmt.Errorf("listen address %q: %w", cfg.Listen, err)
	}
	sub := bus.Subscribe("gateway-opcua")
	// The server's goroutines get a context of their own, cancelled only
	// after Close: gopcua's connection goroutines hand each request to
	// one that ends with the context, and would block on it forever.
	srvCtx, srvCancel := context.WithCancel(context.WithoutCancel(ctx))
	var s *opcuaServer
	for attempt := 1; ; attempt++ {
		addr := cfg.Listen
		if port == "0" {
			if addr, err = freePort(ctx, host); err != nil {
				srvCancel()
				sub.Close()
				return nil, fmt.Errorf("listen on %s: %w", cfg.Listen, err)
			}
		}
		s, err = newOPCUA(bus, station, addr, log)
		if err == nil {
			err = s.srv.Start(srvCtx)
		}
		if err == nil {
			break
		}
		if port != "0" || attempt == portAttempts {
			srvCancel()
			sub.Close()
			return nil, fmt.Errorf("listen on %s: %w", addr, err)
		}
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() { s.follow(sub, stop) })
	s.quit = func() {
		close(stop)
		wg.Wait()
		sub.Close()
		if !uaserver.Close(s.srv) {
			s.log.Warn("OPC UA gateway: clients still connected after closing; left to gopcua", "waited", uaserver.CloseWait)
		}
		srvCancel()
	}
	log.Warn("OPC UA gateway serving UNENCRYPTED (security None, any user accepted) and READ-ONLY",
		"endpoint", s.endpoint, "tags", len(s.vals))
	return s, nil
}

func (s *opcuaServer) stop() { s.quit() }

// newOPCUA builds a server for addr with a node for every tag of the bus,
// filled from its snapshot, and the gateway's own service handlers.
func newOPCUA(bus *tags.Bus, station, addr string, log *slog.Logger) (*opcuaServer, error) {
	host, p, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	port, err := strconv.Atoi(p)
	if err != nil {
		return nil, fmt.Errorf("port %q: %w", p, err)
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	srv := server.New(
		server.EnableSecurity("None", ua.MessageSecurityModeNone),
		server.EnableAuthMode(ua.UserTokenTypeAnonymous),
		server.EndPoint(host, port),
		server.ServerName("Sightglass "+station),
		server.ManufacturerName("Sightglass"),
		server.ProductName("Sightglass OPC UA gateway (read-only)"),
		server.SetLogger(uaLogger{log}),
	)
	s := &opcuaServer{srv: srv, endpoint: fmt.Sprintf("opc.tcp://%s:%d", host, port), log: log}
	s.ns = server.NewNodeNameSpace(srv, "urn:sightglass:"+station)
	s.build(bus)
	s.handlers()
	return s, nil
}

// build adds a node for every tag, in folders that follow its dotted
// asset path (Plant → Tank1 → Level) under the Objects folder, with its
// current value. A path that is a tag and also the parent of others is
// one variable node with components.
func (s *opcuaServer) build(bus *tags.Bus) {
	t := bus.Table()
	n := t.Len()
	s.types = make([]uint32, n)
	s.vals = make([]atomic.Pointer[ua.DataValue], n)
	s.nodes = make([]*ua.NodeID, n)
	s.keys = make([]string, n)
	snap, _ := bus.Snapshot(nil)
	nodes := map[string]*server.Node{}
	for i := range n {
		d := t.Def(tags.ID(i))
		s.types[i] = uaType(d)
		s.vals[i].Store(dataValue(s.types[i], snap[i]))
		nid := ua.NewStringNodeID(s.ns.ID(), d.Name)
		s.nodes[i], s.keys[i] = nid, nid.String()
		val := &s.vals[i]
		nodes[d.Name] = s.variable(nid, d, s.types[i], func() *ua.DataValue { return withServerTime(val.Load()) })
	}
	objects := s.srv.Namespaces()[0].Objects()
	linked := map[string]bool{}
	for i := range n {
		name := t.Def(tags.ID(i)).Name
		segs := strings.Split(name, ".")
		for k := range segs {
			path := strings.Join(segs[:k+1], ".")
			if linked[path] {
				continue
			}
			linked[path] = true
			child := nodes[path]
			if child == nil {
				child = s.folder(path, segs[k])
				nodes[path] = child
			}
			parent, ref := objects, server.RefType(id.Organizes)
			if k > 0 {
				parent = nodes[strings.Join(segs[:k], ".")]
				if parent.NodeClass() == ua.NodeClassVariable {
					ref = id.HasComponent
				}
			}
			parent.AddRef(child, ref, true)
			child.AddRef(parent, ref, false)
		}
	}
}

// variable makes and adds the read-only variable node of tag d.
func (s *opcuaServer) variable(nid *ua.NodeID, d *tags.Def, t uint32, value server.ValueFunc) *server.Node {
	name := d.Name[strings.LastIndexByte(d.Name, '.')+1:]
	desc := d.Description
	if d.Units != "" {
		desc = strings.TrimSpace(desc + " [" + d.Units + "]")
	}
	n := server.NewNode(nid, server.Attributes{
		ua.AttributeIDNodeClass:       server.DataValueFromValue(uint32(ua.NodeClassVariable)),
		ua.AttributeIDBrowseName:      server.DataValueFromValue(&ua.QualifiedName{NamespaceIndex: s.ns.ID(), Name: name}),
		ua.AttributeIDDisplayName:     server.DataValueFromValue(attrs.DisplayName(name, "")),
		ua.AttributeIDDescription:     server.DataValueFromValue(attrs.DisplayName(desc, "")),
		ua.AttributeIDDataType:        server.DataValueFromValue(ua.NewNumericExpandedNodeID(0, t)),
		ua.AttributeIDValueRank:       server.DataValueFromValue(int32(-1)), // a scalar
		ua.AttributeIDAccessLevel:     server.DataValueFromValue(byte(ua.AccessLevelTypeCurrentRead)),
		ua.AttributeIDUserAccessLevel: server.DataValueFromValue(byte(ua.AccessLevelTypeCurrentRead)),
		ua.AttributeIDHistorizing:     server.DataValueFromValue(false),
	}, []*ua.ReferenceDescription{{
		ReferenceTypeID: ua.NewNumericNodeID(0, id.HasTypeDefinition),
		IsForward:       true,
		NodeID:          ua.NewNumericExpandedNodeID(0, id.BaseDataVariableType),
		BrowseName:      &ua.QualifiedName{Name: "BaseDataVariableType"},
		DisplayName:     attrs.DisplayName("BaseDataVariableType", ""),
		NodeClass:       ua.NodeClassVariableType,
		TypeDefinition:  ua.NewNumericExpandedNodeID(0, 0),
	}}, value)
	return s.ns.AddNode(n)
}

// folder makes and adds the folder of an asset path.
func (s *opcuaServer) folder(path, name string) *server.Node {
	n := server.NewNode(ua.NewStringNodeID(s.ns.ID(), path), server.Attributes{
		ua.AttributeIDNodeClass:     server.DataValueFromValue(uint32(ua.NodeClassObject)),
		ua.AttributeIDBrowseName:    server.DataValueFromValue(&ua.QualifiedName{NamespaceIndex: s.ns.ID(), Name: name}),
		ua.AttributeIDDisplayName:   server.DataValueFromValue(attrs.DisplayName(name, "")),
		ua.AttributeIDDescription:   server.DataValueFromValue(attrs.DisplayName(path, "")),
		ua.AttributeIDEventNotifier: server.DataValueFromValue(byte(0)),
	}, []*ua.ReferenceDescription{{
		ReferenceTypeID: ua.NewNumericNodeID(0, id.HasTypeDefinition),
		IsForward:       true,
		NodeID:          ua.NewNumericExpandedNodeID(0, id.FolderType),
		BrowseName:      &ua.QualifiedName{Name: "FolderType"},
		DisplayName:     attrs.DisplayName("FolderType", ""),
		NodeClass:       ua.NodeClassObjectType,
		TypeDefinition:  ua.NewNumericExpandedNodeID(0, 0),
	}}, nil)
	return s.ns.AddNode(n)
}

// follow swaps in each changed tag's value and notifies the monitored
// items of its node, until stop closes.
func (s *opcuaServer) follow(sub *tags.Subscription, stop <-chan struct{}) {
	var batches [][]tags.Update
	pending := map[tags.ID]bool{}
	var retry <-chan time.Time
	for {
		select {
		case <-stop:
			return
		case <-retry:
			retry = nil
			for id := range pending {
				if s.notify(id) {
					delete(pending, id)
				}
			}
		case <-sub.C():
			batches = sub.Batches(batches[:0])
			for _, b := range batches {
				for _, u := range b {
					if int(u.ID) >= len(s.vals) {
						continue
					}
					s.vals[u.ID].Store(dataValue(s.types[u.ID], u.VQT))
					if !s.notify(u.ID) {
						pending[u.ID] = true
					}
				}
			}
			clear(batches)
		}
		if len(pending) > 0 && retry == nil {
			retry = time.After(retryNotify)
		}
	}
}

// notify queues the tag's current value to every monitored item of its
// node; false when a subscription's queue was full and the tag must be
// offered again. It never blocks: gopcua's own ChangeNotification blocks
// on a full queue while holding the monitored items' lock, which a
// subscription ending at that moment needs (a deadlock).
func (s *opcuaServer) notify(tid tags.ID) bool {
	mis := s.srv.MonitoredItemService
	if mis == nil {
		return true
	}
	mis.Mu.Lock()
	defer mis.Mu.Unlock()
	ok := true
	for _, item := range mis.Nodes[s.keys[tid]] {
		if item == nil || item.Sub == nil || item.Req == nil || item.Req.ItemToMonitor == nil {
			continue
		}
		n := &ua.MonitoredItemNotification{
			ClientHandle: item.Req.RequestedParameters.ClientHandle,
			Value:        s.ns.Attribute(s.nodes[tid], item.Req.ItemToMonitor.AttributeID),
		}
		select {
		case item.Sub.NotifyChannel <- n:
		default:
			ok = false
		}
	}
	return ok
}

// uaLogger sends gopcua's printf-style messages to the station's log:
// its warnings and errors at Warn, the rest at Debug.
type uaLogger struct{ log *slog.Logger }

func (l uaLogger) Debug(string, ...any) {} // per request: too much even for Debug
func (l uaLogger) Info(msg string, args ...any) {
	l.log.Debug("opc ua: " + fmt.Sprintf(msg, args...))
}
func (l uaLogger) Warn(msg string, args ...any) {
	l.log.Warn("opc ua: " + fmt.Sprintf(msg, args...))
}
func (l uaLogger) Error(msg string, args ...any) {
	l.log.Warn("opc ua: " + fmt.Sprintf(msg, args...))
}
