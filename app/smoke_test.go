package main

import (
	"bufio"
	"bytes"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestSmoke starts the real `sightglass run` (the demo plant) in a real
// window under Xvfb, once for each view — every demo screen, the tag
// table, a trend, the dark theme, and the first-admin dialog of a station
// without users — checks that the window shows live
// values (two screenshots a moment apart differ while the station reports
// good tags), keeps the screenshots under out/smoke (git-ignored), and
// checks that SIGTERM stops it cleanly with status 0.
//
// It builds the binary without the ci tag, so it needs cgo and the GL
// headers (scripts/deps.sh run) and Xvfb and ImageMagick's import
// (scripts/deps.sh test). `make test` runs it on its own, without -race.
func TestSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("smoke test: not in -short")
	}
	for _, tool := range []string{"Xvfb", "import"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed (scripts/deps.sh test): %v", tool, err)
		}
	}
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "sightglass")
	build := exec.Command("go", "build", "-tags", "migrated_fynedo", "-o", bin, ".") // as `make build`
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	display := startXvfb(t)
	shots, err := filepath.Abs(filepath.Join("..", "out", "smoke"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}

	// One run a view: the demo opens on its L1 overview screen; the others
	// are asked for with --open (and --pens for the trend).
	// Each view but "first-admin" has an admin in its data folder, added
	// with the binary's own `users add` (password twice on stdin), so that
	// the first-admin dialog does not cover the window.
	views := []struct {
		name string
		args []string
		// still: nothing on the view moves by itself (the alarm summary of
		// a healthy plant; the clocks show minutes), so only content and
		// good tags are checked.
		still bool
	}{
		{"overview", nil, false},
		{"tanks", []string{"--open", "tanks"}, false},
		{"pump1", []string{"--open", "pump1"}, false},
		{"diagnostics", []string{"--open", "diagnostics"}, false},
		{"tags", []string{"--open", "tags"}, false},
		{"trend", []string{"--open", "trend", "--pens", "Plant.Tank1.Level,Plant.Tank2.Level,Plant.Flow.Rate"}, false},
		{"alarms", []string{"--open", "alarms"}, true},
		{"dark", []string{"--theme", "dark"}, false},
		{"first-admin", nil, false}, // no users: the window opens on the first-admin dialog
	}
	for _, v := range views {
		t.Run(v.name, func(t *testing.T) {
			data := filepath.Join(tmp, "data-"+v.name)
			if v.name != "first-admin" {
				addSmokeAdmin(t, bin, data)
			}
			args := append([]string{"run", "--data", data}, v.args...)
			smokeView(t, bin, display, filepath.Join(shots, v.name), args, v.still)
		})
	}
}

// smokeView runs the binary with args in display, waits for a window that
// changes (live values; unless still) while the station reports good tags,
// keeps its screenshots as prefix-N.png, and stops it with SIGTERM.
func smokeView(t *testing.T, bin, display, prefix string, args []string, still bool) {
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "DISPLAY="+display, "LIBGL_ALWAYS_SOFTWARE=1")
	var logs syncBuffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			<-exited
		}
	}()

	// Wait for a window with content: the first screenshot that is not one
	// flat colour. Cold GL start-up under llvmpipe takes a few seconds.
	first := prefix + "-1.png"
	deadline := time.Now().Add(60 * time.Second)
	for {
		img, err := screenshot(display, first)
		if err == nil && colours(img) > 8 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no window content after 60 s (last error %v)\nlog:\n%s", err, logs.String())
		}
		select {
		case err := <-exited:
			t.Fatalf("sightglass exited early: %v\nlog:\n%s", err, logs.String())
		case <-time.After(500 * time.Millisecond):
		}
	}
	// Live values: the demo plant's flow meter is noisy and its pumps
	// run, so the tag table must change within a couple of seconds.
	a, err := screenshot(display, first)
	if err != nil {
		t.Fatal(err)
	}
	var changed int
	for i := 2; i <= 10 && changed == 0 && !still; i++ {
		time.Sleep(700 * time.Millisecond)
		b, err := screenshot(display, fmt.Sprintf("%s-%d.png", prefix, i))
		if err != nil {
			t.Fatal(err)
		}
		changed = diff(a, b)
	}
	if changed == 0 && !still {
		t.Errorf("the window did not change in 6 s: no live values\nlog:\n%s", logs.String())
	}
	t.Logf("%d pixels changed between screenshots (kept as %s-*.png)", changed, prefix)
	// The station's own summary line (every few seconds, window or not)
	// must report good tags from the demo plant.
	goodLine := regexp.MustCompile(`devices connected, ([1-9][0-9]*)/[0-9]+ tags good`)
	for i := 0; !goodLine.MatchString(logs.String()); i++ {
		if i == 80 {
			t.Fatalf("no summary with good tags in the log:\n%s", logs.String())
		}
		time.Sleep(250 * time.Millisecond)
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("exit after SIGTERM: %v\nlog:\n%s", err, logs.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatalf("still running 15 s after SIGTERM\nlog:\n%s", logs.String())
	}
	if !strings.Contains(logs.String(), "stopped") {
		t.Errorf("no clean stop in the log:\n%s", logs.String())
	}
}

// smokeAdminPassword is the smoke views' admin's password.
const smokeAdminPassword = "smoke test admin password"

// addSmokeAdmin adds the first admin to the data folder with the built
// binary, the password twice on stdin.
func addSmokeAdmin(t *testing.T, bin, data string) {
	t.Helper()
	cmd := exec.Command(bin, "users", "add", "admin", "--role", "admin", "--data", data)
	cmd.Stdin = strings.NewReader(smokeAdminPassword + "\n" + smokeAdminPassword + "\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("users add admin: %v\n%s", err, out)
	}
}

// startXvfb starts a private X server and returns its display name.
func startXvfb(t *testing.T) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	x := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", "1280x800x24", "-nolisten", "tcp")
	x.ExtraFiles = []*os.File{w}
	if err := x.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	t.Cleanup(func() {
		x.Process.Signal(syscall.SIGTERM)
		x.Wait()
	})
	line, err := bufio.NewReader(r).ReadString('\n')
	r.Close()
	if err != nil {
		t.Fatalf("Xvfb gave no display: %v", err)
	}
	return ":" + strings.TrimSpace(line)
}

// screenshot saves the whole screen as PNG at path and decodes it.
func screenshot(display, path string) (image.Image, error) {
	cmd := exec.Command("import", "-display", display, "-window", "root", path)
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("import: %v: %s", err, out)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return png.Decode(f)
}

// colours counts distinct colours, up to 1000.
func colours(img image.Image) int {
	seen := map[[4]uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 3 {
		for x := b.Min.X; x < b.Max.X; x += 3 {
			r, g, bl, a := img.At(x, y).RGBA()
			seen[[4]uint32{r, g, bl, a}] = true
			if len(seen) >= 1000 {
				return len(seen)
			}
		}
	}
	return len(seen)
}

// diff counts the pixels that differ between two images of one size.
func diff(a, b image.Image) int {
	if a.Bounds() != b.Bounds() {
		return -1
	}
	n := 0
	bd := a.Bounds()
	for y := bd.Min.Y; y < bd.Max.Y; y++ {
		for x := bd.Min.X; x < bd.Max.X; x++ {
			if a.At(x, y) != b.At(x, y) {
				n++
			}
		}
	}
	return n
}

// syncBuffer is a bytes.Buffer safe for the process's writes and the
// test's reads.
type syncBuffer struct {
	mu  sync.Mutex // guards buf
	buf bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}
