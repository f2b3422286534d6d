package auth

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// FuzzSignIn: no name or password makes SignIn panic, and only ann's own
// password (her name in any case) signs in.
func FuzzSignIn(f *testing.F) {
	for _, seed := range [][2]string{
		{"ann", userPW}, {"ANN", userPW}, {"ann", userPW + " "}, {"ann", ""}, {"", ""},
		{"root", adminPW}, {"ann\x00", userPW}, {"ann", strings.Repeat("x", MaxPasswordLen+1)},
		{"ännchen", "密码密码密码密码密码"}, {strings.Repeat("a", 65), userPW}, {"$argon2id$v=19$", "\xff"},
	} {
		f.Add(seed[0], seed[1])
	}
	// Failures neither slow down nor lock here: the fuzzer runs fast and
	// ann's right password keeps working.
	r := newRig(f, Options{MaxFailures: 1 << 30, SlowDown: time.Nanosecond, MaxSlowDown: time.Nanosecond})
	r.add("ann", Operator)
	f.Fuzz(func(t *testing.T, name, password string) {
		s, err := r.m.SignIn(name, password, "fuzz")
		right := strings.EqualFold(name, "ann") && password == userPW ||
			strings.EqualFold(name, "root") && password == adminPW
		switch {
		case right && err != nil:
			t.Fatalf("SignIn(%q, right password): %v", name, err)
		case !right && err == nil:
			t.Fatalf("SignIn(%q, %q) signed in as %q", name, password, s.User)
		case err != nil && !errors.Is(err, ErrBadCredentials):
			t.Fatalf("SignIn(%q, %q): %v", name, password, err)
		case err == nil && !strings.EqualFold(s.User, name):
			t.Fatalf("SignIn(%q) is %q", name, s.User)
		}
	})
}
