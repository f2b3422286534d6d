package project

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"testing/fstest"
)

// fuzzParent is a second screen of the fuzzed project, for parents and
// nav targets.
const fuzzParent = "title: Top\nlevel: 1\nsize: [1280, 800]\n"

// FuzzLoadScreen loads any bytes as a screen of a valid project: it must
// never panic, report problems only in that file, and accept only a
// screen that keeps the format's promises.
func FuzzLoadScreen(f *testing.F) {
	err := filepath.WalkDir("testdata/screens", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Base(filepath.Dir(path)) != ScreensDir {
			return err
		}
		data, err := os.ReadFile(path)
		if err == nil {
			f.Add(data)
		}
		return err
	})
	if err != nil {
		f.Fatal(err)
	}
	f.Add([]byte("title: S\nlevel: 2\nparent: top\nsize: [100, 100]\nelements:\n  - {kind: nav, target: top, x: 0, y: 0, w: 1, h: 1}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := LoadFS(fstest.MapFS{
			"project.yaml":     {Data: []byte(screenProject)},
			"screens/top.yaml": {Data: []byte(fuzzParent)},
			"screens/s.yaml":   {Data: data},
		}, "fz")
		checkResult(t, p, err)
		var ps Problems
		if errors.As(err, &ps) {
			for _, pr := range ps {
				if pr.File != "fz/screens/s.yaml" {
					t.Fatalf("problem outside the screen: %v", pr)
				}
			}
			return
		}
		if len(p.Screens) != 2 || p.Screens[0].Name != "s" {
			t.Fatalf("screens %+v", p.Screens)
		}
		checkScreen(t, &p.Screens[0], []string{"s", "top"})
	})
}

// checkScreen checks what the loader promises of a screen it accepts.
func checkScreen(t *testing.T, s *Screen, names []string) {
	t.Helper()
	const slack = 1e-3 // float32 rounding of a sum that fits exactly
	if s.Level < minLevel || s.Level > maxLevel || s.Title == "" ||
		s.Width < 1 || s.Height < 1 || s.Width > maxDesignSize || s.Height > maxDesignSize ||
		(s.Level == minLevel) != (s.Parent == "") {
		t.Fatalf("accepted screen %+v", *s)
	}
	for _, el := range s.Elements {
		spec := kindSpecs[el.Kind]
		bad := spec == nil ||
			el.X < 0 || el.Y < 0 || el.W < 0 || el.H < 0 ||
			el.X+el.W > s.Width+slack || el.Y+el.H > s.Height+slack ||
			el.Kind != KindPipe && (el.W == 0 || el.H == 0) ||
			el.Kind == KindPipe && len(el.Points) < 2 ||
			spec.takes("max") && el.Max != 0 && el.Min >= el.Max ||
			el.HasNormal && (el.NormalLo >= el.NormalHi || el.NormalLo < el.Min || el.NormalHi > el.Max) ||
			el.HasAlarmLim != (el.HasAlarmLo || el.HasAlarmHi) ||
			el.Kind == KindNav && (!slices.Contains(names, el.Target) || el.Target == s.Name || el.Text == "") ||
			el.Kind == KindSparkline && (el.Minutes < 1 || el.Minutes > maxMinutes) ||
			el.Kind == KindButton && el.Mode != "momentary" && el.Mode != "toggle" ||
			el.Kind == KindSymbol && !slices.Contains(KnownSymbols, el.Symbol)
		for _, k := range spec.required {
			switch k {
			case "tag":
				bad = bad || el.Tag == ""
			case "text":
				bad = bad || el.Text == ""
			}
		}
		for _, pt := range el.Points {
			bad = bad || pt[0] < 0 || pt[1] < 0 || pt[0] > s.Width || pt[1] > s.Height
		}
		if bad {
			t.Fatalf("accepted element %+v in %+v", el, *s)
		}
	}
}
