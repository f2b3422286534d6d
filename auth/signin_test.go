package auth

import (
	"errors"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// badPW is the wrong password the tests try.
const badPW = "not the password 7"

// Consecutive failures slow down (none after the first, then 1, 2, 4 s),
// the fifth locks the account for 15 minutes, even the right password is
// refused meanwhile, and afterwards it signs in and counting starts anew.
func TestSlowDownAndLockout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, Options{})
		r.add("ann", Operator)
		for i, want := range []time.Duration{0, time.Second, 2 * time.Second, 4 * time.Second} {
			t0 := time.Now()
			_, err := r.m.SignIn("ann", badPW, "hmi")
			if !errors.Is(err, ErrBadCredentials) {
				t.Fatalf("failure %d: %v", i+1, err)
			}
			if got := time.Since(t0); got != want {
				t.Errorf("failure %d took %v, want %v", i+1, got, want)
			}
		}
		t0 := time.Now()
		_, err := r.m.SignIn("ann", badPW, "hmi")
		var le *LockedError
		if !errors.As(err, &le) || !errors.Is(err, ErrLocked) || !le.Until.Equal(t0.Add(15*time.Minute)) || time.Since(t0) != 0 {
			t.Fatalf("fifth failure: %v after %v", err, time.Since(t0))
		}
		if u, _ := r.m.LookupUser("ann"); u.Failed != 5 || !u.LockedUntil.Equal(le.Until) {
			t.Errorf("locked user %+v", u)
		}
		time.Sleep(15*time.Minute - time.Second)
		if _, err := r.m.SignIn("ann", userPW, "hmi"); !errors.Is(err, ErrLocked) {
			t.Errorf("right password while locked: %v", err)
		}
		time.Sleep(time.Second)
		if _, err := r.m.SignIn("ann", userPW, "hmi"); err != nil {
			t.Fatalf("after the lockout: %v", err)
		}
		if u, _ := r.m.LookupUser("ann"); u.Failed != 0 || !u.LockedUntil.IsZero() {
			t.Errorf("user after sign-in %+v", u)
		}
		t0 = time.Now()
		r.m.SignIn("ann", badPW, "hmi")
		if time.Since(t0) != 0 {
			t.Error("the first failure after a sign-in is slowed down")
		}

		if got := len(r.audit.of(ActSignInFailed)); got != 7 { // 5, the locked attempt, the last
			t.Errorf("%d failed sign-ins audited, want 7", got)
		}
		locks := r.audit.of(ActLockout)
		if len(locks) != 1 || locks[0].User != "ann" || locks[0].Target != "ann" || locks[0].New != le.Until.UTC().Format(time.RFC3339) {
			t.Errorf("lockout audit %+v", locks)
		}
		ins := r.audit.of(ActSignIn)
		if len(ins) != 2 || ins[1].User != "ann" || ins[1].Detail != "from hmi" || ins[1].New != "operator" {
			t.Errorf("sign-in audit %+v", ins)
		}
		r.noSecrets(badPW)
	})
}

// The slow-down doubles up to MaxSlowDown when the lockout comes late.
func TestSlowDownCap(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, Options{MaxFailures: 8, MaxSlowDown: 3 * time.Second})
		r.add("ann", Operator)
		var got []time.Duration
		for range 7 {
			t0 := time.Now()
			r.m.SignIn("ann", badPW, "hmi")
			got = append(got, time.Since(t0))
		}
		s := time.Second
		if want := []time.Duration{0, s, 2 * s, 3 * s, 3 * s, 3 * s, 3 * s}; !slices.Equal(got, want) {
			t.Errorf("delays %v, want %v", got, want)
		}
	})
}

// A name nobody has answers exactly like a wrong password: the same
// error, the same slow-down, the same lockout; so does a name no user
// could have. The audit trail does not record the unknown name.
func TestUnknownUserLikeWrongPassword(t *testing.T) {
	type step struct {
		bad, locked bool
		took, until time.Duration
	}
	// run tries name six times on a fresh station where ann exists.
	run := func(t *testing.T, name string) []step {
		r := newRig(t, Options{})
		r.add("ann", Operator)
		var steps []step
		for range 6 {
			t0 := time.Now()
			_, err := r.m.SignIn(name, badPW, "hmi")
			s := step{bad: errors.Is(err, ErrBadCredentials), locked: errors.Is(err, ErrLocked), took: time.Since(t0)}
			var le *LockedError
			if errors.As(err, &le) {
				s.until = le.Until.Sub(t0)
			}
			steps = append(steps, s)
		}
		for _, a := range r.audit.of(ActSignInFailed) {
			if a.User != "ann" && (a.User != "" || a.Target != "" || a.Detail != "unknown user name, from hmi") {
				t.Errorf("failure at an unknown name audited as %+v", a)
			}
		}
		return steps
	}
	synctest.Test(t, func(t *testing.T) {
		known := run(t, "ann")
		if !known[0].bad || !known[5].locked {
			t.Fatalf("ann answered %+v", known)
		}
		for _, name := range []string{"nobody", "no such name!", ""} {
			if got := run(t, name); !slices.Equal(got, known) {
				t.Errorf("%q answered %+v\nann answered %+v", name, got, known)
			}
		}
	})
}

// Attempts at one name wait for each other: three at once take 0, 1 and
// 2 s in turn instead of all being answered at once.
func TestConcurrentAttemptsQueue(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, Options{})
		r.add("ann", Operator)
		t0 := time.Now()
		var mu sync.Mutex
		var took []time.Duration
		var wg sync.WaitGroup
		for range 3 {
			wg.Go(func() {
				r.m.SignIn("ann", badPW, "gateway")
				mu.Lock()
				took = append(took, time.Since(t0))
				mu.Unlock()
			})
		}
		wg.Wait()
		slices.Sort(took)
		if want := []time.Duration{0, time.Second, 3 * time.Second}; !slices.Equal(took, want) {
			t.Errorf("answered after %v, want %v", took, want)
		}
	})
}

// A disabled user is refused after the right password, and not locked by
// it; a wrong password of a disabled user is a plain failure.
func TestDisabledSignIn(t *testing.T) {
	r := newRig(t, Options{})
	r.add("ann", Operator)
	r.m.Disable(r.admin, "ann")
	if _, err := r.m.SignIn("ann", userPW, "hmi"); !errors.Is(err, ErrDisabled) {
		t.Errorf("disabled: %v", err)
	}
	if _, err := r.m.SignIn("ann", badPW, "hmi"); !errors.Is(err, ErrBadCredentials) {
		t.Errorf("disabled, wrong password: %v", err)
	}
	r.m.Enable(r.admin, "ann")
	if _, err := r.m.SignIn("ANN", userPW, "hmi"); err != nil {
		t.Errorf("enabled again, name in capitals: %v", err)
	}
}

// A sign-in with new parameters remakes the stored hash with them.
func TestRehashOnParamsChange(t *testing.T) {
	r := newRig(t, Options{})
	r.add("ann", Operator)
	r.close()
	newer := Params{Memory: 128, Time: 2, Threads: 1}
	r.open(Options{Params: newer})
	r.signIn("ann")
	b, _ := r.st.Get(UsersBucket, "ann")
	rec, err := decodeRecord(b)
	if err != nil {
		t.Fatal(err)
	}
	if h, _ := parseHash(rec.Hash); h.p != newer || !h.verify(userPW) {
		t.Errorf("hash %s, want remade with %+v", rec.Hash, newer)
	}
	r.signIn("ann")
}
