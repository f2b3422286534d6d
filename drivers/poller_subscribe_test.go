package drivers

import (
	"context"
	"errors"
	"io"
	"testing"
	"testing/synctest"
	"time"

	"github.com/sightglass/sightglass/tags"
)

// subDriver is a scriptDriver that pushes changes: Subscribe publishes
// what the test sends on push, stamped with the device's own times, until
// lose is closed (the session is lost) or ctx ends.
type subDriver struct {
	scriptDriver
	push chan []tags.Update
	lose chan struct{}
	subs int // Subscribe calls; guarded by scriptDriver.mu
}

func (d *subDriver) Read(context.Context, int, []tags.VQT) error {
	return errors.New("a subscribing driver is not read")
}

func (d *subDriver) Subscribe(ctx context.Context, publish func([]tags.Update)) error {
	d.set(func(*scriptDriver) { d.subs++ })
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-d.lose:
			return io.ErrUnexpectedEOF
		case u := <-d.push:
			publish(u)
		}
	}
}

func TestPollerSubscriber(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p, _, bus := newTestPoller(t)
		drv := &subDriver{scriptDriver: scriptDriver{groups: p.groups}, push: make(chan []tags.Update), lose: make(chan struct{})}
		p.drv = drv
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan struct{})
		go func() { p.Run(ctx); close(done) }()

		// A change carries the device's timestamp, not the poller's.
		src := time.Now().Add(-time.Hour)
		drv.push <- []tags.Update{{ID: 0, VQT: tags.VQT{Value: tags.Float(1.5), Quality: tags.GoodQuality, Time: src}}}
		synctest.Wait()
		if v := bus.Get(0); v.Value.Float() != 1.5 || !v.Time.Equal(src) {
			t.Errorf("after a change: %v at %v, want 1.5 at the source time %v", v.Value, v.Time, src)
		}
		// Writes are served while Subscribe blocks.
		if got, err := p.Write(ctx, 1, tags.Float(9)); err != nil || got.Value.Float() != 9 {
			t.Errorf("Write = %v, %v", got.Value, err)
		}
		// Nothing polls a subscribing driver.
		time.Sleep(time.Second)
		if s := p.Stats(); s.Scans != 1 || s.State != StateConnected {
			t.Errorf("stats %+v, want 1 batch and connected", s)
		}

		// The session is lost: every tag goes bad, the poller backs off,
		// reconnects and subscribes again.
		close(drv.lose)
		synctest.Wait()
		if q := bus.Get(0).Quality; q.IsGood() {
			t.Errorf("after the loss: %v, want bad", q)
		}
		drv.set(func(*scriptDriver) { drv.lose = make(chan struct{}) })
		time.Sleep(MaxBackoff)
		synctest.Wait()
		drv.mu.Lock()
		subs := drv.subs
		drv.mu.Unlock()
		if subs < 2 {
			t.Errorf("Subscribe called %d times, want again after the loss", subs)
		}
		drv.push <- []tags.Update{{ID: 0, VQT: tags.VQT{Value: tags.Float(2), Quality: tags.GoodQuality, Time: time.Now()}}}
		synctest.Wait()
		if v := bus.Get(0); v.Value.Float() != 2 || !v.Quality.IsGood() {
			t.Errorf("after resubscribing: %v %v", v.Value, v.Quality)
		}
		cancel()
		<-done
		if q := bus.Get(0).Quality; q != tags.BadQuality(tags.ReasonStopped, 0) {
			t.Errorf("after stop: %v", q)
		}
	})
}
