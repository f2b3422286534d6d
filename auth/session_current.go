package auth

import (
	"time"
)

// Current is the shared station's current session: the person signed in
// at this PC or tablet, or the anonymous viewer session (never nil).
func (m *Manager) Current() *Session {
	m.curMu.Lock()
	defer m.curMu.Unlock()
	return m.cur
}

// Switch signs name in (as SignIn) and makes the session current, ending
// the previous person's (a quick user switch at shift change). On failure
// the current session stays.
func (m *Manager) Switch(name, password, from string) (*Session, error) {
	s, err := m.SignIn(name, password, from)
	if err != nil {
		return nil, err
	}
	m.curMu.Lock()
	prev := m.cur
	m.cur = s
	m.armIdleLocked()
	m.curMu.Unlock()
	if prev != m.anon {
		m.end(prev, "user switch")
	}
	m.notify(s)
	return s, nil
}

// SignOut ends s; if s is current, the anonymous viewer session becomes
// current. Signing out an ended or anonymous session does nothing.
func (m *Manager) SignOut(s *Session) error {
	if s.Anonymous() {
		return nil
	}
	err := m.end(s, "signed out")
	m.curMu.Lock()
	wasCur := m.cur == s
	if wasCur {
		m.cur = m.anon
		if m.idle != nil {
			m.idle.Stop()
		}
	}
	m.curMu.Unlock()
	if wasCur {
		m.notify(m.anon)
	}
	return err
}

// end ends s and audits its sign-out once.
func (m *Manager) end(s *Session, why string) error {
	if !s.markEnded() {
		return nil
	}
	return m.record(AuditRecord{User: s.User, Action: ActSignOut, Target: s.User, Detail: detail(why, s.From)})
}

// armIdleLocked (re)starts the idle timer for m.cur. m.curMu is held.
func (m *Manager) armIdleLocked() {
	d := m.opt.IdleTimeout
	if d <= 0 || m.closed {
		return
	}
	if m.idle == nil {
		m.idle = time.AfterFunc(d, m.idleFire)
	} else {
		m.idle.Reset(d)
	}
}

// idleFire signs the current session out if it has been idle long
// enough, otherwise waits the rest of the time.
func (m *Manager) idleFire() {
	m.curMu.Lock()
	s := m.cur
	if s == m.anon || m.closed {
		m.curMu.Unlock()
		return
	}
	if left := s.idleLeft(time.Now()); left > 0 {
		m.idle.Reset(left)
		m.curMu.Unlock()
		return
	}
	m.cur = m.anon
	m.curMu.Unlock()
	m.end(s, "idle")
	m.notify(m.anon)
}

// notify tells Options.OnCurrent.
func (m *Manager) notify(s *Session) {
	if m.opt.OnCurrent != nil {
		m.opt.OnCurrent(s)
	}
}

// detail joins the why and where of an audit record.
func detail(why, from string) string {
	switch {
	case from == "":
		return why
	case why == "":
		return "from " + from
	}
	return why + ", from " + from
}
