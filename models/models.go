// Package models runs analytic models at the edge, next to the data:
// calculated tags (expressions over other tags), mechanistic models
// (physics and process knowledge: tank mass balance, pump performance,
// motor thermal) and statistical ones (control charts, anomaly scores,
// degradation trends), and OEE. A model's outputs are ordinary tags,
// shown, trended, historized and alarmed like any other.
//
// A model kind (Kind) declares its inputs, parameters and outputs and
// makes instances; the station runs each configured instance (Spec) on its
// schedule or when an input changes, and publishes its outputs on the bus
// with their own quality: an output is bad when an input it needs is bad,
// and says why.
package models

import (
	"fmt"
	"sort"
	"sync"
	"time"
)

// Kind is a kind of model: its name in project.yaml, what it reads, what
// it takes as parameters and what it writes.
type Kind struct {
	Name    string // "tank_mass_balance", "ewma", "oee"…
	Doc     string // one line for `sightglass models kinds`
	Inputs  []Port // the tags it reads, by role
	Outputs []Port // the tags it writes, under the instance's name
	Params  []Param
	// New makes an instance from checked parameters (every Param present,
	// defaults applied).
	New func(p Params) (Instance, error)
}

// Port is one input or output of a kind.
type Port struct {
	Name     string // role: "level", "inflow"; output: "residual", "alarm"
	Units    string // expected or produced units, for documentation ("m3/h")
	Optional bool   // an input that may be left unbound
	// Gaps: this input going bad with tags.ReasonNotRead after it had a
	// value (a formula's nil: a vibration with the pump stopped) is a gap
	// in a series, not a fault: the model is not evaluated and its
	// outputs keep their last value and quality, without a log line.
	Gaps bool
	Bool bool // an output that is true/false (a detection) rather than a number
	Doc  string
}

// Param is one parameter of a kind.
type Param struct {
	Name    string
	Default float64 // used when Required is false and the project omits it
	// Required: the project must give it.
	Required bool
	Min, Max float64 // allowed range, inclusive; Min == Max == 0: any
	Doc      string
}

// Params are an instance's parameters by name.
type Params map[string]float64

// Input is one input value at evaluation time.
type Input struct {
	V     float64
	T     time.Time
	Good  bool // false: bad or not read; V is meaningless
	Bound bool // false: an optional input left unbound
}

// Instance is one running model. Eval is called with the inputs in the
// order of Kind.Inputs and returns the outputs in the order of
// Kind.Outputs; an error makes every output bad with its text. Eval is
// called from one goroutine at a time.
type Instance interface {
	Eval(now time.Time, in []Input) ([]float64, error)
}

// Learner is an Instance that learns from history (baselines, control
// limits, covariance): Train fits it to rows of past inputs (one row per
// sample time, in Kind.Inputs order, only rows where every input was
// good) and returns its learned state, which the station stores durably
// and gives back through Load after a restart.
type Learner interface {
	Instance
	Train(rows [][]float64) (state []byte, err error)
	Load(state []byte) error
	Trained() bool
}

var (
	mu    sync.RWMutex
	kinds = map[string]*Kind{}
)

// Register makes a kind known; kinds register themselves from init.
func Register(k *Kind) {
	mu.Lock()
	defer mu.Unlock()
	if _, dup := kinds[k.Name]; dup {
		panic(fmt.Sprintf("models: kind %q registered twice", k.Name))
	}
	kinds[k.Name] = k
}

// Lookup finds a kind by name.
func Lookup(name string) (*Kind, bool) {
	mu.RLock()
	defer mu.RUnlock()
	k, ok := kinds[name]
	return k, ok
}

// Kinds lists the known kinds by name.
func Kinds() []*Kind {
	mu.RLock()
	defer mu.RUnlock()
	out := make([]*Kind, 0, len(kinds))
	for _, k := range kinds {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Spec is one configured model instance, as the project declares it.
type Spec struct {
	Name   string            // dotted asset path of the instance; outputs are Name.<output>
	Kind   string            // a registered kind, or "expr" for a calculated tag
	Inputs map[string]string // role → tag name
	Params Params
	// Every runs the model on a schedule; 0 runs it when an input changes.
	Every time.Duration
	// Train, for Learners: the history window to learn from (ending at the
	// training time); 0 uses the kind's default.
	Train time.Duration
	// Expr is a calculated tag's formula (Kind "expr"): its output is the
	// tag Name itself.
	Expr string
	File string // where the spec is, for messages
	Line int
}
