package drivers

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/sightglass/sightglass/tags"
)

// scriptDriver is a driver whose behaviour each test scripts. The Modbus
// driver is tested against real servers in drivers/modbus; here the subject
// is the poller's schedule, backoff and bookkeeping, in synctest's bubble.
type scriptDriver struct {
	groups []Group

	mu         sync.Mutex // guards everything below
	connectErr error      // returned by Connect while set
	readErr    error      // returned by Read while set
	connects   []time.Time
	reads      map[int][]time.Time
	value      float64
	written    []tags.Value
	closed     int
}

func (d *scriptDriver) Connect(context.Context) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.connects = append(d.connects, time.Now())
	return d.connectErr
}

func (d *scriptDriver) Groups() []Group { return d.groups }

func (d *scriptDriver) Read(_ context.Context, g int, out []tags.VQT) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.readErr != nil {
		return d.readErr
	}
	if d.reads == nil {
		d.reads = map[int][]time.Time{}
	}
	d.reads[g] = append(d.reads[g], time.Now())
	for i := range out {
		out[i] = tags.VQT{Value: tags.Float(d.value), Quality: tags.GoodQuality, Time: time.Now()}
	}
	return nil
}

func (d *scriptDriver) Write(_ context.Context, id tags.ID, v tags.Value) (tags.VQT, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.written = append(d.written, v)
	d.value = v.Float()
	return tags.VQT{Value: v, Quality: tags.GoodQuality, Time: time.Now()}, nil
}

func (d *scriptDriver) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.closed++
	return nil
}

func (d *scriptDriver) set(f func(d *scriptDriver)) {
	d.mu.Lock()
	defer d.mu.Unlock()
	f(d)
}

// newTestPoller makes a device with tags 0,1 polled every 100 ms and tag 2
// every 300 ms, and its seven system tags after them.
func newTestPoller(t *testing.T) (*Poller, *scriptDriver, *tags.Bus) {
	t.Helper()
	defs := []tags.Def{{Name: "a"}, {Name: "b"}, {Name: "c"}}
	defs = append(defs, SystemTagNames("dev")...)
	bus := tags.NewBus(tags.NewTable(defs))
	drv := &scriptDriver{groups: []Group{
		{Period: 100 * time.Millisecond, Tags: []tags.ID{0, 1}, Requests: 1},
		{Period: 300 * time.Millisecond, Tags: []tags.ID{2}, Requests: 1},
	}}
	sys := SystemTags{Valid: true, Connected: 3, State: 4, ResponseMs: 5, Requests: 6, Errors: 7, Reconnects: 8, LastError: 9}
	p := NewPoller(DeviceConfig{Name: "dev", Driver: "script"}, drv, bus, sys, slog.New(slog.DiscardHandler))
	return p, drv, bus
}

func TestPollerSchedule(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p, drv, bus := newTestPoller(t)
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan struct{})
		go func() { p.Run(ctx); close(done) }()
		time.Sleep(time.Second - time.Nanosecond) // fake time: reads at 0, 100, ..., 900 ms
		synctest.Wait()
		drv.mu.Lock()
		fast, slow := len(drv.reads[0]), len(drv.reads[1])
		drv.mu.Unlock()
		if fast != 10 || slow != 4 {
			t.Errorf("in 1 s: %d fast and %d slow scans, want 10 and 4", fast, slow)
		}
		if v := bus.Get(0); !v.Quality.IsGood() {
			t.Errorf("tag quality %v, want good", v.Quality)
		}
		// Scans are stamped with their scheduled times, on the period's grid.
		drv.mu.Lock()
		last := drv.reads[0][len(drv.reads[0])-1]
		drv.mu.Unlock()
		if v := bus.Get(0); !v.Time.Equal(last) || v.Time.UnixNano()%int64(100*time.Millisecond) != 0 {
			t.Errorf("last scan stamped %v, read at %v: want the scheduled time on the 100 ms grid", v.Time, last)
		}
		if v := bus.Get(3); !v.Value.Bool() {
			t.Errorf("_System Connected = %v, want true", v.Value)
		}
		cancel()
		<-done
		if q := bus.Get(0).Quality; q != tags.BadQuality(tags.ReasonStopped, 0) {
			t.Errorf("after stop quality %v, want bad: stopped", q)
		}
		if s := p.Stats(); s.State != StateStopped || s.Scans != 14 {
			t.Errorf("stats after stop: state %v scans %d", s.State, s.Scans)
		}
	})
}

func TestPollerLostDeviceTurnsBadAndReconnects(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p, drv, bus := newTestPoller(t)
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		drv.set(func(d *scriptDriver) { d.value = 42 })
		go p.Run(ctx)
		time.Sleep(50 * time.Millisecond)
		if v := bus.Get(0); v.Value.Float() != 42 || !v.Quality.IsGood() {
			t.Fatalf("before the loss: %v %v", v.Value, v.Quality)
		}
		// The device stops answering: the next poll (at 100 ms) fails.
		drv.set(func(d *scriptDriver) {
			d.readErr = ErrTimeout
			d.connectErr = io.ErrUnexpectedEOF
		})
		time.Sleep(60 * time.Millisecond)
		synctest.Wait()
		for id := tags.ID(0); id < 3; id++ {
			v := bus.Get(id)
			if v.Quality != tags.BadQuality(tags.ReasonTimeout, 0) || v.Value.Float() != 42 {
				t.Errorf("tag %d after the loss: %v %v, want the last value 42, bad: timeout", id, v.Value, v.Quality)
			}
		}
		if s := p.Stats(); s.State != StateBackoff || s.LastError == "" {
			t.Errorf("stats after the loss: %+v", s)
		}
		// Reconnects keep failing for a while, then the device comes back.
		time.Sleep(2 * time.Second)
		drv.set(func(d *scriptDriver) { d.readErr, d.connectErr = nil, nil })
		time.Sleep(MaxBackoff)
		synctest.Wait()
		if v := bus.Get(0); !v.Quality.IsGood() {
			t.Errorf("after reconnect: %v", v.Quality)
		}
		s := p.Stats()
		if s.State != StateConnected || s.Reconnects != 1 {
			t.Errorf("after reconnect: state %v reconnects %d", s.State, s.Reconnects)
		}
		if got := bus.Get(8).Value.Uint(); got != 1 {
			t.Errorf("_System Reconnects = %d", got)
		}
	})
}

func TestPollerBackoffGrowsWithJitter(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p, drv, _ := newTestPoller(t)
		drv.set(func(d *scriptDriver) { d.connectErr = errors.New("connection refused") })
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan struct{})
		go func() { p.Run(ctx); close(done) }()
		time.Sleep(3 * time.Minute)
		cancel()
		<-done
		drv.mu.Lock()
		defer drv.mu.Unlock()
		if len(drv.connects) < 8 {
			t.Fatalf("%d attempts in 3 min", len(drv.connects))
		}
		ceiling := MinBackoff
		for i := 1; i < len(drv.connects); i++ {
			gap := drv.connects[i].Sub(drv.connects[i-1])
			if gap < ceiling/2 || gap >= ceiling {
				t.Errorf("attempt %d after %v, want in [%v, %v)", i, gap, ceiling/2, ceiling)
			}
			ceiling = min(2*ceiling, MaxBackoff)
		}
		if s := p.Stats(); s.Errors != uint64(len(drv.connects)) {
			t.Errorf("errors %d, want %d failed connects", s.Errors, len(drv.connects))
		}
	})
}

func TestPollerWrite(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p, drv, bus := newTestPoller(t)
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		go p.Run(ctx)
		time.Sleep(10 * time.Millisecond)
		got, err := p.Write(ctx, 0, tags.Float(7))
		if err != nil || got.Value.Float() != 7 {
			t.Fatalf("Write = %v, %v", got.Value, err)
		}
		if v := bus.Get(0); v.Value.Float() != 7 {
			t.Errorf("bus after write: %v", v.Value)
		}
		// While the device is down, writes fail at once.
		drv.set(func(d *scriptDriver) { d.readErr, d.connectErr = ErrTimeout, ErrTimeout })
		time.Sleep(200 * time.Millisecond)
		if _, err := p.Write(ctx, 0, tags.Float(8)); !errors.Is(err, ErrNotConnected) {
			t.Errorf("write while down: %v, want ErrNotConnected", err)
		}
	})
}

func TestBackoffDelay(t *testing.T) {
	b := backoff{min: time.Second, max: 8 * time.Second, rand: func() float64 { return 0.5 }}
	want := []time.Duration{750 * time.Millisecond, 1500 * time.Millisecond, 3 * time.Second, 6 * time.Second, 6 * time.Second}
	for i, w := range want {
		if got := b.delay(i + 1); got != w {
			t.Errorf("delay(%d) = %v, want %v", i+1, got, w)
		}
	}
}
