package alarms

import (
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/types"
	"github.com/expr-lang/expr/vm"

	"github.com/sightglass/sightglass/tags"
)

// A condition is a boolean expression on tags, in the expr language
// (github.com/expr-lang/expr): "not Plant.P1.Running",
// "Plant.Tank1.Level < 0.5 and Plant.P1.Auto". Tags are named directly by
// their dotted asset paths, hyphens included ("Plant.P-101.Running"); a
// name is read as the longest run of letters, digits, _, - and . that is a
// known tag, so "Plant.P1.Speed-Plant.P2.Speed" is a subtraction unless a
// tag has that whole name. A tag name must start with a letter or _ to be
// named in a condition. expr's operators and builtins (and, or, not, abs,
// ...) are available; nothing else is.
//
// Before the expression is run, every tag it names is looked at: when any
// of them has bad quality (or was never read), the condition is false.
// Suppression by design hides alarms, and hiding an alarm on data the
// station does not have would be the dangerous choice. A condition that
// fails at run time (a number where a bool belongs) is false too.

// conditionKeywords are expr's word operators and literals: they are never
// taken for tag names, even if a tag is so named.
var conditionKeywords = map[string]bool{
	"not": true, "and": true, "or": true, "in": true, "matches": true, "contains": true,
	"startsWith": true, "endsWith": true, "true": true, "false": true, "nil": true,
	"let": true, "if": true, "else": true,
}

// placeholderPrefix starts the names that stand for tags in the rewritten
// expression; a source that uses one itself is refused (unknown tag).
const placeholderPrefix = "_"

// tagRef is one tag named in a condition's source.
type tagRef struct {
	name       string
	start, end int // byte offsets in the source
}

// scanTags finds the tags src names, left to right. known reports whether
// a name is a tag.
func scanTags(src string, known func(name string) bool) ([]tagRef, error) {
	var refs []tagRef
	prevName := false // the previous rune continues a name (so no tag starts here)
	for i := 0; i < len(src); {
		r, size := utf8.DecodeRuneInString(src[i:])
		switch {
		case r == '"' || r == '\'' || r == '`':
			end := skipString(src, i)
			i, prevName = end, false
			continue
		case (unicode.IsLetter(r) || r == '_') && !prevName:
			run := nameRun(src, i)
			if end := longestTag(src, i, run, known); end > 0 {
				refs = append(refs, tagRef{name: src[i:end], start: i, end: end})
				i, prevName = end, true
				continue
			}
			word := src[i:wordEnd(src, i)]
			if isPlaceholder(word) || strings.Contains(src[i:run], ".") {
				// Nothing else in a condition has a dotted name.
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

// nameRune reports whether r may be part of a tag name's segment.
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
func longestTag(src string, start, run int, known func(string) bool) int {
	for end := run; end > start; end-- {
		if end < run && src[end] != '.' && src[end] != '-' {
			continue
		}
		name := src[start:end]
		if strings.HasSuffix(name, ".") || strings.HasSuffix(name, "-") || conditionKeywords[name] {
			continue
		}
		if known(name) {
			return end
		}
	}
	return 0
}

// skipString returns the offset after the string literal that starts at i
// (or the source's end when it is not closed; expr reports that).
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
// names (the distinct names, in order of appearance), padded with spaces
// to the name's length in runes so that expr's columns stay the source's.
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

// compileCondition checks and compiles src; names are the tags it names.
// typeOf gives the type of each tag's value in the expression; nil leaves
// them all untyped (checked at run time).
func compileCondition(src string, known func(string) bool, typeOf func(name string) types.Type) (*vm.Program, []string, error) {
	if strings.TrimSpace(src) == "" {
		return nil, nil, fmt.Errorf("condition is empty")
	}
	refs, err := scanTags(src, known)
	if err != nil {
		return nil, nil, fmt.Errorf("condition %q: %w", src, err)
	}
	out, names := rewrite(src, refs)
	env := make(types.Map, len(names))
	for i, n := range names {
		var t types.Type = types.Any
		if typeOf != nil {
			t = typeOf(n)
		}
		env[placeholderPrefix+strconv.Itoa(i)] = t
	}
	prog, err := expr.Compile(out, expr.Env(env))
	if err != nil {
		return nil, nil, conditionError(src, err)
	}
	if t := prog.Node().Type(); t != nil && t.Kind() != reflect.Interface && t.Kind() != reflect.Bool {
		return nil, nil, fmt.Errorf("condition %q: must be true or false, but gives a %v", src, t)
	}
	return prog, names, nil
}

// conditionError rewords expr's error in terms of the source the project
// wrote: an unknown name is an unknown tag, with its full dotted name.
func conditionError(src string, err error) error {
	var fe *file.Error
	if !errors.As(err, &fe) {
		return fmt.Errorf("condition %q: %w", src, err)
	}
	if strings.HasPrefix(fe.Message, "unknown name") {
		if at := runeOffset(src, fe.From); at < len(src) {
			return fmt.Errorf("condition %q: unknown tag %q", src, src[at:nameRun(src, at)])
		}
	}
	return fmt.Errorf("condition %q: %s (column %d)", src, fe.Message, fe.Column+1)
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

// CheckCondition checks a suppression condition as a project writes it:
// its syntax, that every name in it is a tag (known reports which are),
// and that it gives true or false. The error names the source and says
// what is wrong.
func CheckCondition(src string, known func(name string) bool) error {
	_, _, err := compileCondition(src, known, nil)
	return err
}

// Condition is a compiled condition on tags. It is not safe for
// concurrent use: the engine evaluates it from one goroutine.
type Condition struct {
	src  string
	prog *vm.Program
	ids  []tags.ID       // the tags it names, distinct, by placeholder index
	dts  []tags.DataType // their data types; TypeInvalid: untyped
	keys []string        // the placeholder of each tag
	env  map[string]any  // reused between evaluations
	vm   vm.VM           // reused between evaluations
	err  error           // the last run-time error, for the log
}

// CompileCondition compiles src; lookup resolves tag names to IDs. The
// tags are untyped: a tag of the wrong type for its place ("not" on a
// number) is found at run time, where Eval is false and Err says why.
// The engine compiles with the tag table (compileTableCondition), which
// types every tag and refuses such conditions up front.
func CompileCondition(src string, lookup func(name string) (tags.ID, bool)) (*Condition, error) {
	return newCondition(src, lookup, nil, nil)
}

// compileTableCondition compiles src against the tags of t, each typed by
// its data type.
func compileTableCondition(src string, t *tags.Table) (*Condition, error) {
	typeOf := func(name string) types.Type {
		id, _ := t.Lookup(name)
		return exprType(t.Def(id).Type)
	}
	dataType := func(id tags.ID) tags.DataType { return t.Def(id).Type }
	return newCondition(src, t.Lookup, typeOf, dataType)
}

// exprType is the type a tag of data type dt has in an expression.
func exprType(dt tags.DataType) types.Type {
	switch dt {
	case tags.TypeBool:
		return types.Bool
	case tags.TypeInt16, tags.TypeUint16, tags.TypeInt32, tags.TypeUint32, tags.TypeInt64, tags.TypeUint64:
		return types.Int
	case tags.TypeFloat32, tags.TypeFloat64:
		return types.Float64
	case tags.TypeString:
		return types.String
	}
	return types.Any
}

// exprValue converts v to the Go value a tag of data type dt has in an
// expression (see exprType), whatever kind the driver published.
func exprValue(v tags.Value, dt tags.DataType) any {
	switch exprType(dt) {
	case types.Bool:
		return v.Bool()
	case types.Int:
		return int(v.Int())
	case types.Float64:
		return v.Float()
	case types.String:
		return v.String()
	}
	return v.Interface()
}

func newCondition(src string, lookup func(string) (tags.ID, bool), typeOf func(string) types.Type, dataType func(tags.ID) tags.DataType) (*Condition, error) {
	prog, names, err := compileCondition(src, func(n string) bool { _, ok := lookup(n); return ok }, typeOf)
	if err != nil {
		return nil, err
	}
	c := &Condition{src: src, prog: prog, env: make(map[string]any, len(names))}
	for i, n := range names {
		id, _ := lookup(n)
		dt := tags.TypeInvalid
		if dataType != nil {
			dt = dataType(id)
		}
		c.ids = append(c.ids, id)
		c.dts = append(c.dts, dt)
		c.keys = append(c.keys, placeholderPrefix+strconv.Itoa(i))
	}
	return c, nil
}

// String returns the condition's source.
func (c *Condition) String() string { return c.src }

// Tags returns the distinct tags the condition names, in order of first
// appearance. The slice must not be modified.
func (c *Condition) Tags() []tags.ID { return c.ids }

// Eval evaluates the condition on the VQTs get returns. It is false when
// any of its tags has bad quality (see the package's note on conditions)
// and when the expression fails at run time; Err then says why.
func (c *Condition) Eval(get func(tags.ID) tags.VQT) bool {
	c.err = nil
	for i, id := range c.ids {
		v := get(id)
		if v.Quality.Level == tags.Bad || v.Value.IsZero() {
			return false
		}
		c.env[c.keys[i]] = exprValue(v.Value, c.dts[i])
	}
	out, err := c.vm.Run(c.prog, c.env)
	if err != nil {
		c.err = fmt.Errorf("condition %q: %w", c.src, err)
		return false
	}
	b, ok := out.(bool)
	if !ok {
		c.err = fmt.Errorf("condition %q: gives %T %v, not true or false", c.src, out, out)
		return false
	}
	return b
}

// Err is the run-time error of the last Eval, nil when it ran cleanly
// (or stopped at a bad-quality tag).
func (c *Condition) Err() error { return c.err }
