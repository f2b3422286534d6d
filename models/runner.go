package models

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"sync"
	"time"

	"github.com/sightglass/sightglass/tags"
)

// Runner runs a station's models: a lossless subscriber of the bus that
// evaluates a model when one of its inputs changes (Spec.Every == 0) or
// every Spec.Every, and publishes the outputs of one round of evaluations
// (one bus batch of changes, or one tick) in one bus batch.
//
// Output quality: when a required input is bad (or never read), every
// output of the model is bad with tags.ReasonBadInput and the model is
// not evaluated; when one is uncertain, the outputs are uncertain. When
// Eval fails, the outputs are bad with tags.ReasonModelError. A quality
// carries no text, so the runner logs which input is bad, or the error,
// once per transition (when it changes), at warning level, and once more
// when the model recovers. An output of NaN (no value yet: an untrained
// learner, a rate at its first sample) is bad with tags.ReasonNotRead.
// A bad output keeps the last value it had. Stop makes every output bad
// with tags.ReasonStopped. An input marked Port.Gaps that had a value and
// is now bad with tags.ReasonNotRead (a formula's nil: no value by design)
// is a gap: the model holds its outputs.
//
// Times are the runner's clock (time.Now) when it evaluates; total and
// rate in formulas integrate over them.
type Runner struct {
	bus    *tags.Bus
	log    *slog.Logger
	units  []unit
	byName map[string]int
	byTag  [][]int32 // by tag ID: the on-change units that read it

	mu    sync.Mutex // guards units (their instances and state), cur, pub, dirty
	cur   []tags.VQT // every tag as the runner has seen it
	dirty []bool     // by unit: to evaluate in this round
	queue []int32    // the dirty units, in order
	pub   []tags.Update

	sub      *tags.Subscription
	syncReq  chan chan struct{} // Sync's requests to the loop
	stop     chan struct{}
	stopOnce sync.Once
	wg       sync.WaitGroup
}

// noTag marks an optional input left unbound.
const noTag = ^tags.ID(0)

// unit is one model instance.
type unit struct {
	spec     Spec
	kind     *Kind // nil for a calculated tag
	inst     Instance
	learner  Learner // inst as a Learner, or nil
	calc     *Calc
	inputs   []string  // tag names by input, "" unbound
	roles    []string  // role names by input (the tag's name for a formula)
	in       []tags.ID // by input; noTag: unbound
	required []bool
	gaps     []bool // by input: Port.Gaps
	out      []tags.ID
	outBool  []bool
	last     []tags.Value // the last value of each output
	buf      []Input
	next     time.Time // scheduled units: the next evaluation
	problem  string    // the logged reason it is bad, "" when it is not
}

// NewRunner checks specs against the bus's tag table, which must already
// hold their outputs (OutputDefs), and makes every instance. log may be
// nil (slog.Default). Every problem is reported, joined in one error.
func NewRunner(specs []Spec, bus *tags.Bus, log *slog.Logger) (*Runner, error) {
	if log == nil {
		log = slog.Default()
	}
	table := bus.Table()
	typeOf := func(name string) (tags.DataType, bool) {
		id, ok := table.Lookup(name)
		if !ok {
			return tags.TypeInvalid, false
		}
		return table.Def(id).Type, true
	}
	ps, errs := resolve(specs, typeOf, true)
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	r := &Runner{
		bus: bus, log: log,
		units:  make([]unit, 0, len(ps)),
		byName: make(map[string]int, len(ps)),
		byTag:  make([][]int32, table.Len()),
		cur:    make([]tags.VQT, table.Len()),
		stop:   make(chan struct{}),

		syncReq: make(chan chan struct{}),
	}
	for i := range r.cur {
		r.cur[i].Quality = tags.BadQuality(tags.ReasonNotRead, 0)
	}
	for _, p := range ps {
		u := unit{spec: p.spec, kind: p.kind, calc: p.calc, inputs: p.inputs}
		if p.calc != nil {
			u.inst = p.calc
			u.roles = p.inputs
		} else {
			inst, err := p.kind.New(p.params)
			if err != nil {
				errs = append(errs, fmt.Errorf("model %s: %w", p.spec.Name, err))
				continue
			}
			u.inst = inst
			u.learner, _ = inst.(Learner)
			for _, port := range p.kind.Inputs {
				u.roles = append(u.roles, port.Name)
			}
		}
		for i, name := range p.inputs {
			id := noTag
			if name != "" {
				id, _ = table.Lookup(name)
			}
			u.in = append(u.in, id)
			u.required = append(u.required, p.kind == nil || !p.kind.Inputs[i].Optional)
			u.gaps = append(u.gaps, p.kind != nil && p.kind.Inputs[i].Gaps)
		}
		for _, d := range p.outs {
			id, ok := table.Lookup(d.Name)
			if !ok {
				errs = append(errs, fmt.Errorf("model %s: output %s is not in the tag table", p.spec.Name, d.Name))
				continue
			}
			u.out = append(u.out, id)
			u.outBool = append(u.outBool, d.Type == tags.TypeBool)
		}
		u.last = make([]tags.Value, len(u.out))
		u.buf = make([]Input, len(u.in))
		idx := len(r.units)
		r.byName[p.spec.Name] = idx
		if p.spec.Every == 0 {
			for _, id := range u.in {
				if id != noTag {
					r.byTag[id] = append(r.byTag[id], int32(idx))
				}
			}
		}
		r.units = append(r.units, u)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	r.dirty = make([]bool, len(r.units))
	return r, nil
}

// Names lists the models by name, in spec order.
func (r *Runner) Names() []string {
	out := make([]string, len(r.units))
	for i := range r.units {
		out[i] = r.units[i].spec.Name
	}
	return out
}

// Spec returns the spec of model name.
func (r *Runner) Spec(name string) (Spec, bool) {
	i, ok := r.byName[name]
	if !ok {
		return Spec{}, false
	}
	return r.units[i].spec, true
}

// Inputs returns the tags model name reads, by its Kind's input order (or
// a formula's tags), "" for an optional input left unbound.
func (r *Runner) Inputs(name string) []string {
	i, ok := r.byName[name]
	if !ok {
		return nil
	}
	return r.units[i].inputs
}

// IsLearner reports whether model name learns from history.
func (r *Runner) IsLearner(name string) bool {
	i, ok := r.byName[name]
	return ok && r.units[i].learner != nil
}

// ErrUnknownModel: no model has the name.
var ErrUnknownModel = errors.New("unknown model")

// ErrNotLearner: the model does not learn (Train, Load).
var ErrNotLearner = errors.New("model does not learn from history")

// Train fits learner name to rows (see Learner.Train) and returns the
// learned state for the caller to store; the model uses it from its next
// evaluation.
func (r *Runner) Train(name string, rows [][]float64) ([]byte, error) {
	u, err := r.learner(name)
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	st, err := u.learner.Train(rows)
	if err != nil {
		return nil, fmt.Errorf("model %s: train: %w", name, err)
	}
	return st, nil
}

// Load gives learner name a state a Train returned before (a restart).
func (r *Runner) Load(name string, state []byte) error {
	u, err := r.learner(name)
	if err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := u.learner.Load(state); err != nil {
		return fmt.Errorf("model %s: load: %w", name, err)
	}
	return nil
}

// Trained reports whether learner name has learned (trained or loaded).
func (r *Runner) Trained(name string) bool {
	u, err := r.learner(name)
	if err != nil {
		return false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return u.learner.Trained()
}

func (r *Runner) learner(name string) (*unit, error) {
	i, ok := r.byName[name]
	if !ok {
		return nil, fmt.Errorf("%w %q", ErrUnknownModel, name)
	}
	u := &r.units[i]
	if u.learner == nil {
		return nil, fmt.Errorf("model %s (%s): %w", name, u.spec.Kind, ErrNotLearner)
	}
	return u, nil
}

// Start subscribes to the bus, evaluates every model once on the current
// values and runs until Stop or ctx ends.
func (r *Runner) Start(ctx context.Context) {
	r.sub = r.bus.Subscribe("models")
	snap, _ := r.bus.Snapshot(nil)
	r.mu.Lock()
	copy(r.cur, snap)
	now := time.Now()
	for i := range r.units {
		u := &r.units[i]
		if u.spec.Every > 0 {
			u.next = now.Add(u.spec.Every)
		}
		r.evaluate(u, now)
	}
	r.flush()
	r.mu.Unlock()
	r.wg.Go(func() { r.run(ctx) })
}

// Stop stops the runner, waits for its goroutine and makes every output
// bad (stopped). Changes still queued are not evaluated.
func (r *Runner) Stop() {
	r.stopOnce.Do(func() { close(r.stop) })
	r.wg.Wait()
	if r.sub == nil {
		return
	}
	r.sub.Close()
	r.mu.Lock()
	now := time.Now()
	for i := range r.units {
		u := &r.units[i]
		for j, id := range u.out {
			r.pub = append(r.pub, tags.Update{ID: id, VQT: tags.VQT{Value: u.last[j], Quality: tags.BadQuality(tags.ReasonStopped, 0), Time: now}})
		}
	}
	r.flush()
	r.mu.Unlock()
}

// Sync waits until the runner has evaluated every change published on
// the bus before the call (and published their outputs), or ctx ends.
func (r *Runner) Sync(ctx context.Context) error {
	done := make(chan struct{})
	select {
	case r.syncReq <- done:
	case <-ctx.Done():
		return ctx.Err()
	case <-r.stop:
		return errors.New("models: runner stopped")
	}
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (r *Runner) run(ctx context.Context) {
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	var batches [][]tags.Update
	for {
		if at, ok := r.nextDue(); ok {
			timer.Reset(time.Until(at))
		} else {
			timer.Stop()
		}
		select {
		case <-ctx.Done():
			return
		case <-r.stop:
			return
		case <-r.sub.C():
			batches = r.sub.Batches(batches[:0])
			r.process(batches)
			clear(batches)
		case <-timer.C:
			r.tick()
		case done := <-r.syncReq:
			batches = r.sub.Batches(batches[:0])
			r.process(batches)
			clear(batches)
			close(done)
		}
	}
}

// nextDue is the earliest scheduled evaluation.
func (r *Runner) nextDue() (time.Time, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var at time.Time
	for i := range r.units {
		if n := r.units[i].next; !n.IsZero() && (at.IsZero() || n.Before(at)) {
			at = n
		}
	}
	return at, !at.IsZero()
}

// process applies a run of bus batches and evaluates, once each, the
// models whose inputs changed, publishing their outputs in one batch.
func (r *Runner) process(batches [][]tags.Update) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, b := range batches {
		for _, up := range b {
			if int(up.ID) >= len(r.cur) {
				continue
			}
			r.cur[up.ID] = up.VQT
			for _, ui := range r.byTag[up.ID] {
				if !r.dirty[ui] {
					r.dirty[ui] = true
					r.queue = append(r.queue, ui)
				}
			}
		}
	}
	if len(r.queue) == 0 {
		return
	}
	now := time.Now()
	for _, ui := range r.queue {
		r.dirty[ui] = false
		r.evaluate(&r.units[ui], now)
	}
	r.queue = r.queue[:0]
	r.flush()
}

// tick evaluates the scheduled models that are due.
func (r *Runner) tick() {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := time.Now()
	for i := range r.units {
		u := &r.units[i]
		if u.next.IsZero() || u.next.After(now) {
			continue
		}
		for !u.next.After(now) {
			u.next = u.next.Add(u.spec.Every) // a late tick skips, it does not catch up
		}
		r.evaluate(u, now)
	}
	r.flush()
}

// flush publishes the round's outputs in one batch. Callers hold r.mu.
func (r *Runner) flush() {
	if len(r.pub) == 0 {
		return
	}
	r.bus.Publish(r.pub)
	clear(r.pub)
	r.pub = r.pub[:0]
}

// interrupter is an Instance told when it was not evaluated because an
// input was bad (a formula's total and rate).
type interrupter interface{ Interrupt() }

// evaluate runs u on the current values and queues its outputs. Callers
// hold r.mu.
func (r *Runner) evaluate(u *unit, now time.Time) {
	q := tags.GoodQuality
	for i, id := range u.in {
		if id == noTag {
			u.buf[i] = Input{}
			continue
		}
		v := r.cur[id]
		ok := v.Quality.Level != tags.Bad && !v.Value.IsZero()
		u.buf[i] = Input{V: v.Value.Float(), T: v.Time, Good: ok, Bound: true}
		if !u.required[i] {
			continue
		}
		if !ok && u.gaps[i] && v.Quality.Reason == tags.ReasonNotRead && !v.Value.IsZero() {
			return // a gap in the series (no value by design): hold the outputs
		}
		if !ok {
			if it, isIt := u.inst.(interrupter); isIt {
				it.Interrupt()
			}
			r.bad(u, now, tags.ReasonBadInput, fmt.Sprintf("input %s (%s) is %v", u.roles[i], u.inputs[i], v.Quality))
			return
		}
		if v.Quality.Level == tags.Uncertain && q.Level == tags.Good {
			q = tags.Quality{Level: tags.Uncertain, Reason: v.Quality.Reason}
		}
	}
	outs, err := u.inst.Eval(now, u.buf)
	if err == nil && len(outs) != len(u.out) {
		err = fmt.Errorf("%d outputs, want %d", len(outs), len(u.out))
	}
	if errors.Is(err, ErrWarmingUp) {
		// Not a fault: no value yet, said once, not once a sample.
		r.bad(u, now, tags.ReasonWarmingUp, ErrWarmingUp.Error())
		return
	}
	if err != nil {
		r.bad(u, now, tags.ReasonModelError, err.Error())
		return
	}
	if u.problem != "" {
		r.log.Info("model recovered", "model", u.spec.Name)
		u.problem = ""
	}
	for j, id := range u.out {
		x := outs[j]
		vq := q
		var val tags.Value
		switch {
		case math.IsNaN(x):
			val, vq = u.last[j], tags.BadQuality(tags.ReasonNotRead, 0)
		case u.outBool[j]:
			val = tags.Bool(x != 0)
		default:
			val = tags.Float(x)
		}
		u.last[j] = val
		r.pub = append(r.pub, tags.Update{ID: id, VQT: tags.VQT{Value: val, Quality: vq, Time: now}})
	}
}

// bad makes every output of u bad for reason, logging why when it is a
// new problem.
func (r *Runner) bad(u *unit, now time.Time, reason tags.Reason, why string) {
	if why != u.problem {
		level := slog.LevelWarn
		if reason == tags.ReasonWarmingUp {
			level = slog.LevelInfo
		}
		r.log.Log(context.Background(), level, "model output bad", "model", u.spec.Name, "reason", reason.String(), "why", why)
		u.problem = why
	}
	for j, id := range u.out {
		r.pub = append(r.pub, tags.Update{ID: id, VQT: tags.VQT{Value: u.last[j], Quality: tags.BadQuality(reason, 0), Time: now}})
	}
}
