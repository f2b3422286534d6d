package tags

import (
	"math"
	"testing"
)

func TestValueConversions(t *testing.T) {
	tests := []struct {
		v     Value
		kind  Kind
		str   string
		f     float64
		i     int64
		b     bool
		iface any
	}{
		{Bool(true), KindBool, "true", 1, 1, true, true},
		{Bool(false), KindBool, "false", 0, 0, false, false},
		{Int(-42), KindInt, "-42", -42, -42, true, int64(-42)},
		{Uint(math.MaxUint64), KindUint, "18446744073709551615", math.MaxUint64, -1, true, uint64(math.MaxUint64)},
		{Float(12.5), KindFloat, "12.5", 12.5, 12, true, 12.5},
		{String("P-101"), KindString, "P-101", math.NaN(), 0, false, "P-101"},
		{Value{}, KindNone, "", math.NaN(), 0, false, nil},
	}
	for _, tt := range tests {
		if tt.v.Kind() != tt.kind || tt.v.String() != tt.str || tt.v.Int() != tt.i || tt.v.Bool() != tt.b || tt.v.Interface() != tt.iface {
			t.Errorf("%#v: kind %v str %q int %d bool %v iface %v", tt.v, tt.v.Kind(), tt.v.String(), tt.v.Int(), tt.v.Bool(), tt.v.Interface())
		}
		if f := tt.v.Float(); f != tt.f && !(math.IsNaN(f) && math.IsNaN(tt.f)) {
			t.Errorf("%#v: float %v, want %v", tt.v, f, tt.f)
		}
	}
}

func TestFloat32PrintsShort(t *testing.T) {
	v := Float32(1.2)
	if v.String() != "1.2" || v.Float() != float64(float32(1.2)) || !v.Equal(Float(float64(float32(1.2)))) {
		t.Errorf("Float32(1.2): %q %v", v.String(), v.Float())
	}
}

func TestValueEqual(t *testing.T) {
	if !Float(1).Equal(Float(1)) || Float(1).Equal(Int(1)) || String("a").Equal(String("b")) {
		t.Error("Equal is wrong")
	}
}

func TestQualityString(t *testing.T) {
	tests := map[Quality]string{
		GoodQuality:                             "good",
		BadQuality(ReasonNoComm, 0):             "bad: no communication",
		BadQuality(ReasonDeviceException, 2):    "bad: device exception 2",
		{Level: Uncertain, Reason: ReasonStale}: "uncertain: stale",
	}
	for q, want := range tests {
		if got := q.String(); got != want {
			t.Errorf("%#v.String() = %q, want %q", q, got, want)
		}
	}
}

func TestParseType(t *testing.T) {
	tests := []struct {
		in string
		t  DataType
		n  int
		ok bool
	}{
		{"float32", TypeFloat32, 0, true},
		{"bool", TypeBool, 0, true},
		{"string:20", TypeString, 20, true},
		{"string", TypeString, 0, true}, // length missing: the project reports it
		{"string:0", TypeString, 0, false},
		{"string:x", TypeString, 0, false},
		{"int16:3", TypeInt16, 0, false},
		{"double", TypeInvalid, 0, false},
		{"", TypeInvalid, 0, false},
	}
	for _, tt := range tests {
		ty, n, ok := ParseType(tt.in)
		if ty != tt.t || n != tt.n || ok != tt.ok {
			t.Errorf("ParseType(%q) = %v %d %v, want %v %d %v", tt.in, ty, n, ok, tt.t, tt.n, tt.ok)
		}
	}
}

func TestScaleRoundTrip(t *testing.T) {
	s := &Scale{Raw: [2]float64{0, 4095}, Eng: [2]float64{0, 100}}
	if got := s.ToEng(4095); got != 100 {
		t.Errorf("ToEng(4095) = %v", got)
	}
	if got := s.ToRaw(50); math.Abs(got-2047.5) > 1e-9 {
		t.Errorf("ToRaw(50) = %v", got)
	}
}
