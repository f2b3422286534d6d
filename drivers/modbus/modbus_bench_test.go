package modbus

import (
	"context"
	"fmt"
	"testing"
	"time"

	mb "github.com/goburrow/modbus"

	"github.com/sightglass/sightglass/drivers"
	"github.com/sightglass/sightglass/tags"
)

// BenchmarkThroughput reads 125 holding registers over loopback from an
// in-process simonvetter/modbus server, through the driver (a group of 125
// uint16 tags, one Read per request) and through a bare goburrow client
// (ReadHoldingRegisters(0, 125)), each over its own connection. The two
// alternate, read for read, so that both see the same machine. It reports
// reads per second of each and their ratio; the driver's overhead must
// keep the ratio at 0.9 or more.
func BenchmarkThroughput(b *testing.B) {
	mem := newMemory()
	for i := 0; i < 125; i++ {
		mem.hr[i] = uint16(i * 3)
	}
	srv := startServer(b, mem)

	specs := make([]string, 125)
	for i := range specs {
		specs[i] = fmt.Sprintf("hr:%d uint16", i)
	}
	dev := drivers.DeviceConfig{Name: "bench", Driver: DriverTCP, Address: srv.addr, Unit: 1, Timeout: 5 * time.Second}
	drv, err := NewTCP(dev, tagsAt(specs...))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if err := drv.Connect(ctx); err != nil {
		b.Fatal(err)
	}
	defer drv.Close()
	if g := drv.Groups(); len(g) != 1 || g[0].Requests != 1 {
		b.Fatalf("groups %v: want one group of one request", g)
	}
	out := make([]tags.VQT, 125)

	h := mb.NewTCPClientHandler(srv.addr)
	h.Timeout, h.IdleTimeout, h.SlaveId = 5*time.Second, 0, 1
	if err := h.Connect(); err != nil {
		b.Fatal(err)
	}
	defer h.Close()
	bare := mb.NewClient(h)

	ours := func() {
		if err := drv.Read(ctx, 0, out); err != nil {
			b.Fatal(err)
		}
	}
	theirs := func() {
		if _, err := bare.ReadHoldingRegisters(0, 125); err != nil {
			b.Fatal(err)
		}
	}
	for range 100 { // warm both connections up
		ours()
		theirs()
	}

	var tOurs, tBare time.Duration
	n := 0
	b.ResetTimer()
	for b.Loop() {
		first, second, t1, t2 := ours, theirs, &tOurs, &tBare
		if n%2 == 1 {
			first, second, t1, t2 = theirs, ours, &tBare, &tOurs
		}
		start := time.Now()
		first()
		mid := time.Now()
		second()
		*t1 += mid.Sub(start)
		*t2 += time.Since(mid)
		n++
	}
	b.StopTimer()
	if !out[124].Value.Equal(tags.Uint(124*3)) || !out[124].Quality.IsGood() {
		b.Fatalf("hr:124 read as %v (%v)", out[124].Value, out[124].Quality)
	}
	oursRate := float64(n) / tOurs.Seconds()
	bareRate := float64(n) / tBare.Seconds()
	b.ReportMetric(oursRate, "driver-reads/s")
	b.ReportMetric(bareRate, "bare-reads/s")
	b.ReportMetric(oursRate/bareRate, "ratio")
	if n >= 1000 && oursRate/bareRate < 0.9 {
		b.Logf("the driver reads at %.2f of the bare client's rate: more than 10%% overhead", oursRate/bareRate)
	}
}

// BenchmarkDecode125 is the driver's inner loop alone: decoding one
// response of 125 registers into 125 uint16 tags.
func BenchmarkDecode125(b *testing.B) {
	g, data, out := uint16Group(b)
	b.ReportAllocs()
	for b.Loop() {
		decodeRequest(g, &g.reqs[0], data, out, time.Now())
	}
}

// uint16Group plans 125 uint16 tags at hr:0..124.
func uint16Group(tb testing.TB) (*group, []byte, []tags.VQT) {
	specs := make([]string, 125)
	for i := range specs {
		specs[i] = fmt.Sprintf("hr:%d uint16", i)
	}
	gs, err := plan(drivers.DeviceConfig{Name: "bench"}, tagsAt(specs...))
	if err != nil || len(gs) != 1 || len(gs[0].reqs) != 1 {
		tb.Fatalf("plan: %v", err)
	}
	return &gs[0], make([]byte, 250), make([]tags.VQT, 125)
}

// TestReadLoopDoesNotAllocate: decoding numbers into out costs no
// allocation, so a poll allocates only what goburrow does.
func TestReadLoopDoesNotAllocate(t *testing.T) {
	g, data, out := uint16Group(t)
	now := time.Now()
	if n := testing.AllocsPerRun(100, func() { decodeRequest(g, &g.reqs[0], data, out, now) }); n != 0 {
		t.Errorf("decoding 125 uint16 tags allocates %v times", n)
	}
}
