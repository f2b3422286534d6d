package hmi

import (
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/sightglass/sightglass/tags"
)

// confirmText returns the open confirmation's "TAG: old → new".
func confirmText(t *testing.T, v *ScreenView) string {
	t.Helper()
	if v.confirm == nil || !v.confirm.pop.Visible() {
		t.Fatal("no confirmation is open")
	}
	return v.confirm.text.Text
}

func wantWrites(t *testing.T, st *scrStation, want ...string) {
	t.Helper()
	if got := st.writeCalls(); !slices.Equal(got, want) {
		t.Errorf("writes %q, want %q", got, want)
	}
}

func wantStatus(t *testing.T, v *ScreenView, text string, imp widget.Importance) {
	t.Helper()
	if got := v.frame.status.Text; got != text || v.frame.status.Importance != imp {
		t.Errorf("status %q (importance %v), want %q (%v)", got, v.frame.status.Importance, text, imp)
	}
}

func TestSetpointWrite(t *testing.T) {
	v, st := newElementTest(t)
	test.Tap(scrElem[*textElem](t, v, 13)) // Area1.Pump1.Speed
	d := v.entry
	if d == nil || !d.pop.Visible() {
		t.Fatal("tapping a setpoint opened no entry")
	}
	if d.entry.PlaceHolder != "40" || !d.next.Disabled() {
		t.Errorf("entry placeholder %q, Next enabled %v: want the current value and Next disabled", d.entry.PlaceHolder, !d.next.Disabled())
	}
	test.Type(d.entry, "55")
	test.Tap(d.next)
	if v.entry != nil || d.pop.Visible() {
		t.Error("the entry stayed open")
	}
	if got, want := confirmText(t, v), "Area1.Pump1.Speed: 40.0 rpm → 55 rpm"; got != want {
		t.Errorf("confirmation %q, want %q", got, want)
	}
	wantWrites(t, st) // nothing before the confirmation
	test.Tap(v.confirm.ok)
	v.wg.Wait()
	wantWrites(t, st, "Area1.Pump1.Speed=55")
	wantStatus(t, v, "Area1.Pump1.Speed: written 55, read back 55.0 rpm", widget.MediumImportance)
	if v.confirm != nil {
		t.Error("the confirmation stayed open")
	}
	v.refresh()
	if got := textOf(t, v, 13).Text; got != "55.0 rpm" {
		t.Errorf("setpoint shows %q after the write", got)
	}
}

func TestSetpointEnterAndCancel(t *testing.T) {
	v, st := newElementTest(t)
	test.Tap(scrElem[*textElem](t, v, 13))
	d := v.entry
	d.entry.OnSubmitted("") // Enter on an empty entry: nothing
	if v.entry == nil || v.confirm != nil {
		t.Fatal("Enter on an empty entry went on")
	}
	test.Type(d.entry, "60")
	d.entry.OnSubmitted(d.entry.Text) // Enter
	if got := confirmText(t, v); got != "Area1.Pump1.Speed: 40.0 rpm → 60 rpm" {
		t.Errorf("confirmation %q", got)
	}
	test.Tap(v.confirm.cancel)
	v.wg.Wait()
	wantWrites(t, st)
	wantStatus(t, v, "Area1.Pump1.Speed: write cancelled", widget.MediumImportance)

	test.Tap(scrElem[*textElem](t, v, 13))
	test.Tap(v.entry.cancel)
	if v.entry != nil {
		t.Error("Cancel left the entry open")
	}
	wantWrites(t, st)
}

func TestSetpointRange(t *testing.T) {
	v, st := newElementTest(t)
	sp := scrElem[*textElem](t, v, 13)
	sp.e.Min, sp.e.Max = 0, 100 // Area1.Pump1.Speed: 0 … 100 rpm
	test.Tap(sp)
	d := v.entry
	for _, tc := range []struct {
		text string
		ok   bool
	}{{"50", true}, {"100", true}, {"150", false}, {"-1", false}, {"fast", true}, {" ", false}} {
		d.entry.SetText(tc.text)
		if d.next.Disabled() == tc.ok {
			t.Errorf("%q: Next enabled %v, want %v", tc.text, !d.next.Disabled(), tc.ok)
		}
	}
	d.entry.SetText("150")
	d.entry.OnSubmitted(d.entry.Text)
	if v.confirm != nil {
		t.Error("a value outside the range went on to the confirmation")
	}
	test.Tap(d.cancel)
	wantWrites(t, st)
}

func TestMomentaryButton(t *testing.T) {
	v, st := newElementTest(t)
	test.Tap(scrElem[*textElem](t, v, 11)) // Start, momentary
	if got, want := confirmText(t, v), "Area1.Pump1.Start: false → 1, then 0"; got != want {
		t.Errorf("confirmation %q, want %q", got, want)
	}
	test.Tap(v.confirm.ok)
	v.wg.Wait()
	wantWrites(t, st, "Area1.Pump1.Start=1", "Area1.Pump1.Start=0")
	wantStatus(t, v, "Area1.Pump1.Start: written 1, then 0, read back false", widget.MediumImportance)

	test.Tap(scrElem[*textElem](t, v, 11))
	test.Tap(v.confirm.cancel)
	wantWrites(t, st, "Area1.Pump1.Start=1", "Area1.Pump1.Start=0")
}

func TestToggleButton(t *testing.T) {
	v, st := newElementTest(t)
	test.Tap(scrElem[*textElem](t, v, 12)) // Auto, toggle, now true
	if got, want := confirmText(t, v), "Area1.Pump1.Auto: true → 0"; got != want {
		t.Errorf("confirmation %q, want %q", got, want)
	}
	test.Tap(v.confirm.ok)
	v.wg.Wait()
	wantWrites(t, st, "Area1.Pump1.Auto=0")
	v.refresh()
	test.Tap(scrElem[*textElem](t, v, 12))
	if got, want := confirmText(t, v), "Area1.Pump1.Auto: false → 1"; got != want {
		t.Errorf("second confirmation %q, want %q", got, want)
	}
	test.Tap(v.confirm.cancel)

	// The inverse of an unknown state is refused.
	st.publish(t, "Area1.Pump1.Auto", tags.Bool(false), tags.BadQuality(tags.ReasonTimeout, 0), scrT0)
	v.refresh()
	test.Tap(scrElem[*textElem](t, v, 12))
	if v.confirm != nil {
		t.Error("a toggle of a bad tag asked for confirmation")
	}
	wantStatus(t, v, "Area1.Pump1.Auto: state not known (timeout): toggle refused", widget.DangerImportance)
	wantWrites(t, st, "Area1.Pump1.Auto=0")
}

func TestFailedAndRefusedWrites(t *testing.T) {
	v, st := newElementTest(t)
	// The device refuses: its error is shown in red.
	test.Tap(scrElem[*textElem](t, v, 16)) // scrFailTag
	test.Type(v.entry.entry, "75")
	test.Tap(v.entry.next)
	test.Tap(v.confirm.ok)
	v.wg.Wait()
	wantWrites(t, st, scrFailTag+"=75")
	wantStatus(t, v, scrFailTag+": write 75 failed: "+errScrDevice.Error(), widget.DangerImportance)

	// The station refuses a value that does not parse.
	test.Tap(scrElem[*textElem](t, v, 13))
	test.Type(v.entry.entry, "fast")
	test.Tap(v.entry.next)
	test.Tap(v.confirm.ok)
	v.wg.Wait()
	if s := v.frame.status.Text; !strings.Contains(s, "Area1.Pump1.Speed: write fast failed:") || !strings.Contains(s, "not a number") {
		t.Errorf("status %q", s)
	}

	// A read-only tag is refused before anything is asked.
	test.Tap(scrElem[*textElem](t, v, 17)) // a button on Area1.Tank1.Level
	if v.confirm != nil || v.entry != nil {
		t.Error("a read-only tag's button opened a dialog")
	}
	wantStatus(t, v, "Area1.Tank1.Level is read-only: write refused", widget.DangerImportance)
	wantWrites(t, st, scrFailTag+"=75", "Area1.Pump1.Speed=fast")
}

func TestScreenWriteResult(t *testing.T) {
	e := scrScreens()[1].Elements[13]
	msg, imp := screenWriteResult(&e, "rpm", []string{"1", "0"}, 1, tags.VQT{}, errScrDevice)
	if want := "Area1.Pump1.Speed: write 0 failed: " + errScrDevice.Error() + " (after writing 1)"; msg != want || imp != widget.DangerImportance {
		t.Errorf("%q, want %q", msg, want)
	}
	msg, imp = screenWriteResult(&e, "rpm", []string{"5"}, 1, tags.VQT{Value: tags.Float(5), Quality: tags.Quality{Level: tags.Uncertain, Reason: tags.ReasonStale}}, nil)
	if want := "Area1.Pump1.Speed: written 5, read back 5.0 rpm (uncertain: stale)"; msg != want || imp != widget.WarningImportance {
		t.Errorf("%q (%v), want %q", msg, imp, want)
	}
}
