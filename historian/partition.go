package historian

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
)

// fileKind says what a history file holds.
type fileKind uint8

const (
	kindRaw fileKind = iota // chunks of raw samples, one partition of Options.Partition
	kind1m                  // 1-minute rollups, one file per calendar month (UTC)
	kind1h                  // 1-hour rollups, one file per calendar year (UTC)
	numKinds
)

func (k fileKind) String() string {
	switch k {
	case kindRaw:
		return "raw"
	case kind1m:
		return "rollup-1m"
	case kind1h:
		return "rollup-1h"
	}
	return fmt.Sprintf("fileKind(%d)", uint8(k))
}

// Rollup widths in milliseconds.
const (
	minuteMs = int64(time.Minute / time.Millisecond)
	hourMs   = int64(time.Hour / time.Millisecond)
)

// width returns the rollup width of a rollup file kind.
func (k fileKind) width() int64 {
	if k == kind1m {
		return minuteMs
	}
	return hourMs
}

// Bucket names inside the history files (see DESIGN.md).
var (
	bucketChunks  = []byte("chunks")
	bucketMeta    = []byte("meta")
	bucketRollups = []byte("rollups")
	metaMaxSpan   = []byte("maxspan") // raw files: the longest LastT-FirstT of any chunk in the file, int64 big-endian
)

// floorDiv rounds t down to a multiple of w (also for negative t).
func floorDiv(t, w int64) int64 {
	r := t % w
	if r < 0 {
		r += w
	}
	return t - r
}

// sortable maps an int64 to a uint64 whose big-endian bytes sort like the
// int64 (flip the sign bit), so negative times sort before positive ones.
func sortable(t int64) uint64   { return uint64(t) ^ 1<<63 }
func unsortable(u uint64) int64 { return int64(u ^ 1<<63) }

// Chunk keys: tag id (4 bytes), first T (8, sign-flipped), sequence (8).
const chunkKeyLen = 4 + 8 + 8

type chunkKey struct {
	Tag    TagID
	FirstT int64
	Seq    uint64 // unique per data folder, increasing with the time the chunk was started
}

func (k chunkKey) bytes() []byte {
	b := make([]byte, chunkKeyLen)
	k.put(b)
	return b
}

func (k chunkKey) put(b []byte) {
	binary.BigEndian.PutUint32(b[0:], uint32(k.Tag))
	binary.BigEndian.PutUint64(b[4:], sortable(k.FirstT))
	binary.BigEndian.PutUint64(b[12:], k.Seq)
}

func parseChunkKey(b []byte) (chunkKey, bool) {
	if len(b) != chunkKeyLen {
		return chunkKey{}, false
	}
	return chunkKey{
		Tag:    TagID(binary.BigEndian.Uint32(b)),
		FirstT: unsortable(binary.BigEndian.Uint64(b[4:])),
		Seq:    binary.BigEndian.Uint64(b[12:]),
	}, true
}

// seekKey is the smallest key of tag at or after t.
func seekKey(tag TagID, t int64) []byte {
	return chunkKey{Tag: tag, FirstT: t}.bytes()
}

// partFile is one history file: a raw partition or a rollup file.
type partFile struct {
	kind       fileKind
	start, end int64 // span [start, end) in Unix ms
	name       string
	path       string
	db         *bolt.DB // nil when the file is damaged
	err        error    // why it did not open

	mu      sync.Mutex // guards maxSpan and checked
	maxSpan int64      // raw files: longest chunk span stored
	checked bool       // every page has been read once (see check)
}

// files is the set of history files of one data folder.
type files struct {
	dir       string
	partition int64 // raw partition span in ms
	opts      *bolt.Options
	log       interface{ Warn(string, ...any) }

	mu      sync.RWMutex          // guards the fields below
	byKind  [numKinds][]*partFile // sorted by start
	damaged []*partFile
}

// rawSpan returns the raw partition holding time t.
func (fs *files) rawSpan(t int64) (int64, int64) {
	s := floorDiv(t, fs.partition)
	return s, s + fs.partition
}

// spanOf returns the span of the file of kind k holding t.
func (fs *files) spanOf(k fileKind, t int64) (int64, int64) {
	switch k {
	case kind1m:
		u := time.UnixMilli(t).UTC()
		s := time.Date(u.Year(), u.Month(), 1, 0, 0, 0, 0, time.UTC)
		return s.UnixMilli(), s.AddDate(0, 1, 0).UnixMilli()
	case kind1h:
		u := time.UnixMilli(t).UTC()
		s := time.Date(u.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
		return s.UnixMilli(), s.AddDate(1, 0, 0).UnixMilli()
	}
	return fs.rawSpan(t)
}

// fileName names the file of kind k starting at start:
// raw-2026-11-25.db (whole-day partitions), raw-2026-11-25T0600.db (shorter
// ones), rollup-1m-2026-11.db, rollup-1h-2026.db.
func (fs *files) fileName(k fileKind, start int64) string {
	u := time.UnixMilli(start).UTC()
	switch k {
	case kind1m:
		return "rollup-1m-" + u.Format("2006-01") + ".db"
	case kind1h:
		return "rollup-1h-" + u.Format("2006") + ".db"
	}
	if fs.partition%(24*hourMs) == 0 {
		return "raw-" + u.Format("2006-01-02") + ".db"
	}
	return "raw-" + u.Format("2006-01-02T1504") + ".db"
}

// parseName recognizes a history file name, returning its kind and start.
func (fs *files) parseName(name string) (fileKind, int64, bool) {
	var layouts = []struct {
		k      fileKind
		prefix string
		layout string
	}{
		{kind1m, "rollup-1m-", "2006-01"},
		{kind1h, "rollup-1h-", "2006"},
		{kindRaw, "raw-", "2006-01-02T1504"},
		{kindRaw, "raw-", "2006-01-02"},
	}
	if !strings.HasSuffix(name, ".db") {
		return 0, 0, false
	}
	base := strings.TrimSuffix(name, ".db")
	for _, l := range layouts {
		if !strings.HasPrefix(base, l.prefix) {
			continue
		}
		t, err := time.ParseInLocation(l.layout, strings.TrimPrefix(base, l.prefix), time.UTC)
		if err == nil {
			return l.k, t.UnixMilli(), true
		}
	}
	return 0, 0, false
}

// load opens every history file in the folder. A file that does not open
// is kept on the damaged list; it is never an error for the whole set.
func (fs *files) load() error {
	ents, err := os.ReadDir(fs.dir)
	if err != nil {
		return err
	}
	for _, e := range ents {
		if e.IsDir() {
			continue
		}
		k, start, ok := fs.parseName(e.Name())
		if !ok {
			continue
		}
		s, end := fs.spanOf(k, start)
		if s != start {
			// A raw file of another partition span: keep it readable
			// with its own span.
			end = start + fs.partition
		}
		f := &partFile{kind: k, start: start, end: end, name: e.Name(), path: filepath.Join(fs.dir, e.Name())}
		fs.open(f, false)
		fs.mu.Lock()
		if f.db == nil {
			fs.damaged = append(fs.damaged, f)
		} else {
			fs.insertLocked(f)
		}
		fs.mu.Unlock()
	}
	return nil
}

// open opens (create: or creates) f's bbolt file; on failure f.err says
// why and f.db stays nil. An existing file is only read here: bbolt
// rebuilds its freelist (NoFreelistSync) at the first write, which walks
// every page, so get checks a file before it first writes to it.
func (fs *files) open(f *partFile, create bool) {
	fail := func(err error) {
		f.err = err
		fs.log.Warn("historian: file does not open; skipped", "file", f.name, "err", err)
	}
	if !create {
		if err := checkBoltFile(f.path); err != nil {
			fail(err)
			return
		}
	}
	db, err := safeOpen(f.path, fs.opts)
	if err != nil {
		fail(err)
		return
	}
	if create {
		f.checked = true
		err = db.Update(createBuckets)
	} else {
		blank := false
		err = db.View(func(tx *bolt.Tx) error {
			if tx.Bucket(bucketChunks) == nil && tx.Bucket(bucketRollups) == nil && tx.Bucket(bucketMeta) == nil {
				k, _ := tx.Cursor().First()
				blank = k == nil // created, then a crash before its buckets
				if blank {
					return nil
				}
			}
			for _, b := range [][]byte{bucketChunks, bucketRollups, bucketMeta} {
				if tx.Bucket(b) == nil {
					return fmt.Errorf("bucket %q missing", b)
				}
			}
			if v := tx.Bucket(bucketMeta).Get(metaMaxSpan); len(v) == 8 {
				f.maxSpan = int64(binary.BigEndian.Uint64(v))
			}
			return nil
		})
		if err == nil && blank {
			// Nothing was ever written to it: give it its buckets, as
			// creating it would have.
			fs.log.Warn("historian: file created but never initialised (a crash); initialising", "file", f.name)
			f.checked = true
			err = db.Update(createBuckets)
		}
	}
	if err != nil {
		db.Close()
		fail(err)
		return
	}
	f.db = db
}

// createBuckets gives a new partition file its buckets.
func createBuckets(tx *bolt.Tx) error {
	for _, b := range [][]byte{bucketChunks, bucketRollups, bucketMeta} {
		if _, err := tx.CreateBucketIfNotExists(b); err != nil {
			return err
		}
	}
	return nil
}

// check reads every page of f once, in this goroutine, so that a mangled
// page is found here (and f set aside) rather than by bbolt's freelist
// rebuild in a goroutine of its own, where its panic cannot be caught.
func (f *partFile) check() (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("bbolt: %v", r)
		}
	}()
	return f.db.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(_ []byte, b *bolt.Bucket) error {
			return b.ForEach(func(k, v []byte) error { return nil })
		})
	})
}

// checkBoltFile reads a bbolt file's two meta pages and refuses a file
// without a valid one, or shorter than the pages its newest meta counts
// (truncated): the missing pages would fault when read through the
// memory map.
func checkBoltFile(path string) error {
	fh, err := os.Open(path)
	if err != nil {
		return err
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return err
	}
	// bbolt's meta (internal/common/meta.go) follows the 16-byte page
	// header: magic, version, page size, flags (uint32 each), root bucket
	// (16), freelist page, high-water page id, txid, checksum (uint64
	// each), in the machine's byte order (little endian here).
	const magic = 0xED0CDAED
	var buf [16 + 64]byte
	var txid, pgid, pageSize uint64
	valid := false
	for i := range 2 {
		off := int64(i) * int64(pageSize)
		if i == 1 && pageSize == 0 {
			off = 4096
		}
		if _, err := fh.ReadAt(buf[:], off); err != nil {
			continue
		}
		m := buf[16:]
		if binary.LittleEndian.Uint32(m[0:]) != magic || binary.LittleEndian.Uint32(m[4:]) != 2 {
			continue
		}
		h := fnv.New64a()
		h.Write(m[:56])
		if h.Sum64() != binary.LittleEndian.Uint64(m[56:]) {
			continue
		}
		ps := uint64(binary.LittleEndian.Uint32(m[8:]))
		if i == 0 {
			pageSize = ps
		}
		if t := binary.LittleEndian.Uint64(m[48:]); !valid || t > txid {
			txid, pgid, valid = t, binary.LittleEndian.Uint64(m[40:]), true
			pageSize = ps
		}
	}
	if !valid {
		return fmt.Errorf("no valid bbolt meta page")
	}
	if need := pgid * pageSize; uint64(st.Size()) < need {
		return fmt.Errorf("truncated: %d bytes, its pages need %d", st.Size(), need)
	}
	return nil
}

func (fs *files) insertLocked(f *partFile) {
	l := fs.byKind[f.kind]
	i, _ := slices.BinarySearchFunc(l, f.start, func(p *partFile, s int64) int { return cmpInt(p.start, s) })
	fs.byKind[f.kind] = slices.Insert(l, i, f)
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// get returns the file of kind k holding t, creating it when create is
// set; nil when there is none. A damaged file in the way of a write is
// renamed to NAME.damaged (kept for inspection) and a new one is created.
func (fs *files) get(k fileKind, t int64, create bool) (*partFile, error) {
	start, end := fs.spanOf(k, t)
	fs.mu.RLock()
	f := fs.findLocked(k, start)
	fs.mu.RUnlock()
	if f == nil && !create {
		return nil, nil
	}
	if f != nil {
		if !create {
			return f, nil
		}
		f.mu.Lock()
		defer f.mu.Unlock()
		if f.checked {
			return f, nil
		}
		err := f.check()
		if err == nil {
			f.checked = true
			return f, nil
		}
		fs.log.Warn("historian: damaged file found before writing to it", "file", f.name, "err", err)
		fs.mu.Lock()
		if l := fs.byKind[k]; slices.Contains(l, f) {
			fs.byKind[k] = slices.DeleteFunc(slices.Clone(l), func(p *partFile) bool { return p == f })
		}
		f.err = err
		fs.damaged = append(fs.damaged, f)
		fs.mu.Unlock()
		f.db.Close()
		// Other holders of f now get ErrDatabaseNotOpen and skip it.
	}
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if f := fs.findLocked(k, start); f != nil {
		return f, nil
	}
	name := fs.fileName(k, start)
	for _, d := range fs.damaged {
		if d.name == name {
			aside := d.path + ".damaged"
			if err := os.Rename(d.path, aside); err != nil {
				return nil, fmt.Errorf("historian: %s is damaged (%v) and cannot be moved aside: %w", name, d.err, err)
			}
			fs.log.Warn("historian: damaged file moved aside; a new one takes its place", "file", name, "aside", filepath.Base(aside))
			d.name, d.path = filepath.Base(aside), aside
		}
	}
	f = &partFile{kind: k, start: start, end: end, name: name, path: filepath.Join(fs.dir, name)}
	fs.open(f, true)
	if f.db == nil {
		return nil, fmt.Errorf("historian: create %s: %w", name, f.err)
	}
	fs.insertLocked(f)
	return f, nil
}

func (fs *files) findLocked(k fileKind, start int64) *partFile {
	l := fs.byKind[k]
	i, ok := slices.BinarySearchFunc(l, start, func(p *partFile, s int64) int { return cmpInt(p.start, s) })
	if ok {
		return l[i]
	}
	// A raw file from an earlier partition span may still hold t.
	if k == kindRaw && i > 0 && l[i-1].end > start {
		return l[i-1]
	}
	return nil
}

// overlapping returns the files of kind k whose span overlaps [from, to),
// in time order.
func (fs *files) overlapping(k fileKind, from, to int64) []*partFile {
	fs.mu.RLock()
	defer fs.mu.RUnlock()
	var out []*partFile
	for _, f := range fs.byKind[k] {
		if f.end > from && f.start < to {
			out = append(out, f)
		}
	}
	return out
}

// all returns every open file and every damaged one.
func (fs *files) all() (open, damaged []*partFile) {
	fs.mu.RLock()
	defer fs.mu.RUnlock()
	for _, l := range fs.byKind {
		open = append(open, l...)
	}
	return open, slices.Clone(fs.damaged)
}

// remove closes f and deletes it from disk.
func (fs *files) remove(f *partFile) error {
	fs.mu.Lock()
	l := fs.byKind[f.kind]
	if i := slices.Index(l, f); i >= 0 {
		fs.byKind[f.kind] = slices.Delete(slices.Clone(l), i, i+1)
	}
	fs.mu.Unlock()
	if f.db != nil {
		if err := f.db.Close(); err != nil {
			return err
		}
	}
	return os.Remove(f.path)
}

func (fs *files) close() error {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	var first error
	for k := range fs.byKind {
		for _, f := range fs.byKind[k] {
			if err := f.db.Close(); err != nil && first == nil {
				first = err
			}
		}
		fs.byKind[k] = nil
	}
	return first
}

// noteSpan records a chunk span written to raw file f (under tx).
func (f *partFile) noteSpan(tx *bolt.Tx, span int64) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if span <= f.maxSpan {
		return nil
	}
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(span))
	if err := tx.Bucket(bucketMeta).Put(metaMaxSpan, b[:]); err != nil {
		return err
	}
	f.maxSpan = span
	return nil
}

func (f *partFile) span() int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.maxSpan
}

// safeOpen opens a bbolt file, turning a panic on a mangled file into an
// error.
func safeOpen(path string, o *bolt.Options) (db *bolt.DB, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("bbolt: %v", r)
			db = nil
		}
	}()
	return bolt.Open(path, 0o600, o)
}
