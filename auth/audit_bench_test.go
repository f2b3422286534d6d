package auth

import (
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/sightglass/sightglass/state"
)

// BenchmarkAuditAppend is the durable append rate of a Trail on a real
// state file: "sequential" is one caller (one fsync per record),
// "concurrent-8" eight callers at once, whose records are group-committed.
// records/s counts records durable per second of wall time.
func BenchmarkAuditAppend(b *testing.B) {
	for _, callers := range []int{1, 8} {
		name := "sequential"
		if callers > 1 {
			name = "concurrent-8"
		}
		b.Run(name, func(b *testing.B) {
			st, _ := openAuditState(b)
			cs := &countingStore{Store: st}
			tr, err := OpenTrail(cs, "s1", nil)
			if err != nil {
				b.Fatal(err)
			}
			var next atomic.Int64
			b.ResetTimer()
			var wg sync.WaitGroup
			for range callers {
				wg.Go(func() {
					for {
						i := next.Add(1) - 1
						if i >= int64(b.N) {
							return
						}
						if err := tr.Audit(auditTestRecord(int(i))); err != nil {
							b.Error(err)
							return
						}
					}
				})
			}
			wg.Wait()
			b.StopTimer()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
			b.ReportMetric(float64(b.N)/float64(cs.applies), "records/commit")
		})
	}
}

// auditBenchRecords is the size of the trail BenchmarkAuditVerify checks:
// the "clean journal of 100,000 records".
const auditBenchRecords = 100_000

// auditBig is the benchmark's trail, built once per process in a real
// state file that is unlinked once open.
var auditBig struct {
	once sync.Once
	st   *state.Local
	err  error
}

func openAuditBig(b *testing.B) *state.Local {
	b.Helper()
	auditBig.once.Do(func() {
		dir, err := os.MkdirTemp("", "sightglass-audit-bench")
		if err != nil {
			auditBig.err = err
			return
		}
		defer os.RemoveAll(dir)
		st, err := state.OpenLocal(filepath.Join(dir, "state.db"))
		if err != nil {
			auditBig.err = err
			return
		}
		appendAuditChain(b, st, Anchor{Hash: AuditGenesisHash}, 0, auditBenchRecords)
		auditBig.st = st
	})
	if auditBig.err != nil {
		b.Fatal(auditBig.err)
	}
	return auditBig.st
}

// BenchmarkAuditVerify is Verify's speed over a clean trail of 100,000
// records in a real state file (in the page cache): records/s.
func BenchmarkAuditVerify(b *testing.B) {
	st := openAuditBig(b)
	b.ResetTimer()
	for b.Loop() {
		rep, err := Verify(st, VerifyOptions{})
		if err != nil || !rep.OK() || rep.Records != auditBenchRecords {
			b.Fatalf("%v %v", rep, err)
		}
	}
	b.ReportMetric(float64(b.N)*auditBenchRecords/b.Elapsed().Seconds(), "records/s")
}
