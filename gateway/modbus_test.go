package gateway

import (
	"bytes"
	"context"
	"errors"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	gb "github.com/goburrow/modbus"

	"github.com/sightglass/sightglass/auth"
	"github.com/sightglass/sightglass/drivers/modbus"
	"github.com/sightglass/sightglass/tags"
)

// fakeWriter records the writes the gateway passes on.
type fakeWriter struct {
	mu     sync.Mutex
	writes []string // "user tag=text from"
	err    error    // what Write answers
	users  map[string]bool
}

func (f *fakeWriter) SessionFor(name, from string) (*auth.Session, error) {
	if !f.users[name] {
		return nil, auth.ErrUnknownUser
	}
	return &auth.Session{User: name, From: from}, nil
}

func (f *fakeWriter) Write(_ context.Context, s *auth.Session, from, tag, text string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	user := ""
	if s != nil {
		user = s.User
	}
	f.writes = append(f.writes, user+" "+tag+"="+text+" "+strings.Fields(from)[0])
	if s == nil {
		return auth.ErrDenied
	}
	return f.err
}

func (f *fakeWriter) got() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.writes...)
}

// testDefs are the station's tags in the gateway tests.
var testDefs = []tags.Def{
	{Name: "Plant.Tank1.Level", Type: tags.TypeFloat32, Units: "m", Description: "Tank 1 level"},
	{Name: "Plant.Pump1.Running", Type: tags.TypeBool},
	{Name: "Plant.Flow", Type: tags.TypeFloat64},
	{Name: "Plant.Count", Type: tags.TypeUint32},
	{Name: "Plant.Name", Type: tags.TypeString, StrLen: 4},
	{Name: "Plant.Lost", Type: tags.TypeInt16},
	{Name: "Plant.Broken", Type: tags.TypeInt16},
	{Name: "Plant.Setpoint", Type: tags.TypeInt16, Writable: true},
}

// testMap maps them, some more than once.
var testMap = []Register{
	{Tag: "Plant.Tank1.Level", Area: modbus.HoldingRegisters, Offset: 0, Type: tags.TypeFloat32},
	{Tag: "Plant.Tank1.Level", Area: modbus.HoldingRegisters, Offset: 10, Type: tags.TypeFloat32, Order: "CDAB"},
	{Tag: "Plant.Tank1.Level", Area: modbus.HoldingRegisters, Offset: 20, Type: tags.TypeInt16, Scale: &tags.Scale{Raw: [2]float64{0, 1000}, Eng: [2]float64{0, 100}}},
	{Tag: "Plant.Pump1.Running", Area: modbus.Coils, Offset: 0, Type: tags.TypeBool},
	{Tag: "Plant.Pump1.Running", Area: modbus.DiscreteInputs, Offset: 3, Type: tags.TypeBool},
	{Tag: "Plant.Flow", Area: modbus.InputRegisters, Offset: 0, Type: tags.TypeFloat64, Order: "DCBA"},
	{Tag: "Plant.Count", Area: modbus.HoldingRegisters, Offset: 40, Type: tags.TypeUint32, Order: "BADC"},
	{Tag: "Plant.Name", Area: modbus.HoldingRegisters, Offset: 50, Type: tags.TypeString, StrLen: 4},
	{Tag: "Plant.Lost", Area: modbus.HoldingRegisters, Offset: 30, Type: tags.TypeInt16},
	{Tag: "Plant.Broken", Area: modbus.HoldingRegisters, Offset: 31, Type: tags.TypeInt16},
	{Tag: "Plant.Setpoint", Area: modbus.HoldingRegisters, Offset: 60, Type: tags.TypeInt16},
	{Tag: "Plant.Setpoint", Area: modbus.HoldingRegisters, Offset: 62, Type: tags.TypeFloat32},
}

// testBus is a bus of testDefs with values published.
func testBus(t testing.TB) *tags.Bus {
	t.Helper()
	bus := tags.NewBus(tags.NewTable(testDefs))
	now := time.Now()
	good := func(id tags.ID, v tags.Value) tags.Update {
		return tags.Update{ID: id, VQT: tags.VQT{Value: v, Quality: tags.GoodQuality, Time: now}}
	}
	bus.Publish([]tags.Update{
		good(0, tags.Float32(12.5)),
		good(1, tags.Bool(true)),
		good(2, tags.Float(1)),
		good(3, tags.Uint(0x11223344)),
		good(4, tags.String("AB")),
		{ID: 5, VQT: tags.VQT{Value: tags.Int(7), Quality: tags.BadQuality(tags.ReasonNoComm, 0), Time: now}},
		{ID: 6, VQT: tags.VQT{Value: tags.Int(7), Quality: tags.BadQuality(tags.ReasonConfigError, 0), Time: now}},
		good(7, tags.Int(5)),
	})
	return bus
}

func startTestModbus(t testing.TB, bus *tags.Bus, w Writer, cfg ModbusConfig) *Gateway {
	t.Helper()
	cfg.Listen = "127.0.0.1:0"
	if cfg.Map == nil {
		cfg.Map = testMap
	}
	g, err := Start(t.Context(), bus, w, Config{Station: "T", Modbus: &cfg}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(g.Stop)
	return g
}

func goburrow(t testing.TB, addr string) gb.Client {
	t.Helper()
	h := gb.NewTCPClientHandler(addr)
	h.Timeout = 5 * time.Second
	if err := h.Connect(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	return gb.NewClient(h)
}

// exception is the Modbus exception code of err, 0 if none.
func exception(err error) byte {
	var me *gb.ModbusError
	if errors.As(err, &me) {
		return me.ExceptionCode
	}
	return 0
}

// TestModbusRead: a Go client reads every type, order and scale in
// literal bytes, and the exceptions for bad quality and unmapped
// addresses.
func TestModbusRead(t *testing.T) {
	g := startTestModbus(t, testBus(t), &fakeWriter{}, ModbusConfig{})
	c := goburrow(t, g.ModbusAddr())
	for _, tc := range []struct {
		name     string
		read     func() ([]byte, error)
		want     []byte
		wantCode byte
	}{
		{"float32 ABCD", func() ([]byte, error) { return c.ReadHoldingRegisters(0, 2) },
			[]byte{0x41, 0x48, 0x00, 0x00}, 0}, // 12.5 = 0x41480000
		{"float32 CDAB", func() ([]byte, error) { return c.ReadHoldingRegisters(10, 2) },
			[]byte{0x00, 0x00, 0x41, 0x48}, 0}, // low word first
		{"int16 scaled 0..100 onto 0..1000", func() ([]byte, error) { return c.ReadHoldingRegisters(20, 1) },
			[]byte{0x00, 0x7D}, 0}, // 12.5 → 125
		{"half a float", func() ([]byte, error) { return c.ReadHoldingRegisters(1, 1) },
			[]byte{0x00, 0x00}, 0},
		{"float64 DCBA", func() ([]byte, error) { return c.ReadInputRegisters(0, 4) },
			[]byte{0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xF0, 0x3F}, 0}, // 1.0 = 0x3FF0000000000000, bytes reversed
		{"uint32 BADC", func() ([]byte, error) { return c.ReadHoldingRegisters(40, 2) },
			[]byte{0x22, 0x11, 0x44, 0x33}, 0}, // bytes swapped in each word
		{"string:4", func() ([]byte, error) { return c.ReadHoldingRegisters(50, 2) },
			[]byte{'A', 'B', 0x00, 0x00}, 0},
		{"coil", func() ([]byte, error) { return c.ReadCoils(0, 1) }, []byte{0x01}, 0},
		{"discrete input", func() ([]byte, error) { return c.ReadDiscreteInputs(3, 1) }, []byte{0x01}, 0},
		{"bad: no communication", func() ([]byte, error) { return c.ReadHoldingRegisters(30, 1) }, nil, 0x0B},
		{"bad: config error", func() ([]byte, error) { return c.ReadHoldingRegisters(31, 1) }, nil, 4},
		{"good and bad together", func() ([]byte, error) { return c.ReadHoldingRegisters(30, 2) }, nil, 0x0B},
		{"unmapped", func() ([]byte, error) { return c.ReadHoldingRegisters(100, 1) }, nil, 2},
		{"a gap inside the range", func() ([]byte, error) { return c.ReadHoldingRegisters(0, 3) }, nil, 2},
		{"past every mapping", func() ([]byte, error) { return c.ReadHoldingRegisters(65000, 125) }, nil, 2},
		{"unmapped discrete input", func() ([]byte, error) { return c.ReadDiscreteInputs(0, 1) }, nil, 2},
		{"unmapped input register", func() ([]byte, error) { return c.ReadInputRegisters(4, 1) }, nil, 2},
	} {
		got, err := tc.read()
		if code := exception(err); code != tc.wantCode || tc.wantCode == 0 && err != nil {
			t.Errorf("%s: error %v, want exception %d", tc.name, err, tc.wantCode)
			continue
		}
		if !bytes.Equal(got, tc.want) {
			t.Errorf("%s: % x, want % x", tc.name, got, tc.want)
		}
	}
}

// TestModbusFollowsBus: a change on the bus reaches a polling client,
// and a value its register cannot hold reads as exception 4.
func TestModbusFollowsBus(t *testing.T) {
	bus := testBus(t)
	g := startTestModbus(t, bus, &fakeWriter{}, ModbusConfig{})
	c := goburrow(t, g.ModbusAddr())
	bus.Publish([]tags.Update{{ID: 0, VQT: tags.VQT{Value: tags.Float32(-2), Quality: tags.GoodQuality, Time: time.Now()}}})
	waitRegs(t, c, 0, []byte{0xC0, 0x00, 0x00, 0x00}) // -2.0
	// -2 m is -20 raw in int16: fine; 5000 m is 50000 raw: too big for int16.
	bus.Publish([]tags.Update{{ID: 0, VQT: tags.VQT{Value: tags.Float32(5000), Quality: tags.GoodQuality, Time: time.Now()}}})
	waitRegs(t, c, 0, []byte{0x45, 0x9C, 0x40, 0x00})
	// hr:20 maps the same tag as an int16; the image updates each mapping
	// in turn, so it may lag hr:0 by a moment.
	for deadline := time.Now().Add(5 * time.Second); ; {
		_, err := c.ReadHoldingRegisters(20, 1)
		if exception(err) == 4 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("out of range: %v, want exception 4", err)
		}
	}
	bus.Publish([]tags.Update{{ID: 0, VQT: tags.VQT{Quality: tags.BadQuality(tags.ReasonTimeout, 0), Time: time.Now()}}})
	deadline := time.Now().Add(5 * time.Second)
	for {
		_, err := c.ReadHoldingRegisters(0, 2)
		if exception(err) == 0x0B {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("bad quality not served: %v", err)
		}
	}
}

// waitRegs polls hr from addr until it reads want.
func waitRegs(t testing.TB, c gb.Client, addr uint16, want []byte) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		got, err := c.ReadHoldingRegisters(addr, uint16(len(want)/2))
		if err == nil && bytes.Equal(got, want) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("hr:%d reads % x (%v), want % x", addr, got, err, want)
		}
	}
}

// TestModbusPlainWrites: plain TCP is read-only (exception 1, the station
// never asked), unless allow_plain_writes, and then writes go to the
// station as plain_user; a write must cover whole tags.
func TestModbusPlainWrites(t *testing.T) {
	w := &fakeWriter{users: map[string]bool{"gw-plain": true}}
	g := startTestModbus(t, testBus(t), w, ModbusConfig{})
	c := goburrow(t, g.ModbusAddr())
	if _, err := c.WriteSingleRegister(60, 7); exception(err) != 1 {
		t.Errorf("plain write: %v, want exception 1", err)
	}
	if len(w.got()) != 0 {
		t.Errorf("the station was asked: %q", w.got())
	}

	g2 := startTestModbus(t, testBus(t), w, ModbusConfig{AllowPlainWrites: true, PlainUser: "gw-plain"})
	c2 := goburrow(t, g2.ModbusAddr())
	if _, err := c2.WriteSingleRegister(60, 0xFFF9); err != nil { // -7
		t.Fatal(err)
	}
	if _, err := c2.WriteMultipleRegisters(62, 2, []byte{0x41, 0x48, 0x00, 0x00}); err != nil { // 12.5
		t.Fatal(err)
	}
	if _, err := c2.WriteMultipleRegisters(60, 1, []byte{0x00, 0x01}); err != nil {
		t.Fatal(err)
	}
	if _, err := c2.WriteSingleCoil(0, 0xFF00); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		do   func() error
		code byte
	}{
		{"half a float", func() error { _, err := c2.WriteSingleRegister(62, 1); return err }, 2},
		{"a float and past it", func() error { _, err := c2.WriteMultipleRegisters(62, 3, make([]byte, 6)); return err }, 2},
		{"unmapped", func() error { _, err := c2.WriteSingleRegister(100, 1); return err }, 2},
	} {
		if err := tc.do(); exception(err) != tc.code {
			t.Errorf("%s: %v, want exception %d", tc.name, err, tc.code)
		}
	}
	want := []string{"gw-plain Plant.Setpoint=-7 modbus", "gw-plain Plant.Setpoint=12.5 modbus",
		"gw-plain Plant.Setpoint=1 modbus", "gw-plain Plant.Pump1.Running=true modbus"}
	if got := w.got(); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("writes %q\nwant %q", got, want)
	}
	for err, code := range map[error]byte{ErrRefused: 1, ErrBadValue: 3, errors.New("device gone"): 4, auth.ErrDenied: 1} {
		w.mu.Lock()
		w.err = err
		w.mu.Unlock()
		if _, err := c2.WriteSingleRegister(60, 1); exception(err) != code {
			t.Errorf("station error %v: %v, want exception %d", w.err, err, code)
		}
	}
}

// TestMbpoll reads the gateway with Debian's mbpoll, an independent
// client: one float32 in ABCD.
func TestMbpoll(t *testing.T) {
	mbpoll, err := exec.LookPath("mbpoll")
	if err != nil {
		t.Skip("mbpoll not installed (.ci/run installs it): apt-get install mbpoll")
	}
	g := startTestModbus(t, testBus(t), &fakeWriter{}, ModbusConfig{})
	host, port, _ := strings.Cut(g.ModbusAddr(), ":")
	// -r is 1-based: register 1 is hr:0. -t 4:float: holding registers as 32-bit floats, ABCD (-B not given: big-endian words).
	out, err := exec.CommandContext(t.Context(), mbpoll, "-m", "tcp", "-p", port, "-a", "1", "-r", "1", "-c", "1", "-t", "4:float", "-B", "-1", host).CombinedOutput()
	if err != nil {
		t.Fatalf("mbpoll: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "[1]: \t12.5") && !strings.Contains(string(out), "[1]: 	12.5") {
		t.Errorf("mbpoll did not read 12.5:\n%s", out)
	}
}
