package station

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/sightglass/sightglass/alarms"
	"github.com/sightglass/sightglass/auth"
)

// Actor is who asks the station to act, and how: every write and every
// operator action on alarms names one, so that the station checks the
// person's permission (whatever the path: the window, the CLI, later the
// gateways) and audits what they did.
type Actor struct {
	// Session is the signed-in person; nil is nobody (a viewer).
	Session *auth.Session
	// Comment is recorded with the action: the alarm comment, the reason
	// of a signed write.
	Comment string
	// Password signs a critical write (the person's password again, with
	// Comment as the reason): an electronic signature.
	Password string
	// Sign asks for a signature even when the tag is not critical (a
	// critical screen element).
	Sign bool
	// From says where the request came from: "window", "cli", a client
	// address.
	From string
}

// Errors of the person-facing paths a caller can act on.
var (
	// ErrNoState: the station keeps no users (EnableState was not
	// called), so nobody may act.
	ErrNoState = errors.New("the station has no users (no data folder)")
	// ErrSignatureRequired: the write is critical and needs the person's
	// password and a reason.
	ErrSignatureRequired = errors.New("a critical write needs your password and a reason")
)

func (a *Actor) user() string {
	if a.Session.Anonymous() {
		return ""
	}
	return a.Session.User
}

// authorize checks that the actor may do p to target.
func (s *Station) authorize(a *Actor, p auth.Permission, target string) (*auth.Manager, error) {
	users := s.Users()
	if users == nil {
		return nil, ErrNoState
	}
	return users, users.Authorize(a.Session, p, target)
}

// audit records an action in the trail; a trail that fails is logged (the
// action has happened: refusing to tell would be worse).
func (s *Station) audit(r auth.AuditRecord) {
	s.mu.Lock()
	trail := s.trail
	s.mu.Unlock()
	if trail == nil {
		return
	}
	if err := trail.Audit(r); err != nil {
		s.log.Error("audit trail", "action", string(r.Action), "target", r.Target, "err", err)
	}
}

func result(err error) string {
	if err != nil {
		return err.Error()
	}
	return "ok"
}

// alarmAct checks p on every alarm's tag (its area), then runs act on the
// engine and audits one record per alarm.
func (s *Station) alarmAct(a Actor, ids []string, p auth.Permission, action auth.Action, newValue string, act func(eng *alarms.Engine, user string) error) error {
	eng := s.Alarms()
	if eng == nil {
		return ErrNoState
	}
	for _, id := range ids {
		st, ok := eng.Get(id)
		if !ok {
			return fmt.Errorf("%s: %w", id, alarms.ErrUnknownAlarm)
		}
		if _, err := s.authorize(&a, p, st.Tag); err != nil {
			s.audit(auth.AuditRecord{User: a.user(), Action: action, Target: id, New: newValue, Result: result(err), Reason: a.Comment, Detail: a.From})
			return err
		}
	}
	err := act(eng, a.user())
	for _, id := range ids {
		s.audit(auth.AuditRecord{User: a.user(), Action: action, Target: id, New: newValue, Result: result(err), Reason: a.Comment, Detail: a.From})
	}
	return err
}

// AckAlarms acknowledges alarms (permission Ack on each alarm's tag).
func (s *Station) AckAlarms(a Actor, ids []string) error {
	return s.alarmAct(a, ids, auth.Ack, auth.ActAlarmAck, "", func(e *alarms.Engine, u string) error { return e.Ack(ids, u, a.Comment) })
}

// ResetAlarms resets latched alarms (permission Ack).
func (s *Station) ResetAlarms(a Actor, ids []string) error {
	return s.alarmAct(a, ids, auth.Ack, auth.ActAlarmReset, "", func(e *alarms.Engine, u string) error { return e.Reset(ids, u, a.Comment) })
}

// ShelveAlarms shelves alarms for d (permission Shelve).
func (s *Station) ShelveAlarms(a Actor, ids []string, d time.Duration) error {
	return s.alarmAct(a, ids, auth.Shelve, auth.ActAlarmShelve, d.String(), func(e *alarms.Engine, u string) error { return e.Shelve(ids, d, u, a.Comment) })
}

// UnshelveAlarms ends shelves early (permission Shelve).
func (s *Station) UnshelveAlarms(a Actor, ids []string) error {
	return s.alarmAct(a, ids, auth.Shelve, auth.ActAlarmUnshelve, "", func(e *alarms.Engine, u string) error { return e.Unshelve(ids, u, a.Comment) })
}

// SetAlarmsOutOfService takes alarms out of service or returns them
// (permission OutOfService).
func (s *Station) SetAlarmsOutOfService(a Actor, ids []string, oos bool) error {
	action := auth.ActAlarmInService
	if oos {
		action = auth.ActAlarmOOS
	}
	return s.alarmAct(a, ids, auth.OutOfService, action, "", func(e *alarms.Engine, u string) error { return e.SetOutOfService(ids, oos, u, a.Comment) })
}

// SetAlarmLimit changes an alarm's limit at runtime (permission
// AlarmLimits).
func (s *Station) SetAlarmLimit(a Actor, id string, limit float64) error {
	eng := s.Alarms()
	if eng == nil {
		return ErrNoState
	}
	st, ok := eng.Get(id)
	if !ok {
		return fmt.Errorf("%s: %w", id, alarms.ErrUnknownAlarm)
	}
	old := fmt.Sprint(st.Limit)
	rec := auth.AuditRecord{User: a.user(), Action: auth.ActAlarmLimit, Target: id, Old: old, New: fmt.Sprint(limit), Reason: a.Comment, Detail: a.From}
	if _, err := s.authorize(&a, auth.AlarmLimits, st.Tag); err != nil {
		rec.Result = result(err)
		s.audit(rec)
		return err
	}
	err := eng.SetLimit(id, limit, a.user(), a.Comment)
	rec.Result = result(err)
	s.audit(rec)
	return err
}

// joinIDs is a list of alarm IDs for a message.
func joinIDs(ids []string) string { return strings.Join(ids, ", ") }
