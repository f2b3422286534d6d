package models

import (
	"math"
	"testing"
	"time"
)

// oeeAt is a local wall-clock time on 15 January 2026 (no DST change near
// it in any zone), day 0, so the test holds in the station's zone.
func oeeAt(day, h, min, s int) time.Time {
	return time.Date(2026, 1, 15+day, h, min, s, 0, time.Local)
}

func oeeEval(t *testing.T, m Instance, ts time.Time, running bool, count, rejects float64) []float64 {
	t.Helper()
	out, err := m.Eval(ts, []Input{mechGood(mechBool(running), ts), mechGood(count, ts), mechGood(rejects, ts)})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestOEEKnownShift(t *testing.T) {
	// The 06:00–14:00 shift: running 06–10 and 11–14 (7 h), down 10–11;
	// 900 parts at an ideal 150/h, 45 rejected.
	// A = 7/8 = 0.875; P = 900/(7·150) = 0.857142…; Q = 855/900 = 0.95;
	// OEE = 0.7125 (= 855 good / (8 h·150)). Losses: 3600 s down,
	// 1050 − 900 = 150 parts of speed, 45 rejects.
	m := mechNew(t, "oee", Params{"ideal_rate": 150})
	oeeEval(t, m, oeeAt(0, 6, 0, 0), true, 0, 0)
	// Half-hourly samples; a sample's run state holds until the next one.
	// The counters advance at an even pace (rounded: they count whole parts)
	// over the 14 running half hours.
	ran := 0
	var out []float64
	for half := 1; half <= 16; half++ {
		h, mi := 6+half/2, 30*(half%2)
		if half <= 8 || half > 10 { // the half hours ending 06:30…10:00, 11:30…14:00 ran
			ran++
		}
		count, rejects := math.Round(900*float64(ran)/14), math.Round(45*float64(ran)/14)
		out = oeeEval(t, m, oeeAt(0, h, mi, 0), h != 10, count, rejects) // stopped at 10:00 and 10:30
	}
	mechNear(t, "availability", out[0], 0.875, 1e-12)
	mechNear(t, "performance", out[1], 900.0/1050, 1e-12)
	mechNear(t, "quality", out[2], 0.95, 1e-12)
	mechNear(t, "oee", out[3], 0.7125, 1e-12)
	mechNear(t, "downtime_s", out[4], 3600, 1e-9)
	mechNear(t, "speed_loss_parts", out[5], 150, 1e-9)
	mechNear(t, "reject_parts", out[6], 45, 1e-9)

	// 14:02: a new shift of 120 s, running, 4 parts (ideal 5): A 1, P 0.8,
	// Q 1, nothing down, 1 part of speed loss, no rejects.
	out = oeeEval(t, m, oeeAt(0, 14, 2, 0), true, 904, 45)
	want := []float64{1, 0.8, 1, 0.8, 0, 1, 0}
	for i, w := range want {
		mechNear(t, "after the boundary "+[]string{"A", "P", "Q", "OEE", "down", "speed", "rejects"}[i], out[i], w, 1e-9)
	}

	// 14:04: the counters restarted (PLC power cycle) and read 3 and 0: 3 new
	// parts, 7 in 240 s against an ideal 10: P 0.7.
	out = oeeEval(t, m, oeeAt(0, 14, 4, 0), true, 3, 0)
	mechNear(t, "performance after a counter restart", out[1], 0.7, 1e-9)
	mechNear(t, "reject_parts after a counter restart", out[6], 0, 1e-9)
}

func TestOEEShiftsAcrossMidnight(t *testing.T) {
	// 8 h shifts from 06:00 are 06–14, 14–22, 22–06. Started at 21:00: the
	// 14–22 shift is observed from 21:00 only.
	m := mechNew(t, "oee", Params{"ideal_rate": 60})
	oeeEval(t, m, oeeAt(0, 21, 0, 0), false, 0, 0)
	out := oeeEval(t, m, oeeAt(0, 21, 30, 0), true, 0, 0)
	mechNear(t, "availability 21:00–21:30 stopped", out[0], 0, 1e-12)
	mechNear(t, "downtime_s", out[4], 1800, 1e-9)
	// 22:00 closes it: 30 min stopped, 30 min running making 30 parts: A 0.5,
	// P 1, Q 1.
	out = oeeEval(t, m, oeeAt(0, 22, 0, 0), true, 30, 0)
	mechNear(t, "availability at 22:00", out[0], 0.5, 1e-12)
	mechNear(t, "performance at 22:00", out[1], 1, 1e-12)
	// 02:00 the next day is still the 22–06 shift: 4 h running, 120 of 240
	// parts (P 0.5), 12 rejected.
	out = oeeEval(t, m, oeeAt(1, 2, 0, 0), true, 150, 12)
	mechNear(t, "availability at 02:00", out[0], 1, 1e-12)
	mechNear(t, "performance at 02:00", out[1], 0.5, 1e-12)
	mechNear(t, "quality at 02:00", out[2], 0.9, 1e-12)
	mechNear(t, "speed_loss_parts", out[5], 120, 1e-9)
	// 06:00:30: the 22–06 shift's last 4 h counted to it; the new shift has
	// 30 s running and the 2 parts seen now.
	out = oeeEval(t, m, oeeAt(1, 6, 0, 30), true, 152, 12)
	mechNear(t, "performance at 06:00:30 (2 parts, ideal 0.5)", out[1], 4, 1e-9)
	mechNear(t, "reject_parts in the new shift", out[6], 0, 1e-12)
}

func TestOEECounterWrap(t *testing.T) {
	// A 16-bit counter: 65530 → 4 wrapped, 10 parts; without counter_max
	// the same decrease is a restart, 4 parts.
	for _, c := range []struct {
		max, want float64
	}{{65536, 10}, {0, 4}} {
		m := mechNew(t, "oee", Params{"ideal_rate": 3600, "counter_max": c.max})
		oeeEval(t, m, oeeAt(0, 7, 0, 0), true, 65530, 0)
		out := oeeEval(t, m, oeeAt(0, 7, 0, 10), true, 4, 0)
		mechNear(t, "parts (performance · 10)", out[1]*10, c.want, 1e-9)
	}
}

func TestOEEConfig(t *testing.T) {
	k, _ := Lookup("oee")
	if _, err := k.New(Params{"ideal_rate": 100, "shift_hours": 7, "shift_start": 6}); err == nil {
		t.Error("7 h shifts accepted: they do not divide a day")
	}
	m := mechNew(t, "oee", Params{"ideal_rate": 100})
	if _, err := m.Eval(mechT0, []Input{{T: mechT0, Bound: true}, mechGood(1, mechT0), {}}); err == nil {
		t.Error("a bad running input gave no error")
	}
}
