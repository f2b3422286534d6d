package alarms

import (
	"encoding/json"
	"fmt"
	"sort"

	"github.com/sightglass/sightglass/state"
)

// LoadStatuses reads the alarm statuses a station left in a store (what
// `sightglass alarms list` shows of a stopped station): every alarm that
// has ever changed, by ID. An entry that does not decode is an error, not
// a silent gap.
func LoadStatuses(st state.Store) ([]Status, error) {
	var out []Status
	err := st.ForEach(StateBucket, func(id string, v []byte) error {
		var s Status
		if err := json.Unmarshal(v, &s); err != nil {
			return fmt.Errorf("alarm %s: %w", id, err)
		}
		out = append(out, s)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("alarm statuses: %w", err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}
