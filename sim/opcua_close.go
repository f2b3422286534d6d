package sim

import (
	"reflect"
	"sync"
	"time"
	"unsafe"

	"github.com/gopcua/opcua/server"
	"github.com/gopcua/opcua/ua"
	"github.com/gopcua/opcua/uacp"
)

// Working around gopcua v0.8.0's server, as the gateway does (the why is
// in gateway/opcua_close.go and gateway/opcua.go; sim imports protocol
// libraries only, so the minimal part is copied here):
//
//   - Its Close waits up to 10 s for every connected client to hang up,
//     which gopcua's own client does not do; closeConns closes their TCP
//     connections through the server's unexported fields.
//   - Its subscriptions each run a goroutine that ends only when the
//     subscription is deleted or times out (minutes); CloseSession ignores
//     DeleteSubscriptions, so closeUA deletes what is left.
//   - Its ChangeNotification blocks on a full subscription queue while
//     holding the monitored items' lock; notifyItems never blocks.

// closeWait bounds how long closeUA waits for gopcua's Close.
const closeWait = 2 * time.Second

// closeUA closes srv, the TCP connection of every client and every
// subscription left, waiting at most closeWait for the connections'
// goroutines; false when it gave up waiting.
func closeUA(srv *server.Server) bool {
	done := make(chan struct{})
	go func() {
		defer close(done)
		srv.Close()
	}()
	deadline := time.After(closeWait)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	ok := false
wait:
	for {
		// Again on every tick: a client accepted just before the listener
		// closed registers its channel a moment later.
		closeConns(srv)
		select {
		case <-done:
			ok = true
			break wait
		case <-deadline:
			break wait
		case <-tick.C:
		}
	}
	if subs := srv.SubscriptionService; subs != nil {
		subs.Mu.Lock()
		ids := make([]uint32, 0, len(subs.Subs))
		for id := range subs.Subs {
			ids = append(ids, id)
		}
		subs.Mu.Unlock()
		for _, id := range ids {
			subs.DeleteSubscription(id) // ends its goroutine
		}
	}
	return ok
}

// closeConns closes the TCP connection of every secure channel of srv
// and returns how many it found (-1 when srv's fields are not the ones
// of gopcua v0.8.0). A copy of the gateway's.
func closeConns(srv *server.Server) int {
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

// notifyItems queues node's current value to every monitored item of it
// (key is node.String(), gopcua's key); false when a subscription's queue
// was full, so the value is offered again next time.
func notifyItems(srv *server.Server, ns *server.NodeNameSpace, node *ua.NodeID, key string) bool {
	mis := srv.MonitoredItemService
	if mis == nil {
		return true
	}
	mis.Mu.Lock()
	defer mis.Mu.Unlock()
	ok := true
	for _, item := range mis.Nodes[key] {
		if item == nil || item.Sub == nil || item.Req == nil || item.Req.ItemToMonitor == nil {
			continue
		}
		n := &ua.MonitoredItemNotification{
			ClientHandle: item.Req.RequestedParameters.ClientHandle,
			Value:        ns.Attribute(node, item.Req.ItemToMonitor.AttributeID),
		}
		select {
		case item.Sub.NotifyChannel <- n:
		default:
			ok = false
		}
	}
	return ok
}
