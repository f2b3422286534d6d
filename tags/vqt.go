package tags

import "time"

// VQT is a value with its quality and the time it was read (or the time
// its quality changed). Every value in the station travels as a VQT.
type VQT struct {
	Value   Value
	Quality Quality
	Time    time.Time
}

// Same reports whether a and b carry the same value and quality; the
// timestamp is ignored. The bus fans out only VQTs that are not Same as the
// tag's current one.
func (a VQT) Same(b VQT) bool {
	return a.Quality == b.Quality && a.Value.Equal(b.Value)
}

// ID is a tag's index in the station's tag table: dense, from 0, fixed for
// the life of a station.
type ID uint32

// Update is one VQT for one tag, as the bus carries it.
type Update struct {
	ID  ID
	VQT VQT
}
