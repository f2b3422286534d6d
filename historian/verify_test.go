package historian

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// A chunk with flipped bytes is reported by Verify with its tag and time
// range and skipped by queries; a file with a garbage header and a
// truncated file are reported by Open, and the other files stay readable
// and writable.
func TestCorruption(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := openTest(t, dir)
	a, b := register(t, db, "a"), register(t, db, "b")
	const n = 4 * 24 * 360 // 4 days, a sample every 10 s
	var all []Sample
	for i := range n {
		s := wave(i * 10)
		all = append(all, s)
		db.Append(a, s)
		db.Append(b, s)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	hist := filepath.Join(dir, "history")
	day := func(d int) string { return filepath.Join(hist, db.files.fileName(kindRaw, t0+int64(d)*24*hourMs)) }

	// Flip bytes in the middle of one chunk of tag a on day 0.
	bdb, err := bolt.Open(day(0), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	var bad chunkKey
	var badLast int64
	err = bdb.Update(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketChunks).Cursor()
		k, v := c.Seek(seekKey(a, t0+6*hourMs))
		bad, _ = parseChunkKey(k)
		h, _ := ReadChunkHeader(v)
		badLast = h.LastT
		v = append([]byte(nil), v...)
		v[len(v)/2] ^= 0x5a
		v[len(v)/2+1] ^= 0xa5
		return tx.Bucket(bucketChunks).Put(k, v)
	})
	bdb.Close()
	if err != nil || bad.Tag != a {
		t.Fatalf("corrupting: %v %+v", err, bad)
	}
	// Garbage over day 2's header; day 3 cut to three pages.
	f, err := os.OpenFile(day(2), os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteAt(make([]byte, 8192), 0)
	f.Close()
	if err := os.Truncate(day(3), 3*4096); err != nil {
		t.Fatal(err)
	}

	db = openTest(t, dir)
	defer db.Close()
	stats, err := db.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if len(stats.Damaged) != 2 {
		t.Fatalf("damaged files: %+v", stats.Damaged)
	}
	dmg, err := db.Verify(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var chunks []Damage
	for _, d := range dmg {
		if d.Tag != "" {
			chunks = append(chunks, d)
		}
	}
	if len(dmg) != 3 || len(chunks) != 1 || chunks[0].Tag != "a" || chunks[0].From != bad.FirstT || chunks[0].To != badLast {
		t.Fatalf("verify: %+v; want tag a %d..%d", dmg, bad.FirstT, badLast)
	}
	// Tag b: days 0 and 1 whole. Tag a: the same less the damaged chunk.
	dayEnd := t0 + 2*24*hourMs
	var wantA, wantB []Sample
	for _, s := range all {
		if s.T < dayEnd {
			wantB = append(wantB, s)
			if s.T < bad.FirstT || s.T > badLast {
				wantA = append(wantA, s)
			}
		}
	}
	got, err := db.Raw(ctx, b, math.MinInt64, math.MaxInt64, 0)
	if err != nil {
		t.Fatal(err)
	}
	sameSamples(t, "tag b", got, wantB)
	got, err = db.Raw(ctx, a, math.MinInt64, math.MaxInt64, 0)
	if err != nil {
		t.Fatal(err)
	}
	sameSamples(t, "tag a", got, wantA)
	// Writing into the garbage day moves the damaged file aside.
	s := wave(2*24*3600 + 5)
	if err := db.Append(b, s); err != nil {
		t.Fatal(err)
	}
	if err := db.Flush(); err != nil {
		t.Fatal(err)
	}
	got, err = db.Raw(ctx, b, s.T, s.T+1, 0)
	if err != nil || len(got) != 1 {
		t.Fatalf("write into a damaged day: %v %v", got, err)
	}
	if _, err := os.Stat(day(2) + ".damaged"); err != nil {
		t.Fatal(err)
	}
}
