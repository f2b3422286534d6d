// Package uaserver works around gopcua v0.8.0's OPC UA server for the
// packages that serve OPC UA (gateway, sim): stopping it while clients
// are connected.
package uaserver

import (
	"reflect"
	"sync"
	"time"
	"unsafe"

	"github.com/gopcua/opcua/server"
	"github.com/gopcua/opcua/uacp"
)

// Stopping gopcua v0.8.0's server. Its Close closes the listener, then
// each secure channel — which sends the client a CloseSecureChannel
// request but leaves the TCP connection open — and waits up to 10 s
// (channelBroker.Close, "todo(fs): magic number") for the goroutine of
// every connection to end. Those goroutines sit in a read of the
// connection (channelBroker.RegisterConn → SecureChannel.Receive), which
// ends only when the client hangs up; gopcua's own client does not on
// that request, so any connected client made Close take 10 s, and the
// station's Stop with it. The server exposes neither its connections nor
// a way to close them, so CloseConns reaches them through its unexported
// fields, checked by name and type: if a gopcua upgrade renames them it
// closes nothing and stopping falls back to a bounded wait.

// CloseWait bounds how long Close waits for gopcua's Close before it
// leaves it running.
const CloseWait = 2 * time.Second

// Close closes srv and the TCP connection of every client, waiting at
// most CloseWait; false when it gave up waiting.
func Close(srv *server.Server) bool {
	done := make(chan struct{})
	go func() {
		defer close(done)
		srv.Close()
	}()
	deadline := time.After(CloseWait)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		// Again on every tick: a client accepted just before the listener
		// closed registers its channel a moment later.
		CloseConns(srv)
		select {
		case <-done:
			return true
		case <-deadline:
			return false
		case <-tick.C:
		}
	}
}

// CloseConns closes the TCP connection of every secure channel of srv
// and returns how many it found (-1 when srv's fields are not the ones
// of gopcua v0.8.0).
func CloseConns(srv *server.Server) int {
	sv := reflect.ValueOf(srv).Elem().FieldByName("cb")
	if !sv.IsValid() || sv.Kind() != reflect.Pointer || sv.IsNil() {
		return -1
	}
	cb := sv.Elem()
	mu, chans := cb.FieldByName("mu"), cb.FieldByName("s")
	if !mu.IsValid() || mu.Type() != reflect.TypeFor[sync.RWMutex]() || !chans.IsValid() || chans.Kind() != reflect.Map {
		return -1
	}
	elem := chans.Type().Elem() // *uasc.SecureChannel
	if elem.Kind() != reflect.Pointer {
		return -1
	}
	cf, ok := elem.Elem().FieldByName("c")
	if !ok || cf.Type != reflect.TypeFor[*uacp.Conn]() {
		return -1
	}
	lock := (*sync.RWMutex)(unsafe.Pointer(mu.UnsafeAddr()))
	lock.RLock()
	defer lock.RUnlock()
	n := 0
	for it := chans.MapRange(); it.Next(); {
		sc := it.Value()
		if sc.IsNil() {
			continue
		}
		c := reflect.NewAt(elem.Elem(), sc.UnsafePointer()).Elem().FieldByIndex(cf.Index)
		if c.IsNil() {
			continue
		}
		(*uacp.Conn)(c.UnsafePointer()).Close()
		n++
	}
	return n
}
