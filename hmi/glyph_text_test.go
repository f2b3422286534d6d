package hmi

import (
	"math/rand/v2"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
)

// visiblePieces is the text of a glyphText's shown pieces, joined by "|".
func visiblePieces(g *glyphText) string {
	var s []string
	for _, o := range g.glyphs.Objects {
		if o.Visible() {
			s = append(s, o.(*canvas.Text).Text)
		}
	}
	return strings.Join(s, "|")
}

func TestGlyphTextPieces(t *testing.T) {
	test.NewTempApp(t)
	g := newGlyphText()
	g.Alignment = fyne.TextAlignTrailing
	g.place(fyne.NewPos(4, 2), fyne.NewSize(200, 30))
	fg := isaColor("foreground")
	g.set("1234.5678 m³/h", fg, 14, false)
	if got := visiblePieces(g); got != "123|4.5|678| m³/h" {
		t.Fatalf("pieces %q", got)
	}
	// Right-aligned: the last piece ends at the box's right edge, each
	// piece starts where the one before it ends.
	objs := g.glyphs.Objects
	last := objs[3]
	if end := last.Position().X + last.Size().Width; end < 203.9 || end > 204.1 {
		t.Errorf("text ends at %v, want 204", end)
	}
	for i := 1; i < 4; i++ {
		if a, b := objs[i-1].Position().X+objs[i-1].Size().Width, objs[i].Position().X; a != b {
			t.Errorf("piece %d starts at %v, the one before ends at %v", i, b, a)
		}
	}
	h := fyne.MeasureText("Mg", 14, fyne.TextStyle{}).Height
	if y := objs[0].Position().Y; y != 2+(30-h)/2 {
		t.Errorf("pieces at y %v, want centred at %v", y, 2+(30-h)/2)
	}

	// A shorter text hides the pieces it no longer needs; a longer one
	// shows them again.
	g.set("7.5", fg, 14, false)
	if got := visiblePieces(g); got != "7.5" {
		t.Errorf("after a shorter text: pieces %q", got)
	}
	g.set("-12.25 ?", isaColor("warning"), 14, false)
	if got := visiblePieces(g); got != "-12|.25| ?" {
		t.Errorf("after a longer text: pieces %q", got)
	}
	for _, o := range objs[:3] {
		if o.(*canvas.Text).Color != isaColor("warning") {
			t.Error("a piece kept the old colour")
		}
	}
	g.set("", fg, 14, false)
	if got := visiblePieces(g); got != "" {
		t.Errorf("empty text shows %q", got)
	}
}

// TestGlyphTextPiecesAreFew is why glyphText exists: however many distinct
// numbers a screen shows, the strings Fyne rasterises and caches (the
// pieces) are a small fixed set, not one per value shown.
func TestGlyphTextPiecesAreFew(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	values, pieces := map[string]bool{}, map[string]bool{}
	for range 100_000 {
		s := formatFloat((r.Float64() - 0.3) * 10000)
		values[s] = true
		for rest := s; rest != ""; {
			var p string
			p, rest = nextPiece(rest)
			pieces[p] = true
		}
	}
	// Three characters of "0123456789.-": at most 12³, in practice the
	// thousand digit triplets and those with a point or a sign.
	if len(values) < 99_000 || len(pieces) > 1_728 {
		t.Errorf("%d distinct values drawn from %d distinct pieces", len(values), len(pieces))
	}
	t.Logf("%d distinct values drawn from %d distinct pieces", len(values), len(pieces))
}
