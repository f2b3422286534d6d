package hmi

import (
	"strconv"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sightglass/sightglass/alarms"
)

// alarmFlashPeriod is a flash's whole cycle: 1 Hz, on for half of it.
// ISA-101 and EEMUA 191 ask for a slow flash (about 1 Hz, never above
// 3 Hz, which risks photosensitive seizures, WCAG 2.3.1) for alarms
// waiting for an acknowledgement.
const alarmFlashPeriod = time.Second

// flashOn is the flash's phase at now: on in the first half of each
// period, so that every flashing thing on the screen flashes together.
func flashOn(now time.Time) bool {
	return now.UnixMilli()%alarmFlashPeriod.Milliseconds() < alarmFlashPeriod.Milliseconds()/2
}

// alarmBanner is the line on every screen that says whether the plant
// asks for someone: the newest unacknowledged alarm of the highest
// priority (its priority, time and message) and the number of alarms of
// each priority. While anything waits for an acknowledgement the
// priorities' shapes flash; once all is acknowledged they are steady.
// A tap opens the alarm summary.
//
// All fields belong to the Fyne goroutine.
type alarmBanner struct {
	widget.BaseWidget

	counts  alarmCounts
	flash   bool // the flash's phase shown
	onTap   func()
	badge   *alarmBadge // the top alarm's priority
	when    *widget.Label
	message *cell // cut with an ellipsis to the room left
	prioB   [alarms.NumPriorities]*alarmBadge
	prioN   [alarms.NumPriorities]*widget.Label
	box     *fyne.Container
}

func newAlarmBanner(onTap func()) *alarmBanner {
	b := &alarmBanner{onTap: onTap, badge: newAlarmBadge(alarms.Critical), when: widget.NewLabel(""), message: newCell()}
	b.badge.style = badgeHidden
	counts := container.NewHBox()
	for p := range alarms.Priority(alarms.NumPriorities) {
		b.prioB[p] = newAlarmBadge(p)
		b.prioB[p].style = badgeGrey
		b.prioN[p] = &widget.Label{Text: "0", Importance: widget.LowImportance}
		counts.Add(b.prioB[p])
		counts.Add(b.prioN[p])
	}
	b.message.set(lang.L("No unacknowledged alarms"), fyne.TextAlignLeading, widget.LowImportance, false, false)
	left := container.NewHBox(b.badge, b.when)
	b.box = container.NewBorder(nil, nil, left, counts, b.message)
	b.ExtendBaseWidget(b)
	return b
}

// show draws c, as of now (for the time of day and the flash).
func (b *alarmBanner) show(c alarmCounts, now time.Time) {
	b.counts = c
	b.flash = flashOn(now)
	b.draw(now)
}

// tick moves the flash; it redraws only when the phase changed and
// something flashes.
func (b *alarmBanner) tick(now time.Time) {
	on := flashOn(now)
	if on == b.flash {
		return
	}
	b.flash = on
	if b.counts.anyUnacked() {
		b.draw(now)
	}
}

func (b *alarmBanner) draw(now time.Time) {
	c := &b.counts
	lit := badgeFilled
	if !b.flash {
		lit = badgeOutline
	}
	if c.hasTop {
		s := &c.top
		b.badge.set(s.Priority, lit)
		setLabel(b.when, alarmTimeText(s.ActiveAt, now), widget.MediumImportance)
		msg := s.Message
		if msg == "" {
			msg = s.ID
		}
		b.message.set(priorityName(s.Priority)+": "+msg, fyne.TextAlignLeading, widget.MediumImportance, false, false)
	} else {
		b.badge.set(b.badge.prio, badgeHidden)
		setLabel(b.when, "", widget.MediumImportance)
		b.message.set(lang.L("No unacknowledged alarms"), fyne.TextAlignLeading, widget.LowImportance, false, false)
	}
	for p := range alarms.Priority(alarms.NumPriorities) {
		style, imp := badgeGrey, widget.LowImportance
		switch {
		case c.unacked[p] > 0:
			style, imp = lit, widget.MediumImportance
		case c.shown[p] > 0:
			style, imp = badgeFilled, widget.MediumImportance
		}
		b.prioB[p].set(p, style)
		setLabel(b.prioN[p], strconv.Itoa(c.shown[p]), imp)
	}
}

// setLabel changes l only when its text or importance changed.
func setLabel(l *widget.Label, text string, imp widget.Importance) {
	if l.Text != text || l.Importance != imp {
		l.Text, l.Importance = text, imp
		l.Refresh()
	}
}

// Tapped opens the alarm summary.
func (b *alarmBanner) Tapped(*fyne.PointEvent) {
	if b.onTap != nil {
		b.onTap()
	}
}

// CreateRenderer implements fyne.Widget: the banner's line on a faint
// background, so that it reads as one thing to tap.
func (b *alarmBanner) CreateRenderer() fyne.WidgetRenderer {
	bg := canvas.NewRectangle(b.Theme().Color(theme.ColorNameHeaderBackground, fyne.CurrentApp().Settings().ThemeVariant()))
	return &bannerRenderer{b: b, bg: bg, objects: []fyne.CanvasObject{bg, b.box}}
}

type bannerRenderer struct {
	b       *alarmBanner
	bg      *canvas.Rectangle
	objects []fyne.CanvasObject
}

func (r *bannerRenderer) Layout(size fyne.Size) {
	r.bg.Resize(size)
	r.b.box.Resize(size)
}

func (r *bannerRenderer) MinSize() fyne.Size { return r.b.box.MinSize() }

func (r *bannerRenderer) Refresh() {
	r.bg.FillColor = r.b.Theme().Color(theme.ColorNameHeaderBackground, fyne.CurrentApp().Settings().ThemeVariant())
	r.bg.Refresh()
	r.b.box.Refresh()
}

func (r *bannerRenderer) Objects() []fyne.CanvasObject { return r.objects }
func (r *bannerRenderer) Destroy()                     {}

var _ fyne.Tappable = (*alarmBanner)(nil)
