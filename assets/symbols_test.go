package assets_test

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/sightglass/sightglass/assets"
	"github.com/sightglass/sightglass/project"
)

// TestSymbolsAreKnown: the symbols folder and the names a screen may use
// agree, both ways.
func TestSymbolsAreKnown(t *testing.T) {
	got := assets.Symbols()
	if !slices.Equal(got, project.KnownSymbols) {
		t.Errorf("symbols folder has %v, project.KnownSymbols %v", got, project.KnownSymbols)
	}
	for _, name := range project.KnownSymbols {
		if _, ok := assets.Symbol(name); !ok {
			t.Errorf("Symbol(%q): missing", name)
		}
	}
	for _, name := range []string{"", "pump.svg", "Pump", "../demo/project", "symbols/pump", ".", "nope"} {
		if data, ok := assets.Symbol(name); ok || data != nil {
			t.Errorf("Symbol(%q) = %d bytes, %v; want nothing", name, len(data), ok)
		}
	}
}

// The SVG a symbol may use: shapes that Fyne's renderer (oksvg) draws and
// that Fyne's colouring (which rewrites the SVG through its own structs)
// keeps — so no line or polyline — in groups, with presentation
// attributes only: no CSS, text, gradients, images or references.
var (
	symbolElements = []string{"svg", "g", "path", "circle", "ellipse", "rect", "polygon"}
	shapeAttrs     = map[string][]string{
		"path":    {"d"},
		"circle":  {"cx", "cy", "r"},
		"ellipse": {"cx", "cy", "rx", "ry"},
		"rect":    {"x", "y", "width", "height", "rx", "ry"},
		"polygon": {"points"},
	}
	groupAttrs = []string{"fill", "stroke", "stroke-width", "stroke-linecap", "stroke-linejoin"}
)

// TestSymbolFiles checks that every symbol is valid XML and the line art
// the HMI expects: a 64×64 view box, one stroke colour set once on the
// root group, and no fill anywhere.
func TestSymbolFiles(t *testing.T) {
	for _, name := range assets.Symbols() {
		t.Run(name, func(t *testing.T) {
			data, _ := assets.Symbol(name)
			if !bytes.HasPrefix(data, []byte("<svg ")) {
				t.Error(`does not start with "<svg ": Fyne sniffs an SVG by its first bytes`)
			}
			if n := bytes.Count(data, []byte(assets.SymbolStroke)); n != 1 {
				t.Errorf("SymbolStroke %s written %d times, want once", assets.SymbolStroke, n)
			}
			dec := xml.NewDecoder(bytes.NewReader(data))
			dec.Strict = true
			var stack []string
			shapes := 0
			for {
				tok, err := dec.Token()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					t.Fatalf("not XML: %v", err)
				}
				switch tok := tok.(type) {
				case xml.StartElement:
					el := tok.Name.Local
					if !slices.Contains(symbolElements, el) {
						t.Errorf("element <%s>: use %s", el, strings.Join(symbolElements, ", "))
					}
					checkSymbolElement(t, el, tok.Attr, len(stack))
					if shapeAttrs[el] != nil {
						shapes++
					}
					stack = append(stack, el)
				case xml.EndElement:
					stack = stack[:len(stack)-1]
				case xml.CharData:
					if len(bytes.TrimSpace(tok)) > 0 {
						t.Errorf("text %q: a symbol has no text", bytes.TrimSpace(tok))
					}
				case xml.ProcInst, xml.Directive:
					t.Errorf("%T: a symbol starts with <svg", tok)
				}
			}
			if shapes == 0 {
				t.Error("draws nothing")
			}
		})
	}
}

// checkSymbolElement checks one element's attributes; depth is 0 for the
// root.
func checkSymbolElement(t *testing.T, el string, attrs []xml.Attr, depth int) {
	t.Helper()
	get := map[string]string{}
	for _, a := range attrs {
		get[a.Name.Local] = a.Value
	}
	switch {
	case el == "svg" && depth == 0:
		if get["viewBox"] != "0 0 64 64" || get["xmlns"] != "http://www.w3.org/2000/svg" ||
			get["width"] != "64" || get["height"] != "64" {
			t.Errorf("<svg %v>: want xmlns, width 64, height 64, viewBox 0 0 64 64", get)
		}
		return
	case el == "svg":
		t.Error("a nested <svg>")
		return
	case el == "g" && depth == 1:
		if get["stroke"] != assets.SymbolStroke || get["fill"] != "none" {
			t.Errorf("root <g %v>: want stroke %s and fill none", get, assets.SymbolStroke)
		}
	case get["fill"] != "none":
		t.Errorf("<%s>: want fill=\"none\" on every shape (Fyne's colouring fills a shape without it)", el)
	}
	allowed := slices.Concat(shapeAttrs[el], []string{"fill"})
	if el == "g" {
		allowed = groupAttrs
	}
	for _, a := range attrs {
		if !slices.Contains(allowed, a.Name.Local) {
			t.Errorf("<%s %s=%q>: want only %s", el, a.Name.Local, a.Value, strings.Join(allowed, ", "))
		}
	}
	for _, a := range shapeAttrs[el] {
		if _, ok := get[a]; !ok && el != "rect" {
			t.Errorf("<%s>: no %s", el, a)
		}
	}
}
