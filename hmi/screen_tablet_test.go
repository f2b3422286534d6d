package hmi

import (
	"fmt"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
)

func atLeast(t *testing.T, what string, s fyne.Size, min float32) {
	t.Helper()
	if s.Width < min || s.Height < min {
		t.Errorf("%s is %v, want at least %v square", what, s, min)
	}
}

func TestTabletLayoutTouchTargets(t *testing.T) {
	v, _, _ := newScreenTest(t)
	must(t, v.Show("area1"))
	f := v.frame

	// On a desktop a button is its design size times the scale.
	btn := scrElem[*textElem](t, v, 11)
	s := btn.scale
	if got, want := btn.Size(), fyne.NewSize(80*s, 30*s); !near(got.Width, want.Width) || !near(got.Height, want.Height) {
		t.Errorf("desktop button %v, want %v", got, want)
	}
	small := btn.Size()

	v.SetTabletLayout(true)
	for i, el := range v.cur.elems {
		if el.base().tap != nil {
			atLeast(t, fmt.Sprintf("clickable %s element %d", el.base().e.Kind, i), el.Size(), screenTouchTarget)
		}
	}
	// The tree makes room for the process; the Screens button brings it.
	if f.side.Visible() {
		t.Error("the screen tree is shown in the tablet layout")
	}
	test.Tap(f.treeBtn)
	if !f.side.Visible() {
		t.Error("Screens did not show the tree")
	}
	if len(f.rowMin) == 0 {
		t.Error("no tree rows")
	}
	for _, r := range f.rowMin {
		if r.MinSize().Height < screenTouchTarget {
			t.Errorf("tree row target %v", r.MinSize())
		}
	}
	test.Tap(f.treeBtn)

	// The target grows about its centre (the frame grew too: the scale is
	// new), and the button is still drawn at its own size inside it.
	bg := scrRenderer[*textElemRenderer](t, btn).bg
	if got, want := bg.Size(), fyne.NewSize(80*btn.scale, 30*btn.scale); !near(got.Width, want.Width) || !near(got.Height, want.Height) {
		t.Errorf("tablet button drawn at %v, want its own %v", got, want)
	}
	if got, want := bg.Position().Add(fyne.NewPos(bg.Size().Width/2, bg.Size().Height/2)), fyne.NewPos(btn.Size().Width/2, btn.Size().Height/2); !near(got.X, want.X) || !near(got.Y, want.Y) {
		t.Errorf("tablet button drawn centred at %v, want %v", got, want)
	}
	s = btn.scale
	c0 := btn.Position().Add(fyne.NewPos(btn.Size().Width/2, btn.Size().Height/2))
	want := fyne.NewPos((400+40)*s, (300+15)*s).Add(v.cur.elems[0].Position().Subtract(fyne.NewPos(10*s, 10*s)))
	if !near(c0.X, want.X) || !near(c0.Y, want.Y) {
		t.Errorf("tablet button centred at %v, want %v (desktop size %v)", c0, want, small)
	}
	for name, b := range map[string]fyne.CanvasObject{"back": f.back, "forward": f.forward, "screens": f.treeBtn} {
		atLeast(t, name+" button", b.Size(), screenTouchTarget)
	}
	for _, r := range f.crumbMin {
		if r.MinSize().Height < screenTouchTarget {
			t.Errorf("breadcrumb target %v", r.MinSize())
		}
	}
	if got, want := f.th.Size(theme.SizeNameText), float32(14*screenTabletScale); !near(got, want) {
		t.Errorf("tablet text %v, want %v", got, want)
	}
	// A screen's text never shrinks below minTabletText on a tablet.
	v.frame.stage.Resize(fyne.NewSize(400, 300))
	if got := textOf(t, v, 0).TextSize; got != minTabletText {
		t.Errorf("tablet element text %v at scale %v", got, scrElem[*textElem](t, v, 0).scale)
	}
	v.frame.stage.Resize(fyne.NewSize(800, 600))

	// Dialogs: the confirmation's buttons.
	test.Tap(btn)
	if v.confirm == nil {
		t.Fatal("no confirmation")
	}
	atLeast(t, "Write", v.confirm.ok.Size(), screenTouchTarget)
	atLeast(t, "Cancel", v.confirm.cancel.Size(), screenTouchTarget)
	test.Tap(v.confirm.cancel)

	// Back to the desktop layout.
	v.SetTabletLayout(false)
	if got := btn.Size(); !near(got.Height, 30*btn.scale) || f.th.Size(theme.SizeNameText) != 14 || !f.side.Visible() {
		t.Errorf("desktop again: button %v, text %v, tree shown %v", got, f.th.Size(theme.SizeNameText), f.side.Visible())
	}
}

func TestTabletLayoutAutomatic(t *testing.T) {
	test.NewTempApp(t).Settings().SetTheme(NewTheme())
	st := newScrStation(scrDefs)
	v := NewScreenView(st, scrScreens(), scrSymbols)
	w := test.NewTempWindow(t, v.Content())
	w.Resize(fyne.NewSize(800, 600))
	if !v.tablet {
		t.Error("an 800 px view is not in the tablet layout")
	}
	atLeast(t, "back button", v.frame.back.Size(), screenTouchTarget)
	w.Resize(fyne.NewSize(1400, 900))
	if v.tablet {
		t.Error("a 1400 px view is in the tablet layout")
	}
	v.SetTabletLayout(true) // fixed from now on
	w.Resize(fyne.NewSize(1500, 900))
	if !v.tablet {
		t.Error("SetTabletLayout(true) was undone by a resize")
	}
}
