package drivers

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sightglass/sightglass/tags"
)

// SystemTags are the IDs of a device's diagnostic tags on the bus
// (_System.Devices.<name>.*). A zero SystemTags publishes none.
type SystemTags struct {
	Valid      bool
	Connected  tags.ID // bool
	State      tags.ID // string: connecting, connected, backoff, stopped
	ResponseMs tags.ID // float: duration of the last scan
	Requests   tags.ID // uint
	Errors     tags.ID // uint
	Reconnects tags.ID // uint
	LastError  tags.ID // string
}

// SystemTagNames returns the names of a device's diagnostic tags, in the
// order of the SystemTags fields, with their types.
func SystemTagNames(device string) []tags.Def {
	p := "_System.Devices." + device + "."
	return []tags.Def{
		{Name: p + "Connected", Type: tags.TypeBool, Description: "device connected"},
		{Name: p + "State", Type: tags.TypeString, Description: "connection state"},
		{Name: p + "ResponseMs", Type: tags.TypeFloat64, Units: "ms", Description: "duration of the last scan"},
		{Name: p + "Requests", Type: tags.TypeUint64, Description: "protocol requests sent"},
		{Name: p + "Errors", Type: tags.TypeUint64, Description: "failed requests and scans"},
		{Name: p + "Reconnects", Type: tags.TypeUint64, Description: "connections opened after the first"},
		{Name: p + "LastError", Type: tags.TypeString, Description: "last error"},
	}
}

// Poller runs one device: it connects its driver, reads each poll group on
// its schedule, publishes the VQTs on the bus, serialises writes between
// reads, and on a connection failure turns every tag of the device bad,
// closes the driver and reconnects with exponential backoff and jitter.
type Poller struct {
	dev    DeviceConfig
	drv    Driver
	bus    *tags.Bus
	sys    SystemTags
	log    *slog.Logger
	groups []Group
	all    []tags.ID // every tag of the device, for turning them bad at once
	boff   backoff
	writes chan writeReq

	mu           sync.Mutex // guards stats, connectFails
	stats        Stats
	connectFails uint64 // failed Connect calls; the driver counts failed requests
}

type writeReq struct {
	ctx   context.Context
	id    tags.ID
	value tags.Value
	reply chan writeReply
}

type writeReply struct {
	vqt tags.VQT
	err error
}

// NewPoller prepares a poller for dev; Run starts it.
func NewPoller(dev DeviceConfig, drv Driver, bus *tags.Bus, sys SystemTags, log *slog.Logger) *Poller {
	p := &Poller{
		dev: dev, drv: drv, bus: bus, sys: sys, log: log.With("device", dev.Name),
		groups: drv.Groups(), boff: newBackoff(), writes: make(chan writeReq),
		stats: Stats{Name: dev.Name, Driver: dev.Driver, Address: dev.Address},
	}
	seen := map[tags.ID]bool{}
	for _, g := range p.groups {
		for _, id := range g.Tags {
			if !seen[id] {
				seen[id] = true
				p.all = append(p.all, id)
			}
		}
	}
	return p
}

// Device returns the device's configuration.
func (p *Poller) Device() DeviceConfig { return p.dev }

// Tags returns every tag the poller reads.
func (p *Poller) Tags() []tags.ID { return p.all }

// Stats returns a copy of the device's diagnostics.
func (p *Poller) Stats() Stats {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := p.stats
	s.Errors = p.connectFails
	if rc, ok := p.drv.(RequestCounter); ok {
		sent, failed := rc.Requests()
		s.Requests = sent
		s.Errors += failed
	}
	return s
}

// Run polls until ctx is cancelled, then closes the driver and marks the
// device's tags bad (stopped). It returns once everything it started has
// ended.
func (p *Poller) Run(ctx context.Context) {
	attempt := 0
	for ctx.Err() == nil {
		p.setState(StateConnecting, time.Time{})
		err := p.drv.Connect(ctx)
		if err == nil {
			p.connected()
			var scans int
			if sub, ok := p.drv.(Subscriber); ok {
				scans, err = p.subscribe(ctx, sub)
			} else {
				scans, err = p.poll(ctx)
			}
			if scans > 0 {
				attempt = 0 // it worked for a while: start the backoff afresh
			}
		} else {
			p.mu.Lock()
			p.connectFails++
			p.mu.Unlock()
		}
		p.drv.Close()
		if ctx.Err() != nil {
			break
		}
		attempt++
		p.fail(err)
		wait := p.boff.delay(attempt)
		p.setState(StateBackoff, time.Now().Add(wait))
		p.log.Warn("device lost; retrying", "err", err, "retry_in", wait.Round(time.Millisecond))
		p.sleep(ctx, wait)
	}
	p.markAll(tags.BadQuality(tags.ReasonStopped, 0))
	p.setState(StateStopped, time.Time{})
}

// connected records a successful connection.
func (p *Poller) connected() {
	p.mu.Lock()
	if p.stats.Connects > 0 {
		p.stats.Reconnects++
	}
	p.stats.Connects++
	p.stats.State = StateConnected
	p.stats.NextRetry = time.Time{}
	p.mu.Unlock()
	p.publishSystem()
}

// sleep waits d or until ctx ends, refusing writes meanwhile.
func (p *Poller) sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			return
		case w := <-p.writes:
			w.reply <- writeReply{err: fmt.Errorf("device %s: %w", p.dev.Name, ErrNotConnected)}
		}
	}
}

// poll reads every group on its schedule until a read fails or ctx ends,
// and returns how many scans succeeded.
func (p *Poller) poll(ctx context.Context) (scans int, err error) {
	if len(p.groups) == 0 {
		<-ctx.Done()
		return 0, ctx.Err()
	}
	next := make([]time.Time, len(p.groups))
	now := time.Now()
	for i := range next {
		next[i] = now
	}
	bufs := make([][]tags.VQT, len(p.groups))
	updates := make([]tags.Update, 0, len(p.all))
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return scans, ctx.Err()
		case w := <-p.writes:
			p.write(w)
			continue
		case <-timer.C:
		}
		for g := range p.groups {
			now := time.Now()
			if now.Before(next[g]) {
				continue
			}
			// A scan on time is stamped with its scheduled time, so the
			// samples of a regular poll are exactly regular (the historian
			// stores such timestamps in about a bit each); a late one with
			// the time it really started.
			stamp := next[g]
			if now.Sub(stamp) > onTime {
				stamp = now
			}
			if err := p.scan(ctx, g, stamp, &bufs[g], &updates); err != nil {
				return scans, err
			}
			scans++
			// The next polls fall on the period's grid (every second on the
			// second), skipping missed ones rather than reading back to back.
			period := p.groups[g].Period
			next[g] = time.Now().Truncate(period).Add(period)
		}
		earliest := next[0]
		for _, n := range next[1:] {
			if n.Before(earliest) {
				earliest = n
			}
		}
		timer.Reset(time.Until(earliest))
	}
}

// errSubscriptionEnded stands for a Subscribe that returned nil while the
// poller was still running, against its contract.
var errSubscriptionEnded = errors.New("subscription ended")

// subscribe runs the driver's Subscribe until it returns, publishing the
// batches it delivers as they come (with the driver's own timestamps) and
// serving writes meanwhile. It returns how many batches arrived.
func (p *Poller) subscribe(ctx context.Context, s Subscriber) (batches int, err error) {
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var n atomic.Int64
	done := make(chan error, 1)
	go func() {
		done <- s.Subscribe(sctx, func(u []tags.Update) {
			p.bus.Publish(u)
			n.Add(1)
			p.mu.Lock()
			p.stats.Scans++
			p.mu.Unlock()
			p.publishSystem()
		})
	}()
	for {
		select {
		case err := <-done:
			if err == nil && ctx.Err() == nil {
				err = errSubscriptionEnded
			}
			return int(n.Load()), err
		case w := <-p.writes:
			p.write(w)
		}
	}
}

// onTime is how late a scan may start and still be stamped with its
// scheduled time: well under any poll period a project can usefully set,
// well over a loaded machine's timer latency.
const onTime = 20 * time.Millisecond

// scan reads group g once and publishes what it read, stamped with stamp.
func (p *Poller) scan(ctx context.Context, g int, stamp time.Time, buf *[]tags.VQT, updates *[]tags.Update) error {
	ids := p.groups[g].Tags
	if cap(*buf) < len(ids) {
		*buf = make([]tags.VQT, len(ids))
	}
	out := (*buf)[:len(ids)]
	start := time.Now()
	if err := p.drv.Read(ctx, g, out); err != nil {
		return err
	}
	elapsed := time.Since(start)
	u := (*updates)[:0]
	for i, id := range ids {
		out[i].Time = stamp
		u = append(u, tags.Update{ID: id, VQT: out[i]})
	}
	*updates = u
	p.bus.Publish(u)
	p.mu.Lock()
	p.stats.Scans++
	p.stats.ResponseTime = elapsed
	p.mu.Unlock()
	p.publishSystem()
	return nil
}

func (p *Poller) write(w writeReq) {
	vqt, err := p.drv.Write(w.ctx, w.id, w.value)
	if err == nil {
		p.bus.Publish([]tags.Update{{ID: w.id, VQT: vqt}})
	} else {
		p.mu.Lock()
		p.stats.LastError = err.Error()
		p.stats.LastErrorTime = time.Now()
		p.mu.Unlock()
	}
	w.reply <- writeReply{vqt: vqt, err: err}
}

// Write asks the polling goroutine to write v to tag id between two reads
// and returns the value read back. It fails with ErrNotConnected while the
// device is down.
func (p *Poller) Write(ctx context.Context, id tags.ID, v tags.Value) (tags.VQT, error) {
	req := writeReq{ctx: ctx, id: id, value: v, reply: make(chan writeReply, 1)}
	select {
	case p.writes <- req:
	case <-ctx.Done():
		return tags.VQT{}, ctx.Err()
	}
	select {
	case r := <-req.reply:
		return r.vqt, r.err
	case <-ctx.Done():
		return tags.VQT{}, ctx.Err()
	}
}

// fail records a connection failure and turns the device's tags bad.
func (p *Poller) fail(err error) {
	reason := tags.ReasonNoComm
	switch {
	case errors.Is(err, ErrTimeout):
		reason = tags.ReasonTimeout
	case errors.Is(err, ErrSecurity):
		reason = tags.ReasonConfigError
	}
	p.mu.Lock()
	p.stats.LastError = err.Error()
	p.stats.LastErrorTime = time.Now()
	p.mu.Unlock()
	p.markAll(tags.BadQuality(reason, 0))
}

// markAll gives every tag of the device quality q, keeping its last value.
func (p *Poller) markAll(q tags.Quality) {
	now := time.Now()
	batch := make([]tags.Update, len(p.all))
	for i, id := range p.all {
		batch[i] = tags.Update{ID: id, VQT: tags.VQT{Value: p.bus.Get(id).Value, Quality: q, Time: now}}
	}
	p.bus.Publish(batch)
}

func (p *Poller) setState(s ConnState, retry time.Time) {
	p.mu.Lock()
	p.stats.State = s
	p.stats.NextRetry = retry
	p.mu.Unlock()
	p.publishSystem()
}

// publishSystem publishes the device's diagnostics as system tags.
func (p *Poller) publishSystem() {
	if !p.sys.Valid {
		return
	}
	s := p.Stats()
	now := time.Now()
	good := func(id tags.ID, v tags.Value) tags.Update {
		return tags.Update{ID: id, VQT: tags.VQT{Value: v, Quality: tags.GoodQuality, Time: now}}
	}
	batch := []tags.Update{
		good(p.sys.Connected, tags.Bool(s.State == StateConnected)),
		good(p.sys.State, tags.String(s.State.String())),
		good(p.sys.ResponseMs, tags.Float(float64(s.ResponseTime.Microseconds())/1000)),
		good(p.sys.Requests, tags.Uint(s.Requests)),
		good(p.sys.Errors, tags.Uint(s.Errors)),
		good(p.sys.Reconnects, tags.Uint(s.Reconnects)),
		good(p.sys.LastError, tags.String(s.LastError)),
	}
	if s.State == StateConnecting && s.Connects == 0 && s.Errors == 0 {
		// The first connection is under way: Connected is not known yet,
		// and a false here would raise a lost-device alarm at every start.
		batch = batch[1:]
	}
	p.bus.Publish(batch)
}
