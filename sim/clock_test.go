package sim

import (
	"context"
	"log/slog"
	"testing"
	"testing/synctest"
	"time"

	client "github.com/goburrow/modbus"
	"go.uber.org/goleak"
)

func TestClockStepsInRealTime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := New(1)
		stop := make(chan struct{})
		done := make(chan struct{})
		go func() {
			runClock(p, 100*time.Millisecond, stop)
			close(done)
		}()
		time.Sleep(10*time.Second + time.Millisecond) // fake time: 100 ticks
		synctest.Wait()
		if got := p.State().Elapsed; got != 10*time.Second {
			t.Errorf("plant time %v after 10 s of ticks", got)
		}
		close(stop)
		<-done
	})
}

// addrHandler passes the addr attribute of the first record with one.
type addrHandler struct {
	slog.Handler
	addr chan string
}

func (addrHandler) Enabled(context.Context, slog.Level) bool { return true }

func (h addrHandler) Handle(ctx context.Context, r slog.Record) error {
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "addr" {
			select {
			case h.addr <- a.Value.String():
			default:
			}
		}
		return true
	})
	return nil
}

func TestServeUntilCancelled(t *testing.T) {
	log := addrHandler{Handler: slog.DiscardHandler, addr: make(chan string, 1)}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error)
	go func() { done <- Serve(ctx, "127.0.0.1:0", New(1), WithLogger(slog.New(log))) }()

	var addr string
	select {
	case addr = <-log.addr:
	case err := <-done:
		t.Fatalf("Serve returned early: %v", err)
	}
	h := client.NewTCPClientHandler(addr)
	h.IdleTimeout = 0
	if b, err := client.NewClient(h).ReadHoldingRegisters(120, 16); err != nil || string(b[:len(PlantName)]) != PlantName {
		t.Errorf("plant name from %s: %q, %v", addr, b, err)
	}
	h.Close()
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Serve: %v", err)
	}
	goleak.VerifyNone(t)
}
