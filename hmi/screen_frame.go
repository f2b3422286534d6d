package hmi

import (
	"image/color"
	"strconv"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sightglass/sightglass/tags"
)

// screenTreeWidth is the screen tree's width in text heights: room for
// "L3  Feed pump P-101 diagnostics".
const screenTreeWidth = 16

// screenTabletScale is how much larger the frame's and dialogs' text, icons and
// padding are in the tablet layout: 14 px text becomes about 18.
const screenTabletScale = 1.3

// screenTabletTheme is the app's theme, with larger text, icons and padding while
// the tablet layout is on. It is the theme of the frame and the dialogs,
// through container.ThemeOverride; the screens themselves scale with
// their own design.
type screenTabletTheme struct {
	on bool // set on the Fyne goroutine
}

func (t *screenTabletTheme) base() fyne.Theme { return fyne.CurrentApp().Settings().Theme() }

func (t *screenTabletTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	return t.base().Color(n, v)
}
func (t *screenTabletTheme) Font(s fyne.TextStyle) fyne.Resource     { return t.base().Font(s) }
func (t *screenTabletTheme) Icon(n fyne.ThemeIconName) fyne.Resource { return t.base().Icon(n) }

func (t *screenTabletTheme) Size(n fyne.ThemeSizeName) float32 {
	s := t.base().Size(n)
	if !t.on {
		return s
	}
	switch n {
	case theme.SizeNameText, theme.SizeNameSubHeadingText, theme.SizeNameHeadingText, theme.SizeNameCaptionText,
		theme.SizeNameInlineIcon, theme.SizeNameInnerPadding, theme.SizeNamePadding:
		return s * screenTabletScale
	}
	return s
}

// screenFrame is the view's frame. All fields belong to the Fyne
// goroutine.
type screenFrame struct {
	th       *screenTabletTheme
	back     *widget.Button
	forward  *widget.Button
	treeBtn  *widget.Button
	crumbs   *fyne.Container // breadcrumb buttons, rebuilt on navigation
	crumbBox *container.Scroll
	station  *widget.Label
	people   *people         // nil until the window hands its own (or the station keeps no users)
	userBar  *userBar        // who is signed in, Sign in / Switch user / Sign out
	userSlot *fyne.Container // holds userBar.box
	notice   *fyne.Container // holds the no-admin line
	devices  *widget.Label
	clock    *widget.Label
	banner   *fyne.Container // the alarm banner's place
	status   *widget.Label
	tree     *widget.Tree
	treeBox  *fyne.Container
	stage    *fyne.Container // holds the shown screen's root
	top      *container.ThemeOverride
	side     *container.ThemeOverride
	bottom   *container.ThemeOverride
	border   *fyne.Container
	root     *fyne.Container
	targets  []*canvas.Rectangle // the fixed buttons' least sizes
	crumbMin []*canvas.Rectangle // the breadcrumbs'
	rowMin   []*canvas.Rectangle // the tree rows' (the tree makes rows as it needs them)
	selected string              // the tree's selection, set by showNav
}

func newScreenFrame(v *ScreenView) *screenFrame {
	f := &screenFrame{th: &screenTabletTheme{}}
	f.back = widget.NewButtonWithIcon("", theme.NavigateBackIcon(), func() {
		f.people.touch()
		v.Back()
	})
	f.forward = widget.NewButtonWithIcon("", theme.NavigateNextIcon(), func() {
		f.people.touch()
		v.Forward()
	})
	f.treeBtn = widget.NewButtonWithIcon(lang.L("Screens"), theme.ListIcon(), f.toggleTree)
	f.crumbs = container.NewHBox()
	f.station = &widget.Label{Text: v.st.Name(), TextStyle: fyne.TextStyle{Bold: true}}
	f.userBar = (*people)(nil).newBar(f.setStatus)
	f.userSlot = container.NewStack(f.userBar.box)
	f.notice = container.NewStack()
	f.notice.Hide() // until the window's people: no room taken
	f.devices = widget.NewLabel("")
	f.clock = widget.NewLabel("")
	f.banner = container.NewVBox()
	f.status = &widget.Label{Truncation: fyne.TextTruncateEllipsis}

	// The breadcrumbs take the width the rest leaves, and scroll sideways
	// when a deep chain does not fit a tablet.
	f.crumbBox = container.NewHScroll(f.crumbs)
	bar := container.NewBorder(nil, nil,
		container.NewHBox(f.touch(f.back), f.touch(f.forward), f.touch(f.treeBtn)),
		container.NewHBox(f.station, f.userSlot, f.devices, f.clock),
		f.crumbBox)
	f.top = container.NewThemeOverride(container.NewVBox(bar, f.notice, f.banner, widget.NewSeparator()), f.th)

	idx := v.idx
	f.tree = widget.NewTree(
		func(id widget.TreeNodeID) []widget.TreeNodeID { return idx.children[id] },
		func(id widget.TreeNodeID) bool { return len(idx.children[id]) > 0 },
		func(bool) fyne.CanvasObject {
			r := canvas.NewRectangle(color.Transparent)
			r.SetMinSize(f.targetSize())
			f.rowMin = append(f.rowMin, r)
			return container.NewStack(r, widget.NewLabel(""))
		},
		func(id widget.TreeNodeID, _ bool, o fyne.CanvasObject) {
			if s, ok := idx.get(id); ok {
				o.(*fyne.Container).Objects[1].(*widget.Label).SetText(treeLabel(s))
			}
		})
	f.tree.OnSelected = func(id widget.TreeNodeID) {
		if id != f.selected {
			f.people.touch()
			if err := v.Show(id); err != nil {
				f.setStatus(err.Error(), widget.DangerImportance)
			}
		}
	}
	f.tree.OpenAllBranches()
	width := canvas.NewRectangle(color.Transparent)
	width.SetMinSize(fyne.NewSize(screenTreeWidth*theme.DefaultTheme().Size(theme.SizeNameText), 0))
	f.treeBox = container.NewStack(width, f.tree)
	f.side = container.NewThemeOverride(container.NewBorder(nil, nil, nil, widget.NewSeparator(), f.treeBox), f.th)
	f.bottom = container.NewThemeOverride(f.status, f.th)

	f.stage = container.NewStack()
	f.border = container.NewBorder(f.top, f.bottom, f.side, nil, f.stage)
	f.root = container.New(&screenRootLayout{v: v}, f.border)
	f.setTablet(false)
	return f
}

// touch wraps a frame button with a rectangle that keeps it screenTouchTarget
// square in the tablet layout.
func (f *screenFrame) touch(o fyne.CanvasObject) fyne.CanvasObject {
	r := canvas.NewRectangle(color.Transparent)
	f.targets = append(f.targets, r)
	return container.NewStack(r, o)
}

// setPeople shows p's signed-in user in the frame, with its Sign in,
// Switch user and Sign out, and (notice) the no-admin line, which the
// window's header already shows above the frame; the screens' writes act
// as p's current session.
func (f *screenFrame) setPeople(p *people, notice bool) {
	f.people = p
	f.userBar = p.newBar(f.setStatus)
	f.userSlot.Objects = []fyne.CanvasObject{f.userBar.box}
	f.notice.Objects = []fyne.CanvasObject{p.newNotice()}
	setShown(f.notice, notice && p.active())
	f.top.Refresh()
}

// userText is the frame's signed-in user as shown, for tests.
func (f *screenFrame) userText() string { return f.userBar.name.Text }

// setAlarmBanner puts the alarm banner in the frame's banner area, at
// least a finger high in the tablet layout: one tap on it opens the alarm
// summary.
func (f *screenFrame) setAlarmBanner(b fyne.CanvasObject) {
	f.banner.Objects = []fyne.CanvasObject{f.touch(b)}
	least := f.targetSize()
	f.targets[len(f.targets)-1].SetMinSize(least)
	f.top.Refresh()
}

// setTablet sizes the frame for fingers or for a mouse. The tablet layout
// starts with the screen tree hidden (the Screens button shows it): a
// tablet's width is for the process.
func (f *screenFrame) setTablet(on bool) {
	f.th.on = on
	f.side.Hidden = on
	least := f.targetSize()
	for _, r := range f.targets {
		r.SetMinSize(least)
	}
	for _, r := range f.crumbMin {
		r.SetMinSize(least)
	}
	for _, r := range f.rowMin {
		r.SetMinSize(least)
	}
	f.top.Refresh()
	f.side.Refresh()
	f.bottom.Refresh()
	if s := f.border.Size(); s != (fyne.Size{}) {
		f.border.Layout.Layout(f.border.Objects, s) // new least sizes, same space
	}
	f.scrollCrumbs()
}

// scrollCrumbs scrolls the breadcrumbs to their end: the screen shown is
// the one crumb that must be seen.
func (f *screenFrame) scrollCrumbs() {
	f.crumbBox.ScrollToOffset(fyne.NewPos(max(f.crumbs.MinSize().Width-f.crumbBox.Size().Width, 0), 0))
}

// targetSize is the least size of anything tapped in the frame: a
// finger's in the tablet layout, none beyond the widget's own otherwise.
func (f *screenFrame) targetSize() fyne.Size {
	if f.th.on {
		return fyne.NewSquareSize(screenTouchTarget)
	}
	return fyne.Size{}
}

// toggleTree shows or hides the screen tree: hidden, a tablet's screen is
// all process.
func (f *screenFrame) toggleTree() {
	if f.side.Visible() {
		f.side.Hide()
	} else {
		f.side.Show()
	}
	f.border.Refresh()
}

// showNav shows where the view is: breadcrumbs, back and forward, the
// tree's selection.
func (f *screenFrame) showNav(v *ScreenView) {
	if v.hist.canBack() {
		f.back.Enable()
	} else {
		f.back.Disable()
	}
	if v.hist.canForward() {
		f.forward.Enable()
	} else {
		f.forward.Disable()
	}
	cur := v.hist.current()
	chain := v.idx.chain(cur)
	f.crumbs.Objects = f.crumbs.Objects[:0]
	f.crumbMin = f.crumbMin[:0]
	least := f.targetSize()
	for i, s := range chain {
		if i > 0 {
			f.crumbs.Add(widget.NewLabel("›"))
		}
		if i == len(chain)-1 {
			f.crumbs.Add(&widget.Label{Text: screenTitle(s), TextStyle: fyne.TextStyle{Bold: true}})
			continue
		}
		name := s.Name
		b := widget.NewButton(screenTitle(s), func() {
			f.people.touch()
			if err := v.Show(name); err != nil {
				f.setStatus(err.Error(), widget.DangerImportance)
			}
		})
		b.Importance = widget.LowImportance
		r := canvas.NewRectangle(color.Transparent)
		r.SetMinSize(least)
		f.crumbMin = append(f.crumbMin, r)
		f.crumbs.Add(container.NewStack(r, b))
	}
	f.top.Refresh()
	f.scrollCrumbs()

	f.selected = cur
	for _, s := range chain[:max(len(chain)-1, 0)] {
		f.tree.OpenBranch(s.Name)
	}
	if cur != "" {
		f.tree.Select(cur)
		f.tree.ScrollTo(cur)
	}
}

// crumbTexts returns the breadcrumbs as shown, for tests and logs:
// "Plant › Area 1 › Tank 1".
func (f *screenFrame) crumbTexts() []string {
	var out []string
	for _, o := range f.crumbs.Objects {
		switch o := o.(type) {
		case *widget.Label:
			if o.Text != "›" {
				out = append(out, o.Text)
			}
		case *fyne.Container:
			out = append(out, o.Objects[1].(*widget.Button).Text)
		}
	}
	return out
}

func (f *screenFrame) setClock(now time.Time) {
	text := now.Format(clockLayout)
	if f.clock.Text != text {
		f.clock.SetText(text)
	}
}

// showDevices counts the connected devices from their _System tags.
func (f *screenFrame) showDevices(snap []tags.VQT, ids []tags.ID) {
	if len(ids) == 0 {
		if f.devices.Text != "" {
			f.devices.SetText("")
		}
		return
	}
	n := 0
	for _, id := range ids {
		if int(id) < len(snap) && snap[id].Quality.IsGood() && snap[id].Value.Bool() {
			n++
		}
	}
	text := "devices " + strconv.Itoa(n) + "/" + strconv.Itoa(len(ids)) + " connected"
	imp := widget.MediumImportance
	if n < len(ids) {
		imp = widget.DangerImportance
	}
	if f.devices.Text != text || f.devices.Importance != imp {
		f.devices.Text, f.devices.Importance = text, imp
		f.devices.Refresh()
	}
}

// setStatus shows a message in the status line; imp colours failures.
func (f *screenFrame) setStatus(text string, imp widget.Importance) {
	f.status.Text, f.status.Importance = text, imp
	f.status.Refresh()
}

// screenRootLayout fills the view with the frame and, while the tablet
// layout is automatic, switches it by the view's width.
type screenRootLayout struct{ v *ScreenView }

func (l *screenRootLayout) MinSize(objs []fyne.CanvasObject) fyne.Size { return objs[0].MinSize() }

func (l *screenRootLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	l.v.autoTabletFor(size)
	objs[0].Move(fyne.Position{})
	objs[0].Resize(size)
}
