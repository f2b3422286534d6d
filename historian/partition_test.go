package historian

import (
	"context"
	"path/filepath"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/sightglass/sightglass/tags"
)

func TestFileNames(t *testing.T) {
	day := &files{partition: 24 * hourMs}
	six := &files{partition: 6 * hourMs}
	t1 := int64(1795600000000) // 2026-11-25T10:26:40Z
	for _, c := range []struct {
		fs   *files
		k    fileKind
		name string
	}{
		{day, kindRaw, "raw-2026-11-25.db"},
		{six, kindRaw, "raw-2026-11-25T0600.db"},
		{day, kind1m, "rollup-1m-2026-11.db"},
		{day, kind1h, "rollup-1h-2026.db"},
	} {
		start, _ := c.fs.spanOf(c.k, t1)
		if got := c.fs.fileName(c.k, start); got != c.name {
			t.Errorf("%v: %s, want %s", c.k, got, c.name)
		}
		k, s, ok := c.fs.parseName(c.name)
		if !ok || k != c.k || s != start {
			t.Errorf("parse %s = %v %d %v, want %v %d", c.name, k, s, ok, c.k, start)
		}
	}
}

// Chunk keys sort by tag, then time (negative times first), then sequence.
func TestChunkKeyOrder(t *testing.T) {
	keys := []chunkKey{{1, -5, 9}, {1, 0, 1}, {1, 0, 2}, {1, 7, 0}, {2, -100, 0}}
	for i := 1; i < len(keys); i++ {
		if string(keys[i-1].bytes()) >= string(keys[i].bytes()) {
			t.Errorf("%+v does not sort before %+v", keys[i-1], keys[i])
		}
		if k, ok := parseChunkKey(keys[i].bytes()); !ok || k != keys[i] {
			t.Errorf("round trip %+v = %+v", keys[i], k)
		}
	}
	// tag 1, first T 0, seq 2: tag (4) | T with the sign bit flipped (8) | seq (8)
	want := []byte{0, 0, 0, 1, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2}
	if got := (chunkKey{1, 0, 2}).bytes(); string(got) != string(want) {
		t.Errorf("key bytes % x, want % x", got, want)
	}
}

// TestBlankFileAfterCrash: a crash between creating a partition file and
// giving it its buckets leaves an empty bbolt file (TestCrash met one).
// Nothing was written to it, so it is initialised, not set aside as
// damaged, and the data written after still lands and reads back.
func TestBlankFileAfterCrash(t *testing.T) {
	dir := t.TempDir()
	openTest(t, dir).Close() // its folders and catalog
	for _, name := range []string{"raw-2026-03-01.db", "rollup-1h-2026.db"} {
		b, err := bolt.Open(filepath.Join(dir, "history", name), 0o600, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := b.Close(); err != nil {
			t.Fatal(err)
		}
	}
	db := openTest(t, dir)
	st, err := db.Stats()
	if err != nil || len(st.Damaged) > 0 {
		t.Fatalf("stats %v, damaged %v", err, st.Damaged)
	}
	id, _ := db.Register(TagConfig{Name: "blank.1", Hint: ValueHint{Single: true}})
	for k := range 100 {
		db.Append(id, Sample{T: t0 + int64(k)*1000, V: tags.Float(float64(k)), Q: tags.GoodQuality})
	}
	if err := db.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db = openTest(t, dir)
	defer db.Close()
	if st, err := db.Stats(); err != nil || len(st.Damaged) > 0 {
		t.Fatalf("reopened: stats %v, damaged %v", err, st.Damaged)
	}
	s, err := db.Raw(context.Background(), id, t0, t0+100_000, 0)
	if err != nil || len(s) != 100 {
		t.Fatalf("read back %d samples, %v; want 100", len(s), err)
	}
}
