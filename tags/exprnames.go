package tags

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Expressions (alarm suppression conditions, calculated tags) name tags
// directly by their dotted asset paths, hyphens included. ScanNames finds
// them: a name is read as the longest run of letters, digits, _, - and .
// that is a known tag, so "Plant.P1.Speed-Plant.P2.Speed" is a
// subtraction unless a tag has that whole name. ReplaceNames then puts a
// placeholder identifier in each name's place, padded to the name's
// length, so that the expression language's error columns stay the
// source's.

// NameRef is one tag named in an expression's source.
type NameRef struct {
	Name       string
	Start, End int // byte offsets in the source
}

// ScanNames finds the tags src names, left to right. known reports
// whether a name is a tag; keywords are words never taken for tag names
// (the language's operators and functions); reserved reports words the
// source may not use itself (the placeholders). A dotted name that is no
// known tag, or a reserved word, is an "unknown tag" error.
func ScanNames(src string, known func(name string) bool, keywords map[string]bool, reserved func(word string) bool) ([]NameRef, error) {
	var refs []NameRef
	prevName := false // the previous rune continues a name (so no tag starts here)
	for i := 0; i < len(src); {
		r, size := utf8.DecodeRuneInString(src[i:])
		switch {
		case r == '"' || r == '\'' || r == '`':
			i, prevName = skipString(src, i), false
			continue
		case (unicode.IsLetter(r) || r == '_') && !prevName:
			run := nameRun(src, i)
			if end := longestTag(src, i, run, known, keywords); end > 0 {
				refs = append(refs, NameRef{Name: src[i:end], Start: i, End: end})
				i, prevName = end, true
				continue
			}
			word := src[i:wordEnd(src, i)]
			if reserved(word) || strings.Contains(src[i:run], ".") {
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

// IsPlaceholder reports whether word has the form of a placeholder made
// with prefix: prefix then a number ("_12").
func IsPlaceholder(word, prefix string) bool {
	rest, ok := strings.CutPrefix(word, prefix)
	if !ok || rest == "" {
		return false
	}
	_, err := strconv.ParseUint(rest, 10, 32)
	return err == nil
}

// ReplaceNames replaces each reference by prefix and the index of its name
// in names (the distinct names, in order of appearance), padded with
// spaces to the name's length in runes.
func ReplaceNames(src string, refs []NameRef, prefix string) (out string, names []string) {
	index := map[string]int{}
	var b strings.Builder
	last := 0
	for _, r := range refs {
		i, ok := index[r.Name]
		if !ok {
			i = len(names)
			index[r.Name] = i
			names = append(names, r.Name)
		}
		b.WriteString(src[last:r.Start])
		ph := prefix + strconv.Itoa(i)
		b.WriteString(ph)
		if pad := utf8.RuneCountInString(r.Name) - len(ph); pad > 0 {
			b.WriteString(strings.Repeat(" ", pad))
		}
		last = r.End
	}
	b.WriteString(src[last:])
	return b.String(), names
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
// start and ends within run at a segment boundary (before a '.', a '-' or
// the run's end), or 0 when there is none.
func longestTag(src string, start, run int, known func(string) bool, keywords map[string]bool) int {
	for end := run; end > start; end-- {
		if end < run && src[end] != '.' && src[end] != '-' {
			continue
		}
		name := src[start:end]
		if strings.HasSuffix(name, ".") || strings.HasSuffix(name, "-") || keywords[name] {
			continue
		}
		if known(name) {
			return end
		}
	}
	return 0
}

// skipString returns the offset after the string literal that starts at i
// (or the source's end when it is not closed; the language reports that).
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

// NameEnd returns the end of the run of name characters (letters, digits,
// _, - and .) that starts at byte offset i of src.
func NameEnd(src string, i int) int { return nameRun(src, i) }
