package alarms

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/sightglass/sightglass/state"
)

// The benchmark journal: benchRecords records over benchDays days (one
// every 8.64 s, about 10,000 a day: a busy plant), times out of order by
// up to a minute, 500 alarms in 20 areas.
const (
	benchRecords = 1_000_000
	benchDays    = 100
	benchApply   = 10_000 // records per Apply, as a flood would journal them
)

var benchBase = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// benchRecord is record i of a synthetic journal of n records over days.
func benchRecord(rng *rand.Rand, i, n, days int) Record {
	step := time.Duration(days) * 24 * time.Hour / time.Duration(n)
	a := rng.IntN(500)
	area := fmt.Sprintf("Plant.U%02d", a%20)
	tag := fmt.Sprintf("%s.T%03d", area, a)
	r := Record{
		Time:     benchBase.Add(time.Duration(i)*step + time.Duration(rng.Int64N(int64(time.Minute)))),
		Alarm:    tag + "/hi",
		Tag:      tag,
		Area:     area,
		Priority: []Priority{Low, Low, Low, Low, Low, Low, Medium, Medium, High, Diagnostic}[rng.IntN(10)],
		Event:    []Event{EvActive, EvActive, EvClear, EvClear, EvAck, EvRealarm, EvShelve, EvUnshelve}[rng.IntN(8)],
		State:    Unacked,
		Value:    fmt.Sprintf("%.1f bar", 5+rng.Float64()),
		Limit:    5.5,
		Message:  tag + " pressure high",
	}
	if r.Event == EvAck || r.Event == EvShelve {
		r.User, r.Comment = "operator1", "checked on site"
	}
	return r
}

// bigJournal is built once per process: a real state.Local whose file is
// unlinked as soon as it is open (it lives until the process ends, so
// nothing is left in the temporary directory).
var bigJournal struct {
	once sync.Once
	st   *state.Local
	err  error
	took time.Duration
}

func openBigJournal(b *testing.B) *state.Local {
	b.Helper()
	bigJournal.once.Do(func() {
		start := time.Now()
		dir, err := os.MkdirTemp("", "sightglass-journal-bench")
		if err != nil {
			bigJournal.err = err
			return
		}
		defer os.RemoveAll(dir)
		st, err := state.OpenLocal(filepath.Join(dir, "state.db"))
		if err != nil {
			bigJournal.err = err
			return
		}
		rng := rand.New(rand.NewPCG(1, 2))
		for i := 0; i < benchRecords; i += benchApply {
			batch := state.Batch{Appends: make([]state.Entry, 0, benchApply)}
			for j := i; j < i+benchApply; j++ {
				r := benchRecord(rng, j, benchRecords, benchDays)
				batch.Appends = append(batch.Appends, state.Entry{Log: JournalLog, Rec: EncodeRecord(&r)})
			}
			if _, err := st.Apply(batch); err != nil {
				st.Close()
				bigJournal.err = err
				return
			}
		}
		bigJournal.st, bigJournal.took = st, time.Since(start)
	})
	if bigJournal.err != nil {
		b.Fatal(bigJournal.err)
	}
	return bigJournal.st
}

// BenchmarkSearch searches a 1,000,000-record journal in a real
// state.Local. ns/rec is the cost per record returned; a 1-day window is
// about 10,000 of them. "all-text" decodes the whole journal (no time
// range) for comparison.
func BenchmarkSearch(b *testing.B) {
	st := openBigJournal(b)
	b.Logf("journal of %d records built in %v", benchRecords, bigJournal.took.Round(time.Millisecond))
	day := benchBase.Add(50 * 24 * time.Hour)
	for _, bc := range []struct {
		name string
		q    Query
	}{
		{"day", Query{From: day, To: day.Add(24 * time.Hour)}},
		{"hour", Query{From: day, To: day.Add(time.Hour)}},
		{"day-area", Query{From: day, To: day.Add(24 * time.Hour), Area: "Plant.U07"}},
		{"day-tag-events", Query{From: day, To: day.Add(24 * time.Hour), Tag: "Plant.U07.T107", Events: []Event{EvActive, EvRealarm}}},
		{"newest-100", Query{Limit: 100}},
		{"newest-100-area", Query{Area: "Plant.U07", Limit: 100}},
		{"all-text", Query{Text: "t107 pressure"}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			n := 0
			for b.Loop() {
				recs, err := Search(st, bc.q)
				if err != nil {
					b.Fatal(err)
				}
				n = len(recs)
			}
			b.ReportMetric(float64(n), "recs/op")
			if n > 0 {
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/rec")
			}
		})
	}
}
