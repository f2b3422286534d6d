package gateway

import (
	"fmt"
	"math"
	"time"

	"github.com/gopcua/opcua/id"
	"github.com/gopcua/opcua/server"
	"github.com/gopcua/opcua/ua"
	"github.com/gopcua/opcua/uasc"
)

// handlers registers the gateway's own service handlers, before Start
// (gopcua keeps the first handler registered for a service):
//
//   - Write refuses every node: BadNotWritable for the gateway's tags,
//     BadUserAccessDenied for the server's own nodes (gopcua's Write would
//     set them, racing with reads);
//   - AddNodes, AddReferences, DeleteNodes, DeleteReferences: refused with
//     BadUserAccessDenied;
//   - Read and Browse as gopcua's, except that Browse always includes
//     subtypes of the reference type (gopcua v0.8.0's filter without them
//     loops until it panics) and neither can take the station down: a
//     panic in a handler answers BadInternalError;
//   - CreateSubscription bounds the publishing interval (gopcua makes a
//     ticker of it, and a ticker of 0 panics);
//   - the other subscription and monitored item services are gopcua's,
//     behind the same panic guard (some of them dereference unknown IDs).
func (s *opcuaServer) handlers() {
	reg := func(typeID uint16, h server.Handler) { s.srv.RegisterHandler(typeID, s.guard(h)) }
	reg(id.WriteRequest_Encoding_DefaultBinary, s.write)
	for _, t := range []uint16{id.AddNodesRequest_Encoding_DefaultBinary, id.AddReferencesRequest_Encoding_DefaultBinary,
		id.DeleteNodesRequest_Encoding_DefaultBinary, id.DeleteReferencesRequest_Encoding_DefaultBinary} {
		reg(t, func(_ *uasc.SecureChannel, r ua.Request, _ uint32) (ua.Response, error) {
			return &ua.ServiceFault{ResponseHeader: header(r, ua.StatusBadUserAccessDenied)}, nil
		})
	}
	reg(id.ReadRequest_Encoding_DefaultBinary, s.read)
	reg(id.BrowseRequest_Encoding_DefaultBinary, s.browse)
	reg(id.CreateSubscriptionRequest_Encoding_DefaultBinary, func(sc *uasc.SecureChannel, r ua.Request, reqID uint32) (ua.Response, error) {
		if req, ok := r.(*ua.CreateSubscriptionRequest); ok {
			p := req.RequestedPublishingInterval
			if math.IsNaN(p) || p < minPublishing {
				p = minPublishing
			}
			req.RequestedPublishingInterval = min(p, maxPublishing)
		}
		return s.srv.SubscriptionService.CreateSubscription(sc, r, reqID)
	})
	sub := func(f func(*server.SubscriptionService) server.Handler) server.Handler {
		return func(sc *uasc.SecureChannel, r ua.Request, reqID uint32) (ua.Response, error) {
			return f(s.srv.SubscriptionService)(sc, r, reqID)
		}
	}
	items := func(f func(*server.MonitoredItemService) server.Handler) server.Handler {
		return func(sc *uasc.SecureChannel, r ua.Request, reqID uint32) (ua.Response, error) {
			return f(s.srv.MonitoredItemService)(sc, r, reqID)
		}
	}
	reg(id.ModifySubscriptionRequest_Encoding_DefaultBinary, sub(func(x *server.SubscriptionService) server.Handler { return x.ModifySubscription }))
	reg(id.SetPublishingModeRequest_Encoding_DefaultBinary, sub(func(x *server.SubscriptionService) server.Handler { return x.SetPublishingMode }))
	reg(id.PublishRequest_Encoding_DefaultBinary, sub(func(x *server.SubscriptionService) server.Handler { return x.Publish }))
	reg(id.RepublishRequest_Encoding_DefaultBinary, sub(func(x *server.SubscriptionService) server.Handler { return x.Republish }))
	reg(id.DeleteSubscriptionsRequest_Encoding_DefaultBinary, sub(func(x *server.SubscriptionService) server.Handler { return x.DeleteSubscriptions }))
	reg(id.CreateMonitoredItemsRequest_Encoding_DefaultBinary, items(func(x *server.MonitoredItemService) server.Handler { return x.CreateMonitoredItems }))
	reg(id.SetMonitoringModeRequest_Encoding_DefaultBinary, items(func(x *server.MonitoredItemService) server.Handler { return x.SetMonitoringMode }))
	reg(id.DeleteMonitoredItemsRequest_Encoding_DefaultBinary, items(func(x *server.MonitoredItemService) server.Handler { return x.DeleteMonitoredItems }))
}

// guard turns a panic in h into BadInternalError, logged.
func (s *opcuaServer) guard(h server.Handler) server.Handler {
	return func(sc *uasc.SecureChannel, r ua.Request, reqID uint32) (resp ua.Response, err error) {
		defer func() {
			if p := recover(); p != nil {
				s.log.Warn("opc ua gateway: a request failed inside gopcua", "request", typeName(r), "panic", p)
				resp, err = nil, ua.StatusBadInternalError
			}
		}()
		return h(sc, r, reqID)
	}
}

func typeName(r ua.Request) string { return fmt.Sprintf("%T", r) }

// header is a response header answering r.
func header(r ua.Request, status ua.StatusCode) *ua.ResponseHeader {
	h := &ua.ResponseHeader{
		Timestamp: time.Now(), ServiceResult: status,
		ServiceDiagnostics: &ua.DiagnosticInfo{}, StringTable: []string{}, AdditionalHeader: ua.NewExtensionObject(nil),
	}
	if r != nil && r.Header() != nil {
		h.RequestHandle = r.Header().RequestHandle
	}
	return h
}

// write refuses every node.
func (s *opcuaServer) write(_ *uasc.SecureChannel, r ua.Request, _ uint32) (ua.Response, error) {
	req, ok := r.(*ua.WriteRequest)
	if !ok {
		return nil, ua.StatusBadRequestTypeInvalid
	}
	results := make([]ua.StatusCode, len(req.NodesToWrite))
	for i, w := range req.NodesToWrite {
		results[i] = ua.StatusBadUserAccessDenied
		if w != nil && w.NodeID != nil && w.NodeID.Namespace() == s.ns.ID() {
			results[i] = ua.StatusBadNotWritable
		}
	}
	if len(req.NodesToWrite) > 0 {
		s.log.Info("opc ua gateway: write refused: the gateway is read-only", "nodes", len(req.NodesToWrite))
	}
	return &ua.WriteResponse{ResponseHeader: header(r, ua.StatusOK), Results: results, DiagnosticInfos: []*ua.DiagnosticInfo{}}, nil
}

// read answers each node's attribute from its namespace.
func (s *opcuaServer) read(_ *uasc.SecureChannel, r ua.Request, _ uint32) (ua.Response, error) {
	req, ok := r.(*ua.ReadRequest)
	if !ok {
		return nil, ua.StatusBadRequestTypeInvalid
	}
	results := make([]*ua.DataValue, len(req.NodesToRead))
	for i, n := range req.NodesToRead {
		if n == nil || n.NodeID == nil {
			results[i] = &ua.DataValue{EncodingMask: ua.DataValueStatusCode, Status: ua.StatusBadNodeIDInvalid}
			continue
		}
		ns, err := s.srv.Namespace(int(n.NodeID.Namespace()))
		if err != nil {
			results[i] = &ua.DataValue{EncodingMask: ua.DataValueStatusCode, Status: ua.StatusBadNodeIDUnknown}
			continue
		}
		results[i] = ns.Attribute(n.NodeID, n.AttributeID)
	}
	return &ua.ReadResponse{ResponseHeader: header(r, ua.StatusOK), Results: results, DiagnosticInfos: []*ua.DiagnosticInfo{}}, nil
}

// browse answers each node's references from its namespace.
func (s *opcuaServer) browse(_ *uasc.SecureChannel, r ua.Request, _ uint32) (ua.Response, error) {
	req, ok := r.(*ua.BrowseRequest)
	if !ok {
		return nil, ua.StatusBadRequestTypeInvalid
	}
	results := make([]*ua.BrowseResult, len(req.NodesToBrowse))
	for i, bd := range req.NodesToBrowse {
		if bd == nil || bd.NodeID == nil {
			results[i] = &ua.BrowseResult{StatusCode: ua.StatusBadNodeIDInvalid}
			continue
		}
		if bd.ReferenceTypeID == nil {
			bd.ReferenceTypeID = ua.NewNumericNodeID(0, 0)
		}
		bd.IncludeSubtypes = true
		ns, err := s.srv.Namespace(int(bd.NodeID.Namespace()))
		if err != nil {
			results[i] = &ua.BrowseResult{StatusCode: ua.StatusBadNodeIDUnknown}
			continue
		}
		results[i] = ns.Browse(bd)
	}
	return &ua.BrowseResponse{ResponseHeader: header(r, ua.StatusOK), Results: results, DiagnosticInfos: []*ua.DiagnosticInfo{}}, nil
}
