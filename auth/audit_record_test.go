package auth

import (
	"errors"
	"testing"
	"time"
)

// The genesis hash is part of the format: every trail starts from it.
func TestAuditGenesisHash(t *testing.T) {
	if AuditGenesisHash != auditGenesisHex {
		t.Fatalf("genesis hash %s, want %s", AuditGenesisHash, auditGenesisHex)
	}
}

// auditGenesisHex is `printf %s "$auditGenesis" | sha256sum`.
const auditGenesisHex = "d0474d84f0997dc3c1721eca2390ca04f191cf818ebd36e41c8589f8c0f8040f"

// auditRecordCases are stored records byte for byte: the format the hash
// chain covers.
var auditRecordCases = []struct {
	name string
	seq  uint64
	prev string
	rec  AuditRecord
	want string
}{
	{
		name: "write, every field",
		seq:  1, prev: auditGenesisHex,
		rec: AuditRecord{
			Time: time.Date(2026, 3, 1, 8, 30, 0, 123e6, time.FixedZone("CET", 3600)), User: "ann",
			Action: ActWrite, Target: "Plant.T1.SP", Old: "5", New: "6.5", Result: "ok",
			Reason: "<trim>", Station: "s1", Detail: `a"b`,
		},
		want: `{"seq":1,` + // the log's sequence number
			`"prev":"` + auditGenesisHex + `",` + // SHA-256 of the record before (here: genesis)
			`"t":"2026-03-01T07:30:00.123Z",` + // UTC, nanoseconds trimmed
			`"station":"s1","user":"ann","action":"write","target":"Plant.T1.SP",` +
			`"old":"5","new":"6.5","result":"ok",` +
			`"reason":"\u003ctrim\u003e",` + // encoding/json's HTML escaping
			`"detail":"a\"b"}`,
	},
	{
		name: "station start: empty fields left out, invalid UTF-8 replaced",
		seq:  2, prev: auditGenesisHex,
		rec: AuditRecord{Time: time.Date(2026, 3, 1, 8, 30, 0, 0, time.UTC), Action: ActStationStart, User: "bad\xff"},
		want: `{"seq":2,"prev":"` + auditGenesisHex + `",` +
			`"t":"2026-03-01T08:30:00Z",` + // whole seconds: no fraction
			`"user":"bad` + "\uFFFD" + `",` + // U+FFFD as UTF-8 bytes
			`"action":"station-start"}`,
	},
}

func TestAuditRecordEncode(t *testing.T) {
	for _, c := range auditRecordCases {
		t.Run(c.name, func(t *testing.T) {
			got := encodeAuditRecord(c.seq, c.prev, &c.rec)
			if string(got) != c.want {
				t.Fatalf("encoded\n%s\nwant\n%s", got, c.want)
			}
			e, err := decodeAuditRecord(got, true)
			if err != nil {
				t.Fatal(err)
			}
			if e.Seq != c.seq || e.Prev != c.prev || !e.Time.Equal(c.rec.Time) || e.Action != c.rec.Action || e.Target != c.rec.Target {
				t.Fatalf("decoded %+v", e)
			}
		})
	}
}

// Verify accepts only the canonical bytes: any other spelling of a record
// is a changed record.
func TestAuditRecordDecodeStrict(t *testing.T) {
	p := `"prev":"` + auditGenesisHex + `"`
	for _, b := range []string{
		``,
		`{}`,
		`{"seq":1,` + p + `,"t":"2026-03-01T08:30:00Z","action":"write"} `,                                                                          // trailing space
		`{"seq":1, ` + p + `,"t":"2026-03-01T08:30:00Z","action":"write"}`,                                                                          // inner space
		`{"seq":1,` + p + `,"t":"2026-03-01T09:30:00+01:00","action":"write"}`,                                                                      // not UTC
		`{"seq":1,` + p + `,"t":"2026-03-01T08:30:00.000Z","action":"write"}`,                                                                       // zeros not trimmed
		`{"seq":1,` + p + `,"t":"2026-03-01T08:30:00Z","action":"write","x":1}`,                                                                     // unknown key
		`{"seq":1,` + p + `,"t":"2026-03-01T08:30:00Z","action":"write","old":""}`,                                                                  // empty field written
		`{"prev":"` + auditGenesisHex + `","seq":1,"t":"2026-03-01T08:30:00Z","action":"write"}`,                                                    // key order
		`{"seq":1,"prev":"` + "D0474D84F0997DC3C1721ECA2390CA04F191CF818EBD36E41C8589F8C0F8040F" + `","t":"2026-03-01T08:30:00Z","action":"write"}`, // upper-case hex
		`{"seq":0,` + p + `,"t":"2026-03-01T08:30:00Z","action":"write"}`,                                                                           // no number
		`{"seq":1,"prev":"abc","t":"2026-03-01T08:30:00Z","action":"write"}`,
		`{"seq":1,` + p + `,"t":"2026-03-01T08:30:00Z"}`,                             // no action
		`{"seq":1,` + p + `,"t":"2026-03-01T08:30:00Z","action":"write","user":"<"}`, // unescaped <
	} {
		if _, err := decodeAuditRecord([]byte(b), true); !errors.Is(err, ErrAuditRecord) {
			t.Errorf("%s: err %v, want ErrAuditRecord", b, err)
		}
	}
	ok := `{"seq":1,` + p + `,"t":"2026-03-01T08:30:00Z","action":"write"}`
	if _, err := decodeAuditRecord([]byte(ok), true); err != nil {
		t.Errorf("%s: %v", ok, err)
	}
}

func TestAuditTime(t *testing.T) {
	for _, c := range auditRecordCases {
		got, err := auditTime([]byte(c.want))
		if err != nil || !got.Equal(c.rec.Time) {
			t.Errorf("%s: %v %v, want %v", c.name, got, err, c.rec.Time)
		}
	}
	// A record without the fast path's shape still has its time read.
	got, err := auditTime([]byte(`{"t":"2026-03-01T08:30:00Z"}`))
	if err != nil || !got.Equal(time.Date(2026, 3, 1, 8, 30, 0, 0, time.UTC)) {
		t.Errorf("slow path: %v %v", got, err)
	}
}

func TestAnchorString(t *testing.T) {
	a := Anchor{Seq: 120, Hash: auditGenesisHex}
	s := a.String()
	if s != "120:"+auditGenesisHex {
		t.Fatalf("String %q", s)
	}
	b, err := ParseAnchor(" 120:" + "D0474D84F0997DC3C1721ECA2390CA04F191CF818EBD36E41C8589F8C0F8040F\n")
	if err != nil || b != a {
		t.Fatalf("ParseAnchor: %+v %v", b, err)
	}
	for _, bad := range []string{"", "120", "120:", "x:" + auditGenesisHex, "-1:" + auditGenesisHex, "1:" + auditGenesisHex[1:], "1:" + auditGenesisHex + "0"} {
		if _, err := ParseAnchor(bad); !errors.Is(err, ErrAnchor) {
			t.Errorf("ParseAnchor(%q): %v, want ErrAnchor", bad, err)
		}
	}
}

// FuzzAuditRecordDecode: arbitrary bytes never panic, and bytes that
// decode strictly are exactly what encoding the decoded record gives.
func FuzzAuditRecordDecode(f *testing.F) {
	for _, c := range auditRecordCases {
		f.Add([]byte(c.want))
	}
	f.Add([]byte(`{"seq":1,"prev":"` + auditGenesisHex + `","t":"2026-03-01T08:30:00Z","action":"write","user":"\ud800"}`))
	f.Add([]byte(`{"seq":18446744073709551615}`))
	f.Add([]byte(`[`))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = auditTime(b)
		_, _ = decodeAuditRecord(b, false)
		e, err := decodeAuditRecord(b, true)
		if err != nil {
			return
		}
		if re := encodeAuditRecord(e.Seq, e.Prev, &e.AuditRecord); string(re) != string(b) {
			t.Fatalf("strictly decoded %q re-encodes as %q", b, re)
		}
	})
}
