package models

import (
	"fmt"
	"time"
)

// oeeWrapBand: with counter_max set, a counter that falls from the top
// tenth of its range into the bottom tenth wrapped; any other decrease is a
// restart (a PLC reset or power cycle) counting again from zero.
const oeeWrapBand = 0.1

func init() {
	Register(&Kind{
		Name: "oee",
		Doc: "overall equipment effectiveness for the current shift: availability × performance × quality from a run state, " +
			"a total count and a reject count, with the losses (demo P1: running Plant.P1.Running, count Plant.Flow.Totaliser " +
			"in m³ with ideal_rate 19.8 m³/h and counter_max 4294967.296; the demo has no reject counter)",
		Inputs: []Port{
			{Name: "running", Units: "0/1", Doc: "the machine runs (> 0.5)"},
			{Name: "count", Units: "parts", Doc: "total parts, a counter: a decrease is a restart (or a wrap, see counter_max)"},
			{Name: "rejects", Units: "parts", Optional: true, Doc: "rejected parts, a counter; unbound: no rejects"},
		},
		Params: []Param{
			{Name: "ideal_rate", Required: true, Min: 1e-9, Max: 1e9, Doc: "parts per hour at the ideal cycle time"},
			{Name: "shift_hours", Default: 8, Min: 0.25, Max: 24, Doc: "shift length, h; must divide 24"},
			{Name: "shift_start", Default: 6, Min: 0, Max: 24, Doc: "hour of day a shift starts, local time (6 with 8 h shifts: 6, 14, 22)"},
			{Name: "counter_max", Min: 0, Max: 1e18, Doc: "the counters wrap to 0 at this value (65536, 4294967296); 0: they do not wrap"},
		},
		Outputs: []Port{
			{Name: "availability", Units: "0-1", Doc: "run time / planned time (time observed in the shift so far)"},
			{Name: "performance", Units: "0-1", Doc: "parts / (run time · ideal_rate); above 1 means ideal_rate is too low"},
			{Name: "quality", Units: "0-1", Doc: "(parts − rejects) / parts"},
			{Name: "oee", Units: "0-1", Doc: "availability · performance · quality = good parts / (planned time · ideal_rate)"},
			{Name: "downtime_s", Units: "s", Doc: "planned time − run time: the availability loss"},
			{Name: "speed_loss_parts", Units: "parts", Doc: "run time · ideal_rate − parts: the performance loss"},
			{Name: "reject_parts", Units: "parts", Doc: "rejects this shift: the quality loss"},
		},
		New: newOEE,
	})
}

func newOEE(p Params) (Instance, error) {
	m := &oee{
		idealRate:  p["ideal_rate"],
		shift:      time.Duration(p["shift_hours"] * float64(time.Hour)),
		start:      time.Duration(p["shift_start"] * float64(time.Hour)),
		counterMax: p["counter_max"],
		loc:        time.Local,
	}
	if m.idealRate <= 0 {
		return nil, fmt.Errorf("oee: ideal_rate %v parts/h must be positive", m.idealRate)
	}
	if m.shift <= 0 || (24*time.Hour)%m.shift != 0 {
		return nil, fmt.Errorf("oee: shift_hours %v must divide 24", p["shift_hours"])
	}
	m.start %= m.shift
	return m, nil
}

// oee accumulates the current shift. Shifts are the intervals (b, b+S] of
// the station's local wall clock (time.Local, the TZ environment), with
// boundaries b at shift_start + k·shift_hours from each midnight: a sample
// exactly at a boundary closes the ending shift (its outputs are that whole
// shift) and the next sample starts the new one. Time between samples
// counts with the run state of the earlier sample; counts go to the shift
// of the sample that sees them.
type oee struct {
	idealRate  float64
	shift      time.Duration
	start      time.Duration // offset of the first boundary after midnight, < shift
	counterMax float64
	loc        *time.Location

	started         bool
	begin           time.Time // the current shift's start boundary
	last            time.Time // the last sample
	running         bool      // at the last sample
	count, rejects  float64   // counter readings at the last sample
	planned, run    time.Duration
	parts, rejected float64
}

// shiftOf is the start boundary b of the shift (b, b+S] holding t.
func (m *oee) shiftOf(t time.Time) time.Time {
	lt := t.In(m.loc)
	y, mo, d := lt.Date()
	wall := time.Duration(lt.Hour())*time.Hour + time.Duration(lt.Minute())*time.Minute +
		time.Duration(lt.Second())*time.Second + time.Duration(lt.Nanosecond())
	// The largest k with start + k·S < wall; −1 when the shift began the
	// day before (wall − start > −S, as start < S).
	k := time.Duration(-1)
	if off := wall - m.start; off > 0 {
		k = (off - 1) / m.shift
	}
	b := m.start + k*m.shift
	// time.Date normalises the wall clock (and a negative offset into the
	// day before), so DST days get their real length.
	return time.Date(y, mo, d, 0, 0, 0, int(b), m.loc)
}

// delta is how much a counter advanced from prev to cur.
func (m *oee) delta(prev, cur float64) float64 {
	if cur >= prev {
		return cur - prev
	}
	if m.counterMax > 0 && prev >= (1-oeeWrapBand)*m.counterMax && cur < oeeWrapBand*m.counterMax {
		return cur + m.counterMax - prev
	}
	return cur // restarted from zero
}

func (m *oee) Eval(now time.Time, in []Input) ([]float64, error) {
	run, err := mechValue(in, 0, "running")
	if err != nil {
		return nil, fmt.Errorf("oee: %w", err)
	}
	count, err := mechValue(in, 1, "count")
	if err != nil {
		return nil, fmt.Errorf("oee: %w", err)
	}
	rejects, _, err := mechOptional(in, 2, "rejects")
	if err != nil {
		return nil, fmt.Errorf("oee: %w", err)
	}
	t := mechSampleTime(now, in)
	switch {
	case !m.started:
		// The first sample: the shift is observed from here on.
		m.begin, m.started = m.shiftOf(t), true
	case t.Before(m.last):
		// The clock went back: nothing to add; start again from here.
	default:
		if b := m.shiftOf(t); !b.Equal(m.begin) {
			m.begin = b
			m.planned, m.run, m.parts, m.rejected = 0, 0, 0, 0
			m.last = oeeLater(m.last, b)
		}
		dt := t.Sub(m.last)
		m.planned += dt
		if m.running {
			m.run += dt
		}
		m.parts += m.delta(m.count, count)
		m.rejected += m.delta(m.rejects, rejects)
	}
	m.last, m.running, m.count, m.rejects = t, run > 0.5, count, rejects
	return m.outputs(), nil
}

func oeeLater(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func (m *oee) outputs() []float64 {
	ratio := func(a, b float64) float64 {
		if b <= 0 {
			return 0 // nothing planned, run or made yet
		}
		return a / b
	}
	planned, run := m.planned.Hours(), m.run.Hours()
	a := ratio(run, planned)
	p := ratio(m.parts, run*m.idealRate)
	q := ratio(m.parts-m.rejected, m.parts)
	return []float64{a, p, q, a * p * q,
		(m.planned - m.run).Seconds(), run*m.idealRate - m.parts, m.rejected}
}
