package auth

import (
	"errors"
	"fmt"
)

// ErrDenied is what every refused action wraps: check it with errors.Is;
// errors.As with *DeniedError says who was refused what.
var ErrDenied = errors.New("permission denied")

// ErrSignedOut: the session was signed out (by the person, a user switch,
// or idle time) and may no longer act; a *DeniedError wraps it.
var ErrSignedOut = errors.New("session signed out")

// DeniedError says who was refused what, and why.
type DeniedError struct {
	User   string     // "" for the anonymous viewer session
	Role   Role       // the user's role when refused
	Perm   Permission // what they tried
	Target string     // where: an asset path, alarm ID, user name; "" station-wide
	Why    string     // e.g. "role", "outside the user's areas", "user disabled"
	Cause  error      // a sentinel behind Why, such as ErrSignedOut; may be nil
}

func (e *DeniedError) Error() string {
	who := e.User
	if who == "" {
		who = "(not signed in)"
	}
	where := ""
	if e.Target != "" {
		where = " " + e.Target
	}
	return fmt.Sprintf("%s (%s): %s%s: %v (%s)", who, e.Role, e.Perm, where, ErrDenied, e.Why)
}

// Unwrap returns ErrDenied and Cause, so errors.Is finds both.
func (e *DeniedError) Unwrap() []error {
	if e.Cause != nil {
		return []error{ErrDenied, e.Cause}
	}
	return []error{ErrDenied}
}
