package models

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
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
type tagRef struct {
	name       string
	start, end int // byte offsets in the source
}

// scanTags finds the tags src names, left to right; known reports whether
// a name is a tag.
func scanTags(src string, known func(name string) bool) ([]tagRef, error) {
	var refs []tagRef
	prevName := false // the previous rune continues a name (so no tag starts here)
	for i := 0; i < len(src); {
		r, size := utf8.DecodeRuneInString(src[i:])
		switch {
		case r == '"' || r == '\'' || r == '`':
			i, prevName = skipString(src, i), false
			continue
		case (unicode.IsLetter(r) || r == '_') && !prevName:
			run := nameRun(src, i)
			if end := longestTag(src, i, run, known); end > 0 {
				refs = append(refs, tagRef{name: src[i:end], start: i, end: end})
				i, prevName = end, true
				continue
			}
			word := src[i:wordEnd(src, i)]
			if isPlaceholder(word) || strings.HasPrefix(word, "_T") || strings.HasPrefix(word, "_R") ||
				strings.Contains(src[i:run], ".") {
				return nil, fmt.Errorf("unknown tag %q", strings.TrimRight(src[i:run], ".-"))
			}
			i, prevName = i+len(word), true
			continue
		}
		prevName = unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || r == '.' || r == '$'
		i += size
	}
	return refs, nil
}

func nameRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || r == '-'
}

// nameRun returns the end of the run of name runes and dots from i.
func nameRun(src string, i int) int {
	for i < len(src) {
		r, size := utf8.DecodeRuneInString(src[i:])
		if !nameRune(r) && r != '.' {
			break
		}
		i += size
	}
	return i
}

// wordEnd returns the end of the identifier (letters, digits, _) at i.
func wordEnd(src string, i int) int {
	for i < len(src) {
		r, size := utf8.DecodeRuneInString(src[i:])
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '_' {
			break
		}
		i += size
	}
	return i
}

// longestTag returns the end of the longest known tag name that starts at
// start and ends within run at a segment boundary, or 0 when there is none.
func longestTag(src string, start, run int, known func(string) bool) int {
	for end := run; end > start; end-- {
		if end < run && src[end] != '.' && src[end] != '-' {
			continue
		}
		name := src[start:end]
		if strings.HasSuffix(name, ".") || strings.HasSuffix(name, "-") || exprKeywords[name] {
			continue
		}
		if known(name) {
			return end
		}
	}
	return 0
}

// skipString returns the offset after the string literal at i.
func skipString(src string, i int) int {
	quote := src[i]
	for j := i + 1; j < len(src); j++ {
		switch src[j] {
		case '\\':
			if quote != '`' {
				j++
			}
		case quote:
			return j + 1
		}
	}
	return len(src)
}

// isPlaceholder reports whether word has the form of a placeholder, _12.
func isPlaceholder(word string) bool {
	rest, ok := strings.CutPrefix(word, placeholderPrefix)
	if !ok || rest == "" {
		return false
	}
	_, err := strconv.ParseUint(rest, 10, 32)
	return err == nil
}

// rewrite replaces each tag reference by the placeholder of its index in
// names (the distinct names, in order of appearance), padded with spaces.
func rewrite(src string, refs []tagRef) (out string, names []string) {
	index := map[string]int{}
	var b strings.Builder
	last := 0
	for _, r := range refs {
		i, ok := index[r.name]
		if !ok {
			i = len(names)
			index[r.name] = i
			names = append(names, r.name)
		}
		b.WriteString(src[last:r.start])
		ph := placeholderPrefix + strconv.Itoa(i)
		b.WriteString(ph)
		if pad := utf8.RuneCountInString(r.name) - len(ph); pad > 0 {
			b.WriteString(strings.Repeat(" ", pad))
		}
		last = r.end
	}
	b.WriteString(src[last:])
	return b.String(), names
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
