// Package modbus is the Modbus TCP and RTU driver: it registers
// "modbus-tcp" and "modbus-rtu" with drivers, plans each device's tags into
// the fewest read requests (planner.go), decodes and encodes tag values in
// every type and byte order (codec.go), and talks to the device through
// github.com/goburrow/modbus (driver.go). address.go parses addresses and
// checks the tags and devices of a project.
//
// Section numbers (§) refer to the MODBUS Application Protocol
// Specification V1.1b3 unless they name the serial line specification.
package modbus

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	mb "github.com/goburrow/modbus"
	"github.com/goburrow/serial"

	"github.com/sightglass/sightglass/drivers"
	"github.com/sightglass/sightglass/tags"
)

func init() {
	drivers.Register(DriverTCP, NewTCP)
	drivers.Register(DriverRTU, NewRTU)
}

// DefaultTimeout is how long one request may take when the device does not
// say.
const DefaultTimeout = time.Second

// Function codes (Modbus spec §6).
const (
	fcReadCoils              = 1  // §6.1
	fcReadDiscreteInputs     = 2  // §6.2
	fcReadHoldingRegisters   = 3  // §6.3
	fcReadInputRegisters     = 4  // §6.4
	fcWriteSingleCoil        = 5  // §6.5
	fcWriteSingleRegister    = 6  // §6.6
	fcWriteMultipleRegisters = 16 // §6.12
	fcException              = 0x80
	coilOn                   = 0xFF00 // §6.5: FF 00 requests ON, 00 00 OFF
)

// exceptionText names the exception codes (Modbus spec §7).
var exceptionText = map[byte]string{
	1:  "illegal function",
	2:  "illegal data address",
	3:  "illegal data value",
	4:  "server device failure",
	5:  "acknowledge",
	6:  "server device busy",
	8:  "memory parity error",
	10: "gateway path unavailable",
	11: "gateway target device failed to respond",
}

// handler is what goburrow's TCP and RTU client handlers share.
type handler interface {
	mb.ClientHandler
	Connect() error
	Close() error
}

// Driver is a Modbus TCP or RTU device, read and written through
// github.com/goburrow/modbus. It is not safe for concurrent use, except
// that Close and Requests may be called from another goroutine: Close then
// waits for the request in flight (at most the device's timeout; goburrow
// cannot interrupt one) and the Read or Write it belongs to returns
// drivers.ErrNotConnected before its next request.
type Driver struct {
	dev     drivers.DeviceConfig
	timeout time.Duration
	h       handler
	tcp     *mb.TCPClientHandler // nil for RTU; its Timeout follows ctx deadlines
	client  mb.Client
	groups  []group
	public  []drivers.Group
	byID    map[tags.ID]*slot

	mu        sync.Mutex // guards connected and the I/O on h and tcp
	connected bool
	closing   atomic.Int32 // Close calls under way: requests not yet sent give up

	sent, failed atomic.Uint64
}

var (
	_ drivers.Driver         = (*Driver)(nil)
	_ drivers.RequestCounter = (*Driver)(nil)
)

// NewTCP is the modbus-tcp factory: dev.Address is host:port, dev.Unit the
// unit identifier.
func NewTCP(dev drivers.DeviceConfig, defs []*tags.Def) (drivers.Driver, error) {
	h := mb.NewTCPClientHandler(dev.Address)
	d, err := newDriver(dev, defs, h)
	if err != nil {
		return nil, err
	}
	h.Timeout = d.timeout
	h.IdleTimeout = 0 // the poller decides when to close
	h.SlaveId = byte(dev.Unit)
	d.tcp = h
	return d, nil
}

// NewRTU is the modbus-rtu factory: dev.Address is the serial device,
// dev.Serial its line settings, dev.Unit the server address.
func NewRTU(dev drivers.DeviceConfig, defs []*tags.Def) (drivers.Driver, error) {
	h := mb.NewRTUClientHandler(dev.Address)
	d, err := newDriver(dev, defs, h)
	if err != nil {
		return nil, err
	}
	h.BaudRate = dev.Serial.Baud
	h.DataBits = dev.Serial.DataBits
	h.Parity = dev.Serial.Parity
	h.StopBits = dev.Serial.StopBits
	h.Timeout = d.timeout
	h.IdleTimeout = 0
	h.SlaveId = byte(dev.Unit)
	return d, nil
}

func newDriver(dev drivers.DeviceConfig, defs []*tags.Def, h handler) (*Driver, error) {
	if errs := CheckDevice(&dev); len(errs) > 0 {
		return nil, fmt.Errorf("modbus device %s: %w", dev.Name, errors.Join(errs...))
	}
	gs, err := plan(dev, defs)
	if err != nil {
		return nil, err
	}
	d := &Driver{dev: dev, timeout: dev.Timeout, h: h, client: mb.NewClient(h), groups: gs, byID: map[tags.ID]*slot{}}
	if d.timeout <= 0 {
		d.timeout = DefaultTimeout
	}
	for i := range gs {
		d.public = append(d.public, gs[i].public())
		for k := range gs[i].slots {
			s := &gs[i].slots[k]
			d.byID[s.id] = s
		}
	}
	return d, nil
}

// Connect opens the TCP connection or the serial port.
func (d *Driver) Connect(ctx context.Context) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.setTimeout(ctx); err != nil {
		return d.wrap("connect", err)
	}
	if err := d.h.Connect(); err != nil {
		return d.ioError(ctx, "connect", err)
	}
	d.connected = true
	return nil
}

// Close closes the connection; Connect may open it again.
func (d *Driver) Close() error {
	d.closing.Add(1)
	defer d.closing.Add(-1)
	d.mu.Lock()
	defer d.mu.Unlock()
	d.connected = false
	if err := d.h.Close(); err != nil {
		return d.wrap("close", err)
	}
	return nil
}

// Groups returns the planned poll groups. The slice must not be modified.
func (d *Driver) Groups() []drivers.Group { return d.public }

// Requests counts the requests sent and those that failed (no answer, or
// an exception).
func (d *Driver) Requests() (sent, failed uint64) { return d.sent.Load(), d.failed.Load() }

// Read reads group g into out, one request after another. An exception
// makes the tags of its request bad (tags.ReasonDeviceException, with the
// exception code); a tag that cannot be decoded is bad with
// tags.ReasonDecode; in both cases Read goes on and returns nil. A timeout
// returns an error wrapping drivers.ErrTimeout, and any other failure of
// the connection an error naming the device. ctx is checked before each
// request, and for TCP its deadline shortens the request's timeout.
func (d *Driver) Read(ctx context.Context, g int, out []tags.VQT) error {
	if g < 0 || g >= len(d.groups) {
		return d.wrap("read", fmt.Errorf("no group %d (the device has %d)", g, len(d.groups)))
	}
	grp := &d.groups[g]
	if len(out) != len(grp.slots) {
		return d.wrap("read", fmt.Errorf("group %d has %d tags, out has room for %d", g, len(grp.slots), len(out)))
	}
	for ri := range grp.reqs {
		r := &grp.reqs[ri]
		data, err := d.read(ctx, r.area, r.start, r.count)
		now := time.Now()
		if err != nil {
			code, ok := exceptionCode(err)
			if !ok {
				return err
			}
			q := tags.BadQuality(tags.ReasonDeviceException, uint16(code))
			for k := r.first; k < r.end; k++ {
				out[k] = tags.VQT{Quality: q, Time: now}
			}
			continue
		}
		decodeRequest(grp, r, data, out, now)
	}
	return nil
}

// read sends one read request.
func (d *Driver) read(ctx context.Context, area Area, start, count uint16) ([]byte, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.ready(ctx); err != nil {
		return nil, d.wrapRequest("read", area, start, count, err)
	}
	d.sent.Add(1)
	var data []byte
	var err error
	switch area {
	case Coils:
		data, err = d.client.ReadCoils(start, count)
	case DiscreteInputs:
		data, err = d.client.ReadDiscreteInputs(start, count)
	case InputRegisters:
		data, err = d.client.ReadInputRegisters(start, count)
	default:
		data, err = d.client.ReadHoldingRegisters(start, count)
	}
	if err != nil {
		d.failed.Add(1)
		if _, ok := exceptionCode(err); ok {
			return nil, err
		}
		return nil, d.ioError(ctx, requestName("read", area, start, count), err)
	}
	return data, nil
}

// ready checks, with d.mu held, that a request may be sent now.
func (d *Driver) ready(ctx context.Context) error {
	if !d.connected || d.closing.Load() > 0 {
		return drivers.ErrNotConnected
	}
	return d.setTimeout(ctx)
}

// setTimeout gives the TCP handler the device's timeout, or less when ctx
// ends sooner. goburrow's serial port takes its timeout when it opens.
func (d *Driver) setTimeout(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if d.tcp == nil {
		return nil
	}
	t := d.timeout
	if dl, ok := ctx.Deadline(); ok {
		left := time.Until(dl)
		if left <= 0 {
			return context.DeadlineExceeded
		}
		t = min(t, left)
	}
	d.tcp.Timeout = t
	return nil
}

// Write writes v to tag id and reads it back: FC 5 for a coil, FC 6 for a
// 16-bit register, FC 16 for longer values and strings, and FC 3 then FC 6
// for a bit of a holding register (read, modify, write: not atomic if
// something else writes the register in between). An exception is a
// *drivers.DeviceError.
func (d *Driver) Write(ctx context.Context, id tags.ID, v tags.Value) (tags.VQT, error) {
	s, ok := d.byID[id]
	if !ok {
		return tags.VQT{}, d.wrap("write tag "+strconv.Itoa(int(id)), drivers.ErrUnknownTag)
	}
	what := "write " + s.def.Name
	if !s.def.Writable {
		return tags.VQT{}, d.wrap(what, drivers.ErrNotWritable)
	}
	data, err := s.c.encode(v)
	if err != nil {
		return tags.VQT{}, d.wrap(what, err)
	}
	a := s.c.addr
	switch {
	case a.Area == Coils:
		val := uint16(0)
		if data[0] != 0 {
			val = coilOn
		}
		err = d.write(ctx, what, a, 1, func() error { _, err := d.client.WriteSingleCoil(a.Offset, val); return err })
	case a.Bit >= 0:
		var cur []byte
		cur, err = d.read(ctx, a.Area, a.Offset, 1)
		if err == nil && len(cur) < 2 {
			err = d.wrap(what, errShort)
		}
		if err == nil {
			mask := uint16(1) << a.Bit
			val := binary.BigEndian.Uint16(cur)&^mask | binary.BigEndian.Uint16(data)
			err = d.write(ctx, what, a, 1, func() error { _, err := d.client.WriteSingleRegister(a.Offset, val); return err })
		}
	case s.c.regs == 1:
		val := binary.BigEndian.Uint16(data)
		err = d.write(ctx, what, a, 1, func() error { _, err := d.client.WriteSingleRegister(a.Offset, val); return err })
	default:
		n := uint16(s.c.regs)
		err = d.write(ctx, what, a, n, func() error { _, err := d.client.WriteMultipleRegisters(a.Offset, n, data); return err })
	}
	if err != nil {
		if code, ok := exceptionCode(err); ok {
			return tags.VQT{}, d.wrap(what, deviceError(code))
		}
		return tags.VQT{}, err
	}
	return d.readBack(ctx, s)
}

// write sends one write request, f, for count units at a.
func (d *Driver) write(ctx context.Context, what string, a Address, count uint16, f func() error) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.ready(ctx); err != nil {
		return d.wrap(what, err)
	}
	d.sent.Add(1)
	if err := f(); err != nil {
		d.failed.Add(1)
		if _, ok := exceptionCode(err); ok {
			return err
		}
		return d.ioError(ctx, requestName(what+":", a.Area, a.Offset, count), err)
	}
	return nil
}

// readBack reads tag s alone, after a write.
func (d *Driver) readBack(ctx context.Context, s *slot) (tags.VQT, error) {
	a := s.c.addr
	data, err := d.read(ctx, a.Area, a.Offset, uint16(s.c.regs))
	if err != nil {
		code, ok := exceptionCode(err)
		if !ok {
			return tags.VQT{}, err
		}
		return tags.VQT{Quality: tags.BadQuality(tags.ReasonDeviceException, uint16(code)), Time: time.Now()}, nil
	}
	one := *s
	one.off = 0
	var vqt tags.VQT
	one.decodeInto(&vqt, a.Area, data, time.Now())
	return vqt, nil
}

// exceptionCode reports whether err is a Modbus exception response, and
// its code. goburrow reports any unexpected function code as a
// ModbusError; only one with the exception bit set is an exception.
func exceptionCode(err error) (byte, bool) {
	var me *mb.ModbusError
	if errors.As(err, &me) && me.FunctionCode&fcException != 0 {
		return me.ExceptionCode, true
	}
	return 0, false
}

func deviceError(code byte) *drivers.DeviceError {
	text, ok := exceptionText[code]
	if !ok {
		text = "unknown exception"
	}
	return &drivers.DeviceError{Code: uint16(code), Text: text}
}

// isTimeout reports whether err is a request that got no answer in time.
func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, os.ErrDeadlineExceeded) || errors.Is(err, serial.ErrTimeout) ||
		errors.As(err, &ne) && ne.Timeout()
}

// ioError classifies a failed exchange: ctx's own error if ctx ended, one
// wrapping drivers.ErrTimeout for a timeout, else err naming the device.
func (d *Driver) ioError(ctx context.Context, what string, err error) error {
	ctxErr := ctx.Err()
	if dl, ok := ctx.Deadline(); ok && ctxErr == nil && !time.Now().Before(dl) {
		ctxErr = context.DeadlineExceeded // its timer has not fired yet
	}
	switch {
	case ctxErr != nil:
		return fmt.Errorf("modbus device %s: %s: %w (%v)", d.dev.Name, what, ctxErr, err)
	case isTimeout(err):
		return fmt.Errorf("modbus device %s: %s: %w (%s): %w", d.dev.Name, what, drivers.ErrTimeout, d.timeout, err)
	}
	return d.wrap(what, err)
}

func (d *Driver) wrap(what string, err error) error {
	return fmt.Errorf("modbus device %s: %s: %w", d.dev.Name, what, err)
}

func (d *Driver) wrapRequest(verb string, area Area, start, count uint16, err error) error {
	return d.wrap(requestName(verb, area, start, count), err)
}

func requestName(verb string, area Area, start, count uint16) string {
	return verb + " " + area.String() + ":" + strconv.Itoa(int(start)) + " ×" + strconv.Itoa(int(count))
}
