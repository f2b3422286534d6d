package auth

import (
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/sightglass/sightglass/state"
)

// testParams are argon2id parameters cheap enough for tests (64 KiB, one
// pass): the code path is the same as with DefaultParams.
var testParams = Params{Memory: 64, Time: 1, Threads: 1}

// Passwords of the test users.
const (
	adminPW = "admin password 1"
	userPW  = "correct horse battery"
)

// collector is an Auditor that keeps the records, for tests.
type collector struct {
	mu   sync.Mutex
	recs []AuditRecord
}

func (c *collector) Audit(r AuditRecord) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.recs = append(c.recs, r)
	return nil
}

// of returns the records of action a.
func (c *collector) of(a Action) []AuditRecord {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []AuditRecord
	for _, r := range c.recs {
		if r.Action == a {
			out = append(out, r)
		}
	}
	return out
}

// all returns every record so far.
func (c *collector) all() []AuditRecord {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]AuditRecord(nil), c.recs...)
}

// rig is a manager on a real state file in a temporary folder.
type rig struct {
	t     testing.TB
	path  string
	st    *state.Local
	audit *collector
	m     *Manager
	admin *Session // the first admin, signed in
}

// newRig opens a fresh state file, adds the first admin "root" and signs
// it in. opt.Params defaults to testParams.
func newRig(t testing.TB, opt Options) *rig {
	t.Helper()
	r := &rig{t: t, path: filepath.Join(t.TempDir(), "state.db"), audit: &collector{}}
	if opt.Params == (Params{}) {
		opt.Params = testParams
	}
	r.open(opt)
	if err := r.m.AddUser(nil, "root", Admin, nil, adminPW); err != nil {
		t.Fatal(err)
	}
	s, err := r.m.SignIn("root", adminPW, "test")
	if err != nil {
		t.Fatal(err)
	}
	r.admin = s
	return r
}

// open opens the state file and a manager on it.
func (r *rig) open(opt Options) {
	r.t.Helper()
	st, err := state.OpenLocal(r.path)
	if err != nil {
		r.t.Fatal(err)
	}
	r.st = st
	if opt.Params == (Params{}) {
		opt.Params = testParams
	}
	m, err := NewManager(st, r.audit, opt)
	if err != nil {
		r.t.Fatal(err)
	}
	r.m = m
	r.t.Cleanup(r.close)
}

func (r *rig) close() {
	if r.m != nil {
		r.m.Close()
	}
	if r.st != nil {
		r.st.Close()
	}
	r.m, r.st = nil, nil
}

// add adds a user as the admin.
func (r *rig) add(name string, role Role, areas ...string) {
	r.t.Helper()
	if err := r.m.AddUser(r.admin, name, role, areas, userPW); err != nil {
		r.t.Fatalf("add %s: %v", name, err)
	}
}

// signIn signs a user in with userPW.
func (r *rig) signIn(name string) *Session {
	r.t.Helper()
	s, err := r.m.SignIn(name, userPW, "test")
	if err != nil {
		r.t.Fatalf("sign in %s: %v", name, err)
	}
	return s
}

// noSecrets fails if any audit record holds one of the passwords.
func (r *rig) noSecrets(secrets ...string) {
	r.t.Helper()
	secrets = append(secrets, adminPW, userPW)
	for _, a := range r.audit.all() {
		for _, f := range []string{a.User, a.Target, a.Old, a.New, a.Result, a.Reason, a.Detail} {
			for _, s := range secrets {
				if s != "" && strings.Contains(f, s) {
					r.t.Errorf("audit record %+v holds a password", a)
				}
			}
		}
	}
}
