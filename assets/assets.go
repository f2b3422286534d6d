// Package assets holds the files Sightglass embeds in its binary: the
// demo project and the process screens' symbols, and in time icons,
// fonts and translations.
package assets

import (
	"embed"
	"io/fs"
	"path"
	"slices"
	"strings"
)

//go:embed demo
var demo embed.FS

// Demo is the demo project for the embedded demo plant (package sim):
// project.yaml and tags.csv at its root, as project.LoadFS expects. Its
// device points at 127.0.0.1:5020; the station replaces that with the
// address the in-process plant really listens on.
func Demo() fs.FS {
	sub, err := fs.Sub(demo, "demo")
	if err != nil {
		// fs.Sub fails only for an invalid path, and "demo" is valid.
		return demo
	}
	return sub
}

//go:embed symbols/*.svg
var symbols embed.FS

// SymbolStroke is the colour of every symbol's lines. It is written once
// in each symbol, on its root group, so the HMI tints a symbol by state
// by replacing this text with the state's colour. Symbols have no fill
// (every shape says fill="none", so Fyne's fill colouring leaves them
// alone too).
const SymbolStroke = "#404040"

// Symbol returns the SVG of the named symbol (as project.KnownSymbols
// names them: fan, motor, pump, valve): monochrome line art on a 64×64
// view box, drawn in SymbolStroke. It reports false for a name it does
// not have.
func Symbol(name string) ([]byte, bool) {
	if !fs.ValidPath(name) || strings.Contains(name, "/") {
		return nil, false
	}
	data, err := symbols.ReadFile(path.Join("symbols", name+".svg"))
	if err != nil {
		return nil, false
	}
	return data, true
}

// Symbols lists the names of the symbols, sorted.
func Symbols() []string {
	entries, err := symbols.ReadDir("symbols")
	if err != nil {
		return nil // the folder is embedded: it is there
	}
	var names []string
	for _, e := range entries {
		if name, ok := strings.CutSuffix(e.Name(), ".svg"); ok {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names
}
