package hmi

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// passwordStatus is what the sign-in and first-admin dialogs share: the
// message under their fields, and the activity spinner and held OK button
// while the manager checks a password (argon2id takes ~100 ms). A spinner,
// not Fyne's infinite progress bar: that one starts animating when its
// renderer is made, hidden and stopped or not, and repaints the window at
// 60 Hz from then on.
type passwordStatus struct {
	msg      *widget.Label
	progress *widget.Activity
	ok       *widget.Button
	busy     bool
}

// newPasswordStatus starts with text under the fields, no progress, and
// the OK button ok.
func newPasswordStatus(text string, ok *widget.Button) passwordStatus {
	s := passwordStatus{msg: &widget.Label{Wrapping: fyne.TextWrapWord, Text: text}, progress: widget.NewActivity(), ok: ok}
	s.progress.Stop()
	s.progress.Hide()
	ok.Importance = widget.HighImportance
	return s
}

// say shows text under the dialog's fields.
func (s *passwordStatus) say(text string, imp widget.Importance) {
	s.msg.Text, s.msg.Importance = text, imp
	s.msg.Refresh()
}

// setBusy shows the spinner and holds the OK button while the
// manager checks the password.
func (s *passwordStatus) setBusy(on bool) {
	s.busy = on
	if on {
		s.ok.Disable()
		s.progress.Show()
		s.progress.Start()
		return
	}
	s.ok.Enable()
	s.progress.Stop()
	s.progress.Hide()
}
