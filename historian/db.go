package historian

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Options configure a DB. Zero fields take the defaults in their comments.
type Options struct {
	Dir            string        // data folder; files live in Dir/history/
	Partition      time.Duration // span of one raw partition file (default 24h); fixed when the folder is created
	CommitInterval time.Duration // the writer commits at least this often (default 1s)
	CommitSamples  int           // commit early when this many samples are waiting (default 100_000)
	ChunkBytes     int           // cut a head chunk at about this size (default 1024)
	ChunkSpan      time.Duration // or when it spans this long (default 2h)
	// RawRetention and RollupRetention: 0 keeps forever. Enforced by
	// deleting whole files whose span ended before now − retention.
	RawRetention, RollupRetention time.Duration
	// RetentionEvery is how often the writer enforces retention (default
	// 10 minutes; only when a retention is set).
	RetentionEvery time.Duration
	Logger         *slog.Logger // default slog.Default()
}

func (o *Options) defaults() {
	if o.Partition <= 0 {
		o.Partition = 24 * time.Hour
	}
	if o.CommitInterval <= 0 {
		o.CommitInterval = time.Second
	}
	if o.CommitSamples <= 0 {
		o.CommitSamples = 100_000
	}
	if o.ChunkBytes <= 0 {
		o.ChunkBytes = 1024
	}
	if o.ChunkSpan <= 0 {
		o.ChunkSpan = 2 * time.Hour
	}
	if o.RetentionEvery <= 0 {
		o.RetentionEvery = 10 * time.Minute
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
}

// TagConfig is how one tag is stored.
type TagConfig struct {
	Name   string
	Hint   ValueHint
	Filter FilterConfig // zero: keep every sample
}

// TagID is a tag's number in the store. The same name gets the same id
// across restarts (the catalog keeps them).
type TagID uint32

// Errors a caller can act on.
var (
	// ErrUnknownTag: the TagID was not registered.
	ErrUnknownTag = errors.New("historian: unknown tag")
	// ErrClosed: the DB is closed.
	ErrClosed = errors.New("historian: closed")
	// ErrValueKind: the chunk codec cannot store this kind of value for
	// the tag.
	ErrValueKind = errors.New("historian: value kind cannot be stored")
)

// DB is one station's history: a catalog, time-partitioned raw files and
// rollup files under Dir/history, per-tag heads in memory and one writer
// goroutine that commits them. Its methods are safe for concurrent use.
type DB struct {
	opts      Options
	dir       string
	log       *slog.Logger
	chunkSpan int64 // ms
	cat       *catalog
	files     *files

	regMu sync.Mutex              // serializes Register
	heads atomic.Pointer[[]*head] // by TagID; replaced (copy on write) by Register

	seq      atomic.Uint64 // last chunk sequence number handed out
	seqLimit atomic.Uint64 // reserved (durable) limit of sequence numbers

	pending   atomic.Int64 // samples stored and not yet snapshotted by the writer
	committed atomic.Int64 // samples durable

	w      *writer
	closed atomic.Bool
}

// Open opens or creates the history in opts.Dir/history. A history file
// that does not open is logged, listed in Stats().Damaged and skipped; the
// rest stays readable and writable.
func Open(opts Options) (*DB, error) {
	opts.defaults()
	if opts.Dir == "" {
		return nil, errors.New("historian: Options.Dir is empty")
	}
	dir := filepath.Join(opts.Dir, "history")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("historian: %w", err)
	}
	bo := &bolt.Options{
		Timeout:        5 * time.Second, // another process holds the folder: fail, do not hang
		NoFreelistSync: true,            // the freelist is rebuilt on open: smaller commits
		FreelistType:   bolt.FreelistMapType,
	}
	cat, partition, err := openCatalog(filepath.Join(dir, "catalog.db"), bo, opts.Partition.Milliseconds())
	if err != nil {
		return nil, err
	}
	if partition != opts.Partition.Milliseconds() {
		opts.Logger.Info("historian: the folder keeps its partition span", "span", time.Duration(partition)*time.Millisecond)
		opts.Partition = time.Duration(partition) * time.Millisecond
	}
	db := &DB{
		opts:      opts,
		dir:       dir,
		log:       opts.Logger,
		chunkSpan: opts.ChunkSpan.Milliseconds(),
		cat:       cat,
		files:     &files{dir: dir, partition: partition, opts: bo, log: opts.Logger},
	}
	limit, err := cat.reserveSeq(0)
	if err != nil {
		cat.close()
		return nil, err
	}
	db.seq.Store(limit - seqBlock)
	db.seqLimit.Store(limit)
	if err := db.files.load(); err != nil {
		cat.close()
		return nil, fmt.Errorf("historian: %w", err)
	}
	heads := make([]*head, 1)
	cfgs, ids := cat.all()
	for i, cfg := range cfgs {
		for int(ids[i]) >= len(heads) {
			heads = append(heads, nil)
		}
		heads[ids[i]] = newHead(ids[i], cfg)
	}
	db.heads.Store(&heads)
	db.w = startWriter(db)
	return db, nil
}

// Register returns the TagID of c.Name, adding the tag to the catalog the
// first time and updating its stored config when it changed (a new hint
// applies to chunks started from then on).
func (db *DB) Register(c TagConfig) (TagID, error) {
	if db.closed.Load() {
		return 0, ErrClosed
	}
	db.regMu.Lock()
	defer db.regMu.Unlock()
	id, changed, err := db.cat.register(c)
	if err != nil {
		return 0, err
	}
	old := *db.heads.Load()
	if int(id) < len(old) && old[id] != nil {
		if changed {
			h := old[id]
			h.mu.Lock()
			h.hint = c.Hint
			h.filter = nil
			if c.Filter != (FilterConfig{}) {
				h.filter = NewFilter(c.Filter)
			}
			h.mu.Unlock()
		}
		return id, nil
	}
	heads := make([]*head, max(len(old), int(id)+1))
	copy(heads, old)
	heads[id] = newHead(id, c)
	db.heads.Store(&heads)
	return id, nil
}

// Lookup returns the TagID of a registered name.
func (db *DB) Lookup(name string) (TagID, bool) { return db.cat.lookup(name) }

// Tags returns the config of every registered tag, in TagID order.
func (db *DB) Tags() []TagConfig {
	cfgs, _ := db.cat.all()
	return cfgs
}

func (db *DB) head(id TagID) *head {
	hs := *db.heads.Load()
	if int(id) >= len(hs) {
		return nil
	}
	return hs[id]
}

// Append stores one sample of tag id in its head. It does not wait for
// the disk, except once per tag after Open, to reload the tag's newest
// sample and rollup state. A sample older than the tag's newest goes to a
// chunk of its own (see Import). The sample is durable after the next
// commit (Flush, or the writer's timer).
func (db *DB) Append(id TagID, s Sample) error {
	if db.closed.Load() {
		return ErrClosed
	}
	h := db.head(id)
	if h == nil {
		return fmt.Errorf("%w: %d", ErrUnknownTag, id)
	}
	h.mu.Lock()
	if !h.recovered {
		db.recoverHead(h)
	}
	var err error
	n := h.unsnap
	if h.filter == nil || (h.hasLast && s.T < h.lastT) {
		err = db.store(h, s)
	} else {
		for _, x := range h.filter.Offer(s) {
			if e := db.store(h, x); e != nil {
				err = e
			}
		}
	}
	n = h.unsnap - n
	h.mu.Unlock()
	if n > 0 && db.pending.Add(n) >= int64(db.opts.CommitSamples) {
		db.w.kick()
	}
	return err
}

// Flush commits everything appended so far and returns when it is durable.
func (db *DB) Flush() error {
	if db.closed.Load() {
		return ErrClosed
	}
	return db.w.commitNow()
}

// Committed returns how many samples this DB has made durable since Open
// (samples as stored in the heads, after each tag's filter).
func (db *DB) Committed() int64 { return db.committed.Load() }

// Close stores what each tag's filter holds, commits, stops the writer
// and closes the files.
func (db *DB) Close() error {
	if db.closed.Swap(true) {
		return ErrClosed
	}
	for _, h := range *db.heads.Load() {
		if h == nil {
			continue
		}
		h.mu.Lock()
		if h.filter != nil {
			for _, x := range h.filter.Flush() {
				db.store(h, x)
			}
		}
		h.mu.Unlock()
	}
	err := db.w.stop()
	if e := db.files.close(); err == nil {
		err = e
	}
	if e := db.cat.close(); err == nil {
		err = e
	}
	return err
}

// nextSeq hands out a chunk sequence number. The writer keeps the durable
// reservation ahead of it.
func (db *DB) nextSeq() uint64 {
	s := db.seq.Add(1)
	if s+seqBlock/2 >= db.seqLimit.Load() {
		db.w.kick()
	}
	return s
}
