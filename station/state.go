package station

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/sightglass/sightglass/alarms"
	"github.com/sightglass/sightglass/auth"
	"github.com/sightglass/sightglass/state"
)

// StateFile is the name of the station's shared-state file in its data
// folder: users, the audit trail, alarm states and the alarm journal,
// beside the history.
const StateFile = "state.db"

// StateOptions tune the station's shared state.
type StateOptions struct {
	// Auth tunes sign-in; the project's security section fills
	// MinPasswordLen, MaxFailures, LockoutFor and IdleTimeout when zero.
	Auth auth.Options
}

// EnableState opens the station's shared state in dataDir/state.db: the
// users (auth.Manager), the audit trail (auth.Trail) and the alarm engine,
// whose alarm states it restores. Call it before Start. Without it the
// station has no users, so it refuses every write and operator action.
//
// Start starts the engine before the pollers, so it sees every change,
// and Stop stops it before them, so that a station shutting down (its
// tags turning bad) raises no alarms.
func (s *Station) EnableState(dataDir string, opt StateOptions) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.started {
		return fmt.Errorf("state: enable it before Start")
	}
	if s.state != nil {
		return nil
	}
	st, err := state.OpenLocal(filepath.Join(dataDir, StateFile))
	if err != nil {
		return err
	}
	trail, err := auth.OpenTrail(st, s.Name(), s.log.With("part", "audit"))
	if err != nil {
		st.Close()
		return err
	}
	if err := auditProjectChanges(st, trail, s.projectDir()); err != nil {
		s.log.Error("audit of project changes", "err", err)
	}
	ao := opt.Auth
	sec := s.proj.Security
	if ao.MinPasswordLen == 0 {
		ao.MinPasswordLen = sec.MinPassword
	}
	if ao.MaxFailures == 0 {
		ao.MaxFailures = sec.LockoutAfter
	}
	if ao.LockoutFor == 0 {
		ao.LockoutFor = sec.LockoutFor
	}
	if ao.IdleTimeout == 0 {
		ao.IdleTimeout = sec.IdleTimeout
	}
	if ao.Log == nil {
		ao.Log = s.log.With("part", "auth")
	}
	users, err := auth.NewManager(st, trail, ao)
	if err != nil {
		st.Close()
		return err
	}
	eng, err := alarms.NewEngine(s.proj.Alarms, s.bus, st, s.log.With("part", "alarms"))
	if err != nil {
		users.Close()
		st.Close()
		return fmt.Errorf("alarms: %w", err)
	}
	s.state, s.trail, s.users, s.alarms = st, trail, users, eng
	return nil
}

// Alarms is the station's alarm engine, nil when its state is not
// enabled. Read from it freely; act through the station (AckAlarms…), so
// that permissions are checked and actions audited.
func (s *Station) Alarms() *alarms.Engine {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.alarms
}

// Users is the station's user manager, nil when its state is not
// enabled.
func (s *Station) Users() *auth.Manager {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.users
}

// State is the station's shared-state store, nil when it is not enabled
// (or the station has stopped).
func (s *Station) State() state.Store {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.state == nil {
		return nil // not a typed nil in the interface
	}
	return s.state
}

// AlarmHistory searches the alarm journal.
func (s *Station) AlarmHistory(q alarms.Query) ([]alarms.Record, error) {
	st := s.State()
	if st == nil {
		return nil, ErrNoState
	}
	return alarms.Search(st, q)
}

// AuditLog lists the audit trail for a person who may run reports
// (supervisors and up, not narrowed to areas); a refusal is audited. The
// control socket, which only the station's own
// OS user can open, reads the trail as the state file's owner would
// (auth.List).
func (s *Station) AuditLog(a Actor, q auth.AuditQuery) ([]auth.AuditEntry, error) {
	st := s.State()
	if st == nil {
		return nil, ErrNoState
	}
	if _, err := s.authorize(&a, auth.Reports, ""); err != nil {
		s.audit(auth.AuditRecord{User: a.user(), Action: auth.ActAuditRead, Result: result(err), Detail: a.From})
		return nil, err
	}
	return auth.List(st, q)
}

// auditHead logs the audit trail's head (its newest record's sequence
// number and hash), the anchor `sightglass audit verify --anchor` checks a
// trail against, so that a truncated or rewritten trail is detectable from
// the log.
func (s *Station) auditHead(why string) {
	s.mu.Lock()
	trail := s.trail
	s.mu.Unlock()
	if trail != nil {
		s.log.Info("audit head", "anchor", trail.Head().String(), "at", why)
	}
}

// anchorEvery is how often a running station logs its audit head.
const anchorEvery = time.Hour

// projectDir is the project's folder on disk, "" for the embedded demo.
func (s *Station) projectDir() string {
	if s.proj.Dir == "" {
		return ""
	}
	if fi, err := os.Stat(filepath.Join(s.proj.Dir, "project.yaml")); err != nil || fi.IsDir() {
		return ""
	}
	return s.proj.Dir
}
