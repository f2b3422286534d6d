// Package historian is Sightglass's embedded time-series engine: every tag
// change the station sees is kept with its quality, compressed in chunks
// in time-partitioned bbolt files, with 1-minute and 1-hour rollups built
// as data is written. See DESIGN.md for the design and the on-disk format.
package historian

import (
	"time"

	"github.com/sightglass/sightglass/tags"
)

// Sample is one stored value of one tag.
type Sample struct {
	T int64 // Unix milliseconds
	V tags.Value
	Q tags.Quality
}

// Millis converts a time to the historian's resolution, Unix milliseconds.
func Millis(t time.Time) int64 { return t.UnixMilli() }

// Time converts Unix milliseconds back to a time.Time.
func Time(ms int64) time.Time { return time.UnixMilli(ms) }

// FromVQT makes a Sample from a VQT.
func FromVQT(v tags.VQT) Sample { return Sample{T: v.Time.UnixMilli(), V: v.Value, Q: v.Quality} }

// QualityCode packs a quality into 32 bits for storage: level, reason and
// code, one field each.
func QualityCode(q tags.Quality) uint32 {
	return uint32(q.Level)<<24 | uint32(q.Reason)<<16 | uint32(q.Code)
}

// QualityFromCode unpacks QualityCode.
func QualityFromCode(c uint32) tags.Quality {
	return tags.Quality{Level: tags.Level(c >> 24), Reason: tags.Reason(c >> 16), Code: uint16(c)}
}

// ValueHint tells the chunk encoder where a tag's values come from, so it
// can store them the cheapest exact way. It is derived from the tag's
// definition (see HintFor).
type ValueHint struct {
	Integer bool        // the device holds an integer (bool, intN, uintN)
	Single  bool        // the device holds a float32
	Scale   *tags.Scale // values are Scale.ToEng of a raw device value
}

// HintFor derives the ValueHint of a tag definition.
func HintFor(def *tags.Def) ValueHint {
	h := ValueHint{Scale: def.Scale}
	switch def.Type {
	case tags.TypeBool, tags.TypeInt16, tags.TypeUint16, tags.TypeInt32, tags.TypeUint32, tags.TypeInt64, tags.TypeUint64:
		h.Integer = true
	case tags.TypeFloat32:
		h.Single = true
	}
	return h
}
