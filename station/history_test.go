package station

import (
	"context"
	"errors"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/sightglass/sightglass/historian"
)

// TestHistoryRecordsTheBus runs the demo plant with history on, stops the
// station, reopens the historian from its files and finds what the bus
// carried: the level's changes, good, then bad (stopped) at the end.
func TestHistoryRecordsTheBus(t *testing.T) {
	defer goleak.VerifyNone(t)
	dir := t.TempDir()
	st, err := OpenDemo(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.EnableHistory(dir); err != nil {
		t.Fatal(err)
	}
	if err := st.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	// The pump runs from the start, so Tank1's level rises every poll.
	waitFor(t, st, 10*time.Second, "three level changes", func() bool {
		id, _ := st.History().Lookup("Plant.Tank1.Level")
		got, err := st.History().Raw(context.Background(), id, 0, time.Now().Add(time.Minute).UnixMilli(), 0)
		return err == nil && len(got) >= 3
	})
	st.Stop()

	db, err := historian.Open(historian.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	id, ok := db.Lookup("Plant.Tank1.Level")
	if !ok {
		t.Fatal("level not in the catalog after reopening")
	}
	got, err := db.Raw(t.Context(), id, 0, time.Now().Add(time.Minute).UnixMilli(), 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) < 4 {
		t.Fatalf("%d samples after reopening, want at least 3 good and the stop", len(got))
	}
	for i, s := range got[:len(got)-1] {
		if !s.Q.IsGood() || s.V.Float() <= 0 {
			t.Errorf("sample %d: %v %v", i, s.V, s.Q)
		}
		if i > 0 && s.T <= got[i-1].T {
			t.Errorf("sample %d at %d not after %d", i, s.T, got[i-1].T)
		}
	}
	if last := got[len(got)-1]; last.Q.IsGood() {
		t.Errorf("last sample %v %v: want bad (stopped)", last.V, last.Q)
	}
}

func TestDecimateAndRawHistory(t *testing.T) {
	defer goleak.VerifyNone(t)
	st, err := OpenDemo(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Stop()
	if _, err := st.Decimate(t.Context(), "Plant.Tank1.Level", time.Now().Add(-time.Hour), time.Now(), 100); err != ErrNoHistory {
		t.Errorf("Decimate without history: %v, want ErrNoHistory", err)
	}
	if err := st.EnableHistory(t.TempDir()); err != nil {
		t.Fatal(err)
	}
	if err := st.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	from := time.Now().Add(-time.Second)
	var raw []historian.Sample
	waitFor(t, st, 10*time.Second, "two level samples", func() bool {
		raw, err = st.RawHistory(context.Background(), "Plant.Tank1.Level", from, time.Now().Add(time.Second), 0)
		return err == nil && len(raw) >= 2
	})
	to := time.Now().Add(time.Second)
	cols, err := st.Decimate(t.Context(), "Plant.Tank1.Level", from, to, 10)
	if err != nil || len(cols) != 10 {
		t.Fatalf("Decimate: %d columns, %v", len(cols), err)
	}
	n := 0
	for _, c := range cols {
		n += c.N
	}
	if n < len(raw) {
		t.Errorf("columns hold %d samples, raw has %d", n, len(raw))
	}
	if _, err := st.Decimate(t.Context(), "No.Such", from, to, 10); !errors.Is(err, ErrNoHistory) {
		t.Errorf("unknown tag: %v", err)
	}
}
