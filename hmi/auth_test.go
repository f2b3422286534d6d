package hmi

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/sightglass/sightglass/auth"
	"github.com/sightglass/sightglass/project"
	"github.com/sightglass/sightglass/station"
)

// TestSignInWrongThenRight: a wrong password keeps the dialog open and
// says so in plain words, the right one signs the person in everywhere;
// Sign out falls back to the viewer and Switch user changes the person,
// each audited.
func TestSignInWrongThenRight(t *testing.T) {
	st, relay := pplStation(t, 0)
	pplUsers(t, st)
	m := pplWindow(t, st, relay)
	if got := m.userBar.name.Text; got != "Viewer — not signed in" {
		t.Errorf("before sign-in the header says %q", got)
	}
	if m.userBar.signIn.Hidden || !m.userBar.signOut.Hidden {
		t.Error("signed out, the header should offer Sign in only")
	}

	pplSignIn(t, m, "olga", "wrong password")
	d := m.people.signIn
	if d == nil {
		t.Fatal("the dialog closed after a wrong password")
	}
	if d.msg.Text != "unknown user or wrong password" || d.password.Text != "" || d.busy {
		t.Errorf("after a wrong password: message %q, password %q, busy %v", d.msg.Text, d.password.Text, d.busy)
	}
	if !st.Users().Current().Anonymous() {
		t.Error("a wrong password signed somebody in")
	}
	if r := lastAudit(t, st, auth.ActSignInFailed); r.User != "olga" {
		t.Errorf("failed sign-in audited as %+v", r)
	}

	d.password.SetText(pplPassword)
	test.Tap(d.ok)
	m.wg.Wait()
	if m.people.signIn != nil {
		t.Error("the dialog stayed open after the right password")
	}
	if got := m.userBar.name.Text; got != "olga (operator)" {
		t.Errorf("signed in, the header says %q", got)
	}
	if cur := st.Users().Current(); cur.User != "olga" {
		t.Errorf("current session %q", cur.User)
	}
	if !m.userBar.signIn.Hidden || m.userBar.signOut.Hidden || m.userBar.switchU.Hidden {
		t.Error("signed in, the header should offer Switch user and Sign out")
	}
	if r := lastAudit(t, st, auth.ActSignIn); r.User != "olga" || !strings.Contains(r.Detail, windowFrom) {
		t.Errorf("sign-in audited as %+v", r)
	}

	// Switch user: the operator's session ends, the supervisor's begins.
	olga := st.Users().Current()
	pplSignIn(t, m, "sue", pplPassword)
	if got := m.userBar.name.Text; got != "sue (supervisor)" {
		t.Errorf("after the switch the header says %q", got)
	}
	if !olga.Expired() {
		t.Error("the switched-away session still acts")
	}
	if r := lastAudit(t, st, auth.ActSignOut); r.User != "olga" || !strings.Contains(r.Detail, "switch") {
		t.Errorf("switch audited as %+v", r)
	}

	// Sign out.
	test.Tap(m.userBar.signOut)
	m.wg.Wait()
	if got := m.userBar.name.Text; got != "Viewer — not signed in" {
		t.Errorf("after sign-out the header says %q", got)
	}
	if !st.Users().Current().Anonymous() {
		t.Error("still signed in after Sign out")
	}
	if r := lastAudit(t, st, auth.ActSignOut); r.User != "sue" {
		t.Errorf("sign-out audited as %+v", r)
	}
}

// TestIdleSignOutShowsViewer: the manager's idle sign-out reaches the
// window through OnCurrent: the header falls back to the viewer.
func TestIdleSignOutShowsViewer(t *testing.T) {
	st, relay := pplStation(t, time.Second)
	pplUsers(t, st)
	m := pplWindow(t, st, relay)
	changed := make(chan *auth.Session, 4)
	cancel := relay.subscribe(func(s *auth.Session) { changed <- s }) // after the window's: it has drawn
	defer cancel()
	pplSignIn(t, m, "olga", pplPassword)
	// The idle timer takes the manager's lock before it signs out, so
	// what the test did to the window before this look happens before
	// the timer's change of it (for the race detector too). The window
	// is not touched again until the change has been drawn.
	st.Users().Current()
	if s := <-changed; s.User != "olga" {
		t.Fatalf("signed in %q", s.User)
	}
	select {
	case s := <-changed:
		if !s.Anonymous() {
			t.Fatalf("the idle change made %q current", s.User)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no idle sign-out")
	}
	if got := m.userBar.name.Text; got != "Viewer — not signed in" {
		t.Errorf("after the idle sign-out the header says %q", got)
	}
	if r := lastAudit(t, st, auth.ActSignOut); r.User != "olga" || !strings.Contains(r.Detail, "idle") {
		t.Errorf("idle sign-out audited as %+v", r)
	}
}

// TestFirstAdminDialog: a station without users opens the first-admin
// dialog; the manager's password rule and differing passwords keep it
// open; a good password creates the admin and signs them in. Cancelled,
// the notice line stays.
func TestFirstAdminDialog(t *testing.T) {
	st, relay := pplStation(t, 0)
	m := pplWindow(t, st, relay)
	d := m.people.first
	if d == nil {
		t.Fatal("no first-admin dialog on a station without users")
	}
	if !m.people.notices[0].box.Visible() {
		t.Error("no notice line while the station has no users")
	}
	if !m.userBar.signIn.Disabled() {
		t.Error("Sign in offered while nobody exists")
	}

	// Later: the station runs on read-only, and says so.
	test.Tap(d.cancel)
	if m.people.first != nil {
		t.Fatal("the dialog stayed open after Later")
	}
	if !strings.Contains(m.status.Text, "nobody can write") {
		t.Errorf("status after Later: %q", m.status.Text)
	}
	test.Tap(m.people.notices[0].create)
	d = m.people.first
	if d == nil {
		t.Fatal("the notice's button opened no dialog")
	}

	d.password.SetText("short")
	d.repeat.SetText("short")
	test.Tap(d.ok)
	m.wg.Wait()
	if !strings.Contains(d.msg.Text, "shorter than") {
		t.Errorf("a short password: %q", d.msg.Text)
	}
	d.password.SetText(pplPassword)
	d.repeat.SetText(pplPassword + "x")
	test.Tap(d.ok)
	if d.msg.Text != "The passwords differ" {
		t.Errorf("differing passwords: %q", d.msg.Text)
	}
	d.repeat.SetText(pplPassword)
	test.Tap(d.ok)
	m.wg.Wait()
	if m.people.first != nil {
		t.Fatalf("the dialog stayed open: %q", d.msg.Text)
	}
	u, err := st.Users().LookupUser("admin")
	if err != nil || u.Role != auth.Admin {
		t.Fatalf("the admin: %+v, %v", u, err)
	}
	if got := m.userBar.name.Text; got != "admin (admin)" {
		t.Errorf("after creating the admin the header says %q", got)
	}
	if m.people.notices[0].box.Visible() {
		t.Error("the notice line stayed after the admin was created")
	}
	if r := lastAudit(t, st, auth.ActUserAdd); r.Target != "admin" {
		t.Errorf("first admin audited as %+v", r)
	}
}

// TestWriteAsViewerRefusedAsOperatorAudited: the viewer gets no write
// dialog but a reason; an operator writes through the station, audited
// with their name; a session the station no longer accepts (its user
// disabled) shows the station's DeniedError.
func TestWriteAsViewerRefusedAsOperatorAudited(t *testing.T) {
	st, relay := pplStation(t, 0)
	pplUsers(t, st)
	m := pplWindow(t, st, relay)
	id, _ := st.Bus().Table().Lookup(pplWritable)

	m.openWrite(id)
	if m.writeDlg != nil {
		t.Fatal("a viewer got the write dialog")
	}
	if !hasText(m.status.Text, "Sign in", "write", pplWritable) {
		t.Errorf("viewer's refusal: %q", m.status.Text)
	}

	pplSignIn(t, m, "olga", pplPassword)
	waitFor(t, "the valve's first value", func() bool { return st.Bus().Get(id).Quality.IsGood() })
	m.openWrite(id)
	if m.writeDlg == nil {
		t.Fatal("an operator got no write dialog")
	}
	if m.writeDlg.password != nil {
		t.Error("a plain tag asked for a signature")
	}
	m.writeDlg.entry.SetText("40")
	m.writeDlg.form.Submit()
	m.wg.Wait()
	if !hasText(m.status.Text, pplWritable, "→ 40") {
		t.Errorf("status after the write: %q", m.status.Text)
	}
	if r := lastAudit(t, st, auth.ActWrite); r.User != "olga" || r.Target != pplWritable || r.Result != "ok" || r.Detail != windowFrom {
		t.Errorf("write audited as %+v", r)
	}

	// The session says yes, the station says no: its words are shown.
	ada, err := st.Users().SignIn("ada", pplPassword, "test")
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Users().Disable(ada, "olga"); err != nil {
		t.Fatal(err)
	}
	m.openWrite(id)
	if m.writeDlg == nil {
		t.Fatal("no write dialog")
	}
	m.writeDlg.entry.SetText("41")
	m.writeDlg.form.Submit()
	m.wg.Wait()
	if !hasText(m.status.Text, "failed", "permission denied", "user disabled") {
		t.Errorf("status after a refused write: %q", m.status.Text)
	}
}

// TestCriticalWriteSigned: a critical tag's write dialog asks for the
// password and a reason; without them nothing is written (and the station
// refuses such a write itself); with them the write is signed: the audit
// record names the signer and the reason.
func TestCriticalWriteSigned(t *testing.T) {
	st, relay := pplStation(t, 0)
	pplUsers(t, st)
	m := pplWindow(t, st, relay)
	pplSignIn(t, m, "olga", pplPassword)
	id, _ := st.Bus().Table().Lookup(pplCritical)
	waitFor(t, "the trip reset's first value", func() bool { return st.Bus().Get(id).Quality.IsGood() })

	// The station refuses an unsigned critical write, whatever asks.
	_, _, err := st.Write(context.Background(), station.Actor{Session: st.Users().Current(), From: "test"}, pplCritical, "1")
	if !errors.Is(err, station.ErrSignatureRequired) {
		t.Fatalf("unsigned critical write: %v", err)
	}

	m.openWrite(id)
	d := m.writeDlg
	if d == nil || d.password == nil || d.reason == nil {
		t.Fatal("the critical tag's dialog asks for no signature")
	}
	writes := len(auditOf(t, st, auth.ActWrite))
	d.entry.SetText("1")
	d.form.Submit() // no password, no reason: refused before the station
	m.wg.Wait()
	if !hasText(m.status.Text, pplCritical, "password and a reason") {
		t.Errorf("status after an unsigned critical write: %q", m.status.Text)
	}
	if n := len(auditOf(t, st, auth.ActWrite)); n != writes {
		t.Errorf("an unsigned critical write reached the station: %d records, want %d", n, writes)
	}

	m.openWrite(id)
	d = m.writeDlg
	d.entry.SetText("1")
	d.password.SetText(pplPassword)
	d.reason.SetText("trip cause checked on site")
	d.form.Submit()
	m.wg.Wait()
	list := auditOf(t, st, auth.ActWrite)
	if len(list) != writes+1 {
		t.Fatalf("%d write records after the signed write, want %d", len(list), writes+1)
	}
	r := list[len(list)-1]
	if r.User != "olga" || r.Reason != "trip cause checked on site" || !strings.Contains(r.Detail, "signed by password") {
		t.Errorf("signed write audited as %+v", r)
	}
	if r.Result == "ok" && !strings.Contains(m.status.Text, "signed by olga") {
		t.Errorf("status after the signed write: %q", m.status.Text)
	}

	// A wrong password is refused and said so.
	m.openWrite(id)
	m.writeDlg.entry.SetText("1")
	m.writeDlg.password.SetText("not my password")
	m.writeDlg.reason.SetText("again")
	m.writeDlg.form.Submit()
	m.wg.Wait()
	if !hasText(m.status.Text, "failed", "unknown user or wrong password") {
		t.Errorf("status after a wrong signature: %q", m.status.Text)
	}
}

// TestScreenCriticalElementSigns: a critical element's confirmation asks
// for the signature, refuses without it, and sends it with the write.
func TestScreenCriticalElementSigns(t *testing.T) {
	v, st, _ := newScreenTest(t)
	crit := &project.Element{Kind: project.KindSetpoint, Tag: "Area1.Pump1.Speed", Critical: true}
	v.confirmWrite(crit, "rpm", "Area1.Pump1.Speed: 40 → 55", "55")
	d := v.confirm
	if d == nil || d.password == nil {
		t.Fatal("a critical element's confirmation asks for no signature")
	}
	test.Tap(d.ok)
	if v.confirm == nil || !strings.Contains(d.msg.Text, "password and a reason") {
		t.Fatalf("confirmed without a signature: %q", d.msg.Text)
	}
	d.password.SetText(pplPassword)
	d.reason.SetText("tuning")
	test.Tap(d.ok)
	v.wg.Wait()
	st.mu.Lock()
	defer st.mu.Unlock()
	if n := len(st.actors); n != 1 {
		t.Fatalf("%d writes", n)
	}
	if a := st.actors[0]; a.Password != pplPassword || a.Comment != "tuning" || !a.Sign || a.From != windowFrom {
		t.Errorf("the write's actor: %+v", a)
	}
}

// TestAlarmAckThroughStation: the alarm actions are disabled for the
// viewer; an operator's ack goes through the station, which audits it
// with the operator's name; Change limit… needs a supervisor and shows
// the limit in force.
func TestAlarmAckThroughStation(t *testing.T) {
	st, relay := pplStation(t, 0)
	pplUsers(t, st)
	m := pplWindow(t, st, relay)
	waitFor(t, "the alarm", func() bool { s, _ := st.Alarms().Get(pplAlarm); return s.State.Unacknowledged() })
	m.refresh()
	s := m.alarms.summary
	s.sel[pplAlarm] = true
	s.enableActions()
	if !s.actions["Ack"].Disabled() || !s.actions["Ack page"].Disabled() || !s.actions["Change limit…"].Disabled() {
		t.Error("the viewer may acknowledge or change limits")
	}

	pplSignIn(t, m, "olga", pplPassword)
	if s.actions["Ack"].Disabled() {
		t.Fatal("an operator may not acknowledge")
	}
	if !s.actions["Shelve…"].Disabled() || !s.actions["Change limit…"].Disabled() {
		t.Error("an operator may shelve or change limits")
	}
	test.Tap(s.actions["Ack"])
	m.wg.Wait()
	if got, _ := st.Alarms().Get(pplAlarm); got.State.Unacknowledged() || got.User != "olga" {
		t.Errorf("after the ack: %v by %q", got.State, got.User)
	}
	if r := lastAudit(t, st, auth.ActAlarmAck); r.User != "olga" || r.Target != pplAlarm || r.Result != "ok" {
		t.Errorf("ack audited as %+v", r)
	}

	// Change limit…, as a supervisor.
	pplSignIn(t, m, "sue", pplPassword)
	m.fresh = false
	m.refresh()
	s.sel[pplAlarm] = true
	s.enableActions()
	if s.actions["Change limit…"].Disabled() {
		t.Fatal("a supervisor may not change the limit")
	}
	test.Tap(s.actions["Change limit…"])
	d := m.alarms.limit
	if d == nil {
		t.Fatal("no limit dialog")
	}
	if d.old.Text != "-100" {
		t.Errorf("limit in force shown as %q", d.old.Text)
	}
	d.value.SetText("-50")
	d.comment.SetText("new transmitter range")
	d.submit(true)
	m.wg.Wait()
	if got, _ := st.Alarms().Get(pplAlarm); got.Limit != -50 {
		t.Errorf("limit after the change: %v", got.Limit)
	}
	if r := lastAudit(t, st, auth.ActAlarmLimit); r.User != "sue" || r.Old != "-100" || r.New != "-50" || r.Reason != "new transmitter range" {
		t.Errorf("limit change audited as %+v", r)
	}
}

// TestAuditTabListsAndVerifies: the Audit tab is closed to the viewer and
// an operator, lists the trail newest first for a supervisor with its
// filters, exports it as CSV and verifies its chain.
func TestAuditTabListsAndVerifies(t *testing.T) {
	st, relay := pplStation(t, 0)
	pplUsers(t, st)
	m := pplWindow(t, st, relay)
	a := m.audit
	if a == nil || m.auditTab == nil {
		t.Fatal("no Audit tab")
	}
	if a.view.Visible() || !a.locked.Visible() {
		t.Error("the viewer sees the audit trail")
	}
	pplSignIn(t, m, "olga", pplPassword)
	if a.view.Visible() {
		t.Error("an operator sees the audit trail")
	}

	pplSignIn(t, m, "sue", pplPassword)
	if !a.view.Visible() || a.locked.Visible() {
		t.Fatal("a supervisor does not see the audit trail")
	}
	if len(a.list) < 5 {
		t.Fatalf("%d records listed", len(a.list))
	}
	if a.list[0].Seq < a.list[len(a.list)-1].Seq {
		t.Error("not newest first")
	}
	// A switch records the new person's sign-in, then the old one's
	// sign-out.
	if e := a.list[0]; e.Action != auth.ActSignOut || e.User != "olga" {
		t.Errorf("newest record %+v, want olga's sign-out", e)
	}
	if e := a.list[1]; e.Action != auth.ActSignIn || e.User != "sue" {
		t.Errorf("next newest record %+v, want sue's sign-in", e)
	}

	a.user.SetText("olga")
	a.action.SetSelected(string(auth.ActSignIn))
	a.Search()
	m.wg.Wait()
	if len(a.list) != 1 || a.list[0].User != "olga" || a.list[0].Action != auth.ActSignIn {
		t.Errorf("filtered: %+v", a.list)
	}
	a.from.SetText("yesterday")
	a.Search()
	if !strings.Contains(a.status.Text, "YYYY-MM-DD") {
		t.Errorf("a bad time: %q", a.status.Text)
	}
	a.from.SetText("")

	var csv nopCloser
	q, _ := a.query()
	a.writeCSV(q, &csv)
	m.wg.Wait()
	lines := strings.Split(strings.TrimSpace(csv.String()), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "seq,time,station,user,action") || !strings.Contains(lines[1], "olga") {
		t.Errorf("CSV:\n%s", csv.String())
	}

	a.Verify()
	m.wg.Wait()
	if a.report == nil || !a.report.OK() || a.report.Records == 0 {
		t.Fatalf("verify: %+v", a.report)
	}
	if !strings.Contains(a.status.Text, "audit trail intact") {
		t.Errorf("verify says %q", a.status.Text)
	}
}

// nopCloser is a buffer the CSV export can close.
type nopCloser struct{ strings.Builder }

func (*nopCloser) Close() error { return nil }

// TestAuthText: the lockout says until when; the other sign-in errors in
// plain words.
func TestAuthText(t *testing.T) {
	until := time.Date(2026, 3, 1, 10, 15, 0, 0, time.Local)
	if got := authText(&auth.LockedError{Until: until}); got != "Account locked until 10:15:00: too many failed attempts" {
		t.Errorf("locked: %q", got)
	}
	if got := authText(auth.ErrBadCredentials); got != "unknown user or wrong password" {
		t.Errorf("bad credentials: %q", got)
	}
	denied := &auth.DeniedError{User: "olga", Role: auth.Operator, Perm: auth.Write, Target: "X", Why: "outside the user's areas"}
	if got := authText(denied); got != denied.Error() {
		t.Errorf("denied: %q", got)
	}
}
