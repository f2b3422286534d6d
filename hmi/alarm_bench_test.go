package hmi

import (
	"fmt"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"

	"github.com/sightglass/sightglass/alarms"
	"github.com/sightglass/sightglass/tags"
)

// floodAlarms is the alarm flood: 10,000 alarms becoming active
// within one second.
const (
	floodAlarms  = 10000
	floodBatches = 10 // published every floodSpacing: the whole flood in one second
	floodSpacing = 100 * time.Millisecond
)

// BenchmarkAlarmFloodUIRefresh measures the "max UI frame gap" of the
// issue: while 10,000 alarms go active within one second through a real
// engine, bus and state file, the window's ticker refreshes the banner and
// the shown summary at its rate (5 Hz) and every refresh is timed. It
// reports the longest and the mean refresh in ms, and how long after the
// flood's start the summary showed all 10,000 alarms.
func BenchmarkAlarmFloodUIRefresh(b *testing.B) {
	test.NewTempApp(b).Settings().SetTheme(NewTheme())
	defs := make([]tags.Def, floodAlarms)
	cfg := alarms.Config{Alarms: make([]alarms.Def, floodAlarms)}
	for i := range defs {
		name := fmt.Sprintf("Plant.Area%02d.T%05d.Level", i%20, i)
		defs[i] = tags.Def{Name: name, Type: tags.TypeFloat32, Units: "m"}
		cfg.Alarms[i] = alarms.Def{Tag: name, Kind: alarms.Hi, Limit: 50, Priority: alarms.Priority(i % alarms.NumPriorities),
			AckRequired: true, Message: "level high", Area: fmt.Sprintf("Plant.Area%02d", i%20)}
	}
	var worst, total time.Duration
	var frames, runs int
	var showAll time.Duration
	for b.Loop() {
		st := newAlarmStation(b, cfg, defs)
		a := newAlarmView(st.eng, st, st.AlarmHistory, nil, &uiLoop{})
		syncRun(a)
		w := test.NewWindow(container.NewBorder(a.banner, nil, nil, nil, a.Content()))
		w.Resize(fyne.NewSize(1400, 900))
		a.refresh(time.Now())

		start := time.Now()
		done := make(chan struct{})
		go func() { // the flood: floodBatches batches floodSpacing apart
			defer close(done)
			t := time.NewTicker(floodSpacing)
			defer t.Stop()
			per := floodAlarms / floodBatches
			for k := range floodBatches {
				batch := make([]tags.Update, per)
				now := time.Now()
				for j := range batch {
					batch[j] = tags.Update{ID: tags.ID(k*per + j), VQT: tags.VQT{Value: tags.Float32(60), Quality: tags.GoodQuality, Time: now}}
				}
				st.bus.Publish(batch)
				if k < floodBatches-1 {
					<-t.C
				}
			}
		}()
		tick := time.NewTicker(refreshInterval)
		for {
			<-tick.C
			t0 := time.Now()
			a.refresh(t0)
			d := time.Since(t0)
			worst = max(worst, d)
			total += d
			frames++
			if len(a.summary.rows) == floodAlarms {
				showAll += time.Since(start)
				break
			}
			if time.Since(start) > time.Minute {
				b.Fatalf("after a minute the summary shows %d alarms", len(a.summary.rows))
			}
		}
		tick.Stop()
		<-done
		runs++
		w.Close()
	}
	b.ReportMetric(float64(worst.Microseconds())/1000, "max-ms/refresh")
	b.ReportMetric(float64(total.Microseconds())/1000/float64(frames), "mean-ms/refresh")
	b.ReportMetric(float64(showAll.Milliseconds())/float64(runs), "ms-to-show-all")
}

// BenchmarkAlarmSummaryRefresh is one refresh of the banner and the summary
// with 10,000 standing alarms after the engine's version moved: the
// cost a flood's every frame pays (load, count, filter, sort, draw the
// visible rows).
func BenchmarkAlarmSummaryRefresh(b *testing.B) {
	test.NewTempApp(b).Settings().SetTheme(NewTheme())
	list := make([]alarms.Status, floodAlarms)
	t0 := time.Now()
	for i := range list {
		list[i] = alarms.Status{ID: fmt.Sprintf("Plant.T%05d.Level/hi", i), Tag: fmt.Sprintf("Plant.T%05d.Level", i),
			Priority: alarms.Priority(i % alarms.NumPriorities), Area: fmt.Sprintf("Plant.Area%02d", i%20),
			Message: "level high", State: alarms.Unacked, Value: "60 m", ActiveAt: t0.Add(time.Duration(i) * time.Millisecond)}
	}
	eng := &listEngine{list: list}
	a := newAlarmView(eng, nil, nil, nil, &uiLoop{})
	w := test.NewTempWindow(b, container.NewBorder(a.banner, nil, nil, nil, a.Content()))
	w.Resize(fyne.NewSize(1400, 900))
	for b.Loop() {
		eng.version++
		a.refresh(t0)
	}
}

// listEngine is an engine that only answers a list: for the cost of the
// view alone.
type listEngine struct {
	list    []alarms.Status
	version uint64
}

func (e *listEngine) Active() []alarms.Status { return append([]alarms.Status(nil), e.list...) }
func (e *listEngine) Version() uint64         { return e.version }
func (e *listEngine) Get(id string) (alarms.Status, bool) {
	for _, s := range e.list {
		if s.ID == id {
			return s, true
		}
	}
	return alarms.Status{}, false
}
