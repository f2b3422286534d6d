package station

import (
	"context"
	"testing"
	"time"

	"github.com/sightglass/sightglass/auth"
)

// testStateOptions hash passwords cheaply: the tests sign in often.
var testStateOptions = StateOptions{Auth: auth.Options{Params: auth.Params{Memory: 64, Time: 1, Threads: 1}}}

const testPassword = "correct horse battery"

// addUser adds a user of role (the first admin first, when the station
// has none) and signs them in.
func addUser(t *testing.T, st *Station, name string, role auth.Role, areas ...string) *auth.Session {
	t.Helper()
	users := st.Users()
	has, err := users.HasUsers()
	if err != nil {
		t.Fatal(err)
	}
	if !has {
		if err := users.AddUser(nil, "admin", auth.Admin, nil, testPassword); err != nil {
			t.Fatal(err)
		}
	}
	if name != "admin" {
		admin, err := users.SignIn("admin", testPassword, "test")
		if err != nil {
			t.Fatal(err)
		}
		if err := users.AddUser(admin, name, role, areas, testPassword); err != nil {
			t.Fatal(err)
		}
	}
	s, err := users.SignIn(name, testPassword, "test")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// startDemo opens the demo station with its state in a temporary folder,
// starts it and waits for its first scan. ctx, ending after limit, is for
// the test's writes. The caller stops the station.
func startDemo(t *testing.T, limit time.Duration) (*Station, context.Context) {
	t.Helper()
	st, err := OpenDemo(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.EnableState(t.TempDir(), testStateOptions); err != nil {
		st.Stop()
		t.Fatal(err)
	}
	if err := st.Start(t.Context()); err != nil {
		st.Stop()
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), limit)
	t.Cleanup(cancel)
	if err := st.WaitScanned(ctx); err != nil {
		st.Stop()
		t.Fatal(err)
	}
	return st, ctx
}
