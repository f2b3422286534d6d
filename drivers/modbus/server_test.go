package modbus

import (
	"io"
	"log"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	smb "github.com/simonvetter/modbus"
	"go.uber.org/goleak"
)

// TestMain fails the package if any test leaves a goroutine behind.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// memory is an in-process device for github.com/simonvetter/modbus: four
// tables of 65536 entries, an address range that answers with an exception,
// and a switch that makes every request stall.
type memory struct {
	mu sync.Mutex // guards the tables and the illegal ranges
	co [65536]bool
	di [65536]bool
	ir [65536]uint16
	hr [65536]uint16
	// illegal[area] is a range [from, to) of addresses that answer with
	// exception 2 (illegal data address) when a request touches it.
	illegal map[Area][2]int

	stall    chan struct{} // when not nil, requests block until it is closed
	arrived  chan struct{} // a signal for each request, if there is room
	requests atomic.Uint64
}

func newMemory() *memory {
	return &memory{illegal: map[Area][2]int{}, arrived: make(chan struct{}, 100)}
}

// setRegs stores wire bytes b into area (ir or hr) from addr.
func (m *memory) setRegs(area Area, addr int, b []byte) {
	m.mu.Lock()
	defer m.mu.Unlock()
	t := &m.hr
	if area == InputRegisters {
		t = &m.ir
	}
	for i := 0; i+1 < len(b); i += 2 {
		t[addr+i/2] = uint16(b[i])<<8 | uint16(b[i+1])
	}
}

// regs returns n registers of area from addr as wire bytes.
func (m *memory) regs(area Area, addr, n int) []byte {
	m.mu.Lock()
	defer m.mu.Unlock()
	t := &m.hr
	if area == InputRegisters {
		t = &m.ir
	}
	b := make([]byte, 0, 2*n)
	for i := 0; i < n; i++ {
		b = append(b, byte(t[addr+i]>>8), byte(t[addr+i]))
	}
	return b
}

func (m *memory) setBit(area Area, addr int, v bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if area == Coils {
		m.co[addr] = v
	} else {
		m.di[addr] = v
	}
}

func (m *memory) coil(addr int) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.co[addr]
}

func (m *memory) setIllegal(area Area, from, to int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.illegal[area] = [2]int{from, to}
}

// enter counts a request, stalls it if asked to and checks its range.
func (m *memory) enter(area Area, addr, qty uint16) error {
	m.requests.Add(1)
	select {
	case m.arrived <- struct{}{}:
	default:
	}
	if m.stall != nil {
		<-m.stall
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if r, ok := m.illegal[area]; ok && int(addr) < r[1] && int(addr)+int(qty) > r[0] {
		return smb.ErrIllegalDataAddress
	}
	return nil
}

func (m *memory) HandleCoils(req *smb.CoilsRequest) ([]bool, error) {
	if err := m.enter(Coils, req.Addr, req.Quantity); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if req.IsWrite {
		copy(m.co[req.Addr:], req.Args)
		return nil, nil
	}
	return append([]bool(nil), m.co[req.Addr:int(req.Addr)+int(req.Quantity)]...), nil
}

func (m *memory) HandleDiscreteInputs(req *smb.DiscreteInputsRequest) ([]bool, error) {
	if err := m.enter(DiscreteInputs, req.Addr, req.Quantity); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]bool(nil), m.di[req.Addr:int(req.Addr)+int(req.Quantity)]...), nil
}

func (m *memory) HandleHoldingRegisters(req *smb.HoldingRegistersRequest) ([]uint16, error) {
	if err := m.enter(HoldingRegisters, req.Addr, req.Quantity); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if req.IsWrite {
		copy(m.hr[req.Addr:], req.Args)
		return nil, nil
	}
	return append([]uint16(nil), m.hr[req.Addr:int(req.Addr)+int(req.Quantity)]...), nil
}

func (m *memory) HandleInputRegisters(req *smb.InputRegistersRequest) ([]uint16, error) {
	if err := m.enter(InputRegisters, req.Addr, req.Quantity); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]uint16(nil), m.ir[req.Addr:int(req.Addr)+int(req.Quantity)]...), nil
}

// server is a simonvetter/modbus TCP server on loopback.
type server struct {
	addr string // 127.0.0.1:port
	mem  *memory
	srv  *smb.ModbusServer
}

// freePort returns a loopback address whose port was free a moment ago.
// simonvetter/modbus listens itself and does not report the port it got
// for :0, so the caller starts on this address and retries if it lost the
// port in between.
func freePort(tb testing.TB) string {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// startServer starts a server for mem on a free loopback port; it stops
// when the test ends.
func startServer(tb testing.TB, mem *memory) *server {
	tb.Helper()
	var err error
	for attempt := 0; attempt < 10; attempt++ {
		s := &server{addr: freePort(tb), mem: mem}
		if err = s.start(); err == nil {
			tb.Cleanup(s.stop)
			return s
		}
	}
	tb.Fatalf("starting modbus server: %v", err)
	return nil
}

// start (re)starts the server on s.addr.
func (s *server) start() error {
	srv, err := smb.NewServer(&smb.ServerConfiguration{
		URL:        "tcp://" + s.addr,
		Timeout:    30 * time.Second,
		MaxClients: 4,
		Logger:     log.New(io.Discard, "", 0),
	}, s.mem)
	if err != nil {
		return err
	}
	if err := srv.Start(); err != nil {
		return err
	}
	s.srv = srv
	return nil
}

// stop closes the listener and every client connection.
func (s *server) stop() {
	if s.srv != nil {
		s.srv.Stop()
		s.srv = nil
	}
}

func (s *server) port() int {
	_, p, _ := net.SplitHostPort(s.addr)
	n, _ := strconv.Atoi(p)
	return n
}
