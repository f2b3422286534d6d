package models

import (
	"strings"

	"github.com/sightglass/sightglass/tags"
)

// The scanner below finds the tags a calculated tag's formula names, the
// technique of package alarms' suppression conditions (copied, not
// imported: models may import only tags): a tag is named by its dotted
// asset path, hyphens included, and a name is read as the longest run of
// letters, digits, _, - and . that is a known tag, so
// "Plant.P1.Speed-Plant.P2.Speed" is a subtraction unless a tag has that
// whole name. Each tag is replaced by a placeholder (_0, _1...) padded to
// the name's length, so expr's columns stay the source's.

// exprKeywords are expr's word operators and literals, and the names of
// the formula functions: never taken for tag names.
var exprKeywords = map[string]bool{
	"not": true, "and": true, "or": true, "in": true, "matches": true, "contains": true,
	"startsWith": true, "endsWith": true, "true": true, "false": true, "nil": true,
	"let": true, "if": true, "else": true,
	"min": true, "max": true, "avg": true, "abs": true, "total": true, "rate": true,
}

// placeholderPrefix starts the names that stand for tags in the rewritten
// formula; a formula that uses one itself is refused (unknown tag).
const placeholderPrefix = "_"

// tagRef is one tag named in a formula.
type tagRef = tags.NameRef

// scanTags finds the tags src names, left to right (tags.ScanNames); the
// placeholders and the runtime's own _T/_R names are reserved.
func scanTags(src string, known func(name string) bool) ([]tagRef, error) {
	return tags.ScanNames(src, known, exprKeywords, func(w string) bool {
		return tags.IsPlaceholder(w, placeholderPrefix) || strings.HasPrefix(w, "_T") || strings.HasPrefix(w, "_R")
	})
}

// rewrite puts placeholders in the tags' places (tags.ReplaceNames).
func rewrite(src string, refs []tagRef) (string, []string) {
	return tags.ReplaceNames(src, refs, placeholderPrefix)
}

// runeOffset converts a rune index of src to a byte offset.
func runeOffset(src string, runes int) int {
	for i := range src {
		if runes == 0 {
			return i
		}
		runes--
	}
	return len(src)
}

// countWord counts the identifiers equal to word in src: an upper bound on
// the calls of a time function.
func countWord(src, word string) int {
	n := 0
	for i := 0; i < len(src); {
		j := strings.Index(src[i:], word)
		if j < 0 {
			break
		}
		n++
		i += j + len(word)
	}
	return n
}
