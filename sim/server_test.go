package sim

import (
	"context"
	"encoding/binary"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	client "github.com/goburrow/modbus"
	"go.uber.org/goleak"
)

// serve starts p on a loopback port without a clock and connects a
// goburrow client to it. The returned stop closes both and checks that no
// goroutine outlives them.
func serve(t *testing.T, p *Plant) (client.Client, func()) {
	t.Helper()
	srv, err := Listen(t.Context(), "127.0.0.1:0", p, WithTick(0))
	if err != nil {
		t.Fatal(err)
	}
	h := client.NewTCPClientHandler(srv.Addr())
	h.Timeout = 5 * time.Second
	h.IdleTimeout = 0
	h.SlaveId = 17 // the plant answers any unit id
	if err := h.Connect(); err != nil {
		t.Fatal(err)
	}
	return client.NewClient(h), func() {
		t.Helper()
		if err := h.Close(); err != nil {
			t.Error(err)
		}
		if err := srv.Close(); err != nil {
			t.Error(err)
		}
		goleak.VerifyNone(t)
	}
}

func words(b []byte) []uint16 {
	w := make([]uint16, len(b)/2)
	for i := range w {
		w[i] = binary.BigEndian.Uint16(b[2*i:])
	}
	return w
}

func float32At(w []uint16, i int) float64 {
	return float64(math.Float32frombits(uint32(w[i])<<16 | uint32(w[i+1])))
}

// exception returns the Modbus exception code of err, or 0.
func exception(err error) byte {
	var me *client.ModbusError
	if errors.As(err, &me) {
		return me.ExceptionCode
	}
	return 0
}

func TestServeReadsEveryArea(t *testing.T) {
	p := New(1)
	c, stop := serve(t, p)
	defer stop()

	// Coils 0..3: Start 0, Stop 0, Auto 1, TripReset 0.
	if b, err := c.ReadCoils(0, 4); err != nil || b[0] != 0b0100 {
		t.Errorf("coils: % x, %v", b, err)
	}
	// Discrete inputs 0..5: stopped, no trip, levels between the alarms.
	if b, err := c.ReadDiscreteInputs(0, 6); err != nil || b[0] != 0 {
		t.Errorf("discrete inputs: % x, %v", b, err)
	}

	b, err := c.ReadInputRegisters(0, 28)
	if err != nil {
		t.Fatal(err)
	}
	ir := words(b)
	if got := float32At(ir, 0); got != float64(float32(1.2)) {
		t.Errorf("ir:0 Tank1 level %g", got)
	}
	if got := ir[4]; got != 1966 { // 1.2 m of 2.5 m in 4095 counts
		t.Errorf("ir:4 Tank1 raw level %d, want 1966", got)
	}
	if got := ir[5]; got != 200 { // 20.0 °C ×10
		t.Errorf("ir:5 winding %d, want 200", got)
	}
	if got := ir[16]; got != stAuto|stEnabled {
		t.Errorf("ir:16 status %016b, want auto|enabled", got)
	}
	if got := ir[27]; got != 200 {
		t.Errorf("ir:27 ambient %d, want 200", got)
	}

	b, err = c.ReadHoldingRegisters(0, 9)
	if err != nil {
		t.Fatal(err)
	}
	hr := words(b)
	if v, lo, hi := float32At(hr, 0), float32At(hr, 2), float32At(hr, 4); v != 40 || lo != 1 || hi != float64(float32(1.8)) {
		t.Errorf("hr:0..5 valve %g, low %g, high %g", v, lo, hi)
	}
	if hr[6] != 1000 || hr[7] != 1000 || hr[8] != ctlEnable {
		t.Errorf("hr:6..8 speed %d, trip limit %d, control %04x", hr[6], hr[7], hr[8])
	}

	b, err = c.ReadHoldingRegisters(100, 36) // the identity block
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []struct {
		at, n int
		want  string
	}{{0, 20, PumpModel}, {20, 20, PumpSerial}, {40, 32, PlantName}} {
		if got := strings.TrimRight(string(b[f.at:f.at+f.n]), "\x00"); got != f.want {
			t.Errorf("string at hr:%d: %q, want %q", 100+f.at/2, got, f.want)
		}
	}
}

func TestServeWritesReachThePlant(t *testing.T) {
	p := New(1)
	c, stop := serve(t, p)
	defer stop()

	if _, err := c.WriteSingleCoil(2, 0x0000); err != nil { // manual
		t.Fatal(err)
	}
	if _, err := c.WriteSingleCoil(0, 0xFF00); err != nil { // start
		t.Fatal(err)
	}
	p.Step(30 * time.Second)
	if b, err := c.ReadDiscreteInputs(0, 1); err != nil || b[0] != 1 {
		t.Fatalf("di:0 running: % x, %v", b, err)
	}
	b, err := c.ReadInputRegisters(6, 2)
	if err != nil {
		t.Fatal(err)
	}
	if flow := float32At(words(b), 0); flow < 15 {
		t.Errorf("ir:6 flow %g m³/h after a start", flow)
	}
	if s := p.State(); s.Auto || !s.Running || s.Starts != 1 || s.Tank1Level <= 1.2 {
		t.Errorf("after manual start: %+v", s)
	}

	// Both setpoints in one write (FC 16): low 1.2, high 2.0.
	val := binary.BigEndian.AppendUint32(nil, math.Float32bits(1.2))
	val = binary.BigEndian.AppendUint32(val, math.Float32bits(2.0))
	if _, err := c.WriteMultipleRegisters(2, 4, val); err != nil {
		t.Fatal(err)
	}
	// Speed 75.0 % (×10) and the control word with the pump disabled.
	if _, err := c.WriteMultipleRegisters(6, 3, []byte{0x02, 0xEE, 0x03, 0xE8, 0x00, 0x00}); err != nil {
		t.Fatal(err)
	}
	set := p.Settings()
	if set.LowSetpoint != float64(float32(1.2)) || set.HighSetpoint != 2 || set.Speed != 75 || set.Enabled {
		t.Errorf("settings after writes: %+v", set)
	}
	if p.State().Running {
		t.Error("disabling the pump did not stop it")
	}

	if _, err := c.WriteSingleCoil(1, 0xFF00); err != nil { // stop: momentary, reads 0
		t.Fatal(err)
	}
	if b, err := c.ReadCoils(0, 2); err != nil || b[0] != 0 {
		t.Errorf("momentary coils read % x, %v", b, err)
	}
}

func TestServeExceptions(t *testing.T) {
	p := New(1)
	c, stop := serve(t, p)
	defer stop()

	f32 := func(v float32) []byte { return binary.BigEndian.AppendUint32(nil, math.Float32bits(v)) }
	cases := []struct {
		name string
		call func() error
		want byte
	}{
		{"read unmapped input register", func() error { _, err := c.ReadInputRegisters(50, 1); return err }, 2},
		{"read past the input registers", func() error { _, err := c.ReadInputRegisters(20, 10); return err }, 2},
		{"read across the holding gap", func() error { _, err := c.ReadHoldingRegisters(8, 93); return err }, 2},
		{"read unmapped coil", func() error { _, err := c.ReadCoils(4, 1); return err }, 2},
		{"read unmapped discrete input", func() error { _, err := c.ReadDiscreteInputs(0, 7); return err }, 2},
		{"write unmapped coil", func() error { _, err := c.WriteSingleCoil(9, 0xFF00); return err }, 2},
		{"write unmapped register", func() error { _, err := c.WriteSingleRegister(9, 1); return err }, 2},
		{"write read-only string", func() error { _, err := c.WriteSingleRegister(100, 0x4142); return err }, 2},
		{"write half a float", func() error { _, err := c.WriteSingleRegister(1, 0); return err }, 2},
		{"write high setpoint 3 m", func() error { _, err := c.WriteMultipleRegisters(4, 2, f32(3)); return err }, 3},
		{"write high below low", func() error { _, err := c.WriteMultipleRegisters(4, 2, f32(0.5)); return err }, 3},
		{"write valve NaN", func() error { _, err := c.WriteMultipleRegisters(0, 2, f32(float32(math.NaN()))); return err }, 3},
		{"write speed 200 %", func() error { _, err := c.WriteSingleRegister(6, 2000); return err }, 3},
		{"write trip limit −10 °C", func() error { _, err := c.WriteSingleRegister(7, 0xFF9C); return err }, 3},
		{"write a reserved control bit", func() error { _, err := c.WriteSingleRegister(8, 0x0003); return err }, 3},
	}
	for _, tc := range cases {
		if got := exception(tc.call()); got != tc.want {
			t.Errorf("%s: exception %d, want %d", tc.name, got, tc.want)
		}
	}
	// A rejected write changes nothing, not even its valid part.
	if _, err := c.WriteMultipleRegisters(0, 6, append(append(f32(10), f32(1)...), f32(9)...)); exception(err) != 3 {
		t.Errorf("valve 10 %% with high setpoint 9 m: %v", err)
	}
	if p.Settings() != DefaultSettings() {
		t.Errorf("rejected writes changed the settings: %+v", p.Settings())
	}
}

func TestListenAddresses(t *testing.T) {
	p := New(1)
	a, err := Listen(t.Context(), "127.0.0.1:0", p, WithTick(0))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if strings.HasSuffix(a.Addr(), ":0") {
		t.Errorf("Addr %q has no real port", a.Addr())
	}
	// The port is taken now: a second server on it fails.
	if b, err := Listen(t.Context(), a.Addr(), p, WithTick(0)); err == nil {
		b.Close()
		t.Errorf("second server on %s started", a.Addr())
	}
	if _, err := Listen(t.Context(), "no-port", p); err == nil {
		t.Error("listen address without a port accepted")
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := Listen(ctx, "127.0.0.1:0", p); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: %v", err)
	}
	if err := a.Close(); err != nil {
		t.Error(err)
	}
	if err := a.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	goleak.VerifyNone(t)
}

func TestImageReadsWhatTheServerServes(t *testing.T) {
	p := New(3)
	p.Step(10 * time.Second)
	im := NewImage(p)
	regs, err := im.Registers(InputRegisters, 0, 4)
	if err != nil || len(regs) != 4 {
		t.Fatalf("Registers: %v %v", regs, err)
	}
	if lvl := decodeNum("float32", "ABCD", regs[0:2]); math.Abs(lvl-p.State().Tank1Level) > 1e-6 {
		t.Errorf("ir:0 = %v, plant level %v", lvl, p.State().Tank1Level)
	}
	if _, err := im.Registers(InputRegisters, 60000, 1); err == nil {
		t.Error("unmapped address read without error")
	}
	bits, err := im.Bits(Coils, 2, 1)
	if err != nil || !bits[0] {
		t.Errorf("co:2 (auto) = %v %v, want true", bits, err)
	}
}
