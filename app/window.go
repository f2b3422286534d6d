package main

import (
	"context"
	"log/slog"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/lang"

	"github.com/sightglass/sightglass/assets"
	"github.com/sightglass/sightglass/hmi"
	"github.com/sightglass/sightglass/project"
	"github.com/sightglass/sightglass/station"
)

// appID names the application to the desktop and to Fyne's preferences.
const appID = "io.sightglass.station"

// runWindow opens the station window and runs the UI until the window is
// closed or ctx ends (SIGINT/SIGTERM). This is the only place the Fyne app
// is created.
//
// relay carries the user manager's changes of the current session (set as
// its auth.Options.OnCurrent when the station's state was enabled) to the
// window, so that an idle sign-out shows at once.
// trimEvery is how often the window's process gives the C heap's free
// pages back (trimMalloc).
const trimEvery = time.Minute

func runWindow(ctx context.Context, st *station.Station, relay *hmi.CurrentRelay, th fyne.Theme, open, pens string, log *slog.Logger) error {
	// English and Simplified Chinese, chosen from the user's locale
	// (LANG=zh_CN.UTF-8); a missing key shows the English text.
	if err := lang.AddTranslationsFS(assets.Translations, assets.TranslationsDir); err != nil {
		log.Warn("translations", "err", err)
	}
	a := fyneapp.NewWithID(appID)
	// The theme is the app's, not a container override: Fyne 2.7 builds
	// table header cells outside any override.
	a.Settings().SetTheme(th)
	w := a.NewWindow("Sightglass — " + st.Name())
	mw := hmi.NewWindow(w, st)
	mw.FollowCurrent(relay)
	if screens := st.Project().Screens; len(screens) > 0 {
		sv := hmi.NewScreenView(st, screens, assets.Symbol)
		if err := mw.AddScreens(sv, firstScreen(screens)); err != nil {
			log.Warn("screens", "err", err)
		}
	}
	if pens != "" {
		if err := mw.AddPens(strings.Split(pens, ",")); err != nil {
			return exitError{code: exitUsage, msg: "--pens: " + err.Error()}
		}
	}
	if open != "" {
		if err := mw.Open(open); err != nil {
			return exitError{code: exitUsage, msg: "--open: " + err.Error()}
		}
	}
	w.Resize(fyne.NewSize(1280, 800))
	closed := make(chan struct{})
	go func() {
		trim := time.NewTicker(trimEvery)
		defer trim.Stop()
		for {
			select {
			case <-ctx.Done():
				log.Info("signal: closing the window")
				fyne.Do(a.Quit)
				return
			case <-trim.C:
				trimMalloc()
			case <-closed:
				return
			}
		}
	}()
	mw.Start()
	w.ShowAndRun()
	close(closed)
	mw.Stop()
	return nil
}

// firstScreen is the screen the window opens on: the first overview (L1)
// by name, or else the first screen.
func firstScreen(screens []project.Screen) string {
	for _, s := range screens {
		if s.Level == 1 {
			return s.Name
		}
	}
	return screens[0].Name
}
