package alarms

import (
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"

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
type tagRef = tags.NameRef

// scanTags finds the tags src names, left to right (tags.ScanNames).
func scanTags(src string, known func(name string) bool) ([]tagRef, error) {
	return tags.ScanNames(src, known, conditionKeywords, func(w string) bool { return tags.IsPlaceholder(w, placeholderPrefix) })
}

// rewrite puts placeholders in the tags' places (tags.ReplaceNames).
func rewrite(src string, refs []tagRef) (string, []string) {
	return tags.ReplaceNames(src, refs, placeholderPrefix)
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
			return fmt.Errorf("condition %q: unknown tag %q", src, src[at:tags.NameEnd(src, at)])
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
