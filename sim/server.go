package sim

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"syscall"
	"time"

	"github.com/simonvetter/modbus"
)

// DefaultTick is how often a served plant steps in real time.
const DefaultTick = 100 * time.Millisecond

// portAttempts bounds the retries when listening on port 0 (see Listen).
const portAttempts = 10

// Option changes how Listen and Serve run the plant.
type Option func(*options)

type options struct {
	tick       time.Duration
	log        *slog.Logger
	maxClients uint
}

// WithTick sets the real-time step period (DefaultTick if not given); 0
// serves the plant without stepping it, for tests that call Step
// themselves.
func WithTick(d time.Duration) Option { return func(o *options) { o.tick = d } }

// WithLogger sends the server's messages to l (slog.Default() if not
// given). The Modbus library's own messages go there at level Warn.
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.log = l } }

// WithMaxClients sets how many Modbus clients may connect at once (10 if
// not given); further connections are refused.
func WithMaxClients(n uint) Option { return func(o *options) { o.maxClients = n } }

// Server is a plant served over Modbus TCP.
type Server struct {
	mb   *modbus.ModbusServer
	addr string
	log  *slog.Logger

	stop      chan struct{}  // closed by Close: stops the clock
	wg        sync.WaitGroup // the clock
	closeOnce sync.Once
	closeErr  error
}

// Listen serves p over Modbus TCP on listen (host:port) and, unless
// WithTick(0) is given, steps it in real time. It returns once the server
// accepts connections; ctx bounds only the start.
//
// Port 0 picks a free port, which Addr reports. The Modbus library cannot
// listen on a listener it is handed nor tell which port it bound, so Listen
// asks the system for a free port, releases it and has the library bind
// it, trying again with another port if something else took it in between.
func Listen(ctx context.Context, listen string, p *Plant, opts ...Option) (*Server, error) {
	o := options{tick: DefaultTick, log: slog.Default()}
	for _, opt := range opts {
		opt(&o)
	}
	if o.tick < 0 {
		return nil, fmt.Errorf("sim: tick %v: want 0 or more", o.tick)
	}
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return nil, fmt.Errorf("sim: listen address %q: %w", listen, err)
	}
	h := &handler{p: p, ix: newRegIndex(pointTable)}
	s := &Server{log: o.log, stop: make(chan struct{})}
	for attempt := 1; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("sim: listen on %s: %w", listen, err)
		}
		addr := listen
		if port == "0" {
			if addr, err = freePort(ctx, host); err != nil {
				return nil, fmt.Errorf("sim: listen on %s: %w", listen, err)
			}
		}
		s.mb, err = modbus.NewServer(&modbus.ServerConfiguration{
			URL:        "tcp://" + addr,
			MaxClients: o.maxClients,
			Logger:     slog.NewLogLogger(o.log.Handler(), slog.LevelWarn),
		}, h)
		if err != nil {
			return nil, fmt.Errorf("sim: modbus server on %s: %w", addr, err)
		}
		err = s.mb.Start()
		if err == nil {
			s.addr = addr
			break
		}
		if port != "0" || !errors.Is(err, syscall.EADDRINUSE) || attempt == portAttempts {
			return nil, fmt.Errorf("sim: listen on %s: %w", addr, err)
		}
	}
	if o.tick > 0 {
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			runClock(p, o.tick, s.stop)
		}()
	}
	return s, nil
}

// freePort returns host with a port the system has just said is free.
func freePort(ctx context.Context, host string) (string, error) {
	var lc net.ListenConfig
	l, err := lc.Listen(ctx, "tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		return "", err
	}
	addr := l.Addr().String()
	return addr, l.Close()
}

// Addr is the address the server listens on, with the real port.
func (s *Server) Addr() string { return s.addr }

// Close stops the clock, closes the listener and every client connection.
// It is safe to call more than once.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		close(s.stop)
		s.wg.Wait()
		s.closeErr = s.mb.Stop()
	})
	return s.closeErr
}

// Serve is Listen that blocks until ctx is done, logging the address at
// the start and the plant's Summary every minute, then closes the server.
// It returns nil after a clean shutdown.
func Serve(ctx context.Context, listen string, p *Plant, opts ...Option) error {
	s, err := Listen(ctx, listen, p, opts...)
	if err != nil {
		return err
	}
	s.log.Info("demo plant serving Modbus TCP", "addr", s.Addr(), "unit", "any", "plant", p.Summary())
	t := time.NewTicker(time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return s.Close()
		case <-t.C:
			s.log.Info(p.Summary())
		}
	}
}
