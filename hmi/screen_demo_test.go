package hmi

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/sightglass/sightglass/assets"
	"github.com/sightglass/sightglass/drivers"
	"github.com/sightglass/sightglass/project"
	"github.com/sightglass/sightglass/tags"
)

// TestDemoScreens shows every screen of the demo project: each builds,
// every tag it names is on the station's bus, every symbol has its SVG,
// and a first refresh draws it.
func TestDemoScreens(t *testing.T) {
	p, err := project.LoadFS(assets.Demo(), "demo")
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Screens) == 0 {
		t.Skip("the demo project has no screens yet")
	}
	showEveryScreen(t, p)
}

// TestLoadedScreens does the same for the loader's own good example,
// which uses every element kind and option.
func TestLoadedScreens(t *testing.T) {
	dir := filepath.Join("..", "project", "testdata", "screens", "good")
	if _, err := os.Stat(dir); err != nil {
		t.Skip("no loader example: ", err)
	}
	p, err := project.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	showEveryScreen(t, p)
}

func showEveryScreen(t *testing.T, p *project.Project) {
	t.Helper()
	test.NewTempApp(t).Settings().SetTheme(NewTheme())
	defs := append([]tags.Def(nil), p.Tags...)
	for _, d := range p.Devices {
		defs = append(defs, drivers.SystemTagNames(d.Name)...)
	}
	st := newScrStation(defs)
	v := NewScreenView(st, p.Screens, assets.Symbol)
	v.now = func() time.Time { return scrT0 }
	w := test.NewTempWindow(t, v.Content())
	w.Resize(fyne.NewSize(1600, 1000))
	for i := range p.Screens {
		sc := &p.Screens[i]
		if err := v.Show(sc.Name); err != nil {
			t.Errorf("%s: %v", sc.File, err)
			continue
		}
		v.refresh()
		if len(v.cur.elems) != len(sc.Elements) {
			t.Errorf("%s: %d elements shown of %d", sc.File, len(v.cur.elems), len(sc.Elements))
		}
		for _, el := range v.cur.elems {
			eb := el.base()
			for slot := range slots {
				if eb.bound[slot] && eb.live[slot].unknown {
					t.Errorf("%s:%d: %s names a tag the station does not have", sc.File, eb.e.Line, eb.e.Kind)
				}
			}
			if s, ok := el.(*symbolElem); ok && s.set.source(eb.e.Symbol) == nil {
				t.Errorf("%s:%d: no SVG for symbol %q", sc.File, eb.e.Line, eb.e.Symbol)
			}
			if el.Size().Width <= 0 || el.Size().Height <= 0 {
				t.Errorf("%s:%d: %s laid out at %v", sc.File, eb.e.Line, eb.e.Kind, el.Size())
			}
		}
	}
}
