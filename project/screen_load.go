package project

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"slices"
	"strings"
)

// ScreensDir is the project's folder of process screens.
//
// A process screen is one file, screens/NAME.yaml, in the project folder.
// NAME (letters, digits, _ and -) is how other screens name it, as parent
// or as a nav target. Files in screens/ that do not end in .yaml are
// ignored, except .yml, which is reported.
//
//	title: Tanks and pumps    # required; shown in the frame and the screen tree
//	level: 2                  # required: 1 overview, 2 area, 3 equipment, 4 diagnostics
//	parent: overview          # the screen above it: none at level 1, required below
//	size: [1280, 800]         # required: design size in pixels; the screen scales to the window
//	elements:
//	  - {kind: label, text: Tank 1, x: 100, y: 90, w: 120, h: 24}
//	  - {kind: tank, tag: Plant.Tank1.Level, max: 2.5, x: 100, y: 120, w: 120, h: 300}
//	  - {kind: indicator, tag: Plant.P1.WindingTemp, max: 150, normal: [20, 80], alarm: [null, 100],
//	     x: 400, y: 100, w: 40, h: 200}
//	  - {kind: symbol, symbol: pump, running: Plant.P1.Running, fault: Plant.P1.Tripped,
//	     x: 300, y: 400, w: 64, h: 64}
//	  - {kind: pipe, points: [[220, 420], [300, 420]]}
//	  - {kind: button, tag: Plant.P1.Start, text: Start, x: 300, y: 480, w: 96, h: 48}
//	  - {kind: setpoint, tag: Plant.V1.Position, min: 0, max: 100, x: 500, y: 480, w: 120, h: 48}
//	  - {kind: nav, target: pump1, faceplate: true, x: 300, y: 330, w: 64, h: 24}
//
// Every element has a kind and, but for a pipe, a place: x, y, w, h in
// design pixels from the top left, inside the design size. The keys each
// kind takes (any other key is reported):
//
//	value       tag; format: a printf verb for the number, as "%.1f" (numeric tags)
//	indicator   tag, max; min (default 0); normal: [lo, hi]; alarm: [lo, hi]
//	            (a moving analog indicator: the value against its normal band and alarm limits)
//	bar         tag, max; min; alarm: [lo, hi]; horizontal: true (default vertical)
//	tank        tag, max; min; alarm: [lo, hi]
//	state       tag (bool); on, off: the texts for true and false
//	multistate  tag (an integer without a scale, or a bool as 0 and 1);
//	            states: {0: Idle, 1: Running, 2: Fault};
//	            abnormal: [2] (values shown as abnormal, each one of the states)
//	symbol      symbol: pump, valve, motor or fan; running: a bool tag (default: tag);
//	            fault: a bool tag (shown abnormal); tag
//	pipe        points: [[x, y], [x, y], ...], two or more, inside the design size
//	rect        (a static shape: its place only)
//	label       text
//	sparkline   tag (numeric or bool); minutes: how far back, 1 to 1440 (default 10); min, max
//	button      tag (writable), text; mode: momentary (default: writes value, then 0) or toggle
//	            (a bool tag: writes the opposite of its value); value: what a momentary press
//	            writes (default 1; 0 or 1 on a bool tag); critical: true (see below)
//	setpoint    tag (writable, numeric); min, max: the values it accepts; critical: true
//	nav         target: a screen; text (default: the target's title); faceplate: true opens
//	            the target as a pop-up over this screen
//
// min, max, normal and alarm are in the tag's engineering units. min must
// be below max; where max is given min defaults to 0; normal and alarm lie
// within min..max, normal within the alarm limits. In alarm, null is no
// limit: [null, 100] has only a high limit.
//
// critical: true makes a button's or setpoint's writes need an electronic
// signature, the signed-in user's password and a reason, even when its
// tag is not critical: to sign a write from one screen (a bypass on the
// maintenance screen, say) that needs no signature elsewhere. A write to
// a critical tag is signed whatever its element says: critical: false
// (the default) does not lift the tag's signature.
//
// A tag is one of the project's (project.yaml and tags.csv) or a device's
// system tag: _System.Devices.DEVICE.Connected, State, ResponseMs,
// Requests, Errors, Reconnects or LastError.
//
// Merge keys (<<: *anchor) may share settings between elements. Like
// project.yaml, screens are loaded strictly: every problem of every
// screen is reported with its file and line. A loaded pipe's x, y, w and
// h are its points' bounding box.
const ScreensDir = "screens"

// KnownSymbols are the symbols a screen's symbol element can name,
// sorted. Package assets has an SVG file for each; its tests check that
// the two lists agree.
var KnownSymbols = []string{"fan", "motor", "pump", "valve"}

// Screen levels, ISA-101's display hierarchy.
const (
	minLevel = 1 // plant overview
	maxLevel = 4 // diagnostics
)

// loadScreens loads every screens/*.yaml of fsys, sorted by name, and
// checks each against the project p and against the others. tagsKnown
// is false when project.yaml could not be read, so that no tag is
// reported unknown for that.
func loadScreens(r *report, fsys fs.FS, dir string, p *Project, tagsKnown bool) []Screen {
	entries := readScreens(r, fsys, dir)
	env := newScreenEnv(p, tagsKnown)
	byName := make(map[string]*screenEntry, len(entries))
	names := make([]string, 0, len(entries))
	for i := range entries {
		e := &entries[i]
		byName[e.s.Name] = e
		names = append(names, e.s.Name)
	}
	for i := range entries {
		e := &entries[i]
		for j := range e.elems {
			checkElement(r, e, &e.elems[j], env)
		}
	}
	for i := range entries {
		checkTree(r, &entries[i], byName, names)
	}

	var screens []Screen
	for i := range entries {
		e := &entries[i]
		for j := range e.elems {
			el := &e.elems[j].el
			if t, ok := byName[el.Target]; ok && el.Kind == KindNav && el.Text == "" {
				el.Text = t.s.Title
			}
			e.s.Elements = append(e.s.Elements, *el)
		}
		screens = append(screens, e.s)
	}
	return screens
}

// readScreens reads and decodes the files of the screens folder, sorted
// by screen name. A project without the folder has no screens.
func readScreens(r *report, fsys fs.FS, dir string) []screenEntry {
	dirPath := filepath.Join(dir, ScreensDir)
	files, err := fs.ReadDir(fsys, ScreensDir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		r.add(dirPath, 0, "%s", readError(err))
		return nil
	}
	var out []screenEntry
	for _, f := range files {
		name := f.Name()
		file := filepath.Join(dirPath, name)
		stem, isYAML := strings.CutSuffix(name, ".yaml")
		switch {
		case f.IsDir() || strings.HasPrefix(name, "."):
			continue // editors' lock and swap files, folders of the user's own
		case strings.HasSuffix(name, ".yml"):
			r.add(file, 0, "a screen file ends in .yaml: rename it %s.yaml", strings.TrimSuffix(name, ".yml"))
			continue
		case !isYAML:
			continue
		case !validSegment(stem):
			r.add(file, 0, "screen name %q: use letters, digits, _ and - only (other screens name it as parent or target)", stem)
			continue
		}
		data, err := fs.ReadFile(fsys, path.Join(ScreensDir, name))
		if err != nil {
			r.add(file, 0, "%s", readError(err))
			continue
		}
		out = append(out, decodeScreen(r, file, stem, data))
	}
	slices.SortFunc(out, func(a, b screenEntry) int { return strings.Compare(a.s.Name, b.s.Name) })
	return out
}

// checkTree checks a screen's place in the display hierarchy: its parent
// exists, sits at its level or above, and does not lead back to it; and
// its nav elements open screens that exist.
func checkTree(r *report, e *screenEntry, byName map[string]*screenEntry, names []string) {
	s := &e.s
	for i := range e.elems {
		el := &e.elems[i]
		if !el.has("target") {
			continue
		}
		switch _, ok := byName[el.el.Target]; {
		case el.el.Target == s.Name:
			r.add(e.file, el.lineOf("target"), "nav target %q is this screen", el.el.Target)
		case !ok:
			r.add(e.file, el.lineOf("target"), "nav target %q is not a screen (screens: %s)", el.el.Target, listNames(names))
		}
	}

	if !e.has("level") {
		return // the parent rules depend on it
	}
	switch {
	case s.Level == minLevel && e.given("parent"):
		r.add(e.file, e.lineOf("parent"), "a level 1 screen is the top of its tree: it has no parent")
		return
	case s.Level > minLevel && !e.given("parent"):
		r.add(e.file, e.line, `missing "parent": a level %d screen sits under another screen`, s.Level)
		return
	case !e.has("parent"):
		return
	}
	parent, ok := byName[s.Parent]
	switch {
	case s.Parent == s.Name:
		r.add(e.file, e.lineOf("parent"), "parent %q is this screen", s.Parent)
		return
	case !ok:
		r.add(e.file, e.lineOf("parent"), "parent %q is not a screen (screens: %s)", s.Parent, listNames(names))
		return
	case parent.has("level") && parent.s.Level > s.Level:
		r.add(e.file, e.lineOf("parent"), "parent %q is a level %d screen, below this level %d one", s.Parent, parent.s.Level, s.Level)
	}
	if cycle := parentCycle(e, byName); cycle != nil {
		r.add(e.file, e.lineOf("parent"), "parent cycle: %s", strings.Join(cycle, " → "))
	}
}

// parentCycle returns the names of a cycle of parents from e back to e,
// or nil when e's parents lead to the top of a tree (or into a cycle that
// e is not part of: its members report it).
func parentCycle(e *screenEntry, byName map[string]*screenEntry) []string {
	path := []string{e.s.Name}
	seen := map[string]bool{e.s.Name: true}
	for cur := e; cur.has("parent"); {
		next, ok := byName[cur.s.Parent]
		if !ok {
			return nil
		}
		path = append(path, next.s.Name)
		if next == e {
			return path
		}
		if seen[next.s.Name] {
			return nil
		}
		seen[next.s.Name] = true
		cur = next
	}
	return nil
}

// formatNumber writes a number of a screen file for a message, as short
// as it reads back exactly: 2.5, 1280, 1e+06.
func formatNumber(f float64) string {
	return fmt.Sprint(f)
}
