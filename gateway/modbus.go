package gateway

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"sync"
	"syscall"

	smb "github.com/simonvetter/modbus"

	"github.com/sightglass/sightglass/tags"
)

// portAttempts bounds the retries when listening on port 0: simonvetter's
// server binds the address itself and cannot report the port it chose,
// so port 0 is resolved to a free port first, which something else may
// take in between.
const portAttempts = 10

// maxModbusClients is how many Modbus clients may be connected at once.
const maxModbusClients = 32

// modbusServer is the running Modbus gateway.
type modbusServer struct {
	srv  *smb.ModbusServer
	addr string
	h    *mbHandler
	sub  *tags.Subscription
	quit func()
}

// startModbus builds the register image from the bus, keeps it up to date
// from a subscription and serves it.
func startModbus(ctx context.Context, bus *tags.Bus, w Writer, cfg *ModbusConfig, log *slog.Logger) (*modbusServer, error) {
	h := &mbHandler{ctx: ctx, cfg: cfg, w: w, log: log, im: newImage(bus.Table(), cfg.Map), tls: cfg.TLS != nil,
		sessions: map[string]*sessionSlot{}}
	conf := smb.ServerConfiguration{MaxClients: maxModbusClients, Logger: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	scheme := "tcp://"
	if cfg.TLS != nil {
		cert, err := tls.LoadX509KeyPair(cfg.TLS.Cert, cfg.TLS.Key)
		if err != nil {
			return nil, fmt.Errorf("tls certificate %s, key %s: %w", cfg.TLS.Cert, cfg.TLS.Key, err)
		}
		pem, err := os.ReadFile(cfg.TLS.ClientCA)
		if err != nil {
			return nil, fmt.Errorf("tls client_ca: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("tls client_ca %s: no PEM certificate in it", cfg.TLS.ClientCA)
		}
		conf.TLSServerCert, conf.TLSClientCAs = &cert, pool
		scheme = "tcp+tls://"
	}

	// Subscribe before the first snapshot, so no change falls between.
	sub := bus.Subscribe("gateway-modbus")
	snap, _ := bus.Snapshot(nil)
	for id, v := range snap {
		h.im.update(tags.ID(id), v)
	}
	s := &modbusServer{h: h, sub: sub}
	srv, addr, err := listenModbus(ctx, cfg.Listen, scheme, &conf, h)
	if err != nil {
		sub.Close()
		return nil, err
	}
	s.srv, s.addr = srv, addr
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() { follow(sub, stop, h.im.update) })
	s.quit = func() {
		close(stop)
		wg.Wait()
		sub.Close()
		if err := srv.Stop(); err != nil {
			log.Warn("modbus gateway: stop", "err", err)
		}
	}
	mode := "plain TCP, read-only"
	switch {
	case cfg.TLS != nil:
		mode = "TLS (Modbus/TCP Security): writes by client certificate role"
	case cfg.AllowPlainWrites:
		mode = "plain TCP, unencrypted; writes allowed as user " + cfg.PlainUser
	}
	log.Info("modbus gateway serving", "addr", addr, "mode", mode, "tags", len(h.im.entries))
	return s, nil
}

func (s *modbusServer) stop() { s.quit() }

// follow applies the bus changes of sub with apply until stop closes.
func follow(sub *tags.Subscription, stop <-chan struct{}, apply func(tags.ID, tags.VQT)) {
	var batches [][]tags.Update
	for {
		select {
		case <-stop:
			return
		case <-sub.C():
		}
		batches = sub.Batches(batches[:0])
		for _, b := range batches {
			for _, u := range b {
				apply(u.ID, u.VQT)
			}
		}
		clear(batches)
	}
}

// listenModbus starts a server on listen, resolving port 0.
func listenModbus(ctx context.Context, listen, scheme string, conf *smb.ServerConfiguration, h smb.RequestHandler) (*smb.ModbusServer, string, error) {
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return nil, "", fmt.Errorf("listen address %q: %w", listen, err)
	}
	for attempt := 1; ; attempt++ {
		addr := listen
		if port == "0" {
			if addr, err = freePort(ctx, host); err != nil {
				return nil, "", fmt.Errorf("listen on %s: %w", listen, err)
			}
		}
		c := *conf
		c.URL = scheme + addr
		srv, err := smb.NewServer(&c, h)
		if err != nil {
			return nil, "", fmt.Errorf("listen on %s: %w", addr, err)
		}
		err = srv.Start()
		if err == nil {
			return srv, addr, nil
		}
		if port != "0" || !errors.Is(err, syscall.EADDRINUSE) || attempt == portAttempts {
			return nil, "", fmt.Errorf("listen on %s: %w", addr, err)
		}
	}
}

// freePort returns host with a port the system has just said is free.
func freePort(ctx context.Context, host string) (string, error) {
	var lc net.ListenConfig
	l, err := lc.Listen(ctx, "tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		return "", err
	}
	addr := l.Addr().String()
	l.Close()
	return addr, nil
}
