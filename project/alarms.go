package project

import (
	"slices"
	"strings"

	"github.com/sightglass/sightglass/alarms"
)

// alarmsEntry is the alarms section as decoded, before its checks against
// the tags. Its marks hold shelve_max, require_comment, defaults and tags;
// shelve holds each priority's shelve_max under the priority's name.
type alarmsEntry struct {
	cfg      alarms.Config // MaxShelve as given (0: not given) and RequireComment; no Alarms yet
	shelve   marks
	defaults condEntry // the keys of defaults, each one of defaultKeys
	tags     []alarmTagEntry
	marks
}

// alarmTagEntry is one item of the alarms' tags list: a tag and its
// alarms. Its marks hold tag, area and suppress, which are its
// conditions' defaults.
type alarmTagEntry struct {
	tag, area, suppress string
	conds               []condEntry // in file order
	marks
}

// condEntry is one alarm of a tag (hi: {limit: 2.1, ...}), or the alarms
// section's defaults, as decoded. Its marks hold each key under its name;
// their line is the kind's key.
type condEntry struct {
	def alarms.Def // Tag is set by the checks, and Area and Suppress when not given
	marks
}

// Keys of an alarm, by what they apply to.
var (
	// limitKinds compare a number with a limit.
	limitKinds = []alarms.Kind{alarms.HiHi, alarms.Hi, alarms.Lo, alarms.LoLo, alarms.Deviation, alarms.Rate}
	// commonKeys apply to every kind of alarm.
	commonKeys = []string{"priority", "on_delay", "off_delay", "realarm", "ack", "latched", "message", "area", "suppress"}
	// defaultKeys may be given in the alarms section's defaults: the
	// keys that mean the same on every tag. A deadband is in its tag's
	// units, and a priority is each alarm's own decision.
	defaultKeys = []string{"on_delay", "off_delay", "realarm", "ack", "latched"}
	// allCondKeys is every key an alarm can have, for telling a key that
	// does not apply to its kind from an unknown one.
	allCondKeys = append([]string{"limit", "deadband", "setpoint", "value"}, commonKeys...)
	// placeholders are what an alarm's message may name: alarms.Def's,
	// and {rate}, which the engine renders for rate alarms.
	placeholders = []string{"tag", "value", "limit", "units", "setpoint", "priority", "rate"}
)

// condKeys lists the keys an alarm of kind k takes, in the order the
// format's description gives them.
func condKeys(k alarms.Kind) []string {
	var keys []string
	switch {
	case k == alarms.State:
		keys = []string{"value"}
	case slices.Contains(limitKinds, k):
		keys = []string{"limit", "deadband"}
		if k == alarms.Deviation {
			keys = append(keys, "setpoint")
		}
	}
	return append(keys, commonKeys...)
}

// alarmKindList names the alarm kinds, for messages.
func alarmKindList() string {
	names := make([]string, alarms.NumKinds)
	for k := range alarms.Kind(alarms.NumKinds) {
		names[k] = k.String()
	}
	return strings.Join(names, ", ")
}

// priorityList names the priorities, for messages.
func priorityList() string {
	names := make([]string, alarms.NumPriorities)
	for p := range alarms.Priority(alarms.NumPriorities) {
		names[p] = p.String()
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// defaultArea is an alarm's area when the project gives none: the tag's
// asset path without its last element ("Plant.Tank1" for
// "Plant.Tank1.Level"), or the whole name when it has one element.
func defaultArea(tag string) string {
	if i := strings.LastIndexByte(tag, '.'); i > 0 {
		return tag[:i]
	}
	return tag
}
