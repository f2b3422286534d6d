package station

import (
	"context"
	"errors"
	"fmt"

	"github.com/sightglass/sightglass/auth"
	"github.com/sightglass/sightglass/gateway"
)

// The station runs the project's gateway (its gateway section): started
// after the pollers, stopped before everything else, so that a client's
// write never reaches a stopped poller. Gateway writes go through Write,
// like the window's: checked and audited.

// startGateway starts the gateway servers the project configures. s.mu
// is held.
func (s *Station) startGateway(ctx context.Context) error {
	cfg := s.proj.Gateway
	if !cfg.Enabled() {
		return nil
	}
	if cfg.Station == "" {
		cfg.Station = s.Name()
	}
	gw, err := gateway.Start(ctx, s.bus, gatewayWriter{s}, cfg, s.log.With("part", "gateway"))
	if err != nil {
		return err
	}
	s.gw = gw
	return nil
}

// Gateway is the running gateway, nil when the project has none or the
// station is not running.
func (s *Station) Gateway() *gateway.Gateway {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.gw
}

// gatewayWriter is the station's write path as the gateway needs it.
type gatewayWriter struct{ s *Station }

func (w gatewayWriter) SessionFor(name, from string) (*auth.Session, error) {
	users := w.s.Users()
	if users == nil {
		return nil, ErrNoState
	}
	return users.SessionFor(name, from)
}

// Write writes as Write does for an Actor of s from a gateway client,
// marking the errors that no one may get past (gateway.ErrRefused) and
// values that do not fit (gateway.ErrBadValue).
func (w gatewayWriter) Write(ctx context.Context, sess *auth.Session, from, tag, text string) error {
	_, _, err := w.s.Write(ctx, Actor{Session: sess, From: from}, tag, text)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, ErrReadOnly), errors.Is(err, ErrSignatureRequired), errors.Is(err, ErrUnknownTag), errors.Is(err, ErrNoState):
		return fmt.Errorf("%w: %w", gateway.ErrRefused, err)
	case errors.Is(err, ErrBadValue):
		return fmt.Errorf("%w: %w", gateway.ErrBadValue, err)
	}
	return err
}

// OPCUAGatewayEndpoint is the endpoint of the running OPC UA gateway, ""
// when there is none: the window says plainly that it is unencrypted.
func (s *Station) OPCUAGatewayEndpoint() string {
	if g := s.Gateway(); g != nil {
		return g.OPCUAEndpoint()
	}
	return ""
}
