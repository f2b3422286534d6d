//go:build unix

package testpeer

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
// scripts/deps.sh test installs its node_modules; EnsureNodeOPCUA does it
// too when they are missing.

// EnsureNodeOPCUA returns the harness folder harnessDir (relative to the
// test's package directory) made absolute, with its node_modules
// installed. Without node or npm the test fails: the issue requires these
// tests in CI. With -short it skips, as they start Node.js.
func EnsureNodeOPCUA(t testing.TB, harnessDir string) string {
	t.Helper()
	if testing.Short() {
		t.Skip("-short: skipping the tests against node-opcua (they start Node.js)")
	}
	dir, err := filepath.Abs(harnessDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, tool := range []string{"node", "npm"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s not found: the node-opcua tests need Node.js and npm (scripts/deps.sh test installs them)", tool)
		}
	}
	// One package's tests at a time installs (go test runs packages in
	// parallel, and several packages' tests use this harness).
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

// NodeProc is a running harness script.
type NodeProc struct {
	Stdin  io.WriteCloser // the script's stdin, to talk to it
	cmd    *exec.Cmd
	lines  chan string // its stdout, line by line; closed at its end
	stderr *lockedBuf
}

// StartNode runs `node script args...` in the harness folder harnessDir
// (see EnsureNodeOPCUA) with env added to the environment; it is stopped
// when the test ends (closing its stdin, which the scripts take as the
// signal to stop).
func StartNode(t testing.TB, harnessDir, script string, env []string, args ...string) *NodeProc {
	t.Helper()
	dir := EnsureNodeOPCUA(t, harnessDir)
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
	p := &NodeProc{cmd: cmd, Stdin: stdin, lines: make(chan string, 1000), stderr: &lockedBuf{}}
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

// WaitLine returns the first line of p's output that starts with prefix.
func (p *NodeProc) WaitLine(t testing.TB, prefix string, timeout time.Duration) string {
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
