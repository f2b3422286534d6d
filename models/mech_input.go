package models

import (
	"errors"
	"fmt"
	"math"
	"time"
)

// ErrInputBad is returned (wrapped, with the input's role) by Eval of a
// mechanistic or OEE model when an input it needs is bad, unbound or not a
// finite number; the runtime then makes every output bad with that text.
var ErrInputBad = errors.New("input bad")

// ErrPumpStopped is returned by pump_performance's Eval while the pump runs
// below its min_speed: efficiency and the distance from the best efficiency
// point are undefined for a pump at rest.
var ErrPumpStopped = errors.New("pump stopped")

// mechValue returns input i, which the model needs, or an error naming role.
func mechValue(in []Input, i int, role string) (float64, error) {
	if i >= len(in) || !in[i].Bound {
		return 0, fmt.Errorf("%w: %s is not bound", ErrInputBad, role)
	}
	if !in[i].Good {
		return 0, fmt.Errorf("%w: %s", ErrInputBad, role)
	}
	if math.IsNaN(in[i].V) || math.IsInf(in[i].V, 0) {
		return 0, fmt.Errorf("%w: %s is not a finite number (%v)", ErrInputBad, role, in[i].V)
	}
	return in[i].V, nil
}

// mechOptional returns optional input i: ok false when it is unbound, an
// error when it is bound but bad.
func mechOptional(in []Input, i int, role string) (v float64, ok bool, err error) {
	if i >= len(in) || !in[i].Bound {
		return 0, false, nil
	}
	v, err = mechValue(in, i, role)
	return v, err == nil, err
}

// mechSampleTime is the time of an evaluation's sample: the newest
// timestamp among the bound inputs (the moment of the latest information),
// or now when none has one.
func mechSampleTime(now time.Time, in []Input) time.Time {
	var t time.Time
	for _, x := range in {
		if x.Bound && x.T.After(t) {
			t = x.T
		}
	}
	if t.IsZero() {
		return now
	}
	return t
}

// mechBool is 1 for true, 0 for false: the value of a Bool output.
func mechBool(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
