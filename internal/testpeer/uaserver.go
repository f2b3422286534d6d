package testpeer

import (
	"context"
	"net"
	"strconv"
	"testing"

	"github.com/gopcua/opcua/id"
	"github.com/gopcua/opcua/server"
	"github.com/gopcua/opcua/server/attrs"
	"github.com/gopcua/opcua/ua"
)

// StartUAServer starts gopcua's server on a free port of 127.0.0.1 with
// security None and the variables of vals in its own namespace nsURI,
// and returns its endpoint URL and the namespace index. The server stops
// when the test ends.
func StartUAServer(t testing.TB, nsURI string, vals map[string]any) (string, uint16) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close() // gopcua's server takes a port, not a listener
	srv := server.New(server.EnableSecurity("None", ua.MessageSecurityModeNone),
		server.EnableAuthMode(ua.UserTokenTypeAnonymous), server.EndPoint("127.0.0.1", port))
	ns := server.NewNodeNameSpace(srv, nsURI)
	root, _ := srv.Namespace(0)
	root.Objects().AddRef(ns.Objects(), id.HasComponent, true)
	for name, v := range vals {
		dv := server.DataValueFromValue(v)
		n := server.NewNode(ua.NewStringNodeID(ns.ID(), name), map[ua.AttributeID]*ua.DataValue{
			ua.AttributeIDNodeClass:  server.DataValueFromValue(uint32(ua.NodeClassVariable)),
			ua.AttributeIDBrowseName: server.DataValueFromValue(attrs.BrowseName(name)),
			ua.AttributeIDDataType:   server.DataValueFromValue(ua.NewNumericExpandedNodeID(0, uint32(dv.Value.Type()))),
		}, nil, func() *ua.DataValue { return dv })
		ns.AddNode(n)
		ns.Objects().AddRef(n, id.HasComponent, true)
	}
	ctx, cancel := context.WithCancel(context.Background())
	if err := srv.Start(ctx); err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close(); cancel() })
	return "opc.tcp://127.0.0.1:" + strconv.Itoa(port), ns.ID()
}
