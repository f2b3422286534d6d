package auth

import (
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/sightglass/sightglass/state"
)

func TestTrailAppendsAChain(t *testing.T) {
	st, _ := openAuditState(t)
	tr, err := OpenTrail(st, "s1", nil)
	if err != nil {
		t.Fatal(err)
	}
	if h := tr.Head(); h.Seq != 0 || h.Hash != AuditGenesisHash {
		t.Fatalf("empty head %+v", h)
	}
	before := time.Now()
	if err := tr.Audit(AuditRecord{User: "ann", Action: ActSignIn}); err != nil {
		t.Fatal(err)
	}
	if err := tr.Audit(AuditRecord{User: "ann", Action: ActWrite, Target: "T1", Old: "1", New: "2", Result: "ok", Station: "s2"}); err != nil {
		t.Fatal(err)
	}
	es, err := List(st, AuditQuery{})
	if err != nil || len(es) != 2 {
		t.Fatalf("List: %d %v", len(es), err)
	}
	if es[0].Seq != 1 || es[0].Prev != AuditGenesisHash || es[0].Station != "s1" || es[0].Time.Before(before.Truncate(time.Second)) {
		t.Errorf("first %+v: want seq 1, genesis prev, station s1, time of the call", es[0])
	}
	var first []byte
	st.Scan(AuditLog, 1, func(_ uint64, b []byte) (bool, error) { first = append(first, b...); return false, nil })
	if es[1].Seq != 2 || es[1].Prev != auditHash(first) || es[1].Station != "s2" {
		t.Errorf("second %+v: want seq 2 chained to the first, its own station", es[1])
	}
	h := tr.Head()
	if h.Seq != 2 || h.Time.IsZero() {
		t.Errorf("head %+v", h)
	}
	if rep := verifyStore(t, st, h); !rep.OK() || rep.Records != 2 || rep.Head.Hash != h.Hash || rep.Anchors != 1 {
		t.Errorf("verify: %+v", rep)
	}
	if err := tr.Audit(AuditRecord{User: "ann"}); !errors.Is(err, ErrAuditNoAction) {
		t.Errorf("no action: %v", err)
	}
}

func verifyStore(t *testing.T, st state.Store, anchors ...Anchor) VerifyReport {
	t.Helper()
	rep, err := Verify(st, VerifyOptions{Anchors: anchors})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// A reopened trail continues the chain where it ended.
func TestTrailReopenContinues(t *testing.T) {
	path, head := writeAuditFile(t, 5)
	st, err := state.OpenLocal(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	tr, err := OpenTrail(st, "s1", nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := tr.Head(); got.Seq != head.Seq || got.Hash != head.Hash || !got.Time.Equal(head.Time) {
		t.Fatalf("reopened head %+v, want %+v", got, head)
	}
	for i := 5; i < 8; i++ {
		if err := tr.Audit(auditTestRecord(i)); err != nil {
			t.Fatal(err)
		}
	}
	if rep := verifyStore(t, st, head, tr.Head()); !rep.OK() || rep.Records != 8 || rep.Anchors != 2 {
		t.Fatalf("after reopening: %v", rep)
	}
}

// Many callers at once: every record durable, the chain intact, and
// callers waiting behind a commit share the next one.
func TestTrailConcurrent(t *testing.T) {
	const callers, each = 32, 50
	st, path := openAuditState(t)
	cs := &countingStore{Store: st}
	tr, err := OpenTrail(cs, "s1", nil)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, callers*each)
	for g := range callers {
		wg.Go(func() {
			for i := range each {
				r := auditTestRecord(g*each + i)
				r.User = string(rune('a' + g%26))
				errs <- tr.Audit(r)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	rep := verifyFile(t, path, tr.Head())
	if !rep.OK() || rep.Records != callers*each {
		t.Fatalf("%v (%d records), want %d intact", rep, rep.Records, callers*each)
	}
	t.Logf("%d records in %d commits", callers*each, cs.applies)
}

// Callers that arrive while a commit is in flight go together in the
// next one, and none returns before its own commit.
func TestTrailGroupCommit(t *testing.T) {
	st, path := openAuditState(t)
	gs := &gatedStore{Store: st}
	synctest.Test(t, func(t *testing.T) {
		gs.gate = make(chan struct{}) // in the bubble, so that waiting on it is durably blocked
		tr, err := OpenTrail(gs, "s1", nil)
		if err != nil {
			t.Fatal(err)
		}
		var returned atomic.Int32
		var wg sync.WaitGroup
		audit := func(i int) {
			if err := tr.Audit(auditTestRecord(i)); err != nil {
				t.Error(err)
			}
			returned.Add(1)
		}
		wg.Go(func() { audit(0) })
		synctest.Wait() // the first call is in Apply, held at the gate
		for i := 1; i <= 10; i++ {
			wg.Go(func() { audit(i) })
		}
		synctest.Wait() // the ten others wait for the next commit
		if n := returned.Load(); n != 0 {
			t.Fatalf("%d calls returned before their commit", n)
		}
		tr.mu.Lock()
		queued := len(tr.queue)
		tr.mu.Unlock()
		if queued != 10 {
			t.Fatalf("%d calls queued, want 10", queued)
		}
		close(gs.gate)
		wg.Wait()
		if !slices.Equal(gs.batches, []int{1, 10}) {
			t.Fatalf("commits of %v records, want [1 10]", gs.batches)
		}
	})
	st.Close()
	if rep := verifyFile(t, path); !rep.OK() || rep.Records != 11 {
		t.Fatalf("%v", rep)
	}
}

// gatedStore holds every Apply until gate is closed, and records how many
// records each appended.
type gatedStore struct {
	state.Store
	gate    chan struct{}
	mu      sync.Mutex // guards batches
	batches []int
}

func (g *gatedStore) Apply(b state.Batch) ([]uint64, error) {
	<-g.gate
	g.mu.Lock()
	g.batches = append(g.batches, len(b.Appends))
	g.mu.Unlock()
	return g.Store.Apply(b)
}

// countingStore counts Apply calls.
type countingStore struct {
	state.Store
	mu      sync.Mutex // guards applies
	applies int
}

func (c *countingStore) Apply(b state.Batch) ([]uint64, error) {
	c.mu.Lock()
	c.applies++
	c.mu.Unlock()
	return c.Store.Apply(b)
}

// A failed commit returns the store's error to every caller of it and
// leaves the head where it was.
func TestTrailApplyFails(t *testing.T) {
	st, _ := openAuditState(t)
	tr, err := OpenTrail(st, "s1", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.Audit(auditTestRecord(0)); err != nil {
		t.Fatal(err)
	}
	head := tr.Head()
	st.Close()
	if err := tr.Audit(auditTestRecord(1)); !errors.Is(err, state.ErrClosed) {
		t.Fatalf("audit on a closed store: %v, want state.ErrClosed", err)
	}
	if tr.Head() != head {
		t.Fatalf("head moved to %+v", tr.Head())
	}
}
