package auth

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/sightglass/sightglass/state"
)

// auditTamperRecords is the trail the tamper tests write: 120 records,
// the example the issue gives ("the chain ends at 90 but the anchor names
// 120").
const auditTamperRecords = 120

var (
	auditTamperOnce sync.Once
	auditTamperOrig struct {
		path string
		head Anchor
		data []byte
		err  error
	}
)

// auditTamperFile is the tamper tests' trail, written once through a
// Trail to a real state file; each test works on a copy.
func auditTamperFile(t *testing.T) (string, Anchor) {
	t.Helper()
	auditTamperOnce.Do(func() {
		auditTamperOrig.path, auditTamperOrig.head = writeAuditFile(t, auditTamperRecords)
		auditTamperOrig.data, auditTamperOrig.err = os.ReadFile(auditTamperOrig.path)
	})
	if auditTamperOrig.err != nil {
		t.Fatal(auditTamperOrig.err)
	}
	path := filepath.Join(t.TempDir(), "state.db")
	if err := os.WriteFile(path, auditTamperOrig.data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path, auditTamperOrig.head
}

func TestVerifyTampered(t *testing.T) {
	get := func(bk *bolt.Bucket, seq uint64) []byte { return bytes.Clone(bk.Get(boltKey(seq))) }
	put := func(bk *bolt.Bucket, seq uint64, v []byte) error { return bk.Put(boltKey(seq), v) }
	for _, c := range []struct {
		name   string
		tamper func(bk *bolt.Bucket) error
		fault  AuditFault
		seq    uint64
		msg    string
	}{
		{"flip a byte of record 41's target", func(bk *bolt.Bucket) error {
			v := get(bk, 41)
			i := bytes.Index(v, []byte(`"target":"`)) + len(`"target":"`)
			v[i] ^= 0x01 // P → Q
			return put(bk, 41, v)
		}, FaultChanged, 41, "record 41 was changed (its hash no longer matches record 42's prev)"},
		{"flip a byte of record 41's prev", func(bk *bolt.Bucket) error {
			v := get(bk, 41)
			i := bytes.Index(v, []byte(`"prev":"`)) + len(`"prev":"`)
			if v[i+10] == '0' { // another hex digit: the record stays canonical
				v[i+10] = '1'
			} else {
				v[i+10] = '0'
			}
			return put(bk, 41, v)
		}, FaultChanged, 41, "record 41 was changed (its prev no longer matches record 40's hash, nor its hash record 42's prev)"},
		{"break record 41's JSON", func(bk *bolt.Bucket) error {
			v := get(bk, 41)
			v[len(v)-1] = ' '
			return put(bk, 41, v)
		}, FaultChanged, 41, "record 41 was changed (it no longer decodes: not a canonical audit record: unexpected end of JSON input)"},
		{"change record 1", func(bk *bolt.Bucket) error {
			return put(bk, 1, bytes.Replace(get(bk, 1), []byte(`"ann"`), []byte(`"eve"`), 1))
		}, FaultChanged, 1, "record 1 was changed (its hash no longer matches record 2's prev)"},
		{"delete record 57", func(bk *bolt.Bucket) error {
			return bk.Delete(boltKey(57))
		}, FaultMissing, 57, "record 57 is missing (56 → 58)"},
		{"delete records 57 to 59", func(bk *bolt.Bucket) error {
			for s := uint64(57); s <= 59; s++ {
				if err := bk.Delete(boltKey(s)); err != nil {
					return err
				}
			}
			return nil
		}, FaultMissing, 57, "records 57–59 are missing (56 → 60)"},
		{"delete record 1", func(bk *bolt.Bucket) error {
			return bk.Delete(boltKey(1))
		}, FaultMissing, 1, "record 1 is missing (the trail starts at 2)"},
		{"swap records 70 and 71", func(bk *bolt.Bucket) error {
			a, b := get(bk, 70), get(bk, 71)
			return errorsJoin(put(bk, 70, b), put(bk, 71, a))
		}, FaultOrder, 70, "records 70 and 71 are out of order (each is stored in the other's place)"},
		{"swap records 20 and 30", func(bk *bolt.Bucket) error {
			a, b := get(bk, 20), get(bk, 30)
			return errorsJoin(put(bk, 20, b), put(bk, 30, a))
		}, FaultOrder, 20, "records 20 and 30 are out of order (each is stored in the other's place)"},
		{"swap records 70 and 71 and renumber them", func(bk *bolt.Bucket) error {
			a, b := get(bk, 70), get(bk, 71)
			a = bytes.Replace(a, []byte(`{"seq":70,`), []byte(`{"seq":71,`), 1)
			b = bytes.Replace(b, []byte(`{"seq":71,`), []byte(`{"seq":70,`), 1)
			return errorsJoin(put(bk, 70, b), put(bk, 71, a))
		}, FaultOrder, 70, "records 70 and 71 are out of order (record 71's prev is record 69's hash)"},
		{"move record 50 to the end", func(bk *bolt.Bucket) error {
			v := get(bk, 50)
			return errorsJoin(bk.Delete(boltKey(50)), put(bk, auditTamperRecords+1, v))
		}, FaultMissing, 50, "record 50 is missing (49 → 51)"},
	} {
		t.Run(c.name, func(t *testing.T) {
			path, head := auditTamperFile(t)
			tamper(t, path, c.tamper)
			for _, anchors := range [][]Anchor{nil, {head}} {
				rep := verifyFile(t, path, anchors...)
				if rep.Fault != c.fault || rep.Seq != c.seq || rep.Message != c.msg {
					t.Errorf("with %d anchors: %v %d %q\nwant %v %d %q", len(anchors), rep.Fault, rep.Seq, rep.Message, c.fault, c.seq, c.msg)
				}
				if rep.Err() == nil || rep.OK() || rep.String() != c.msg {
					t.Errorf("a %v report: Err %v, OK %v, String %q", rep.Fault, rep.Err(), rep.OK(), rep.String())
				}
			}
		})
	}
}

func errorsJoin(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// Whichever byte of a record is changed, and however, Verify names that
// record.
func TestVerifyEveryByteFlip(t *testing.T) {
	const k = 41
	path, _ := auditTamperFile(t)
	var orig []byte
	tamper(t, path, func(bk *bolt.Bucket) error { orig = bytes.Clone(bk.Get(boltKey(k))); return nil })
	flips := 0
	for i := range orig {
		for _, x := range []byte{0x01, 0x20, 0x80} {
			v := bytes.Clone(orig)
			v[i] ^= x
			tamper(t, path, func(bk *bolt.Bucket) error { return bk.Put(boltKey(k), v) })
			rep := verifyFile(t, path)
			if rep.Fault != FaultChanged || rep.Seq != k {
				t.Errorf("byte %d (%q) ^ %#x: %v at %d: %s", i, orig[i], x, rep.Fault, rep.Seq, rep.Message)
			}
			flips++
		}
	}
	t.Logf("%d flips of record %d's %d bytes, each named", flips, k, len(orig))
}

// Records cut off the end leave an intact chain: only an anchor shows it.
func TestVerifyTruncated(t *testing.T) {
	path, head := auditTamperFile(t)
	tamper(t, path, func(bk *bolt.Bucket) error {
		for s := uint64(91); s <= auditTamperRecords; s++ {
			if err := bk.Delete(boltKey(s)); err != nil {
				return err
			}
		}
		return nil
	})
	// Alone, the chain verifies: nothing after record 90 chains to it.
	rep := verifyFile(t, path)
	if !rep.OK() || rep.Records != 90 || rep.Head.Seq != 90 {
		t.Fatalf("without an anchor: %+v, want intact up to 90", rep)
	}
	if !strings.Contains(rep.String(), "no anchor given") {
		t.Errorf("report %q does not say that no anchor was given", rep)
	}
	// Against the head printed before, it does not.
	rep = verifyFile(t, path, head)
	want := "the chain ends at 90 but the anchor names 120: truncated"
	if rep.Fault != FaultTruncated || rep.Seq != 91 || rep.Other != 120 || rep.Message != want {
		t.Fatalf("with the anchor: %+v, want %q", rep, want)
	}
	// An anchor still inside the chain passes.
	var a50 Anchor
	tamper(t, path, func(bk *bolt.Bucket) error {
		a50 = Anchor{Seq: 50, Hash: auditHash(bk.Get(boltKey(50)))}
		return nil
	})
	if rep := verifyFile(t, path, a50); !rep.OK() || rep.Anchors != 1 {
		t.Fatalf("anchor at 50: %v", rep)
	}

	// The station carries on: bbolt keeps counting, so the next record
	// lands at 121 while it says 91, and the gap shows without an anchor.
	st, err := state.OpenLocal(path)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := OpenTrail(st, "s1", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.Audit(auditTestRecord(200)); err != nil {
		t.Fatal(err)
	}
	if h := tr.Head(); h.Seq != 121 {
		t.Errorf("head after appending to a truncated trail: %+v, want 121", h)
	}
	st.Close()
	rep = verifyFile(t, path)
	if want := "records 91–120 are missing (90 → 121)"; rep.Fault != FaultMissing || rep.Message != want {
		t.Fatalf("appended after truncation: %+v, want %q", rep, want)
	}
}

// The newest record has no successor to betray a change: only an anchor
// does. So does a trail rewritten consistently from some record on.
func TestVerifyRewritten(t *testing.T) {
	path, head := auditTamperFile(t)
	tamper(t, path, func(bk *bolt.Bucket) error {
		v := bytes.Replace(bk.Get(boltKey(120)), []byte(`"result":"ok"`), []byte(`"result":"no"`), 1)
		return bk.Put(boltKey(120), v)
	})
	if rep := verifyFile(t, path); !rep.OK() {
		t.Fatalf("without an anchor: %v", rep)
	}
	rep := verifyFile(t, path, head)
	if rep.Fault != FaultRewritten || rep.Seq != 120 || !strings.HasPrefix(rep.Message, "record 120 does not match the anchor 120:") {
		t.Fatalf("with the anchor: %+v", rep)
	}

	// Rewrite records 100 on as a consistent chain: only an anchor
	// inside the rewritten part shows it.
	path, _ = auditTamperFile(t)
	var a110 Anchor
	tamper(t, path, func(bk *bolt.Bucket) error {
		a110 = Anchor{Seq: 110, Hash: auditHash(bk.Get(boltKey(110)))}
		prev := auditHash(bk.Get(boltKey(99)))
		for s := uint64(100); s <= auditTamperRecords; s++ {
			r := auditTestRecord(int(s) - 1)
			r.User = "nobody"
			v := encodeAuditRecord(s, prev, &r)
			if err := bk.Put(boltKey(s), v); err != nil {
				return err
			}
			prev = auditHash(v)
		}
		return nil
	})
	if rep := verifyFile(t, path); !rep.OK() {
		t.Fatalf("rewritten chain without an anchor: %v", rep)
	}
	if rep := verifyFile(t, path, a110); rep.Fault != FaultRewritten || rep.Seq != 110 {
		t.Fatalf("rewritten chain against an anchor at 110: %v", rep)
	}
}

// A clean journal of 100,000 records verifies, with progress.
func TestVerifyLarge(t *testing.T) {
	const n = 100_000
	st, _ := openAuditState(t)
	head := appendAuditChain(t, st, Anchor{Hash: AuditGenesisHash}, 0, n)
	var calls int
	var done uint64
	rep, err := Verify(st, VerifyOptions{Anchors: []Anchor{head}, Progress: func(d, last uint64) {
		if d < done || last != n {
			t.Errorf("progress %d of %d after %d", d, last, done)
		}
		calls, done = calls+1, d
	}})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() || rep.Records != n || rep.Head != head || rep.Anchors != 1 {
		t.Fatalf("%+v", rep)
	}
	if done != n || calls != n/verifyProgressEvery+1 {
		t.Errorf("progress: %d calls, last %d", calls, done)
	}
}

func TestVerifyEmpty(t *testing.T) {
	st, _ := openAuditState(t)
	rep, err := Verify(st, VerifyOptions{})
	if err != nil || !rep.OK() || rep.Records != 0 || rep.Head.Hash != AuditGenesisHash {
		t.Fatalf("%+v %v", rep, err)
	}
	rep, _ = Verify(st, VerifyOptions{Anchors: []Anchor{{Seq: 120, Hash: AuditGenesisHash}}})
	if want := "the trail is empty but the anchor names 120: truncated"; rep.Message != want {
		t.Fatalf("%q, want %q", rep.Message, want)
	}
}
