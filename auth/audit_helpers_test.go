package auth

import (
	"encoding/binary"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/sightglass/sightglass/state"
)

// auditBase is the time of the first record the tests write.
var auditBase = time.Date(2026, 3, 1, 6, 0, 0, 0, time.UTC)

// openAuditState opens a real state file in a temporary directory; it is
// closed when the test ends (a second Close is harmless).
func openAuditState(t testing.TB) (*state.Local, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "state.db")
	st, err := state.OpenLocal(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st, path
}

// auditTestRecord is record i of a synthetic trail: one a minute, users,
// actions and targets in turn.
func auditTestRecord(i int) AuditRecord {
	acts := []Action{ActWrite, ActAlarmAck, ActSignIn, ActWrite, ActAlarmShelve, ActSignOut}
	return AuditRecord{
		Time:    auditBase.Add(time.Duration(i) * time.Minute),
		User:    []string{"ann", "bob", "cho"}[i%3],
		Action:  acts[i%len(acts)],
		Target:  fmt.Sprintf("Plant.Area%d.T%03d", i%2+1, i%100),
		Old:     fmt.Sprint(i),
		New:     fmt.Sprint(i + 1),
		Result:  "ok",
		Station: "s1",
	}
}

// appendAuditChain appends records from..to−1 of the synthetic trail to
// st as a Trail would chain them (after head), in Batches of up to 10,000
// records, and returns the new head. It builds large trails fast.
func appendAuditChain(t testing.TB, st state.Store, head Anchor, from, to int) Anchor {
	t.Helper()
	const per = 10_000
	for i := from; i < to; i += per {
		var b state.Batch
		for j := i; j < min(i+per, to); j++ {
			r := auditTestRecord(j)
			rec := encodeAuditRecord(head.Seq+1, head.Hash, &r)
			head = Anchor{Seq: head.Seq + 1, Hash: auditHash(rec), Time: r.Time}
			b.Appends = append(b.Appends, state.Entry{Log: AuditLog, Rec: rec})
		}
		if _, err := st.Apply(b); err != nil {
			t.Fatal(err)
		}
	}
	return head
}

// writeAuditFile writes n records of the synthetic trail through a Trail
// to a real state file, closes it and returns its path and head.
func writeAuditFile(t *testing.T, n int) (string, Anchor) {
	t.Helper()
	st, path := openAuditState(t)
	tr, err := OpenTrail(st, "s1", nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		if err := tr.Audit(auditTestRecord(i)); err != nil {
			t.Fatal(err)
		}
	}
	head := tr.Head()
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	return path, head
}

// tamper opens the closed state file at path with bbolt itself and lets
// fn change the trail's bucket, as someone with the file would.
func tamper(t *testing.T, path string, fn func(bk *bolt.Bucket) error) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.NoSync = true // the test reads it back; no need to wait for the disk
	err = db.Update(func(tx *bolt.Tx) error {
		bk := tx.Bucket([]byte("l/" + AuditLog))
		if bk == nil {
			return fmt.Errorf("no bucket l/%s", AuditLog)
		}
		return fn(bk)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// boltKey is the key of record seq in a log bucket: big-endian.
func boltKey(seq uint64) []byte { return binary.BigEndian.AppendUint64(nil, seq) }

// verifyFile opens the state file at path read-only and verifies it.
func verifyFile(t *testing.T, path string, anchors ...Anchor) VerifyReport {
	t.Helper()
	st, err := state.OpenLocalReadOnly(path, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rep, err := Verify(st, VerifyOptions{Anchors: anchors})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}
