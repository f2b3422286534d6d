package hmi

import (
	"encoding/csv"
	"image"
	"image/color"
	"image/png"
	"io"
	"strconv"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"

	"github.com/sightglass/sightglass/historian"
)

// csvTime is the time column's format: RFC 3339 with milliseconds (the
// historian's resolution) and the zone offset, so that a file read
// elsewhere is not off by the zone.
const csvTime = "2006-01-02T15:04:05.000Z07:00"

// defaultExport is the size of a PNG exported before the trend was ever
// laid out, in pixels.
var defaultExport = image.Pt(1200, 600)

// WriteCSV writes the trend shown as CSV (see writeTrendCSV).
func (v *TrendView) WriteCSV(w io.Writer) error {
	heads := make([]string, len(v.pens))
	cols := make([][]historian.Column, len(v.pens))
	for i := range v.pens {
		heads[i] = v.pens[i].Tag
		if d := v.pens[i].def; d != nil && d.Units != "" {
			heads[i] += " [" + d.Units + "]"
		}
		cols[i], _ = v.data.colsOf(v.pens[i].Tag)
	}
	return writeTrendCSV(w, heads, cols, v.loc)
}

// writeTrendCSV writes decimated columns as CSV: a header "time", then
// heads (a pen each: "Tag [units]"); then a row per pixel column in which
// any pen has a sample: the column's start time (csvTime, in loc), then
// for each pen the column's last value, as the readout shows it: numbers
// in the shortest form that reads back exactly, bools as 0 and 1, and an
// empty cell where the pen has no sample in the column or its last
// sample is bad (or a string). One value per pen keeps the file a
// table a spreadsheet plots at once; the raw samples are a history export
// away (sightglass history export).
func writeTrendCSV(w io.Writer, heads []string, cols [][]historian.Column, loc *time.Location) error {
	cw := csv.NewWriter(w)
	rec := append([]string{"time"}, heads...)
	if err := cw.Write(rec); err != nil {
		return err
	}
	var ref []historian.Column // the longest pen: its columns' start times
	for _, c := range cols {
		if len(c) > len(ref) {
			ref = c
		}
	}
	for i := range ref {
		some := false
		for _, c := range cols {
			some = some || (i < len(c) && c[i].N > 0)
		}
		if !some {
			continue
		}
		rec = append(rec[:0], time.UnixMilli(ref[i].Start).In(loc).Format(csvTime))
		for _, c := range cols {
			cell := ""
			if i < len(c) && c[i].N > 0 {
				if v, _, ok := trendValue(&c[i].Last); ok {
					cell = strconv.FormatFloat(v, 'f', -1, 64)
				}
			}
			rec = append(rec, cell)
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WritePNG writes the trend as a PNG image the size of the plot on
// screen (defaultExport before it was ever shown): the pens' names in
// their colours across the top, then the same drawing as the screen's.
func (v *TrendView) WritePNG(w io.Writer) error {
	scale := v.plot.scale()
	sz := v.plot.Size()
	size := image.Pt(int(sz.Width*scale+0.5), int(sz.Height*scale+0.5))
	if size.X < 100 || size.Y < 100 {
		size, scale = defaultExport, 1
	}
	return png.Encode(w, v.image(size, scale))
}

// image draws the trend into a new image of size, at scale pixels per
// unit: a legend line, then the plot with its axes, laid out as the
// widget lays itself out.
func (v *TrendView) image(size image.Point, scale float32) *image.RGBA {
	p := v.plot
	th := p.Theme()
	vr := fyne.CurrentApp().Settings().ThemeVariant()
	img := image.NewRGBA(image.Rectangle{Max: size})
	paintAll(img, toNRGBA(th.Color(theme.ColorNameBackground, vr)))
	fg := toNRGBA(th.Color(theme.ColorNameForeground, vr))
	face := exportFace(th, float64(th.Size(theme.SizeNameCaptionText)*scale))
	defer face.Close()
	pad := int(th.Size(theme.SizeNamePadding)*scale + 0.5)
	m := face.Metrics()
	lineH := (m.Ascent + m.Descent).Ceil()
	textW := func(s string) int { return font.MeasureString(face, s).Ceil() }

	// The legend: a swatch and the name of each pen, then the range.
	x := pad
	for i := range v.pens {
		c := v.plot.penColor(v.pens[i].slot)
		sw := image.Rect(x, pad+lineH/4, x+lineH/2, pad+lineH/4+lineH/2)
		paintAll(img.SubImage(sw).(*image.RGBA), c)
		x += lineH/2 + pad
		name := v.pens[i].Tag
		if d := v.pens[i].def; d != nil && d.Units != "" {
			name += " [" + d.Units + "]"
		}
		drawExportText(img, face, name, x, pad+m.Ascent.Ceil(), c)
		x += textW(name) + 3*pad
	}
	if rng := formatSpan(p.view, v.loc); x+textW(rng)+pad <= size.X { // when the names leave room
		drawExportText(img, face, rng, size.X-pad-textW(rng), pad+m.Ascent.Ceil(), fg)
	}

	// The plot, with the widget's margins in pixels.
	left := textW(valueLabelSample) + 2*pad
	top := pad + lineH + pad + lineH/2
	bottom := lineH + pad
	right := textW(timeLabelSample) / 2
	area := image.Rect(left, top, size.X-right, size.Y-bottom)
	if area.Dx() <= 0 || area.Dy() <= 0 {
		return img
	}
	f := p.frame(area.Dx(), area.Dy(), scale)
	f.draw(img.SubImage(area).(*image.RGBA))

	for _, tk := range trendTimeTicks(p.view, float64(area.Dx()), p.timeGap()*float64(scale), p.loc) {
		w := textW(tk.Label)
		tx := area.Min.X + int(tk.X) - w/2
		if tx < 0 || tx+w > size.X {
			continue
		}
		drawExportText(img, face, tk.Label, tx, area.Max.Y+pad/2+m.Ascent.Ceil(), fg)
	}
	if vt, dec := p.valueTicksFor(float32(area.Dy()) / scale); vt != nil {
		pen := p.pens[p.axisPen]
		for _, val := range vt {
			s := formatValueTick(val, dec)
			y := area.Min.Y + int(pen.scale.y(val)*float32(area.Dy()))
			drawExportText(img, face, s, area.Min.X-pad-textW(s), y-lineH/2+m.Ascent.Ceil(), pen.color)
		}
	}
	return img
}

// exportFace is the theme's regular font at size pixels, or a fixed
// bitmap font when the theme's does not parse.
func exportFace(th fyne.Theme, size float64) font.Face {
	if f, err := opentype.Parse(th.Font(fyne.TextStyle{}).Content()); err == nil {
		face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull})
		if err == nil {
			return face
		}
	}
	return basicfont.Face7x13
}

// drawExportText draws s with its baseline's left end at (x, y).
func drawExportText(img *image.RGBA, face font.Face, s string, x, y int, c color.Color) {
	d := font.Drawer{Dst: img, Src: image.NewUniform(c), Face: face, Dot: fixed.P(x, y)}
	d.DrawString(s)
}

// exportDialog asks where to save the trend as kind ("csv" or "png") and
// writes it there.
func (v *TrendView) exportDialog(kind string) {
	if v.win == nil {
		return
	}
	write := v.WriteCSV
	if kind == "png" {
		write = v.WritePNG
	}
	name := "trend-" + time.UnixMilli(v.plot.view.To).In(v.loc).Format("20060102-150405") + "." + kind
	saveFile(v.win, name, write, v.setStatus)
}
