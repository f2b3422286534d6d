package hmi

import (
	"image"
	"image/color"
	"math"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// column returns the grey levels (R) of column x of img, top to bottom.
func column(img *image.RGBA, x int) []uint8 {
	var c []uint8
	for y := img.Rect.Min.Y; y < img.Rect.Max.Y; y++ {
		c = append(c, img.RGBAAt(x, y).R)
	}
	return c
}

func row(img *image.RGBA, y int) []uint8 {
	var r []uint8
	for x := img.Rect.Min.X; x < img.Rect.Max.X; x++ {
		r = append(r, img.RGBAAt(x, y).R)
	}
	return r
}

func white(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	paintAll(img, color.NRGBA{0xff, 0xff, 0xff, 0xff})
	return img
}

var black = color.NRGBA{A: 0xff}

func TestStrokeCoversExactly(t *testing.T) {
	// A vertical stroke 1 px wide through pixel centres covers its
	// column, and half of a pixel beyond each end (square ends).
	img := white(5, 8)
	strokeLine(img, 2.5, 1, 2.5, 5, 1, black)
	want := []uint8{127, 0, 0, 0, 0, 127, 255, 255} // 127: black at 128/255 over white
	if got := column(img, 2); string(got) != string(want) {
		t.Errorf("column 2 = %v, want %v", got, want)
	}
	for _, x := range []int{0, 1, 3, 4} {
		for y, v := range column(img, x) {
			if v != 255 {
				t.Errorf("pixel (%d, %d) = %d, want untouched", x, y, v)
			}
		}
	}

	// Horizontally, 2 px wide along a pixel boundary: two rows, from 1
	// px before the start to 1 px after the end.
	img = white(8, 5)
	strokeLine(img, 1, 2, 6, 2, 2, black)
	for y, want := range [][]uint8{
		{255, 255, 255, 255, 255, 255, 255, 255},
		{0, 0, 0, 0, 0, 0, 0, 255},
		{0, 0, 0, 0, 0, 0, 0, 255},
		{255, 255, 255, 255, 255, 255, 255, 255},
		{255, 255, 255, 255, 255, 255, 255, 255},
	} {
		if got := row(img, y); string(got) != string(want) {
			t.Errorf("row %d = %v, want %v", y, got, want)
		}
	}

	// A stroke half off the image is clipped, not a panic.
	img = white(4, 4)
	strokeLine(img, -10, -10, 2, 2, 1.5, black)
	strokeLine(img, 3.5, -100, 3.5, 100, 1, black)
	if got := column(img, 3); string(got) != string([]uint8{0, 0, 0, 0}) {
		t.Errorf("clipped vertical: %v", got)
	}
	// A dot (zero length) draws nothing; transparent colours neither.
	img = white(4, 4)
	strokeLine(img, 2, 2, 2, 2, 3, black)
	strokeLine(img, 0, 0, 4, 4, 3, color.NRGBA{})
	for y := range 4 {
		if got := row(img, y); string(got) != string([]uint8{255, 255, 255, 255}) {
			t.Errorf("row %d = %v after a dot", y, got)
		}
	}
}

func TestStrokeDiagonalIsContinuous(t *testing.T) {
	img := white(20, 20)
	strokeLine(img, 2, 3, 17, 15, 2, black)
	// Every column the segment crosses holds ink, as one run.
	for x := 3; x < 17; x++ {
		col := column(img, x)
		first, last := -1, -1
		for y, v := range col {
			if v < 200 {
				if first < 0 {
					first = y
				}
				last = y
			}
		}
		if first < 0 {
			t.Fatalf("column %d has no ink", x)
		}
		for y := first; y <= last; y++ {
			if col[y] == 255 {
				t.Errorf("column %d has a hole at %d", x, y)
			}
		}
		want := 3 + (float64(x)+0.5-2)*12/15 // the centre line
		if mid := float64(first+last+1) / 2; math.Abs(mid-want) > 1 {
			t.Errorf("column %d inked around %v, want %v", x, mid, want)
		}
	}
}

func TestFrameFollowsPanBeforeTheAnswer(t *testing.T) {
	// The data covers [0, 10 s) in 10 columns; the view was panned 2 s
	// later. Column 5's envelope, at 5.5 s, shows at pixel 3 of 10.
	geom := penGeometry{Envelope: []trendSeg{{X0: 5.5, Y0: 0, X1: 5.5, Y1: 1}}}
	f := trendFrame{
		View: timeSpan{2000, 12000}, Data: timeSpan{0, 10000}, Cols: 10,
		Pens:  []framePen{{Color: black, Geom: &geom}},
		Style: frameStyle{Background: color.NRGBA{0xff, 0xff, 0xff, 0xff}, Line: 1, Envelope: 1},
	}
	img := image.NewRGBA(image.Rect(0, 0, 10, 4))
	f.draw(img)
	want := 0xff - uint8(envelopeAlpha)
	for x := range 10 {
		v := img.RGBAAt(x, 2).R
		if (x == 3) != (v < 0xff) {
			t.Errorf("pixel %d = %d", x, v)
		}
		if x == 3 && (v < want-1 || v > want+1) {
			t.Errorf("envelope pixel %d, want about %d (%d alpha)", v, want, envelopeAlpha)
		}
	}
	// Zoomed out twice: the same envelope at pixel 1 (5.5 s of [2, 22) s
	// at 2 s a pixel).
	f.View = timeSpan{2000, 22000}
	f.draw(img)
	if img.RGBAAt(1, 2).R == 0xff || img.RGBAAt(3, 2).R != 0xff {
		t.Errorf("zoomed: row %v", row(img, 2))
	}
	// A frame drawn into part of an image stays inside it.
	big := image.NewRGBA(image.Rect(0, 0, 30, 10))
	paintAll(big, color.NRGBA{0, 0, 0, 0xff})
	sub := big.SubImage(image.Rect(10, 3, 20, 7)).(*image.RGBA)
	f.View = timeSpan{2000, 12000}
	f.draw(sub)
	if big.RGBAAt(9, 5).R != 0 || big.RGBAAt(20, 5).R != 0 || big.RGBAAt(10, 3).R != 0xff || big.RGBAAt(13, 5).R == 0xff {
		t.Errorf("sub-image drawing: row 5 %v", row(big, 5))
	}
}

// lab converts c to CIE L*a*b* (D65), for colour distances.
func lab(c color.NRGBA) [3]float64 {
	lin := func(v uint8) float64 {
		f := float64(v) / 0xff
		if f <= 0.04045 {
			return f / 12.92
		}
		return math.Pow((f+0.055)/1.055, 2.4)
	}
	r, g, b := lin(c.R), lin(c.G), lin(c.B)
	x := (0.4124*r + 0.3576*g + 0.1805*b) / 0.95047
	y := 0.2126*r + 0.7152*g + 0.0722*b
	z := (0.0193*r + 0.1192*g + 0.9505*b) / 1.08883
	f := func(t float64) float64 {
		if t > 216.0/24389 {
			return math.Cbrt(t)
		}
		return t*24389/27/116 + 16.0/116
	}
	return [3]float64{116*f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))}
}

func deltaE(a, b color.NRGBA) float64 {
	la, lb := lab(a), lab(b)
	return math.Sqrt((la[0]-lb[0])*(la[0]-lb[0]) + (la[1]-lb[1])*(la[1]-lb[1]) + (la[2]-lb[2])*(la[2]-lb[2]))
}

func penContrast(a, b color.NRGBA) float64 {
	la, lb := plotLuminance(a)+0.05, plotLuminance(b)+0.05
	return max(la, lb) / min(la, lb)
}

// TestPenPalette checks the palette's promises on both themes: readable
// on the plot and on the window (the legend), distinguishable from each
// other and from the alarm colours.
func TestPenPalette(t *testing.T) {
	for name, th := range map[string]fyne.Theme{"light": NewTheme(), "dark": NewDarkTheme()} {
		plot := toNRGBA(th.Color(theme.ColorNameInputBackground, theme.VariantLight))
		pal := palette(plot)
		if (name == "dark") != (pal == &penColorsDark) {
			t.Errorf("%s theme: the other palette", name)
		}
		bg := toNRGBA(th.Color(theme.ColorNameBackground, theme.VariantLight))
		alarms := []color.NRGBA{
			toNRGBA(th.Color(theme.ColorNameError, theme.VariantLight)),
			toNRGBA(th.Color(theme.ColorNameWarning, theme.VariantLight)),
		}
		for i, c := range pal {
			for _, on := range []color.NRGBA{plot, bg} {
				if r := penContrast(c, on); r < 3 {
					t.Errorf("%s: pen %d %v contrasts %.2f:1 with %v, want ≥ 3", name, i, c, r, on)
				}
			}
			for _, a := range alarms {
				if d := deltaE(c, a); d < 25 {
					t.Errorf("%s: pen %d %v is ΔE %.1f from alarm colour %v", name, i, c, d, a)
				}
			}
			for j := i + 1; j < len(pal); j++ {
				if d := deltaE(c, pal[j]); d < 18 {
					t.Errorf("%s: pens %d and %d are ΔE %.1f apart", name, i, j, d)
				}
			}
		}
	}
}
