package auth

import (
	"errors"
	"fmt"

	"github.com/sightglass/sightglass/state"
)

// AuditFault is what Verify found wrong with a trail.
type AuditFault int

// The faults Verify reports.
const (
	FaultNone      AuditFault = iota // the trail is intact
	FaultChanged                     // a record's bytes were changed
	FaultMissing                     // records were removed (a gap in the numbers)
	FaultOrder                       // records were moved or swapped
	FaultRewritten                   // a record does not match an anchor: rewritten
	FaultTruncated                   // the trail ends before an anchor
)

var faultNames = [...]string{"ok", "changed", "missing", "out-of-order", "rewritten", "truncated"}

// String is the fault's name, as logs and the CLI print it.
func (f AuditFault) String() string {
	if f < 0 || int(f) >= len(faultNames) {
		return fmt.Sprintf("AuditFault(%d)", int(f))
	}
	return faultNames[f]
}

// VerifyOptions are Verify's optional inputs.
type VerifyOptions struct {
	// Anchors the trail must still contain (see Anchor): each names a
	// record that must exist with that hash. Without one, records cut
	// off the end of the trail go unnoticed.
	Anchors []Anchor
	// Progress, when set, is called with the records checked so far and
	// the newest record's number every verifyProgressEvery records and
	// once at the end.
	Progress func(done, last uint64)
}

// verifyProgressEvery is how often Verify reports progress: about every
// 20 ms at its speed.
const verifyProgressEvery = 10_000

// VerifyReport is what Verify found: an intact trail (Fault is FaultNone)
// or its first problem.
type VerifyReport struct {
	Records uint64     // records checked and found intact
	Head    Anchor     // the last intact record; Seq 0 for none
	Anchors int        // anchors checked and found in the trail
	Fault   AuditFault // FaultNone, or the first problem
	Seq     uint64     // the first record concerned by Fault
	Other   uint64     // the last missing record, the other of a swapped pair, the anchor past the end
	Message string     // the problem in plain words, e.g. "record 41 was changed (…)"
}

// OK reports whether the trail is intact (against the anchors given).
func (r VerifyReport) OK() bool { return r.Fault == FaultNone }

// String is the report in one sentence for a person.
func (r VerifyReport) String() string {
	if !r.OK() {
		return r.Message
	}
	s := fmt.Sprintf("audit trail intact: %d records, head %s", r.Records, r.Head)
	if r.Anchors == 0 {
		return s + " (no anchor given: records cut off the end would not show)"
	}
	return fmt.Sprintf("%s, %d anchors found", s, r.Anchors)
}

// ErrAuditTampered is what VerifyReport.Err wraps for a trail with a
// problem.
var ErrAuditTampered = errors.New("audit trail tampered with")

// Err is nil for an intact trail, or ErrAuditTampered wrapped with the
// report's message.
func (r VerifyReport) Err() error {
	if r.OK() {
		return nil
	}
	return fmt.Errorf("%w: %s", ErrAuditTampered, r.Message)
}

// Verify walks st's audit trail from its first record and reports the
// first problem: a record whose bytes were changed (the next record's
// Prev no longer matches its hash, or it is not a canonical record), a
// removed record (a gap in the numbers), records swapped or moved (a
// record whose number is not its place, or whose Prev names its
// neighbour's predecessor), and, against opt.Anchors, a trail cut short
// or rewritten. Without anchors the newest record may have been changed
// or the newest records removed unnoticed: nothing after them chains to
// them. The error is for a store that cannot be read; a damaged trail is
// a report whose Fault is set.
func Verify(st state.Store, opt VerifyOptions) (VerifyReport, error) {
	last, err := st.Last(AuditLog)
	if err != nil {
		return VerifyReport{}, fmt.Errorf("audit verify: %w", err)
	}
	anchors := make(map[uint64]string, len(opt.Anchors))
	for _, a := range opt.Anchors {
		if a.Seq > 0 {
			anchors[a.Seq] = a.Hash
		}
	}
	w := walker{rep: VerifyReport{Head: Anchor{Hash: AuditGenesisHash}}, anchors: anchors}
	err = st.Scan(AuditLog, 1, func(seq uint64, b []byte) (bool, error) {
		more := w.step(seq, b)
		if opt.Progress != nil && more && w.rep.Records%verifyProgressEvery == 0 {
			opt.Progress(w.rep.Records, last)
		}
		return more, nil
	})
	if err != nil {
		return w.rep, fmt.Errorf("audit verify: %w", err)
	}
	if w.bad != nil {
		if err := w.diagnose(st); err != nil {
			return w.rep, fmt.Errorf("audit verify: %w", err)
		}
	} else if w.rep.OK() { // the walk reached the end
		w.checkEnd(opt.Anchors)
	}
	if opt.Progress != nil {
		opt.Progress(w.rep.Records, last)
	}
	return w.rep, nil
}
