package station

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/sightglass/sightglass/auth"
	"github.com/sightglass/sightglass/tags"
)

// Errors of the write path a caller can act on.
var (
	// ErrUnknownTag: no tag of that name.
	ErrUnknownTag = errors.New("unknown tag")
	// ErrReadOnly: the tag is not writable (a system tag, or writable: false).
	ErrReadOnly = errors.New("tag is read-only")
	// ErrBadValue: the text does not parse as the tag's type.
	ErrBadValue = errors.New("value does not fit the tag's type")
)

// Write is the station's single write path: the window, `sightglass
// write` and later the gateways all go through it. It checks that the
// actor may write the tag (permission Write in the tag's area), asks a
// critical tag (or a write with a.Sign) for an electronic signature, parses
// text as the tag's type (engineering units, when scaled), writes it
// through the device's poller, audits the write with its old and new value
// and its result, and returns the tag's VQT before and the VQT read back
// after.
func (s *Station) Write(ctx context.Context, a Actor, name, text string) (old, new tags.VQT, err error) {
	rec := auth.AuditRecord{User: a.user(), Action: auth.ActWrite, Target: name, New: text, Detail: a.From}
	defer func() {
		if !errors.Is(err, ErrNoState) {
			rec.Result = result(err)
			s.audit(rec)
		}
	}()
	id, ok := s.table.Lookup(name)
	if !ok {
		return old, new, fmt.Errorf("%s: %w", name, ErrUnknownTag)
	}
	def := s.table.Def(id)
	users, err := s.authorize(&a, auth.Write, name)
	if err != nil {
		return old, new, err
	}
	if def.Critical || a.Sign {
		if a.Password == "" || strings.TrimSpace(a.Comment) == "" {
			return old, new, fmt.Errorf("%s: %w", name, ErrSignatureRequired)
		}
		sig, err := users.Confirm(a.Session, a.Password, a.Comment)
		if err != nil {
			return old, new, err
		}
		sig.Stamp(&rec)
	} else {
		rec.Reason = a.Comment
	}
	if !def.Writable || s.owner[id] < 0 {
		return old, new, fmt.Errorf("%s: %w", name, ErrReadOnly)
	}
	v, err := ParseValue(def, text)
	if err != nil {
		return old, new, fmt.Errorf("%s: %w", name, err)
	}
	old = s.bus.Get(id)
	rec.Old = old.Value.String()
	new, err = s.pollers[s.owner[id]].Write(ctx, id, v)
	if err != nil {
		s.log.Warn("write failed", "tag", name, "value", text, "user", a.user(), "err", err)
		return old, new, err // the driver's and the poller's errors name the device and tag
	}
	rec.New = new.Value.String()
	s.log.Info("write", "tag", name, "old", old.Value.String(), "new", new.Value.String(), "user", a.user())
	return old, new, nil
}

// ParseValue parses text as a value for def: true/false/on/off/1/0 for
// bools, numbers for numeric types (any number when the tag is scaled, as
// it is then in engineering units), the text itself for strings.
func ParseValue(def *tags.Def, text string) (tags.Value, error) {
	t := strings.TrimSpace(text)
	if def.Scale != nil {
		f, err := strconv.ParseFloat(t, 64)
		if err != nil {
			return tags.Value{}, fmt.Errorf("%w: %q is not a number", ErrBadValue, text)
		}
		return tags.Float(f), nil
	}
	switch def.Type {
	case tags.TypeBool:
		switch strings.ToLower(t) {
		case "1", "true", "on", "yes", "start":
			return tags.Bool(true), nil
		case "0", "false", "off", "no", "stop":
			return tags.Bool(false), nil
		}
		return tags.Value{}, fmt.Errorf("%w: %q is not true/false/on/off/1/0", ErrBadValue, text)
	case tags.TypeInt16, tags.TypeInt32, tags.TypeInt64:
		i, err := strconv.ParseInt(t, 10, def.Type.Bits())
		if err != nil {
			return tags.Value{}, fmt.Errorf("%w: %q is not a %s", ErrBadValue, text, def.Type)
		}
		return tags.Int(i), nil
	case tags.TypeUint16, tags.TypeUint32, tags.TypeUint64:
		u, err := strconv.ParseUint(t, 10, def.Type.Bits())
		if err != nil {
			return tags.Value{}, fmt.Errorf("%w: %q is not a %s", ErrBadValue, text, def.Type)
		}
		return tags.Uint(u), nil
	case tags.TypeFloat32, tags.TypeFloat64:
		f, err := strconv.ParseFloat(t, def.Type.Bits())
		if err != nil {
			return tags.Value{}, fmt.Errorf("%w: %q is not a number", ErrBadValue, text)
		}
		return tags.Float(f), nil
	case tags.TypeString:
		if len(text) > def.StrLen {
			return tags.Value{}, fmt.Errorf("%w: %d characters, the tag holds %d", ErrBadValue, len(text), def.StrLen)
		}
		return tags.String(text), nil
	}
	return tags.Value{}, fmt.Errorf("%w: type %s", ErrBadValue, def.Type)
}
