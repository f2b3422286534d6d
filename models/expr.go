package models

import (
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/types"
	"github.com/expr-lang/expr/vm"

	"github.com/sightglass/sightglass/tags"
)

// ExprKind is the Spec.Kind of a calculated tag.
const ExprKind = "expr"

// A calculated tag (Spec.Kind "expr") is a formula over other tags in the
// expr language (github.com/expr-lang/expr), compiled once when the
// station starts and evaluated whenever a tag it names changes (or every
// Spec.Every). Its output is the tag Spec.Name itself: a bool when the
// formula is true or false ("Plant.Tank1.Level > 2 and Plant.P1.Running"),
// a float64 otherwise.
//
// Tags are named by their dotted asset paths, as in alarm suppression
// conditions. Numeric tags are float64 in a formula, bool tags bool,
// string tags string. Beside expr's operators (+ - * / % ** == != < <= >
// >= and or not, c ? a : b) and builtins, a formula has:
//
//	min(a, b, ...), max(a, b, ...)  the least and greatest of numbers
//	avg(a, b, ...)                  their mean: (a + b + ...) / n
//	abs(x)                          |x|
//	if(c, a, b)                     a when c is true, else b (only the chosen branch is computed)
//	total(x)                        the running integral of x over time, in x's units × seconds:
//	                                trapezoidal between evaluations; it starts at 0 when the
//	                                station starts (it is not persisted) and does not integrate
//	                                across a time its formula was bad
//	rate(x)                         x's change per second since the previous evaluation; 0 at the
//	                                first evaluation and after a time its formula was bad
//
// When a tag the formula names is bad (or never read), the output is bad
// (tags.ReasonBadInput) and the formula is not run, so total and rate
// skip the gap.

// Calc is a compiled calculated tag. It is an Instance whose inputs are
// the tags of Names, in order, and whose one output is the formula's
// value (1 or 0 for a bool formula). It is not safe for concurrent use.
type Calc struct {
	src    string
	prog   *vm.Program
	names  []string // the tags it names, distinct, by placeholder index
	bools  []bool   // which of them are bool in the formula
	isBool bool
	env    map[string]any
	keys   []string
	vm     vm.VM
	out    [1]float64
	now    time.Time
	sites  []timeSite // total() and rate() calls, by site index
}

// timeSite is the state of one call of total or rate.
type timeSite struct {
	rate  bool
	have  bool // prev holds the value of the previous evaluation
	prevT time.Time
	prevX float64
	acc   float64 // total: the integral; rate: the last rate
}

// TypeOf gives the data type of a tag, for CompileExpr; ok false: no such tag.
type TypeOf func(name string) (dt tags.DataType, ok bool)

// CompileExpr compiles a calculated tag's formula against the tags typeOf
// knows. The error names the formula and says what is wrong.
func CompileExpr(src string, typeOf TypeOf) (*Calc, error) {
	if strings.TrimSpace(src) == "" {
		return nil, errors.New("expr is empty")
	}
	known := func(n string) bool { _, ok := typeOf(n); return ok }
	refs, err := scanTags(src, known)
	if err != nil {
		return nil, fmt.Errorf("expr %q: %w", src, err)
	}
	out, names := rewrite(src, refs)
	c := &Calc{src: src, names: names, env: make(map[string]any, len(names))}
	env := make(types.Map, len(names))
	for i, n := range names {
		dt, _ := typeOf(n)
		key := placeholderPrefix + strconv.Itoa(i)
		var t types.Type = types.Float64
		switch dt {
		case tags.TypeBool:
			t = types.Bool
		case tags.TypeString:
			return nil, fmt.Errorf("expr %q: tag %s is a string: a formula reads numbers and bools only", src, n)
		}
		env[key] = t
		c.keys = append(c.keys, key)
		c.bools = append(c.bools, dt == tags.TypeBool)
	}
	nt, nr := countWord(src, "total"), countWord(src, "rate")
	opts := []expr.Option{expr.Env(env), expr.DisableIfOperator(), expr.Patch(&patcher{rate: nt})}
	sig := new(func(float64) float64)
	c.sites = make([]timeSite, nt+nr) // fixed size: the functions keep pointers
	for k := range nt + nr {
		c.sites[k].rate = k >= nt
		name := timeFuncName(k, k >= nt)
		site := &c.sites[k]
		opts = append(opts, expr.Function(name, func(p ...any) (any, error) {
			return c.timeFunc(site, p[0].(float64)), nil
		}, sig))
	}
	prog, err := expr.Compile(out, opts...)
	if err != nil {
		return nil, exprError(src, err)
	}
	switch t := prog.Node().Type(); {
	case t == nil || t.Kind() == reflect.Interface:
	case t.Kind() == reflect.Bool:
		c.isBool = true
	case t.Kind() == reflect.Float64 || t.Kind() == reflect.Int:
	default:
		return nil, fmt.Errorf("expr %q: must give a number or true/false, but gives a %v", src, t)
	}
	c.prog = prog
	return c, nil
}

func timeFuncName(k int, rate bool) string {
	if rate {
		return "_R" + strconv.Itoa(k)
	}
	return "_T" + strconv.Itoa(k)
}

// patcher turns if(c, a, b) into c ? a : b, avg(a, b...) into
// (a + b + ...) / n, and total(x) and rate(x) into calls of their sites'
// functions (_T0, _R1...), in order of appearance.
type patcher struct{ total, rate int }

func (p *patcher) Visit(node *ast.Node) {
	call, ok := (*node).(*ast.CallNode)
	if !ok {
		return
	}
	id, ok := call.Callee.(*ast.IdentifierNode)
	if !ok {
		return
	}
	args := call.Arguments
	switch id.Value {
	case "if":
		if len(args) == 3 {
			ast.Patch(node, &ast.ConditionalNode{Ternary: true, Cond: args[0], Exp1: args[1], Exp2: args[2]})
		}
	case "avg":
		if len(args) == 0 {
			return
		}
		var sum ast.Node = args[0]
		for _, a := range args[1:] {
			sum = &ast.BinaryNode{Operator: "+", Left: sum, Right: a}
		}
		ast.Patch(node, &ast.BinaryNode{Operator: "/", Left: sum, Right: &ast.FloatNode{Value: float64(len(args))}})
	case "total", "rate":
		// Sites are numbered totals first, then rates (CompileExpr's
		// order); p.rate starts at the number of totals.
		var name string
		if id.Value == "total" {
			name = timeFuncName(p.total, false)
			p.total++
		} else {
			name = timeFuncName(p.rate, true)
			p.rate++
		}
		ast.Patch(&call.Callee, &ast.IdentifierNode{Value: name})
	}
}

// exprError rewords expr's error in terms of the source the project wrote.
func exprError(src string, err error) error {
	var fe *file.Error
	if !errors.As(err, &fe) {
		return fmt.Errorf("expr %q: %w", src, err)
	}
	if strings.HasPrefix(fe.Message, "unknown name") {
		if at := runeOffset(src, fe.From); at < len(src) {
			return fmt.Errorf("expr %q: unknown tag or function %q", src, src[at:tags.NameEnd(src, at)])
		}
	}
	return fmt.Errorf("expr %q: %s (column %d)", src, fe.Message, fe.Column+1)
}
