package historian

import (
	"bufio"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/sightglass/sightglass/tags"
)

// The crash test runs a writer in a child process (this test binary again,
// with crashDirEnv set), kills it with SIGKILL at seeded random moments,
// and after each kill reopens the folder and checks that every sample the
// child reported committed is there, exactly, with nothing damaged.

const (
	crashDirEnv = "HISTORIAN_CRASH_DIR"
	crashTags   = 8
	crashBatch  = 500    // samples per tag between Flushes
	crashBudget = 20_000 // samples per tag per run, then the child only waits
)

// crashSample is sample k of crash tag j: 1 s apart, a value that says
// where it belongs.
func crashSample(j, k int) Sample {
	return Sample{T: t0 + int64(k)*1000, V: tags.Float(float64(j)*1e6 + float64(k)/4), Q: tags.GoodQuality}
}

func crashOptions(o *Options) {
	o.Partition = 6 * time.Hour
	o.CommitInterval = 20 * time.Millisecond
	o.ChunkBytes = 256
}

// crashProgress returns, per tag, how many samples the folder holds, and
// checks that they are exactly the first samples of the tag's stream.
func crashProgress(t *testing.T, db *DB) []int {
	ctx := context.Background()
	out := make([]int, crashTags)
	for j := range crashTags {
		id := register(t, db, fmt.Sprintf("crash.%d", j))
		got, err := db.Raw(ctx, id, math.MinInt64, math.MaxInt64, 0)
		if err != nil {
			t.Fatal(err)
		}
		for k, s := range got {
			w := crashSample(j, k)
			if s.T != w.T || !s.V.Equal(w.V) || s.Q != w.Q {
				t.Fatalf("tag %d sample %d = %v %v, want %v %v", j, k, s.T, s.V, w.T, w.V)
			}
		}
		out[j] = len(got)
	}
	return out
}

func TestCrashChild(t *testing.T) {
	dir := os.Getenv(crashDirEnv)
	if dir == "" {
		t.Skip("run by TestCrash")
	}
	db := openTest(t, dir, crashOptions)
	next := crashProgress(t, db)
	ids := make([]TagID, crashTags)
	for j := range ids {
		ids[j], _ = db.Lookup(fmt.Sprintf("crash.%d", j))
	}
	start := min(next[0], next[1]) // any tag's count will do to bound the run
	for _, n := range next {
		start = min(start, n)
	}
	for k := start; k < start+crashBudget; k++ {
		for j := range crashTags {
			if k < next[j] {
				continue
			}
			if err := db.Append(ids[j], crashSample(j, k)); err != nil {
				t.Fatal(err)
			}
		}
		if (k+1)%crashBatch == 0 {
			if err := db.Flush(); err != nil {
				t.Fatal(err)
			}
			fmt.Printf("committed %d\n", k+1) // every tag holds at least k+1
		}
	}
	db.Flush()
	fmt.Printf("committed %d\n", start+crashBudget)
	select {} // wait for the kill
}

func TestCrash(t *testing.T) {
	if os.Getenv(crashDirEnv) != "" {
		t.Skip("child")
	}
	if testing.Short() {
		t.Skip("short")
	}
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(20261125, 1))
	rounds := 20
	reported := 0
	for round := range rounds {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), crashDirEnv+"="+dir)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		var mu sync.Mutex
		last := -1
		done := make(chan struct{})
		go func() {
			defer close(done)
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				if n, ok := strings.CutPrefix(sc.Text(), "committed "); ok {
					k, _ := strconv.Atoi(n)
					mu.Lock()
					last = k
					mu.Unlock()
				}
			}
		}()
		// Kill at a random moment once the child has reported once.
		deadline := time.Now().Add(time.Minute)
		for {
			mu.Lock()
			l := last
			mu.Unlock()
			if l >= 0 || time.Now().After(deadline) {
				break
			}
			time.Sleep(5 * time.Millisecond)
		}
		time.Sleep(time.Duration(rng.IntN(150)) * time.Millisecond)
		cmd.Process.Signal(syscall.SIGKILL)
		<-done
		cmd.Wait()
		mu.Lock()
		if last > reported {
			reported = last
		}
		mu.Unlock()

		db := openTest(t, dir, crashOptions)
		st, err := db.Stats()
		if err != nil || len(st.Damaged) > 0 {
			t.Fatalf("round %d: stats %v, damaged %v", round, err, st.Damaged)
		}
		if dmg, err := db.Verify(context.Background()); err != nil || len(dmg) > 0 {
			t.Fatalf("round %d: verify %v %v", round, err, dmg)
		}
		have := crashProgress(t, db)
		for j, n := range have {
			if n < reported {
				t.Fatalf("round %d: tag %d holds %d samples; the child reported %d committed", round, j, n, reported)
			}
		}
		t.Logf("round %d: reported %d, stored %v", round, reported, have)
		if round%5 == 4 || round == rounds-1 {
			for j := range crashTags {
				id, _ := db.Lookup(fmt.Sprintf("crash.%d", j))
				checkRollups(t, db, id)
			}
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
	}
}
