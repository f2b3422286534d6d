package hmi

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// faceplate is a screen shown as a pop-up over the current one, at its
// design size (smaller if the window is): an equipment's detail (L3/L4)
// opened from its symbol.
type faceplate struct {
	name  string
	pop   *widget.PopUp
	b     *builtScreen
	close *widget.Button
}

// navigate is a nav element's tap: it opens its Target, in the stage or
// as a faceplate.
func (v *ScreenView) navigate(eb *elemBase) {
	e := eb.e
	var err error
	if e.Faceplate {
		err = v.openFaceplate(e.Target)
	} else {
		err = v.Show(e.Target)
	}
	if err != nil {
		v.frame.setStatus(err.Error(), widget.DangerImportance)
	}
}

// openFaceplate shows screen name as a pop-up, closing any other. Its
// widgets are built once, apart from the screen's own (a screen can be
// both), and kept.
func (v *ScreenView) openFaceplate(name string) error {
	sc, ok := v.idx.get(name)
	if !ok {
		return fmt.Errorf("%w: %q", ErrUnknownScreen, name)
	}
	v.closeFaceplate()
	b := v.faces[name]
	if b == nil {
		b = buildScreen(sc, v.table, v.symbols, v, true)
		v.faces[name] = b
	}
	d := fyne.CurrentApp().Driver()
	if len(d.AllWindows()) == 0 {
		return errScreenNoWindow
	}
	c := d.CanvasForObject(v.content)
	if c == nil {
		return errScreenNoWindow
	}
	b.followTheme()
	b.layout.tablet = v.tablet
	b.layout.fixedScale = faceplateScale(b.layout.design(), c.Size())
	f := &faceplate{name: name, b: b}
	f.close = widget.NewButtonWithIcon(lang.L("Close"), theme.WindowCloseIcon(), v.closeFaceplate)
	title := &widget.Label{Text: screenTitle(sc), TextStyle: fyne.TextStyle{Bold: true}}
	header := container.NewThemeOverride(container.NewBorder(nil, nil, nil, v.touchButton(f.close), title), v.frame.th)
	// The screen's elements stay outside the header's theme: they scale
	// with their design, not with the frame.
	content := container.NewBorder(header, nil, nil, nil, b.root)
	f.pop = widget.NewModalPopUp(content, c)
	f.pop.Show()
	v.face = f
	v.catchUp(b)
	return nil
}

// faceplateRoom is the share of the window a faceplate may take, leaving
// the screen under it in sight around its edges and room for its header.
const faceplateRoom = 0.85

// faceplateScale is the scale a faceplate of design size d is drawn at in
// a window of size win: its design size, or smaller to fit.
func faceplateScale(d, win fyne.Size) float32 {
	if win.Width <= 0 || win.Height <= 0 {
		return 1
	}
	return min(1, screenScaleFor(d, fyne.NewSize(win.Width*faceplateRoom, win.Height*faceplateRoom-2*screenTouchTarget)))
}

// closeFaceplate closes the open faceplate, if any.
func (v *ScreenView) closeFaceplate() {
	if v.face != nil {
		v.face.pop.Hide()
		v.face = nil
	}
}
