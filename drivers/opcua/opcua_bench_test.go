package opcua

import (
	"context"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sightglass/sightglass/tags"
)

// benchServer starts a server with n Double variables V0..Vn-1 and a
// driver with one tag on each, polled (published) every period.
func benchServer(b *testing.B, n int, period time.Duration) (*testServer, *Driver) {
	b.Helper()
	vars := make([]variable, n)
	for i := range vars {
		vars[i] = variable{name: "V" + strconv.Itoa(i), value: 0.0}
	}
	ts := startServer(b, 0, vars)
	defs := make([]tags.Def, n)
	for i := range defs {
		defs[i] = tags.Def{Name: "B.V" + strconv.Itoa(i), Address: ts.addr("V" + strconv.Itoa(i)), Type: tags.TypeFloat64}
	}
	dev := testDevice(ts)
	dev.Poll, dev.Timeout = period, 30*time.Second
	d, err := NewDriver(dev, tagDefs(defs...))
	if err != nil {
		b.Fatal(err)
	}
	for i := range d.slots {
		d.slots[i].item.Sampling = period
	}
	if err := d.Connect(b.Context()); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { d.Close() })
	return ts, d
}

// BenchmarkSubscribe10k: 10,000 monitored items at 100 ms sampling from
// one in-process gopcua server. Reports the time to create every
// subscription and item (target ≤ 2 s) and to receive every initial
// value, then changes every value every 100 ms for 2 s and reports the
// notifications processed per second and those lost (changes whose value
// never arrived: target 0). gopcua's server does not sample: each change
// is pushed with Server.ChangeNotification, and its queue per item is 1,
// so a change overtaken by the next one before a publish is lost there.
//
// Run with publishing intervals of 100 ms (changes as often as publishes:
// two changes can fall between two publishes and the server keeps only
// the last) and 50 ms (a publish between any two changes: any loss would
// be the driver's).
func BenchmarkSubscribe10k(b *testing.B) {
	for _, pub := range []time.Duration{100 * time.Millisecond, 50 * time.Millisecond} {
		b.Run("publish="+pub.String(), func(b *testing.B) { benchSubscribe(b, pub) })
	}
}

func benchSubscribe(b *testing.B, publishing time.Duration) {
	const n, period, rounds = 10000, 100 * time.Millisecond, 20
	ts, d := benchServer(b, n, publishing)
	for i := range d.slots {
		d.slots[i].item.Sampling = period
	}
	vars := make([]*testVar, n)
	for i := range vars {
		vars[i] = ts.v("V" + strconv.Itoa(i))
	}
	for b.Loop() {
		// seen[i] is the last round whose value of item i arrived.
		var seen [n]atomic.Int64
		var got0 [n]atomic.Bool
		var delivered atomic.Int64
		allInitial := make(chan struct{})
		var initial atomic.Int64
		created := make(chan time.Time, 1)
		d.created = func() { created <- time.Now() }
		ctx, cancel := context.WithCancel(b.Context())
		done := make(chan error, 1)
		start := time.Now()
		go func() {
			done <- d.Subscribe(ctx, func(batch []tags.Update) {
				delivered.Add(int64(len(batch)))
				for _, u := range batch {
					r := int64(u.VQT.Value.Float())
					seen[u.ID].Store(r)
					if !got0[u.ID].Swap(true) && initial.Add(1) == n {
						close(allInitial)
					}
				}
			})
		}()
		var createdAt time.Time
		select {
		case createdAt = <-created:
		case err := <-done:
			b.Fatalf("Subscribe: %v", err)
		}
		select {
		case <-allInitial:
		case <-time.After(30 * time.Second):
			b.Fatalf("initial values: %d of %d in 30 s", initial.Load(), n)
		}
		initialAt := time.Now()
		for i := range seen {
			seen[i].Store(-1)
		}
		delivered.Store(0)

		// Every item changes to the round's number, every period.
		loadStart := time.Now()
		tick := time.NewTicker(period)
		for r := 1; r <= rounds; r++ {
			<-tick.C
			for _, v := range vars {
				ts.setVar(v, float64(r))
			}
		}
		tick.Stop()
		changesDone := time.Now()
		// Wait for the last round (or 5 s).
		deadline := time.After(5 * time.Second)
	wait:
		for {
			last := 0
			for i := range seen {
				if seen[i].Load() == rounds {
					last++
				}
			}
			if last == n {
				break
			}
			select {
			case <-deadline:
				break wait
			case <-time.After(10 * time.Millisecond):
			}
		}
		elapsed := time.Since(loadStart)
		missing := 0
		for i := range seen {
			if seen[i].Load() != rounds {
				missing++
			}
		}
		cancel()
		<-done
		got := delivered.Load()
		b.ReportMetric(createdAt.Sub(start).Seconds(), "s-create")
		b.ReportMetric(initialAt.Sub(start).Seconds(), "s-initial")
		b.ReportMetric(float64(got)/elapsed.Seconds(), "notif/s")
		b.ReportMetric(float64(n*rounds)/changesDone.Sub(loadStart).Seconds(), "changes/s")
		b.ReportMetric(float64(int64(n*rounds)-got), "lost")
		b.ReportMetric(float64(missing), "final-missing")
	}
}

// setVar changes v without looking it up by name.
func (ts *testServer) setVar(v *testVar, x float64) {
	v.val.Store(newDV(x))
	ts.srv.ChangeNotification(v.node)
}

// BenchmarkRead2000: one batched Read of 2,000 nodes (calls of the
// server's MaxNodesPerRead, 32 for gopcua's) against one Read call per
// node, in the same run; reports both and their ratio.
func BenchmarkRead2000(b *testing.B) {
	const n = 2000
	_, d := benchServer(b, n, time.Second)
	out := make([]tags.VQT, n)
	var batched, single time.Duration
	for b.Loop() {
		t0 := time.Now()
		if err := d.Read(b.Context(), 0, out); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		if err := d.readOneByOne(b.Context(), 0, out); err != nil {
			b.Fatal(err)
		}
		batched += t1.Sub(t0)
		single += time.Since(t1)
	}
	b.ReportMetric(float64(batched.Microseconds())/1000/float64(b.N), "ms-batched")
	b.ReportMetric(float64(single.Microseconds())/1000/float64(b.N), "ms-per-node")
	b.ReportMetric(float64(single)/float64(batched), "ratio")
	b.ReportMetric(float64((n+d.lim.nodesPerRead-1)/d.lim.nodesPerRead), "calls-batched")
}
