package hmi

import (
	"image"
	"image/color"
	"math"
	"runtime"
	"sync"
)

// maxPens is how many tags one trend shows: eight stay distinguishable by
// colour and readable in the readout.
const maxPens = 8

// penColors is the pens' palette on a light plot, in the order pens are
// added. On an ISA-101 screen colour means an abnormal state; a trend's
// pen colours are data, so they are muted, mid-dark hues that stay apart
// from each other (CIE76 ΔE ≥ 18) and from the theme's red and amber, and
// contrast at least 3:1 with the plot's background (WCAG 2.1 §1.4.11 for
// graphics). None is a pure red, orange or yellow. TestPenPalette checks
// all this against both themes.
var penColors = [maxPens]color.NRGBA{
	{R: 0x1f, G: 0x5f, B: 0xa8, A: 0xff}, // blue
	{R: 0x00, G: 0x75, B: 0x57, A: 0xff}, // bluish green
	{R: 0x7b, G: 0x4f, B: 0xa0, A: 0xff}, // purple
	{R: 0x00, G: 0x7a, B: 0x8f, A: 0xff}, // teal
	{R: 0x9c, G: 0x45, B: 0x80, A: 0xff}, // plum
	{R: 0x63, G: 0x68, B: 0x18, A: 0xff}, // olive
	{R: 0x6b, G: 0x48, B: 0x2c, A: 0xff}, // brown
	{R: 0x2a, G: 0x2a, B: 0x2a, A: 0xff}, // near black
}

// penColorsDark is the same palette, lighter, for a dark plot (the
// control-room theme).
var penColorsDark = [maxPens]color.NRGBA{
	{R: 0x6f, G: 0xa8, B: 0xdc, A: 0xff},
	{R: 0x4f, G: 0xbf, B: 0x9a, A: 0xff},
	{R: 0xb5, G: 0x9a, B: 0xd6, A: 0xff},
	{R: 0x4c, G: 0xc3, B: 0xd1, A: 0xff},
	{R: 0xd8, G: 0x8c, B: 0xc0, A: 0xff},
	{R: 0xb8, G: 0xbd, B: 0x5a, A: 0xff},
	{R: 0xc9, G: 0xa2, B: 0x7e, A: 0xff},
	{R: 0xe0, G: 0xe0, B: 0xe0, A: 0xff},
}

// darkPlot is the plotLuminance below which a plot background counts as
// dark: the middle grey's, about RGB 0x76.
const darkPlot = 0.18

// palette is the pens' palette on a plot of background bg.
func palette(bg color.NRGBA) *[maxPens]color.NRGBA {
	if plotLuminance(bg) < darkPlot {
		return &penColorsDark
	}
	return &penColors
}

// plotLuminance is c's relative plotLuminance (WCAG 2.1), ignoring alpha.
func plotLuminance(c color.NRGBA) float64 {
	lin := func(v uint8) float64 {
		f := float64(v) / 0xff
		if f <= 0.04045 {
			return f / 12.92
		}
		return math.Pow((f+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(c.R) + 0.7152*lin(c.G) + 0.0722*lin(c.B)
}

// Alphas of the lighter strokes: an envelope behind its line, and a line
// drawn through uncertain values.
const (
	envelopeAlpha = 0x59 // 35 %
	weakAlpha     = 0x80 // 50 %
)

// framePen is one pen of a trendFrame.
type framePen struct {
	Color color.NRGBA
	Geom  *penGeometry
}

// frameStyle holds the colours and widths of a drawing, in device
// pixels: the caller takes them from the theme and the canvas scale.
type frameStyle struct {
	Background, Grid      color.NRGBA
	Line, Envelope, GridW float32 // stroke widths
}

// trendFrame is everything one drawing of the plot needs; the screen's
// raster and the PNG export draw the same frame.
type trendFrame struct {
	View  timeSpan // the time the plot shows
	Data  timeSpan // the time the pens' columns cover: View, or what it was before a pan or zoom whose query has not answered yet
	Cols  int      // columns in Data (the geometry's X runs over [0, Cols])
	Pens  []framePen
	XGrid []float64 // vertical grid lines: pixels from the left
	YGrid []float32 // horizontal grid lines: fractions of the height from the top
	Style frameStyle
}

// Drawing is split into horizontal bands drawn at once, one goroutine
// each, up to maxBands and no band under minBandRows rows: most of the
// time goes to blending pixels, and each pixel lies in one band, so the
// bands share nothing and the picture is the same as drawn in one piece
// (TestFrameBandsDrawTheSame).
const (
	maxBands    = 4
	minBandRows = 64
)

// draw paints f over the whole of img: background, grid, every pen's
// envelope, then every pen's line, the first pen on top.
func (f *trendFrame) draw(img *image.RGBA) {
	f.drawBands(img, min(runtime.GOMAXPROCS(0), maxBands, img.Bounds().Dy()/minBandRows))
}

// drawBands draws f into img in n bands.
func (f *trendFrame) drawBands(img *image.RGBA, n int) {
	b := img.Bounds()
	if n <= 1 {
		f.drawBand(img, 0, b.Dx(), b.Dy())
		return
	}
	var wg sync.WaitGroup
	for k := range n {
		y0, y1 := b.Min.Y+b.Dy()*k/n, b.Min.Y+b.Dy()*(k+1)/n
		band := img.SubImage(image.Rect(b.Min.X, y0, b.Max.X, y1)).(*image.RGBA)
		wg.Go(func() { f.drawBand(band, float32(y0-b.Min.Y), b.Dx(), b.Dy()) })
	}
	wg.Wait()
}

// drawBand draws the rows of a w×h frame that band holds, from row top.
func (f *trendFrame) drawBand(band *image.RGBA, top float32, w, h int) {
	paintAll(band, f.Style.Background)
	for _, x := range f.XGrid {
		strokeLine(band, float32(x), -top, float32(x), float32(h)-top, f.Style.GridW, f.Style.Grid)
	}
	for _, y := range f.YGrid {
		yy := y*float32(h) - top
		strokeLine(band, 0, yy, float32(w), yy, f.Style.GridW, f.Style.Grid)
	}
	if f.Cols <= 0 || f.View.length() <= 0 {
		return
	}
	// Column x to pixel: the time of x, then its pixel in View.
	pxPerMs := float64(w) / float64(f.View.length())
	colMs := float64(max(f.Data.length()/int64(f.Cols), 1))
	ax := float32(colMs * pxPerMs)
	bx := float32(float64(f.Data.From-f.View.From) * pxPerMs)
	hy := float32(h)
	for i := len(f.Pens) - 1; i >= 0; i-- {
		p := f.Pens[i]
		c := p.Color
		c.A = uint8(uint32(c.A) * envelopeAlpha / 0xff)
		for _, s := range p.Geom.Envelope {
			strokeLine(band, s.X0*ax+bx, s.Y0*hy-top, s.X1*ax+bx, s.Y1*hy-top, f.Style.Envelope, c)
		}
	}
	for i := len(f.Pens) - 1; i >= 0; i-- {
		p := f.Pens[i]
		weak := p.Color
		weak.A = uint8(uint32(weak.A) * weakAlpha / 0xff)
		for _, s := range p.Geom.Line {
			c := p.Color
			if s.Weak {
				c = weak
			}
			strokeLine(band, s.X0*ax+bx, s.Y0*hy-top, s.X1*ax+bx, s.Y1*hy-top, f.Style.Line, c)
		}
	}
}

// paintAll paints all of img with c.
func paintAll(img *image.RGBA, c color.NRGBA) {
	r, g, b, a := c.RGBA()
	px := [4]uint8{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), uint8(a >> 8)}
	bd := img.Bounds()
	for y := bd.Min.Y; y < bd.Max.Y; y++ {
		row := img.Pix[img.PixOffset(bd.Min.X, y) : img.PixOffset(bd.Max.X-1, y)+4]
		for i := 0; i < len(row); i += 4 {
			copy(row[i:i+4], px[:])
		}
	}
}

// strokeLine draws the segment (x0, y0)–(x1, y1), in pixels from img's
// top-left corner, w pixels wide with square ends, anti-aliased, blended
// over what is there in colour c. Parts outside img are clipped.
//
// It walks the segment's major axis one pixel row (or column) at a time
// and covers, across it, the stroke's cross-section at the row's centre,
// weighting each pixel by the part of it the cross-section covers: exact
// for the vertical and horizontal strokes most of a trend is made of, and
// within a pixel's shading elsewhere. It costs one blend per pixel
// touched, unlike a polygon rasteriser that sweeps the bounding box.
func strokeLine(img *image.RGBA, x0, y0, x1, y1, w float32, c color.NRGBA) {
	if c.A == 0 || w <= 0 {
		return
	}
	b := img.Bounds()
	if pxAbs(y1-y0) >= pxAbs(x1-x0) {
		strokeAlong(img, x0, y0, x1, y1, w, c, b.Dx(), b.Dy(), false)
	} else {
		strokeAlong(img, y0, x0, y1, x1, w, c, b.Dy(), b.Dx(), true)
	}
}

// strokeAlong draws a segment whose major axis is b (|b1−b0| ≥ |a1−a0|);
// aMax and bMax bound the image along a and b. swap says b is x.
func strokeAlong(img *image.RGBA, a0, b0, a1, b1, w float32, c color.NRGBA, aMax, bMax int, swap bool) {
	if b0 > b1 {
		a0, b0, a1, b1 = a1, b1, a0, b0
	}
	da, db := a1-a0, b1-b0
	if db == 0 {
		return // a dot
	}
	half := w / 2
	bStart, bEnd := b0-half, b1+half
	lo, hi := max(pxFloor(bStart), 0), min(pxCeil(bEnd), bMax)
	if da == 0 {
		strokeStraight(img, a0, half, bStart, bEnd, lo, hi, c, aMax, swap)
		return
	}
	length := float32(math.Hypot(float64(da), float64(db)))
	across := half * length / db // half the cross-section along a
	slope := da / db
	for p := lo; p < hi; p++ {
		pf := float32(p)
		along := min(pf+1, bEnd) - max(pf, bStart)
		if along <= 0 {
			continue
		}
		bc := min(max(pf+0.5, b0), b1)
		ac := a0 + (bc-b0)*slope
		l, r := ac-across, ac+across
		ql, qr := max(pxFloor(l), 0), min(pxCeil(r), aMax)
		for q := ql; q < qr; q++ {
			qf := float32(q)
			cov := (min(qf+1, r) - max(qf, l)) * min(along, 1)
			if swap {
				blendPixel(img, p, q, c, cov)
			} else {
				blendPixel(img, q, p, c, cov)
			}
		}
	}
}

// maxStraight is the widest straight stroke strokeStraight draws, in
// pixels across; wider ones would take a larger table.
const maxStraight = 16

// strokeStraight draws a stroke parallel to an axis (most of a trend:
// envelopes, a column's first-to-last, grid lines) from bStart to bEnd
// along it, centred on a across it: its coverage across is the same on
// every row, so it is worked out once, and the rows between the ends are
// blended in integers.
func strokeStraight(img *image.RGBA, a, half, bStart, bEnd float32, lo, hi int, c color.NRGBA, aMax int, swap bool) {
	ql, qr := max(pxFloor(a-half), 0), min(pxCeil(a+half), aMax)
	if ql >= qr || qr-ql > maxStraight {
		return
	}
	var alpha [maxStraight]uint32
	for q := ql; q < qr; q++ {
		qf := float32(q)
		cov := min(qf+1, a+half) - max(qf, a-half)
		alpha[q-ql] = uint32(float32(c.A)*cov + 0.5)
	}
	pix, stride := img.Pix, img.Stride
	for p := lo; p < hi; p++ {
		pf := float32(p)
		along := min(pf+1, bEnd) - max(pf, bStart)
		if along <= 0 {
			continue
		}
		for q := ql; q < qr; q++ {
			al := alpha[q-ql]
			if along < 1 {
				al = uint32(float32(al)*along + 0.5)
			}
			i := q*4 + p*stride
			if swap {
				i = p*4 + q*stride
			}
			blendAt(pix[i:i+4:i+4], c, al)
		}
	}
}

// blendPixel paints c over the pixel (x, y) of img, counted from its bounds'
// corner, at coverage cov in [0, 1].
func blendPixel(img *image.RGBA, x, y int, c color.NRGBA, cov float32) {
	i := y*img.Stride + x*4
	blendAt(img.Pix[i:i+4:i+4], c, uint32(float32(c.A)*cov+0.5))
}

// blendAt paints c at alpha a (of 255) over the pixel p.
func blendAt(p []uint8, c color.NRGBA, a uint32) {
	if a == 0 {
		return
	}
	if a >= 0xff { // opaque: the middle of a line
		p[0], p[1], p[2], p[3] = c.R, c.G, c.B, 0xff
		return
	}
	ia := 0xff - a
	p[0] = uint8((uint32(c.R)*a + uint32(p[0])*ia + 0x7f) / 0xff)
	p[1] = uint8((uint32(c.G)*a + uint32(p[1])*ia + 0x7f) / 0xff)
	p[2] = uint8((uint32(c.B)*a + uint32(p[2])*ia + 0x7f) / 0xff)
	if p[3] != 0xff { // over an opaque background it stays opaque
		p[3] = uint8((a*0xff + uint32(p[3])*ia + 0x7f) / 0xff)
	}
}

func pxAbs(f float32) float32 {
	if f < 0 {
		return -f
	}
	return f
}

func pxFloor(f float32) int { return int(math.Floor(float64(f))) }
func pxCeil(f float32) int  { return int(math.Ceil(float64(f))) }

// toNRGBA converts any colour (a theme's) to NRGBA.
func toNRGBA(c color.Color) color.NRGBA { return color.NRGBAModel.Convert(c).(color.NRGBA) }
