package historian

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/sightglass/sightglass/tags"
)

// benchValue is a slowly varying float32-like series with noise, rounded
// to 0.01, different per tag.
func benchValue(tag, k int) tags.Value {
	x := 50 + 20*math.Sin(float64(k)/600+float64(tag)) + 0.3*math.Sin(float64(k)*1.7+float64(tag)*0.3)
	return tags.Float32(float32(math.Round(x*100) / 100))
}

func dirBytes(b *testing.B, dir string) int64 {
	var n int64
	filepath.Walk(dir, func(_ string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			n += fi.Size()
		}
		return nil
	})
	return n
}

// BenchmarkIngest appends 10,000 tags round-robin (1 s apart per tag) with
// the writer committing every second into a real file, then writes the
// same samples the naive way — one bbolt key (tag, time) per sample, value
// float64 + quality, 10,000 keys per transaction — and reports both rates,
// both sizes on disk and their ratios. Run with -benchtime=1x.
func BenchmarkIngest(b *testing.B) {
	const ntags, perTag = 10_000, 1_000
	total := ntags * perTag
	b.Logf("%d tags × %d samples, round-robin, commit every 1 s, ChunkBytes 1024, fsync on, GOMAXPROCS %d", ntags, perTag, runtime.GOMAXPROCS(0))
	for range b.N {
		dir := b.TempDir()
		db, err := Open(Options{Dir: dir, Logger: quiet})
		if err != nil {
			b.Fatal(err)
		}
		ids := make([]TagID, ntags)
		for j := range ids {
			ids[j], _ = db.Register(TagConfig{Name: fmt.Sprintf("Area%d.Tag%d", j/100, j), Hint: ValueHint{Single: true}})
		}
		start := time.Now()
		for k := range perTag {
			t := t0 + int64(k)*1000
			for j, id := range ids {
				if err := db.Append(id, Sample{T: t, V: benchValue(j, k), Q: tags.GoodQuality}); err != nil {
					b.Fatal(err)
				}
			}
		}
		if err := db.Flush(); err != nil {
			b.Fatal(err)
		}
		el := time.Since(start)
		db.Close()
		size := dirBytes(b, dir)
		rate := float64(total) / el.Seconds()

		// The naive baseline, on the first naivePerTag samples of each tag
		// (about 27,000 samples/s: all of them would take six minutes).
		const naivePerTag = perTag / 10
		ndir := b.TempDir()
		ndb, err := bolt.Open(filepath.Join(ndir, "naive.db"), 0o600, &bolt.Options{NoFreelistSync: true, FreelistType: bolt.FreelistMapType})
		if err != nil {
			b.Fatal(err)
		}
		start = time.Now()
		var tx *bolt.Tx
		var bk *bolt.Bucket
		n := 0
		for k := range naivePerTag {
			t := t0 + int64(k)*1000
			for j := range ntags {
				if tx == nil {
					tx, _ = ndb.Begin(true)
					bk, _ = tx.CreateBucketIfNotExists([]byte("samples"))
				}
				key := make([]byte, 12)
				binary.BigEndian.PutUint32(key, uint32(j))
				binary.BigEndian.PutUint64(key[4:], uint64(t))
				val := make([]byte, 12)
				binary.BigEndian.PutUint64(val, math.Float64bits(benchValue(j, k).Float()))
				binary.BigEndian.PutUint32(val[8:], QualityCode(tags.GoodQuality))
				if err := bk.Put(key, val); err != nil {
					b.Fatal(err)
				}
				if n++; n%10_000 == 0 {
					if err := tx.Commit(); err != nil {
						b.Fatal(err)
					}
					tx = nil
				}
			}
		}
		if tx != nil {
			tx.Commit()
		}
		nel := time.Since(start)
		ndb.Close()
		nsize := dirBytes(b, ndir)
		ntotal := ntags * naivePerTag
		nrate := float64(ntotal) / nel.Seconds()

		b.ReportMetric(rate, "samples/s")
		b.ReportMetric(float64(size)/float64(total), "bytes/sample")
		b.ReportMetric(nrate, "naive-samples/s")
		b.ReportMetric(float64(nsize)/float64(ntotal), "naive-bytes/sample")
		b.ReportMetric(rate/nrate, "speed-ratio")
		b.ReportMetric(float64(nsize)/float64(ntotal)/(float64(size)/float64(total)), "size-ratio")
	}
}

// BenchmarkIngest1Hz: 10,000 tags at 1 Hz on a simulated clock (10,000
// samples and one commit per simulated second); reports the CPU time
// (user+sys, getrusage) per simulated second as % of one core.
func BenchmarkIngest1Hz(b *testing.B) {
	const ntags, seconds = 10_000, 180
	b.Logf("%d tags at 1 Hz, %d simulated seconds, a commit per simulated second", ntags, seconds)
	for range b.N {
		db, err := Open(Options{Dir: b.TempDir(), Logger: quiet, CommitInterval: time.Hour})
		if err != nil {
			b.Fatal(err)
		}
		ids := make([]TagID, ntags)
		for j := range ids {
			ids[j], _ = db.Register(TagConfig{Name: fmt.Sprintf("Area%d.Tag%d", j/100, j), Hint: ValueHint{Single: true}})
		}
		var r0, r1 syscall.Rusage
		syscall.Getrusage(syscall.RUSAGE_SELF, &r0)
		wall := time.Now()
		for k := range seconds {
			t := t0 + int64(k)*1000
			for j, id := range ids {
				db.Append(id, Sample{T: t, V: benchValue(j, k), Q: tags.GoodQuality})
			}
			if err := db.Flush(); err != nil {
				b.Fatal(err)
			}
		}
		syscall.Getrusage(syscall.RUSAGE_SELF, &r1)
		el := time.Since(wall)
		db.Close()
		cpu := time.Duration(r1.Utime.Nano()-r0.Utime.Nano()) + time.Duration(r1.Stime.Nano()-r0.Stime.Nano())
		b.ReportMetric(100*cpu.Seconds()/seconds, "%core")
		b.ReportMetric(el.Seconds()/seconds*1000, "wall-ms/sim-s")
	}
}

// BenchmarkQuery: 8 tags × 7 days of 1 s samples decimated to 1,000
// columns; a year of one tag (1-minute samples) decimated to 1,000
// columns and aggregated to 365 daily buckets; 1 h of raw samples of one
// tag. The data set is written once (Append through the writer) into a
// temp folder.
func BenchmarkQuery(b *testing.B) {
	ctx := context.Background()
	dir := b.TempDir()
	db, err := Open(Options{Dir: dir, Logger: quiet})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	const week = 7 * 24 * 3600
	ids := make([]TagID, 8)
	for j := range ids {
		ids[j], _ = db.Register(TagConfig{Name: fmt.Sprintf("week.%d", j), Hint: ValueHint{Single: true}})
	}
	year, _ := db.Register(TagConfig{Name: "year", Hint: ValueHint{Single: true}})
	yearStart := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
	build := time.Now()
	for k := range week {
		t := t0 + int64(k)*1000
		for j, id := range ids {
			db.Append(id, Sample{T: t, V: benchValue(j, k), Q: tags.GoodQuality})
		}
	}
	for k := range 365 * 24 * 60 {
		db.Append(year, Sample{T: yearStart + int64(k)*minuteMs, V: benchValue(99, k), Q: tags.GoodQuality})
	}
	if err := db.Flush(); err != nil {
		b.Fatal(err)
	}
	b.Logf("data set: 8 tags × %d s + 1 tag × 525,600 min written in %v", week, time.Since(build).Round(time.Millisecond))
	ms := func(b *testing.B, start time.Time) {
		b.ReportMetric(float64(time.Since(start).Microseconds())/1000/float64(b.N), "ms/query")
	}
	b.Run("decimate-8tags-7d-1000cols", func(b *testing.B) {
		start := time.Now()
		for range b.N {
			for _, id := range ids {
				cols, err := db.Decimate(ctx, id, t0, t0+week*1000, 1000)
				if err != nil || len(cols) != 1000 {
					b.Fatal(err)
				}
			}
		}
		ms(b, start)
	})
	b.Run("decimate-1tag-7d-1000cols-raw", func(b *testing.B) {
		// The same from raw samples (what the rollups save): M4 over
		// 604,800 decoded samples.
		start := time.Now()
		for range b.N {
			s, err := db.Raw(ctx, ids[0], t0, t0+week*1000, 0)
			if err != nil || len(s) != week {
				b.Fatal(err, len(s))
			}
			M4(s, t0, t0+week*1000, 1000)
		}
		ms(b, start)
	})
	b.Run("decimate-1year-1000cols", func(b *testing.B) {
		start := time.Now()
		for range b.N {
			cols, err := db.Decimate(ctx, year, yearStart, yearStart+365*24*hourMs, 1000)
			if err != nil || len(cols) != 1000 {
				b.Fatal(err)
			}
		}
		ms(b, start)
	})
	b.Run("aggregate-1year-365days", func(b *testing.B) {
		start := time.Now()
		for range b.N {
			bk, err := db.Aggregate(ctx, year, yearStart, yearStart+365*24*hourMs, 24*hourMs, AggAvg)
			if err != nil || len(bk) != 365 {
				b.Fatal(err)
			}
		}
		ms(b, start)
	})
	b.Run("raw-1h", func(b *testing.B) {
		start := time.Now()
		for i := range b.N {
			from := t0 + int64(i%100)*hourMs
			s, err := db.Raw(ctx, ids[i%8], from, from+hourMs, 0)
			if err != nil || len(s) != 3600 {
				b.Fatal(err, len(s))
			}
		}
		ms(b, start)
	})
}

// BenchmarkHeadMemory: heap bytes per tag with 10,000 tags after ~100
// samples each, committed (the steady state: the open chunk, the filter,
// two rollup builders).
func BenchmarkHeadMemory(b *testing.B) {
	const ntags, per = 10_000, 100
	for range b.N {
		db, err := Open(Options{Dir: b.TempDir(), Logger: quiet, CommitInterval: time.Hour})
		if err != nil {
			b.Fatal(err)
		}
		var m0, m1 runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&m0)
		ids := make([]TagID, ntags)
		for j := range ids {
			ids[j], _ = db.Register(TagConfig{Name: fmt.Sprintf("Area%d.Tag%d", j/100, j), Hint: ValueHint{Single: true}})
		}
		for k := range per {
			for j, id := range ids {
				db.Append(id, Sample{T: t0 + int64(k)*1000, V: benchValue(j, k), Q: tags.GoodQuality})
			}
		}
		if err := db.Flush(); err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		runtime.ReadMemStats(&m1)
		b.ReportMetric(float64(m1.HeapAlloc-m0.HeapAlloc)/ntags, "heap-bytes/tag")
		runtime.KeepAlive(ids)
		db.Close()
	}
}
