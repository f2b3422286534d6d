package hmi

import (
	"errors"
	"testing"

	"fyne.io/fyne/v2/test"
	"go.uber.org/goleak"

	"github.com/sightglass/sightglass/assets"
	"github.com/sightglass/sightglass/drivers"
	"github.com/sightglass/sightglass/project"
	"github.com/sightglass/sightglass/tags"
)

// windowScrStation is the screens' test station with the devices the
// window also asks for.
type windowScrStation struct{ *scrStation }

func (windowScrStation) Devices() []drivers.Stats { return nil }

// TestWindowWithScreens puts the demo project's screens in the station
// window: the Screens tab comes first and shows the overview, and the
// window runs and stops them.
func TestWindowWithScreens(t *testing.T) {
	defer goleak.VerifyNone(t)
	p, err := project.LoadFS(assets.Demo(), "assets/demo")
	if err != nil {
		t.Fatal(err)
	}
	a := test.NewTempApp(t)
	defs := append([]tags.Def(nil), p.Tags...)
	for _, d := range p.Devices {
		defs = append(defs, drivers.SystemTagNames(d.Name)...)
	}
	st := windowScrStation{newScrStation(defs)}
	w := a.NewWindow("test")
	defer w.Close()
	m := NewWindow(w, st)
	sv := NewScreenView(st, p.Screens, assets.Symbol)
	if err := m.AddScreens(sv, "no-such-screen"); err == nil {
		t.Error("AddScreens accepted an unknown first screen")
	}
	if err := m.AddScreens(sv, "overview"); err != nil {
		t.Fatal(err)
	}
	if m.tabs == nil || len(m.tabs.Items) < 2 || m.tabs.Selected().Text != "Screens" || sv.Current() != "overview" {
		t.Fatalf("tabs %v, current %q", m.tabs, sv.Current())
	}
	m.Start()
	m.Stop()
}

func TestWindowOpen(t *testing.T) {
	p, err := project.LoadFS(assets.Demo(), "assets/demo")
	if err != nil {
		t.Fatal(err)
	}
	a := test.NewTempApp(t)
	defs := append([]tags.Def(nil), p.Tags...)
	st := windowScrStation{newScrStation(defs)}
	w := a.NewWindow("test")
	defer w.Close()
	m := NewWindow(w, st)
	if err := m.Open("tags"); err != nil {
		t.Errorf("Open(tags) with no tabs: %v", err)
	}
	if err := m.Open("trend"); !errors.Is(err, ErrUnknownView) {
		t.Errorf("Open(trend) without history: %v", err)
	}
	if err := m.AddScreens(NewScreenView(st, p.Screens, assets.Symbol), "overview"); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ name, tab string }{{"tags", "Tags"}, {"screens", "Screens"}, {"pump1", "Screens"}} {
		if err := m.Open(c.name); err != nil || m.tabs.Selected().Text != c.tab {
			t.Errorf("Open(%s): %v, tab %q", c.name, err, m.tabs.Selected().Text)
		}
	}
	if m.screens.Current() != "pump1" {
		t.Errorf("current screen %q, want pump1", m.screens.Current())
	}
	if err := m.Open("nowhere"); !errors.Is(err, ErrUnknownView) {
		t.Errorf("Open(nowhere): %v", err)
	}
}
