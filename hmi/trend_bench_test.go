package hmi

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"math"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"github.com/sightglass/sightglass/historian"
	"github.com/sightglass/sightglass/tags"
)

// The benchmarks' trend: 8 pens × 7 days of 1 s samples on a plot 1,000
// px wide (400 high).
const (
	benchPens   = maxPens
	benchWidth  = 1000
	benchHeight = 400
	benchWeek   = 7 * 24 * 3600 // samples a pen
)

var benchStart = time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC).UnixMilli()

// benchSample is pen j's k-th sample: a slow wave with noise, at the
// resolution of a float32 transmitter (as historian's benchmarks).
func benchSample(j, k int) historian.Sample {
	x := 50 + 20*math.Sin(float64(k)/600+float64(j)) + 0.3*math.Sin(float64(k)*1.7+float64(j)*0.3)
	return historian.Sample{T: benchStart + int64(k)*1000, V: tags.Float32(float32(math.Round(x*100) / 100)), Q: tags.GoodQuality}
}

// benchColumns decimates each pen's week in memory (historian.M4), as
// the historian's Decimate would answer.
func benchColumns(b testing.TB) ([][]historian.Column, timeSpan) {
	data := timeSpan{benchStart, benchStart + benchWeek*1000}
	cols := make([][]historian.Column, benchPens)
	samples := make([]historian.Sample, benchWeek)
	for j := range cols {
		for k := range samples {
			samples[k] = benchSample(j, k)
		}
		cols[j] = historian.M4(samples, data.From, data.To, benchWidth)
	}
	return cols, data
}

// redraw is what the trend does to show columns: each pen's auto scale
// and geometry, then the frame drawn into img, the view panned 100 px
// from the data (what a pan shows until its query answers).
func redraw(cols [][]historian.Column, data timeSpan, geoms []penGeometry, img *image.RGBA, style frameStyle) {
	f := trendFrame{Data: data, Cols: benchWidth, Style: style, Pens: make([]framePen, len(cols))}
	f.View = panSpan(data, 100, benchWidth)
	for i, c := range cols {
		lo, hi, _ := trendDataRange(c)
		buildGeometry(c, trendAutoScale(lo, hi), defaultBridge, &geoms[i])
		f.Pens[i] = framePen{Color: penColors[i], Geom: &geoms[i]}
	}
	for _, tk := range trendTimeTicks(f.View, benchWidth, 100, time.UTC) {
		f.XGrid = append(f.XGrid, math.Floor(tk.X)+0.5)
	}
	f.draw(img)
}

func benchStyle() frameStyle {
	th := NewTheme()
	return frameStyle{
		Background: toNRGBA(th.Color(theme.ColorNameInputBackground, theme.VariantLight)),
		Grid:       toNRGBA(th.Color(theme.ColorNameSeparator, theme.VariantLight)),
		Line:       2, Envelope: 1, GridW: 1,
	}
}

// BenchmarkTrendRedraw: the redraw after a pan of 8 pens × 7 days into
// a 1,000 px plot: geometry and drawing, not the query.
func BenchmarkTrendRedraw(b *testing.B) {
	cols, data := benchColumns(b)
	geoms := make([]penGeometry, benchPens)
	img := image.NewRGBA(image.Rect(0, 0, benchWidth, benchHeight))
	style := benchStyle()
	b.Run("geometry+raster", func(b *testing.B) {
		b.ReportAllocs()
		start := time.Now()
		for range b.N {
			redraw(cols, data, geoms, img, style)
		}
		b.ReportMetric(float64(time.Since(start).Microseconds())/1000/float64(b.N), "ms/redraw")
		n := 0
		for _, g := range geoms {
			n += len(g.Line) + len(g.Envelope)
		}
		b.ReportMetric(float64(n), "segments")
	})
	b.Run("geometry", func(b *testing.B) {
		start := time.Now()
		for range b.N {
			for i, c := range cols {
				lo, hi, _ := trendDataRange(c)
				buildGeometry(c, trendAutoScale(lo, hi), defaultBridge, &geoms[i])
			}
		}
		b.ReportMetric(float64(time.Since(start).Microseconds())/1000/float64(b.N), "ms/redraw")
	})
}

// BenchmarkTrendPaint compares the two ways the plot could reach the
// screen, each painted by Fyne's software painter (the headless stand-in
// for the GL one) after a pan: a canvas.Raster that draws the frame
// into one image, and a canvas.Line per segment from a pool, moved.
func BenchmarkTrendPaint(b *testing.B) {
	cols, data := benchColumns(b)
	geoms := make([]penGeometry, benchPens)
	style := benchStyle()
	test.NewTempApp(b).Settings().SetTheme(NewTheme())
	size := fyne.NewSize(benchWidth, benchHeight)

	b.Run("raster", func(b *testing.B) {
		img := image.NewRGBA(image.Rect(0, 0, benchWidth, benchHeight))
		r := canvas.NewRaster(func(w, h int) image.Image {
			redraw(cols, data, geoms, img, style)
			return img
		})
		win := test.NewTempWindow(b, r)
		win.SetPadded(false)
		win.Resize(size)
		start := time.Now()
		for range b.N {
			r.Refresh()
			win.Canvas().Capture()
		}
		b.ReportMetric(float64(time.Since(start).Microseconds())/1000/float64(b.N), "ms/frame")
	})

	b.Run("lines", func(b *testing.B) {
		// Lay the pool out once, then move every line as a pan does.
		var lines []*canvas.Line
		objs := []fyne.CanvasObject{}
		place := func(shift float32) {
			n := 0
			for i, c := range cols {
				lo, hi, _ := trendDataRange(c)
				buildGeometry(c, trendAutoScale(lo, hi), defaultBridge, &geoms[i])
				for _, set := range [][]trendSeg{geoms[i].Envelope, geoms[i].Line} {
					for _, s := range set {
						if n == len(lines) {
							l := canvas.NewLine(penColors[i])
							lines = append(lines, l)
							objs = append(objs, l)
						}
						l := lines[n]
						l.StrokeColor, l.StrokeWidth = penColors[i], 2
						l.Position1 = fyne.NewPos(s.X0+shift, s.Y0*benchHeight)
						l.Position2 = fyne.NewPos(s.X1+shift, s.Y1*benchHeight)
						l.Refresh()
						n++
					}
				}
			}
		}
		place(0)
		win := test.NewTempWindow(b, unlaid(objs))
		win.SetPadded(false)
		win.Resize(size)
		start := time.Now()
		for i := range b.N {
			place(float32(i%2) * 100)
			win.Canvas().Capture()
		}
		b.ReportMetric(float64(time.Since(start).Microseconds())/1000/float64(b.N), "ms/frame")
		b.ReportMetric(float64(len(lines)), "lines")
	})
}

// unlaid holds objects where they are: no layout.
func unlaid(objs []fyne.CanvasObject) *fyne.Container {
	return &fyne.Container{Objects: objs}
}

// benchHistorySource is a TrendSource over a historian holding 8 pens ×
// 7 days of 1 s samples, imported into a temp folder.
func benchHistorySource(b *testing.B) historianSource {
	b.Helper()
	db, err := historian.Open(historian.Options{Dir: b.TempDir(), Logger: quietLog})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	defs := make([]tags.Def, benchPens)
	built := time.Now()
	samples := make([]historian.Sample, benchWeek)
	for j := range defs {
		defs[j] = tags.Def{Name: fmt.Sprintf("Bench.Pen%d", j), Type: tags.TypeFloat32, Units: "m"}
		id, err := db.Register(historian.TagConfig{Name: defs[j].Name, Hint: historian.HintFor(&defs[j])})
		if err != nil {
			b.Fatal(err)
		}
		for k := range samples {
			samples[k] = benchSample(j, k)
		}
		if err := db.Import(context.Background(), id, samples); err != nil {
			b.Fatal(err)
		}
	}
	if err := db.Flush(); err != nil { // and the rollups the imports rebuild
		b.Fatal(err)
	}
	b.Logf("history: %d pens × %d samples imported in %v", benchPens, benchWeek, time.Since(built).Round(time.Millisecond))
	return historianSource{db: db, bus: tags.NewBus(tags.NewTable(defs))}
}

// BenchmarkTrendQueryDraw: a pan of 8 pens × 7 days with a real
// historian: every pen's Decimate (concurrently, as the trend queries;
// and one after another, for comparison), then geometry and drawing. The
// data set is built once for the sub-benchmarks.
func BenchmarkTrendQueryDraw(b *testing.B) {
	src := benchHistorySource(b)
	names := make([]string, benchPens)
	for j := range names {
		names[j] = fmt.Sprintf("Bench.Pen%d", j)
	}
	week := timeSpan{benchStart, benchStart + benchWeek*1000}
	geoms := make([]penGeometry, benchPens)
	img := image.NewRGBA(image.Rect(0, 0, benchWidth, benchHeight))
	style := benchStyle()
	ctx := context.Background()
	run := func(b *testing.B, fetch func(q trendQuery) trendData) {
		start := time.Now()
		for i := range b.N {
			span := panSpan(week, float64(i%2*100), benchWidth) // a pan of 100 px back and forth
			d := fetch(trendQuery{ctx: ctx, tags: names, span: span, width: benchWidth})
			for j, err := range d.errs {
				if err != nil || len(d.cols[j]) != benchWidth {
					b.Fatal(err, len(d.cols[j]))
				}
			}
			redraw(d.cols, d.span, geoms, img, style)
		}
		b.ReportMetric(float64(time.Since(start).Microseconds())/1000/float64(b.N), "ms/pan")
	}
	b.Run("concurrent", func(b *testing.B) {
		run(b, func(q trendQuery) trendData { return fetchTrend(q.ctx, src, q) })
	})
	b.Run("sequential", func(b *testing.B) {
		run(b, func(q trendQuery) trendData {
			d := trendData{span: q.span, width: q.width, tags: q.tags, cols: make([][]historian.Column, len(q.tags)), errs: make([]error, len(q.tags))}
			for j, tag := range q.tags {
				d.cols[j], d.errs[j] = src.Decimate(q.ctx, tag, time.UnixMilli(q.span.From), time.UnixMilli(q.span.To), q.width)
			}
			return d
		})
	})
}

// TestFrameBandsDrawTheSame: a frame drawn in bands at once is the frame
// drawn in one piece, byte for byte.
func TestFrameBandsDrawTheSame(t *testing.T) {
	cols, data := benchColumns(nil)
	geoms := make([]penGeometry, benchPens)
	f := trendFrame{View: panSpan(data, 37.3, benchWidth), Data: data, Cols: benchWidth, Style: benchStyle(), Pens: make([]framePen, benchPens)}
	for i, c := range cols {
		buildGeometry(c, penScale{30, 70}, defaultBridge, &geoms[i]) // some values off the scale
		f.Pens[i] = framePen{Color: penColors[i], Geom: &geoms[i]}
	}
	f.XGrid = []float64{100.5, 300.5, 700.5}
	f.YGrid = []float32{0.25, 0.5, 0.75}
	one := image.NewRGBA(image.Rect(0, 0, benchWidth, 333))
	f.drawBands(one, 1)
	for _, n := range []int{2, 3, 4} {
		banded := image.NewRGBA(one.Rect)
		f.drawBands(banded, n)
		if !bytes.Equal(one.Pix, banded.Pix) {
			t.Errorf("%d bands differ from one", n)
		}
	}
}
