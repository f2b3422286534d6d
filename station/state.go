package station

import (
	"fmt"
	"path/filepath"

	"github.com/sightglass/sightglass/alarms"
	"github.com/sightglass/sightglass/state"
)

// StateFile is the name of the station's shared-state file in its data
// folder: alarm states and the alarm journal (later users and the audit
// trail), beside the history.
const StateFile = "state.db"

// EnableAlarms opens the station's shared state in dataDir/state.db and
// builds the alarm engine from the project's alarms section, restoring
// the alarms' states from the file. Call it before Start; Start starts
// the engine before the pollers, so it sees every change, and Stop stops
// it before them, so that a station shutting down (its tags turning bad)
// raises no alarms.
func (s *Station) EnableAlarms(dataDir string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.started {
		return fmt.Errorf("alarms: enable them before Start")
	}
	if s.alarms != nil {
		return nil
	}
	st, err := state.OpenLocal(filepath.Join(dataDir, StateFile))
	if err != nil {
		return fmt.Errorf("alarms: %w", err)
	}
	eng, err := alarms.NewEngine(s.proj.Alarms, s.bus, st, s.log.With("part", "alarms"))
	if err != nil {
		st.Close()
		return fmt.Errorf("alarms: %w", err)
	}
	s.state, s.alarms = st, eng
	return nil
}

// Alarms is the station's alarm engine, nil when alarms are not enabled.
func (s *Station) Alarms() *alarms.Engine {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.alarms
}

// State is the station's shared-state store, nil when alarms are not
// enabled.
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
		return nil, fmt.Errorf("alarms are not enabled")
	}
	return alarms.Search(st, q)
}
