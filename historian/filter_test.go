package historian

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/sightglass/sightglass/tags"
)

// filterRun offers every sample, flushes, and returns what was stored.
func filterRun(c FilterConfig, in []Sample) []Sample {
	f := NewFilter(c)
	var out []Sample
	for _, s := range in {
		out = append(out, f.Offer(s)...)
	}
	return append(out, f.Flush()...)
}

// filterWalk is a random walk sampled every 1 s, with runs of flat values
// and steps.
func filterWalk(r *rand.Rand, n int) []Sample {
	out := make([]Sample, n)
	v := 100.0
	for i := range out {
		switch x := r.IntN(100); {
		case x < 20: // flat
		case x < 22:
			v += 20 * r.NormFloat64() // a step
		default:
			v += r.NormFloat64()
		}
		out[i] = aggF(int64(i)*1000+r.Int64N(300), math.Round(v*1000)/1000)
	}
	return out
}

// filterMaxDev returns the greatest distance of a raw sample from the line
// through the stored samples (linear interpolation between the stored
// samples around it), and the sample.
func filterMaxDev(raw, stored []Sample) (float64, Sample) {
	worst, at := 0.0, Sample{}
	j := 0
	for _, s := range raw {
		for j+1 < len(stored) && stored[j+1].T <= s.T {
			j++
		}
		a := stored[j]
		var line float64
		switch {
		case s.T == a.T:
			line = a.V.Float()
		case j+1 < len(stored):
			b := stored[j+1]
			line = a.V.Float() + (b.V.Float()-a.V.Float())*float64(s.T-a.T)/float64(b.T-a.T)
		default:
			return math.Inf(1), s // after the last stored sample
		}
		if d := math.Abs(s.V.Float() - line); d > worst {
			worst, at = d, s
		}
	}
	return worst, at
}

// TestFilterSwingingDoorBound: every raw sample lies within CompDev of the
// line through the stored ones; first and last are stored; stored samples
// are raw samples in time order.
func TestFilterSwingingDoorBound(t *testing.T) {
	for seed := range uint64(30) {
		r := rand.New(rand.NewPCG(seed, 8))
		raw := filterWalk(r, 3000)
		for _, dev := range []float64{0.01, 0.5, 2, 10} {
			stored := filterRun(FilterConfig{CompDev: dev}, raw)
			if msg := filterSubseq(raw, stored); msg != "" {
				t.Fatalf("seed %d CompDev %v: %s", seed, dev, msg)
			}
			if stored[0].T != raw[0].T || stored[len(stored)-1].T != raw[len(raw)-1].T {
				t.Fatalf("seed %d CompDev %v: first or last sample not stored", seed, dev)
			}
			if d, at := filterMaxDev(raw, stored); d > dev+1e-9 {
				t.Fatalf("seed %d CompDev %v: sample %d:%v is %v from the stored line", seed, dev, at.T, at.V, d)
			}
			if dev >= 2 && len(stored)*3 > len(raw) {
				t.Errorf("seed %d CompDev %v: stored %d of %d: hardly compressed", seed, dev, len(stored), len(raw))
			}
		}
		// With the deadband in front, the bound is 2·ExcDev + CompDev.
		for _, c := range []FilterConfig{{ExcDev: 0.5, CompDev: 1}, {ExcDev: 2}, {ExcDev: 1, ExcMax: 5000, CompDev: 0.2}} {
			stored := filterRun(c, raw)
			if msg := filterSubseq(raw, stored); msg != "" {
				t.Fatalf("seed %d %+v: %s", seed, c, msg)
			}
			if d, at := filterMaxDev(raw, stored); d > 2*c.ExcDev+c.CompDev+1e-9 {
				t.Fatalf("seed %d %+v: sample %d:%v is %v from the stored line", seed, c, at.T, at.V, d)
			}
		}
	}
}

// filterSubseq checks that stored is a subsequence of raw.
func filterSubseq(raw, stored []Sample) string {
	i := 0
	for k, s := range stored {
		for i < len(raw) && !m4Same(raw[i], s) {
			i++
		}
		if i == len(raw) {
			return fmt.Sprintf("stored sample %d (%d:%v) is not a raw sample in order", k, s.T, s.V)
		}
		i++
	}
	return ""
}

// TestFilterSwingingDoorTable follows the door on literal numbers
// (CompDev 1, one sample a second).
func TestFilterSwingingDoorTable(t *testing.T) {
	s := func(sec int64, v float64) Sample { return aggF(sec*1000, v) }
	for _, tc := range []struct {
		name string
		c    FilterConfig
		in   []Sample
		want []Sample
	}{
		{"a straight ramp keeps its ends", FilterConfig{CompDev: 1},
			[]Sample{s(0, 0), s(1, 1), s(2, 2), s(3, 3), s(4, 4)},
			[]Sample{s(0, 0), s(4, 4)}},
		{"a corner is stored", FilterConfig{CompDev: 1},
			[]Sample{s(0, 0), s(1, 0), s(2, 0), s(3, 5), s(4, 10)},
			[]Sample{s(0, 0), s(2, 0), s(4, 10)}},
		{"wobble within the door", FilterConfig{CompDev: 1},
			[]Sample{s(0, 0), s(1, 0.5), s(2, -0.5), s(3, 0.5), s(4, 0)},
			[]Sample{s(0, 0), s(4, 0)}},
		// The door after (2, −0.9) still holds slopes [−0.1, 0.05] per s
		// from (0, 0), but the line to (2, −0.9) itself, slope −0.45, would
		// pass 1.35 from (1, 0.9): that one is stored.
		{"the line to the new sample must be inside the door", FilterConfig{CompDev: 1},
			[]Sample{s(0, 0), s(1, 0.9), s(2, -0.9)},
			[]Sample{s(0, 0), s(1, 0.9), s(2, -0.9)}},
		{"CompMax forces a sample", FilterConfig{CompDev: 1, CompMax: 2500},
			[]Sample{s(0, 5), s(1, 5), s(2, 5), s(3, 5), s(4, 5), s(5, 5), s(6, 5)},
			[]Sample{s(0, 5), s(2, 5), s(4, 5), s(6, 5)}},
		{"CompMax after a gap stores both sides", FilterConfig{CompDev: 1, CompMax: 2500},
			[]Sample{s(0, 5), s(1, 5), s(10, 5), s(11, 5)},
			[]Sample{s(0, 5), s(1, 5), s(10, 5), s(11, 5)}},
		{"deadband drops within ExcDev", FilterConfig{ExcDev: 0.5},
			[]Sample{s(0, 10), s(1, 10.5), s(2, 9.6), s(3, 10.4), s(4, 11), s(5, 11.2)},
			// 10.4 is sent with 11, as the previous value; 11.2 comes with Flush.
			[]Sample{s(0, 10), s(3, 10.4), s(4, 11), s(5, 11.2)}},
		{"ExcMax passes a flat value", FilterConfig{ExcDev: 0.5, ExcMax: 3000},
			[]Sample{s(0, 10), s(1, 10), s(2, 10), s(3, 10), s(4, 10)},
			[]Sample{s(0, 10), s(2, 10), s(3, 10), s(4, 10)}},
		{"zero config passes all", FilterConfig{},
			[]Sample{s(0, 1), s(1, 1), s(2, 1)},
			[]Sample{s(0, 1), s(1, 1), s(2, 1)}},
		{"ExcMax and CompMax alone pass all", FilterConfig{ExcMax: 1000, CompMax: 1000},
			[]Sample{s(0, 1), s(1, 1), s(2, 1)},
			[]Sample{s(0, 1), s(1, 1), s(2, 1)}},
	} {
		got := filterRun(tc.c, tc.in)
		if msg := filterDiff(got, tc.want); msg != "" {
			t.Errorf("%s: %s", tc.name, msg)
		}
	}
}

// TestFilterPassesQualityAndStates: bad and uncertain samples, bools,
// strings and NaN always pass, with the samples on both sides of them.
func TestFilterPassesQualityAndStates(t *testing.T) {
	s := func(sec int64, v float64) Sample { return aggF(sec*1000, v) }
	q := func(sec int64, v float64, q tags.Quality) Sample { return aggQ(sec*1000, v, q) }
	c := FilterConfig{ExcDev: 0.5, CompDev: 1}
	in := []Sample{
		s(0, 10), s(1, 10), s(2, 10), // flat: 10@1 dropped, 10@2 held
		q(3, 10, aggBad), q(4, 10, aggBad), // bad: pass, with 10@2 before them
		s(5, 10), s(6, 10), s(7, 10), // back to good: 10@5 stored afresh
		q(8, 10, aggUnc), // uncertain passes, 10@7 before it
		{T: 9000, V: tags.Bool(true), Q: aggGood}, // bools pass
		{T: 10000, V: tags.Bool(true), Q: aggGood},
		{T: 11000, V: tags.String("run"), Q: aggGood}, // strings pass
		s(12, math.NaN()), // NaN passes
		s(13, 10), s(14, 10),
	}
	want := []Sample{
		in[0], in[2], in[3], in[4], in[5], in[7], in[8], in[9], in[10], in[11], in[12], in[13], in[14],
	}
	if msg := filterDiff(filterRun(c, in), want); msg != "" {
		t.Error(msg)
	}
}

func TestFilterZeroPassesAll(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 9))
	raw := aggTestSeries(r, 0, 20_000)
	f := NewFilter(FilterConfig{})
	for i, s := range raw {
		out := f.Offer(s)
		if len(out) != 1 || !m4Same(out[0], s) {
			t.Fatalf("sample %d: Offer returned %v", i, out)
		}
	}
	if out := f.Flush(); out != nil {
		t.Errorf("Flush returned %v", out)
	}
}

// TestFilterOfferCount: Offer returns at most four samples, and Flush after
// Flush returns nothing.
func TestFilterOfferCount(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 10))
	raw := aggTestSeries(r, 0, 200_000)
	f := NewFilter(FilterConfig{ExcDev: 5, ExcMax: 2000, CompDev: 10, CompMax: 3000})
	for _, s := range raw {
		if out := f.Offer(s); len(out) > 4 {
			t.Fatalf("Offer returned %d samples", len(out))
		}
	}
	f.Flush()
	if out := f.Flush(); out != nil {
		t.Errorf("second Flush returned %v", out)
	}
}

func filterDiff(got, want []Sample) string {
	f := func(ss []Sample) string {
		out := ""
		for _, s := range ss {
			out += fmt.Sprintf(" %d:%v", s.T, s.V)
		}
		return out
	}
	if len(got) != len(want) {
		return fmt.Sprintf("got%s\nwant%s", f(got), f(want))
	}
	for i := range got {
		if !m4Same(got[i], want[i]) {
			return fmt.Sprintf("got%s\nwant%s", f(got), f(want))
		}
	}
	return ""
}
