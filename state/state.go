// Package state holds the station's authoritative shared state: alarm
// acknowledgements, shelves and suppressions, the alarm journal, and later
// users, roles, the audit journal and the uplink cursor. Everything that
// changes it goes through Store, so that one station keeps it in a local
// bbolt file (Local) and a cluster in its Raft state machine, and the code
// that changes it never knows which.
//
// The model is deliberately small, so that one mutation is one replicable
// command: named buckets of keys and values, and named append-only logs of
// records numbered from 1. A Batch changes both atomically.
package state

import "errors"

// Store is the station's shared state. Implementations are safe for
// concurrent use.
type Store interface {
	// Apply applies every change of b atomically and durably: when it
	// returns nil, all of them are on disk (or committed by the cluster);
	// otherwise none is. It returns the sequence number given to each of
	// b.Appends, in order.
	Apply(b Batch) ([]uint64, error)
	// Get returns the value of key in bucket, or nil when there is none.
	Get(bucket, key string) ([]byte, error)
	// ForEach calls fn for every key of bucket in key order until fn
	// returns an error, which ForEach returns. value is only valid during
	// the call.
	ForEach(bucket string, fn func(key string, value []byte) error) error
	// Scan calls fn for the records of log from sequence number from on,
	// in order, until fn returns false or an error (which Scan returns).
	// rec is only valid during the call.
	Scan(log string, from uint64, fn func(seq uint64, rec []byte) (bool, error)) error
	// Last is the sequence number of the newest record of log; 0 when the
	// log is empty.
	Last(log string) (uint64, error)
	// Close releases the store.
	Close() error
}

// Batch is a set of changes applied atomically.
type Batch struct {
	Puts    []KV    // a nil Value deletes the key
	Appends []Entry // appended in order
}

// KV sets one key of one bucket.
type KV struct {
	Bucket, Key string
	Value       []byte
}

// Entry is one record for one log.
type Entry struct {
	Log string
	Rec []byte
}

// Empty reports whether b changes nothing.
func (b *Batch) Empty() bool { return len(b.Puts) == 0 && len(b.Appends) == 0 }

// ErrClosed is returned by a store after Close.
var ErrClosed = errors.New("state store closed")
