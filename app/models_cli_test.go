package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sightglass/sightglass/sim"
)

// modelsProject writes a project of the simulated tank level with a
// calculated tag and a learning chart of it.
func modelsProject(t *testing.T) string {
	t.Helper()
	srv, err := sim.Listen(t.Context(), "127.0.0.1:0", sim.New(1))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	dir := t.TempDir()
	yaml := `station: {name: Models}
devices:
  - {name: plc1, driver: modbus-tcp, address: "` + srv.Addr() + `", poll: 100ms}
tags:
  - {name: Plant.Tank1.Level, device: plc1, address: "ir:0", type: float32, units: m}
models:
  - name: Plant.Calc.Twice
    expr: "Plant.Tank1.Level * 2 + 1"
  - name: Plant.Tank1.Chart
    kind: ewma
    inputs: {x: Plant.Tank1.Level}
`
	if err := os.WriteFile(filepath.Join(dir, "project.yaml"), []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestModelsList(t *testing.T) {
	dir := modelsProject(t)
	code, stdout, stderr := runCLI(t, "models", "list", "--project", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{
		"Plant.Calc.Twice", "expr (on change)", "= Plant.Tank1.Level * 2 + 1",
		"Plant.Tank1.Chart", "ewma (on change, not trained)", "x=Plant.Tank1.Level", "Plant.Tank1.Chart.alarm",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("no %q in\n%s", want, stdout)
		}
	}
	if !strings.Contains(stdout, "good") {
		t.Errorf("no good output in\n%s", stdout)
	}
}

func TestModelsTrainAndKinds(t *testing.T) {
	dir := modelsProject(t)
	data := t.TempDir()
	code, _, stderr := runCLI(t, "models", "train", "--project", dir, "--data", data, "Plant.Calc.Twice")
	if code != 1 || !strings.Contains(stderr, "does not learn") {
		t.Errorf("train a formula: exit %d: %s", code, stderr)
	}
	code, _, stderr = runCLI(t, "models", "train", "--project", dir, "--data", data, "Plant.Tank1.Chart")
	if code != 1 || !strings.Contains(stderr, "no history") {
		t.Errorf("train without history: exit %d: %s", code, stderr)
	}
	code, stdout, _ := runCLI(t, "models", "kinds")
	if code != 0 || !strings.Contains(stdout, "ewma") || !strings.Contains(stdout, "expr") {
		t.Errorf("kinds: exit %d\n%s", code, stdout)
	}
	if code, _, _ := runCLI(t, "models"); code != 2 {
		t.Errorf("models: exit %d, want 2", code)
	}
}
