package alarms

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sightglass/sightglass/state"
	"github.com/sightglass/sightglass/tags"
)

// Engine runs a project's alarms: a lossless subscriber of the tag bus
// that evaluates every change against the alarms on its tag, runs the
// ISA-18.2 state machine with its timers (on- and off-delay, re-alarm,
// shelf expiry), takes the operators' actions, and journals every
// transition through a state.Store.
//
// Every transition is one Record appended to JournalLog and the alarm's
// Status put in StateBucket; the transitions one bus batch or one
// operator call causes go to the store in one Batch, in the order they
// happened. Times are the engine's clock (time.Now) when it evaluated,
// so the journal's times follow its order.
//
// The methods are safe for concurrent use.
type Engine struct {
	cfg   Config
	bus   *tags.Bus
	store state.Store
	log   *slog.Logger
	byID  map[string]int32 // alarm index by ID; fixed after NewEngine

	// The alarms to evaluate when a tag changes, by tag ID, in CSR form:
	// those of tag t are byTag[tagStart[t]:tagStart[t+1]]. A tag's own
	// alarms and the deviation alarms it is the setpoint of are in
	// byTag, the alarms whose suppression names it in bySupp. Fixed
	// after NewEngine.
	tagStart, byTag   []int32
	suppStart, bySupp []int32

	mu      sync.RWMutex // guards alarms, cur, timers, pending, dirty, isDirty
	alarms  []alarm      // in configuration order
	hot     []alarmHot   // alarms[i].h is &hot[i]
	cur     []tags.VQT   // the current VQT of every tag, as the engine has seen them
	timers  deadlines
	pending state.Batch // the transitions not yet handed to the store
	dirty   []int32     // the alarms whose Status pending must put
	isDirty []bool

	applyMu sync.Mutex    // held from a change until its Batch is applied: keeps the store's order the engine's
	version atomic.Uint64 // bumped on every transition

	sub      *tags.Subscription
	wake     chan struct{} // cap 1: a deadline was scheduled
	stop     chan struct{}
	stopOnce sync.Once
	wg       sync.WaitGroup
}

// Errors of the operator actions.
var (
	// ErrUnknownAlarm: an ID names no configured alarm.
	ErrUnknownAlarm = errors.New("unknown alarm")
	// ErrShelveTooLong: the shelf is longer than the priority's maximum.
	ErrShelveTooLong = errors.New("shelf longer than the priority allows")
	// ErrCommentRequired: the project requires a comment for the action
	// (Config.RequireComment) and none was given.
	ErrCommentRequired = errors.New("a comment is required")
	// ErrNoLimit: SetLimit on a kind that has no limit (State, Bad).
	ErrNoLimit = errors.New("alarm kind has no limit")
)

// NewEngine checks cfg against the bus's tag table (every alarm's tag, a
// deviation's setpoint tag, a state alarm's value, the suppression
// conditions), and restores the alarms' statuses from StateBucket and
// their runtime limits from LimitBucket. log may be nil (slog.Default).
// Every problem is reported, joined in one error.
func NewEngine(cfg Config, bus *tags.Bus, st state.Store, log *slog.Logger) (*Engine, error) {
	if log == nil {
		log = slog.Default()
	}
	table := bus.Table()
	e := &Engine{
		cfg: cfg, bus: bus, store: st, log: log,
		byID:    make(map[string]int32, len(cfg.Alarms)),
		alarms:  make([]alarm, len(cfg.Alarms)),
		hot:     make([]alarmHot, len(cfg.Alarms)),
		cur:     make([]tags.VQT, table.Len()),
		isDirty: make([]bool, len(cfg.Alarms)),
		wake:    make(chan struct{}, 1),
		stop:    make(chan struct{}),
	}
	for i := range e.cur {
		e.cur[i].Quality = tags.BadQuality(tags.ReasonNotRead, 0)
	}
	var errs []error
	for i := range cfg.Alarms {
		if err := e.configure(int32(i), cfg.Alarms[i], table); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	e.index(table.Len())
	if err := e.restore(time.Now()); err != nil {
		return nil, err
	}
	return e, nil
}

// configure checks and prepares alarm i.
func (e *Engine) configure(i int32, d Def, table *tags.Table) error {
	id := d.ID()
	if _, dup := e.byID[id]; dup {
		return fmt.Errorf("alarm %s: defined twice", id)
	}
	e.byID[id] = i
	if d.Kind >= NumKinds || d.Priority >= NumPriorities {
		return fmt.Errorf("alarm %s: kind %v, priority %v: out of range", id, d.Kind, d.Priority)
	}
	tid, ok := table.Lookup(d.Tag)
	if !ok {
		return fmt.Errorf("alarm %s: unknown tag %q", id, d.Tag)
	}
	if d.Area == "" {
		d.Area = defaultArea(d.Tag)
	}
	def := table.Def(tid)
	a := &e.alarms[i]
	*a = alarm{idx: i, def: d, tag: tid, units: def.Units, h: &e.hot[i]}
	*a.h = alarmHot{limit: d.Limit, db: d.Deadband, tag: tid, kind: d.Kind}
	a.st = Status{ID: id, Tag: d.Tag, Kind: d.Kind, Priority: d.Priority, Area: d.Area, Limit: d.Limit}
	var errs []error
	switch d.Kind {
	case Deviation:
		sp, ok := table.Lookup(d.Setpoint)
		if !ok {
			errs = append(errs, fmt.Errorf("alarm %s: unknown setpoint tag %q", id, d.Setpoint))
		}
		a.sp = sp
	case State:
		if !a.parseState(def.Type) {
			errs = append(errs, fmt.Errorf("alarm %s: state %q is not a %v value", id, d.State, def.Type))
		}
	}
	if d.Suppress != "" {
		c, err := compileTableCondition(d.Suppress, table)
		if err != nil {
			errs = append(errs, fmt.Errorf("alarm %s: suppress: %w", id, err))
		}
		a.supp = c
	}
	return errors.Join(errs...)
}

// defaultArea is a tag's asset path: "Plant.P1" for "Plant.P1.Winding".
func defaultArea(tag string) string {
	if i := strings.LastIndexByte(tag, '.'); i > 0 {
		return tag[:i]
	}
	return ""
}

// index builds the by-tag indexes of the alarms.
func (e *Engine) index(ntags int) {
	e.tagStart, e.byTag = csr(ntags, e.alarms, func(a *alarm, add func(tags.ID)) {
		add(a.tag)
		if a.def.Kind == Deviation && a.sp != a.tag {
			add(a.sp)
		}
	})
	e.suppStart, e.bySupp = csr(ntags, e.alarms, func(a *alarm, add func(tags.ID)) {
		if a.supp != nil {
			for _, t := range a.supp.Tags() {
				add(t)
			}
		}
	})
}

// csr lists, for every tag, the alarms that refs names it for: the
// alarms of tag t are list[start[t]:start[t+1]], in configuration order.
func csr(ntags int, alarms []alarm, refs func(*alarm, func(tags.ID))) (start, list []int32) {
	start = make([]int32, ntags+1)
	for i := range alarms {
		refs(&alarms[i], func(t tags.ID) { start[t+1]++ })
	}
	for t := range ntags {
		start[t+1] += start[t]
	}
	list = make([]int32, start[ntags])
	fill := append([]int32(nil), start[:ntags]...)
	for i := range alarms {
		refs(&alarms[i], func(t tags.ID) { list[fill[t]] = int32(i); fill[t]++ })
	}
	return start, list
}

// Start subscribes to the bus and runs the engine until ctx ends or Stop.
// It first evaluates every alarm whose tags already have values, so an
// alarm restored active whose condition went away while the station was
// down clears now.
func (e *Engine) Start(ctx context.Context) {
	e.sub = e.bus.Subscribe("alarms")
	snap, _ := e.bus.Snapshot(nil)
	e.mu.Lock()
	copy(e.cur, snap)
	now := time.Now()
	for i := range e.alarms {
		a := &e.alarms[i]
		switch {
		case a.def.Kind == Rate: // needs two samples
		case a.def.Kind == Bad && e.cur[a.tag].Quality.Reason == tags.ReasonNotRead: // not a fault yet
		default:
			e.evaluate(a, now)
		}
		if a.supp != nil && e.allRead(a.supp.Tags()) {
			e.setSuppressed(a, now)
		}
	}
	if err := e.commit(); err != nil {
		e.log.Error("alarm journal", "err", err)
	}
	e.wg.Go(func() { e.run(ctx) })
}

// allRead reports whether every one of ids has a value that is not bad.
// Callers hold e.mu.
func (e *Engine) allRead(ids []tags.ID) bool {
	for _, id := range ids {
		if e.cur[id].Quality.Level == tags.Bad {
			return false
		}
	}
	return true
}

// Stop stops the engine and waits for its goroutine to end. Changes still
// queued are not evaluated.
func (e *Engine) Stop() {
	e.stopOnce.Do(func() { close(e.stop) })
	e.wg.Wait()
	if e.sub != nil {
		e.sub.Close()
	}
}

// run is the engine's loop: bus changes, timers, until stopped.
func (e *Engine) run(ctx context.Context) {
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	var armed time.Time // the deadline timer is set for; zero: none
	var batches [][]tags.Update
	for {
		e.mu.RLock()
		at, ok := e.next()
		e.mu.RUnlock()
		switch {
		case !ok && !armed.IsZero():
			timer.Stop()
			armed = time.Time{}
		case ok && !at.Equal(armed):
			timer.Reset(time.Until(at))
			armed = at
		}
		select {
		case <-ctx.Done():
			return
		case <-e.stop:
			return
		case <-e.sub.C():
			batches = e.sub.Batches(batches[:0])
			e.process(batches)
			clear(batches)
		case <-timer.C:
			armed = time.Time{}
			e.tick()
		case <-e.wake:
		}
	}
}

// process evaluates a run of bus batches and journals what they changed
// in one store Batch.
func (e *Engine) process(batches [][]tags.Update) {
	e.mu.Lock()
	now := time.Now()
	for _, b := range batches {
		for _, u := range b {
			e.update(u, now)
		}
	}
	if err := e.commit(); err != nil {
		e.log.Error("alarm journal", "err", err)
	}
}

// update applies one tag change. Callers hold e.mu. With nothing
// transitioning it allocates nothing.
func (e *Engine) update(u tags.Update, now time.Time) {
	if int(u.ID) >= len(e.cur) {
		return
	}
	e.cur[u.ID] = u.VQT
	for _, i := range e.byTag[e.tagStart[u.ID]:e.tagStart[u.ID+1]] {
		if h := &e.hot[i]; h.kind <= LoLo { // the common case, from the packed entry alone
			v := &e.cur[h.tag]
			if v.Quality.Level == tags.Bad || v.Value.IsZero() {
				continue
			}
			if in := h.limitIn(v.Value.Float()); in != h.in {
				e.setIn(&e.alarms[i], in, now)
			}
			continue
		}
		a := &e.alarms[i]
		if a.def.Kind == Rate {
			a.sample(u.VQT, now)
		}
		e.evaluate(a, now)
	}
	for _, i := range e.bySupp[e.suppStart[u.ID]:e.suppStart[u.ID+1]] {
		e.setSuppressed(&e.alarms[i], now)
	}
}

// tick runs the timers that are due.
func (e *Engine) tick() {
	e.mu.Lock()
	e.fireDue(time.Now())
	if err := e.commit(); err != nil {
		e.log.Error("alarm journal", "err", err)
	}
}

// getCur returns the engine's current VQT of a tag; for conditions.
func (e *Engine) getCur(id tags.ID) tags.VQT { return e.cur[id] }
