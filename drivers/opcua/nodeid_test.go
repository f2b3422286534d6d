package opcua

import (
	"errors"
	"testing"

	"github.com/gopcua/opcua/ua"
)

var nodeIDCases = []struct {
	in   string
	want NodeID // zero Kind: an error
	out  string // String(), if not in
}{
	{"i=2258", NodeID{Kind: 'i', Num: 2258}, ""},
	{"ns=0;i=2258", NodeID{Kind: 'i', Num: 2258}, "i=2258"},
	{"ns=2;s=Plant.Tank1.Level", NodeID{NS: 2, Kind: 's', Str: "Plant.Tank1.Level"}, ""},
	{"ns=2;s=a;b=c", NodeID{NS: 2, Kind: 's', Str: "a;b=c"}, ""}, // ; and = inside a string identifier
	{"ns=65535;i=4294967295", NodeID{NS: 65535, Kind: 'i', Num: 4294967295}, ""},
	{"ns=1;g=72962b91-fa75-4ae6-8d28-b404dc7daf63", NodeID{NS: 1, Kind: 'g', Str: "72962B91-FA75-4AE6-8D28-B404DC7DAF63"}, "ns=1;g=72962B91-FA75-4AE6-8D28-B404DC7DAF63"},
	{"ns=1;b=M/RbKBsRVkePCePcx24oRA==", NodeID{NS: 1, Kind: 'b', Str: "\x33\xf4\x5b\x28\x1b\x11\x56\x47\x8f\x09\xe3\xdc\xc7\x6e\x28\x44"}, ""},
	{"s=x", NodeID{Kind: 's', Str: "x"}, ""},
	{"", NodeID{}, ""},
	{"i=", NodeID{}, ""},
	{"i=-1", NodeID{}, ""},
	{"i=01", NodeID{}, ""},
	{"i=4294967296", NodeID{}, ""},
	{"ns=65536;i=1", NodeID{}, ""},
	{"ns=;i=1", NodeID{}, ""},
	{"ns=2 ;i=1", NodeID{}, ""},
	{"ns=2", NodeID{}, ""},
	{"ns=2;s=", NodeID{}, ""},
	{"ns=2;x=1", NodeID{}, ""},
	{"nsu=urn:x;s=y", NodeID{}, ""},
	{"ns=1;g=72962B91FA754AE68D28B404DC7DAF63", NodeID{}, ""},
	{"ns=1;g=7296ZB91-FA75-4AE6-8D28-B404DC7DAF63", NodeID{}, ""},
	{"ns=1;b=not base64!", NodeID{}, ""},
	{"ns=1;b=", NodeID{}, ""},
	{"Plant.Tank1.Level", NodeID{}, ""},
	{"hr:0", NodeID{}, ""},
}

func TestParseNodeID(t *testing.T) {
	for _, tc := range nodeIDCases {
		got, err := ParseNodeID(tc.in)
		if tc.want.Kind == 0 {
			if err == nil || !errors.Is(err, ErrNodeID) {
				t.Errorf("ParseNodeID(%q) = %+v, %v; want an ErrNodeID", tc.in, got, err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ParseNodeID(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
			continue
		}
		out := tc.out
		if out == "" {
			out = tc.in
		}
		if s := got.String(); s != out {
			t.Errorf("String() = %q, want %q", s, out)
		}
		// gopcua reads our text as the same node.
		u, err := ua.ParseNodeID(got.String())
		if err != nil || u.String() != got.UA().String() {
			t.Errorf("%q: gopcua parses %v, %v; UA() is %v", tc.in, u, err, got.UA())
		}
	}
}

// FuzzNodeID: any text is a NodeId or an ErrNodeID, never a panic; a
// NodeId prints as text that parses back to it.
func FuzzNodeID(f *testing.F) {
	for _, tc := range nodeIDCases {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := ParseNodeID(s)
		if err != nil {
			if !errors.Is(err, ErrNodeID) {
				t.Fatalf("error %v is not an ErrNodeID", err)
			}
			return
		}
		back, err := ParseNodeID(id.String())
		if err != nil || back != id {
			t.Fatalf("%q → %+v → %q → %+v, %v", s, id, id.String(), back, err)
		}
		if id.UA() == nil {
			t.Fatalf("%q: no gopcua NodeID", s)
		}
	})
}
