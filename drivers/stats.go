package drivers

import (
	"strconv"
	"time"
)

// ConnState is where a device's connection is in its life.
type ConnState uint8

// The states a poller moves a device through.
const (
	StateStopped    ConnState = iota // not polled
	StateConnecting                  // opening the connection
	StateConnected                   // connected and polling
	StateBackoff                     // lost; waiting before the next attempt
)

func (s ConnState) String() string {
	switch s {
	case StateStopped:
		return "stopped"
	case StateConnecting:
		return "connecting"
	case StateConnected:
		return "connected"
	case StateBackoff:
		return "backoff"
	}
	return "ConnState(" + strconv.Itoa(int(s)) + ")"
}

// Stats are a device's diagnostics, as the HMI and `sightglass tags` show
// them and as the poller publishes them as _System.Devices.<name>.* tags.
type Stats struct {
	Name          string
	Driver        string
	Address       string
	State         ConnState
	Scans         uint64        // completed reads of a poll group
	Requests      uint64        // protocol requests sent
	Errors        uint64        // failed connects and failed requests
	Connects      uint64        // connections opened
	Reconnects    uint64        // connections opened after the first
	LastError     string        // "" when none yet
	LastErrorTime time.Time     // zero when none yet
	ResponseTime  time.Duration // duration of the last scan
	NextRetry     time.Time     // in StateBackoff: when the next attempt is
}
