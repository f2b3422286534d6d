package hmi

import (
	"errors"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/sightglass/sightglass/auth"
	"github.com/sightglass/sightglass/station"
)

// windowFrom is where the window's actions come from, as the audit trail
// records it (station.Actor.From).
const windowFrom = "window"

// CurrentRelay passes the user manager's changes of the current session
// (auth.Options.OnCurrent, set before the manager exists) to the window,
// made afterwards: app sets auth.Options.OnCurrent to r.OnCurrent and
// hands r to MainWindow.FollowCurrent. The zero value is ready.
type CurrentRelay struct {
	mu   sync.Mutex // guards subs, next
	subs map[int]func(*auth.Session)
	next int
}

// OnCurrent tells every subscriber, in the caller's goroutine (the
// manager calls it from whatever goroutine changed the session).
func (r *CurrentRelay) OnCurrent(s *auth.Session) {
	r.mu.Lock()
	fns := make([]func(*auth.Session), 0, len(r.subs))
	for i := range r.next {
		if fn, ok := r.subs[i]; ok {
			fns = append(fns, fn)
		}
	}
	r.mu.Unlock()
	for _, fn := range fns {
		fn(s)
	}
}

// subscribe adds fn and returns its removal.
func (r *CurrentRelay) subscribe(fn func(*auth.Session)) (cancel func()) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.subs == nil {
		r.subs = map[int]func(*auth.Session){}
	}
	id := r.next
	r.next++
	r.subs[id] = fn
	return func() {
		r.mu.Lock()
		delete(r.subs, id)
		r.mu.Unlock()
	}
}

// people is who acts at the window: the station's user manager, the
// session shown, and everything that shows or depends on it (the user
// bars in the header and the screens' frame, the first-admin notice, the
// controls enabled by permission). A nil *people, or one without a
// manager, is a station that keeps no users: nothing is shown, no control
// is disabled, and the station refuses what it refuses.
//
// What counts as activity, putting off the idle sign-out (auth.Session
// Touch): opening and answering the window's dialogs (write, confirm,
// alarm actions, sign-in, audit search and export), changing tabs,
// navigating screens with the frame's buttons, tree and breadcrumbs, and
// every action the station authorizes (Manager.Authorize touches on
// success). Watching the process without touching anything does not.
type people struct {
	users *auth.Manager
	win   fyne.Window
	loop  *uiLoop

	// On the Fyne goroutine.
	cur      *auth.Session // the session shown: users.Current() at the last look
	noAdmin  bool          // the station has no users yet
	bars     []*userBar
	notices  []*adminNotice
	onChange []func() // controls that depend on the session
	signIn   *signInDialog
	first    *firstAdminDialog
	unfollow func()

	// run calls op off the Fyne goroutine and then done on it; tests
	// make it synchronous.
	run func(op func() error, done func(error))
}

// newPeople makes the people of a station with users (nil when it keeps
// none) and looks whether it has any.
func newPeople(users *auth.Manager, win fyne.Window, loop *uiLoop) *people {
	if users == nil {
		return nil
	}
	p := &people{users: users, win: win, loop: loop, cur: users.Current()}
	p.run = p.runAsync
	has, err := users.HasUsers()
	p.noAdmin = err == nil && !has
	return p
}

// active reports whether p has a user manager.
func (p *people) active() bool { return p != nil && p.users != nil }

// session is the current session; nil is nobody (and a station without
// users).
func (p *people) session() *auth.Session {
	if !p.active() {
		return nil
	}
	return p.users.Current()
}

// actor is the current person acting from the window.
func (p *people) actor() station.Actor {
	return station.Actor{Session: p.session(), From: windowFrom}
}

// touch records activity of the person at the window.
func (p *people) touch() {
	if s := p.session(); s != nil {
		s.Touch()
	}
}

// can is the hint whether the current session may do perm at target:
// true without users (the station decides).
func (p *people) can(perm auth.Permission, target string) bool {
	if !p.active() {
		return true
	}
	return p.users.Current().Can(perm, target)
}

// roleCan is whether the current session's role has perm somewhere.
func (p *people) roleCan(perm auth.Permission) bool {
	if !p.active() {
		return true
	}
	s := p.users.Current()
	if s.Anonymous() {
		return perm == auth.View
	}
	return !s.Expired() && s.Role.Has(perm)
}

// refusal says why the current session may not do perm at target, or ""
// when it may (as far as the session knows: the station checks again).
func (p *people) refusal(perm auth.Permission, target string) string {
	if p.can(perm, target) {
		return ""
	}
	s := p.session()
	if s.Anonymous() || s.Expired() {
		return lang.L("Sign in to do this: {{.Perm}} {{.Target}}", map[string]any{"Perm": perm.String(), "Target": target})
	}
	return lang.L("{{.User}} ({{.Role}}) may not do this: {{.Perm}} {{.Target}}",
		map[string]any{"User": s.User, "Role": roleName(s.Role), "Perm": perm.String(), "Target": target})
}

// follow shows s as the current session everywhere, on the Fyne
// goroutine.
func (p *people) follow(s *auth.Session) {
	if !p.active() {
		return
	}
	p.cur = s
	for _, b := range p.bars {
		b.show()
	}
	for _, n := range p.notices {
		n.show()
	}
	for _, fn := range p.onChange {
		fn()
	}
}

// refresh looks at the manager's current session again.
func (p *people) refresh() {
	if p.active() {
		p.follow(p.users.Current())
	}
}

// followRelay follows the manager's changes (idle sign-out among them)
// through r, on the Fyne goroutine.
func (p *people) followRelay(r *CurrentRelay) {
	if !p.active() || r == nil {
		return
	}
	if p.unfollow != nil {
		p.unfollow()
	}
	p.unfollow = r.subscribe(func(s *auth.Session) { fyne.Do(func() { p.follow(s) }) })
}

// stop ends following the relay.
func (p *people) stop() {
	if p.active() && p.unfollow != nil {
		p.unfollow()
		p.unfollow = nil
	}
}

// whenChanged calls fn on the Fyne goroutine after every change of the
// session shown.
func (p *people) whenChanged(fn func()) {
	if p.active() {
		p.onChange = append(p.onChange, fn)
	}
}

// runAsync calls op off the Fyne goroutine (on the loop's wait group: a
// sign-in hashes for a while, a sign-out writes the audit trail) and then
// done on the Fyne goroutine.
func (p *people) runAsync(op func() error, done func(error)) {
	p.loop.wg.Go(func() {
		err := op()
		fyne.Do(func() { done(err) })
	})
}

// signOut signs the current person out: the viewer session follows.
func (p *people) signOut() {
	s := p.session()
	if s.Anonymous() {
		return
	}
	p.run(func() error { return p.users.SignOut(s) }, func(err error) {
		p.refresh()
		if err != nil {
			p.notify(err.Error(), widget.DangerImportance)
		}
	})
}

// notify shows a message in every bar's status (the window's and the
// frame's status lines).
func (p *people) notify(text string, imp widget.Importance) {
	for _, b := range p.bars {
		if b.status != nil {
			b.status(text, imp)
		}
	}
}

// roleName is a role as the window shows it, translated.
func roleName(r auth.Role) string {
	switch r {
	case auth.Viewer:
		return lang.L("viewer")
	case auth.Operator:
		return lang.L("operator")
	case auth.Maintenance:
		return lang.L("maintenance")
	case auth.Supervisor:
		return lang.L("supervisor")
	case auth.Engineer:
		return lang.L("engineer")
	case auth.Admin:
		return lang.L("admin")
	}
	return r.String()
}

// authText is an error of the people-facing paths in plain, translated
// words where the window knows them, else the error's own text (a
// *auth.DeniedError says who was refused what).
func authText(err error) string {
	var locked *auth.LockedError
	switch {
	case errors.As(err, &locked):
		return lang.L("Account locked until {{.Time}}: too many failed attempts", map[string]any{"Time": locked.Until.Local().Format(time.TimeOnly)})
	case errors.Is(err, auth.ErrBadCredentials):
		return lang.L("unknown user or wrong password")
	case errors.Is(err, auth.ErrDisabled):
		return lang.L("This user is disabled")
	case errors.Is(err, station.ErrSignatureRequired):
		return lang.L("A critical write needs your password and a reason")
	}
	return err.Error()
}
