package models

import (
	"errors"
	"fmt"
	"math"
)

// ErrNotTrained is returned by Eval of a statistical model that needs
// learned state (a baseline, a covariance) before it has been trained or
// loaded.
var ErrNotTrained = errors.New("model not trained")

// ErrWarmingUp is returned by Eval of a windowed model before its window
// holds enough samples to say anything.
var ErrWarmingUp = errors.New("model warming up")

// needGood checks that input i (named role) is bound, good and finite.
func needGood(in []Input, i int, role string) (float64, error) {
	if i >= len(in) {
		return 0, fmt.Errorf("input %s missing", role)
	}
	v := in[i]
	if !v.Good {
		return 0, fmt.Errorf("input %s is bad", role)
	}
	if math.IsNaN(v.V) || math.IsInf(v.V, 0) {
		return 0, fmt.Errorf("input %s is not a finite number (%v)", role, v.V)
	}
	return v.V, nil
}

// boolf is a detection as an output value.
func boolf(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
