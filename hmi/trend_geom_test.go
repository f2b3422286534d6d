package hmi

import (
	"context"
	"io"
	"log/slog"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/sightglass/sightglass/historian"
	"github.com/sightglass/sightglass/tags"
)

// gs makes a good float sample; bs a bad one; us an uncertain one.
func gs(t int64, v float64) historian.Sample {
	return historian.Sample{T: t, V: tags.Float(v), Q: tags.GoodQuality}
}

func bs(t int64, v float64) historian.Sample {
	return historian.Sample{T: t, V: tags.Float(v), Q: tags.BadQuality(tags.ReasonNoComm, 0)}
}

func us(t int64, v float64) historian.Sample {
	return historian.Sample{T: t, V: tags.Float(v), Q: tags.Quality{Level: tags.Uncertain, Reason: tags.ReasonStale}}
}

// geomSamples are the samples behind geomCols: five 100 ms columns over
// [0, 500), on a 0–100 scale.
var geomSamples = []historian.Sample{
	gs(0, 10), gs(50, 50), gs(90, 30), // column 0: a rise to 50 and back to 30
	gs(110, 40), // column 1: one sample
	// column 2: none
	gs(310, 20), gs(390, 20), // column 3: flat
	gs(410, 60), gs(490, 80), // column 4: a rise
}

// geomCols is M4 of geomSamples over [0, 500) in 5 columns, by hand.
var geomCols = []historian.Column{
	{Start: 0, End: 100, N: 3, First: gs(0, 10), Last: gs(90, 30), Min: gs(0, 10), Max: gs(50, 50)},
	{Start: 100, End: 200, N: 1, First: gs(110, 40), Last: gs(110, 40), Min: gs(110, 40), Max: gs(110, 40)},
	{Start: 200, End: 300},
	{Start: 300, End: 400, N: 2, First: gs(310, 20), Last: gs(390, 20), Min: gs(310, 20), Max: gs(310, 20)},
	{Start: 400, End: 500, N: 2, First: gs(410, 60), Last: gs(490, 80), Min: gs(410, 60), Max: gs(490, 80)},
}

// geomWant is what geomCols draw on a 0–100 scale with no bridge: X is
// the column's centre, Y is (100 − v) / 100.
var geomWant = penGeometry{
	Line: []trendSeg{
		{X0: 0.5, Y0: 0.9, X1: 0.5, Y1: 0.7}, // column 0: first 10 to last 30
		{X0: 0.5, Y0: 0.7, X1: 1.5, Y1: 0.6}, // last of 0 to first of 1 (40)
		// 1 holds one sample: no segment of its own; 2 is empty: a gap
		// 3 is flat (20 to 20): nothing
		{X0: 3.5, Y0: 0.8, X1: 4.5, Y1: 0.4}, // last of 3 to first of 4 (60)
		{X0: 4.5, Y0: 0.4, X1: 4.5, Y1: 0.2}, // column 4: 60 to 80
	},
	Envelope: []trendSeg{
		{X0: 0.5, Y0: 0.5, X1: 0.5, Y1: 0.9}, // column 0: max 50 to min 10
		{X0: 4.5, Y0: 0.2, X1: 4.5, Y1: 0.4}, // column 4: max 80 to min 60
	},
}

func sameGeometry(a, b penGeometry) bool {
	return slices.Equal(a.Line, b.Line) && slices.Equal(a.Envelope, b.Envelope)
}

func TestGeometryLineAndEnvelope(t *testing.T) {
	var g penGeometry
	buildGeometry(geomCols, penScale{0, 100}, 0, &g)
	if !sameGeometry(g, geomWant) {
		t.Errorf("geometry:\n got %+v\nwant %+v", g, geomWant)
	}

	// A bridge of at least the time from column 1's last sample (110) to
	// column 3's first (310) joins them across the empty column.
	buildGeometry(geomCols, penScale{0, 100}, 200, &g)
	want := slices.Clone(geomWant.Line)
	want = slices.Insert(want, 2, trendSeg{X0: 1.5, Y0: 0.6, X1: 3.5, Y1: 0.8})
	if !slices.Equal(g.Line, want) {
		t.Errorf("bridged line:\n got %+v\nwant %+v", g.Line, want)
	}
	buildGeometry(geomCols, penScale{0, 100}, 199, &g)
	if !slices.Equal(g.Line, geomWant.Line) {
		t.Errorf("a bridge 1 ms short joined the gap: %+v", g.Line)
	}

	// Another scale: only Y changes.
	buildGeometry(geomCols, penScale{-100, 100}, 0, &g)
	if got, want := g.Line[0], (trendSeg{X0: 0.5, Y0: 0.45, X1: 0.5, Y1: 0.35}); got != want {
		t.Errorf("on −100..100 the first segment is %+v, want %+v", got, want)
	}
}

func TestGeometryGaps(t *testing.T) {
	for _, tc := range []struct {
		name string
		cols []historian.Column
		want penGeometry
	}{
		{
			name: "no columns",
		},
		{
			name: "only empty columns",
			cols: []historian.Column{{Start: 0, End: 10}, {Start: 10, End: 20}},
		},
		{
			name: "a bad last sample ends the line; a bad first sample starts none",
			cols: []historian.Column{
				{N: 2, First: gs(0, 10), Last: bs(9, 0), Min: gs(0, 10), Max: gs(0, 10)},
				{N: 2, First: gs(10, 20), Last: gs(19, 30), Min: gs(10, 20), Max: gs(19, 30)},
				{N: 1, First: bs(20, 0), Last: bs(20, 0)},
				{N: 1, First: gs(30, 50), Last: gs(30, 50), Min: gs(30, 50), Max: gs(30, 50)},
				{N: 1, First: gs(40, 60), Last: gs(40, 60), Min: gs(40, 60), Max: gs(40, 60)},
			},
			want: penGeometry{
				Line: []trendSeg{
					{X0: 0, Y0: 0.9, X1: 1, Y1: 0.9}, // column 0's first value, cut off by its bad last: a dot
					{X0: 1.5, Y0: 0.8, X1: 1.5, Y1: 0.7},
					{X0: 3.5, Y0: 0.5, X1: 4.5, Y1: 0.4},
				},
				Envelope: []trendSeg{{X0: 1.5, Y0: 0.7, X1: 1.5, Y1: 0.8}},
			},
		},
		{
			name: "a column between good ones that is bad throughout breaks the line",
			cols: []historian.Column{
				{N: 1, First: gs(0, 10), Last: gs(0, 10), Min: gs(0, 10), Max: gs(0, 10)},
				{N: 3, First: bs(10, 0), Last: bs(19, 0)},
				{N: 1, First: gs(20, 10), Last: gs(20, 10), Min: gs(20, 10), Max: gs(20, 10)},
			},
			want: penGeometry{Line: []trendSeg{ // each lone good sample: a dot one column wide
				{X0: 0, Y0: 0.9, X1: 1, Y1: 0.9},
				{X0: 2, Y0: 0.9, X1: 3, Y1: 0.9},
			}},
		},
		{
			name: "strings are not drawn",
			cols: []historian.Column{
				{N: 1, First: gs(0, 10), Last: gs(0, 10), Min: gs(0, 10), Max: gs(0, 10)},
				{N: 1, First: historian.Sample{T: 10, V: tags.String("x"), Q: tags.GoodQuality}, Last: historian.Sample{T: 10, V: tags.String("x"), Q: tags.GoodQuality}},
				{N: 1, First: gs(20, 10), Last: gs(20, 10), Min: gs(20, 10), Max: gs(20, 10)},
			},
			want: penGeometry{Line: []trendSeg{
				{X0: 0, Y0: 0.9, X1: 1, Y1: 0.9},
				{X0: 2, Y0: 0.9, X1: 3, Y1: 0.9},
			}},
		},
		{
			name: "NaN is not drawn",
			cols: []historian.Column{
				{N: 1, First: gs(0, 10), Last: gs(0, 10), Min: gs(0, 10), Max: gs(0, 10)},
				{N: 1, First: gs(10, math.NaN()), Last: gs(10, math.NaN())},
			},
			want: penGeometry{Line: []trendSeg{{X0: 0, Y0: 0.9, X1: 1, Y1: 0.9}}},
		},
		{
			name: "lone values between gaps are dots: a flat column, a good last after a bad first, an uncertain one",
			cols: []historian.Column{
				{N: 3, First: gs(0, 40), Last: gs(9, 40), Min: gs(0, 40), Max: gs(5, 60)},
				{N: 1, First: bs(10, 0), Last: bs(10, 0)},
				{N: 2, First: bs(20, 0), Last: gs(29, 20), Min: gs(29, 20), Max: gs(29, 20)},
				{N: 1, First: bs(30, 0), Last: bs(30, 0)},
				{N: 1, First: us(40, 70), Last: us(40, 70), Min: us(40, 70), Max: us(40, 70)},
			},
			want: penGeometry{
				Line: []trendSeg{
					{X0: 0, Y0: 0.6, X1: 1, Y1: 0.6},
					{X0: 2, Y0: 0.8, X1: 3, Y1: 0.8},
					{X0: 4, Y0: 0.3, X1: 5, Y1: 0.3, Weak: true},
				},
				Envelope: []trendSeg{{X0: 0.5, Y0: 0.4, X1: 0.5, Y1: 0.6}},
			},
		},
		{
			name: "uncertain values are drawn, weak",
			cols: []historian.Column{
				{N: 1, First: gs(0, 10), Last: gs(0, 10), Min: gs(0, 10), Max: gs(0, 10)},
				{N: 2, First: us(10, 20), Last: gs(19, 30), Min: us(10, 20), Max: gs(19, 30)},
				{N: 1, First: gs(20, 40), Last: gs(20, 40), Min: gs(20, 40), Max: gs(20, 40)},
			},
			want: penGeometry{
				Line: []trendSeg{
					{X0: 0.5, Y0: 0.9, X1: 1.5, Y1: 0.8, Weak: true},
					{X0: 1.5, Y0: 0.8, X1: 1.5, Y1: 0.7, Weak: true},
					{X0: 1.5, Y0: 0.7, X1: 2.5, Y1: 0.6},
				},
				Envelope: []trendSeg{{X0: 1.5, Y0: 0.7, X1: 1.5, Y1: 0.8}},
			},
		},
		{
			name: "bools as 0 and 1",
			cols: []historian.Column{
				{N: 2, First: historian.Sample{T: 0, V: tags.Bool(false), Q: tags.GoodQuality}, Last: historian.Sample{T: 5, V: tags.Bool(true), Q: tags.GoodQuality},
					Min: historian.Sample{T: 0, V: tags.Bool(false), Q: tags.GoodQuality}, Max: historian.Sample{T: 5, V: tags.Bool(true), Q: tags.GoodQuality}},
			},
			want: penGeometry{
				Line:     []trendSeg{{X0: 0.5, Y0: 1, X1: 0.5, Y1: 0}},
				Envelope: []trendSeg{{X0: 0.5, Y0: 0, X1: 0.5, Y1: 1}},
			},
		},
	} {
		var g penGeometry
		sc := penScale{0, 100}
		if tc.name == "bools as 0 and 1" {
			sc = penScale{0, 1}
		}
		buildGeometry(tc.cols, sc, defaultBridge, &g)
		if !sameGeometry(g, tc.want) {
			t.Errorf("%s:\n got %+v\nwant %+v", tc.name, g, tc.want)
		}
	}
}

func TestDataRangeAndAutoScale(t *testing.T) {
	lo, hi, ok := trendDataRange(geomCols)
	if !ok || lo != 10 || hi != 80 {
		t.Errorf("trendDataRange = %v, %v, %v; want 10, 80, true", lo, hi, ok)
	}
	if _, _, ok := trendDataRange(geomCols[2:3]); ok {
		t.Error("an empty column has a range")
	}
	for _, tc := range []struct {
		lo, hi float64
		want   penScale
	}{
		{10, 80, penScale{6.5, 83.5}}, // 5 % of 70 above and below
		{20, 20, penScale{19, 21}},    // flat: ±5 % of the value
		{0, 0, penScale{-1, 1}},
		{-200, -200, penScale{-210, -190}},
	} {
		if got := trendAutoScale(tc.lo, tc.hi); math.Abs(got.Lo-tc.want.Lo) > 1e-9 || math.Abs(got.Hi-tc.want.Hi) > 1e-9 {
			t.Errorf("trendAutoScale(%v, %v) = %v, want %v", tc.lo, tc.hi, got, tc.want)
		}
	}
}

func TestSampleAt(t *testing.T) {
	for _, tc := range []struct {
		t    int64
		want historian.Sample
		ok   bool
	}{
		{0, gs(90, 30), true},    // column 0's last
		{99, gs(90, 30), true},   // still column 0
		{150, gs(110, 40), true}, // column 1
		{250, gs(110, 40), true}, // column 2 is empty: the value held since column 1
		{499, gs(490, 80), true},
		{500, historian.Sample{}, false}, // past the columns
		{-1, historian.Sample{}, false},
	} {
		got, ok := trendSampleAt(geomCols, tc.t)
		if ok != tc.ok || got != tc.want {
			t.Errorf("trendSampleAt(%d) = %v, %v; want %v, %v", tc.t, got, ok, tc.want, tc.ok)
		}
	}
	if _, ok := trendSampleAt(geomCols[2:3], 250); ok {
		t.Error("an empty column alone has a value")
	}
}

// quietLog drops the historian's log lines in tests.
var quietLog = slog.New(slog.NewTextHandler(io.Discard, nil))

// historianSource is a TrendSource over a real historian, as the station
// is one.
type historianSource struct {
	db  *historian.DB
	bus *tags.Bus
}

func (s historianSource) Decimate(ctx context.Context, tag string, from, to time.Time, width int) ([]historian.Column, error) {
	id, ok := s.db.Lookup(tag)
	if !ok {
		return nil, ErrNoSuchTag
	}
	return s.db.Decimate(ctx, id, historian.Millis(from), historian.Millis(to), width)
}

func (s historianSource) Bus() *tags.Bus { return s.bus }

// openTestHistorian opens a historian in a temp folder with tag name
// holding samples, flushed.
func openTestHistorian(t *testing.T, name string, samples []historian.Sample) *historian.DB {
	t.Helper()
	db, err := historian.Open(historian.Options{Dir: t.TempDir(), Logger: quietLog})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	id, err := db.Register(historian.TagConfig{Name: name})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range samples {
		if err := db.Append(id, s); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Flush(); err != nil {
		t.Fatal(err)
	}
	return db
}

// TestGeometryFromHistorian draws geomSamples stored in a real historian:
// its Decimate gives the columns built by hand above, and the same
// segments.
func TestGeometryFromHistorian(t *testing.T) {
	base := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
	samples := make([]historian.Sample, len(geomSamples))
	for i, s := range geomSamples {
		s.T += base
		samples[i] = s
	}
	db := openTestHistorian(t, "Area1.Tank1.Level", samples)
	src := historianSource{db: db}
	cols, err := src.Decimate(context.Background(), "Area1.Tank1.Level", historian.Time(base), historian.Time(base+500), 5)
	if err != nil {
		t.Fatal(err)
	}
	for i := range cols { // back to the hand-made times
		c := &cols[i]
		c.Start, c.End = c.Start-base, c.End-base
		for _, s := range []*historian.Sample{&c.First, &c.Last, &c.Min, &c.Max} {
			if s.T != 0 || !s.V.IsZero() {
				s.T -= base
			}
		}
	}
	if !slices.EqualFunc(cols, geomCols, func(a, b historian.Column) bool {
		return a.Start == b.Start && a.End == b.End && a.N == b.N &&
			sameSample(a.First, b.First) && sameSample(a.Last, b.Last) && sameSample(a.Min, b.Min) && sameSample(a.Max, b.Max)
	}) {
		t.Fatalf("historian columns:\n got %+v\nwant %+v", cols, geomCols)
	}
	var g penGeometry
	buildGeometry(cols, penScale{0, 100}, 0, &g)
	if !sameGeometry(g, geomWant) {
		t.Errorf("geometry:\n got %+v\nwant %+v", g, geomWant)
	}
}

func sameSample(a, b historian.Sample) bool { return a.T == b.T && a.V.Equal(b.V) && a.Q == b.Q }

// A live pen's line goes on from its last stored value to the latest
// value on the bus, at the plot's right edge.
func TestAppendTail(t *testing.T) {
	sc := penScale{0, 100}
	end := trendEnd{X: 4.5, Y: 0.2, T: 490, OK: true}
	for _, tc := range []struct {
		name   string
		line   []trendSeg // before
		end    trendEnd
		x      float32
		v      historian.Sample
		bridge int64
		want   []trendSeg // after
	}{
		{
			name: "from the end to the edge", end: end, x: 9.5, v: gs(900, 50), bridge: defaultBridge,
			want: []trendSeg{{X0: 4.5, Y0: 0.2, X1: 9.5, Y1: 0.5}},
		},
		{
			name: "an uncertain value: weak", end: end, x: 9.5, v: us(900, 50), bridge: defaultBridge,
			want: []trendSeg{{X0: 4.5, Y0: 0.2, X1: 9.5, Y1: 0.5, Weak: true}},
		},
		{
			name: "the dot of a lone last value is joined instead",
			line: []trendSeg{trendDot(4.5, 0.2, false)}, end: end, x: 9.5, v: gs(900, 50), bridge: defaultBridge,
			want: []trendSeg{{X0: 4.5, Y0: 0.2, X1: 9.5, Y1: 0.5}},
		},
		{
			name: "a bad value now: a gap up to now", end: end, x: 9.5, v: bs(900, 50), bridge: defaultBridge,
		},
		{
			name: "the line ended longer than the bridge ago: a dot at the edge", end: end, x: 9.5, v: gs(900, 50), bridge: 100,
			want: []trendSeg{trendDot(9.5, 0.5, false)},
		},
		{
			name: "no line: a dot at the edge", x: 9.5, v: gs(900, 50), bridge: defaultBridge,
			want: []trendSeg{trendDot(9.5, 0.5, false)},
		},
		{
			name: "the line already reaches the edge", end: end, x: 4.5, v: gs(900, 50), bridge: defaultBridge,
		},
	} {
		g := penGeometry{Line: slices.Clone(tc.line)}
		appendTail(&g, tc.end, tc.x, tc.v, sc, tc.bridge)
		if !slices.Equal(g.Line, tc.want) {
			t.Errorf("%s:\n got %+v\nwant %+v", tc.name, g.Line, tc.want)
		}
	}
}

// buildGeometry's end is the last column's last value, which appendTail
// continues.
func TestGeometryEnd(t *testing.T) {
	var g penGeometry
	if got, want := buildGeometry(geomCols, penScale{0, 100}, 0, &g), (trendEnd{X: 4.5, Y: 0.2, T: 490, OK: true}); got != want {
		t.Errorf("end of geomCols = %+v, want %+v", got, want)
	}
	cols := slices.Clone(geomCols)
	cols[4].Last = bs(490, 0)
	if end := buildGeometry(cols, penScale{0, 100}, 0, &g); end.OK {
		t.Errorf("a line that ends in a bad sample has an end to continue: %+v", end)
	}
}

// TestGeometryBadInsideAColumn: a bad sample between a column's good
// first and last breaks the line inside the column: the line from the
// column before ends at its first value, its last value starts the line to
// the next; the envelope stays.
func TestGeometryBadInsideAColumn(t *testing.T) {
	samples := []historian.Sample{
		gs(10, 20),                           // column 0
		gs(110, 40), bs(150, 0), gs(190, 60), // column 1: good, bad, good
		gs(210, 60), // column 2
	}
	cols := historian.M4(samples, 0, 300, 3)
	if cols[1].Bad != 1 {
		t.Fatalf("column 1: Bad %d, want 1", cols[1].Bad)
	}
	var g penGeometry
	buildGeometry(cols, penScale{0, 100}, 0, &g)
	want := []trendSeg{
		{X0: 0.5, Y0: 0.8, X1: 1.5, Y1: 0.6}, // 20 → the column's first, 40
		// no segment from 40 to 60 across the bad sample
		{X0: 1.5, Y0: 0.4, X1: 2.5, Y1: 0.4}, // its last, 60 → 60
	}
	if !slices.Equal(g.Line, want) {
		t.Errorf("line %+v,\nwant %+v", g.Line, want)
	}
	// Flat across the bad sample: still broken, the last value starts anew.
	samples[3] = gs(190, 40)
	samples[4] = gs(210, 40)
	buildGeometry(historian.M4(samples, 0, 300, 3), penScale{0, 100}, 0, &g)
	want = []trendSeg{{X0: 0.5, Y0: 0.8, X1: 1.5, Y1: 0.6}, {X0: 1.5, Y0: 0.6, X1: 2.5, Y1: 0.6}}
	if !slices.Equal(g.Line, want) {
		t.Errorf("flat: line %+v,\nwant %+v", g.Line, want)
	}
}
