package hmi

import (
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/sightglass/sightglass/project"
	"github.com/sightglass/sightglass/tags"
)

// TestScreenMarkup keeps a master of a small screen in its frame: a value,
// an indicator, a state, a running pump, a bad value and a button.
func TestScreenMarkup(t *testing.T) {
	test.NewTempApp(t).Settings().SetTheme(NewTheme())
	st := newScrStation(scrDefs)
	good := tags.GoodQuality
	st.publish(t, "Area1.Tank1.Level", tags.Float32(5.25), good, scrT0)
	st.publish(t, "Area1.Tank1.Temp", tags.Float32(21), tags.BadQuality(tags.ReasonNoComm, 0), scrT0)
	st.publish(t, "Area1.Pump1.Running", tags.Bool(true), good, scrT0)
	st.publish(t, "Area1.Pump1.Fault", tags.Bool(false), good, scrT0)
	st.publish(t, "Area1.Pump1.Start", tags.Bool(false), good, scrT0)
	st.publish(t, "_System.Devices.plc1.Connected", tags.Bool(true), good, scrT0)
	st.publish(t, "_System.Devices.plc2.Connected", tags.Bool(true), good, scrT0)
	screens := []project.Screen{{Name: "small", Level: 1, Title: "Feed", Width: 400, Height: 240, Elements: []project.Element{
		{Kind: project.KindLabel, X: 10, Y: 10, W: 120, H: 24, Text: "Tank 1"},
		{Kind: project.KindValue, X: 10, Y: 40, W: 120, H: 24, Tag: "Area1.Tank1.Level"},
		{Kind: project.KindValue, X: 10, Y: 70, W: 120, H: 24, Tag: "Area1.Tank1.Temp"},
		{Kind: project.KindIndicator, X: 150, Y: 10, W: 60, H: 200, Tag: "Area1.Tank1.Level", Min: 0, Max: 10,
			NormalLo: 2, NormalHi: 8, HasNormal: true, AlarmLo: 1, AlarmHi: 9, HasAlarmLim: true, HasAlarmLo: true, HasAlarmHi: true},
		{Kind: project.KindSymbol, X: 240, Y: 10, W: 48, H: 48, Symbol: "pump", Tag: "Area1.Pump1.Running", Running: "Area1.Pump1.Running", Fault: "Area1.Pump1.Fault"},
		{Kind: project.KindState, X: 240, Y: 70, W: 120, H: 24, Tag: "Area1.Pump1.Running", OnText: "running", OffText: "stopped"},
		{Kind: project.KindButton, X: 240, Y: 110, W: 80, H: 30, Text: "Start", Tag: "Area1.Pump1.Start", Mode: "momentary", Value: 1},
		{Kind: project.KindPipe, Points: [][2]float32{{288, 34}, {380, 34}}},
	}}}
	v := NewScreenView(st, screens, scrSymbols)
	v.now = func() time.Time { return scrT0 }
	v.SetTabletLayout(false)
	v.refresh() // before the window lays the frame out: labels get their texts' widths
	w := test.NewTempWindow(t, v.Content())
	w.Resize(fyne.NewSize(900, 420))
	test.AssertRendersToMarkup(t, "screen_small.xml", w.Canvas())
}
