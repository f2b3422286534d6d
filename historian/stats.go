package historian

import (
	"os"

	bolt "go.etcd.io/bbolt"
)

// FileStat describes one history file.
type FileStat struct {
	Name     string
	Kind     string // raw, rollup-1m, rollup-1h
	From, To int64  // the span the file covers, Unix ms
	Bytes    int64  // size on disk
	Chunks   int    // raw files: chunks; rollup files: records
	Samples  int64  // raw files: samples in its chunks
}

// Stats describes the history as stored.
type Stats struct {
	Tags           int
	Samples        int64 // samples in raw chunks on disk (overlapping late chunks count each copy)
	Chunks         int
	Rollups        int // rollup records on disk
	Files          []FileStat
	Bytes          int64   // all history files, the catalog included
	RawBytes       int64   // raw files only
	BytesPerSample float64 // RawBytes / Samples
	Damaged        []Damage
	Committed      int64 // samples made durable since Open
}

// Stats walks every file's keys and chunk headers (not the chunk bodies:
// see Verify).
func (db *DB) Stats() (Stats, error) {
	var st Stats
	cfgs, _ := db.cat.all()
	st.Tags = len(cfgs)
	st.Committed = db.committed.Load()
	open, damaged := db.files.all()
	for _, f := range damaged {
		st.Damaged = append(st.Damaged, Damage{File: f.name, Err: f.err.Error()})
		if fi, err := os.Stat(f.path); err == nil {
			st.Bytes += fi.Size()
		}
	}
	if fi, err := os.Stat(db.cat.db.Path()); err == nil {
		st.Bytes += fi.Size()
	}
	for _, f := range open {
		fs := FileStat{Name: f.name, Kind: f.kind.String(), From: f.start, To: f.end}
		if fi, err := os.Stat(f.path); err == nil {
			fs.Bytes = fi.Size()
		}
		err := f.db.View(func(tx *bolt.Tx) error {
			if f.kind != kindRaw {
				fs.Chunks = tx.Bucket(bucketRollups).Stats().KeyN
				return nil
			}
			return tx.Bucket(bucketChunks).ForEach(func(k, v []byte) error {
				fs.Chunks++
				if h, err := ReadChunkHeader(v); err == nil {
					fs.Samples += int64(h.Count)
				}
				return nil
			})
		})
		if err != nil {
			st.Damaged = append(st.Damaged, Damage{File: f.name, Err: err.Error()})
		}
		st.Files = append(st.Files, fs)
		st.Bytes += fs.Bytes
		if f.kind == kindRaw {
			st.Samples += fs.Samples
			st.Chunks += fs.Chunks
			st.RawBytes += fs.Bytes
		} else {
			st.Rollups += fs.Chunks
		}
	}
	if st.Samples > 0 {
		st.BytesPerSample = float64(st.RawBytes) / float64(st.Samples)
	}
	return st, nil
}
