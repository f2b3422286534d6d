package main

import (
	"encoding/csv"
	"strconv"
	"strings"
	"testing"

	"github.com/sightglass/sightglass/internal/testpeer"
)

// TestOPCUABrowse: the tree lists the server's variables with their
// types; --csv-tags prints rows that tags.csv takes; the default security
// (Basic256Sha256) is refused by a server that offers only None, saying so.
func TestOPCUABrowse(t *testing.T) {
	url, ns := testpeer.StartUAServer(t, "urn:sightglass:app-test", map[string]any{"Tank.Level": 12.5, "Tank.Alarm": true, "Tank.Count": int32(4)})
	data := t.TempDir()
	nsS := strconv.Itoa(int(ns))

	code, out, errOut := runCLI(t, "opcua", "browse", "--endpoint", url, "--policy", "None", "--data", data)
	if code != 0 {
		t.Fatalf("browse: exit %d\n%s%s", code, out, errOut)
	}
	for _, want := range []string{"i=2253  Server  Object", "  ns=" + nsS + ";s=Tank.Level  Tank.Level  Variable  float64 (Double)",
		"ns=" + nsS + ";s=Tank.Alarm", "Variable  bool (Boolean)"} {
		if !strings.Contains(out, want) {
			t.Errorf("browse output lacks %q:\n%s", want, out)
		}
	}

	code, out, errOut = runCLI(t, "opcua", "browse", "--endpoint", url, "--policy", "None", "--data", data, "--depth", "3", "--csv-tags", "plc9")
	if code != 0 {
		t.Fatalf("browse --csv-tags: exit %d\n%s%s", code, out, errOut)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, r := range rows[1:] {
		got[r[0]] = r
	}
	if strings.Join(rows[0], ",") != "name,device,address,type" || len(got) < 3 ||
		strings.Join(got["Tank.Level"], ",") != "Tank.Level,plc9,ns="+nsS+";s=Tank.Level,float64" ||
		strings.Join(got["Tank.Count"], ",") != "Tank.Count,plc9,ns="+nsS+";s=Tank.Count,int32" {
		t.Errorf("csv rows:\n%s", out)
	}

	code, out, errOut = runCLI(t, "opcua", "browse", "--endpoint", url, "--data", data)
	if code == 0 || !strings.Contains(errOut, "None/None") {
		t.Errorf("default security against a None-only server: exit %d\n%s%s", code, out, errOut)
	}
	if code, _, _ := runCLI(t, "opcua", "browse", "--data", data); code == 0 {
		t.Error("browse without --endpoint succeeded")
	}
}
