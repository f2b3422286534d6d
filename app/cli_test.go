package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// runCLI runs one command line in-process and returns its status and
// outputs.
func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestCheckReportsEveryProblemWithFileLine(t *testing.T) {
	dir := filepath.Join("..", "project", "testdata", "bad", "several")
	code, _, stderr := runCLI(t, "check", "--project", dir)
	if code != 2 {
		t.Fatalf("exit %d, want 2\n%s", code, stderr)
	}
	want, err := os.ReadFile(filepath.Join(dir, "want.txt"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(want)), "\n")
	for _, l := range lines {
		l = strings.ReplaceAll(l, "testdata/bad/several", dir)
		if !strings.Contains(stderr, l+"\n") {
			t.Errorf("missing %q in\n%s", l, stderr)
		}
	}
	fileLine := regexp.MustCompile(`^\S+\.(yaml|csv):\d+: `)
	problems := 0
	for _, l := range strings.Split(strings.TrimSpace(stderr), "\n") {
		if fileLine.MatchString(l) {
			problems++
		}
	}
	if problems != len(lines) || !strings.Contains(stderr, "problem(s) in the project") {
		t.Errorf("%d file:line problems, want %d:\n%s", problems, len(lines), stderr)
	}
}

func TestCheckCleanProject(t *testing.T) {
	code, stdout, stderr := runCLI(t, "check", "--project", filepath.Join("..", "project", "testdata", "good"))
	if code != 0 || !strings.Contains(stdout, "ok") {
		t.Errorf("exit %d\nstdout %s\nstderr %s", code, stdout, stderr)
	}
	if code, _, _ := runCLI(t, "check"); code != 2 {
		t.Errorf("check without --project: exit %d, want 2", code)
	}
}

func TestTagsJSONOnTheDemoPlant(t *testing.T) {
	code, stdout, stderr := runCLI(t, "tags", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var got []tagJSON
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, stdout)
	}
	byName := map[string]tagJSON{}
	for _, g := range got {
		byName[g.Name] = g
	}
	level, ok := byName["Plant.Tank1.Level"]
	if !ok || level.Quality != "good" || level.Units != "m" || level.Time == "" {
		t.Errorf("Plant.Tank1.Level = %+v", level)
	}
	if v, ok := level.Value.(float64); !ok || v <= 0 || v > 2.5 {
		t.Errorf("Plant.Tank1.Level value %v, want a level in metres", level.Value)
	}
	if c := byName["_System.Devices.plant.Connected"]; c.Value != true {
		t.Errorf("system tag Connected = %+v", c)
	}
}

func TestTagsTable(t *testing.T) {
	code, stdout, stderr := runCLI(t, "tags")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !regexp.MustCompile(`(?m)^Plant\.V1\.Position\s+40\s+%\s+good\s+\d{4}-`).MatchString(stdout) {
		t.Errorf("no Plant.V1.Position row with value, units, quality and time:\n%s", stdout)
	}
}

func TestUnknownCommand(t *testing.T) {
	if code, _, stderr := runCLI(t, "frobnicate"); code != 2 || !strings.Contains(stderr, "unknown command") {
		t.Errorf("exit %d, stderr %s", code, stderr)
	}
	if code, stdout, _ := runCLI(t, "help"); code != 0 || !strings.Contains(stdout, "sightglass run") {
		t.Errorf("help: exit %d", code)
	}
}
