package hmi

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
)

// prefPenSets is the preferences key of the saved pen sets: a JSON array
// of PenSet, in the order they were first saved.
const prefPenSets = "trend.pensets"

// ErrNoSuchSet: no pen set of that name is saved.
var ErrNoSuchSet = errors.New("no such pen set")

// PenSet is a saved trend: its pens and its range. A live range is its
// length ending now; a paused one starts at From.
type PenSet struct {
	Name  string    `json:"name"`
	Pens  []Pen     `json:"pens"`
	Range int64     `json:"range_ms"`
	Live  bool      `json:"live"`
	From  time.Time `json:"from,omitzero"`
}

// loadPenSets reads the saved pen sets from p.
func loadPenSets(p fyne.Preferences) ([]PenSet, error) {
	s := p.String(prefPenSets)
	if s == "" {
		return nil, nil
	}
	var sets []PenSet
	if err := json.Unmarshal([]byte(s), &sets); err != nil {
		return nil, fmt.Errorf("saved pen sets: %w", err)
	}
	return sets, nil
}

// storePenSets writes sets to p.
func storePenSets(p fyne.Preferences, sets []PenSet) error {
	b, err := json.Marshal(sets)
	if err != nil {
		return err
	}
	p.SetString(prefPenSets, string(b))
	return nil
}

func trendPrefs() fyne.Preferences { return fyne.CurrentApp().Preferences() }

// SaveSet saves the pens and the range under name, replacing a set of
// that name.
func (v *TrendView) SaveSet(name string) error {
	name = strings.TrimSpace(name)
	if name == "" {
		return errors.New("a pen set needs a name")
	}
	sets, err := loadPenSets(trendPrefs())
	if err != nil {
		sets = nil // a damaged list is replaced rather than blocking saves
	}
	set := PenSet{Name: name, Pens: v.Pens(), Range: v.plot.view.length(), Live: v.live}
	if !v.live {
		set.From = time.UnixMilli(v.plot.view.From).UTC()
	}
	if i := slices.IndexFunc(sets, func(s PenSet) bool { return s.Name == name }); i >= 0 {
		sets[i] = set
	} else {
		sets = append(sets, set)
	}
	return storePenSets(trendPrefs(), sets)
}

// PenSets returns the names of the saved pen sets.
func (v *TrendView) PenSets() ([]string, error) {
	sets, err := loadPenSets(trendPrefs())
	names := make([]string, len(sets))
	for i := range sets {
		names[i] = sets[i].Name
	}
	return names, err
}

// OpenSet shows the saved pen set name: its pens and its range. Pens of
// tags the station no longer has are left out, and named in the error.
func (v *TrendView) OpenSet(name string) error {
	sets, err := loadPenSets(trendPrefs())
	if err != nil {
		return err
	}
	i := slices.IndexFunc(sets, func(s PenSet) bool { return s.Name == name })
	if i < 0 {
		return fmt.Errorf("%s: %w", name, ErrNoSuchSet)
	}
	set := sets[i]
	err = v.SetPens(set.Pens)
	if set.Live || set.From.IsZero() {
		v.SetRange(time.Duration(set.Range) * time.Millisecond)
	} else {
		v.SetCustomRange(set.From, set.From.Add(time.Duration(set.Range)*time.Millisecond))
	}
	return err
}

// DeleteSet forgets the saved pen set name.
func (v *TrendView) DeleteSet(name string) error {
	sets, err := loadPenSets(trendPrefs())
	if err != nil {
		return err
	}
	i := slices.IndexFunc(sets, func(s PenSet) bool { return s.Name == name })
	if i < 0 {
		return fmt.Errorf("%s: %w", name, ErrNoSuchSet)
	}
	return storePenSets(trendPrefs(), slices.Delete(sets, i, i+1))
}

// setsMenu pops up the pen sets menu under the button: save the trend as
// a set, open a saved one, delete one.
func (v *TrendView) setsMenu(anchor fyne.CanvasObject) {
	c := fyne.CurrentApp().Driver().CanvasForObject(anchor)
	if c == nil {
		return
	}
	names, err := v.PenSets()
	if err != nil {
		v.setStatus(err.Error(), widget.DangerImportance)
	}
	items := []*fyne.MenuItem{fyne.NewMenuItem(lang.L("Save as…"), v.saveDialog)}
	if len(names) > 0 {
		items = append(items, fyne.NewMenuItemSeparator())
		del := make([]*fyne.MenuItem, len(names))
		for i, n := range names {
			items = append(items, fyne.NewMenuItem(n, func() { v.report(lang.L("Opened {{.Name}}", map[string]any{"Name": n}), v.OpenSet(n)) }))
			del[i] = fyne.NewMenuItem(n, func() { v.report(lang.L("Deleted {{.Name}}", map[string]any{"Name": n}), v.DeleteSet(n)) })
		}
		items = append(items, fyne.NewMenuItemSeparator())
		d := fyne.NewMenuItem(lang.L("Delete"), nil)
		d.ChildMenu = fyne.NewMenu("", del...)
		items = append(items, d)
	}
	widget.ShowPopUpMenuAtRelativePosition(fyne.NewMenu("", items...), c, fyne.NewPos(0, anchor.Size().Height), anchor)
}

// saveDialog asks for a name and saves the trend under it.
func (v *TrendView) saveDialog() {
	if v.win == nil {
		return
	}
	name := widget.NewEntry()
	name.SetPlaceHolder(lang.L("e.g. Tank levels"))
	name.Validator = func(s string) error {
		if strings.TrimSpace(s) == "" {
			return errors.New("a name")
		}
		return nil
	}
	dialog.ShowForm(lang.L("Save pen set"), lang.L("Save"), lang.L("Cancel"), []*widget.FormItem{widget.NewFormItem(lang.L("Name"), name)}, func(ok bool) {
		if ok {
			v.report(lang.L("Saved pen set {{.Name}}", map[string]any{"Name": strings.TrimSpace(name.Text)}), v.SaveSet(name.Text))
		}
	}, v.win)
}

// report shows err in the status line, or done when there is none.
func (v *TrendView) report(done string, err error) {
	if err != nil {
		v.setStatus(err.Error(), widget.DangerImportance)
		return
	}
	v.setStatus(done, widget.MediumImportance)
}
