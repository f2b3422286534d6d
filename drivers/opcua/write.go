package opcua

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/gopcua/opcua"
	"github.com/gopcua/opcua/ua"

	"github.com/sightglass/sightglass/drivers"
	"github.com/sightglass/sightglass/tags"
)

// Write converts v to the node's DataType (read once per connection; when
// it is not a built-in type or a known subtype, the type of the node's
// current value), writes it, and reads the node back. A value that does
// not fit the node's type, or a write the server refuses, is a
// *drivers.DeviceError with the OPC UA status code's upper 16 bits (for a
// conversion, BadTypeMismatch) and never reaches the device or crashes.
func (d *Driver) Write(ctx context.Context, id tags.ID, v tags.Value) (tags.VQT, error) {
	s, ok := d.byID[id]
	if !ok {
		return tags.VQT{}, d.wrap("write tag "+strconv.Itoa(int(id)), drivers.ErrUnknownTag)
	}
	what := "write " + s.def.Name
	if !s.def.Writable {
		return tags.VQT{}, d.wrap(what, drivers.ErrNotWritable)
	}
	c, _, err := d.conn()
	if err != nil {
		return tags.VQT{}, d.wrap(what, err)
	}
	t, err := d.dataType(ctx, c, s)
	if err != nil {
		return tags.VQT{}, err
	}
	variant, err := toVariant(s.def, v, t)
	if err != nil {
		return tags.VQT{}, d.wrap(what, &drivers.DeviceError{Code: statusBadTypeMismatchUpper, Text: fmt.Sprintf("BadTypeMismatch: the node is %s: %v", t, errors.Unwrap(err))})
	}
	req := &ua.WriteRequest{NodesToWrite: []*ua.WriteValue{{
		NodeID:      s.node,
		AttributeID: ua.AttributeIDValue,
		Value:       &ua.DataValue{EncodingMask: ua.DataValueValue, Value: variant},
	}}}
	tctx, cancel := context.WithTimeout(ctx, d.timeout)
	defer cancel()
	d.sent.Add(1)
	res, err := c.Write(tctx, req)
	if err != nil {
		d.failed.Add(1)
		return tags.VQT{}, d.ioError(tctx, what, err)
	}
	status := res.ResponseHeader.ServiceResult
	if status == ua.StatusOK && len(res.Results) == 1 {
		status = res.Results[0]
	} else if status == ua.StatusOK {
		status = ua.StatusBadUnexpectedError
	}
	if uint32(status)>>30 != 0 {
		d.failed.Add(1)
		return tags.VQT{}, d.wrap(what, &drivers.DeviceError{Code: uint16(uint32(status) >> 16), Text: statusName(status)})
	}
	dv, err := d.readOne(ctx, c, s.node)
	if err != nil {
		return tags.VQT{}, err
	}
	return s.vqt(dv, time.Now()), nil
}

// dataType returns the built-in type values of s's node are written as,
// reading its DataType attribute (and, when that is no built-in type, its
// value) the first time after a Connect.
func (d *Driver) dataType(ctx context.Context, c *opcua.Client, s *slot) (ua.TypeID, error) {
	d.mu.Lock()
	t := s.dtype
	d.mu.Unlock()
	if t != 0 {
		return t, nil
	}
	req := &ua.ReadRequest{TimestampsToReturn: ua.TimestampsToReturnNeither, NodesToRead: []*ua.ReadValueID{
		{NodeID: s.node, AttributeID: ua.AttributeIDDataType},
		{NodeID: s.node, AttributeID: ua.AttributeIDValue},
	}}
	tctx, cancel := context.WithTimeout(ctx, d.timeout)
	defer cancel()
	d.sent.Add(1)
	res, err := c.Read(tctx, req)
	if err != nil {
		d.failed.Add(1)
		return 0, d.ioError(tctx, "read data type of "+s.def.Name, err)
	}
	if len(res.Results) != 2 {
		d.failed.Add(1)
		return 0, d.wrap("read data type of "+s.def.Name, fmt.Errorf("%d results for 2 attributes", len(res.Results)))
	}
	dt, val := res.Results[0], res.Results[1]
	if dt != nil && dt.Status == ua.StatusOK && dt.Value != nil {
		switch x := dt.Value.Value().(type) {
		case *ua.NodeID:
			t, _ = builtinOf(x)
		case *ua.ExpandedNodeID:
			if x.NodeID != nil {
				t, _ = builtinOf(x.NodeID)
			}
		}
	}
	if t == 0 && val != nil && val.Status == ua.StatusOK && val.Value != nil && val.Value.Value() != nil {
		t = val.Value.Type()
	}
	if t == 0 {
		code := ua.StatusBadTypeMismatch
		if dt != nil && uint32(dt.Status)>>30 != 0 {
			code = dt.Status
		}
		return 0, d.wrap("write "+s.def.Name, &drivers.DeviceError{Code: uint16(uint32(code) >> 16), Text: "the node's data type is unknown: " + statusName(code)})
	}
	d.mu.Lock()
	s.dtype = t
	d.mu.Unlock()
	return t, nil
}
