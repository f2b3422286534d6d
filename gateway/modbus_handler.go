package gateway

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	smb "github.com/simonvetter/modbus"

	"github.com/sightglass/sightglass/auth"
	"github.com/sightglass/sightglass/drivers/modbus"
)

// writeTimeout bounds one client write through the station (its device
// write and read-back).
const writeTimeout = 10 * time.Second

// mbHandler answers Modbus requests from the image, and passes writes to
// the station.
//
// Exceptions (Modbus spec §7):
//   - 1 illegal function: a write refused — plain TCP without
//     allow_plain_writes, a role without the permission, a read-only tag
//     or one that needs an electronic signature (which Modbus cannot give);
//   - 2 illegal data address: an address no tag is mapped to, or a write
//     that does not cover every register of each tag it writes;
//   - 3 illegal data value: a written value that does not fit the tag;
//   - 4 server device failure: a bad-quality tag whose device answers, a
//     value its register type cannot hold, or a failed write;
//   - 0x0B gateway target device failed to respond: a bad-quality tag
//     whose device does not answer (or has not been read yet), or a
//     write that timed out.
//
// Every unit ID is answered alike.
type mbHandler struct {
	ctx context.Context
	cfg *ModbusConfig
	w   Writer
	log *slog.Logger
	im  *image
	tls bool

	mu       sync.Mutex // guards sessions
	sessions map[string]*sessionSlot
}

// sessionSlot holds one user's gateway session; its mutex makes the
// users' first writes wait for one SessionFor (one sign-in audited).
type sessionSlot struct {
	mu sync.Mutex // guards s
	s  *auth.Session
}

func (h *mbHandler) HandleCoils(req *smb.CoilsRequest) ([]bool, error) {
	if !req.IsWrite {
		return h.im.readBits(modbus.Coils, req.Addr, req.Quantity)
	}
	return nil, h.write(modbus.Coils, req.Addr, req.Quantity, req.ClientRole, req.ClientAddr, func(e *mbEntry) []byte {
		if req.Args[int(e.reg.Offset)-int(req.Addr)] {
			return []byte{1}
		}
		return []byte{0}
	})
}

func (h *mbHandler) HandleDiscreteInputs(req *smb.DiscreteInputsRequest) ([]bool, error) {
	return h.im.readBits(modbus.DiscreteInputs, req.Addr, req.Quantity)
}

func (h *mbHandler) HandleHoldingRegisters(req *smb.HoldingRegistersRequest) ([]uint16, error) {
	if !req.IsWrite {
		return h.im.readRegs(modbus.HoldingRegisters, req.Addr, req.Quantity)
	}
	return nil, h.write(modbus.HoldingRegisters, req.Addr, req.Quantity, req.ClientRole, req.ClientAddr, func(e *mbEntry) []byte {
		regs := req.Args[int(e.reg.Offset)-int(req.Addr):][:e.size]
		b := make([]byte, 2*len(regs))
		for i, r := range regs {
			b[2*i], b[2*i+1] = byte(r>>8), byte(r)
		}
		return b
	})
}

func (h *mbHandler) HandleInputRegisters(req *smb.InputRegistersRequest) ([]uint16, error) {
	return h.im.readRegs(modbus.InputRegisters, req.Addr, req.Quantity)
}

// write writes each tag that qty addresses from addr cover, in address
// order, through the station; data gives a tag's bytes as the driver's
// codec decodes them. It stops at the first failure.
func (h *mbHandler) write(area modbus.Area, addr, qty uint16, role, client string, data func(*mbEntry) []byte) error {
	entries, err := h.im.whole(area, addr, qty)
	if err != nil {
		return err
	}
	from := "modbus " + client
	user := ""
	switch {
	case h.tls:
		from = "modbus-tls " + client
		user = h.cfg.Roles[role] // "": nobody, refused and audited by the station
	case !h.cfg.AllowPlainWrites:
		h.log.Warn("modbus gateway: write refused: plain TCP is read-only", "client", client, "tag", entries[0].reg.Tag)
		return smb.ErrIllegalFunction
	default:
		user = h.cfg.PlainUser
	}
	for _, e := range entries {
		v, err := modbus.Decode(&e.def, data(e))
		if err != nil {
			return smb.ErrIllegalDataValue
		}
		if err := h.writeAs(user, from, e.reg.Tag, v.String()); err != nil {
			h.log.Warn("modbus gateway: write failed", "client", client, "role", role, "user", user, "tag", e.reg.Tag, "value", v.String(), "err", err)
			return exceptionOf(err)
		}
	}
	return nil
}

// writeAs writes as user ("" nobody), with the user's gateway session,
// made on first use and again when it has ended (a removed and re-added
// user).
func (h *mbHandler) writeAs(user, from, tag, text string) error {
	ctx, cancel := context.WithTimeout(h.ctx, writeTimeout)
	defer cancel()
	if user == "" {
		return h.w.Write(ctx, nil, from, tag, text)
	}
	h.mu.Lock()
	slot := h.sessions[user]
	if slot == nil {
		slot = &sessionSlot{}
		h.sessions[user] = slot
	}
	h.mu.Unlock()
	for attempt := 0; ; attempt++ {
		slot.mu.Lock()
		s := slot.s
		if s == nil {
			var err error
			if s, err = h.w.SessionFor(user, from); err != nil {
				slot.mu.Unlock()
				// Refused and audited as nobody: the user is unknown or disabled.
				return errors.Join(err, h.w.Write(ctx, nil, from, tag, text))
			}
			slot.s = s
		}
		slot.mu.Unlock()
		err := h.w.Write(ctx, s, from, tag, text)
		if attempt > 0 || !errors.Is(err, auth.ErrSignedOut) {
			return err
		}
		slot.mu.Lock()
		if slot.s == s {
			slot.s = nil
		}
		slot.mu.Unlock()
	}
}

// exceptionOf is the Modbus exception for a write error (see mbHandler).
func exceptionOf(err error) error {
	switch {
	case errors.Is(err, auth.ErrDenied), errors.Is(err, ErrRefused):
		return smb.ErrIllegalFunction
	case errors.Is(err, ErrBadValue):
		return smb.ErrIllegalDataValue
	case errors.Is(err, context.DeadlineExceeded):
		return smb.ErrGWTargetFailedToRespond
	}
	return smb.ErrServerDeviceFailure
}
