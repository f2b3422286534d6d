package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestHistoryCLI backfills a CSV with `history import` into a real data
// folder and reads it back with query (raw and aggregated), export (long
// and wide), stats and verify.
func TestHistoryCLI(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	csvPath := filepath.Join(dir, "backfill.csv")
	csv := "time,tag,value,quality\n" +
		"2026-11-24T08:00:00Z,Plant.Flow,10,good\n" +
		"2026-11-24T08:00:30Z,Plant.Flow,20,good\n" +
		"2026-11-24T08:01:00Z,Plant.Flow,30,bad: no communication\n" +
		"2026-11-24T08:01:30Z,Plant.Flow,40,good\n" +
		"2026-11-24T08:00:10Z,Plant.Pump,1,good\n" + // out of time order across tags
		"2026-11-24T08:00:05Z,Plant.Pump,0,good\n" // and within one
	if err := os.WriteFile(csvPath, []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCLI(t, "history", "import", "--data", data, "--file", csvPath)
	if code != 0 || !strings.Contains(stdout, "imported 6 samples of 2 tags") {
		t.Fatalf("import: exit %d\n%s%s", code, stdout, stderr)
	}

	span := []string{"--data", data, "--from", "2026-11-24T08:00:00Z", "--to", "2026-11-24T08:02:00Z"}
	code, stdout, stderr = runCLI(t, append([]string{"history", "query", "--tag", "Plant.Flow", "--csv"}, span...)...)
	if code != 0 {
		t.Fatalf("query: exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != 5 || lines[0] != "time,value,quality" || !strings.HasSuffix(lines[3], ",30,bad: no communication") {
		t.Errorf("raw query:\n%s", stdout)
	}

	// Time-weighted average per minute, stepped, bad time excluded:
	// 08:00 holds 10 for 30 s and 20 for 30 s → 15; 08:01 is bad for
	// 30 s, then 40 → 40.
	code, stdout, stderr = runCLI(t, append([]string{"history", "query", "--tag", "Plant.Flow", "--agg", "twa", "--interval", "1m", "--csv"}, span...)...)
	if code != 0 {
		t.Fatalf("agg query: exit %d: %s", code, stderr)
	}
	lines = strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != 3 || !strings.HasSuffix(lines[1], ",15,2") || !strings.HasSuffix(lines[2], ",40,1") {
		t.Errorf("twa per minute:\n%s", stdout)
	}

	out := filepath.Join(dir, "wide.csv")
	code, _, stderr = runCLI(t, append([]string{"history", "export", "--format", "wide", "--tags", "Plant.Pump,Plant.Flow", "--out", out}, span...)...)
	if code != 0 {
		t.Fatalf("export: exit %d: %s", code, stderr)
	}
	wide, _ := os.ReadFile(out)
	wl := strings.Split(strings.TrimSpace(string(wide)), "\n")
	if len(wl) != 7 || wl[0] != "time,Plant.Pump,Plant.Flow" || !strings.HasSuffix(wl[3], ",1,10") || !strings.HasSuffix(wl[5], ",1,") {
		t.Errorf("wide export:\n%s", wide)
	}
	code, stdout, _ = runCLI(t, append([]string{"history", "export"}, span...)...)
	if code != 0 || strings.Count(stdout, "\n") != 7 || !strings.HasPrefix(stdout, "time,tag,value,quality\n") {
		t.Errorf("long export:\n%s", stdout)
	}

	code, stdout, _ = runCLI(t, "history", "stats", "--json", "--data", data)
	var st struct{ Tags, Samples int }
	if code != 0 || json.Unmarshal([]byte(stdout), &st) != nil || st.Tags != 2 || st.Samples != 6 {
		t.Errorf("stats: exit %d %+v\n%s", code, st, stdout)
	}
	if code, stdout, _ = runCLI(t, "history", "verify", "--data", data); code != 0 || !strings.Contains(stdout, "history ok") {
		t.Errorf("verify: exit %d %s", code, stdout)
	}
	if code, _, stderr = runCLI(t, "history", "query", "--data", data, "--tag", "No.Such"); code != 1 || !strings.Contains(stderr, "no history of tag") {
		t.Errorf("unknown tag: exit %d %s", code, stderr)
	}
}

func TestHistoryImportReportsBadRows(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "bad.csv")
	os.WriteFile(p, []byte("time,tag,value\nyesterday,A,1\n2026-11-24,,2\n2026-11-24,B,3\n"), 0o644)
	code, _, stderr := runCLI(t, "history", "import", "--data", filepath.Join(dir, "data"), "--file", p)
	if code != 1 || !strings.Contains(stderr, "bad.csv:2: time \"yesterday\"") || !strings.Contains(stderr, "bad.csv:3: empty tag") {
		t.Errorf("exit %d\n%s", code, stderr)
	}
}
