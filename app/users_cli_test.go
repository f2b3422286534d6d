package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

const (
	adminPW = "admin password 1"
	olgaPW  = "olga password 22"
)

// withStdin runs a command line with its passwords piped on stdin, one a
// line.
func withStdin(t *testing.T, lines []string, args ...string) (int, string, string) {
	t.Helper()
	stdin, stdinLines = strings.NewReader(strings.Join(lines, "\n")+"\n"), nil
	defer func() { stdin, stdinLines = os.Stdin, nil }()
	return runCLI(t, args...)
}

// addCLIUsers makes the first admin and an operator, olga, narrowed to
// Plant.V1, in data.
func addCLIUsers(t *testing.T, data string) {
	t.Helper()
	if code, out, errOut := withStdin(t, []string{adminPW, adminPW}, "users", "add", "admin", "--role", "admin", "--data", data); code != 0 || !strings.Contains(out, "added admin (admin, everywhere)") {
		t.Fatalf("first admin: exit %d\n%s%s", code, out, errOut)
	}
	if code, out, errOut := withStdin(t, []string{adminPW, olgaPW, olgaPW}, "users", "add", "olga", "--role", "operator", "--areas", "Plant.V1,Plant.P1", "--as", "admin", "--data", data); code != 0 {
		t.Fatalf("add olga: exit %d\n%s%s", code, out, errOut)
	}
}

// TestUsersAndWriteCLI: no default user; the first admin; an operator
// narrowed to two areas writes there and is refused elsewhere; a critical
// tag needs a reason; every step is in the audit trail, which verifies,
// and a changed record is found.
func TestUsersAndWriteCLI(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	if code, _, errOut := withStdin(t, []string{"x"}, "write", "--user", "admin", "--data", data, "Plant.V1.Position", "50"); code == 0 || !strings.Contains(errOut, "unknown user or wrong password") {
		t.Errorf("write with no users at all: exit %d, %s", code, errOut)
	}
	if code, _, errOut := withStdin(t, []string{"short", "short"}, "users", "add", "boss", "--role", "admin", "--data", data); code == 0 || !strings.Contains(errOut, "characters") {
		t.Errorf("a short first password: exit %d, %s", code, errOut)
	}
	if code, _, errOut := withStdin(t, []string{adminPW, adminPW}, "users", "add", "op", "--role", "operator", "--data", data); code == 0 || !strings.Contains(errOut, "first user must be an admin") {
		t.Errorf("a first user who is not an admin: exit %d, %s", code, errOut)
	}
	addCLIUsers(t, data)
	if code, _, errOut := withStdin(t, []string{olgaPW, "x", "x"}, "users", "add", "eve", "--role", "admin", "--as", "olga", "--data", data); code == 0 || !strings.Contains(errOut, "denied") {
		t.Errorf("an operator adding an admin: exit %d, %s", code, errOut)
	}
	code, out, _ := runCLI(t, "users", "list", "--data", data)
	if code != 0 || !strings.Contains(out, "olga") || !strings.Contains(out, "Plant.V1,Plant.P1") {
		t.Errorf("users list:\n%s", out)
	}

	// Writes, each running the demo station on the folder's users.
	code, out, errOut := withStdin(t, []string{olgaPW}, "write", "--user", "olga", "--data", data, "Plant.V1.Position", "62.5")
	if code != 0 || !strings.Contains(out, "Plant.V1.Position: 40 → 62.5 % (good)") {
		t.Errorf("olga writes her valve: exit %d\n%s%s", code, out, errOut)
	}
	code, _, errOut = withStdin(t, []string{olgaPW}, "write", "--user", "olga", "--data", data, "Plant.Tank1.HighSetpoint", "2")
	if code != 1 || !strings.Contains(errOut, "denied") {
		t.Errorf("olga outside her areas: exit %d, %s", code, errOut)
	}
	code, _, errOut = withStdin(t, []string{olgaPW}, "write", "--user", "olga", "--data", data, "Plant.V1.Position", "62.5x")
	if code != 1 || !strings.Contains(errOut, "not a number") {
		t.Errorf("a bad value: exit %d, %s", code, errOut)
	}
	code, _, errOut = withStdin(t, []string{olgaPW}, "write", "--user", "olga", "--data", data, "Plant.P1.TripReset", "true")
	if code != 1 || !strings.Contains(errOut, "password and a reason") {
		t.Errorf("a critical write without a reason: exit %d, %s", code, errOut)
	}
	code, out, errOut = withStdin(t, []string{olgaPW}, "write", "--user", "olga", "--reason", "winding cooled, checked on site", "--data", data, "Plant.P1.TripReset", "true")
	if code != 0 {
		t.Errorf("a signed critical write: exit %d\n%s%s", code, out, errOut)
	}
	code, _, errOut = withStdin(t, []string{"wrong password!"}, "write", "--user", "olga", "--data", data, "Plant.V1.Position", "10")
	if code != 1 || !strings.Contains(errOut, "unknown user or wrong password") {
		t.Errorf("a wrong password: exit %d, %s", code, errOut)
	}

	code, out, _ = runCLI(t, "audit", "list", "--data", data, "--action", "write")
	for _, want := range []string{"62.5", "denied", "winding cooled, checked on site", "Plant.P1.TripReset"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("audit list lacks %q:\n%s", want, out)
		}
	}
	if code, out, _ = runCLI(t, "audit", "list", "--data", data, "--action", "sign-in-failed"); !strings.Contains(out, "sign-in-failed") {
		t.Errorf("the failed sign-in is not audited:\n%s", out)
	}
	code, out, _ = runCLI(t, "audit", "verify", "--data", data)
	if code != 0 || !strings.Contains(out, "intact") {
		t.Fatalf("verify a clean trail: exit %d, %s", code, out)
	}
	code, out, _ = runCLI(t, "audit", "export", "--data", data, "--from", "-1h")
	if code != 0 || !strings.HasPrefix(out, "seq,") || strings.Contains(out, olgaPW) || strings.Contains(out, adminPW) {
		t.Errorf("audit export (or a password in it):\n%s", out)
	}

	// Change one byte of record 3 behind the station's back.
	db, err := bolt.Open(filepath.Join(data, "state.db"), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		bk := tx.Bucket([]byte("l/audit"))
		k := []byte{0, 0, 0, 0, 0, 0, 0, 3}
		v := append([]byte(nil), bk.Get(k)...)
		i := strings.Index(string(v), `"user":"`) + len(`"user":"`)
		v[i] ^= 0x20 // olga → Olga, admin → Admin
		return bk.Put(k, v)
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	code, out, errOut = runCLI(t, "audit", "verify", "--data", data)
	if code != 1 || !strings.Contains(out, "3") {
		t.Errorf("verify after a change to record 3: exit %d\n%s%s", code, out, errOut)
	}
}

// TestWriteThroughARunningStation: with a station running on the folder,
// `write` asks it through the control socket (the folder is locked).
func TestWriteThroughARunningStation(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	addCLIUsers(t, data)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- cmdRun(ctx, []string{"--data", data, "--headless", "--no-history"}, io.Discard, io.Discard)
	}()
	defer func() { cancel(); <-done }()
	deadline := time.Now().Add(20 * time.Second)
	for {
		if _, ok := dialControl(data); ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no control socket")
		}
		time.Sleep(50 * time.Millisecond)
	}
	var code int
	var out, errOut string
	for time.Now().Before(deadline) { // until the station's first scan
		code, out, errOut = withStdin(t, []string{olgaPW}, "write", "--user", "olga", "--data", data, "Plant.V1.Position", "55")
		if code == 0 || !strings.Contains(errOut, "not connected") {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if code != 0 || !strings.Contains(out, "→ 55 %") {
		t.Errorf("write through the station: exit %d\n%s%s", code, out, errOut)
	}
	code, _, errOut = withStdin(t, []string{"nope nope nope"}, "write", "--user", "olga", "--data", data, "Plant.V1.Position", "56")
	if code == 0 || !strings.Contains(errOut, "unknown user or wrong password") {
		t.Errorf("a wrong password through the station: exit %d, %s", code, errOut)
	}
	code, out, _ = runCLI(t, "audit", "list", "--data", data, "--user", "olga")
	if code != 0 || !strings.Contains(out, "55") || !strings.Contains(out, "sign-in") {
		t.Errorf("audit through the station:\n%s", out)
	}
	if code, _, errOut := withStdin(t, []string{adminPW, "x", "x"}, "users", "add", "x", "--role", "viewer", "--as", "admin", "--data", data); code == 0 || !strings.Contains(errOut, "stop the station") {
		t.Errorf("users add on a running station: exit %d, %s", code, errOut)
	}
}
