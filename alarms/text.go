package alarms

import "fmt"

// The enumerations marshal as their names, so that JSON (the journal, the
// state bucket, `sightglass alarms list --json`) reads as a person would
// write it.

// MarshalText implements encoding.TextMarshaler.
func (p Priority) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (p *Priority) UnmarshalText(b []byte) error {
	v, ok := ParsePriority(string(b))
	if !ok {
		return fmt.Errorf("unknown alarm priority %q", b)
	}
	*p = v
	return nil
}

// MarshalText implements encoding.TextMarshaler.
func (k Kind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (k *Kind) UnmarshalText(b []byte) error {
	v, ok := ParseKind(string(b))
	if !ok {
		return fmt.Errorf("unknown alarm kind %q", b)
	}
	*k = v
	return nil
}

// MarshalText implements encoding.TextMarshaler.
func (s StateKind) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (s *StateKind) UnmarshalText(b []byte) error {
	v, ok := ParseState(string(b))
	if !ok {
		return fmt.Errorf("unknown alarm state %q", b)
	}
	*s = v
	return nil
}

// MarshalText implements encoding.TextMarshaler.
func (e Event) MarshalText() ([]byte, error) { return []byte(e.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (e *Event) UnmarshalText(b []byte) error {
	v, ok := ParseEvent(string(b))
	if !ok {
		return fmt.Errorf("unknown alarm event %q", b)
	}
	*e = v
	return nil
}
