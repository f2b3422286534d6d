package hmi

import (
	"image/color"
	"strings"
	"sync"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
)

// glyphText is a line of live text drawn as short pieces, one canvas.Text
// each: a number in pieces of glyphRun characters, then the rest (units,
// a bad-quality mark) as one.
//
// Fyne's GL painter keeps a texture for every distinct string it draws,
// for a minute after its last use. A number that changes every second
// leaves sixty textures behind it; 2,000 of them on a screen kept 120,000
// textures alive (565 MB, and half a core rasterising them, in
// scripts/measure-2000-tags.sh). Pieces of a number repeat: there are a
// thousand three-digit pieces, so the cache holds each once per colour and
// size, shared by every value on every screen, and nothing is rasterised
// as values change. One character a piece would draw three times as many
// textures each frame, which costs more in the GL driver than the pieces
// save. Kerning is kept inside a piece, not across two.
type glyphText struct {
	glyphs *fyne.Container // what the renderer lists; no layout: place positions them

	text      string
	color     color.Color
	size      float32
	bold      bool
	Alignment fyne.TextAlign

	pos    fyne.Position // the box place was given
	box    fyne.Size
	widths []float32 // layout's scratch: each shown piece's width
}

func newGlyphText() *glyphText {
	return &glyphText{glyphs: container.NewWithoutLayout(), color: color.Black}
}

// set shows text in c at size, and refreshes the pieces that changed.
func (g *glyphText) set(text string, c color.Color, size float32, bold bool) {
	if g.text == text && g.color == c && g.size == size && g.bold == bold {
		return
	}
	restyle := g.color != c || g.size != size || g.bold != bold
	g.text, g.color, g.size, g.bold = text, c, size, bold
	n := 0
	for rest := text; rest != ""; n++ {
		var s string
		s, rest = nextPiece(rest)
		if n == len(g.glyphs.Objects) {
			g.glyphs.Objects = append(g.glyphs.Objects, canvas.NewText("", c))
		}
		t := g.glyphs.Objects[n].(*canvas.Text)
		if t.Text != s || t.Hidden || restyle {
			t.Text, t.Color, t.TextSize, t.TextStyle.Bold, t.Hidden = s, c, size, bold, false
			t.Refresh()
		}
	}
	for _, o := range g.glyphs.Objects[n:] {
		if !o.Visible() {
			break // the rest were hidden before
		}
		o.Hide()
		o.Refresh() // nothing else may have changed: the frame must still be drawn
	}
	g.layout(n)
}

// place lays the run out in the box at pos, vertically centred and aligned
// horizontally by Alignment, like placeElemText for a canvas.Text.
func (g *glyphText) place(pos fyne.Position, box fyne.Size) {
	g.pos, g.box = pos, box
	g.glyphs.Resize(fyne.NewSize(pos.X+box.Width, pos.Y+box.Height)) // at the origin: glyphs are placed in the element's coordinates
	g.layout(g.pieces())
}

// layout positions the first n glyphs.
func (g *glyphText) layout(n int) {
	if n == 0 {
		return
	}
	style := fyne.TextStyle{Bold: g.bold}
	h := fyne.MeasureText("Mg", g.size, style).Height
	g.widths = g.widths[:0]
	var width float32
	for _, o := range g.glyphs.Objects[:n] {
		w := glyphAdvance(o.(*canvas.Text).Text, g.size, style)
		g.widths = append(g.widths, w)
		width += w
	}
	x := g.pos.X
	switch g.Alignment {
	case fyne.TextAlignCenter:
		x += (g.box.Width - width) / 2
	case fyne.TextAlignTrailing:
		x += g.box.Width - width
	}
	y := g.pos.Y + (g.box.Height-h)/2
	for i, o := range g.glyphs.Objects[:n] {
		w := g.widths[i]
		o.Move(fyne.NewPos(x, y))
		o.Resize(fyne.NewSize(w, h))
		x += w
	}
}

// glyphRun is how many characters of a number a piece holds.
const glyphRun = 3

// numberRune reports whether r is part of a formatted number; the rest of
// a text from the first other character on (" m³/h", " ?") is one piece:
// an element's units do not change, and keep their kerning.
func numberRune(r rune) bool {
	return r >= '0' && r <= '9' || r == '.' || r == '-' || r == '+' || r == 'e'
}

// nextPiece splits the first piece off s: up to glyphRun characters of a
// number, or all of s when it does not start with one.
func nextPiece(s string) (piece, rest string) {
	i, n := 0, 0
	for i < len(s) && n < glyphRun {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !numberRune(r) {
			if n == 0 {
				return s, ""
			}
			break
		}
		i += size
		n++
	}
	return s[:i], s[i:]
}

// pieces is how many pieces the text has: the glyphs in use.
func (g *glyphText) pieces() int {
	n := 0
	for rest := g.text; rest != ""; n++ {
		_, rest = nextPiece(rest)
	}
	return n
}

type glyphKey struct {
	s    string
	size float32
	bold bool
}

// glyphAdvances caches each piece's width: fyne.MeasureText takes a lock
// and shapes the string every time. Pieces of numbers are few; the pieces
// of live strings are not, so the cache starts again when it is full.
var glyphAdvances = struct {
	sync.Mutex
	m map[glyphKey]float32
}{m: map[glyphKey]float32{}}

const maxGlyphAdvances = 20000

func glyphAdvance(s string, size float32, style fyne.TextStyle) float32 {
	k := glyphKey{s, size, style.Bold}
	glyphAdvances.Lock()
	defer glyphAdvances.Unlock()
	if w, ok := glyphAdvances.m[k]; ok {
		return w
	}
	w := fyne.MeasureText(s, size, style).Width
	if len(glyphAdvances.m) >= maxGlyphAdvances {
		clear(glyphAdvances.m)
	}
	k.s = strings.Clone(s) // not the whole string the piece was cut from
	glyphAdvances.m[k] = w
	return w
}
