package gateway

import (
	"time"

	"github.com/gopcua/opcua/id"
	"github.com/gopcua/opcua/ua"

	"github.com/sightglass/sightglass/tags"
)

// uaType is the OPC UA built-in type a tag is served as: its own type,
// or Double when it is scaled (its value is in engineering units).
func uaType(d *tags.Def) uint32 {
	if d.Scale != nil {
		return id.Double
	}
	switch d.Type {
	case tags.TypeBool:
		return id.Boolean
	case tags.TypeInt16:
		return id.Int16
	case tags.TypeUint16:
		return id.UInt16
	case tags.TypeInt32:
		return id.Int32
	case tags.TypeUint32:
		return id.UInt32
	case tags.TypeInt64:
		return id.Int64
	case tags.TypeUint64:
		return id.UInt64
	case tags.TypeFloat32:
		return id.Float
	case tags.TypeString:
		return id.String
	}
	return id.Double
}

// variant converts v to the Go type of OPC UA type t; nil for a value
// never read.
func variant(t uint32, v tags.Value) *ua.Variant {
	if v.IsZero() {
		return nil
	}
	var x any
	switch t {
	case id.Boolean:
		x = v.Bool()
	case id.Int16:
		x = int16(v.Int())
	case id.UInt16:
		x = uint16(v.Uint())
	case id.Int32:
		x = int32(v.Int())
	case id.UInt32:
		x = uint32(v.Uint())
	case id.Int64:
		x = v.Int()
	case id.UInt64:
		x = v.Uint()
	case id.Float:
		x = float32(v.Float())
	case id.String:
		x = v.String()
	default:
		x = v.Float()
	}
	vr, err := ua.NewVariant(x)
	if err != nil {
		return nil // not reached: every x above is a built-in type
	}
	return vr
}

// statusOf maps a quality back to the OPC UA status code a client
// expects for it (OPC UA Part 4 §7.34 and Part 8 for the reasons).
func statusOf(q tags.Quality) ua.StatusCode {
	switch q.Level {
	case tags.Good:
		return ua.StatusGood
	case tags.Uncertain:
		if q.Reason == tags.ReasonStale {
			return ua.StatusUncertainLastUsableValue
		}
		return ua.StatusUncertain
	}
	switch q.Reason {
	case tags.ReasonNotRead, tags.ReasonWarmingUp:
		return ua.StatusBadWaitingForInitialData
	case tags.ReasonNoComm:
		return ua.StatusBadNoCommunication
	case tags.ReasonTimeout:
		return ua.StatusBadTimeout
	case tags.ReasonDeviceException:
		return ua.StatusBadDeviceFailure
	case tags.ReasonConfigError:
		return ua.StatusBadConfigurationError
	case tags.ReasonOutOfRange:
		return ua.StatusBadOutOfRange
	case tags.ReasonDecode:
		return ua.StatusBadDataEncodingInvalid
	case tags.ReasonStale:
		return ua.StatusBadNoCommunication
	case tags.ReasonStopped:
		return ua.StatusBadOutOfService
	}
	return ua.StatusBad
}

// dataValue is what a Read of the tag's Value answers, without the
// server timestamp (set per read). It is never modified once made.
func dataValue(t uint32, v tags.VQT) *ua.DataValue {
	dv := &ua.DataValue{EncodingMask: ua.DataValueStatusCode, Status: statusOf(v.Quality)}
	if vr := variant(t, v.Value); vr != nil {
		dv.Value = vr
		dv.EncodingMask |= ua.DataValueValue
	}
	if !v.Time.IsZero() {
		dv.SourceTimestamp = v.Time
		dv.EncodingMask |= ua.DataValueSourceTimestamp
	}
	return dv
}

// withServerTime returns a copy of dv stamped with the time of the read.
func withServerTime(dv *ua.DataValue) *ua.DataValue {
	c := *dv
	c.ServerTimestamp = time.Now()
	c.EncodingMask |= ua.DataValueServerTimestamp
	return &c
}
