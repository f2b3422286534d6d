package hmi

import (
	"math"
	"strconv"
	"time"
)

// timeSpan is the time range a trend shows, [From, To) in Unix
// milliseconds (the historian's resolution).
type timeSpan struct{ From, To int64 }

func (s timeSpan) length() int64 { return s.To - s.From }

// spanOf makes a timeSpan from two times.
func spanOf(from, to time.Time) timeSpan { return timeSpan{from.UnixMilli(), to.UnixMilli()} }

const (
	trendSecond = int64(time.Second / time.Millisecond)
	trendMinute = 60 * trendSecond
	trendHour   = 60 * trendMinute
	trendDay    = 24 * trendHour
)

// Zoom limits. The narrowest range is 10 s: on a 1,000 px plot that is
// 10 ms a pixel, finer than any device here is polled. The widest is two
// years: with the historian's 1-hour rollups a year costs a query about
// what a week does.
const (
	minSpan = 10 * trendSecond
	maxSpan = 2 * 366 * trendDay
)

// Wheel zoom: one notch of a mouse wheel (wheelNotch, Fyne's GLFW scroll
// speed on Linux and Windows; 10 on macOS, where a notch zooms less) zooms
// by wheelZoom. Touchpads send fractions of a notch and zoom smoothly.
const (
	wheelNotch = 25
	wheelZoom  = 1.25
)

// buttonZoom is the factor of the + and − buttons.
const buttonZoom = 2

// panSpan moves s by dx pixels of a plot width pixels wide: dragging the
// trend to the right (dx > 0) shows earlier times. The length is kept.
func panSpan(s timeSpan, dx, width float64) timeSpan {
	if width <= 0 {
		return s
	}
	shift := int64(math.Round(-dx * float64(s.length()) / width))
	return timeSpan{s.From + shift, s.To + shift}
}

// zoomSpan scales s by factor (below 1 zooms in) about the time under
// pixel at of a plot width pixels wide, which stays under the same pixel.
// The new length is kept within [minLen, maxLen]; at outside the plot
// counts as its nearest edge.
func zoomSpan(s timeSpan, factor, at, width float64, minLen, maxLen int64) timeSpan {
	if width <= 0 || factor <= 0 || math.IsNaN(factor) || math.IsInf(factor, 0) {
		return s
	}
	frac := min(max(at/width, 0), 1)
	anchor := float64(s.From) + frac*float64(s.length())
	n := min(max(int64(math.Round(float64(s.length())*factor)), minLen), maxLen)
	from := int64(math.Round(anchor - frac*float64(n)))
	return timeSpan{from, from + n}
}

// clampSpan keeps s's length within [minLen, maxLen], growing or
// shrinking it about its middle, then moves it back so that it does not
// end after latest (now: there is no history of the future).
func clampSpan(s timeSpan, minLen, maxLen, latest int64) timeSpan {
	if n := s.length(); n < minLen || n > maxLen {
		m := min(max(n, minLen), maxLen)
		mid := s.From + n/2
		s = timeSpan{mid - m/2, mid - m/2 + m}
	}
	if s.To > latest {
		s = timeSpan{s.From - (s.To - latest), latest}
	}
	return s
}

// zoomFactor is the zoom of a scroll of dy (up is positive: zoom in).
func zoomFactor(dy float64) float64 { return math.Pow(wheelZoom, -dy/wheelNotch) }

// spanTimeAt is the time under pixel x of a plot width pixels wide showing s.
func spanTimeAt(s timeSpan, x, width float64) int64 {
	if width <= 0 {
		return s.From
	}
	return s.From + int64(math.Floor(x*float64(s.length())/width))
}

// spanX is the pixel of a plot width pixels wide at which time t lies.
func spanX(s timeSpan, t int64, width float64) float64 {
	if s.length() <= 0 {
		return 0
	}
	return float64(t-s.From) * width / float64(s.length())
}

// liveEvery is how often a live trend of s on width pixels is queried
// again: once a second at most, and no more often than one pixel's time
// (a 24 h trend on 1,000 px moves one pixel in 86 s).
func liveEvery(s timeSpan, width int) time.Duration {
	if width <= 0 {
		return time.Second
	}
	px := time.Duration(s.length()/int64(width)) * time.Millisecond
	return max(time.Second, px)
}

// timeTick is one label of a time axis.
type timeTick struct {
	T     int64   // Unix ms
	X     float64 // pixel
	Label string
}

// timeSteps are the steps a time axis may take, in ms. Day steps and
// longer fall on local midnights, month steps on the first of a month.
var timeSteps = []int64{
	1 * trendSecond, 2 * trendSecond, 5 * trendSecond, 10 * trendSecond, 15 * trendSecond, 30 * trendSecond,
	1 * trendMinute, 2 * trendMinute, 5 * trendMinute, 10 * trendMinute, 15 * trendMinute, 30 * trendMinute,
	1 * trendHour, 2 * trendHour, 3 * trendHour, 6 * trendHour, 12 * trendHour,
	1 * trendDay, 2 * trendDay, 7 * trendDay, 14 * trendDay,
}

// monthSteps follow timeSteps, in months.
var monthSteps = []int{1, 3, 6, 12}

// trendTimeTicks places labels on the time axis of a plot width pixels wide
// showing s, at least minGap pixels apart, on round local times of loc:
// the smallest step of timeSteps (then monthSteps) that leaves minGap.
// Labels read "15:04:05" for steps under a minute, "15:04" under a day
// ("Jan 2" at midnight), "Jan 2" for days and "Jan 2006" for months.
func trendTimeTicks(s timeSpan, width, minGap float64, loc *time.Location) []timeTick {
	n := s.length()
	if n <= 0 || width <= 0 {
		return nil
	}
	gapMs := minGap * float64(n) / width // the least step that fits
	var ticks []timeTick
	add := func(t time.Time, label string) {
		ms := t.UnixMilli()
		if ms >= s.From && ms < s.To {
			ticks = append(ticks, timeTick{T: ms, X: spanX(s, ms, width), Label: label})
		}
	}
	from, to := time.UnixMilli(s.From).In(loc), time.UnixMilli(s.To).In(loc)
	for _, step := range timeSteps {
		if float64(step) < gapMs {
			continue
		}
		day := time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, loc)
		if step >= trendDay {
			days := int(step / trendDay)
			for ; !day.After(to); day = day.AddDate(0, 0, 1) {
				if dayNumber(day)%days == 0 {
					add(day, day.Format("Jan 2"))
				}
			}
			return ticks
		}
		layout := "15:04"
		if step < trendMinute {
			layout = time.TimeOnly
		}
		for ; !day.After(to); day = day.AddDate(0, 0, 1) {
			next := day.AddDate(0, 0, 1)
			for t := day; t.Before(next); t = t.Add(time.Duration(step) * time.Millisecond) {
				if t.Equal(day) {
					add(t, t.Format("Jan 2"))
				} else {
					add(t, t.Format(layout))
				}
			}
		}
		return ticks
	}
	for _, months := range monthSteps {
		if float64(months)*31*float64(trendDay) < gapMs && months != monthSteps[len(monthSteps)-1] {
			continue
		}
		m := time.Date(from.Year(), from.Month(), 1, 0, 0, 0, 0, loc)
		for ; !m.After(to); m = m.AddDate(0, 1, 0) {
			if (int(m.Month())-1)%months == 0 {
				add(m, m.Format("Jan 2006"))
			}
		}
		return ticks
	}
	return ticks
}

// dayNumber counts days from 1970-01-01 to the local date of midnight d,
// so that multi-day ticks fall on the same dates whatever the range.
func dayNumber(d time.Time) int {
	u := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)
	return int(u.Unix() / 86400)
}

// trendValueTicks returns round values (1, 2 or 5 times a power of ten apart)
// in [lo, hi], about n of them or fewer, and the decimals their labels
// need.
func trendValueTicks(lo, hi float64, n int) (ticks []float64, decimals int) {
	if !(hi > lo) || n < 1 || math.IsInf(hi-lo, 0) {
		return nil, 0
	}
	raw := (hi - lo) / float64(n)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := 10 * mag
	for _, m := range []float64{1, 2, 5} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	decimals = max(0, -int(math.Floor(math.Log10(step)+1e-9)))
	for k := math.Ceil(lo/step - 1e-9); k*step <= hi+step*1e-9; k++ {
		ticks = append(ticks, k*step)
	}
	return ticks, decimals
}

// formatValueTick prints a value axis label with decimals decimals.
func formatValueTick(v float64, decimals int) string {
	s := strconv.FormatFloat(v, 'f', decimals, 64)
	if v <= 0 && s[0] == '-' {
		if f, _ := strconv.ParseFloat(s, 64); f == 0 {
			s = s[1:] // no "-0.0"
		}
	}
	return s
}
