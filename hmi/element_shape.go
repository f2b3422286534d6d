package hmi

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sightglass/sightglass/project"
)

// pipeWidth is a process line's width in design pixels.
const pipeWidth = 3

// pipeBounds is the design rectangle of a polyline: its points' bounding
// box, widened by the line's width so that a straight pipe has an area.
func pipeBounds(points [][2]float32) [4]float32 {
	if len(points) == 0 {
		return [4]float32{}
	}
	x0, y0 := points[0][0], points[0][1]
	x1, y1 := x0, y0
	for _, p := range points[1:] {
		x0, y0 = min(x0, p[0]), min(y0, p[1])
		x1, y1 = max(x1, p[0]), max(y1, p[1])
	}
	const pad = pipeWidth
	return [4]float32{x0 - pad, y0 - pad, x1 - x0 + 2*pad, y1 - y0 + 2*pad}
}

// shapeElem is a static element: a pipe (a polyline in the screen's
// coordinates) or a rect. It binds no tag.
type shapeElem struct {
	widget.BaseWidget
	elemBase
}

func newShapeElem(e *project.Element) *shapeElem {
	w := &shapeElem{elemBase: newElemBase(e)}
	if e.Kind == project.KindPipe {
		w.rect = pipeBounds(e.Points)
	}
	w.ExtendBaseWidget(w)
	return w
}

func (w *shapeElem) base() *elemBase { return &w.elemBase }

// CreateRenderer implements fyne.Widget.
func (w *shapeElem) CreateRenderer() fyne.WidgetRenderer {
	r := &shapeRenderer{w: w}
	if w.e.Kind == project.KindPipe {
		for range max(len(w.e.Points)-1, 0) {
			r.lines = append(r.lines, canvas.NewLine(color.Transparent))
		}
		for _, l := range r.lines {
			r.objects = append(r.objects, l)
		}
	} else {
		r.box = canvas.NewRectangle(color.Transparent)
		r.objects = []fyne.CanvasObject{r.box}
	}
	r.Refresh()
	return r
}

type shapeRenderer struct {
	w       *shapeElem
	lines   []*canvas.Line // pipe
	box     *canvas.Rectangle
	objects []fyne.CanvasObject
}

// Layout places the pipe's points relative to the widget, which sits at
// its bounding box: point p of the screen is at (p - origin) × scale.
func (r *shapeRenderer) Layout(size fyne.Size) {
	w := r.w
	if r.box != nil {
		r.box.Resize(size)
		return
	}
	pts := w.e.Points
	for i, l := range r.lines {
		l.Position1 = fyne.NewPos((pts[i][0]-w.rect[0])*w.scale, (pts[i][1]-w.rect[1])*w.scale)
		l.Position2 = fyne.NewPos((pts[i+1][0]-w.rect[0])*w.scale, (pts[i+1][1]-w.rect[1])*w.scale)
	}
}

func (r *shapeRenderer) MinSize() fyne.Size { return fyne.Size{} }

func (r *shapeRenderer) Refresh() {
	w := r.w
	th := w.Theme()
	if r.box != nil {
		setElemRect(r.box, color.Transparent, th.Color(theme.ColorNameInputBorder, themeVariant()), w.stroke(1))
		return
	}
	c := elemColor(th, colorNamePipe)
	for _, l := range r.lines {
		l.StrokeColor, l.StrokeWidth = c, w.stroke(pipeWidth)
		l.Refresh()
	}
	r.Layout(w.Size())
}

func (r *shapeRenderer) Objects() []fyne.CanvasObject { return r.objects }
func (r *shapeRenderer) Destroy()                     {}
