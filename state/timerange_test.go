package state

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

// parseTime is the timeOf of the test log: each record is a time in RFC 3339.
func parseTime(seq uint64, rec []byte) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, string(rec))
	if err != nil {
		return t, fmt.Errorf("record %d: %w", seq, err)
	}
	return t, nil
}

func TestTimeRange(t *testing.T) {
	st, _ := openTemp(t)
	if lo, hi, err := TimeRange(st, "log", time.Time{}, time.Time{}, time.Minute, parseTime); lo != 0 || hi != 0 || err != nil {
		t.Fatalf("empty log: [%d, %d), %v; want [0, 0)", lo, hi, err)
	}

	t0 := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	// Roughly in time order: record 5 is 30s older than record 4, within
	// a skew of a minute.
	times := []time.Time{
		t0,                       // 1
		t0.Add(time.Minute),      // 2
		t0.Add(2 * time.Minute),  // 3
		t0.Add(2 * time.Minute),  // 4
		t0.Add(90 * time.Second), // 5
		t0.Add(4 * time.Minute),  // 6
	}
	var b Batch
	for _, tm := range times {
		b.Appends = append(b.Appends, Entry{"log", []byte(tm.Format(time.RFC3339))})
	}
	if _, err := st.Apply(b); err != nil {
		t.Fatal(err)
	}

	for _, c := range []struct {
		name     string
		from, to time.Time
		skew     time.Duration
		lo, hi   uint64
	}{
		{"open", time.Time{}, time.Time{}, time.Minute, 1, 7},
		{"from, at or after from−skew", t0.Add(2 * time.Minute), time.Time{}, time.Minute, 2, 7},
		{"to, strictly after to+skew", time.Time{}, t0.Add(2 * time.Minute), time.Minute, 1, 6},
		{"both", t0.Add(2 * time.Minute), t0.Add(2 * time.Minute), time.Minute, 2, 6},
		{"from, no skew", t0.Add(2 * time.Minute), time.Time{}, 0, 3, 7},
		{"to, no skew", time.Time{}, t0.Add(2 * time.Minute), 0, 1, 6},
		{"from after all", t0.Add(10 * time.Minute), time.Time{}, time.Minute, 7, 7},
		{"to before all", time.Time{}, t0.Add(-10 * time.Minute), time.Minute, 1, 1},
	} {
		lo, hi, err := TimeRange(st, "log", c.from, c.to, c.skew, parseTime)
		if err != nil || lo != c.lo || hi != c.hi {
			t.Errorf("%s: [%d, %d), %v; want [%d, %d)", c.name, lo, hi, err, c.lo, c.hi)
		}
		// Every record of [from, to) is in the range.
		for i, tm := range times {
			seq := uint64(i + 1)
			if (c.from.IsZero() || !tm.Before(c.from)) && (c.to.IsZero() || tm.Before(c.to)) && (seq < lo || seq >= hi) {
				t.Errorf("%s: record %d (%v) outside [%d, %d)", c.name, seq, tm, lo, hi)
			}
		}
	}

	// A record whose time cannot be read is an error, as timeOf gives it.
	errBad := errors.New("bad record")
	_, _, err := TimeRange(st, "log", t0, time.Time{}, time.Minute, func(uint64, []byte) (time.Time, error) {
		return time.Time{}, errBad
	})
	if !errors.Is(err, errBad) {
		t.Errorf("unreadable time: %v, want errBad", err)
	}
}
