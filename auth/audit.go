package auth

import (
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/sightglass/sightglass/state"
)

// Trail is the tamper-evident audit trail: an Auditor that appends every
// record durably to the store's log AuditLog, each carrying the SHA-256 of
// the stored bytes of the record before (see Verify).
//
// Records are chained in the order Audit is called. Concurrent calls are
// committed together: the callers whose records arrive while a commit is
// in flight go into the next state.Batch (one fsync for all of them), and
// each call returns only once its own record is durable.
//
// Secrets never belong in a record. AuditRecord has no field for a
// password, and callers must not put passwords, password hashes, keys or
// tokens in Detail, Reason, Old or New either: the trail is kept forever,
// replicated to every station and exported to CSV.
//
// One Trail writes a store's trail: it numbers and chains records from
// the head it last wrote, so a second writer (another Trail on the same
// store, another station of a cluster appending to the same log) would
// break the chain. In a cluster, the records go through the one station
// that holds the Trail.
type Trail struct {
	st      state.Store
	station string
	log     *slog.Logger
	now     func() time.Time

	mu         sync.Mutex // guards the fields below
	head       Anchor     // the newest durable record
	queue      []*auditCall
	committing bool // a caller is committing; the others wait in queue
}

// auditCall is one Audit call waiting for its record to be committed.
type auditCall struct {
	rec  AuditRecord
	done chan auditDone // buffered: the committer never blocks on it
}

// auditDone tells a waiting call that its record is committed (err) or
// that it is to commit the queue (lead).
type auditDone struct {
	err  error
	lead bool
}

// maxAuditBatch bounds one commit: the records that waited behind one
// fsync. 1,024 records of about 300 bytes keep a Batch well under the
// size of a Raft log entry a cluster would want.
const maxAuditBatch = 1024

var _ Auditor = (*Trail)(nil)

// OpenTrail opens the audit trail of st, continuing its chain from its
// newest record. Records whose Station is empty are given station. log
// receives what no caller can act on (a store that numbered records other
// than the trail expected); nil discards it. OpenTrail does not verify the
// trail: run Verify for that.
func OpenTrail(st state.Store, station string, log *slog.Logger) (*Trail, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	t := &Trail{st: st, station: station, log: log, now: time.Now}
	head, err := readHead(st)
	if err != nil {
		return nil, err
	}
	t.head = head
	return t, nil
}

// readHead returns the anchor of the newest record of st's trail.
func readHead(st state.Store) (Anchor, error) {
	last, err := st.Last(AuditLog)
	if err != nil {
		return Anchor{}, fmt.Errorf("audit trail: %w", err)
	}
	head := Anchor{Hash: AuditGenesisHash}
	if last == 0 {
		return head, nil
	}
	err = st.Scan(AuditLog, last, func(seq uint64, b []byte) (bool, error) {
		head.Seq, head.Hash = seq, auditHash(b)
		head.Time, _ = auditTime(b) // a damaged head still chains; Verify reports it
		return false, nil
	})
	if err != nil {
		return Anchor{}, fmt.Errorf("audit trail: %w", err)
	}
	return head, nil
}

// Head is the trail's newest durable record: the anchor to print to the
// log or write down, against which Verify detects a truncated or
// rewritten trail later.
func (t *Trail) Head() Anchor {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.head
}

// ErrAuditNoAction is returned by Audit for a record without an Action.
var ErrAuditNoAction = errors.New("audit record without an action")

// Audit implements Auditor: it appends r to the trail and returns once r
// is durable (or with the store's error, and then r is not recorded). A
// zero r.Time is the time of the call; an empty r.Station is the trail's
// station. Audit is safe for concurrent use.
func (t *Trail) Audit(r AuditRecord) error {
	if r.Action == "" {
		return ErrAuditNoAction
	}
	if r.Time.IsZero() {
		r.Time = t.now()
	}
	if r.Station == "" {
		r.Station = t.station
	}
	c := &auditCall{rec: r, done: make(chan auditDone, 1)}
	t.mu.Lock()
	t.queue = append(t.queue, c)
	if t.committing {
		t.mu.Unlock()
		if d := <-c.done; !d.lead {
			return d.err
		}
		t.mu.Lock() // this call leads the next commit; c is still queued
	}
	t.committing = true
	n := min(len(t.queue), maxAuditBatch)
	batch := t.queue[:n:n]
	t.queue = t.queue[n:]
	head := t.head
	t.mu.Unlock()

	err := t.commit(head, batch)

	t.mu.Lock()
	if len(t.queue) > 0 {
		t.queue[0].done <- auditDone{lead: true} // hand the next commit on
	} else {
		t.committing = false
	}
	t.mu.Unlock()
	for _, o := range batch {
		if o != c {
			o.done <- auditDone{err: err}
		}
	}
	return err
}

// commit appends the records of batch after head in one Batch and moves
// the head past them. Only the leading call commits, so the head is not
// changed by anyone else meanwhile.
func (t *Trail) commit(head Anchor, batch []*auditCall) error {
	entries := make([]state.Entry, len(batch))
	prev := head.Hash
	for i, c := range batch {
		b := encodeAuditRecord(head.Seq+uint64(i)+1, prev, &c.rec)
		prev = auditHash(b)
		entries[i] = state.Entry{Log: AuditLog, Rec: b}
	}
	seqs, err := t.st.Apply(state.Batch{Appends: entries})
	if err != nil {
		// A cluster may have committed the batch after all (a timeout):
		// continue from what the store holds.
		if h, herr := readHead(t.st); herr == nil {
			t.setHead(h)
		}
		return fmt.Errorf("audit trail: %w", err)
	}
	last := batch[len(batch)-1]
	if want := head.Seq + uint64(len(batch)); len(seqs) != len(batch) || seqs[len(seqs)-1] != want {
		// The records are durable but not where their numbers say: the
		// log was cut short (bbolt keeps counting) or has another writer.
		// Verify will name the gap; chain on from where they went.
		got := uint64(0)
		if len(seqs) > 0 {
			got = seqs[len(seqs)-1]
		}
		t.log.Error("audit trail: the store numbered a record other than the trail expected: the trail was truncated or has another writer; run audit verify",
			"want", want, "got", got)
		t.setHead(Anchor{Seq: got, Hash: prev, Time: last.rec.Time})
		return nil
	}
	t.setHead(Anchor{Seq: head.Seq + uint64(len(batch)), Hash: prev, Time: last.rec.Time})
	return nil
}

func (t *Trail) setHead(h Anchor) {
	t.mu.Lock()
	t.head = h
	t.mu.Unlock()
}
