package alarms

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/sightglass/sightglass/state"
)

// JournalSkew is how far back in time a journal record may be from any
// record journaled before it. The journal is appended in sequence order
// and its times are those of the transitions, so they are almost, not
// exactly, monotonic (transitions evaluated concurrently, device
// timestamps, a clock corrected by NTP). A time-bounded search widens its
// binary search by JournalSkew at each end and filters exactly within, so
// it misses nothing that is out of order by less; a record more than
// JournalSkew older than one before it may be missed by a time-bounded
// Query (a Query with zero From and To sees every record).
const JournalSkew = 15 * time.Minute

// Query selects journal records. Every set field must match; the zero
// Query matches every record.
type Query struct {
	// From and To bound the records' times to [From, To): From is
	// inclusive, To exclusive. A zero time leaves that end open.
	From, To time.Time
	// Tag is the tag's full name, exactly.
	Tag string
	// Area matches the area and everything under it in the asset path:
	// "Plant.P1" matches "Plant.P1" and "Plant.P1.Motor" but not
	// "Plant.P10" (see InArea).
	Area string
	// Priorities and Events: any of them; empty matches all.
	Priorities []Priority
	Events     []Event
	// User is the operator's name, compared case-insensitively.
	User string
	// Text is a case-insensitive substring of the record's alarm ID,
	// message or comment.
	Text string
	// Limit, when above 0, keeps only the Limit newest matching records
	// (newest in journal order), still returned oldest first: an alarm
	// history opens on the latest page, as `tail` does. Search then reads
	// the journal backwards from the end of the range and stops as soon as
	// it has them.
	Limit int
}

// InArea reports whether area is in the asset-path subtree under: under
// itself or anything below it after a dot. An empty under matches every
// area.
func InArea(area, under string) bool {
	under = strings.TrimSuffix(under, ".")
	if under == "" {
		return true
	}
	return strings.HasPrefix(area, under) && (len(area) == len(under) || area[len(under)] == '.')
}

// matcher is a compiled Query.
type matcher struct {
	q     Query
	prios [NumPriorities]bool
	evs   [NumEvents]bool
	text  string // lower case

	// The prefilter: byte strings an encoded record must contain to
	// match, checked before it is decoded (see prefilter).
	all       [][]byte   // each of them
	any       [][][]byte // one of each group
	asciiText []byte     // q.Text in lower case, when it is jsonSafe
}

func newMatcher(q Query) *matcher {
	m := &matcher{q: q, text: strings.ToLower(q.Text)}
	if q.Tag != "" && jsonSafe(q.Tag) {
		m.all = append(m.all, []byte(`"tag":"`+q.Tag+`"`))
	}
	if area := strings.TrimSuffix(q.Area, "."); area != "" && jsonSafe(area) {
		m.all = append(m.all, []byte(`"area":"`+area))
	}
	var group [][]byte
	for _, p := range q.Priorities {
		if p < NumPriorities {
			m.prios[p] = true
			group = append(group, []byte(`"prio":"`+p.String()+`"`))
		}
	}
	if len(q.Priorities) > 0 {
		m.any = append(m.any, group)
	}
	group = nil
	for _, e := range q.Events {
		if e < NumEvents {
			m.evs[e] = true
			group = append(group, []byte(`"ev":"`+e.String()+`"`))
		}
	}
	if len(q.Events) > 0 {
		m.any = append(m.any, group)
	}
	if m.text != "" && jsonSafe(m.text) {
		m.asciiText = []byte(m.text)
	}
	return m
}

// jsonSafe reports whether encoding/json writes s as it is: printable
// ASCII without the characters it escapes.
func jsonSafe(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return false
		}
	}
	return true
}

// prefilter reports whether the encoded record b may match: false only
// when it cannot. EncodeRecord writes each field as `"key":"value"` with
// encoding/json's escaping, which leaves jsonSafe strings as they are, so
// a record of that tag holds `"tag":"<tag>"`, one under an area
// `"area":"<area>`, and so on. Most records of a filtered search are
// skipped this way without being decoded. The text is looked for
// case-insensitively in the whole record, and only in records of ASCII
// alone (where ASCII case folding is Unicode's).
func (m *matcher) prefilter(b []byte) bool {
	for _, n := range m.all {
		if !bytes.Contains(b, n) {
			return false
		}
	}
	for _, g := range m.any {
		if !slices.ContainsFunc(g, func(n []byte) bool { return bytes.Contains(b, n) }) {
			return false
		}
	}
	if m.asciiText != nil {
		if found, ascii := containsFoldASCII(b, m.asciiText); ascii && !found {
			return false
		}
	}
	return true
}

// containsFoldASCII reports whether b contains lower (lower-case ASCII)
// ignoring ASCII case, and whether b is ASCII alone; found is only
// meaningful when it is.
func containsFoldASCII(b, lower []byte) (found, ascii bool) {
	for _, c := range b {
		if c >= 0x80 {
			return false, false
		}
	}
	for i := 0; i+len(lower) <= len(b); i++ {
		j := 0
		for ; j < len(lower); j++ {
			c := b[i+j]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != lower[j] {
				break
			}
		}
		if j == len(lower) {
			return true, true
		}
	}
	return false, true
}

// inTime reports whether t is in [From, To).
func (m *matcher) inTime(t time.Time) bool {
	return (m.q.From.IsZero() || !t.Before(m.q.From)) && (m.q.To.IsZero() || t.Before(m.q.To))
}

// match reports whether r matches every field but the time.
func (m *matcher) match(r *Record) bool {
	q := &m.q
	switch {
	case q.Tag != "" && r.Tag != q.Tag,
		q.Area != "" && !InArea(r.Area, q.Area),
		len(q.Priorities) > 0 && (r.Priority >= NumPriorities || !m.prios[r.Priority]),
		len(q.Events) > 0 && (r.Event >= NumEvents || !m.evs[r.Event]),
		q.User != "" && !strings.EqualFold(r.User, q.User):
		return false
	}
	if m.text != "" {
		return containsFold(r.Alarm, m.text) || containsFold(r.Message, m.text) || containsFold(r.Comment, m.text)
	}
	return true
}

// containsFold reports whether s contains lower, which is lower case.
func containsFold(s, lower string) bool {
	return strings.Contains(strings.ToLower(s), lower)
}

// Search returns the journal records of st that match q, oldest first
// (journal order, which is time order up to JournalSkew). It binary-searches
// the journal for the ends of q's time range, so a window of a large
// journal costs its own records, not the journal's.
func Search(st state.Store, q Query) ([]Record, error) {
	if q.Limit > 0 {
		return searchNewest(st, q)
	}
	var out []Record
	err := Replay(st, q, func(r Record) error {
		out = append(out, r)
		return nil
	})
	return out, err
}

// Replay calls fn for every journal record of st that matches q, oldest
// first, until fn returns an error, which Replay returns. It ignores
// q.Limit. It is Search without holding the records: a report over a long
// period streams them.
func Replay(st state.Store, q Query, fn func(Record) error) error {
	lo, hi, err := state.TimeRange(st, JournalLog, q.From, q.To, JournalSkew, recordTime)
	if err != nil || lo >= hi {
		return err
	}
	m := newMatcher(q)
	return scanRange(st, lo, hi, m, fn)
}

// scanRange calls fn for the records of [lo, hi) that match m, in order.
func scanRange(st state.Store, lo, hi uint64, m *matcher, fn func(Record) error) error {
	var ferr error
	err := st.Scan(JournalLog, lo, func(seq uint64, b []byte) (bool, error) {
		if seq >= hi {
			return false, nil
		}
		if !m.q.From.IsZero() || !m.q.To.IsZero() {
			t, err := recordTime(seq, b)
			if err != nil {
				return false, err
			}
			if !m.inTime(t) {
				return true, nil
			}
		}
		if !m.prefilter(b) {
			return true, nil
		}
		r, err := DecodeRecord(seq, b)
		if err != nil {
			return false, err
		}
		if !m.match(&r) {
			return true, nil
		}
		if ferr = fn(r); ferr != nil {
			return false, nil
		}
		return true, nil
	})
	if err != nil {
		return err
	}
	return ferr
}

// searchBlock is the first block of records searchNewest reads backwards;
// each further block doubles, up to searchBlockMax, so a sparse match
// costs few Scans and a dense one reads little past its Limit.
const (
	searchBlock    = 256
	searchBlockMax = 64 << 10
)

// searchNewest is Search with q.Limit: it reads [lo, hi) backwards in
// blocks until it has q.Limit matches.
func searchNewest(st state.Store, q Query) ([]Record, error) {
	lo, hi, err := state.TimeRange(st, JournalLog, q.From, q.To, JournalSkew, recordTime)
	if err != nil || lo >= hi {
		return nil, err
	}
	m := newMatcher(q)
	var blocks [][]Record // newest block first
	n := 0
	for size := uint64(searchBlock); hi > lo && n < q.Limit; size = min(2*size, searchBlockMax) {
		from := lo
		if hi-lo > size {
			from = hi - size
		}
		var blk []Record
		if err := scanRange(st, from, hi, m, func(r Record) error {
			blk = append(blk, r)
			return nil
		}); err != nil {
			return nil, err
		}
		blocks = append(blocks, blk)
		n += len(blk)
		hi = from
	}
	out := make([]Record, 0, min(n, q.Limit))
	for _, blk := range slices.Backward(blocks) {
		out = append(out, blk...)
	}
	return out[len(out)-min(n, q.Limit):], nil
}

// ErrJournalTime is returned (wrapped, with the record's sequence number)
// when a journal record's time cannot be read.
var ErrJournalTime = errors.New("alarm journal record without a readable time")

// recordTime reads only the time of an encoded record. EncodeRecord writes
// it first, as `{"t":"<RFC 3339>"`, so the fast path parses just that;
// anything else decodes the JSON field.
func recordTime(seq uint64, b []byte) (time.Time, error) {
	const prefix = `{"t":"`
	if bytes.HasPrefix(b, []byte(prefix)) {
		rest := b[len(prefix):]
		if i := bytes.IndexByte(rest, '"'); i > 0 {
			if t, err := time.Parse(time.RFC3339Nano, string(rest[:i])); err == nil {
				return t, nil
			}
		}
	}
	var j struct {
		T *time.Time `json:"t"`
	}
	if err := json.Unmarshal(b, &j); err != nil || j.T == nil {
		return time.Time{}, fmt.Errorf("%w: %d", ErrJournalTime, seq)
	}
	return *j.T, nil
}
