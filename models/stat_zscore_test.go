package models

import (
	"errors"
	"math"
	"testing"
	"time"
)

func TestZscoreKnownWindow(t *testing.T) {
	z := statNew(t, "zscore", Params{"window": 5, "threshold": 3})
	// The window 2, 4, 4, 4, 6: mean 4, squared deviations 4+0+0+0+4 = 8,
	// sample variance 8/4 = 2, s = √2 = 1.4142135623730951.
	for i, x := range []float64{2, 4, 4, 4, 6} {
		if _, err := z.Eval(time.Time{}, []Input{statGood(x)}); !errors.Is(err, ErrWarmingUp) {
			t.Fatalf("sample %d: %v, want ErrWarmingUp", i, err)
		}
	}
	// x = 8: z = (8−4)/√2 = 2.8284271247461903 ≤ 3: no alarm.
	out, err := z.Eval(time.Time{}, []Input{statGood(8)})
	if err != nil {
		t.Fatal(err)
	}
	if !statNear(out[0], 2.8284271247461903, 1e-12) || out[1] != 0 {
		t.Errorf("z %v alarm %v, want 2.8284271247461903 0", out[0], out[1])
	}
	// The window is now 4, 4, 4, 6, 8: mean 5.2, squared deviations
	// 1.44·3 + 0.64 + 7.84 = 12.8, variance 3.2, s = 1.7888543819998317.
	// x = 0: z = −5.2/1.7888543819998317 = −2.9068883707497264.
	out, err = z.Eval(time.Time{}, []Input{statGood(0)})
	if err != nil {
		t.Fatal(err)
	}
	if !statNear(out[0], -2.9068883707497264, 1e-12) || out[1] != 0 {
		t.Errorf("z %v alarm %v, want −2.9068883707497264 0", out[0], out[1])
	}
	// Window 4, 4, 6, 8, 0: mean 4.4, squared deviations
	// 0.16·2 + 2.56 + 12.96 + 19.36 = 35.2, variance 8.8, s = 2.9664793948382653.
	// x = 13.4: z = 9/2.9664793948382653 = 3.0338993...> 3: alarm.
	out, err = z.Eval(time.Time{}, []Input{statGood(13.4)})
	if err != nil {
		t.Fatal(err)
	}
	if !statNear(out[0], 9/2.9664793948382653, 1e-12) || out[1] != 1 {
		t.Errorf("z %v alarm %v, want %v 1", out[0], out[1], 9/2.9664793948382653)
	}
}

func TestZscoreConstantWindow(t *testing.T) {
	z := statNew(t, "zscore", Params{"window": 3})
	for range 3 {
		z.Eval(time.Time{}, []Input{statGood(7)})
	}
	out, err := z.Eval(time.Time{}, []Input{statGood(7)})
	if err != nil || out[0] != 0 || out[1] != 0 {
		t.Errorf("x equal to a constant window: %v %v, want z 0", out, err)
	}
	z = statNew(t, "zscore", Params{"window": 3})
	for range 3 {
		z.Eval(time.Time{}, []Input{statGood(7)})
	}
	out, err = z.Eval(time.Time{}, []Input{statGood(6)})
	if err != nil || out[0] != -1e6 || out[1] != 1 {
		t.Errorf("x off a constant window: %v %v, want z −1e6 alarm", out, err)
	}
}

// TestZscoreLongRunAccuracy feeds a million samples around a large offset,
// where a naive running Σx² loses every digit, and compares the last score
// with a two-pass computation over the same window.
func TestZscoreLongRunAccuracy(t *testing.T) {
	const w = 50
	z := statNew(t, "zscore", Params{"window": w})
	xs := make([]float64, 0, 1_000_001)
	for i := range 1_000_001 {
		xs = append(xs, 1e9+float64((i*7919)%101)*0.01)
	}
	var out []float64
	for _, x := range xs {
		out, _ = z.Eval(time.Time{}, []Input{statGood(x)})
	}
	win := xs[len(xs)-1-w : len(xs)-1]
	var sum float64
	for _, v := range win {
		sum += v
	}
	mean := sum / w
	var ss float64
	for _, v := range win {
		ss += (v - mean) * (v - mean)
	}
	want := (xs[len(xs)-1] - mean) / math.Sqrt(ss/(w-1))
	if !statNear(out[0], want, 1e-6) {
		t.Errorf("z after 1e6 samples %v, two-pass %v", out[0], want)
	}
	if _, err := z.Eval(time.Time{}, []Input{{V: 1, Good: false}}); err == nil {
		t.Error("bad input: no error")
	}
}
