package opcua

import (
	"context"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gopcua/opcua/id"
	"github.com/gopcua/opcua/server"
	"github.com/gopcua/opcua/server/attrs"
	"github.com/gopcua/opcua/ua"

	"github.com/sightglass/sightglass/drivers"
	"github.com/sightglass/sightglass/tags"
)

// testServer is gopcua's own server, in process on 127.0.0.1, with
// security None and a namespace of test variables. Each variable's value
// is an atomic pointer read by a value function, and writes go to it
// through testNS.SetAttribute, so neither the test nor the server's Write
// service replaces a node's value function while another goroutine calls
// it (gopcua v0.8.0's Node.SetAttribute does, and races).
type testServer struct {
	t      testing.TB
	srv    *server.Server
	cancel context.CancelFunc
	port   int
	ns     *testNS
	url    string
}

// testVar is one variable of the test namespace.
type testVar struct {
	node     *ua.NodeID
	typ      ua.TypeID
	writable bool
	val      atomic.Pointer[ua.DataValue]
}

func (v *testVar) get() *ua.DataValue { return v.val.Load() }

// testNS wraps gopcua's node namespace: values come from testVars, and
// SetAttribute checks a written value's type as a real server does.
type testNS struct {
	*server.NodeNameSpace
	srv     *server.Server
	objects *server.Node
	mu      sync.Mutex // guards vars
	vars    map[string]*testVar
}

func (ns *testNS) SetAttribute(nid *ua.NodeID, attr ua.AttributeID, dv *ua.DataValue) ua.StatusCode {
	ns.mu.Lock()
	v := ns.vars[nid.String()]
	ns.mu.Unlock()
	switch {
	case v == nil:
		return ua.StatusBadNodeIDUnknown
	case attr != ua.AttributeIDValue || !v.writable:
		return ua.StatusBadNotWritable
	case dv == nil || dv.Value == nil || dv.Value.Type() != v.typ:
		return ua.StatusBadTypeMismatch
	}
	v.val.Store(&ua.DataValue{EncodingMask: ua.DataValueValue | ua.DataValueSourceTimestamp, Value: dv.Value, SourceTimestamp: time.Now()})
	ns.srv.ChangeNotification(nid)
	return ua.StatusOK
}

// freePort asks the kernel for a free loopback port. gopcua's server
// reports the port it was configured with in its endpoints and does not
// expose its listener, so the port is chosen before it starts.
func freePort(t testing.TB) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// variable describes one test variable.
type variable struct {
	name     string
	value    any
	writable bool
	euRange  *ua.Range // an EURange property, for percent deadbands
}

// startServer starts a test server on port (0: a free one) with vars and,
// when opts asks, more options (security endpoints).
func startServer(t testing.TB, port int, vars []variable, opts ...server.Option) *testServer {
	t.Helper()
	if port == 0 {
		port = freePort(t)
	}
	all := append([]server.Option{
		server.EnableSecurity("None", ua.MessageSecurityModeNone),
		server.EnableAuthMode(ua.UserTokenTypeAnonymous),
		server.EndPoint("127.0.0.1", port),
	}, opts...)
	srv := server.New(all...)
	inner := server.NewNodeNameSpace(srv, "urn:sightglass:test")
	ns := &testNS{NodeNameSpace: inner, srv: srv, objects: inner.Objects(), vars: map[string]*testVar{}}
	srv.AddNamespace(ns) // the wrapper gets the next index, and SetID gives it to inner too
	root, _ := srv.Namespace(0)
	root.Objects().AddRef(ns.objects, id.HasComponent, true)
	for _, v := range vars {
		ns.add(v)
	}
	ctx, cancel := context.WithCancel(context.Background())
	if err := srv.Start(ctx); err != nil {
		cancel()
		t.Fatalf("start server: %v", err)
	}
	ts := &testServer{t: t, srv: srv, cancel: cancel, port: port, ns: ns, url: "opc.tcp://127.0.0.1:" + strconv.Itoa(port)}
	t.Cleanup(ts.stop)
	return ts
}

// add adds a variable, with its DataType, access level and, if given, an
// EURange property.
func (ns *testNS) add(v variable) *testVar {
	nid := ua.NewStringNodeID(ns.ID(), v.name)
	first := ua.MustVariant(v.value)
	tv := &testVar{node: nid, typ: first.Type(), writable: v.writable}
	tv.val.Store(&ua.DataValue{EncodingMask: ua.DataValueValue | ua.DataValueSourceTimestamp, Value: first, SourceTimestamp: time.Now()})
	access := byte(ua.AccessLevelTypeCurrentRead)
	if v.writable {
		access |= byte(ua.AccessLevelTypeCurrentWrite)
	}
	n := server.NewNode(nid, map[ua.AttributeID]*ua.DataValue{
		ua.AttributeIDNodeClass:       server.DataValueFromValue(uint32(ua.NodeClassVariable)),
		ua.AttributeIDBrowseName:      server.DataValueFromValue(attrs.BrowseName(v.name)),
		ua.AttributeIDDataType:        server.DataValueFromValue(ua.NewNumericExpandedNodeID(0, uint32(tv.typ))),
		ua.AttributeIDAccessLevel:     server.DataValueFromValue(access),
		ua.AttributeIDUserAccessLevel: server.DataValueFromValue(access),
	}, nil, tv.get)
	ns.AddNode(n)
	ns.objects.AddRef(n, id.HasComponent, true)
	if v.euRange != nil {
		rid := ua.NewStringNodeID(ns.ID(), v.name+".EURange")
		rng := ua.NewExtensionObject(v.euRange)
		p := server.NewNode(rid, map[ua.AttributeID]*ua.DataValue{
			ua.AttributeIDNodeClass:  server.DataValueFromValue(uint32(ua.NodeClassVariable)),
			ua.AttributeIDBrowseName: server.DataValueFromValue(attrs.BrowseName("EURange")),
		}, nil, func() *ua.DataValue { return server.DataValueFromValue(rng) })
		ns.AddNode(p)
		n.AddRef(p, id.HasProperty, true)
	}
	ns.mu.Lock()
	ns.vars[nid.String()] = tv
	ns.mu.Unlock()
	return tv
}

// newDV is a DataValue of x stamped now.
func newDV(x any) *ua.DataValue {
	return &ua.DataValue{EncodingMask: ua.DataValueValue | ua.DataValueSourceTimestamp, Value: ua.MustVariant(x), SourceTimestamp: time.Now()}
}

// set changes a variable's value and notifies its monitored items.
func (ts *testServer) set(name string, value any) {
	ts.t.Helper()
	v := ts.v(name)
	v.val.Store(&ua.DataValue{EncodingMask: ua.DataValueValue | ua.DataValueSourceTimestamp, Value: ua.MustVariant(value), SourceTimestamp: time.Now()})
	ts.srv.ChangeNotification(v.node)
}

func (ts *testServer) v(name string) *testVar {
	ts.t.Helper()
	ts.ns.mu.Lock()
	defer ts.ns.mu.Unlock()
	v := ts.ns.vars[ua.NewStringNodeID(ts.ns.ID(), name).String()]
	if v == nil {
		ts.t.Fatalf("no variable %s", name)
	}
	return v
}

// addr is the NodeId text of variable name, for a tag's address.
func (ts *testServer) addr(name string) string {
	return fmt.Sprintf("ns=%d;s=%s", ts.ns.ID(), name)
}

func (ts *testServer) stop() {
	ts.srv.Close()
	ts.cancel()
}

// testDevice is a device on ts with security None.
func testDevice(ts *testServer) drivers.DeviceConfig {
	return drivers.DeviceConfig{Name: "srv", Driver: DriverName, Address: ts.url, Poll: 100 * time.Millisecond, Timeout: 2 * time.Second,
		OPCUA: drivers.OPCUAConfig{Endpoint: ts.url, SecurityPolicy: "None", SecurityMode: "None", Items: map[string]drivers.OPCUAItem{}}}
}

// tagDefs numbers defs by position, as the station's table does.
func tagDefs(defs ...tags.Def) []*tags.Def {
	out := make([]*tags.Def, len(defs))
	for i := range defs {
		defs[i].ID = tags.ID(i)
		defs[i].Device = "srv"
		out[i] = &defs[i]
	}
	return out
}

var discard = slog.New(slog.DiscardHandler)

// TestMain silences gopcua's server, which logs through the standard
// logger as it builds its address space.
func TestMain(m *testing.M) {
	log.SetOutput(io.Discard)
	os.Exit(m.Run())
}
