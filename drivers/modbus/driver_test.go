package modbus

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/sightglass/sightglass/drivers"
	"github.com/sightglass/sightglass/tags"
)

func tcpDevice(addr string) drivers.DeviceConfig {
	return drivers.DeviceConfig{Name: "plc1", Driver: DriverTCP, Address: addr, Unit: 1, Poll: time.Second, Timeout: 2 * time.Second, MaxGap: 4}
}

// connect makes a modbus-tcp driver through the registry and connects it;
// it is closed when the test ends.
func connect(t *testing.T, dev drivers.DeviceConfig, defs []*tags.Def) *Driver {
	t.Helper()
	factory, ok := drivers.Lookup(DriverTCP)
	if !ok {
		t.Fatal("modbus-tcp is not registered")
	}
	drv, err := factory(dev, defs)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { drv.Close() })
	if err := drv.Connect(context.Background()); err != nil {
		t.Fatal(err)
	}
	return drv.(*Driver)
}

// readAll reads every group and returns the VQTs by tag id.
func readAll(t *testing.T, d drivers.Driver) map[tags.ID]tags.VQT {
	t.Helper()
	got := map[tags.ID]tags.VQT{}
	for g, grp := range d.Groups() {
		out := make([]tags.VQT, len(grp.Tags))
		if err := d.Read(context.Background(), g, out); err != nil {
			t.Fatalf("Read(group %d): %v", g, err)
		}
		for i, id := range grp.Tags {
			got[id] = out[i]
		}
	}
	return got
}

// at returns a with its area and offset changed.
func at(addr string, area Area, off int) string {
	a, err := ParseAddress(addr)
	if err != nil {
		panic(err)
	}
	a.Area, a.Offset = area, uint16(off)
	return a.String()
}

// TestReadEveryAreaAndType lays every case of the codec table out in the
// server's four tables (register cases in both ir and hr) and reads them
// through the driver.
func TestReadEveryAreaAndType(t *testing.T) {
	mem := newMemory()
	srv := startServer(t, mem)
	var defs []*tags.Def
	var want []tags.Value
	next := map[Area]int{Coils: 10, DiscreteInputs: 10, InputRegisters: 100, HoldingRegisters: 100}
	for _, c := range codecCases {
		a, _ := ParseAddress(c.addr)
		areas := []Area{a.Area}
		if !a.Area.IsBits() {
			areas = []Area{InputRegisters, HoldingRegisters}
		}
		for _, area := range areas {
			def := c.def()
			def.ID, def.Name, def.Writable = tags.ID(len(defs)), c.name+" in "+area.String(), false
			def.Address = at(c.addr, area, next[area])
			if area.IsBits() {
				mem.setBit(area, next[area], c.wire[0]&1 != 0)
			} else {
				mem.setRegs(area, next[area], c.wire)
			}
			next[area] += Registers(def) + 1
			defs = append(defs, def)
			want = append(want, c.value)
		}
	}
	d := connect(t, tcpDevice(srv.addr), defs)
	start := time.Now()
	got := readAll(t, d)
	for i, def := range defs {
		v := got[def.ID]
		if !v.Quality.IsGood() || !v.Value.Equal(want[i]) || v.Time.Before(start) {
			t.Errorf("%s at %s: got %v (%v) at %v, want %v", def.Name, def.Address, v.Value, v.Quality, v.Time, want[i])
		}
	}
	planned := 0
	for _, g := range d.Groups() {
		planned += g.Requests
	}
	if sent, failed := d.Requests(); sent != uint64(planned) || failed != 0 || planned > 6 {
		t.Errorf("Requests() = %d sent, %d failed; want %d (at most 6), 0", sent, failed, planned)
	}
}

// TestWriteEveryKind writes each kind of tag, checks the server's tables
// and the VQT read back.
func TestWriteEveryKind(t *testing.T) {
	mem := newMemory()
	srv := startServer(t, mem)
	mem.setRegs(HoldingRegisters, 30, []byte{0xA5, 0x53}) // other bits of the status word
	defs := tagsAt(
		"co:7 bool",         // 0: FC 5
		"hr:10 int16",       // 1: FC 6
		"hr:20 float32",     // 2: FC 16
		"hr:40 string:10",   // 3: FC 16
		"hr:30.3 bool",      // 4: FC 3 + FC 6
		"hr:50 uint16",      // 5: scaled, FC 6
		"hr:60 uint64",      // 6: FC 16, word-swapped
		"ir:0 uint16",       // 7: read-only area
		"hr:70 uint16",      // 8: not writable
		"hr:1000 int32",     // 9: the server refuses
		"hr:30.0 bool",      // 10: clear a bit
		"co:8 bool",         // 11: FC 5 off
		"hr:80 string:3",    // 12: odd length
		"hr:90 float64",     // 13: FC 16
		"hr:95 int16",       // 14: value out of range
		"hr:31.15 bool",     // 15: top bit
		"hr:120 float32",    // 16: little-endian
		"hr:130 int64",      // 17: negative
		"hr:140 uint32",     // 18: from text
		"hr:150 string:250", // 19: longest readable (read-only)
	)
	for i, d := range defs {
		d.Writable = i != 7 && i != 8 && i != 19
	}
	defs[5].Scale = &tags.Scale{Raw: [2]float64{0, 1000}, Eng: [2]float64{0, 10}}
	defs[6].Order = "CDAB"
	defs[16].Order = "DCBA"
	mem.setIllegal(HoldingRegisters, 1000, 1002)
	mem.setBit(Coils, 8, true)
	d := connect(t, tcpDevice(srv.addr), defs)

	writes := []struct {
		id   tags.ID
		v    tags.Value
		back tags.Value
		wire []byte // what the server holds afterwards; nil for a coil
	}{
		{0, tags.Bool(true), tags.Bool(true), nil},
		{11, tags.Bool(false), tags.Bool(false), nil},
		{1, tags.Int(-2), tags.Int(-2), []byte{0xFF, 0xFE}},
		{2, tags.Float(1.5), tags.Float(1.5), []byte{0x3F, 0xC0, 0x00, 0x00}},
		{3, tags.String("Valve 3"), tags.String("Valve 3"), []byte("Valve 3\x00\x00\x00")},
		{4, tags.Bool(true), tags.Bool(true), []byte{0xA5, 0x5B /* bit 3 set, the rest kept */}},
		{10, tags.Bool(false), tags.Bool(false), []byte{0xA5, 0x5A /* bit 0 cleared */}},
		{15, tags.Bool(true), tags.Bool(true), []byte{0x80, 0x00}},
		{5, tags.Float(2.5), tags.Float(2.5), []byte{0x00, 0xFA}}, // raw 250
		{6, tags.Uint(0x0102030405060708), tags.Uint(0x0102030405060708), []byte{7, 8, 5, 6, 3, 4, 1, 2}},
		{12, tags.String("abc"), tags.String("abc"), []byte("abc\x00")},
		{13, tags.Float(-0.125), tags.Float(-0.125), []byte{0xBF, 0xC0, 0, 0, 0, 0, 0, 0}},
		{16, tags.Float(1), tags.Float(1), []byte{0x00, 0x00, 0x80, 0x3F}},
		{17, tags.Int(-3), tags.Int(-3), []byte{0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFD}},
		{18, tags.String("4000000000"), tags.Uint(4000000000), []byte{0xEE, 0x6B, 0x28, 0x00}},
	}
	for _, w := range writes {
		def := defs[w.id]
		vqt, err := d.Write(context.Background(), w.id, w.v)
		if err != nil {
			t.Errorf("Write(%s %s, %v): %v", def.Address, def.Type, w.v, err)
			continue
		}
		if !vqt.Quality.IsGood() || !vqt.Value.Equal(w.back) || vqt.Time.IsZero() {
			t.Errorf("Write(%s, %v) read back %v (%v, %v), want %v", def.Address, w.v, vqt.Value, vqt.Value.Kind(), vqt.Quality, w.back)
		}
		a, _ := ParseAddress(def.Address)
		switch {
		case a.Area == Coils:
			if mem.coil(int(a.Offset)) != w.v.Bool() {
				t.Errorf("coil %d is %v after writing %v", a.Offset, mem.coil(int(a.Offset)), w.v)
			}
		default:
			if got := mem.regs(a.Area, int(a.Offset), len(w.wire)/2); string(got) != string(w.wire) {
				t.Errorf("Write(%s, %v): server holds % x, want % x", def.Address, w.v, got, w.wire)
			}
		}
	}

	_, err := d.Write(context.Background(), 7, tags.Uint(1))
	if !errors.Is(err, drivers.ErrNotWritable) {
		t.Errorf("writing a read-only tag: %v, want ErrNotWritable", err)
	}
	if _, err := d.Write(context.Background(), 8, tags.Uint(1)); !errors.Is(err, drivers.ErrNotWritable) {
		t.Errorf("writing a tag not declared writable: %v, want ErrNotWritable", err)
	}
	if _, err := d.Write(context.Background(), 999, tags.Uint(1)); !errors.Is(err, drivers.ErrUnknownTag) {
		t.Errorf("writing an unknown tag: %v, want ErrUnknownTag", err)
	}
	if _, err := d.Write(context.Background(), 14, tags.Int(40000)); err == nil || errors.As(err, new(*drivers.DeviceError)) {
		t.Errorf("writing 40000 to an int16: %v, want a range error before any request", err)
	}
	_, err = d.Write(context.Background(), 9, tags.Int(1))
	var de *drivers.DeviceError
	if !errors.As(err, &de) || de.Code != 2 || de.Text != "illegal data address" {
		t.Errorf("writing where the server refuses: %v, want DeviceError 2 illegal data address", err)
	}
}

// TestExceptionSparesOtherRequests: an exception makes only its request's
// tags bad, with the exception code, and Read goes on.
func TestExceptionSparesOtherRequests(t *testing.T) {
	mem := newMemory()
	srv := startServer(t, mem)
	mem.setRegs(HoldingRegisters, 0, []byte{0, 1, 0, 2})
	mem.setRegs(HoldingRegisters, 2000, []byte{0, 3})
	mem.setIllegal(HoldingRegisters, 1000, 1010)
	defs := tagsAt("hr:0 uint16", "hr:1 uint16", "hr:1000 uint16", "hr:1001 float32", "hr:2000 uint16", "co:0 bool")
	d := connect(t, tcpDevice(srv.addr), defs)
	got := readAll(t, d)
	for id, want := range map[tags.ID]tags.Quality{
		0: tags.GoodQuality, 1: tags.GoodQuality, 4: tags.GoodQuality, 5: tags.GoodQuality,
		2: tags.BadQuality(tags.ReasonDeviceException, 2), 3: tags.BadQuality(tags.ReasonDeviceException, 2),
	} {
		if got[id].Quality != want || got[id].Time.IsZero() {
			t.Errorf("tag %s: quality %v at %v, want %v", defs[id].Address, got[id].Quality, got[id].Time, want)
		}
	}
	if !got[4].Value.Equal(tags.Uint(3)) {
		t.Errorf("tag after the exception: %v, want 3", got[4].Value)
	}
	if sent, failed := d.Requests(); sent != 4 || failed != 1 {
		t.Errorf("Requests() = %d sent, %d failed; want 4, 1", sent, failed)
	}
}

// TestStalledServerTimesOut: a server that does not answer makes Read
// return drivers.ErrTimeout after about the device's timeout.
func TestStalledServerTimesOut(t *testing.T) {
	mem := newMemory()
	mem.stall = make(chan struct{})
	defer close(mem.stall) // let the server's handler go before goleak looks
	srv := startServer(t, mem)
	dev := tcpDevice(srv.addr)
	dev.Timeout = 300 * time.Millisecond
	d := connect(t, dev, tagsAt("hr:0 uint16"))
	start := time.Now()
	err := d.Read(context.Background(), 0, make([]tags.VQT, 1))
	took := time.Since(start)
	if !errors.Is(err, drivers.ErrTimeout) {
		t.Fatalf("Read from a stalled server: %v, want ErrTimeout", err)
	}
	if took < dev.Timeout*9/10 || took > dev.Timeout+2*time.Second {
		t.Errorf("Read took %v; the timeout is %v", took, dev.Timeout)
	}
	if sent, failed := d.Requests(); sent != 1 || failed != 1 {
		t.Errorf("Requests() = %d sent, %d failed; want 1, 1", sent, failed)
	}

	// A ctx deadline shorter than the timeout ends the request sooner, as
	// the ctx's error.
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	d.Close()
	if err := d.Connect(context.Background()); err != nil {
		t.Fatal(err)
	}
	start = time.Now()
	err = d.Read(ctx, 0, make([]tags.VQT, 1))
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > dev.Timeout {
		t.Errorf("Read with a 100ms ctx: %v after %v, want DeadlineExceeded before %v", err, time.Since(start), dev.Timeout)
	}
}

// TestStaleAnswerAfterTimeout: the answer to a request that timed out
// arrives late and is taken for the answer to the next one; goburrow sees
// the transaction id differ, Read returns that error, and Close and
// Connect start clean.
func TestStaleAnswerAfterTimeout(t *testing.T) {
	mem := newMemory()
	mem.stall = make(chan struct{})
	mem.setRegs(HoldingRegisters, 0, []byte{0xBE, 0xEF})
	srv := startServer(t, mem)
	dev := tcpDevice(srv.addr)
	dev.Timeout = 200 * time.Millisecond
	d := connect(t, dev, tagsAt("hr:0 uint16"))
	out := make([]tags.VQT, 1)
	if err := d.Read(context.Background(), 0, out); !errors.Is(err, drivers.ErrTimeout) {
		t.Fatalf("first Read: %v, want ErrTimeout", err)
	}
	close(mem.stall) // the server answers the first request, late
	err := d.Read(context.Background(), 0, out)
	if err == nil || errors.Is(err, drivers.ErrTimeout) || !strings.Contains(err.Error(), "transaction id") {
		t.Fatalf("Read after a late answer: %v, want a transaction id mismatch", err)
	}
	d.Close()
	if err := d.Connect(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := d.Read(context.Background(), 0, out); err != nil || !out[0].Value.Equal(tags.Uint(0xBEEF)) {
		t.Fatalf("Read after reconnecting: %v, %v", err, out[0].Value)
	}
}

// TestServerGoneAndBack: the server closes the connection; Read fails; once
// the server is back, Close and Connect make Read work again.
func TestServerGoneAndBack(t *testing.T) {
	mem := newMemory()
	mem.setRegs(HoldingRegisters, 5, []byte{0x12, 0x34})
	srv := startServer(t, mem)
	d := connect(t, tcpDevice(srv.addr), tagsAt("hr:5 uint16"))
	out := make([]tags.VQT, 1)
	if err := d.Read(context.Background(), 0, out); err != nil || !out[0].Value.Equal(tags.Uint(0x1234)) {
		t.Fatalf("first Read: %v, %v", err, out[0])
	}

	srv.stop()
	err := d.Read(context.Background(), 0, out)
	if err == nil || errors.Is(err, drivers.ErrTimeout) {
		t.Fatalf("Read after the server closed the connection: %v, want a connection error", err)
	}
	if d.Close(); d.Connect(context.Background()) == nil {
		t.Fatal("Connect while the server is down succeeded")
	}

	var startErr error
	for attempt := 0; attempt < 20; attempt++ { // the same port, which the OS may hold a moment
		if startErr = srv.start(); startErr == nil {
			break
		}
	}
	if startErr != nil {
		t.Skipf("could not listen on %s again: %v", srv.addr, startErr)
	}
	d.Close()
	if err := d.Connect(context.Background()); err != nil {
		t.Fatalf("Connect after the server came back: %v", err)
	}
	mem.setRegs(HoldingRegisters, 5, []byte{0x56, 0x78})
	if err := d.Read(context.Background(), 0, out); err != nil || !out[0].Value.Equal(tags.Uint(0x5678)) {
		t.Fatalf("Read after reconnecting: %v, %v", err, out[0])
	}
}

// TestCloseFromAnotherGoroutine: Close during a Read waits for the request
// in flight, and the Read stops there with an error.
func TestCloseFromAnotherGoroutine(t *testing.T) {
	mem := newMemory()
	mem.stall = make(chan struct{})
	srv := startServer(t, mem)
	dev := tcpDevice(srv.addr)
	dev.Timeout = 5 * time.Second
	d := connect(t, dev, tagsAt("hr:0 uint16", "hr:500 uint16", "hr:1000 uint16"))
	done := make(chan error)
	go func() { done <- d.Read(context.Background(), 0, make([]tags.VQT, 3)) }()
	<-mem.arrived // the first request is at the server, which holds it
	closed := make(chan error)
	go func() { closed <- d.Close() }()
	for d.closing.Load() == 0 { // Close has begun: it waits for the request in flight
		runtime.Gosched()
	}
	close(mem.stall) // the server answers
	if err := <-done; !errors.Is(err, drivers.ErrNotConnected) {
		t.Errorf("Read interrupted by Close: %v, want ErrNotConnected", err)
	}
	if err := <-closed; err != nil {
		t.Errorf("Close: %v", err)
	}
	if n := mem.requests.Load(); n != 1 {
		t.Errorf("the server saw %d requests, want 1 (Close stops the rest)", n)
	}
}

func TestContextAndConnectionChecks(t *testing.T) {
	mem := newMemory()
	srv := startServer(t, mem)
	drv, err := NewTCP(tcpDevice(srv.addr), tagsAt("hr:0 uint16", "co:1 bool"))
	if err != nil {
		t.Fatal(err)
	}
	defer drv.Close()
	out := make([]tags.VQT, 2)
	if err := drv.Read(context.Background(), 0, out); !errors.Is(err, drivers.ErrNotConnected) {
		t.Errorf("Read before Connect: %v, want ErrNotConnected", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := drv.Connect(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Connect with a cancelled ctx: %v", err)
	}
	if err := drv.Connect(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := drv.Read(ctx, 0, out); !errors.Is(err, context.Canceled) {
		t.Errorf("Read with a cancelled ctx: %v", err)
	}
	if _, err := drv.Write(ctx, 1, tags.Bool(true)); !errors.Is(err, drivers.ErrNotWritable) {
		t.Errorf("Write of a tag not writable: %v", err)
	}
	if err := drv.Read(context.Background(), 5, out); err == nil {
		t.Error("Read of group 5 of 1 succeeded")
	}
	if err := drv.Read(context.Background(), 0, make([]tags.VQT, 3)); err == nil {
		t.Error("Read into a slice of the wrong length succeeded")
	}
	if n := mem.requests.Load(); n != 0 {
		t.Errorf("the server saw %d requests, want 0", n)
	}
}

func TestFactoriesCheckTheirInput(t *testing.T) {
	for _, name := range []string{DriverTCP, DriverRTU} {
		if _, ok := drivers.Lookup(name); !ok {
			t.Errorf("%s is not registered", name)
		}
	}
	if _, err := NewTCP(drivers.DeviceConfig{Name: "x", Driver: DriverTCP, Address: "nohost"}, nil); err == nil {
		t.Error("NewTCP accepted an address without a port")
	}
	if _, err := NewTCP(tcpDevice("127.0.0.1:1"), tagsAt("di:0 float32")); err == nil {
		t.Error("NewTCP accepted a float in discrete inputs")
	}
	rtu := drivers.DeviceConfig{Name: "r", Driver: DriverRTU, Address: "/dev/null", Unit: 0,
		Serial: drivers.SerialConfig{Baud: 19200, Parity: "E", DataBits: 8, StopBits: 1}}
	if _, err := NewRTU(rtu, nil); err == nil {
		t.Error("NewRTU accepted unit 0")
	}
}
