package historian

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sync"

	bolt "go.etcd.io/bbolt"
)

// The catalog (history/catalog.db) maps tag names to persistent TagIDs and
// keeps each tag's configuration, the partition span the folder was
// created with, and the reserved range of chunk sequence numbers.
var (
	bucketTags   = []byte("tags")   // name → catalogEntry (JSON)
	bucketIDs    = []byte("ids")    // id (uint32 BE) → name
	catMeta      = []byte("meta")   // the keys below
	metaNextID   = []byte("nextid") // uint32 BE: the next TagID to hand out
	metaSeq      = []byte("seq")    // uint64 BE: chunk sequence numbers below it may have been used
	metaPartSpan = []byte("partition")
)

// seqBlock is how many chunk sequence numbers one catalog write reserves:
// a crash skips at most this many, and 64 bits never run out.
const seqBlock = 1 << 20

type catalogEntry struct {
	ID     TagID        `json:"id"`
	Hint   ValueHint    `json:"hint"`
	Filter FilterConfig `json:"filter"`
}

type catalog struct {
	db *bolt.DB

	mu     sync.Mutex // guards the fields below
	byName map[string]TagID
	cfgs   []TagConfig // by TagID; index 0 unused

	seqMu    sync.Mutex // guards seqLimit; serializes reservations
	seqLimit uint64     // sequence numbers below it are reserved
}

func openCatalog(path string, o *bolt.Options, partition int64) (*catalog, int64, error) {
	if st, err := os.Stat(path); err == nil && st.Size() > 0 {
		if err := checkBoltFile(path); err != nil {
			return nil, 0, fmt.Errorf("historian: catalog %s: %w", path, err)
		}
	}
	db, err := safeOpen(path, o)
	if err != nil {
		return nil, 0, fmt.Errorf("historian: catalog %s: %w", path, err)
	}
	c := &catalog{db: db, byName: map[string]TagID{}, cfgs: make([]TagConfig, 1)}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketTags, bucketIDs, catMeta} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		m := tx.Bucket(catMeta)
		if v := m.Get(metaPartSpan); len(v) == 8 {
			partition = int64(binary.BigEndian.Uint64(v)) // the folder keeps its partition span
		} else if err := m.Put(metaPartSpan, binary.BigEndian.AppendUint64(nil, uint64(partition))); err != nil {
			return err
		}
		return tx.Bucket(bucketTags).ForEach(func(k, v []byte) error {
			var e catalogEntry
			if err := json.Unmarshal(v, &e); err != nil {
				return fmt.Errorf("tag %q: %w", k, err)
			}
			for int(e.ID) >= len(c.cfgs) {
				c.cfgs = append(c.cfgs, TagConfig{})
			}
			c.cfgs[e.ID] = TagConfig{Name: string(k), Hint: e.Hint, Filter: e.Filter}
			c.byName[string(k)] = e.ID
			return nil
		})
	})
	if err != nil {
		db.Close()
		return nil, 0, fmt.Errorf("historian: catalog: %w", err)
	}
	return c, partition, nil
}

// register returns the id of c.Name, creating it or updating its config.
func (c *catalog) register(cfg TagConfig) (TagID, bool, error) {
	if cfg.Name == "" {
		return 0, false, errors.New("historian: a tag needs a name")
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	id, known := c.byName[cfg.Name]
	if known && sameConfig(c.cfgs[id], cfg) {
		return id, false, nil
	}
	err := c.db.Update(func(tx *bolt.Tx) error {
		m := tx.Bucket(catMeta)
		if !known {
			next := uint32(1)
			if v := m.Get(metaNextID); len(v) == 4 {
				next = binary.BigEndian.Uint32(v)
			}
			id = TagID(next)
			if err := m.Put(metaNextID, binary.BigEndian.AppendUint32(nil, next+1)); err != nil {
				return err
			}
			if err := tx.Bucket(bucketIDs).Put(binary.BigEndian.AppendUint32(nil, next), []byte(cfg.Name)); err != nil {
				return err
			}
		}
		v, err := json.Marshal(catalogEntry{ID: id, Hint: cfg.Hint, Filter: cfg.Filter})
		if err != nil {
			return err
		}
		return tx.Bucket(bucketTags).Put([]byte(cfg.Name), v)
	})
	if err != nil {
		return 0, false, fmt.Errorf("historian: register %q: %w", cfg.Name, err)
	}
	for int(id) >= len(c.cfgs) {
		c.cfgs = append(c.cfgs, TagConfig{})
	}
	c.cfgs[id] = cfg
	c.byName[cfg.Name] = id
	return id, true, nil
}

func sameConfig(a, b TagConfig) bool {
	if a.Name != b.Name || a.Filter != b.Filter || a.Hint.Integer != b.Hint.Integer || a.Hint.Single != b.Hint.Single {
		return false
	}
	if (a.Hint.Scale == nil) != (b.Hint.Scale == nil) {
		return false
	}
	return a.Hint.Scale == nil || *a.Hint.Scale == *b.Hint.Scale
}

func (c *catalog) lookup(name string) (TagID, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	id, ok := c.byName[name]
	return id, ok
}

func (c *catalog) config(id TagID) (TagConfig, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if id == 0 || int(id) >= len(c.cfgs) || c.cfgs[id].Name == "" {
		return TagConfig{}, false
	}
	return c.cfgs[id], true
}

func (c *catalog) name(id TagID) string {
	cfg, ok := c.config(id)
	if !ok {
		return fmt.Sprintf("#%d", id)
	}
	return cfg.Name
}

// all returns every tag's config in TagID order, with the ids.
func (c *catalog) all() ([]TagConfig, []TagID) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []TagConfig
	var ids []TagID
	for i, cfg := range c.cfgs {
		if cfg.Name != "" {
			out = append(out, cfg)
			ids = append(ids, TagID(i))
		}
	}
	return out, ids
}

// reserveSeq makes sequence numbers up to at least need durable as used
// and returns the new limit. The first call of a process starts above
// every number an earlier process may have used.
func (c *catalog) reserveSeq(need uint64) (uint64, error) {
	c.seqMu.Lock()
	defer c.seqMu.Unlock()
	if need < c.seqLimit {
		return c.seqLimit, nil
	}
	var limit uint64
	err := c.db.Update(func(tx *bolt.Tx) error {
		m := tx.Bucket(catMeta)
		var used uint64
		if v := m.Get(metaSeq); len(v) == 8 {
			used = binary.BigEndian.Uint64(v)
		}
		limit = max(used, need) + seqBlock
		return m.Put(metaSeq, binary.BigEndian.AppendUint64(nil, limit))
	})
	if err != nil {
		return 0, fmt.Errorf("historian: reserve chunk sequence: %w", err)
	}
	c.seqLimit = limit
	return limit, nil
}

func (c *catalog) close() error { return c.db.Close() }
