package tags

import (
	"sync"
	"testing"
	"time"
)

// BenchmarkBusThroughput measures tag updates per second through the bus
// with 4 lossless subscribers draining their queues and one snapshot reader
// copying the whole table continuously (the HMI reads at 5 Hz; this is far
// harsher). Every update is a change. Batches of 500 updates (one driver
// scan) over 10,000 tags. Target: ≥ 2 million updates/s on 2 cores.
func BenchmarkBusThroughput(b *testing.B) {
	const ntags, batchSize, nsubs = 10_000, 500, 4
	bus := NewBus(testTable(ntags))
	done := make(chan struct{})
	var wg sync.WaitGroup
	var received [nsubs]int
	for i := range nsubs {
		s := bus.Subscribe("bench")
		wg.Go(func() {
			var buf [][]Update
			count := func() {
				buf = s.Batches(buf[:0])
				for _, batch := range buf {
					received[i] += len(batch)
				}
			}
			for {
				select {
				case <-s.C():
					count()
				case <-done:
					count()
					return
				}
			}
		})
	}
	wg.Go(func() {
		var snap []VQT
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				snap, _ = bus.Snapshot(snap)
			}
		}
	})
	batch := make([]Update, batchSize)
	now := time.Now()
	b.ResetTimer()
	start := time.Now()
	next := 0
	for n := 0; n < b.N; n += batchSize {
		for i := range batch {
			batch[i] = Update{ID(next % ntags), good(float64(n+i), now)}
			next++
		}
		bus.Publish(batch)
	}
	close(done)
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	for i, r := range received {
		if r < b.N-batchSize && b.N > batchSize {
			b.Fatalf("subscriber %d received %d of %d", i, r, b.N)
		}
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "updates/s")
}
