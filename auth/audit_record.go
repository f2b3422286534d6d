package auth

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// AuditLog is the state log that holds the audit trail, one record per
// sequence number (state.Local keeps it in the bbolt bucket "l/audit").
const AuditLog = "audit"

// auditGenesis names the trail's format. The first record's Prev is the
// hex SHA-256 of it, so a trail of another format never verifies as this
// one.
const auditGenesis = "sightglass audit trail v1: canonical JSON records, prev = hex SHA-256 of the previous record's stored bytes"

// AuditGenesisHash is the Prev of the first record of a trail: the hex
// SHA-256 of the string that names the trail's format.
var AuditGenesisHash = auditHash([]byte(auditGenesis))

// AuditEntry is a stored audit record: the record as its caller gave it,
// its sequence number in AuditLog, and the chain link to the record before.
type AuditEntry struct {
	AuditRecord
	Seq  uint64 // from 1, as the log numbers it
	Prev string // hex SHA-256 of the previous record's stored bytes
}

// auditJSON is a record as the trail stores it. The stored bytes are
// canonical: encodeAuditRecord writes exactly these keys in this order,
// empty optional strings left out, times in UTC with nanoseconds trimmed
// as encoding/json does, strings valid UTF-8 and escaped as
// encoding/json escapes them. A record is accepted only when re-encoding
// it gives back its bytes, so the hash chain covers every byte and no
// two encodings of one record exist.
type auditJSON struct {
	Seq     uint64    `json:"seq"`
	Prev    string    `json:"prev"`
	Time    time.Time `json:"t"`
	Station string    `json:"station,omitempty"`
	User    string    `json:"user,omitempty"`
	Action  Action    `json:"action"`
	Target  string    `json:"target,omitempty"`
	Old     string    `json:"old,omitempty"`
	New     string    `json:"new,omitempty"`
	Result  string    `json:"result,omitempty"`
	Reason  string    `json:"reason,omitempty"`
	Detail  string    `json:"detail,omitempty"`
}

// valid replaces invalid UTF-8 in s, which encoding/json would otherwise
// write as an escape that does not decode back to the same bytes.
func valid(s string) string { return strings.ToValidUTF8(s, "\uFFFD") }

// encodeAuditRecord encodes r as record seq of the trail, chained to prev.
func encodeAuditRecord(seq uint64, prev string, r *AuditRecord) []byte {
	b, _ := json.Marshal(auditJSON{ // only strings, a number and a UTC time: cannot fail
		Seq: seq, Prev: prev, Time: r.Time.UTC(),
		Station: valid(r.Station), User: valid(r.User), Action: Action(valid(string(r.Action))),
		Target: valid(r.Target), Old: valid(r.Old), New: valid(r.New),
		Result: valid(r.Result), Reason: valid(r.Reason), Detail: valid(r.Detail),
	})
	return b
}

// ErrAuditRecord is returned (wrapped, with the reason) when stored bytes
// are not an audit record in the trail's canonical form.
var ErrAuditRecord = errors.New("not a canonical audit record")

// decodeAuditRecord decodes stored bytes. With strict it also requires
// them to be canonical (see auditJSON), a Seq from 1, a Prev of 64
// lower-case hex digits and an action: what Verify asks of a record.
func decodeAuditRecord(b []byte, strict bool) (AuditEntry, error) {
	var j auditJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return AuditEntry{}, fmt.Errorf("%w: %v", ErrAuditRecord, err)
	}
	e := AuditEntry{Seq: j.Seq, Prev: j.Prev, AuditRecord: AuditRecord{
		Time: j.Time, User: j.User, Action: j.Action, Target: j.Target, Old: j.Old, New: j.New,
		Result: j.Result, Reason: j.Reason, Station: j.Station, Detail: j.Detail,
	}}
	if !strict {
		return e, nil
	}
	switch {
	case j.Seq == 0:
		return e, fmt.Errorf("%w: no sequence number", ErrAuditRecord)
	case !isHash(j.Prev):
		return e, fmt.Errorf("%w: prev %q is not a hex SHA-256", ErrAuditRecord, j.Prev)
	case j.Action == "":
		return e, fmt.Errorf("%w: no action", ErrAuditRecord)
	}
	if re := encodeAuditRecord(e.Seq, e.Prev, &e.AuditRecord); !bytes.Equal(re, b) {
		return e, fmt.Errorf("%w: not in canonical form", ErrAuditRecord)
	}
	return e, nil
}

// isHash reports whether s is a hex SHA-256 as the trail writes it: 64
// lower-case hex digits.
func isHash(s string) bool {
	if len(s) != 2*sha256.Size {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// auditHash is the hex SHA-256 of b: what the next record's Prev holds.
func auditHash(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// auditTime reads only the time of a stored record. encodeAuditRecord
// writes it third, after the number and the 64-digit prev, as
// `,"t":"<RFC 3339>"`, so the fast path parses just that; anything else
// decodes the record.
func auditTime(b []byte) (time.Time, error) {
	const key = `,"t":"`
	if i := bytes.Index(b, []byte(key)); i > 0 && i < 128 {
		rest := b[i+len(key):]
		if k := bytes.IndexByte(rest, '"'); k > 0 {
			if t, err := time.Parse(time.RFC3339Nano, string(rest[:k])); err == nil {
				return t, nil
			}
		}
	}
	e, err := decodeAuditRecord(b, false)
	return e.Time, err
}
