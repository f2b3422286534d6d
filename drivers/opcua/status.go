package opcua

import (
	"strings"

	"github.com/gopcua/opcua/ua"

	"github.com/sightglass/sightglass/tags"
)

// Quality maps an OPC UA status code to a quality (OPC UA Part 4 §7.34.1:
// the top two bits are the severity, 00 good, 01 uncertain, 10/11 bad).
// A status that is not good keeps its code's upper 16 bits (severity and
// sub-code; the low bits are info flags) in Quality.Code, with
// tags.ReasonDeviceException; StatusText names it.
func Quality(s ua.StatusCode) tags.Quality {
	code := uint16(uint32(s) >> 16)
	switch uint32(s) >> 30 {
	case 0:
		return tags.GoodQuality
	case 1:
		return tags.Quality{Level: tags.Uncertain, Reason: tags.ReasonDeviceException, Code: code}
	}
	return tags.BadQuality(tags.ReasonDeviceException, code)
}

// StatusText names the OPC UA status whose upper 16 bits are code, as a
// quality's Code holds it: "BadNodeIdUnknown (0x80340000)".
func StatusText(code uint16) string {
	s := ua.StatusCode(uint32(code) << 16)
	if d, ok := ua.StatusCodes[s]; ok {
		return strings.TrimPrefix(d.Name, "Status") + " (0x" + strings.ToUpper(hex32(uint32(s))) + ")"
	}
	return "0x" + strings.ToUpper(hex32(uint32(s)))
}

func hex32(u uint32) string {
	const digits = "0123456789abcdef"
	var b [8]byte
	for i := 7; i >= 0; i-- {
		b[i] = digits[u&0xF]
		u >>= 4
	}
	return string(b[:])
}

// statusName is a status's name without gopcua's "Status" prefix, for
// error messages.
func statusName(s ua.StatusCode) string {
	return StatusText(uint16(uint32(s) >> 16))
}
