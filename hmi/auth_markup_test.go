package hmi

import (
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/sightglass/sightglass/auth"
	"github.com/sightglass/sightglass/project"
	"github.com/sightglass/sightglass/state"
)

// newTestUsers is a real user manager and audit trail over a real state
// file, hashing cheaply.
func newTestUsers(t *testing.T) *auth.Manager {
	t.Helper()
	st, err := state.OpenLocal(filepath.Join(t.TempDir(), "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	trail, err := auth.OpenTrail(st, "Test station", nil)
	if err != nil {
		t.Fatal(err)
	}
	users, err := auth.NewManager(st, trail, auth.Options{Params: pplCheapAuth})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(users.Close)
	return users
}

// TestFrameUserMarkup: the screens' frame shows the viewer with Sign in,
// then the person signed in with Switch user and Sign out.
func TestFrameUserMarkup(t *testing.T) {
	test.NewTempApp(t).Settings().SetTheme(NewTheme())
	users := newTestUsers(t)
	if err := users.AddUser(nil, "ada", auth.Admin, nil, pplPassword); err != nil {
		t.Fatal(err)
	}
	st := newScrStation(scrDefs)
	st.users = users
	v := NewScreenView(st, []project.Screen{{Name: "s", Level: 1, Title: "Feed", Width: 100, Height: 40}}, scrSymbols)
	v.now = func() time.Time { return scrT0 }
	v.SetTabletLayout(false)
	w := test.NewTempWindow(t, v.Content())
	p := newPeople(users, w, &v.uiLoop)
	v.frame.setPeople(p, true)
	w.Resize(fyne.NewSize(900, 160))
	v.refresh()
	test.AssertRendersToMarkup(t, "frame_signed_out.xml", w.Canvas())

	if _, err := users.Switch("ada", pplPassword, windowFrom); err != nil {
		t.Fatal(err)
	}
	p.refresh()
	if got := v.frame.userText(); got != "ada (admin)" {
		t.Errorf("frame user %q", got)
	}
	test.AssertRendersToMarkup(t, "frame_signed_in.xml", w.Canvas())
}
