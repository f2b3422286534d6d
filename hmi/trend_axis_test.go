package hmi

import (
	"math"
	"slices"
	"testing"
	"time"
)

func TestPanSpan(t *testing.T) {
	hour := timeSpan{0, trendHour}
	for _, tc := range []struct {
		name  string
		s     timeSpan
		dx, w float64
		want  timeSpan
	}{
		{"drag right shows earlier", hour, 100, 1000, timeSpan{-360_000, 3_240_000}},
		{"drag left shows later", hour, -250, 1000, timeSpan{900_000, 4_500_000}},
		{"a whole width", hour, 1000, 1000, timeSpan{-trendHour, 0}},
		{"no move", hour, 0, 1000, hour},
		{"sub-pixel rounds to ms", timeSpan{0, 1000}, 0.4, 1000, timeSpan{0, 1000}},
		{"sub-pixel rounds to ms, half up", timeSpan{0, 1000}, -0.5, 1000, timeSpan{1, 1001}},
		{"no width: unchanged", hour, 100, 0, hour},
		{"7 days on 1,000 px: 10.08 min a px", timeSpan{0, 7 * trendDay}, 1, 1000, timeSpan{-604_800, 7*trendDay - 604_800}},
	} {
		if got := panSpan(tc.s, tc.dx, tc.w); got != tc.want {
			t.Errorf("%s: panSpan(%v, %v, %v) = %v, want %v", tc.name, tc.s, tc.dx, tc.w, got, tc.want)
		}
		if got := panSpan(tc.s, tc.dx, tc.w); got.length() != tc.s.length() {
			t.Errorf("%s: length changed", tc.name)
		}
	}
}

func TestZoomSpan(t *testing.T) {
	hour := timeSpan{0, trendHour}
	for _, tc := range []struct {
		name              string
		s                 timeSpan
		factor, at, width float64
		want              timeSpan
	}{
		{"in about the middle", hour, 0.5, 500, 1000, timeSpan{900_000, 2_700_000}},
		{"in about the left edge", hour, 0.5, 0, 1000, timeSpan{0, 1_800_000}},
		{"in about the right edge", hour, 0.5, 1000, 1000, timeSpan{1_800_000, trendHour}},
		{"out about a quarter", hour, 2, 250, 1000, timeSpan{-900_000, 6_300_000}},
		{"pointer left of the plot counts as its edge", hour, 0.5, -40, 1000, timeSpan{0, 1_800_000}},
		{"pointer right of the plot counts as its edge", hour, 0.5, 1200, 1000, timeSpan{1_800_000, trendHour}},
		{"not below minSpan", timeSpan{0, 20_000}, 0.1, 500, 1000, timeSpan{5_000, 15_000}},
		{"not above maxSpan", timeSpan{0, maxSpan}, 4, 0, 1000, timeSpan{0, maxSpan}},
		{"factor 1", hour, 1, 123, 1000, hour},
		{"bad factor", hour, 0, 500, 1000, hour},
		{"NaN factor", hour, math.NaN(), 500, 1000, hour},
		{"no width", hour, 0.5, 500, 0, hour},
	} {
		got := zoomSpan(tc.s, tc.factor, tc.at, tc.width, minSpan, maxSpan)
		if got != tc.want {
			t.Errorf("%s: zoomSpan(%v, %v, at %v of %v) = %v, want %v", tc.name, tc.s, tc.factor, tc.at, tc.width, got, tc.want)
		}
	}
	// The time under the pointer stays under it.
	s := timeSpan{1_000_000, 1_000_000 + 7*trendDay}
	at := 377.0
	before := spanTimeAt(s, at, 1000)
	z := zoomSpan(s, 0.8, at, 1000, minSpan, maxSpan)
	if after := spanTimeAt(z, at, 1000); math.Abs(float64(after-before)) > float64(z.length())/1000 {
		t.Errorf("time under the pointer moved from %d to %d", before, after)
	}
}

func TestClampSpan(t *testing.T) {
	now := int64(10 * trendDay)
	for _, tc := range []struct {
		name string
		s    timeSpan
		want timeSpan
	}{
		{"inside: unchanged", timeSpan{now - trendHour, now - trendMinute}, timeSpan{now - trendHour, now - trendMinute}},
		{"ending now: unchanged", timeSpan{now - trendHour, now}, timeSpan{now - trendHour, now}},
		{"in the future: moved back", timeSpan{now - trendHour/2, now + trendHour/2}, timeSpan{now - trendHour, now}},
		{"too short: grown about its middle", timeSpan{1000, 3000}, timeSpan{-3000, 7000}},
		{"too long: shrunk about its middle, then moved back", timeSpan{0, 2 * maxSpan}, timeSpan{now - maxSpan, now}},
		{"too long in the past: shrunk about its middle", timeSpan{-4 * maxSpan, -2 * maxSpan}, timeSpan{-3*maxSpan - maxSpan/2, -3*maxSpan + maxSpan/2}},
		{"too short and in the future", timeSpan{now, now + 1000}, timeSpan{now - minSpan, now}},
		{"empty", timeSpan{5000, 5000}, timeSpan{0, minSpan}},
	} {
		got := clampSpan(tc.s, minSpan, maxSpan, now)
		if got != tc.want {
			t.Errorf("%s: clampSpan(%v) = %v, want %v", tc.name, tc.s, got, tc.want)
		}
	}
}

func TestSpanPixels(t *testing.T) {
	s := timeSpan{1000, 11_000} // 10 ms a pixel on 1,000 px
	for _, tc := range []struct {
		x float64
		t int64
	}{{0, 1000}, {0.5, 1005}, {1, 1010}, {999.9, 10_999}, {500, 6000}} {
		if got := spanTimeAt(s, tc.x, 1000); got != tc.t {
			t.Errorf("spanTimeAt(%v) = %d, want %d", tc.x, got, tc.t)
		}
	}
	for _, tc := range []struct {
		t int64
		x float64
	}{{1000, 0}, {6000, 500}, {11_000, 1000}, {0, -100}} {
		if got := spanX(s, tc.t, 1000); got != tc.x {
			t.Errorf("spanX(%d) = %v, want %v", tc.t, got, tc.x)
		}
	}
}

func TestLiveEvery(t *testing.T) {
	for _, tc := range []struct {
		span  int64
		width int
		want  time.Duration
	}{
		{10 * trendMinute, 1000, time.Second},            // 0.6 s a pixel: the 1 s floor
		{trendHour, 1000, 3600 * time.Millisecond},       // 3.6 s a pixel
		{trendDay, 1000, 86_400 * time.Millisecond},      // 86.4 s
		{7 * trendDay, 1000, 604_800 * time.Millisecond}, // about 10 min
		{trendHour, 0, time.Second},
	} {
		if got := liveEvery(timeSpan{0, tc.span}, tc.width); got != tc.want {
			t.Errorf("liveEvery(%d ms, %d px) = %v, want %v", tc.span, tc.width, got, tc.want)
		}
	}
}

func TestZoomFactor(t *testing.T) {
	for _, tc := range []struct{ dy, want float64 }{
		{0, 1}, {wheelNotch, 1 / wheelZoom}, {-wheelNotch, wheelZoom}, {2 * wheelNotch, 1 / (wheelZoom * wheelZoom)},
	} {
		if got := zoomFactor(tc.dy); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("zoomFactor(%v) = %v, want %v", tc.dy, got, tc.want)
		}
	}
}

func TestTimeTicks(t *testing.T) {
	base := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
	labels := func(ts []timeTick) []string {
		var l []string
		for _, tk := range ts {
			l = append(l, tk.Label)
		}
		return l
	}
	for _, tc := range []struct {
		name   string
		s      timeSpan
		minGap float64
		want   []string
	}{
		{"10 min on 1,000 px, 100 px apart: 1 min", timeSpan{base + 9*trendHour, base + 9*trendHour + 10*trendMinute}, 100,
			[]string{"09:00", "09:01", "09:02", "09:03", "09:04", "09:05", "09:06", "09:07", "09:08", "09:09"}},
		{"an hour, 150 px apart: 10 min", timeSpan{base + 9*trendHour + 5*trendMinute, base + 10*trendHour + 5*trendMinute}, 150,
			[]string{"09:10", "09:20", "09:30", "09:40", "09:50", "10:00"}},
		{"a minute: seconds", timeSpan{base + 30*trendSecond, base + 90*trendSecond}, 120,
			[]string{"00:00:30", "00:00:40", "00:00:50", "00:01:00", "00:01:10", "00:01:20"}},
		{"24 h across midnight, 120 px apart: 3 h, the date at midnight", timeSpan{base - 12*trendHour, base + 12*trendHour}, 120,
			[]string{"12:00", "15:00", "18:00", "21:00", "Mar 1", "03:00", "06:00", "09:00"}},
		{"24 h, 150 px apart: 6 h", timeSpan{base - 12*trendHour, base + 12*trendHour}, 150,
			[]string{"12:00", "18:00", "Mar 1", "06:00"}},
		{"7 days: days", timeSpan{base, base + 7*trendDay}, 100,
			[]string{"Mar 1", "Mar 2", "Mar 3", "Mar 4", "Mar 5", "Mar 6", "Mar 7"}},
		{"a year: quarters", timeSpan{base, base + 366*trendDay}, 150,
			[]string{"Apr 2026", "Jul 2026", "Oct 2026", "Jan 2027"}},
	} {
		ticks := trendTimeTicks(tc.s, 1000, tc.minGap, time.UTC)
		if got := labels(ticks); !slices.Equal(got, tc.want) {
			t.Errorf("%s: labels %q, want %q", tc.name, got, tc.want)
		}
		for i, tk := range ticks {
			if tk.X != spanX(tc.s, tk.T, 1000) {
				t.Errorf("%s: tick %d at x %v, want %v", tc.name, i, tk.X, spanX(tc.s, tk.T, 1000))
			}
			if i > 0 && tk.X-ticks[i-1].X < tc.minGap {
				t.Errorf("%s: ticks %d and %d %v px apart, want ≥ %v", tc.name, i-1, i, tk.X-ticks[i-1].X, tc.minGap)
			}
		}
	}
	if got := trendTimeTicks(timeSpan{5, 5}, 1000, 100, time.UTC); got != nil {
		t.Errorf("empty span: %v", got)
	}
}

func TestValueTicks(t *testing.T) {
	for _, tc := range []struct {
		lo, hi float64
		n      int
		want   []float64
		dec    int
	}{
		{0, 100, 5, []float64{0, 20, 40, 60, 80, 100}, 0},
		{0, 100, 10, []float64{0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100}, 0},
		{-1.2, 3.7, 5, []float64{-1, 0, 1, 2, 3}, 0},
		{11.6, 12.9, 8, []float64{11.6, 11.8, 12, 12.2, 12.4, 12.6, 12.8}, 1},
		{11.6, 12.9, 4, []float64{12, 12.5}, 1},
		{0.001, 0.004, 3, []float64{0.001, 0.002, 0.003, 0.004}, 3},
		{5, 5, 5, nil, 0},
		{5, 4, 5, nil, 0},
	} {
		got, dec := trendValueTicks(tc.lo, tc.hi, tc.n)
		ok := len(got) == len(tc.want) && dec == tc.dec
		for i := 0; ok && i < len(got); i++ {
			ok = math.Abs(got[i]-tc.want[i]) < 1e-9
		}
		if !ok {
			t.Errorf("trendValueTicks(%v, %v, %d) = %v, %d decimals; want %v, %d", tc.lo, tc.hi, tc.n, got, dec, tc.want, tc.dec)
		}
	}
	for _, tc := range []struct {
		v    float64
		dec  int
		want string
	}{{0, 0, "0"}, {-0.00001, 2, "0.00"}, {12.2, 1, "12.2"}, {-3, 0, "-3"}, {1e-17, 1, "0.0"}} {
		if got := formatValueTick(tc.v, tc.dec); got != tc.want {
			t.Errorf("formatValueTick(%v, %d) = %q, want %q", tc.v, tc.dec, got, tc.want)
		}
	}
}
