//go:build pprof

package main

// A build with -tags pprof serves net/http/pprof on the loopback address
// in SIGHTGLASS_PPROF (for example 127.0.0.1:6060), for measuring the
// station (scripts/measure-2000-tags.sh). Release builds do not have it.

import (
	"log/slog"
	"net"
	"net/http"
	_ "net/http/pprof"
	"os"
)

func init() {
	addr := os.Getenv("SIGHTGLASS_PPROF")
	if addr == "" {
		return
	}
	if host, _, err := net.SplitHostPort(addr); err != nil || !net.ParseIP(host).IsLoopback() {
		slog.Error("pprof: SIGHTGLASS_PPROF must be a loopback host:port", "addr", addr)
		return
	}
	go func() {
		slog.Info("pprof serving", "addr", addr)
		if err := http.ListenAndServe(addr, nil); err != nil {
			slog.Error("pprof", "err", err)
		}
	}()
}
