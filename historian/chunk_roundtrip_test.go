package historian

import (
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/sightglass/sightglass/tags"
)

// ckRoundTrip encodes samples with hint h into chunks, decodes them and
// checks that every sample comes back identical: T, the value's kind,
// float32 flag and bits, and the quality. It returns the chunks.
func ckRoundTrip(t testing.TB, h ValueHint, samples []Sample) [][]byte {
	t.Helper()
	chunks, err := EncodeSamples(h, samples)
	if err != nil {
		t.Fatal(err)
	}
	var got []Sample
	for i, c := range chunks {
		if err := VerifyChunk(c); err != nil {
			t.Fatalf("chunk %d: VerifyChunk: %v", i, err)
		}
		n := len(got)
		got, err = DecodeChunk(c, got)
		if err != nil {
			t.Fatalf("chunk %d: %v", i, err)
		}
		hd, err := ReadChunkHeader(c)
		if err != nil {
			t.Fatalf("chunk %d: header: %v", i, err)
		}
		if hd.Count != len(got)-n || hd.FirstT != got[n].T || hd.LastT != got[len(got)-1].T {
			t.Fatalf("chunk %d: header %+v, samples %d from %d to %d", i, hd, len(got)-n, got[n].T, got[len(got)-1].T)
		}
	}
	if len(got) != len(samples) {
		t.Fatalf("decoded %d samples, want %d", len(got), len(samples))
	}
	for i := range samples {
		if !ckSame(got[i], samples[i]) {
			t.Fatalf("sample %d: got %s, want %s", i, ckFmt(got[i]), ckFmt(samples[i]))
		}
	}
	return chunks
}

// ckSame compares all of two samples, including the float32 flag of
// their values and the bits of NaNs (tags.Value.Equal ignores the flag).
func ckSame(a, b Sample) bool { return a.T == b.T && a.V == b.V && a.Q == b.Q }

func ckFmt(s Sample) string {
	v := s.V.Kind().String() + ":" + s.V.String()
	if s.V.Kind() == tags.KindFloat {
		w := "f64"
		if isSingle(s.V) {
			w = "f32"
		}
		v += "/" + w + "/" + strconv.FormatUint(math.Float64bits(s.V.Float()), 16)
	}
	return "{" + strconv.FormatInt(s.T, 10) + " " + v + " " + s.Q.String() + "}"
}

// ckSeries makes good samples of values, 1 s apart from ckT0.
func ckSeries(vs ...tags.Value) []Sample {
	out := make([]Sample, len(vs))
	for i, v := range vs {
		out[i] = Sample{T: ckT0 + int64(i)*1000, V: v, Q: ckGood}
	}
	return out
}

func ckFloats(fs ...float64) []tags.Value {
	out := make([]tags.Value, len(fs))
	for i, f := range fs {
		out[i] = tags.Float(f)
	}
	return out
}

func ckFloats32(fs ...float32) []tags.Value {
	out := make([]tags.Value, len(fs))
	for i, f := range fs {
		out[i] = tags.Float32(f)
	}
	return out
}

var (
	ckNaN1       = math.Float64frombits(0x7ff8000000000001) // a NaN with a payload
	ckNegNaN     = math.Float64frombits(0xfff8000000000000)
	ckNaN32      = math.Float32frombits(0x7fc00001)
	ckNegZero    = math.Copysign(0, -1)
	ckTempScale  = &tags.Scale{Raw: [2]float64{0, 1000}, Eng: [2]float64{0, 100}}
	ckLevelScale = &tags.Scale{Raw: [2]float64{0, 4095}, Eng: [2]float64{0, 2.5}}
	ckLitreScale = &tags.Scale{Raw: [2]float64{0, 1000}, Eng: [2]float64{0, 1}}
)

// TestChunkRoundTrip covers the cases that are easy to get wrong, each
// in the mode that should store it.
func TestChunkRoundTrip(t *testing.T) {
	type tc struct {
		name    string
		hint    ValueHint
		samples []Sample
		mode    ValueMode // of the first chunk, with ModePredictor masked off; 0 to skip
	}
	var cases []tc
	add := func(name string, h ValueHint, mode ValueMode, s []Sample) {
		cases = append(cases, tc{name, h, s, mode})
	}
	integer := ValueHint{Integer: true}
	single := ValueHint{Single: true}

	add("bools", integer, ModeBool, ckSeries(tags.Bool(true), tags.Bool(false), tags.Bool(true), tags.Bool(true)))
	add("negative ints", integer, ModeInt, ckSeries(tags.Int(-1), tags.Int(-32768), tags.Int(32767), tags.Int(-5), tags.Int(0)))
	add("int64 limits", integer, ModeInt, ckSeries(tags.Int(math.MinInt64), tags.Int(math.MaxInt64), tags.Int(0),
		tags.Int(math.MaxInt64), tags.Int(math.MinInt64), tags.Int(math.MinInt64+1)))
	add("uint64 max", integer, ModeUint, ckSeries(tags.Uint(math.MaxUint64), tags.Uint(0), tags.Uint(math.MaxUint64),
		tags.Uint(math.MaxUint64-1), tags.Uint(1<<63)))
	add("uint32 counter wraps", integer, ModeUint, ckSeries(tags.Uint(4294967293), tags.Uint(4294967294),
		tags.Uint(4294967295), tags.Uint(0), tags.Uint(1), tags.Uint(2)))
	add("uint64 counter wraps", integer, ModeUint, ckSeries(tags.Uint(math.MaxUint64-1), tags.Uint(math.MaxUint64),
		tags.Uint(0), tags.Uint(1)))
	add("scaled totaliser wraps", ValueHint{Integer: true, Scale: ckLitreScale}, 0, // decimal or scaled: both exact
		ckSeries(ckFloats(4294967.293, 4294967.294, 4294967.295, 0, 0.001, 0.002)...))
	add("scaled ×10 temperature", ValueHint{Integer: true, Scale: ckTempScale}, 0,
		ckSeries(ckFloats(20, 20.1, 20.2, 20.3, 20.2, -5.5, 180)...))
	add("scaled raw counts", ValueHint{Integer: true, Scale: ckLevelScale}, ModeScaled,
		ckSeries(ckFloats(ckLevelScale.ToEng(0), ckLevelScale.ToEng(1), ckLevelScale.ToEng(2048), ckLevelScale.ToEng(4095), ckLevelScale.ToEng(4094))...))
	add("scaled escapes", ValueHint{Integer: true, Scale: ckLevelScale}, ModeScaled,
		ckSeries(append(ckFloats(ckLevelScale.ToEng(100), 1.2345678, ckLevelScale.ToEng(101), math.NaN(), math.Inf(1), ckNegZero,
			ckLevelScale.ToEng(102), 1e300), tags.Float32(1.5), tags.Float(ckLevelScale.ToEng(103)))...))
	add("decimal", ValueHint{}, ModeDecimal, ckSeries(ckFloats(21.5, 21.6, 21.7, 21.6, 21.5, 21.4, 21.5, 21.6)...))
	add("decimal needs more digits later", ValueHint{}, 0, ckSeries(ckFloats(21.5, 21.55, 21.6, 21.625, 1e-300, 21.7)...))
	add("decimal float32", single, 0, ckSeries(ckFloats32(1.5, 1.6, 1.7, 1.8, 1.75, 1.7)...))
	add("hint integer but floats", integer, 0, ckSeries(ckFloats(1, 2, 3, 2.5, 4, 5)...))
	add("NaN, Inf and -0 in float64", ValueHint{}, 0, ckSeries(ckFloats(1.5, math.NaN(), ckNaN1, ckNegNaN,
		math.Inf(1), math.Inf(-1), ckNegZero, 0, ckNegZero, math.SmallestNonzeroFloat64, math.MaxFloat64, -math.MaxFloat64, 2.5)...))
	add("NaN, Inf and -0 in float32", single, 0, ckSeries(ckFloats32(1.5, float32(math.NaN()), ckNaN32,
		float32(math.Inf(1)), float32(math.Inf(-1)), float32(ckNegZero), 0, math.SmallestNonzeroFloat32, math.MaxFloat32, 2.5)...))
	add("float32 starting with NaN", single, 0, ckSeries(ckFloats32(float32(math.NaN()), 1, 2, 3)...))
	add("float64 starting with -0", ValueHint{}, 0, ckSeries(ckFloats(ckNegZero, 1, ckNegZero, 2)...))
	add("float32 and float64 mixed", single, 0, ckSeries(tags.Float32(1.2), tags.Float(1.2), tags.Float32(1.3),
		tags.Float(math.NaN()), tags.Float32(1.4), tags.Float(float64(float32(1.5))), tags.Float32(1.5)))
	add("float64 and float32 mixed", ValueHint{}, 0, ckSeries(tags.Float(1.2), tags.Float32(1.2), tags.Float(1.3),
		tags.Float32(float32(math.NaN())), tags.Float(1.4)))
	add("noisy float32", single, ModeFloat|ModeSingle, ckNoise32(rand.New(rand.NewPCG(1, 1)), 500, 0.1, 0.05))
	add("smooth float64", ValueHint{}, ModeFloat, ckSmooth64(300))
	add("strings", ValueHint{}, ModeString, ckSeries(tags.String(""), tags.String("a"), tags.String("a"),
		tags.String(strings.Repeat("long ", 100)), tags.String("ü€\x00\xff"), tags.String("")))
	add("quality changes mid-chunk", ValueHint{Single: true}, 0, []Sample{
		{ckT0, tags.Float32(1), ckGood}, {ckT0 + 1000, tags.Float32(1), ckNoComm}, {ckT0 + 2000, tags.Float32(1), ckStale},
		{ckT0 + 3000, tags.Float32(1), tags.Quality{Level: tags.Uncertain, Reason: tags.ReasonDeviceException, Code: 65535}},
		{ckT0 + 4000, tags.Float32(2), ckGood}, {ckT0 + 5000, tags.Float32(3), ckGood}})
	add("no value yet", ValueHint{Integer: true}, ModeInt, []Sample{
		{ckT0, tags.Value{}, tags.BadQuality(tags.ReasonNotRead, 0)}, {ckT0 + 10, tags.Value{}, ckNoComm},
		{ckT0 + 20, tags.Int(5), ckGood}, {ckT0 + 30, tags.Value{}, ckNoComm}, {ckT0 + 40, tags.Int(6), ckGood}})
	add("never a value", ValueHint{}, ModeNone, []Sample{
		{ckT0, tags.Value{}, tags.BadQuality(tags.ReasonNotRead, 0)}, {ckT0 + 10, tags.Value{}, ckNoComm}})
	add("gaps of hours and days", integer, ModeInt, []Sample{
		{ckT0, tags.Int(1), ckGood}, {ckT0 + 3600_000, tags.Int(2), ckGood}, {ckT0 + 3600_000 + 1000, tags.Int(3), ckGood},
		{ckT0 + 86400_000*40, tags.Int(4), ckGood}, {ckT0 + 86400_000*40 + 7, tags.Int(5), ckGood},
		{ckT0 + 86400_000*365*300, tags.Int(6), ckGood}})
	add("equal timestamps", integer, ModeInt, []Sample{
		{ckT0, tags.Int(1), ckGood}, {ckT0, tags.Int(2), ckGood}, {ckT0, tags.Int(3), ckNoComm}, {ckT0 + 5, tags.Int(4), ckGood},
		{ckT0 + 5, tags.Int(5), ckGood}, {ckT0 + 7, tags.Int(6), ckGood}})
	add("only equal timestamps", integer, ModeInt, []Sample{{ckT0, tags.Int(1), ckGood}, {ckT0, tags.Int(2), ckGood}})
	add("irregular ms", integer, ModeInt, []Sample{
		{ckT0 + 3, tags.Int(1), ckGood}, {ckT0 + 1003, tags.Int(2), ckGood}, {ckT0 + 2003, tags.Int(3), ckGood},
		{ckT0 + 2500, tags.Int(4), ckGood}, {ckT0 + 2501, tags.Int(5), ckGood}, {ckT0 + 4000, tags.Int(6), ckGood}})
	add("T near MinInt64", integer, ModeInt, []Sample{
		{math.MinInt64, tags.Int(1), ckGood}, {math.MinInt64 + 1, tags.Int(2), ckGood}, {math.MinInt64 + 1000, tags.Int(3), ckGood}})
	add("T near MaxInt64", integer, ModeInt, []Sample{
		{math.MaxInt64 - 2000, tags.Int(1), ckGood}, {math.MaxInt64 - 1000, tags.Int(2), ckGood}, {math.MaxInt64, tags.Int(3), ckGood},
		{math.MaxInt64, tags.Int(4), ckGood}})
	add("T from MinInt64 to MaxInt64", integer, ModeInt, []Sample{
		{math.MinInt64, tags.Int(1), ckGood}, {math.MaxInt64, tags.Int(2), ckGood}, {math.MaxInt64, tags.Int(3), ckGood}})
	add("T from MinInt64 to 0 to MaxInt64", integer, ModeInt, []Sample{
		{math.MinInt64, tags.Int(1), ckGood}, {-1, tags.Int(2), ckGood}, {0, tags.Int(3), ckGood}, {math.MaxInt64, tags.Int(4), ckGood}})
	add("negative T", integer, ModeInt, []Sample{{-5000, tags.Int(1), ckGood}, {-4000, tags.Int(2), ckGood}, {-1, tags.Int(3), ckGood}})

	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			chunks := ckRoundTrip(t, c.hint, c.samples)
			if c.mode != 0 {
				h, _ := ReadChunkHeader(chunks[0])
				if got := h.Mode &^ ModePredictor; got != c.mode {
					t.Errorf("mode %v, want %v", h.Mode, c.mode)
				}
			}
		})
	}
}

func ckNoise32(rng *rand.Rand, n int, mean, sigma float64) []Sample {
	vs := make([]tags.Value, n)
	for i := range vs {
		vs[i] = tags.Float32(float32(max(0, mean+sigma*rng.NormFloat64())))
	}
	return ckSeries(vs...)
}

func ckSmooth64(n int) []Sample {
	vs := make([]tags.Value, n)
	h := 0.0
	for i := range vs {
		h += 1.0 / 3600
		vs[i] = tags.Float(h)
	}
	return ckSeries(vs...)
}

// TestChunkAppendRefuses checks what Append refuses, and that a refusal
// leaves the chunk as it was.
func TestChunkAppendRefuses(t *testing.T) {
	a := NewChunkAppender(ValueHint{})
	for _, s := range ckSeries(ckFloats(1, 2, 3)...) {
		a.Append(s)
	}
	before := a.Finish()
	for _, s := range []Sample{
		{ckT0 + 1999, tags.Float(4), ckGood}, // before the last T
		{ckT0 + 3000, tags.Int(4), ckGood},   // another kind
		{ckT0 + 3000, tags.Bool(true), ckGood},
		{ckT0 + 3000, tags.String("4"), ckGood},
	} {
		if a.Append(s) {
			t.Errorf("Append(%s) = true", ckFmt(s))
		}
	}
	if after := a.Finish(); string(after) != string(before) {
		t.Error("a refused Append changed the chunk")
	}
	if n := a.Count(); n != 3 {
		t.Errorf("Count = %d", n)
	}
	if !a.Append(Sample{T: ckT0 + 2000, V: tags.Value{}, Q: ckNoComm}) {
		t.Error("a sample without value at the last T was refused")
	}
	if !a.Append(Sample{T: ckT0 + 2000, V: tags.Float32(5), Q: ckGood}) {
		t.Error("a float32 in a float64 chunk was refused")
	}
	last, ok := a.Last()
	if !ok || !ckSame(last, Sample{T: ckT0 + 2000, V: tags.Float32(5), Q: ckGood}) {
		t.Errorf("Last() = %s, %v", ckFmt(last), ok)
	}
	if a.FirstT() != ckT0 || a.LastT() != ckT0+2000 {
		t.Errorf("FirstT, LastT = %d, %d", a.FirstT(), a.LastT())
	}

	// A full chunk refuses more.
	a.Reset(ValueHint{Integer: true})
	for i := range MaxChunkSamples {
		if !a.Append(Sample{T: int64(i), V: tags.Bool(i%2 == 0), Q: ckGood}) {
			t.Fatalf("sample %d refused", i)
		}
	}
	if a.Append(Sample{T: MaxChunkSamples, V: tags.Bool(true), Q: ckGood}) {
		t.Error("sample MaxChunkSamples+1 accepted")
	}
	got, err := DecodeChunk(a.Finish(), nil)
	if err != nil || len(got) != MaxChunkSamples {
		t.Errorf("full chunk: %d samples, %v", len(got), err)
	}
}

// TestChunkAppenderLifecycle checks Size at every step, Finish twice, and
// reuse after Reset.
func TestChunkAppenderLifecycle(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	a := NewChunkAppender(ValueHint{})
	if a.Count() != 0 || a.Size() != len(a.Finish()) {
		t.Errorf("empty: Count %d, Size %d, Finish %d bytes", a.Count(), a.Size(), len(a.Finish()))
	}
	if _, ok := a.Last(); ok {
		t.Error("empty: Last ok")
	}
	if got, err := DecodeChunk(a.Finish(), nil); err != nil || len(got) != 0 {
		t.Errorf("empty chunk: %d samples, %v", len(got), err)
	}
	for round, h := range []ValueHint{{Single: true}, {Integer: true}, {}, {Integer: true, Scale: ckTempScale}} {
		a.Reset(h)
		samples := ckRandomSamples(rng, 300, h)
		for i, s := range samples {
			if !a.Append(s) {
				t.Fatalf("round %d: sample %d refused", round, i)
			}
			b := a.Finish()
			if a.Size() != len(b) {
				t.Fatalf("round %d, %d samples: Size %d, Finish %d bytes", round, i+1, a.Size(), len(b))
			}
			if i%37 == 0 || i == len(samples)-1 {
				got, err := DecodeChunk(b, nil)
				if err != nil {
					t.Fatalf("round %d, %d samples: %v", round, i+1, err)
				}
				for j := range got {
					if !ckSame(got[j], samples[j]) {
						t.Fatalf("round %d, %d samples: sample %d: %s, want %s", round, i+1, j, ckFmt(got[j]), ckFmt(samples[j]))
					}
				}
			}
		}
	}
}

// ckRandomSamples makes n samples of a kind that suits h, with random gaps
// (mostly on a 1 s grid, sometimes equal or off the grid), a few quality
// changes and a few samples without value.
func ckRandomSamples(rng *rand.Rand, n int, h ValueHint) []Sample {
	out := make([]Sample, 0, n)
	tm := int64(ckT0) + rng.Int64N(1000)
	x := rng.NormFloat64() * 100
	slope := rng.NormFloat64()
	for range n {
		switch r := rng.IntN(100); {
		case r < 70:
			tm += 1000
		case r < 80:
			tm += 1000 * rng.Int64N(3600)
		case r < 85:
		default:
			tm += rng.Int64N(100000)
		}
		q := ckGood
		if rng.IntN(50) == 0 {
			q = tags.BadQuality(tags.Reason(rng.IntN(10)), uint16(rng.IntN(12)))
		}
		x += slope + rng.NormFloat64()
		var v tags.Value
		switch {
		case rng.IntN(100) == 0:
			v = tags.Value{}
		case h.Scale != nil:
			v = tags.Float(h.Scale.ToEng(math.Round(x)))
			if rng.IntN(20) == 0 {
				v = tags.Float(x)
			}
		case h.Integer:
			v = tags.Int(int64(x))
		case h.Single:
			v = tags.Float32(float32(x))
		default:
			v = tags.Float(x)
		}
		out = append(out, Sample{T: tm, V: v, Q: q})
	}
	return out
}

// A ckGenerator makes n random samples of one sort of tag, with its hint.
type ckGenerator struct {
	name string
	mode ValueMode // the base mode the samples should mostly get
	gen  func(rng *rand.Rand, n int) (ValueHint, []Sample)
}

// ckStamps makes n timestamps: mostly a 1 s grid, with the gaps of a
// changes-only historian, repeats, off-grid stamps and, rarely, the ends
// of the int64 range.
func ckStamps(rng *rand.Rand, n int) []int64 {
	ts := make([]int64, n)
	tm := int64(ckT0)
	switch rng.IntN(20) {
	case 0:
		tm = math.MinInt64 + rng.Int64N(1000)
	case 1:
		tm = math.MaxInt64 - int64(n)*1000*3600
	}
	for i := range ts {
		switch r := rng.IntN(100); {
		case i == 0:
		case r < 60:
			tm += 1000
		case r < 80:
			tm += 1000 * (1 + rng.Int64N(600))
		case r < 83:
		case r < 86:
			tm += rng.Int64N(5000)
		case r < 87 && tm < 0:
			tm += math.MaxInt64 / 4
		default:
			tm += 100 * (1 + rng.Int64N(20))
		}
		ts[i] = tm
	}
	return ts
}

// ckWithStamps gives values timestamps and, now and then, another quality or
// no value at all.
func ckWithStamps(rng *rand.Rand, vs []tags.Value) []Sample {
	ts := ckStamps(rng, len(vs))
	out := make([]Sample, len(vs))
	q := ckGood
	for i, v := range vs {
		if rng.IntN(40) == 0 {
			q = tags.Quality{Level: tags.Level(rng.IntN(3)), Reason: tags.Reason(rng.IntN(10)), Code: uint16(rng.IntN(3))}
		}
		if rng.IntN(60) == 0 {
			v = tags.Value{}
		}
		out[i] = Sample{T: ts[i], V: v, Q: q}
	}
	return out
}

var ckGenerators = []ckGenerator{
	{"bools", ModeBool, func(rng *rand.Rand, n int) (ValueHint, []Sample) {
		vs := make([]tags.Value, n)
		for i := range vs {
			vs[i] = tags.Bool(rng.IntN(2) == 0)
		}
		return ValueHint{Integer: true}, ckWithStamps(rng, vs)
	}},
	{"int random walk", ModeInt, func(rng *rand.Rand, n int) (ValueHint, []Sample) {
		vs := make([]tags.Value, n)
		x := rng.Int64()
		for i := range vs {
			x += rng.Int64N(201) - 100
			vs[i] = tags.Int(x)
		}
		return ValueHint{Integer: true}, ckWithStamps(rng, vs)
	}},
	{"int noise", ModeInt, func(rng *rand.Rand, n int) (ValueHint, []Sample) {
		vs := make([]tags.Value, n)
		for i := range vs {
			vs[i] = tags.Int(int64(rng.Uint64()) >> rng.IntN(64))
		}
		return ValueHint{Integer: true}, ckWithStamps(rng, vs)
	}},
	{"uint32 counter", ModeUint, func(rng *rand.Rand, n int) (ValueHint, []Sample) {
		vs := make([]tags.Value, n)
		x := uint32(math.MaxUint32 - rng.IntN(3*n))
		for i := range vs {
			x += uint32(rng.IntN(4))
			vs[i] = tags.Uint(uint64(x))
		}
		return ValueHint{Integer: true}, ckWithStamps(rng, vs)
	}},
	{"uint64 anything", ModeUint, func(rng *rand.Rand, n int) (ValueHint, []Sample) {
		vs := make([]tags.Value, n)
		for i := range vs {
			vs[i] = tags.Uint(rng.Uint64())
		}
		return ValueHint{Integer: true}, ckWithStamps(rng, vs)
	}},
	{"scaled", ModeScaled, func(rng *rand.Rand, n int) (ValueHint, []Sample) {
		s := &tags.Scale{Raw: [2]float64{float64(rng.IntN(100)), float64(1000 + rng.IntN(60000))},
			Eng: [2]float64{rng.NormFloat64() * 100, rng.NormFloat64() * 1000}}
		vs := make([]tags.Value, n)
		raw := float64(rng.IntN(30000))
		for i := range vs {
			raw += float64(rng.IntN(21) - 10)
			vs[i] = tags.Float(s.ToEng(raw))
			if rng.IntN(30) == 0 { // not a raw value: an escape
				vs[i] = tags.Float(rng.NormFloat64())
			}
		}
		return ValueHint{Integer: true, Scale: s}, ckWithStamps(rng, vs)
	}},
	{"decimal", ModeDecimal, func(rng *rand.Rand, n int) (ValueHint, []Sample) {
		e := rng.IntN(4)
		single := rng.IntN(2) == 0
		vs := make([]tags.Value, n)
		x := rng.IntN(100000)
		for i := range vs {
			x += rng.IntN(11) - 5
			f := float64(x) / pow10[e]
			if rng.IntN(40) == 0 {
				f = float64(x) / pow10[e+2] // needs more digits: an escape
			}
			if single {
				vs[i] = tags.Float32(float32(f))
			} else {
				vs[i] = tags.Float(f)
			}
		}
		return ValueHint{Single: single}, ckWithStamps(rng, vs)
	}},
	{"float32 noise", ModeFloat, func(rng *rand.Rand, n int) (ValueHint, []Sample) {
		vs := make([]tags.Value, n)
		for i := range vs {
			vs[i] = tags.Float32(float32(max(0, 0.1+0.05*rng.NormFloat64())))
		}
		return ValueHint{Single: true}, ckWithStamps(rng, vs)
	}},
	{"float64 smooth", ModeFloat, func(rng *rand.Rand, n int) (ValueHint, []Sample) {
		vs := make([]tags.Value, n)
		x, v := rng.NormFloat64(), rng.NormFloat64()/100
		for i := range vs {
			v += rng.NormFloat64() / 10000
			x += v
			vs[i] = tags.Float(x)
		}
		return ValueHint{}, ckWithStamps(rng, vs)
	}},
	{"float bits", 0, func(rng *rand.Rand, n int) (ValueHint, []Sample) {
		vs := make([]tags.Value, n)
		single := rng.IntN(2) == 0
		for i := range vs {
			switch {
			case rng.IntN(3) == 0:
				vs[i] = tags.Float(math.Float64frombits(rng.Uint64()))
			case single || rng.IntN(2) == 0:
				vs[i] = tags.Float32(math.Float32frombits(rng.Uint32()))
			default:
				vs[i] = tags.Float([]float64{math.NaN(), math.Inf(1), math.Inf(-1), ckNegZero, 0, ckNaN1}[rng.IntN(6)])
			}
		}
		return ValueHint{Single: single}, ckWithStamps(rng, vs)
	}},
	{"strings", ModeString, func(rng *rand.Rand, n int) (ValueHint, []Sample) {
		words := []string{"", "on", "off", "tripped", "Demo water plant", string([]byte{0, 0xff, 0x80})}
		vs := make([]tags.Value, n)
		for i := range vs {
			vs[i] = tags.String(words[rng.IntN(len(words))])
		}
		return ValueHint{}, ckWithStamps(rng, vs)
	}},
}

// TestChunkProperties round-trips random samples of every sort of tag.
func TestChunkProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(2025, 1))
	for _, g := range ckGenerators {
		t.Run(g.name, func(t *testing.T) {
			modes := map[ValueMode]int{}
			for range 30 {
				h, ss := g.gen(rng, 1+rng.IntN(3000))
				for _, c := range ckRoundTrip(t, h, ss) {
					hd, _ := ReadChunkHeader(c)
					modes[hd.Mode&ModeBase]++
				}
			}
			if g.mode != 0 && modes[g.mode] == 0 {
				t.Errorf("no chunk in %v: %v", g.mode, modes)
			}
		})
	}
}

// TestValueModeString names modes.
func TestValueModeString(t *testing.T) {
	for m, want := range map[ValueMode]string{
		ModeNone:                           "none",
		ModeBool:                           "bool",
		ModeInt | ModeDoD:                  "int/dod",
		ModeUint | ModeMean4:               "uint/mean4",
		ModeScaled:                         "scaled/delta/f64",
		ModeDecimal | ModeD3 | ModeSingle:  "decimal/d3/f32",
		ModeFloat | ModeSingle | ModeMean4: "float/mean4/f32",
		ModeXOR | ModeSingle:               "xor/f32",
		ModeString:                         "string",
		ValueMode(0x0F):                    "ValueMode(0xf)",
		ValueMode(0x80):                    "ValueMode(0x80)",
	} {
		if got := m.String(); got != want {
			t.Errorf("%#x: %q, want %q", uint8(m), got, want)
		}
	}
	if ModeInt.Kind() != tags.KindInt || (ModeXOR|ModeSingle).Kind() != tags.KindFloat || ModeNone.Kind() != tags.KindNone {
		t.Error("Kind")
	}
}

// ckAllModes are all the modes a chunk can have but none.
func ckAllModes() []ValueMode {
	var modes []ValueMode
	for _, b := range []ValueMode{ModeInt, ModeUint, ModeScaled, ModeDecimal, ModeFloat} {
		for _, p := range []ValueMode{ModeDelta, ModeDoD, ModeD3, ModeMean4} {
			modes = append(modes, b|p)
			if b == ModeDecimal || b == ModeFloat {
				modes = append(modes, b|p|ModeSingle)
			}
		}
	}
	return append(modes, ModeXOR, ModeXOR|ModeSingle, ModeBool, ModeString)
}

// ckForced encodes n random samples that suit mode into one chunk of that
// mode, dropping the other candidates after the first value (the
// appender would keep the smallest).
func ckForced(t testing.TB, rng *rand.Rand, mode ValueMode, n int) ([]byte, []Sample) {
	h, vs := ckValuesFor(rng, mode, n)
	ss := ckWithStamps(rng, vs)
	a := NewChunkAppender(h)
	forced := false
	for i, s := range ss {
		if !a.Append(s) {
			t.Fatalf("%v: sample %d refused", mode, i)
		}
		if !forced && a.ncand > 0 {
			forced = true
			found := false
			for j := range a.cands[:a.ncand] {
				c := &a.cands[j]
				c.dead = c.mode != mode
				found = found || !c.dead
			}
			if !found {
				t.Fatalf("no candidate %v for %s", mode, ckFmt(s))
			}
		}
	}
	b := a.Finish()
	if hd, err := ReadChunkHeader(b); err != nil || (forced && hd.Mode != mode) {
		t.Fatalf("%v: header %+v, %v", mode, hd, err)
	}
	return b, ss
}

// TestChunkEveryMode round-trips random samples through each mode in
// turn, so that modes that seldom win are tested as much as those that do.
func TestChunkEveryMode(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for _, mode := range ckAllModes() {
		t.Run(mode.String(), func(t *testing.T) {
			for round := range 20 {
				b, ss := ckForced(t, rng, mode, 1+rng.IntN(500))
				got, err := DecodeChunk(b, nil)
				if err != nil {
					t.Fatalf("round %d: %v", round, err)
				}
				if len(got) != len(ss) {
					t.Fatalf("round %d: %d samples, want %d", round, len(got), len(ss))
				}
				for i := range ss {
					if !ckSame(got[i], ss[i]) {
						t.Fatalf("round %d, sample %d: %s, want %s", round, i, ckFmt(got[i]), ckFmt(ss[i]))
					}
				}
			}
		})
	}
}

// ckValuesFor makes n values that mode can hold (its first value must
// make the appender try mode), with a few it cannot.
func ckValuesFor(rng *rand.Rand, mode ValueMode, n int) (ValueHint, []tags.Value) {
	single := mode&ModeSingle != 0
	vs := make([]tags.Value, n)
	x := rng.Int64N(1<<40) - 1<<39
	var h ValueHint
	flt := func(f float64) tags.Value {
		if single {
			return tags.Float32(float32(f))
		}
		return tags.Float(f)
	}
	for i := range vs {
		x += rng.Int64N(2001) - 1000
		switch mode & ModeBase {
		case ModeBool:
			vs[i] = tags.Bool(rng.IntN(2) == 0)
		case ModeInt:
			vs[i] = tags.Int(x)
		case ModeUint:
			vs[i] = tags.Uint(uint64(x) << rng.IntN(2))
		case ModeString:
			vs[i] = tags.String(strconv.FormatInt(x%7, 10))
		case ModeScaled:
			h = ValueHint{Integer: true, Scale: ckLevelScale}
			vs[i] = tags.Float(ckLevelScale.ToEng(float64(x % 100000)))
		case ModeDecimal:
			h.Single = single
			vs[i] = flt(float64(x%1000000) / 100)
		case ModeFloat, ModeXOR:
			h.Single = single
			vs[i] = flt(float64(x) / 1e6)
		}
		if i > 0 && mode.isFloat() && rng.IntN(15) == 0 {
			vs[i] = []tags.Value{tags.Float(math.NaN()), tags.Float(ckNegZero), tags.Float(0),
				tags.Float32(1.25), tags.Float(rng.NormFloat64()), flt(math.Inf(-1)), tags.Value{}}[rng.IntN(7)]
		}
	}
	return h, vs
}
