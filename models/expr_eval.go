package models

import (
	"fmt"
	"math"
	"time"
)

// Names are the tags the formula names, distinct, in order of first
// appearance: Eval's inputs, in this order. The slice must not be
// modified.
func (c *Calc) Names() []string { return c.names }

// Bool reports whether the formula gives true or false (its output tag is
// a bool) rather than a number.
func (c *Calc) Bool() bool { return c.isBool }

// String returns the formula as written.
func (c *Calc) String() string { return c.src }

// Eval runs the formula on in (the values of Names, in order) at time now
// and returns its value (1 or 0 for true and false). A bad input, a
// run-time error or a result that is not a finite number is an error; a
// bad input also interrupts total and rate (see Interrupt). The returned
// slice is reused by the next Eval.
func (c *Calc) Eval(now time.Time, in []Input) ([]float64, error) {
	if len(in) != len(c.keys) {
		return nil, fmt.Errorf("expr %q: %d inputs, want %d", c.src, len(in), len(c.keys))
	}
	for i := range in {
		if !in[i].Good {
			c.Interrupt()
			return nil, fmt.Errorf("expr %q: %s is bad", c.src, c.names[i])
		}
		if c.bools[i] {
			c.env[c.keys[i]] = in[i].V != 0
		} else {
			c.env[c.keys[i]] = in[i].V
		}
	}
	c.now = now
	out, err := c.vm.Run(c.prog, c.env)
	if err != nil {
		return nil, fmt.Errorf("expr %q: %w", c.src, err)
	}
	var v float64
	switch x := out.(type) {
	case nil:
		// "no value here", by design (cond ? x : nil): the output is bad
		// (not read) and keeps its last value, without a warning in the
		// log every time the condition changes.
		v = math.NaN()
		c.out[0] = v
		return c.out[:], nil
	case float64:
		v = x
	case int:
		v = float64(x)
	case bool:
		if x {
			v = 1
		}
	default:
		return nil, fmt.Errorf("expr %q: gives %T %v, not a number", c.src, out, out)
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil, fmt.Errorf("expr %q: gives %v", c.src, v)
	}
	c.out[0] = v
	return c.out[:], nil
}

// Interrupt tells the formula's total and rate calls that it was not
// evaluated for a while (an input was bad): a total keeps its sum but
// does not integrate across the gap, and a rate starts again from 0.
func (c *Calc) Interrupt() {
	for i := range c.sites {
		c.sites[i].have = false
	}
}

// timeFunc is one call of total (the trapezoidal integral of x over the
// evaluation times, per second) or rate (x's change per second since the
// previous evaluation).
func (c *Calc) timeFunc(s *timeSite, x float64) float64 {
	now := c.now
	if s.have {
		if dt := now.Sub(s.prevT).Seconds(); dt > 0 {
			if s.rate {
				s.acc = (x - s.prevX) / dt
			} else {
				s.acc += (x + s.prevX) / 2 * dt
			}
		}
	} else if s.rate {
		s.acc = 0
	}
	s.have, s.prevT, s.prevX = true, now, x
	return s.acc
}
