package tags

import (
	"math"
	"sync"
	"testing"
	"time"
)

func testTable(n int) *Table {
	defs := make([]Def, n)
	for i := range defs {
		defs[i] = Def{Name: "T" + string(rune('a'+i%26)) + itoa(i), Type: TypeFloat64}
	}
	return NewTable(defs)
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}

func good(v float64, t time.Time) VQT { return VQT{Value: Float(v), Quality: GoodQuality, Time: t} }

func TestBusStartsBadNotRead(t *testing.T) {
	b := NewBus(testTable(3))
	snap, ver := b.Snapshot(nil)
	if len(snap) != 3 || ver != 0 {
		t.Fatalf("snapshot len %d version %d, want 3 and 0", len(snap), ver)
	}
	for i, v := range snap {
		if v.Quality != BadQuality(ReasonNotRead, 0) {
			t.Errorf("tag %d quality %v, want bad: not read yet", i, v.Quality)
		}
	}
}

func TestBusFansOutChangesInOrder(t *testing.T) {
	b := NewBus(testTable(4))
	s1, s2 := b.Subscribe("a"), b.Subscribe("b")
	t0 := time.Unix(100, 0)
	b.Publish([]Update{{0, good(1, t0)}, {1, good(2, t0)}})
	b.Publish([]Update{{0, good(1, t0.Add(time.Second))}, {2, good(3, t0)}}) // tag 0 unchanged
	b.Publish([]Update{{0, good(5, t0.Add(2*time.Second))}})
	want := []Update{{0, good(1, t0)}, {1, good(2, t0)}, {2, good(3, t0)}, {0, good(5, t0.Add(2*time.Second))}}
	for _, s := range []*Subscription{s1, s2} {
		select {
		case <-s.C():
		default:
			t.Fatalf("%s: no signal", s.Name())
		}
		got := s.Next(nil)
		if len(got) != len(want) {
			t.Fatalf("%s: got %d updates, want %d: %v", s.Name(), len(got), len(want), got)
		}
		for i := range want {
			if got[i].ID != want[i].ID || !got[i].VQT.Same(want[i].VQT) || !got[i].VQT.Time.Equal(want[i].VQT.Time) {
				t.Errorf("%s: update %d = %+v, want %+v", s.Name(), i, got[i], want[i])
			}
		}
	}
	if v := b.Get(0); !v.Time.Equal(t0.Add(2 * time.Second)) {
		t.Errorf("current time of tag 0 = %v", v.Time)
	}
	if b.Version() != 3 {
		t.Errorf("version %d, want 3", b.Version())
	}
}

func TestBusUnchangedRefreshesTimeOnly(t *testing.T) {
	b := NewBus(testTable(1))
	s := b.Subscribe("x")
	t0 := time.Unix(100, 0)
	b.Publish([]Update{{0, good(1, t0)}})
	s.Next(nil)
	b.Publish([]Update{{0, good(1, t0.Add(time.Second))}})
	if got := s.Next(nil); len(got) != 0 {
		t.Errorf("unchanged value fanned out: %v", got)
	}
	if got := b.Get(0).Time; !got.Equal(t0.Add(time.Second)) {
		t.Errorf("time not refreshed: %v", got)
	}
	// A quality change with the same value is a change.
	b.Publish([]Update{{0, VQT{Value: Float(1), Quality: BadQuality(ReasonNoComm, 0), Time: t0.Add(2 * time.Second)}}})
	if got := s.Next(nil); len(got) != 1 {
		t.Errorf("quality change not fanned out: %v", got)
	}
}

func TestBusNaNIsNotAChangeEveryPoll(t *testing.T) {
	b := NewBus(testTable(1))
	s := b.Subscribe("x")
	b.Publish([]Update{{0, good(math.NaN(), time.Unix(1, 0))}})
	b.Publish([]Update{{0, good(math.NaN(), time.Unix(2, 0))}})
	if got := s.Next(nil); len(got) != 1 {
		t.Errorf("got %d changes for a repeated NaN, want 1", len(got))
	}
}

func TestBusSlowSubscriberDoesNotBlockAndCountsDrops(t *testing.T) {
	b := NewBus(testTable(2))
	s := b.Subscribe("slow")
	s.limit = 10
	for i := range 25 {
		b.Publish([]Update{{0, good(float64(i), time.Unix(int64(i), 0))}})
	}
	if got := len(s.Next(nil)); got != 10 {
		t.Errorf("kept %d updates, want 10", got)
	}
	if s.Dropped() != 15 {
		t.Errorf("dropped %d, want 15", s.Dropped())
	}
	s.Close()
	b.Publish([]Update{{1, good(1, time.Unix(1, 0))}})
	if got := len(s.Next(nil)); got != 0 {
		t.Errorf("closed subscriber got %d updates", got)
	}
}

func TestBusUnknownIDIgnored(t *testing.T) {
	b := NewBus(testTable(1))
	b.Publish([]Update{{7, good(1, time.Unix(1, 0))}})
	if b.Version() != 0 {
		t.Error("unknown id changed the bus")
	}
	if q := b.Get(7).Quality; q.Reason != ReasonConfigError {
		t.Errorf("Get of unknown id quality %v", q)
	}
}

// TestBusConcurrent runs publishers, lossless subscribers and a snapshot
// reader together (for -race) and checks every subscriber got every change.
func TestBusConcurrent(t *testing.T) {
	const n, rounds = 100, 200
	b := NewBus(testTable(n))
	subs := make([]*Subscription, 3)
	counts := make([]int, len(subs))
	var wg sync.WaitGroup
	done := make(chan struct{})
	for i := range subs {
		subs[i] = b.Subscribe("s")
		wg.Go(func() {
			var buf []Update
			for {
				select {
				case <-subs[i].C():
					buf = subs[i].Next(buf[:0])
					counts[i] += len(buf)
				case <-done:
					counts[i] += len(subs[i].Next(buf[:0]))
					return
				}
			}
		})
	}
	wg.Go(func() {
		var snap []VQT
		for {
			select {
			case <-done:
				return
			default:
				snap, _ = b.Snapshot(snap)
			}
		}
	})
	batch := make([]Update, n)
	for r := range rounds {
		for i := range batch {
			batch[i] = Update{ID(i), good(float64(r), time.Unix(int64(r), 0))}
		}
		b.Publish(batch)
	}
	close(done)
	wg.Wait()
	for i, c := range counts {
		if c != n*rounds {
			t.Errorf("subscriber %d got %d changes, want %d", i, c, n*rounds)
		}
	}
}
