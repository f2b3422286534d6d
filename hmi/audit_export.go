package hmi

import (
	"errors"
	"io"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"github.com/sightglass/sightglass/auth"
)

// exportCSV asks where to save, then writes every record the filters
// select (not only the listed window) as CSV (auth.WriteAuditCSV).
func (v *AuditView) exportCSV() {
	if !v.allowed || v.win == nil {
		return
	}
	v.people.touch()
	q, err := v.query()
	if err != nil {
		v.setStatus(err.Error(), widget.DangerImportance)
		return
	}
	save := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		v.people.touch()
		if err != nil {
			v.setStatus(err.Error(), widget.DangerImportance)
			return
		}
		if w == nil {
			return // cancelled
		}
		v.writeCSV(q, w)
	}, v.win)
	save.SetFileName("audit.csv")
	save.SetFilter(storage.NewExtensionFileFilter([]string{".csv"}))
	save.Show()
}

// writeCSV lists q and writes it to w off the Fyne goroutine, closing w.
func (v *AuditView) writeCSV(q auth.AuditQuery, w io.WriteCloser) {
	n := 0
	v.setStatus(lang.L("Exporting…"), widget.MediumImportance)
	actor := v.people.actor()
	v.run(func() error {
		list, err := v.st.AuditLog(actor, q)
		if err == nil {
			n = len(list)
			err = auth.WriteAuditCSV(w, list)
		}
		return errors.Join(err, w.Close())
	}, func(err error) {
		if err != nil {
			v.setStatus(err.Error(), widget.DangerImportance)
			return
		}
		v.setStatus(lang.L("Exported {{.N}} records", map[string]any{"N": n}), widget.MediumImportance)
	})
}
