package historian

import (
	"context"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// Damage is one damaged part of the history: a file that does not open
// (Tag empty) or a chunk or rollup record that fails its check.
type Damage struct {
	File     string
	Tag      string // tag name; "" for a whole file
	From, To int64  // time range the damaged chunk covered (as far as its key and header tell)
	Err      string
}

// Verify checks every chunk's CRC and structure in every raw file and the
// size of every rollup record, and lists what is damaged, with the files
// that did not open. Queries skip the same damage (with a logged warning).
func (db *DB) Verify(ctx context.Context) ([]Damage, error) {
	open, damaged := db.files.all()
	var out []Damage
	for _, f := range damaged {
		out = append(out, Damage{File: f.name, Err: f.err.Error()})
	}
	for _, f := range open {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		err := f.db.View(func(tx *bolt.Tx) error {
			if f.kind == kindRaw {
				return db.verifyRaw(ctx, f, tx, &out)
			}
			return db.verifyRollups(f, tx, &out)
		})
		if err != nil {
			out = append(out, Damage{File: f.name, Err: err.Error()})
		}
	}
	return out, nil
}

func (db *DB) verifyRaw(ctx context.Context, f *partFile, tx *bolt.Tx, out *[]Damage) error {
	c := tx.Bucket(bucketChunks).Cursor()
	n := 0
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if n++; n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		key, ok := parseChunkKey(k)
		if !ok {
			*out = append(*out, Damage{File: f.name, Err: fmt.Sprintf("key of %d bytes", len(k))})
			continue
		}
		err := VerifyChunk(v)
		if err == nil {
			continue
		}
		d := Damage{File: f.name, Tag: db.cat.name(key.Tag), From: key.FirstT, To: key.FirstT, Err: err.Error()}
		if hdr, herr := ReadChunkHeader(v); herr == nil && hdr.FirstT == key.FirstT && hdr.LastT >= hdr.FirstT {
			d.To = hdr.LastT
		}
		*out = append(*out, d)
	}
	return nil
}

func (db *DB) verifyRollups(f *partFile, tx *bolt.Tx, out *[]Damage) error {
	return tx.Bucket(bucketRollups).ForEach(func(k, v []byte) error {
		tag, start, ok := parseRollKey(k)
		if !ok {
			*out = append(*out, Damage{File: f.name, Err: fmt.Sprintf("rollup key of %d bytes", len(k))})
			return nil
		}
		if len(v) != rollRecLen {
			*out = append(*out, Damage{File: f.name, Tag: db.cat.name(tag), From: start, To: start + f.kind.width(),
				Err: fmt.Sprintf("rollup record of %d bytes, want %d", len(v), rollRecLen)})
		}
		return nil
	})
}
