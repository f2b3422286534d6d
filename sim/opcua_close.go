package sim

import (
	"github.com/gopcua/opcua/server"
	"github.com/gopcua/opcua/ua"

	"github.com/sightglass/sightglass/internal/uaserver"
)

// Working around gopcua v0.8.0's server, as the gateway does (the why is
// in internal/uaserver and gateway/opcua.go):
//
//   - Its Close waits up to 10 s for every connected client to hang up,
//     which gopcua's own client does not do; uaserver.Close closes their
//     TCP connections through the server's unexported fields.
//   - Its subscriptions each run a goroutine that ends only when the
//     subscription is deleted or times out (minutes); CloseSession ignores
//     DeleteSubscriptions, so closeUA deletes what is left.
//   - Its ChangeNotification blocks on a full subscription queue while
//     holding the monitored items' lock; notifyItems never blocks.

// closeUA closes srv, the TCP connection of every client and every
// subscription left, waiting at most uaserver.CloseWait for the
// connections' goroutines; false when it gave up waiting.
func closeUA(srv *server.Server) bool {
	ok := uaserver.Close(srv)
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
