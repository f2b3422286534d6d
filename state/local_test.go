package state

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func openTemp(t *testing.T) (*Local, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "state.db")
	st, err := OpenLocal(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st, path
}

func TestLocalBucketsAndLogsSurviveReopen(t *testing.T) {
	st, path := openTemp(t)
	seqs, err := st.Apply(Batch{
		Puts:    []KV{{"alarms", "b", []byte("2")}, {"alarms", "a", []byte("1")}},
		Appends: []Entry{{"journal", []byte("first")}, {"journal", []byte("second")}, {"audit", []byte("x")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(seqs) != "[1 2 1]" {
		t.Fatalf("sequence numbers %v, want [1 2 1]", seqs)
	}
	if _, err := st.Apply(Batch{Puts: []KV{{"alarms", "b", nil}}, Appends: []Entry{{"journal", []byte("third")}}}); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}

	st, err = OpenLocal(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if v, _ := st.Get("alarms", "a"); string(v) != "1" {
		t.Errorf("Get a = %q, want 1", v)
	}
	if v, _ := st.Get("alarms", "b"); v != nil {
		t.Errorf("deleted key b = %q, want nil", v)
	}
	if v, _ := st.Get("nobucket", "a"); v != nil {
		t.Errorf("missing bucket gave %q", v)
	}
	var keys []string
	st.ForEach("alarms", func(k string, v []byte) error { keys = append(keys, k+"="+string(v)); return nil })
	if fmt.Sprint(keys) != "[a=1]" {
		t.Errorf("ForEach = %v", keys)
	}
	var recs []string
	err = st.Scan("journal", 2, func(seq uint64, rec []byte) (bool, error) {
		recs = append(recs, fmt.Sprintf("%d:%s", seq, rec))
		return true, nil
	})
	if err != nil || fmt.Sprint(recs) != "[2:second 3:third]" {
		t.Errorf("Scan from 2 = %v, %v", recs, err)
	}
	if last, _ := st.Last("journal"); last != 3 {
		t.Errorf("Last = %d, want 3", last)
	}
	if last, _ := st.Last("empty"); last != 0 {
		t.Errorf("Last of a missing log = %d, want 0", last)
	}
}

func TestLocalScanStops(t *testing.T) {
	st, _ := openTemp(t)
	for i := range 10 {
		st.Apply(Batch{Appends: []Entry{{"l", []byte{byte(i)}}}})
	}
	n := 0
	st.Scan("l", 1, func(uint64, []byte) (bool, error) { n++; return n < 4, nil })
	if n != 4 {
		t.Errorf("Scan called fn %d times after it returned false at 4", n)
	}
	boom := errors.New("boom")
	if err := st.Scan("l", 1, func(uint64, []byte) (bool, error) { return true, boom }); !errors.Is(err, boom) {
		t.Errorf("Scan error = %v, want boom", err)
	}
}

// A batch that fails part-way changes nothing: bbolt refuses the empty key
// after the first put and the first append.
func TestLocalApplyIsAtomic(t *testing.T) {
	st, _ := openTemp(t)
	_, err := st.Apply(Batch{
		Puts:    []KV{{"b", "ok", []byte("1")}, {"b", "", []byte("2")}},
		Appends: []Entry{{"l", []byte("r")}},
	})
	if err == nil {
		t.Fatal("a put with an empty key succeeded")
	}
	if v, _ := st.Get("b", "ok"); v != nil {
		t.Errorf("the first put of a failed batch was kept: %q", v)
	}
	if last, _ := st.Last("l"); last != 0 {
		t.Errorf("the append of a failed batch was kept: last %d", last)
	}
}

func TestLocalFileModeAndLock(t *testing.T) {
	st, path := openTemp(t)
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("state file mode %v, want 0600", fi.Mode().Perm())
	}
	if _, err := OpenLocalReadOnly(path, 100*time.Millisecond); err == nil {
		t.Error("opened a state file another handle holds for writing")
	}
	st.Apply(Batch{Puts: []KV{{"b", "k", []byte("v")}}})
	st.Close()
	ro, err := OpenLocalReadOnly(path, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if v, _ := ro.Get("b", "k"); string(v) != "v" {
		t.Errorf("read-only Get = %q", v)
	}
	if _, err := ro.Apply(Batch{Puts: []KV{{"b", "k", []byte("w")}}}); err == nil {
		t.Error("Apply on a read-only store succeeded")
	}
}

func TestLocalClosed(t *testing.T) {
	st, _ := openTemp(t)
	st.Close()
	if _, err := st.Apply(Batch{Puts: []KV{{"b", "k", []byte("v")}}}); !errors.Is(err, ErrClosed) {
		t.Errorf("Apply after Close = %v", err)
	}
	if _, err := st.Get("b", "k"); !errors.Is(err, ErrClosed) {
		t.Errorf("Get after Close = %v", err)
	}
	if err := st.Close(); err != nil {
		t.Errorf("second Close = %v", err)
	}
}
