package auth

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/sightglass/sightglass/state"
)

// AuditSkew is how far back in time a record may be from any record
// before it in the trail. Records are chained in the order Audit is
// called, with the times their callers gave (a write's time, a sign-in's),
// so times are almost, not exactly, in order. A time-bounded List widens
// its binary search by AuditSkew at each end and filters exactly within:
// it misses nothing out of order by less; a record more than AuditSkew
// older than one before it may be missed by a time-bounded List (one
// with zero From and To sees every record).
const AuditSkew = 15 * time.Minute

// AuditQuery selects audit records. Every set field must match; the zero
// AuditQuery matches every record.
type AuditQuery struct {
	// From and To bound the records' times to [From, To): From is
	// inclusive, To exclusive. A zero time leaves that end open.
	From, To time.Time
	// User is the person's name, compared case-insensitively.
	User string
	// Actions: any of them; empty matches all.
	Actions []Action
	// Target is the record's target exactly, or, with TargetPrefix, its
	// beginning ("Plant.Area1." matches every tag under Area1).
	Target       string
	TargetPrefix bool
	// Text is a case-insensitive substring of the record's user, target,
	// old and new values, result, reason, station or detail.
	Text string
	// Limit, when above 0, keeps only the Limit newest matching records
	// (newest in trail order), still returned oldest first: a viewer opens
	// on the latest page. List then reads the trail backwards from the end
	// of the range and stops as soon as it has them.
	Limit int
}

// match reports whether e matches every field of q but the time; text is
// q.Text in lower case.
func (q *AuditQuery) match(e *AuditEntry, text string) bool {
	switch {
	case q.User != "" && !strings.EqualFold(e.User, q.User),
		len(q.Actions) > 0 && !slices.Contains(q.Actions, e.Action),
		q.Target != "" && !q.TargetPrefix && e.Target != q.Target,
		q.Target != "" && q.TargetPrefix && !strings.HasPrefix(e.Target, q.Target):
		return false
	}
	if text == "" {
		return true
	}
	for _, s := range [...]string{e.User, e.Target, e.Old, e.New, e.Result, e.Reason, e.Station, e.Detail} {
		if strings.Contains(strings.ToLower(s), text) {
			return true
		}
	}
	return false
}

func (q *AuditQuery) inTime(t time.Time) bool {
	return (q.From.IsZero() || !t.Before(q.From)) && (q.To.IsZero() || t.Before(q.To))
}

// List returns the audit records of st that match q, oldest first (trail
// order, which is time order up to AuditSkew). It binary-searches the
// trail for the ends of q's time range, so a window of a long trail costs
// its own records. List does not verify the chain (Verify does); a record
// that does not decode is an error naming it.
func List(st state.Store, q AuditQuery) ([]AuditEntry, error) {
	lo, hi, err := state.TimeRange(st, AuditLog, q.From, q.To, AuditSkew, auditSeqTime)
	if err != nil || lo >= hi {
		return nil, err
	}
	text := strings.ToLower(q.Text)
	if q.Limit <= 0 {
		return listRange(st, lo, hi, &q, text)
	}
	// Read [lo, hi) backwards in blocks, each twice the one before (up to
	// listBlockMax), until q.Limit records match.
	var blocks [][]AuditEntry // newest block first
	n := 0
	for size := uint64(listBlock); hi > lo && n < q.Limit; size = min(2*size, listBlockMax) {
		from := lo
		if hi-lo > size {
			from = hi - size
		}
		blk, err := listRange(st, from, hi, &q, text)
		if err != nil {
			return nil, err
		}
		blocks = append(blocks, blk)
		n += len(blk)
		hi = from
	}
	out := make([]AuditEntry, 0, n)
	for _, blk := range slices.Backward(blocks) {
		out = append(out, blk...)
	}
	return out[len(out)-min(n, q.Limit):], nil
}

// The first block a List with a Limit reads backwards, and the largest.
const (
	listBlock    = 256
	listBlockMax = 64 << 10
)

// listRange returns the records of [lo, hi) that match q.
func listRange(st state.Store, lo, hi uint64, q *AuditQuery, text string) ([]AuditEntry, error) {
	var out []AuditEntry
	timed := !q.From.IsZero() || !q.To.IsZero()
	err := st.Scan(AuditLog, lo, func(seq uint64, b []byte) (bool, error) {
		if seq >= hi {
			return false, nil
		}
		e, err := decodeAuditRecord(b, false)
		if err != nil {
			return false, fmt.Errorf("audit record %d: %w", seq, err)
		}
		e.Seq = seq // the log's number, whatever the record says
		if (!timed || q.inTime(e.Time)) && q.match(&e, text) {
			out = append(out, e)
		}
		return true, nil
	})
	return out, err
}

// auditSeqTime reads the time of the audit record seq, b (auditTime), for
// state.TimeRange.
func auditSeqTime(seq uint64, b []byte) (time.Time, error) {
	t, err := auditTime(b)
	if err != nil {
		return t, fmt.Errorf("audit record %d: %w", seq, err)
	}
	return t, nil
}
