package hmi

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"

	"github.com/sightglass/sightglass/project"
	"github.com/sightglass/sightglass/tags"
)

// defaultElemSize is the design size of an element that gives none.
var defaultElemSize = [2]float32{80, 24}

// builtScreen is one screen's widgets, built once and kept, so that
// showing the screen again only moves its root into the stage.
type builtScreen struct {
	sc     *project.Screen
	root   *fyne.Container // the elements, placed by layout
	layout *screenLayout
	elems  []screenElement
	binds  []screenBinding
	sparks []*sparkElem
	theme  fyne.Theme // the app's theme when the screen was last shown
}

// followTheme redraws every element when the app's theme changed while the
// screen was out of sight (Fyne refreshes only what is in a window).
func (b *builtScreen) followTheme() {
	th := fyne.CurrentApp().Settings().Theme()
	if b.theme == th {
		return
	}
	if b.theme != nil {
		for _, el := range b.elems {
			el.Refresh()
		}
	}
	b.theme = th
}

// screenBinding ties one slot of an element to a tag. It remembers the VQT it
// last gave the element, so that a tick redraws only what changed.
type screenBinding struct {
	id    tags.ID
	limit time.Duration // older than this, a good value is stale
	w     screenElement
	slot  uint8
	seen  bool
	stale bool
	last  tags.VQT
}

// screenActions are what clickable elements do; the view provides them.
type screenActions interface {
	pressButton(*elemBase)
	openSetpoint(*elemBase)
	navigate(*elemBase)
}

// buildScreen makes sc's widgets and binds them to the tags of table.
// fixed screens (faceplates) are drawn at a scale of their own (see
// screenLayout.fixed), the others scale to the space they are given.
func buildScreen(sc *project.Screen, table *tags.Table, symbols *symbolSet, act screenActions, fixed bool) *builtScreen {
	b := &builtScreen{sc: sc}
	objs := make([]fyne.CanvasObject, 0, len(sc.Elements))
	for i := range sc.Elements {
		e := &sc.Elements[i]
		var w screenElement
		switch e.Kind {
		case project.KindIndicator, project.KindBar, project.KindTank:
			w = newGaugeElem(e)
		case project.KindSymbol:
			w = newSymbolElem(e, symbols)
		case project.KindPipe, project.KindRect:
			w = newShapeElem(e)
		case project.KindSparkline:
			s := newSparkElem(e)
			b.sparks = append(b.sparks, s)
			w = s
		case project.KindValue, project.KindState, project.KindMultiState, project.KindLabel,
			project.KindButton, project.KindSetpoint, project.KindNav:
			w = newTextElem(e)
		default: // the loader rejects unknown kinds; say so rather than draw nothing
			t := newTextElem(e)
			t.caption = "? " + string(e.Kind)
			w = t
		}
		eb := w.base()
		if eb.rect[2] <= 0 {
			eb.rect[2] = defaultElemSize[0]
		}
		if eb.rect[3] <= 0 {
			eb.rect[3] = defaultElemSize[1]
		}
		switch e.Kind {
		case project.KindButton:
			eb.tap = func() { act.pressButton(eb) }
		case project.KindSetpoint:
			eb.tap = func() { act.openSetpoint(eb) }
		case project.KindNav:
			eb.tap = func() { act.navigate(eb) }
		}
		b.bind(table, w, e)
		b.elems = append(b.elems, w)
		objs = append(objs, w)
	}
	b.layout = &screenLayout{b: b, fixed: fixed, fixedScale: 1}
	b.root = container.New(b.layout, objs...)
	return b
}

// boundTags are the tag names of e's slots: "" for a slot it does not use.
func boundTags(e *project.Element) [slots]string {
	var names [slots]string
	switch e.Kind {
	case project.KindValue, project.KindIndicator, project.KindBar, project.KindTank, project.KindState,
		project.KindMultiState, project.KindSparkline, project.KindButton, project.KindSetpoint:
		names[slotMain] = e.Tag
	case project.KindSymbol:
		names[slotMain] = e.Tag
		if e.Running != e.Tag {
			names[slotRunning] = e.Running
		}
		names[slotFault] = e.Fault
	}
	return names
}

// bind adds w's bindings. A tag the table does not know marks its slot
// unknown for good: the element shows "?" and the reason.
func (b *builtScreen) bind(table *tags.Table, w screenElement, e *project.Element) {
	eb := w.base()
	for slot, name := range boundTags(e) {
		if name == "" {
			continue
		}
		eb.bound[slot] = true
		var id tags.ID
		ok := false
		if table != nil {
			id, ok = table.Lookup(name)
		}
		if !ok {
			eb.live[slot].unknown = true
			continue
		}
		def := table.Def(id)
		if slot == slotMain {
			eb.units = def.Units
		}
		eb.live[slot].v.Quality = tags.BadQuality(tags.ReasonNotRead, 0)
		b.binds = append(b.binds, screenBinding{id: id, limit: elemStaleLimit(def), w: w, slot: uint8(slot)})
	}
}

// apply gives every element the VQTs of snap that changed since it last
// looked, or whose staleness changed as of now, and redraws only those.
// It runs on the Fyne goroutine.
func (b *builtScreen) apply(snap []tags.VQT, now time.Time) {
	for i := range b.binds {
		bd := &b.binds[i]
		if int(bd.id) >= len(snap) {
			continue
		}
		v := &snap[bd.id]
		stale := !v.Time.IsZero() && now.Sub(v.Time) > bd.limit
		if bd.seen && stale == bd.stale && bd.last.Same(*v) {
			continue
		}
		bd.seen, bd.stale, bd.last = true, stale, *v
		l := &bd.w.base().live[bd.slot]
		l.v, l.stale = *v, stale
		bd.w.Refresh()
	}
}

// screenLayout places a screen's elements at their design rectangles
// times one scale, the largest at which the whole screen fits (keeping
// its aspect), centred. In the tablet layout a clickable element is at
// least screenTouchTarget square, grown about its centre.
type screenLayout struct {
	b          *builtScreen
	fixed      bool    // at fixedScale (faceplates), whatever the space
	fixedScale float32 // 1, the design size, unless that would not fit the window
	tablet     bool

	laidSize   fyne.Size // the size and mode of the last layout
	laidTablet bool
}

// design is the screen's design size: as the file gives it, or its
// elements' extent.
func (l *screenLayout) design() fyne.Size {
	sc := l.b.sc
	w, h := sc.Width, sc.Height
	if w > 0 && h > 0 {
		return fyne.NewSize(w, h)
	}
	for _, el := range l.b.elems {
		r := el.base().rect
		w, h = max(w, r[0]+r[2]), max(h, r[1]+r[3])
	}
	return fyne.NewSize(max(w, 1), max(h, 1))
}

// screenScaleFor is the scale at which a screen of design size d fits size.
func screenScaleFor(d, size fyne.Size) float32 {
	if d.Width <= 0 || d.Height <= 0 || size.Width <= 0 || size.Height <= 0 {
		return 1
	}
	return min(size.Width/d.Width, size.Height/d.Height)
}

// MinSize is a faceplate's size at its scale; a screen in the stage
// scales to whatever it is given.
func (l *screenLayout) MinSize([]fyne.CanvasObject) fyne.Size {
	if l.fixed {
		d := l.design()
		return fyne.NewSize(d.Width*l.fixedScale, d.Height*l.fixedScale)
	}
	return fyne.Size{}
}

func (l *screenLayout) Layout(_ []fyne.CanvasObject, size fyne.Size) {
	l.laidSize, l.laidTablet = size, l.tablet
	d := l.design()
	s := l.fixedScale
	if !l.fixed {
		s = screenScaleFor(d, size)
	}
	ox, oy := (size.Width-d.Width*s)/2, (size.Height-d.Height*s)/2
	if l.fixed {
		ox, oy = 0, 0
	}
	for _, el := range l.b.elems {
		eb := el.base()
		r := eb.rect
		pos := fyne.NewPos(ox+r[0]*s, oy+r[1]*s)
		sz := fyne.NewSize(r[2]*s, r[3]*s)
		inner := fyne.Position{}
		if l.tablet && eb.tap != nil {
			grow := fyne.NewSize(max(sz.Width, screenTouchTarget), max(sz.Height, screenTouchTarget))
			inner = fyne.NewPos((grow.Width-sz.Width)/2, (grow.Height-sz.Height)/2)
			pos = pos.Subtract(inner)
			sz = grow
		}
		eb.inner = inner
		el.Move(pos)
		if eb.scale != s || eb.tablet != l.tablet {
			eb.scale, eb.tablet = s, l.tablet
			el.Resize(sz)
			el.Refresh() // text sizes and line widths follow the scale
			continue
		}
		el.Resize(sz)
	}
}

// relayout lays the screen out again if the space or the mode changed
// since it last was: a cached screen shown in the same window costs
// nothing.
func (b *builtScreen) relayout(size fyne.Size, tablet bool) {
	b.layout.tablet = tablet
	if b.layout.laidSize == size && b.layout.laidTablet == tablet && size != (fyne.Size{}) {
		return
	}
	b.root.Move(fyne.Position{})
	if b.root.Size() != size {
		b.root.Resize(size) // lays out
		return
	}
	b.layout.Layout(b.root.Objects, size)
}
