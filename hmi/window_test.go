package hmi

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"go.uber.org/goleak"

	"github.com/sightglass/sightglass/drivers"
	"github.com/sightglass/sightglass/station"
	"github.com/sightglass/sightglass/tags"
)

func TestTableShowsPublishedValues(t *testing.T) {
	m, st := newTestWindow(t)
	m.refresh()

	want := [][]string{
		{"Tag", "Value", "Units", "Quality", "Age"},
		{"Area1.Tank1.Level", "12.3457", "m", "good", "0.4 s"},
		{"Area1.Tank2.Level", "3.0000", "m", "good", "12 s"},
		{"Area1.Pump1.Speed", "40.0000", "rpm", "good", "3 min"},
		{"Area1.Pump1.Running", "true", "", "good", "0.4 s"},
		{"Area2.Valve3.Position", "0", "%", "bad: device exception[2]", "0.4 s"},
	}
	if got := cellRows(m.tags.content); !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("table rows:\n got %q\nwant %q", got, want)
	}
	if got := findCell(t, m.tags.content, "12.3457").align; got != fyne.TextAlignTrailing {
		t.Errorf("number alignment = %v, want trailing", got)
	}
	if got, want := m.tagSum.Text, "tags 4/5 good"; got != want {
		t.Errorf("tag summary = %q, want %q", got, want)
	}
	if got, want := m.devSum.Text, "devices 1/2 connected"; got != want {
		t.Errorf("device summary = %q, want %q", got, want)
	}
	if m.devSum.Importance != widget.DangerImportance {
		t.Errorf("device summary with a device lost is not flagged")
	}
	if got, want := m.clock.Text, "10:00"; got != want {
		t.Errorf("clock = %q, want %q", got, want)
	}

	// A new value shows after the next tick, with no redraw in between.
	st.publish(t, "Area1.Tank1.Level", tags.Float(13), tags.GoodQuality, t0)
	if findCell(t, m.tags.content, "12.3457") == nil {
		t.Fatal("value changed before a tick")
	}
	m.refresh()
	findCell(t, m.tags.content, "13.0000")
}

func TestBadQualityFlagged(t *testing.T) {
	m, _ := newTestWindow(t)
	m.refresh()

	q := findCell(t, m.tags.content, "bad: device exception[2]")
	if q.imp != widget.DangerImportance || !q.tinted {
		t.Errorf("bad quality cell: importance %v tinted %v, want danger and tinted", q.imp, q.tinted)
	}
	if name := findCell(t, m.tags.content, "Area2.Valve3.Position"); !name.tinted {
		t.Error("the bad tag's row is not tinted")
	}
	if good := findCell(t, m.tags.content, "Area1.Tank1.Level"); good.tinted || good.imp != widget.MediumImportance {
		t.Error("a good tag is coloured")
	}
}

func TestAgeRefreshesWithoutChanges(t *testing.T) {
	m, st := newTestWindow(t)
	m.refresh()
	v := st.bus.Version()

	m.now = func() time.Time { return t0.Add(500 * time.Millisecond) } // within the second: no redraw
	m.refresh()
	findCell(t, m.tags.content, "12 s")
	m.now = func() time.Time { return t0.Add(2 * time.Second) }
	m.refresh()
	findCell(t, m.tags.content, "14 s")
	if st.bus.Version() != v {
		t.Fatal("test changed the bus")
	}
	if got, want := m.clock.Text, "10:00"; got != want {
		t.Errorf("clock = %q, want %q", got, want)
	}
}

func TestFilter(t *testing.T) {
	m, _ := newTestWindow(t)
	m.refresh()
	if got, want := m.tags.count.Text, "5 of 5 tags"; got != want {
		t.Errorf("count = %q, want %q", got, want)
	}
	for _, tc := range []struct {
		filter string
		names  []string
	}{
		{"TANK", []string{"Area1.Tank1.Level", "Area1.Tank2.Level"}},
		{"pump1.", []string{"Area1.Pump1.Speed", "Area1.Pump1.Running"}},
		{"outlet", []string{"Area2.Valve3.Position"}}, // the description
		{"nothing like it", nil},
		{"", []string{"Area1.Tank1.Level", "Area1.Tank2.Level", "Area1.Pump1.Speed", "Area1.Pump1.Running", "Area2.Valve3.Position"}},
	} {
		m.tags.entry.SetText(tc.filter)
		rows := cellRows(m.tags.content)
		var names []string
		for _, r := range rows[1:] { // after the header
			names = append(names, r[0])
		}
		if !slices.Equal(names, tc.names) {
			t.Errorf("filter %q shows %q, want %q", tc.filter, names, tc.names)
		}
		if got, want := m.tags.count.Text, strconv.Itoa(len(tc.names))+" of 5 tags"; got != want {
			t.Errorf("filter %q: count %q, want %q", tc.filter, got, want)
		}
	}
}

func TestDevicesPanel(t *testing.T) {
	m, st := newTestWindow(t)
	m.refresh()
	want := [][]string{
		devHeaders[:],
		{"plc1", "connected", "modbus-tcp", "10.0.0.1:502", "1200", "0", "0", "12 ms", ""},
		{"plc2", "backoff, retry in 3 s", "modbus-tcp", "10.0.0.2:502", "40", "7", "3", "", "dial tcp 10.0.0.2:502: connection refused (at 09:58:00)"},
	}
	if got := cellRows(m.devices.table); !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("devices:\n got %q\nwant %q", got, want)
	}
	if c := findCell(t, m.devices.table, "connected"); c.imp != widget.MediumImportance {
		t.Error("a connected device is coloured")
	}
	if c := findCell(t, m.devices.table, "backoff, retry in 3 s"); c.imp != widget.DangerImportance {
		t.Error("a device in backoff is not flagged")
	}

	st.devs = slices.Clone(st.devs)
	st.devs[1].State = drivers.StateConnected
	m.refresh()
	findCell(t, m.devices.table, "40") // still there
	if got, want := m.devSum.Text, "devices 2/2 connected"; got != want {
		t.Errorf("summary = %q, want %q", got, want)
	}
	if m.devSum.Importance != widget.MediumImportance {
		t.Error("summary still flagged with every device connected")
	}
}

// TestDevicesPanelMarkup keeps a master of the panel's rendering: two
// devices, one lost.
func TestDevicesPanelMarkup(t *testing.T) {
	test.NewTempApp(t).Settings().SetTheme(NewTheme())
	p := newDevicesPanel()
	p.show([]drivers.Stats{
		{Name: "plc1", Driver: "modbus-tcp", Address: "10.0.0.1:502", State: drivers.StateConnected, Requests: 1200, ResponseTime: 12 * time.Millisecond},
		{Name: "plc2", Driver: "modbus-tcp", Address: "10.0.0.2:502", State: drivers.StateBackoff, Requests: 40, Errors: 7, Reconnects: 3},
	}, t0, true)
	p.table.Resize(fyne.NewSize(840, 140))
	test.AssertObjectRendersToMarkup(t, "devices_panel.xml", p.table)
}

func TestWriteDialog(t *testing.T) {
	m, st := newTestWindow(t)
	m.refresh()

	m.tags.table.Select(widget.TableCellID{Row: 2, Col: 1}) // Area1.Pump1.Speed
	d := m.writeDlg
	if d == nil {
		t.Fatal("selecting a writable tag opened no dialog")
	}
	if got, want := d.entry.PlaceHolder, "40"; got != want {
		t.Errorf("placeholder = %q, want the current value %q", got, want)
	}
	d.form.Submit() // nothing typed: the form refuses
	if calls := st.writeCalls(); len(calls) != 0 {
		t.Fatalf("empty value written: %q", calls)
	}
	test.Type(d.entry, "55")
	d.form.Submit()
	m.wg.Wait() // the write's goroutine
	if got, want := st.writeCalls(), []string{"Area1.Pump1.Speed=55"}; !slices.Equal(got, want) {
		t.Errorf("writes = %q, want %q", got, want)
	}
	if got, want := m.status.Text, "Area1.Pump1.Speed: 40.0000 → 55.0000 rpm"; got != want {
		t.Errorf("status = %q, want %q", got, want)
	}
	if m.writeDlg != nil {
		t.Error("dialog still open after the write")
	}
	m.refresh()
	findCell(t, m.tags.content, "55.0000")
}

func TestWriteError(t *testing.T) {
	m, st := newTestWindow(t)
	m.refresh()

	m.tags.table.Select(widget.TableCellID{Row: 4, Col: 0}) // failTag
	if m.writeDlg == nil {
		t.Fatal("no dialog")
	}
	test.Type(m.writeDlg.entry, "75")
	m.writeDlg.entry.OnSubmitted(m.writeDlg.entry.Text) // Enter
	m.wg.Wait()
	if got, want := st.writeCalls(), []string{failTag + "=75"}; !slices.Equal(got, want) {
		t.Errorf("writes = %q, want %q", got, want)
	}
	if !strings.Contains(m.status.Text, errWriteFails.Error()) || m.status.Importance != widget.DangerImportance {
		t.Errorf("status = %q (importance %v), want the device's error in red", m.status.Text, m.status.Importance)
	}
}

func TestReadOnlyTag(t *testing.T) {
	m, st := newTestWindow(t)
	m.refresh()
	m.tags.table.Select(widget.TableCellID{Row: 0, Col: 0})
	if m.writeDlg != nil {
		t.Error("a dialog opened for a read-only tag")
	}
	if got, want := m.status.Text, "Area1.Tank1.Level is read-only"; got != want {
		t.Errorf("status = %q, want %q", got, want)
	}
	if calls := st.writeCalls(); len(calls) != 0 {
		t.Errorf("writes = %q", calls)
	}
}

func TestTickerRefreshes(t *testing.T) {
	m, st := newTestWindow(t)
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	st.publish(t, "Area1.Tank1.Level", tags.Float(99), tags.GoodQuality, t0)
	<-st.devicesCalled // from NewWindow's first draw
	m.Start()
	select {
	case <-st.devicesCalled:
	case <-time.After(10 * time.Second):
		t.Fatal("no tick")
	}
	m.Stop()
	findCell(t, m.tags.content, "99.0000")
}

func TestStopLeavesNoGoroutine(t *testing.T) {
	m, _ := newTestWindow(t)
	opt := goleak.IgnoreCurrent()
	m.Start()
	m.Start() // a second Start does nothing
	m.write(station.Actor{}, slowTag, "1")
	m.Stop()
	goleak.VerifyNone(t, opt)
	if !strings.Contains(m.status.Text, "context canceled") {
		t.Errorf("status after a cancelled write = %q", m.status.Text)
	}

	// A started window stops when it is closed.
	win := test.NewWindow(nil) // closed here, not by a cleanup
	m2 := NewWindow(win, newTestStation(testDefs))
	m2.Start()
	win.Close()
	goleak.VerifyNone(t, opt)
	m2.Stop() // and Stop after close is harmless
}
