package project

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Problem is one thing wrong with a project file.
type Problem struct {
	File string // the file's path: the project folder joined with the file name
	Line int    // 1-based line of the offending key or value; 0 for the whole file
	Msg  string // one line, without the file and line
}

// String formats the problem as compilers do: "dir/project.yaml:12: msg",
// or "dir/project.yaml: msg" when it has no line.
func (p Problem) String() string {
	if p.Line <= 0 {
		return p.File + ": " + p.Msg
	}
	return p.File + ":" + strconv.Itoa(p.Line) + ": " + p.Msg
}

// Problems is every problem found in a project, sorted by file and line.
// It is the error Load returns when anything is wrong.
type Problems []Problem

// Error lists the problems, one per line.
func (ps Problems) Error() string {
	var b strings.Builder
	for i, p := range ps {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(p.String())
	}
	return b.String()
}

// report collects problems while a project loads.
type report struct {
	list Problems
}

// add records a problem. Messages quote user text with %q, but a
// library's message could still hold a newline; it is flattened so that
// every problem stays on one line.
func (r *report) add(file string, line int, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	msg = strings.ReplaceAll(msg, "\r", " ")
	msg = strings.ReplaceAll(msg, "\n", " ")
	r.list = append(r.list, Problem{File: file, Line: max(line, 0), Msg: msg})
}

// problems returns what was found, sorted by file then line (problems on
// one line keep the order they were found in), without repeats, which
// merge keys (<<) can cause by reading one YAML mapping several times.
func (r *report) problems() Problems {
	ps := slices.Clone(r.list)
	slices.SortStableFunc(ps, func(a, b Problem) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line))
	})
	seen := make(map[Problem]bool, len(ps))
	out := ps[:0]
	for _, p := range ps {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}
