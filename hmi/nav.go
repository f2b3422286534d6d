package hmi

import (
	"strconv"

	"github.com/sightglass/sightglass/project"
)

// navDepth is how many screens Back can return through: far more than a
// person retraces, few enough to be nothing in memory.
const navDepth = 100

// navHistory is a browser's history of screen names: Show pushes (and
// drops what Forward could have reached), Back and Forward move through
// it.
type navHistory struct {
	names []string
	pos   int // index of the current screen; -1 when empty
}

func newNavHistory() navHistory { return navHistory{pos: -1} }

// current is the shown screen's name, "" before the first push.
func (h *navHistory) current() string {
	if h.pos < 0 {
		return ""
	}
	return h.names[h.pos]
}

// push makes name the current screen. Showing the current screen again
// changes nothing.
func (h *navHistory) push(name string) {
	if h.current() == name {
		return
	}
	h.names = append(h.names[:h.pos+1], name)
	if len(h.names) > navDepth {
		h.names = append(h.names[:0], h.names[len(h.names)-navDepth:]...)
	}
	h.pos = len(h.names) - 1
}

func (h *navHistory) canBack() bool    { return h.pos > 0 }
func (h *navHistory) canForward() bool { return h.pos >= 0 && h.pos < len(h.names)-1 }

// back moves to the previous screen and returns it.
func (h *navHistory) back() (string, bool) {
	if !h.canBack() {
		return "", false
	}
	h.pos--
	return h.names[h.pos], true
}

// forward moves to the next screen and returns it.
func (h *navHistory) forward() (string, bool) {
	if !h.canForward() {
		return "", false
	}
	h.pos++
	return h.names[h.pos], true
}

// screenIndex finds screens by name. A name given twice (the loader
// reports that) means its first screen.
type screenIndex struct {
	screens  []project.Screen
	byName   map[string]int
	children map[string][]string // parent name → its children, in project order; "" → the roots
}

func newScreenIndex(screens []project.Screen) *screenIndex {
	x := &screenIndex{screens: screens, byName: make(map[string]int, len(screens)), children: map[string][]string{}}
	for i := range screens {
		if _, dup := x.byName[screens[i].Name]; !dup {
			x.byName[screens[i].Name] = i
		}
	}
	for i := range screens {
		s := &screens[i]
		if x.byName[s.Name] != i {
			continue
		}
		parent := s.Parent
		if _, ok := x.get(parent); !ok || x.inLoop(s.Name) {
			parent = "" // an unknown parent, or a loop: show it at the top
		}
		x.children[parent] = append(x.children[parent], s.Name)
	}
	return x
}

// get returns the screen called name.
func (x *screenIndex) get(name string) (*project.Screen, bool) {
	i, ok := x.byName[name]
	if !ok {
		return nil, false
	}
	return &x.screens[i], true
}

// inLoop reports whether name's parent chain comes back to it.
func (x *screenIndex) inLoop(name string) bool {
	seen := map[string]bool{}
	for at := name; at != ""; {
		s, ok := x.get(at)
		if !ok || seen[at] {
			return false
		}
		seen[at] = true
		if s.Parent == name {
			return true
		}
		at = s.Parent
	}
	return false
}

// chain returns name's breadcrumbs: the screens from the top of its tree
// down to it. A screen whose chain is broken (unknown parent, a loop)
// starts its own.
func (x *screenIndex) chain(name string) []*project.Screen {
	var rev []*project.Screen
	seen := map[string]bool{}
	for name != "" && !seen[name] {
		s, ok := x.get(name)
		if !ok {
			break
		}
		seen[name] = true
		rev = append(rev, s)
		name = s.Parent
	}
	out := make([]*project.Screen, len(rev))
	for i, s := range rev {
		out[len(rev)-1-i] = s
	}
	return out
}

// home is the screen a view starts on: the first L1 screen, else the
// first screen; "" when there are none.
func (x *screenIndex) home() string {
	for i := range x.screens {
		if x.screens[i].Level == 1 {
			return x.screens[i].Name
		}
	}
	if roots := x.children[""]; len(roots) > 0 {
		return roots[0]
	}
	return ""
}

// treeLabel is a screen's entry in the screen tree: "L2  Tank farm".
func treeLabel(s *project.Screen) string {
	title := s.Title
	if title == "" {
		title = s.Name
	}
	if s.Level <= 0 {
		return title
	}
	return "L" + strconv.Itoa(s.Level) + "  " + title
}

// screenTitle is how a screen is named in breadcrumbs and dialogs.
func screenTitle(s *project.Screen) string {
	if s.Title != "" {
		return s.Title
	}
	return s.Name
}
