package state

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Local is a Store in one bbolt file: what a single station uses. Buckets
// are bbolt buckets named "b/<name>"; logs are bbolt buckets named
// "l/<name>" keyed by the big-endian sequence number, so a log scans in
// order and its newest record is its last key.
type Local struct {
	mu     sync.RWMutex // guards db against Close
	db     *bolt.DB
	path   string
	closed bool
}

var _ Store = (*Local)(nil)

// OpenLocal opens or creates the state file at path (mode 0600: it will
// hold users' password hashes). Another process holding the file makes it
// fail after 5 s rather than hang.
func OpenLocal(path string) (*Local, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 5 * time.Second})
	if err != nil {
		if errors.Is(err, bolt.ErrTimeout) {
			return nil, fmt.Errorf("state %s: in use by another process (a running station?)", path)
		}
		return nil, fmt.Errorf("state %s: %w", path, err)
	}
	return &Local{db: db, path: path}, nil
}

// OpenLocalReadOnly opens an existing state file for reading only (Apply
// fails). It waits at most timeout for a running station to release it.
func OpenLocalReadOnly(path string, timeout time.Duration) (*Local, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: timeout})
	if err != nil {
		if errors.Is(err, bolt.ErrTimeout) {
			return nil, fmt.Errorf("state %s: in use by another process (a running station?)", path)
		}
		return nil, fmt.Errorf("state %s: %w", path, err)
	}
	return &Local{db: db, path: path}, nil
}

// Path is the file the store lives in.
func (l *Local) Path() string { return l.path }

func bucketName(name string) []byte { return []byte("b/" + name) }
func logName(name string) []byte    { return []byte("l/" + name) }

func seqKey(seq uint64) []byte {
	var k [8]byte
	binary.BigEndian.PutUint64(k[:], seq)
	return k[:]
}

// Apply implements Store: one bbolt transaction, synced before it returns.
func (l *Local) Apply(b Batch) ([]uint64, error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	if l.closed {
		return nil, ErrClosed
	}
	if b.Empty() {
		return nil, nil
	}
	seqs := make([]uint64, len(b.Appends))
	err := l.db.Update(func(tx *bolt.Tx) error {
		for _, kv := range b.Puts {
			bk, err := tx.CreateBucketIfNotExists(bucketName(kv.Bucket))
			if err != nil {
				return err
			}
			if kv.Value == nil {
				err = bk.Delete([]byte(kv.Key))
			} else {
				err = bk.Put([]byte(kv.Key), kv.Value)
			}
			if err != nil {
				return err
			}
		}
		for i, e := range b.Appends {
			bk, err := tx.CreateBucketIfNotExists(logName(e.Log))
			if err != nil {
				return err
			}
			bk.FillPercent = 1 // append-only: pack pages full
			seq, err := bk.NextSequence()
			if err != nil {
				return err
			}
			if err := bk.Put(seqKey(seq), e.Rec); err != nil {
				return err
			}
			seqs[i] = seq
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("state %s: %w", l.path, err)
	}
	return seqs, nil
}

// Get implements Store.
func (l *Local) Get(bucket, key string) ([]byte, error) {
	var out []byte
	err := l.view(func(tx *bolt.Tx) error {
		if bk := tx.Bucket(bucketName(bucket)); bk != nil {
			if v := bk.Get([]byte(key)); v != nil {
				out = append([]byte(nil), v...)
			}
		}
		return nil
	})
	return out, err
}

// ForEach implements Store.
func (l *Local) ForEach(bucket string, fn func(key string, value []byte) error) error {
	return l.view(func(tx *bolt.Tx) error {
		bk := tx.Bucket(bucketName(bucket))
		if bk == nil {
			return nil
		}
		return bk.ForEach(func(k, v []byte) error { return fn(string(k), v) })
	})
}

// Scan implements Store.
func (l *Local) Scan(log string, from uint64, fn func(seq uint64, rec []byte) (bool, error)) error {
	return l.view(func(tx *bolt.Tx) error {
		bk := tx.Bucket(logName(log))
		if bk == nil {
			return nil
		}
		c := bk.Cursor()
		for k, v := c.Seek(seqKey(from)); k != nil; k, v = c.Next() {
			if len(k) != 8 {
				return fmt.Errorf("state %s: log %s: bad key %x", l.path, log, k)
			}
			more, err := fn(binary.BigEndian.Uint64(k), v)
			if err != nil || !more {
				return err
			}
		}
		return nil
	})
}

// Last implements Store.
func (l *Local) Last(log string) (uint64, error) {
	var last uint64
	err := l.view(func(tx *bolt.Tx) error {
		if bk := tx.Bucket(logName(log)); bk != nil {
			if k, _ := bk.Cursor().Last(); len(k) == 8 {
				last = binary.BigEndian.Uint64(k)
			}
		}
		return nil
	})
	return last, err
}

func (l *Local) view(fn func(tx *bolt.Tx) error) error {
	l.mu.RLock()
	defer l.mu.RUnlock()
	if l.closed {
		return ErrClosed
	}
	if err := l.db.View(fn); err != nil {
		return fmt.Errorf("state %s: %w", l.path, err)
	}
	return nil
}

// Close implements Store. It is safe to call more than once.
func (l *Local) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil
	}
	l.closed = true
	return l.db.Close()
}
