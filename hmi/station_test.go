package hmi

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/sightglass/sightglass/auth"
	"github.com/sightglass/sightglass/drivers"
	"github.com/sightglass/sightglass/station"
	"github.com/sightglass/sightglass/tags"
)

// The test station's tags.
var testDefs = []tags.Def{
	{Name: "Area1.Tank1.Level", Device: "plc1", Type: tags.TypeFloat32, Units: "m", Description: "Tank 1 level"},
	{Name: "Area1.Tank2.Level", Device: "plc1", Type: tags.TypeFloat32, Units: "m", Description: "Tank 2 level"},
	{Name: "Area1.Pump1.Speed", Device: "plc1", Type: tags.TypeFloat32, Units: "rpm", Description: "Feed pump", Writable: true},
	{Name: "Area1.Pump1.Running", Device: "plc1", Type: tags.TypeBool, Description: "Feed pump running"},
	{Name: "Area2.Valve3.Position", Device: "plc2", Type: tags.TypeInt16, Units: "%", Description: "Outlet valve", Writable: true},
}

// errWriteFails is what the test station answers for a write to failTag.
var errWriteFails = errors.New("plc2: device exception 2 (illegal data address)")

const failTag = "Area2.Valve3.Position"

// slowTag is a write that lasts until it is cancelled.
const slowTag = "Slow"

// testStation is a Station around a real bus.
type testStation struct {
	bus  *tags.Bus
	devs []drivers.Stats

	users *auth.Manager // nil: no users (the window shows no user bar)

	mu     sync.Mutex // guards writes
	writes []string   // "tag=value", in call order

	devicesCalled chan struct{} // cap 1: signalled on every Devices call
}

func newTestStation(defs []tags.Def) *testStation {
	return &testStation{
		bus:           tags.NewBus(tags.NewTable(defs)),
		devicesCalled: make(chan struct{}, 1),
	}
}

func (s *testStation) Name() string   { return "Test station" }
func (s *testStation) Bus() *tags.Bus { return s.bus }

func (s *testStation) Devices() []drivers.Stats {
	select {
	case s.devicesCalled <- struct{}{}:
	default:
	}
	return s.devs
}

// Write parses value as a number and publishes it, as the station's write
// path does after the device accepted it. A write to failTag fails; a write
// to slowTag waits for ctx.
func (s *testStation) Users() *auth.Manager { return s.users }

func (s *testStation) Write(ctx context.Context, _ station.Actor, tag, value string) (old, nw tags.VQT, err error) {
	s.mu.Lock()
	s.writes = append(s.writes, tag+"="+value)
	s.mu.Unlock()
	if tag == slowTag {
		<-ctx.Done()
		return old, old, ctx.Err()
	}
	id, ok := s.bus.Table().Lookup(tag)
	if !ok {
		return old, nw, fmt.Errorf("no tag %q", tag)
	}
	old = s.bus.Get(id)
	if tag == failTag {
		return old, old, errWriteFails
	}
	f, err := strconv.ParseFloat(value, 64)
	if err != nil {
		return old, old, fmt.Errorf("%s: %w", tag, err)
	}
	nw = tags.VQT{Value: tags.Float(f), Quality: tags.GoodQuality, Time: old.Time.Add(time.Second)}
	s.bus.Publish([]tags.Update{{ID: id, VQT: nw}})
	return old, nw, nil
}

func (s *testStation) writeCalls() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.writes)
}

// publish sets tag name to v with quality q at time at.
func (s *testStation) publish(t *testing.T, name string, v tags.Value, q tags.Quality, at time.Time) {
	t.Helper()
	id, ok := s.bus.Table().Lookup(name)
	if !ok {
		t.Fatalf("no tag %q", name)
	}
	s.bus.Publish([]tags.Update{{ID: id, VQT: tags.VQT{Value: v, Quality: q, Time: at}}})
}

// t0 is the tests' "now": the window's clock is pinned to it.
var t0 = time.Date(2026, 3, 1, 10, 0, 0, 0, time.Local)

// newTestWindow opens a station window on a test app, with its clock
// pinned to t0 and the plant in a known state.
func newTestWindow(t *testing.T) (*MainWindow, *testStation) {
	t.Helper()
	test.NewTempApp(t).Settings().SetTheme(NewTheme())
	st := newTestStation(testDefs)
	st.devs = []drivers.Stats{
		{Name: "plc1", Driver: "modbus-tcp", Address: "10.0.0.1:502", State: drivers.StateConnected,
			Requests: 1200, Errors: 0, ResponseTime: 12 * time.Millisecond},
		{Name: "plc2", Driver: "modbus-tcp", Address: "10.0.0.2:502", State: drivers.StateBackoff,
			Requests: 40, Errors: 7, Reconnects: 3, LastError: "dial tcp 10.0.0.2:502: connection refused",
			LastErrorTime: t0.Add(-2 * time.Minute), NextRetry: t0.Add(3 * time.Second)},
	}
	good := tags.GoodQuality
	at := t0.Add(-400 * time.Millisecond)
	st.publish(t, "Area1.Tank1.Level", tags.Float(12.3456789), good, at)
	st.publish(t, "Area1.Tank2.Level", tags.Float(3), good, t0.Add(-12*time.Second))
	st.publish(t, "Area1.Pump1.Speed", tags.Float(40), good, t0.Add(-3*time.Minute))
	st.publish(t, "Area1.Pump1.Running", tags.Bool(true), good, at)
	st.publish(t, "Area2.Valve3.Position", tags.Int(0), tags.BadQuality(tags.ReasonDeviceException, 2), at)

	win := test.NewTempWindow(t, widget.NewLabel(""))
	m := NewWindow(win, st)
	win.Resize(fyne.NewSize(1400, 900))
	m.now = func() time.Time { return t0 }
	return m, st
}

// cellRows returns the text of the cells drawn under o, row by row from
// the top, each row from the left: what a person sees in a table.
func cellRows(o fyne.CanvasObject) [][]string {
	type pos struct {
		at   fyne.Position
		text string
	}
	var cells []pos
	d := fyne.CurrentApp().Driver()
	for _, c := range drawnCells(o) {
		cells = append(cells, pos{d.AbsolutePositionForObject(c), c.text})
	}
	slices.SortFunc(cells, func(a, b pos) int {
		return cmp.Or(cmp.Compare(a.at.Y, b.at.Y), cmp.Compare(a.at.X, b.at.X))
	})
	var rows [][]string
	for i, c := range cells {
		if i == 0 || c.at.Y != cells[i-1].at.Y {
			rows = append(rows, nil)
		}
		rows[len(rows)-1] = append(rows[len(rows)-1], c.text)
	}
	return rows
}

// findCell returns the cell under o that shows text.
func findCell(t *testing.T, o fyne.CanvasObject, text string) *cell {
	t.Helper()
	for _, c := range drawnCells(o) {
		if c.text == text {
			return c
		}
	}
	t.Fatalf("no cell shows %q; rows: %q", text, cellRows(o))
	return nil
}

// drawnCells returns the visible cells under o, as its renderers hold them
// (test.LaidOutObjects would make new renderers, with no rows in them).
func drawnCells(o fyne.CanvasObject) []*cell {
	var cells []*cell
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if !o.Visible() {
			return
		}
		switch o := o.(type) {
		case *cell:
			cells = append(cells, o)
		case fyne.Widget:
			for _, child := range test.WidgetRenderer(o).Objects() {
				walk(child)
			}
		case *fyne.Container:
			for _, child := range o.Objects {
				walk(child)
			}
		}
	}
	walk(o)
	return cells
}
