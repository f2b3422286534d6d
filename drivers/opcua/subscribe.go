package opcua

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/gopcua/opcua"
	"github.com/gopcua/opcua/id"
	"github.com/gopcua/opcua/ua"

	"github.com/sightglass/sightglass/tags"
)

// Deadband types of a DataChangeFilter (Part 4 §7.22.2).
const (
	deadbandAbsolute = 1
	deadbandPercent  = 2
)

// notifyBuffer is how many publish results may wait for the driver; gopcua
// blocks its publish loop while it is full.
const notifyBuffer = 64

// ErrSessionLost is wrapped by Subscribe's error when the connection or the
// session ended under it.
var ErrSessionLost = errors.New("session lost")

// filter is the client's copy of an item's deadband, in engineering units:
// a server that ignores DataChangeFilter (gopcua's own does) still
// delivers no change inside it, and a server that applies it loses
// nothing, as both follow Part 4 §7.22.2 (a change is reported when
// |last reported − new| > deadband).
type filter struct {
	band float64 // 0: every change
	last float64
	has  bool // last holds the last value delivered, good
}

// pass reports whether vqt is to be delivered, and remembers it if so.
func (f *filter) pass(vqt tags.VQT) bool {
	if f.band <= 0 {
		return true
	}
	if !vqt.Quality.IsGood() {
		f.has = false // the next good value is delivered
		return true
	}
	x := vqt.Value.Float()
	if f.has && math.Abs(x-f.last) <= f.band {
		return false
	}
	f.last, f.has = x, true
	return true
}

// scaleFactor is how many engineering units one raw unit is.
func scaleFactor(def *tags.Def) float64 {
	if def.Scale == nil || def.Scale.Raw[1] == def.Scale.Raw[0] {
		return 1
	}
	return math.Abs((def.Scale.Eng[1] - def.Scale.Eng[0]) / (def.Scale.Raw[1] - def.Scale.Raw[0]))
}

// Subscribe creates the device's subscriptions — one set per poll period,
// whose publishing interval it is — and their monitored items, then
// delivers every change to publish until ctx ends or the session is lost.
//
// Items take their tag's sampling interval (default: the publishing
// interval), queue size (default 1, discard oldest) and deadband, sent as
// a DataChangeFilter and applied again on the client (see filter). They
// are split into subscriptions of at most MaxMonitoredItemsPerSubscription
// items and CreateMonitoredItems calls of at most MaxMonitoredItemsPerCall
// (the server's limits, read at Connect). An item the server refuses
// turns its tag bad with the server's status. Timestamps are the source
// timestamps. Every keep-alive period Subscribe checks that the client is
// still connected and reads the server's state, so that a server that
// vanished without closing the connection is noticed.
func (d *Driver) Subscribe(ctx context.Context, publish func([]tags.Update)) error {
	c, lim, err := d.conn()
	if err != nil {
		return d.wrap("subscribe", err)
	}
	notify := make(chan *opcua.PublishNotificationData, notifyBuffer)
	filters := make([]filter, len(d.slots))
	if err := d.setFilters(ctx, c, filters); err != nil {
		return err
	}
	var refused []tags.Update
	nsubs := 0
	for g := range d.groups {
		period := d.groups[g].Period
		members := d.members[g]
		for start := 0; start < len(members); start += lim.itemsPerSub {
			if lim.subsPerSession > 0 && nsubs >= lim.subsPerSession {
				return d.wrap("subscribe", fmt.Errorf("%d tags need more subscriptions than the server's MaxSubscriptionsPerSession %d",
					len(d.slots), lim.subsPerSession))
			}
			keep := uint32(max(1, int(math.Ceil(float64(defaultKeepAlive)/float64(period)))))
			d.sent.Add(1)
			sub, err := c.Subscribe(ctx, &opcua.SubscriptionParameters{
				Interval: period, MaxKeepAliveCount: keep, LifetimeCount: lifetimeKeepAlives * keep,
				MaxNotificationsPerPublish: maxNotificationsPerPublish,
			}, notify)
			if err != nil {
				d.failed.Add(1)
				return d.ioError(ctx, "create subscription", err)
			}
			nsubs++
			end := min(start+lim.itemsPerSub, len(members))
			bad, err := d.monitor(ctx, sub, members[start:end], lim.itemsPerCall)
			if err != nil {
				return err
			}
			refused = append(refused, bad...)
		}
	}
	if len(refused) > 0 {
		publish(refused)
	}
	if d.created != nil {
		d.created()
	}

	watch := time.NewTicker(max(defaultKeepAlive, d.timeout))
	defer watch.Stop()
	var batch []tags.Update
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-watch.C:
			if err := d.alive(ctx, c); err != nil {
				return err
			}
		case n := <-notify:
			if n.Error != nil {
				return d.wrap("subscription", fmt.Errorf("%w: %v", ErrSessionLost, n.Error))
			}
			switch v := n.Value.(type) {
			case *ua.DataChangeNotification:
				now := time.Now()
				batch = batch[:0]
				for _, it := range v.MonitoredItems {
					if it == nil || int(it.ClientHandle) >= len(d.slots) {
						continue
					}
					k := int(it.ClientHandle)
					s := &d.slots[k]
					vqt := s.vqt(it.Value, now)
					if filters[k].pass(vqt) {
						batch = append(batch, tags.Update{ID: s.id, VQT: vqt})
					}
				}
				if len(batch) > 0 {
					publish(batch)
				}
			case *ua.StatusChangeNotification:
				if uint32(v.Status)>>30 != 0 {
					return d.wrap("subscription", fmt.Errorf("%w: %s", ErrSessionLost, statusName(v.Status)))
				}
			}
		}
	}
}

// alive checks the connection between notifications: the client's state
// and one Read of the server's ServerStatus.State (Part 5 §6.3.1).
func (d *Driver) alive(ctx context.Context, c *opcua.Client) error {
	if st := c.State(); st != opcua.Connected {
		return d.wrap("subscription", fmt.Errorf("%w: client %s", ErrSessionLost, st))
	}
	_, err := d.readOne(ctx, c, ua.NewNumericNodeID(0, id.Server_ServerStatus_State))
	if err != nil {
		return fmt.Errorf("%w: %w", ErrSessionLost, err)
	}
	return nil
}

// monitor creates the items of slots idx on sub, per calls of at most per
// items, and returns the updates of the tags whose items were refused.
func (d *Driver) monitor(ctx context.Context, sub *opcua.Subscription, idx []int, per int) ([]tags.Update, error) {
	var refused []tags.Update
	for start := 0; start < len(idx); start += per {
		chunk := idx[start:min(start+per, len(idx))]
		reqs := make([]*ua.MonitoredItemCreateRequest, len(chunk))
		for i, k := range chunk {
			reqs[i] = d.itemRequest(k, true)
		}
		res, err := d.createItems(ctx, sub, reqs)
		if err != nil {
			return nil, err
		}
		// An item whose filter the server cannot apply is created again
		// without it; the client's copy of the deadband still applies.
		var retry []int
		for i, r := range res.Results {
			if r != nil && filterRefused(r.StatusCode) && reqs[i].RequestedParameters.Filter != nil {
				retry = append(retry, i)
			}
		}
		if len(retry) > 0 {
			again := make([]*ua.MonitoredItemCreateRequest, len(retry))
			for j, i := range retry {
				again[j] = d.itemRequest(chunk[i], false)
			}
			res2, err := d.createItems(ctx, sub, again)
			if err != nil {
				return nil, err
			}
			for j, i := range retry {
				res.Results[i] = res2.Results[j]
			}
		}
		now := time.Now()
		for i, r := range res.Results {
			if r == nil || uint32(r.StatusCode)>>30 != 0 {
				code := ua.StatusBadUnexpectedError
				if r != nil {
					code = r.StatusCode
				}
				refused = append(refused, tags.Update{ID: d.slots[chunk[i]].id, VQT: tags.VQT{Quality: Quality(code), Time: now}})
			}
		}
	}
	return refused, nil
}

// createItems sends one CreateMonitoredItems call.
func (d *Driver) createItems(ctx context.Context, sub *opcua.Subscription, reqs []*ua.MonitoredItemCreateRequest) (*ua.CreateMonitoredItemsResponse, error) {
	tctx, cancel := context.WithTimeout(ctx, d.timeout)
	defer cancel()
	d.sent.Add(1)
	res, err := sub.Monitor(tctx, ua.TimestampsToReturnBoth, reqs...)
	if err == nil && res.ResponseHeader.ServiceResult != ua.StatusOK {
		err = res.ResponseHeader.ServiceResult
	}
	if err == nil && len(res.Results) != len(reqs) {
		err = fmt.Errorf("%d results for %d items", len(res.Results), len(reqs))
	}
	if err != nil {
		d.failed.Add(1)
		return nil, d.ioError(tctx, "create monitored items", err)
	}
	return res, nil
}

// filterRefused reports whether status says the server cannot apply an
// item's filter (Part 4 §5.12.2.4).
func filterRefused(s ua.StatusCode) bool {
	return s == ua.StatusBadFilterNotAllowed || s == ua.StatusBadMonitoredItemFilterUnsupported ||
		s == ua.StatusBadMonitoredItemFilterInvalid || s == ua.StatusBadDeadbandFilterInvalid
}

// itemRequest is the CreateMonitoredItems entry of slot k, with its
// deadband as a DataChangeFilter when withFilter.
func (d *Driver) itemRequest(k int, withFilter bool) *ua.MonitoredItemCreateRequest {
	s := &d.slots[k]
	sampling := -1.0 // Part 4 §5.12.1.2: -1 is the publishing interval
	if s.item.Sampling > 0 {
		sampling = float64(s.item.Sampling) / float64(time.Millisecond)
	}
	queue := s.item.Queue
	if queue == 0 {
		queue = 1
	}
	req := opcua.NewMonitoredItemCreateRequestWithDefaults(s.node, ua.AttributeIDValue, uint32(k))
	req.RequestedParameters.SamplingInterval = sampling
	req.RequestedParameters.QueueSize = queue
	req.RequestedParameters.DiscardOldest = true
	if withFilter {
		var f *ua.DataChangeFilter
		switch {
		case s.item.DeadbandAbs > 0:
			// The server compares raw values.
			f = &ua.DataChangeFilter{Trigger: ua.DataChangeTriggerStatusValue, DeadbandType: deadbandAbsolute, DeadbandValue: s.item.DeadbandAbs / scaleFactor(s.def)}
		case s.item.DeadbandPercent > 0:
			f = &ua.DataChangeFilter{Trigger: ua.DataChangeTriggerStatusValue, DeadbandType: deadbandPercent, DeadbandValue: s.item.DeadbandPercent}
		}
		if f != nil {
			req.RequestedParameters.Filter = ua.NewExtensionObject(f)
		}
	}
	return req
}

// setFilters sets the client's copy of each deadband. A percent deadband
// is of the node's EURange property (Part 8 §5.3.2), found with one Browse
// call for all such nodes and read with one Read; a node without one
// keeps no client-side copy (the server must refuse or apply it).
func (d *Driver) setFilters(ctx context.Context, c *opcua.Client, filters []filter) error {
	var pct []int
	for k := range d.slots {
		it := d.slots[k].item
		switch {
		case it.DeadbandAbs > 0:
			filters[k].band = it.DeadbandAbs
		case it.DeadbandPercent > 0:
			pct = append(pct, k)
		}
	}
	if len(pct) == 0 {
		return nil
	}
	req := &ua.BrowseRequest{View: &ua.ViewDescription{ViewID: ua.NewTwoByteNodeID(0)}, RequestedMaxReferencesPerNode: 0}
	for _, k := range pct {
		req.NodesToBrowse = append(req.NodesToBrowse, &ua.BrowseDescription{
			NodeID: d.slots[k].node, BrowseDirection: ua.BrowseDirectionForward,
			ReferenceTypeID: ua.NewNumericNodeID(0, id.HasProperty), IncludeSubtypes: true,
			NodeClassMask: uint32(ua.NodeClassVariable), ResultMask: uint32(ua.BrowseResultMaskBrowseName),
		})
	}
	tctx, cancel := context.WithTimeout(ctx, d.timeout)
	defer cancel()
	d.sent.Add(1)
	res, err := c.Browse(tctx, req)
	if err != nil {
		d.failed.Add(1)
		return d.ioError(tctx, "browse EURange", err)
	}
	var ranges []*ua.NodeID
	var owner []int
	for i, r := range res.Results {
		if i >= len(pct) || r == nil || r.StatusCode != ua.StatusOK {
			continue
		}
		for _, ref := range r.References {
			if ref.BrowseName != nil && ref.BrowseName.Name == "EURange" && ref.NodeID != nil {
				ranges = append(ranges, ref.NodeID.NodeID)
				owner = append(owner, pct[i])
				break
			}
		}
	}
	if len(ranges) == 0 {
		return nil
	}
	_, lim, _ := d.conn()
	return d.readNodes(ctx, c, max(1, lim.nodesPerRead), ranges, func(i int, dv *ua.DataValue, _ time.Time) {
		if dv == nil || dv.Status != ua.StatusOK || dv.Value == nil {
			return
		}
		var r *ua.Range
		switch x := dv.Value.Value().(type) {
		case *ua.ExtensionObject:
			r, _ = x.Value.(*ua.Range)
		case *ua.Range:
			r = x
		}
		if r != nil {
			k := owner[i]
			filters[k].band = d.slots[k].item.DeadbandPercent / 100 * math.Abs(r.High-r.Low) * scaleFactor(d.slots[k].def)
		}
	})
}
