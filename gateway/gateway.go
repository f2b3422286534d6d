package gateway

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/sightglass/sightglass/auth"
	"github.com/sightglass/sightglass/tags"
)

// Writer is the station's single write path as the gateway needs it. The
// station implements it (station/gateway.go), so that a gateway write is
// checked and audited exactly like one from the window.
type Writer interface {
	// SessionFor returns a session for the user called name, whose
	// identity the gateway has established without a password (a client
	// certificate, or the project's plain_user).
	SessionFor(name, from string) (*auth.Session, error)
	// Write writes text (as `sightglass write` takes it: engineering
	// units) to the tag called tag, as s; a nil s is nobody, whom the
	// station refuses (and audits). from is the client's address. Errors
	// wrap auth.ErrDenied, ErrRefused or ErrBadValue where they apply.
	Write(ctx context.Context, s *auth.Session, from, tag, text string) error
}

// Errors a Writer returns for the gateway to answer with the right
// protocol error.
var (
	// ErrRefused: the write is not allowed whoever asks (a read-only
	// tag, one that needs an electronic signature, an unknown tag).
	ErrRefused = errors.New("write refused")
	// ErrBadValue: the value does not fit the tag.
	ErrBadValue = errors.New("value does not fit the tag")
)

// Gateway is the running gateway servers.
type Gateway struct {
	log    *slog.Logger
	cancel context.CancelFunc
	mb     *modbusServer // nil when off
	ua     *opcuaServer  // nil when off

	stopOnce sync.Once
}

// Start starts the servers cfg enables, serving the tags of bus; w is
// the station's write path. It returns once they accept connections; ctx
// bounds the start and, until Stop, the servers' work.
func Start(ctx context.Context, bus *tags.Bus, w Writer, cfg Config, log *slog.Logger) (*Gateway, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	ctx, cancel := context.WithCancel(ctx)
	g := &Gateway{log: log, cancel: cancel}
	if cfg.Modbus != nil {
		mb, err := startModbus(ctx, bus, w, cfg.Modbus, log.With("part", "gateway-modbus"))
		if err != nil {
			g.Stop()
			return nil, fmt.Errorf("gateway: modbus: %w", err)
		}
		g.mb = mb
	}
	if cfg.OPCUA != nil {
		ua, err := startOPCUA(ctx, bus, cfg.Station, cfg.OPCUA, log.With("part", "gateway-opcua"))
		if err != nil {
			g.Stop()
			return nil, fmt.Errorf("gateway: opc ua: %w", err)
		}
		g.ua = ua
	}
	return g, nil
}

// Stop stops the servers, closing every client connection, and waits for
// their work. It is safe to call more than once.
func (g *Gateway) Stop() {
	g.stopOnce.Do(func() {
		g.cancel()
		if g.ua != nil {
			g.ua.stop()
		}
		if g.mb != nil {
			g.mb.stop()
		}
	})
}

// ModbusAddr is the Modbus server's host:port ("" when off).
func (g *Gateway) ModbusAddr() string {
	if g.mb == nil {
		return ""
	}
	return g.mb.addr
}

// OPCUAEndpoint is the OPC UA server's endpoint URL ("" when off).
func (g *Gateway) OPCUAEndpoint() string {
	if g.ua == nil {
		return ""
	}
	return g.ua.endpoint
}
