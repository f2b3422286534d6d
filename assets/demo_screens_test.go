package assets_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/sightglass/sightglass/drivers"
	"github.com/sightglass/sightglass/project"
)

// TestDemoScreens: the demo's ISA-101 hierarchy, overview (L1) to
// diagnostics (L4), at the 1280×800 design size.
func TestDemoScreens(t *testing.T) {
	p := loadDemo(t)
	byName := map[string]*project.Screen{}
	var names []string
	for i := range p.Screens {
		s := &p.Screens[i]
		byName[s.Name] = s
		names = append(names, s.Name)
		if s.Width != 1280 || s.Height != 800 {
			t.Errorf("%s: size %gx%g, want 1280x800", s.Name, s.Width, s.Height)
		}
	}
	if want := []string{"diagnostics", "overview", "pump1", "tanks"}; !slices.Equal(names, want) {
		t.Fatalf("screens %v, want %v", names, want)
	}
	for name, want := range map[string]struct {
		level  int
		parent string
	}{
		"overview": {1, ""}, "tanks": {2, "overview"}, "pump1": {3, "tanks"}, "diagnostics": {4, "overview"},
	} {
		if s := byName[name]; s.Level != want.level || s.Parent != want.parent {
			t.Errorf("%s: level %d under %q, want %d under %q", name, s.Level, s.Parent, want.level, want.parent)
		}
	}

	// Every screen can be reached by nav elements from the overview; P1
	// opens as a faceplate.
	reached := map[string]bool{"overview": true}
	for range 4 {
		for _, s := range p.Screens {
			for _, el := range s.Elements {
				if el.Kind == project.KindNav && reached[s.Name] {
					reached[el.Target] = true
				}
			}
		}
	}
	for _, name := range names {
		if !reached[name] {
			t.Errorf("%s: no nav leads there from the overview", name)
		}
	}
	if !slices.ContainsFunc(byName["tanks"].Elements, func(el project.Element) bool {
		return el.Kind == project.KindNav && el.Target == "pump1" && el.Faceplate
	}) {
		t.Error("tanks: no faceplate nav to pump1")
	}

	// Diagnostics shows every system tag of the device and every status bit.
	shown := map[string]bool{}
	for _, el := range byName["diagnostics"].Elements {
		shown[el.Tag] = true
	}
	for _, d := range drivers.SystemTagNames(p.Devices[0].Name) {
		if !shown[d.Name] {
			t.Errorf("diagnostics: %s not shown", d.Name)
		}
	}
	for _, d := range p.Tags {
		if strings.HasPrefix(d.Name, "Plant.Status.") && !shown[d.Name] {
			t.Errorf("diagnostics: %s not shown", d.Name)
		}
	}
}

// TestDemoScreensLayout: on each demo screen no two placed elements
// overlap, but for rect frames, which hold elements, and pipes, which
// meet the symbols.
func TestDemoScreensLayout(t *testing.T) {
	p := loadDemo(t)
	for _, s := range p.Screens {
		var placed []project.Element
		for _, el := range s.Elements {
			if el.Kind != project.KindRect && el.Kind != project.KindPipe {
				placed = append(placed, el)
			}
		}
		for i, a := range placed {
			for _, b := range placed[i+1:] {
				if a.X < b.X+b.W && b.X < a.X+a.W && a.Y < b.Y+b.H && b.Y < a.Y+a.H {
					t.Errorf("%s: the %s at line %d overlaps the %s at line %d", s.File, a.Kind, a.Line, b.Kind, b.Line)
				}
			}
		}
	}
}
