package alarms

import (
	"math"
	"strconv"
	"time"

	"github.com/sightglass/sightglass/tags"
)

// alarm is one configured alarm as the engine runs it. Every field is
// guarded by Engine.mu.
type alarm struct {
	idx   int32
	def   Def
	tag   tags.ID
	sp    tags.ID // Deviation: the setpoint tag
	units string
	supp  *Condition // nil: never suppressed by design

	// State: the abnormal value, parsed once for the tag's type.
	stateBool bool
	stateNum  float64
	stateKind uint8 // 0 text, 1 bool, 2 number

	st Status
	h  *alarmHot // its entry in Engine.hot

	// Deadlines of the timers; zero when not running. The timer heap may
	// hold stale entries; an entry fires only when it equals the field.
	onAt, offAt, realarmAt, shelfAt, rateAt time.Time

	// Rate: the previous good sample and the last rate computed.
	prev     float64
	prevT    time.Time
	hasPrev  bool
	rate     float64
	hasRate  bool
	interval time.Duration // between the last two samples, by their VQT times
	lastSeen time.Time     // when the engine received the last sample
}

// alarmHot is the part of an alarm that evaluating a tag update reads: a
// few bytes packed beside the other alarms' (Engine.hot), so that 10,000
// alarms evaluate from cache, not from their large alarm structs.
type alarmHot struct {
	limit float64 // in force: Def.Limit or as changed at runtime (= st.Limit)
	db    float64 // Def.Deadband
	tag   tags.ID
	kind  Kind
	// in is the condition with its deadband applied, before the delays;
	// the alarm is activated when st.State.Active().
	in bool
}

// limitIn evaluates a limit alarm (HiHi, Hi, Lo, LoLo) on x, with the
// deadband: an alarm that is in clears only once x is back inside the
// limit by the deadband. NaN changes nothing.
func (h *alarmHot) limitIn(x float64) bool {
	if h.kind <= Hi {
		return above(x, h.limit, h.db, h.in)
	}
	if h.in {
		return !(x > h.limit+h.db)
	}
	return x <= h.limit
}

// The state alarms' parsed forms.
const (
	stateText uint8 = iota
	stateBool
	stateNumber
)

// parseState prepares a State alarm's abnormal value for the tag's type.
func (a *alarm) parseState(dt tags.DataType) bool {
	switch {
	case dt == tags.TypeBool:
		b, err := strconv.ParseBool(a.def.State)
		a.stateKind, a.stateBool = stateBool, b
		return err == nil
	case dt != tags.TypeString && dt != tags.TypeInvalid:
		f, err := strconv.ParseFloat(a.def.State, 64)
		a.stateKind, a.stateNum = stateNumber, f
		return err == nil
	}
	a.stateKind = stateText
	return true
}

// matchesState reports whether v is the State alarm's abnormal value.
func (a *alarm) matchesState(v tags.Value) bool {
	switch a.stateKind {
	case stateBool:
		return v.Bool() == a.stateBool
	case stateNumber:
		return v.Float() == a.stateNum
	}
	return v.String() == a.def.State
}

// hasLimit reports whether the kind has a limit an operator may change.
func hasLimit(k Kind) bool { return k <= Rate }

// condition evaluates the alarm's condition on the current values, with
// the deadband: an alarm that is in clears only once the value is back
// inside the limit by the deadband. ok is false when the condition cannot
// be evaluated (the value is bad or missing): the alarm keeps its state,
// and the Bad kind is the one that reports it.
func (e *Engine) condition(a *alarm) (in, ok bool) {
	v := e.cur[a.tag]
	if a.def.Kind == Bad {
		return v.Quality.Level == tags.Bad, true
	}
	if v.Quality.Level == tags.Bad || v.Value.IsZero() {
		return false, false
	}
	limit, db, in := a.h.limit, a.h.db, a.h.in
	switch a.def.Kind {
	case State:
		return a.matchesState(v.Value), true
	case HiHi, Hi, Lo, LoLo:
		return a.h.limitIn(v.Value.Float()), true
	case Deviation:
		s := e.cur[a.sp]
		if s.Quality.Level == tags.Bad || s.Value.IsZero() {
			return false, false
		}
		return above(math.Abs(v.Value.Float()-s.Value.Float()), limit, db, in), true
	case Rate:
		if !a.hasRate {
			return false, false
		}
		return above(math.Abs(a.rate), limit, db, in), true
	}
	return false, false
}

// above is the high-limit test with a deadband: x ≥ limit sets it, and
// once set it holds until x < limit − deadband. NaN changes nothing.
func above(x, limit, db float64, in bool) bool {
	if in {
		return !(x < limit-db)
	}
	return x >= limit
}

// sample records a new value of a Rate alarm's tag and computes the rate
// from the previous sample's time. A bad value forgets the previous one,
// so no rate spans a gap.
func (a *alarm) sample(v tags.VQT, now time.Time) {
	a.lastSeen = now
	if v.Quality.Level == tags.Bad || v.Value.IsZero() {
		a.hasPrev, a.hasRate = false, false
		return
	}
	x := v.Value.Float()
	if a.hasPrev {
		if dt := v.Time.Sub(a.prevT).Seconds(); dt > 0 {
			a.rate, a.hasRate = (x-a.prev)/dt, true
			a.interval = v.Time.Sub(a.prevT)
		}
	}
	a.prev, a.prevT, a.hasPrev = x, v.Time, true
}

// evaluate re-evaluates the alarm's condition and runs the state machine.
func (e *Engine) evaluate(a *alarm, now time.Time) {
	in, ok := e.condition(a)
	if !ok || in == a.h.in {
		return
	}
	e.setIn(a, in, now)
}

// setIn moves the alarm's condition in or out, through the delays.
func (e *Engine) setIn(a *alarm, in bool, now time.Time) {
	a.h.in = in
	if in {
		if a.def.Kind == Rate {
			e.scheduleRateCheck(a, now)
		}
		a.offAt = time.Time{}
		switch {
		case a.st.State.Active():
		case a.def.OnDelay > 0:
			a.onAt = now.Add(a.def.OnDelay)
			e.schedule(a, a.onAt)
		default:
			e.activate(a, now)
		}
		return
	}
	a.onAt = time.Time{}
	switch {
	case !a.st.State.Active():
	case a.def.OffDelay > 0:
		a.offAt = now.Add(a.def.OffDelay)
		e.schedule(a, a.offAt)
	default:
		e.clear(a, now)
	}
}

// activate: the condition held through its on-delay. With AckRequired
// false the alarm is annunciated all the same (an operator may
// acknowledge it) but needs no acknowledgement to return to normal.
func (e *Engine) activate(a *alarm, now time.Time) {
	a.st.State = Unacked
	a.st.ActiveAt = now
	a.st.Value = e.formatValue(a)
	a.st.Message = e.render(a)
	a.realarmAt = time.Time{}
	e.journal(a, EvActive, "", "", now)
}

// clear: the condition stayed gone through its off-delay.
func (e *Engine) clear(a *alarm, now time.Time) {
	a.realarmAt = time.Time{}
	switch {
	case a.st.State == Unacked && a.def.AckRequired:
		a.st.State = RTNUnack
	case a.def.Latched:
		a.st.State = Latched
	default:
		a.st.State = Normal
	}
	a.st.Value = e.formatValue(a)
	e.journal(a, EvClear, "", "", now)
}

// ack acknowledges the alarm; it reports whether anything changed.
func (e *Engine) ack(a *alarm, user, comment string, now time.Time) bool {
	switch a.st.State {
	case Unacked:
		a.st.State = Acked
		if a.def.Realarm > 0 {
			a.realarmAt = now.Add(a.def.Realarm)
			e.schedule(a, a.realarmAt)
		}
	case RTNUnack:
		if a.def.Latched {
			a.st.State = Latched
		} else {
			a.st.State = Normal
		}
	default:
		return false
	}
	e.operator(a, EvAck, user, comment, now)
	return true
}

// reset resets a latched alarm; it reports whether anything changed.
func (e *Engine) reset(a *alarm, user, comment string, now time.Time) bool {
	if a.st.State != Latched {
		return false
	}
	a.st.State = Normal
	e.operator(a, EvReset, user, comment, now)
	return true
}

// realarm: an acknowledged alarm still active after Realarm annunciates
// again.
func (e *Engine) realarm(a *alarm, now time.Time) {
	a.realarmAt = time.Time{}
	if a.st.State != Acked {
		return
	}
	a.st.State = Unacked
	a.st.Value = e.formatValue(a)
	e.journal(a, EvRealarm, "", "", now)
}

// unshelve ends a shelf, by an operator or at expiry (user ""). At
// expiry the alarm is re-evaluated on the current values and, still
// active, annunciated again as unacknowledged: whoever acknowledged it
// before shelving did not see what happened on the shelf.
func (e *Engine) unshelve(a *alarm, user, comment string, now time.Time) {
	a.st.Shelved, a.st.ShelvedUntil, a.shelfAt = false, time.Time{}, time.Time{}
	if user != "" {
		e.operator(a, EvUnshelve, user, comment, now)
		return
	}
	if a.st.State == Acked {
		a.st.State = Unacked
	}
	e.journal(a, EvUnshelve, "", "", now)
	e.evaluate(a, now)
}

// setSuppressed re-evaluates the alarm's suppression condition.
func (e *Engine) setSuppressed(a *alarm, now time.Time) {
	s := a.supp.Eval(e.getCur)
	if err := a.supp.Err(); err != nil {
		e.log.Warn("alarm suppression", "alarm", a.st.ID, "err", err)
	}
	if s == a.st.Suppressed {
		return
	}
	a.st.Suppressed = s
	ev := EvUnsuppress
	if s {
		ev = EvSuppress
	}
	e.journal(a, ev, "", "", now)
}

// operator journals an operator's transition and records who made it.
func (e *Engine) operator(a *alarm, ev Event, user, comment string, now time.Time) {
	a.st.User, a.st.Comment = user, comment
	e.journal(a, ev, user, comment, now)
}

// fire runs the alarm's timers that are due at now.
func (e *Engine) fire(a *alarm, now time.Time) {
	if due(a.shelfAt, now) {
		e.unshelve(a, "", "", now)
	}
	if due(a.onAt, now) {
		a.onAt = time.Time{}
		if a.h.in && !a.st.State.Active() {
			e.activate(a, now)
		}
	}
	if due(a.offAt, now) {
		a.offAt = time.Time{}
		if !a.h.in && a.st.State.Active() {
			e.clear(a, now)
		}
	}
	if due(a.realarmAt, now) {
		e.realarm(a, now)
	}
	if due(a.rateAt, now) {
		a.rateAt = time.Time{}
		e.rateCheck(a, now)
	}
}

func due(at, now time.Time) bool { return !at.IsZero() && !at.After(now) }

// The bus fans out changes only: a value that stops changing sends no
// more samples, and its rate would stay at the last one computed. So
// while a rate alarm is in, a timer checks that samples keep coming; one
// silent for twice the last sampling interval (at least rateQuiet) means
// the value holds still: its rate is 0.
const rateQuiet = time.Second

// rateWait is how long a rate alarm's tag may be silent before its rate
// counts as 0.
func (a *alarm) rateWait() time.Duration { return max(rateQuiet, 2*a.interval) }

// scheduleRateCheck arms the rate alarm's silence check.
func (e *Engine) scheduleRateCheck(a *alarm, now time.Time) {
	a.rateAt = a.lastSeen.Add(a.rateWait())
	if a.rateAt.Before(now) {
		a.rateAt = now
	}
	e.schedule(a, a.rateAt)
}

// rateCheck: no new sample for rateWait means a rate of 0.
func (e *Engine) rateCheck(a *alarm, now time.Time) {
	if !a.h.in {
		return
	}
	if now.Sub(a.lastSeen) < a.rateWait() {
		e.scheduleRateCheck(a, now)
		return
	}
	a.rate = 0
	e.evaluate(a, now)
	if a.h.in {
		a.rateAt = now.Add(a.rateWait())
		e.schedule(a, a.rateAt)
	}
}
