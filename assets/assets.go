// Package assets holds the files Sightglass embeds in its binary: the
// demo project, and in time symbols, icons, fonts and translations.
package assets

import (
	"embed"
	"io/fs"
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
