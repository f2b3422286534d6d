package opcua

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/gopcua/opcua/ua"
)

// NodeID is a parsed OPC UA NodeId, as a tag's address writes it (OPC UA
// Part 6 §5.3.1.10): "ns=2;s=Plant.Tank1.Level", "i=2258",
// "ns=1;g=72962B91-FA75-4AE6-8D28-B404DC7DAF63", "ns=1;b=M/RbKBsRVkePCePcx24oRA==".
// A missing ns= is namespace 0.
type NodeID struct {
	NS   uint16
	Kind byte   // 'i' numeric, 's' string, 'g' GUID, 'b' opaque (ByteString)
	Num  uint32 // for 'i'
	Str  string // for 's'; for 'g' the GUID's canonical text; for 'b' the bytes
}

// maxStringID is the longest string or opaque identifier a NodeId may
// have: OPC UA Part 3 §8.2.4 limits a NodeId's identifier to 4096 bytes.
const maxStringID = 4096

// ErrNodeID is wrapped by every error of ParseNodeID.
var ErrNodeID = errors.New("bad NodeId")

// ParseNodeID parses s strictly: no spaces around the parts, a namespace
// 0-65535 and a numeric identifier 0-4294967295 in decimal without sign
// or leading zeros, a non-empty string identifier of at most 4096 bytes
// (it may hold ; and =), a GUID as 8-4-4-4-12 hex digits, and standard
// base64 for an opaque identifier. Namespace URIs (nsu=) are not
// supported: a project names namespaces by index.
func ParseNodeID(s string) (NodeID, error) {
	fail := func(format string, args ...any) (NodeID, error) {
		return NodeID{}, fmt.Errorf("%w %q: %s", ErrNodeID, s, fmt.Sprintf(format, args...))
	}
	var id NodeID
	rest := s
	if strings.HasPrefix(rest, "nsu=") {
		return fail("namespace URIs (nsu=) are not supported: write ns=<index>")
	}
	if strings.HasPrefix(rest, "ns=") {
		semi := strings.IndexByte(rest, ';')
		if semi < 0 {
			return fail("want ns=<index>;<i|s|g|b>=<identifier>")
		}
		n, ok := decimal(rest[len("ns="):semi], 0xFFFF)
		if !ok {
			return fail("namespace %q: want a whole number 0 to 65535", rest[len("ns="):semi])
		}
		id.NS = uint16(n)
		rest = rest[semi+1:]
	}
	if len(rest) < 2 || rest[1] != '=' {
		return fail("want i=, s=, g= or b= followed by the identifier, as ns=2;s=Tank1.Level or i=2258")
	}
	id.Kind, rest = rest[0], rest[2:]
	switch id.Kind {
	case 'i':
		n, ok := decimal(rest, 0xFFFFFFFF)
		if !ok {
			return fail("numeric identifier %q: want a whole number 0 to 4294967295", rest)
		}
		id.Num = uint32(n)
	case 's':
		if rest == "" {
			return fail("empty string identifier")
		}
		if len(rest) > maxStringID {
			return fail("string identifier longer than %d bytes", maxStringID)
		}
		id.Str = rest
	case 'g':
		g, ok := canonicalGUID(rest)
		if !ok {
			return fail("GUID %q: want 8-4-4-4-12 hex digits, as 72962B91-FA75-4AE6-8D28-B404DC7DAF63", rest)
		}
		id.Str = g
	case 'b':
		b, err := base64.StdEncoding.Strict().DecodeString(rest)
		if err != nil || len(b) == 0 {
			return fail("opaque identifier: want non-empty standard base64")
		}
		if len(b) > maxStringID {
			return fail("opaque identifier longer than %d bytes", maxStringID)
		}
		id.Str = string(b)
	default:
		return fail("identifier type %q: want i, s, g or b", string(id.Kind))
	}
	return id, nil
}

// decimal parses a whole number of at most max, written without sign,
// spaces or leading zeros.
func decimal(s string, max uint64) (uint64, bool) {
	if s == "" || len(s) > 1 && s[0] == '0' {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseUint(s, 10, 64)
	return n, err == nil && n <= max
}

// canonicalGUID checks an 8-4-4-4-12 GUID and returns it in upper case.
func canonicalGUID(s string) (string, bool) {
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return "", false
	}
	if _, err := hex.DecodeString(strings.ReplaceAll(s, "-", "")); err != nil {
		return "", false
	}
	return strings.ToUpper(s), true
}

// String formats id as ParseNodeID reads it; namespace 0 is left out.
func (id NodeID) String() string {
	var b strings.Builder
	if id.NS != 0 {
		b.WriteString("ns=")
		b.WriteString(strconv.Itoa(int(id.NS)))
		b.WriteByte(';')
	}
	b.WriteByte(id.Kind)
	b.WriteByte('=')
	switch id.Kind {
	case 'i':
		b.WriteString(strconv.FormatUint(uint64(id.Num), 10))
	case 'b':
		b.WriteString(base64.StdEncoding.EncodeToString([]byte(id.Str)))
	default:
		b.WriteString(id.Str)
	}
	return b.String()
}

// UA returns id as gopcua's NodeID.
func (id NodeID) UA() *ua.NodeID {
	switch id.Kind {
	case 's':
		return ua.NewStringNodeID(id.NS, id.Str)
	case 'g':
		return ua.NewGUIDNodeID(id.NS, id.Str)
	case 'b':
		return ua.NewByteStringNodeID(id.NS, []byte(id.Str))
	}
	return ua.NewNumericNodeID(id.NS, id.Num)
}
