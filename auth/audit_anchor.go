package auth

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Anchor is a point of the trail: a record's sequence number and the hex
// SHA-256 of its stored bytes. The hash chain alone shows a record that
// was changed, removed or moved, but not records cut off the end (nor a
// chain rewritten from some record on): for those, keep anchors where the
// file's owner cannot change them — the station prints its Head to its
// log periodically, an operator may write it down or export it — and
// Verify the trail against them. An anchor stored in the same file as the
// trail proves nothing, so the trail stores none.
type Anchor struct {
	Seq  uint64    // 0: the empty trail
	Hash string    // of record Seq; AuditGenesisHash for the empty trail
	Time time.Time // record Seq's time; not part of String, not checked
}

// String formats a as "SEQ:HASH", as ParseAnchor reads it.
func (a Anchor) String() string { return strconv.FormatUint(a.Seq, 10) + ":" + a.Hash }

// ErrAnchor is returned (wrapped) by ParseAnchor for a malformed anchor.
var ErrAnchor = errors.New(`audit anchor: want "SEQ:HASH" (a sequence number and 64 hex digits)`)

// ParseAnchor reads an anchor written as "SEQ:HASH" (Anchor.String).
// Upper-case hex digits are accepted.
func ParseAnchor(s string) (Anchor, error) {
	seqs, hash, ok := strings.Cut(strings.TrimSpace(s), ":")
	seq, err := strconv.ParseUint(seqs, 10, 64)
	hash = strings.ToLower(hash)
	if !ok || err != nil || !isHash(hash) {
		return Anchor{}, fmt.Errorf("%w: %q", ErrAnchor, s)
	}
	return Anchor{Seq: seq, Hash: hash}, nil
}
