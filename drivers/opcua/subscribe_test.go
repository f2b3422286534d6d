package opcua

import (
	"context"
	"testing"
	"time"

	"github.com/gopcua/opcua/ua"

	"github.com/sightglass/sightglass/drivers"
	"github.com/sightglass/sightglass/tags"
)

// collector receives the batches Subscribe publishes, whole, so that
// every change published with another is seen with it.
type collector chan []tags.Update

func (c collector) publish(batch []tags.Update) { c <- append([]tags.Update(nil), batch...) }

// next waits for the next update of tag id, recording every update of the
// batches it reads (its own included) in seen.
func (c collector) next(t *testing.T, id tags.ID, seen map[tags.ID][]tags.VQT) tags.VQT {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case b := <-c:
			var got *tags.VQT
			for _, u := range b {
				seen[u.ID] = append(seen[u.ID], u.VQT)
				if u.ID == id {
					got = &u.VQT
				}
			}
			if got != nil {
				return *got
			}
		case <-timeout:
			t.Fatalf("no update of tag %d in 10 s", id)
		}
	}
}

// initial waits for the first value of tags 0..n-1, in any order.
func (c collector) initial(t *testing.T, n int, seen map[tags.ID][]tags.VQT) {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for len(seen) < n {
		select {
		case b := <-c:
			for _, u := range b {
				seen[u.ID] = append(seen[u.ID], u.VQT)
			}
		case <-timeout:
			t.Fatalf("initial values of %d of %d tags in 10 s", len(seen), n)
		}
	}
}

// TestSubscribeDeadbands: changes inside an item's absolute or percent
// deadband are not delivered, changes outside it are, with the server's
// source timestamps. A change of a tag without deadband, made after the
// one inside the deadband, proves that one was not merely late: the
// server queues both in order and publishes them together.
func TestSubscribeDeadbands(t *testing.T) {
	ts := startServer(t, 0, []variable{
		{name: "Abs", value: 10.0},
		{name: "PctR", value: 100.0, euRange: &ua.Range{Low: 0, High: 200}}, // 5 % is 10 units
		{name: "Marker", value: int32(0)},
	})
	defs := tagDefs(
		tags.Def{Name: "S.Abs", Address: ts.addr("Abs"), Type: tags.TypeFloat64},
		tags.Def{Name: "S.Pct", Address: ts.addr("PctR"), Type: tags.TypeFloat64},
		tags.Def{Name: "S.Marker", Address: ts.addr("Marker"), Type: tags.TypeInt32},
	)
	dev := testDevice(ts)
	dev.OPCUA.Items["S.Abs"] = drivers.OPCUAItem{DeadbandAbs: 1, Sampling: 50 * time.Millisecond, Queue: 5}
	dev.OPCUA.Items["S.Pct"] = drivers.OPCUAItem{DeadbandPercent: 5}
	d := connect(t, dev, defs)
	ctx, cancel := context.WithCancel(t.Context())
	c := make(collector, 1000)
	done := make(chan error, 1)
	go func() { done <- d.Subscribe(ctx, c.publish) }()
	seen := map[tags.ID][]tags.VQT{}
	c.initial(t, 3, seen)
	marker := int32(0)
	step := func(name string, v float64) {
		t.Helper()
		ts.set(name, v)
		marker++
		ts.set("Marker", marker)
		for c.next(t, 2, seen).Value.Int() != int64(marker) {
		}
	}
	step("Abs", 10.5) // inside 1
	step("Abs", 11.5) // 1.5 from 10: delivered
	src := ts.v("Abs").get().SourceTimestamp
	step("Abs", 12.4)  // 0.9 from 11.5: not
	step("PctR", 105)  // inside 10
	step("PctR", 110)  // exactly 10: not (> deadband is reported)
	step("PctR", 89.5) // 10.5 from 100: delivered
	cancel()
	if err := <-done; err != context.Canceled {
		t.Errorf("Subscribe returned %v, want context.Canceled", err)
	}
	values := func(id tags.ID) []float64 {
		var out []float64
		for _, v := range seen[id] {
			out = append(out, v.Value.Float())
		}
		return out
	}
	if got := values(0); !equal(got, []float64{10, 11.5}) {
		t.Errorf("Abs delivered %v, want [10 11.5]", got)
	}
	if got := values(1); !equal(got, []float64{100, 89.5}) {
		t.Errorf("Pct delivered %v, want [100 89.5]", got)
	}
	// OPC UA's DateTime counts 100 ns.
	if v := seen[0][1]; v.Time.Sub(src).Abs() >= 100*time.Nanosecond {
		t.Errorf("time %v: want the source timestamp %v", v.Time, src)
	}
}

func equal(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
