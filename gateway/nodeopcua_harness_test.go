//go:build unix

package gateway

import (
	"bufio"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The node-opcua harness (drivers/opcua/testdata/nodeopcua): a
// third-party OPC UA server (server.js) and client (client.js) on
// Node.js, pinned in its package.json and package-lock.json.
// scripts/deps.sh test installs its node_modules; ensureNodeOPCUA does it
// too when they are missing. A copy of drivers/opcua's
// nodeopcua_harness_test.go (test helpers cannot be imported across
// packages), with the script's stdin kept to talk to it.

// nodeOPCUADir is the harness folder, kept beside the OPC UA driver,
// from this package's directory.
const nodeOPCUADir = "../drivers/opcua/testdata/nodeopcua"

// ensureNodeOPCUA returns the harness folder with its node_modules
// installed. Without node or npm the test fails: the issue requires these
// tests in CI. With -short it skips, as they start Node.js.
func ensureNodeOPCUA(t testing.TB) string {
	t.Helper()
	if testing.Short() {
		t.Skip("-short: skipping the tests against node-opcua (they start Node.js)")
	}
	dir, err := filepath.Abs(nodeOPCUADir)
	if err != nil {
		t.Fatal(err)
	}
	for _, tool := range []string{"node", "npm"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s not found: the node-opcua tests need Node.js and npm (scripts/deps.sh test installs them)", tool)
		}
	}
	// One package's tests at a time installs (go test runs packages in
	// parallel, and the gateway's tests use this harness too).
	lock, err := os.OpenFile(filepath.Join(os.TempDir(), "sightglass-nodeopcua.lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	defer syscall.Flock(int(lock.Fd()), syscall.LOCK_UN)
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "node-opcua", "package.json")); err == nil {
		return dir
	}
	cmd := exec.Command("npm", "ci", "--no-audit", "--no-fund")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("npm ci in %s: %v\n%s", dir, err, out)
	}
	return dir
}

// nodeProc is a running harness script.
type nodeProc struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	lines  chan string // its stdout, line by line; closed at its end
	stderr *lockedBuf
}

// startNode runs `node script args...` in the harness folder with env
// added to the environment; it is stopped when the test ends (closing
// its stdin, which the scripts take as the signal to stop).
func startNode(t testing.TB, script string, env []string, args ...string) *nodeProc {
	t.Helper()
	dir := ensureNodeOPCUA(t)
	cmd := exec.Command("node", append([]string{filepath.Join(dir, script)}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	p := &nodeProc{cmd: cmd, stdin: stdin, lines: make(chan string, 1000), stderr: &lockedBuf{}}
	cmd.Stderr = p.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(stdout)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			p.lines <- sc.Text()
		}
		close(p.lines)
	}()
	t.Cleanup(func() {
		stdin.Close()
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	})
	return p
}

// waitLine returns the first line of p's output that starts with prefix.
func (p *nodeProc) waitLine(t testing.TB, prefix string, timeout time.Duration) string {
	t.Helper()
	deadline := time.After(timeout)
	for {
		select {
		case l, ok := <-p.lines:
			if !ok {
				t.Fatalf("node exited before %q: %v\nstderr: %s", prefix, p.cmd.Wait(), p.stderr)
			}
			if strings.HasPrefix(l, prefix) {
				return l
			}
		case <-deadline:
			t.Fatalf("no %q from node within %v\nstderr: %s", prefix, timeout, p.stderr)
		}
	}
}

// lockedBuf is the script's stderr, written by exec's copier and read by
// the test's messages.
type lockedBuf struct {
	mu sync.Mutex // guards b
	b  strings.Builder
}

func (l *lockedBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
