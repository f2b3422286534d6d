package hmi

import (
	"strconv"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/sightglass/sightglass/drivers"
	"github.com/sightglass/sightglass/tags"
)

const benchTags = 10_000

// newBenchWindow opens a window on a station of benchTags float tags, 1 in
// 10 of them bad, and draws it once.
func newBenchWindow(b *testing.B) (*MainWindow, *testStation, []tags.Update) {
	test.NewTempApp(b).Settings().SetTheme(NewTheme())
	defs := make([]tags.Def, benchTags)
	for i := range defs {
		defs[i] = tags.Def{
			Name:        "Area" + strconv.Itoa(i/1000) + ".Unit" + strconv.Itoa(i/10) + ".Tag" + strconv.Itoa(i),
			Type:        tags.TypeFloat64,
			Units:       "m",
			Description: "benchmark tag " + strconv.Itoa(i),
		}
	}
	st := newTestStation(defs)
	for i := range 8 {
		st.devs = append(st.devs, drivers.Stats{Name: "plc" + strconv.Itoa(i), State: drivers.StateConnected})
	}
	win := test.NewTempWindow(b, widget.NewLabel(""))
	m := NewWindow(win, st)
	win.Resize(fyne.NewSize(1920, 1080))
	now := time.Now()
	m.now = func() time.Time { return now }
	batch := make([]tags.Update, benchTags)
	for i := range batch {
		batch[i].ID = tags.ID(i)
	}
	return m, st, batch
}

// publishAll changes every tag's value.
func publishAll(st *testStation, batch []tags.Update, n int) {
	for i := range batch {
		q := tags.GoodQuality
		if i%10 == 0 {
			q = tags.BadQuality(tags.ReasonTimeout, 0)
		}
		batch[i].VQT = tags.VQT{Value: tags.Float(float64(n*benchTags + i)), Quality: q, Time: time.Unix(int64(n), 0)}
	}
	st.bus.Publish(batch)
}

// BenchmarkRefresh10k is one UI tick with all 10,000 tags changed since the
// last: snapshot, quality count, redraw of the visible rows. Publishing is
// not timed.
func BenchmarkRefresh10k(b *testing.B) {
	m, st, batch := newBenchWindow(b)
	b.ReportAllocs()
	b.ResetTimer()
	for n := range b.N {
		b.StopTimer()
		publishAll(st, batch, n)
		b.StartTimer()
		m.refresh()
	}
	b.StopTimer()
	if m.version != st.bus.Version() {
		b.Fatal("refresh did not take the last snapshot")
	}
}

// BenchmarkRefreshIdle10k is a tick when nothing changed: the usual case
// between a slow plant's polls.
func BenchmarkRefreshIdle10k(b *testing.B) {
	m, st, batch := newBenchWindow(b)
	publishAll(st, batch, 1)
	m.refresh()
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		m.refresh()
	}
}

// BenchmarkFilter10k is one keystroke in the filter entry.
func BenchmarkFilter10k(b *testing.B) {
	m, _, _ := newBenchWindow(b)
	filters := [...]string{"unit12", "area3", "tag999", ""}
	b.ReportAllocs()
	b.ResetTimer()
	for n := range b.N {
		m.tags.entry.SetText(filters[n%len(filters)])
	}
}
