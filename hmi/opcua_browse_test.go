package hmi

import (
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/sightglass/sightglass/auth"
	"github.com/sightglass/sightglass/internal/testpeer"
)

// TestOPCUABrowser: Browse lists the Objects folder; opening the test
// namespace's folder lists its variables; the checked ones go to the
// station as tags.csv rows for the device named, as the person signed
// in. Without a station that adds tags the rows are shown to copy.
func TestOPCUABrowser(t *testing.T) {
	url, ns := testpeer.StartUAServer(t, "urn:sightglass:hmi-test", map[string]any{"Tank.Level": 12.5, "Tank.Run": true})
	pki, _ := testPKI(t)
	st := &opcuaStation{pki: pki}
	v, _, loop := newOPCUATestView(t, pki, st, auth.Engineer)
	b := v.browser

	b.endpoint.SetText("http://nowhere")
	test.Tap(b.connect)
	if !strings.Contains(v.status.Text, "opc.tcp") || len(b.kids) != 0 {
		t.Fatalf("a bad endpoint: status %q", v.status.Text)
	}

	b.endpoint.SetText(url)
	test.Tap(b.connect)
	loop.wg.Wait()
	folder := "/ns=" + strconv.Itoa(int(ns)) + ";i=85"
	if _, ok := b.nodes[folder]; !ok || !b.isBranch(folder) {
		t.Fatalf("the test namespace's folder %s not under Objects: %v (status %q)", folder, b.kids[""], v.status.Text)
	}
	// The test driver runs fyne.Do on the calling goroutine, so the
	// branch is loaded before it opens (OpenBranch would redraw the tree
	// while the load's fyne.Do writes it: a race only under the test driver).
	b.load(folder)
	loop.wg.Wait()
	b.tree.OpenBranch(folder)
	level := folder + "/ns=" + strconv.Itoa(int(ns)) + ";s=Tank.Level"
	run := folder + "/ns=" + strconv.Itoa(int(ns)) + ";s=Tank.Run"
	if n := b.nodes[level]; n.DataType != "float64" || b.isBranch(level) {
		t.Fatalf("Tank.Level = %+v (kids %v, status %q)", n, b.kids[folder], v.status.Text)
	}
	if !b.add.Disabled() {
		t.Error("Add as tags enabled with nothing chosen")
	}
	b.check(level, true)
	b.check(run, true)
	test.Tap(b.add)
	if len(st.who) != 0 || !strings.Contains(v.status.Text, "device") {
		t.Fatalf("added tags without a device: %q", v.status.Text)
	}
	b.device.SetText("plc9")
	test.Tap(b.add)
	loop.wg.Wait()
	nsS := strconv.Itoa(int(ns))
	got := rowsText(st.rows)
	if want := "Tank.Level,plc9,ns=" + nsS + ";s=Tank.Level,float64\nTank.Run,plc9,ns=" + nsS + ";s=Tank.Run,bool\n"; got != want && got != strings.Join(strings.SplitAfter(want, "\n")[1:], "")+strings.SplitAfter(want, "\n")[0] {
		t.Errorf("rows:\n%s\nwant\n%s", got, want)
	}
	if len(st.who) != 1 || st.who[0] != "ada add tags" || len(b.checked) != 0 {
		t.Errorf("station asked %q, still chosen %v", st.who, b.checked)
	}

	// Without TagAdder: the rows to copy.
	v2, _, loop2 := newOPCUATestView(t, pki, nil, auth.Engineer)
	b2 := v2.browser
	b2.endpoint.SetText(url)
	test.Tap(b2.connect)
	loop2.wg.Wait()
	b2.load(folder)
	loop2.wg.Wait()
	b2.check(level, true)
	b2.device.SetText("plc9")
	test.Tap(b2.add)
	if !strings.Contains(v2.status.Text, "1 rows to copy") {
		t.Errorf("without a station that adds tags: status %q", v2.status.Text)
	}
}
