package main

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sightglass/sightglass/alarms"
)

// alarmProject is a station whose only device does not answer (port 1 on
// loopback refuses): its tag turns bad and its connection tag false, and
// both have alarms.
const alarmProject = `station:
  name: Alarm test
devices:
  - name: plc
    driver: modbus-tcp
    address: 127.0.0.1:1
    poll: 100ms
    timeout: 100ms
tags:
  - name: Area1.Tank.Level
    device: plc
    address: hr:0
    type: uint16
alarms:
  tags:
    - tag: Area1.Tank.Level
      bad: {priority: low, message: "Tank level unknown"}
    - tag: _System.Devices.plc.Connected
      state: {value: false, priority: diagnostic, message: "PLC lost"}
`

// TestAlarmsCLI runs a headless station whose device is lost, reads its
// alarms through the control socket while it runs, then from its state
// file once it stopped: list, history, report.
func TestAlarmsCLI(t *testing.T) {
	dir := t.TempDir()
	proj, data := filepath.Join(dir, "proj"), filepath.Join(dir, "data")
	os.MkdirAll(proj, 0o755)
	if err := os.WriteFile(filepath.Join(proj, "project.yaml"), []byte(alarmProject), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- cmdRun(ctx, []string{"--project", proj, "--data", data, "--headless", "--no-history"}, io.Discard, io.Discard)
	}()
	stopped := false
	stop := func() {
		if !stopped {
			stopped = true
			cancel()
			if err := <-done; err != nil {
				t.Errorf("run: %v", err)
			}
		}
	}
	defer stop()

	// While it runs: through the socket.
	var list []alarms.Status
	deadline := time.Now().Add(20 * time.Second)
	for len(list) < 2 {
		if time.Now().After(deadline) {
			t.Fatalf("the running station never listed both alarms: %+v", list)
		}
		time.Sleep(100 * time.Millisecond)
		code, stdout, _ := runCLI(t, "alarms", "list", "--data", data, "--json")
		if code == 0 {
			list = nil
			if err := json.Unmarshal([]byte(stdout), &list); err != nil {
				t.Fatalf("list --json: %v\n%s", err, stdout)
			}
		}
	}
	byID := map[string]alarms.Status{}
	for _, s := range list {
		byID[s.ID] = s
	}
	if s := byID["Area1.Tank.Level/bad"]; s.State != alarms.Unacked || s.Message != "Tank level unknown" || s.Area != "Area1.Tank" {
		t.Errorf("bad-quality alarm: %+v", s)
	}
	if s := byID["_System.Devices.plc.Connected/state"]; s.State != alarms.Unacked || s.Priority != alarms.Diagnostic {
		t.Errorf("connection alarm: %+v", s)
	}
	code, stdout, stderr := runCLI(t, "alarms", "list", "--data", data)
	if code != 0 || !strings.Contains(stdout, "PLC lost") || !strings.Contains(stdout, "unacked") {
		t.Errorf("list (running): exit %d\n%s%s", code, stdout, stderr)
	}
	// A second station cannot take the folder, and the state file is the
	// running station's: the socket is how the CLI reads it.
	if _, err := os.Stat(filepath.Join(data, controlSocket)); err != nil {
		t.Errorf("no control socket while running: %v", err)
	}

	stop()
	if _, err := os.Stat(filepath.Join(data, controlSocket)); !os.IsNotExist(err) {
		t.Errorf("control socket left behind: %v", err)
	}

	// Stopped: from the state file. Stopping raised no alarm of its own.
	code, stdout, stderr = runCLI(t, "alarms", "list", "--data", data)
	if code != 0 || !strings.Contains(stdout, "Area1.Tank.Level/bad") || !strings.Contains(stdout, "_System.Devices.plc.Connected/state") {
		t.Errorf("list (stopped): exit %d\n%s%s", code, stdout, stderr)
	}
	code, stdout, stderr = runCLI(t, "alarms", "history", "--data", data, "--csv")
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if code != 0 || len(lines) != 3 || !strings.HasPrefix(lines[0], "time,alarm,") {
		t.Fatalf("history --csv: exit %d\n%s%s", code, stdout, stderr)
	}
	for _, l := range lines[1:] {
		if !strings.Contains(l, ",active,unacked,") {
			t.Errorf("history record is not an activation: %s", l)
		}
	}
	code, stdout, _ = runCLI(t, "alarms", "history", "--data", data, "--priority", "diagnostic")
	if code != 0 || !strings.Contains(stdout, "PLC lost") || strings.Contains(stdout, "Tank level unknown") {
		t.Errorf("history --priority diagnostic:\n%s", stdout)
	}
	code, _, stderr = runCLI(t, "alarms", "history", "--data", data, "--priority", "urgent")
	if code != exitUsage || !strings.Contains(stderr, "urgent") {
		t.Errorf("history --priority urgent: exit %d, %s", code, stderr)
	}
	code, stdout, stderr = runCLI(t, "alarms", "report", "--data", data, "--from", "-1h")
	if code != 0 || !strings.Contains(stdout, "Alarm performance, all areas") {
		t.Errorf("report: exit %d\n%s%s", code, stdout, stderr)
	}
	code, stdout, _ = runCLI(t, "alarms", "report", "--data", data, "--from", "-1h", "--csv")
	if code != 0 || !strings.HasPrefix(stdout, "section,") {
		t.Errorf("report --csv:\n%s", stdout)
	}
	code, _, stderr = runCLI(t, "alarms", "list", "--data", filepath.Join(dir, "nowhere"))
	if code == 0 || !strings.Contains(stderr, "no alarm data") {
		t.Errorf("list of an empty folder: exit %d, %s", code, stderr)
	}
}
