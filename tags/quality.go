package tags

import "strconv"

// Level is the coarse quality of a value, as OPC UA and every HMI use it.
type Level uint8

// The three quality levels. The zero Level is Bad, so a VQT that was never
// set is never mistaken for a good one.
const (
	Bad Level = iota
	Uncertain
	Good
)

func (l Level) String() string {
	switch l {
	case Good:
		return "good"
	case Uncertain:
		return "uncertain"
	case Bad:
		return "bad"
	}
	return "Level(" + strconv.Itoa(int(l)) + ")"
}

// Reason says why a value is not good.
type Reason uint8

// Reasons for bad or uncertain quality.
const (
	ReasonNone            Reason = iota
	ReasonNotRead                // never read since the station started
	ReasonNoComm                 // the device does not answer or the connection is down
	ReasonTimeout                // the device did not answer within its timeout
	ReasonDeviceException        // the device answered with a protocol exception (Code holds it)
	ReasonConfigError            // the tag's configuration cannot be served by the device
	ReasonOutOfRange             // the raw value is outside its configured range
	ReasonDecode                 // the answer could not be decoded into the tag's type
	ReasonStale                  // the value has not been refreshed when expected
	ReasonStopped                // the station stopped polling the device
	ReasonBadInput               // a model's output: an input it needs is bad (the station's log names which)
	ReasonModelError             // a model's output: the model failed to evaluate (the log says why)
	ReasonWarmingUp              // a model's output: its window does not hold enough samples yet
)

var reasonNames = [...]string{
	ReasonNone:            "",
	ReasonNotRead:         "not read yet",
	ReasonNoComm:          "no communication",
	ReasonTimeout:         "timeout",
	ReasonDeviceException: "device exception",
	ReasonConfigError:     "config error",
	ReasonOutOfRange:      "out of range",
	ReasonDecode:          "decode error",
	ReasonStale:           "stale",
	ReasonStopped:         "stopped",
	ReasonBadInput:        "bad input",
	ReasonModelError:      "model error",
	ReasonWarmingUp:       "warming up",
}

func (r Reason) String() string {
	if int(r) < len(reasonNames) {
		return reasonNames[r]
	}
	return "Reason(" + strconv.Itoa(int(r)) + ")"
}

// Quality is a Level with the Reason for it and, for device exceptions, the
// protocol's code (for Modbus, the exception code 1..11).
type Quality struct {
	Level  Level
	Reason Reason
	Code   uint16
}

// GoodQuality is the quality of a value read without trouble.
var GoodQuality = Quality{Level: Good}

// BadQuality returns a bad quality with the given reason and code.
func BadQuality(r Reason, code uint16) Quality {
	return Quality{Level: Bad, Reason: r, Code: code}
}

// IsGood reports whether q is good.
func (q Quality) IsGood() bool { return q.Level == Good }

// String prints "good", "bad: no communication", "bad: device exception 2".
func (q Quality) String() string {
	s := q.Level.String()
	if q.Reason == ReasonNone {
		return s
	}
	s += ": " + q.Reason.String()
	if q.Code != 0 {
		s += " " + strconv.Itoa(int(q.Code))
	}
	return s
}
