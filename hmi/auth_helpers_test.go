package hmi

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/sightglass/sightglass/auth"
	"github.com/sightglass/sightglass/project"
	"github.com/sightglass/sightglass/sim"
	"github.com/sightglass/sightglass/station"
)

// The people tests' station: a real station (station.New, EnableState)
// polling the in-process simulated plant over Modbus TCP on loopback,
// with users and the audit trail in a real state file.
const (
	pplWritable = "Plant.V1.Position" // float32 hr:0, 0..100 %
	pplCritical = "Plant.P1.TripReset"
	pplLevel    = "Plant.Tank1.Level"
	pplAlarm    = "Plant.Tank1.Level/hi" // always active: its limit is below any level
	pplPassword = "correct horse battery"
)

// pplCheapAuth hashes cheaply: the tests sign in often.
var pplCheapAuth = auth.Params{Memory: 64, Time: 1, Threads: 1}

// pplProject is the project of the plant served at addr.
func pplProject(t *testing.T, addr string) *project.Project {
	t.Helper()
	dir := t.TempDir()
	yaml := `station:
  name: Test station
devices:
  - name: plant
    driver: modbus-tcp
    address: ` + addr + `
    poll: 100ms
    timeout: 500ms
tags:
  - name: Plant.Tank1.Level
    device: plant
    address: ir:0
    type: float32
    units: m
  - name: Plant.V1.Position
    device: plant
    address: hr:0
    type: float32
    units: "%"
    writable: true
  - name: Plant.P1.TripReset
    device: plant
    address: co:3
    type: bool
    writable: true
    critical: true
alarms:
  tags:
    - tag: Plant.Tank1.Level
      hi: {limit: -100, priority: high, message: "level above -100 m"}
`
	if err := os.WriteFile(filepath.Join(dir, "project.yaml"), []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := project.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// pplStation starts a station with users over the simulated plant; idle
// is its idle sign-out time (0: never). relay gets its current-session
// changes. It stops at the test's end.
func pplStation(t *testing.T, idle time.Duration) (*station.Station, *CurrentRelay) {
	t.Helper()
	srv, err := sim.Listen(t.Context(), "127.0.0.1:0", sim.New(1))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	st, err := station.New(pplProject(t, srv.Addr()), nil)
	if err != nil {
		t.Fatal(err)
	}
	relay := new(CurrentRelay)
	opt := station.StateOptions{Auth: auth.Options{Params: pplCheapAuth, IdleTimeout: idle, OnCurrent: relay.OnCurrent}}
	if err := st.EnableState(t.TempDir(), opt); err != nil {
		t.Fatal(err)
	}
	if err := st.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Stop)
	return st, relay
}

// pplUsers adds the first admin "ada" and an operator "olga" and a
// supervisor "sue", none signed in.
func pplUsers(t *testing.T, st *station.Station) {
	t.Helper()
	users := st.Users()
	if err := users.AddUser(nil, "ada", auth.Admin, nil, pplPassword); err != nil {
		t.Fatal(err)
	}
	admin, err := users.SignIn("ada", pplPassword, "test")
	if err != nil {
		t.Fatal(err)
	}
	for name, role := range map[string]auth.Role{"olga": auth.Operator, "sue": auth.Supervisor} {
		if err := users.AddUser(admin, name, role, nil, pplPassword); err != nil {
			t.Fatal(err)
		}
	}
	if err := users.SignOut(admin); err != nil {
		t.Fatal(err)
	}
}

// pplWindow opens the station window over st, following relay.
func pplWindow(t *testing.T, st *station.Station, relay *CurrentRelay) *MainWindow {
	t.Helper()
	test.NewTempApp(t).Settings().SetTheme(NewTheme())
	win := test.NewTempWindow(t, nil)
	m := NewWindow(win, st)
	m.FollowCurrent(relay)
	// The test driver's fyne.Do runs where it is called: the people's,
	// the audit's and the alarms' station calls run on the test's
	// goroutine (or the idle timer's), one after the other.
	m.people.run = func(op func() error, done func(error)) { done(op()) }
	syncRun(m.alarms)
	win.Resize(fyne.NewSize(1400, 800))
	t.Cleanup(m.Stop)
	return m
}

// pplSignIn signs name in through the window's sign-in dialog.
func pplSignIn(t *testing.T, m *MainWindow, name, password string) {
	t.Helper()
	if m.people.cur.Anonymous() {
		test.Tap(m.userBar.signIn)
	} else {
		test.Tap(m.userBar.switchU)
	}
	d := m.people.signIn
	if d == nil {
		t.Fatal("no sign-in dialog")
	}
	d.name.SetText(name)
	d.password.SetText(password)
	test.Tap(d.ok)
	m.wg.Wait()
}

// waitFor waits for cond, looking every millisecond, for at most 10 s:
// the station polls the plant on its own goroutines.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case <-deadline:
			t.Fatalf("%s: not within 10 s", what)
		case <-tick.C:
		}
	}
}

// auditOf lists the station's audit records of action, oldest first.
func auditOf(t *testing.T, st *station.Station, action auth.Action) []auth.AuditEntry {
	t.Helper()
	list, err := auth.List(st.State(), auth.AuditQuery{Actions: []auth.Action{action}})
	if err != nil {
		t.Fatal(err)
	}
	return list
}

// lastAudit is the newest record of action.
func lastAudit(t *testing.T, st *station.Station, action auth.Action) auth.AuditEntry {
	t.Helper()
	list := auditOf(t, st, action)
	if len(list) == 0 {
		t.Fatalf("no %s record in the audit trail", action)
	}
	return list[len(list)-1]
}

// hasText reports whether s contains every part.
func hasText(s string, parts ...string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}
