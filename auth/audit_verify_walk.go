package auth

import (
	"fmt"

	"github.com/sightglass/sightglass/state"
)

// walker is Verify's walk along the chain: it checks each record against
// the last intact one and stops at the first that does not fit, which
// diagnose then explains from its neighbours.
type walker struct {
	rep     VerifyReport
	anchors map[uint64]string
	bad     *badRecord // the first record that did not fit
}

// badRecord is the record a walk stopped at and why.
type badRecord struct {
	seq   uint64 // its number in the log
	why   badWhy
	entry AuditEntry // decoded (badSeq, badPrev)
	hash  string     // of its stored bytes
	err   error      // badDecode
}

type badWhy int

const (
	badGap    badWhy = iota // seq is past the next number
	badDecode               // not a canonical record
	badSeq                  // its Seq is not its number
	badPrev                 // its Prev is not the last intact record's hash
)

// step checks record seq (bytes b); false stops the walk.
func (w *walker) step(seq uint64, b []byte) bool {
	if seq != w.rep.Head.Seq+1 {
		w.bad = &badRecord{seq: seq, why: badGap}
		return false
	}
	h := auditHash(b)
	e, err := decodeAuditRecord(b, true)
	switch {
	case err != nil:
		w.bad = &badRecord{seq: seq, why: badDecode, err: err}
		return false
	case e.Seq != seq:
		w.bad = &badRecord{seq: seq, why: badSeq, entry: e, hash: h}
		return false
	case e.Prev != w.rep.Head.Hash:
		w.bad = &badRecord{seq: seq, why: badPrev, entry: e, hash: h}
		return false
	}
	if want, ok := w.anchors[seq]; ok {
		if h != want {
			w.fail(FaultRewritten, seq, 0, "record %d does not match the anchor %d:%s (its hash is %s): it was changed, or the trail rewritten up to it",
				seq, seq, short(want), short(h))
			return false
		}
		w.rep.Anchors++
	}
	w.rep.Records++
	w.rep.Head = Anchor{Seq: seq, Hash: h, Time: e.Time}
	return true
}

func (w *walker) fail(f AuditFault, seq, other uint64, format string, args ...any) {
	w.rep.Fault, w.rep.Seq, w.rep.Other = f, seq, other
	w.rep.Message = fmt.Sprintf(format, args...)
}

// short is the first 12 digits of a hash, enough for a person to compare.
func short(h string) string {
	if len(h) > 12 {
		return h[:12] + "…"
	}
	return h
}

// diagnose names the problem at w.bad, reading its neighbours from st.
func (w *walker) diagnose(st state.Store) error {
	b, prev := w.bad, w.rep.Head.Seq
	k := b.seq
	switch b.why {
	case badGap:
		from, to := prev+1, k-1
		switch {
		case prev == 0 && from == to:
			w.fail(FaultMissing, from, to, "record 1 is missing (the trail starts at %d)", k)
		case prev == 0:
			w.fail(FaultMissing, from, to, "records 1–%d are missing (the trail starts at %d)", to, k)
		case from == to:
			w.fail(FaultMissing, from, to, "record %d is missing (%d → %d)", from, prev, k)
		default:
			w.fail(FaultMissing, from, to, "records %d–%d are missing (%d → %d)", from, to, prev, k)
		}
	case badDecode:
		w.fail(FaultChanged, k, 0, "record %d was changed (it no longer decodes: %v)", k, b.err)
	case badSeq:
		s := b.entry.Seq
		other, ok, err := entryAt(st, s)
		if err != nil {
			return err
		}
		if ok && other.Seq == k {
			w.fail(FaultOrder, min(k, s), max(k, s), "records %d and %d are out of order (each is stored in the other's place)", min(k, s), max(k, s))
		} else {
			w.fail(FaultChanged, k, s, "record %d was changed or moved (it says it is record %d)", k, s)
		}
	case badPrev:
		if k == 1 {
			w.fail(FaultChanged, 1, 0, "record 1 was changed (its prev is not the start of a trail)")
			return nil
		}
		next, ok, err := entryAt(st, k+1)
		if err != nil {
			return err
		}
		switch {
		case ok && next.Prev == w.rep.Head.Hash:
			w.fail(FaultOrder, k, k+1, "records %d and %d are out of order (record %d's prev is record %d's hash)", k, k+1, k+1, prev)
		case ok && next.Prev != b.hash:
			w.fail(FaultChanged, k, 0, "record %d was changed (its prev no longer matches record %d's hash, nor its hash record %d's prev)", k, prev, k+1)
		case ok:
			w.fail(FaultChanged, prev, 0, "record %d was changed (its hash no longer matches record %d's prev)", prev, k)
		default:
			w.fail(FaultChanged, prev, k, "record %d was changed (its hash no longer matches record %d's prev), or the prev of record %d, the newest", prev, k, k)
		}
	}
	return nil
}

// checkEnd reports the first anchor past the end of an intact trail.
func (w *walker) checkEnd(anchors []Anchor) {
	end := w.rep.Head.Seq
	var past uint64
	for _, a := range anchors {
		if a.Seq > end && (past == 0 || a.Seq < past) {
			past = a.Seq
		}
	}
	switch {
	case past == 0:
	case end == 0:
		w.fail(FaultTruncated, 1, past, "the trail is empty but the anchor names %d: truncated", past)
	default:
		w.fail(FaultTruncated, end+1, past, "the chain ends at %d but the anchor names %d: truncated", end, past)
	}
}

// entryAt decodes record seq of st's trail; ok is false when there is no
// record seq or it does not decode.
func entryAt(st state.Store, seq uint64) (e AuditEntry, ok bool, err error) {
	err = st.Scan(AuditLog, seq, func(s uint64, b []byte) (bool, error) {
		if s == seq {
			var derr error
			e, derr = decodeAuditRecord(b, false)
			ok = derr == nil
		}
		return false, nil
	})
	return e, ok, err
}
