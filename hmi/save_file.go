package hmi

import (
	"io"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
)

// saveFile asks where to save a file named name by default, writes it with
// write and reports on a view's status line: the trend's PNG and CSV, the
// alarm history and report CSV.
func saveFile(win fyne.Window, name string, write func(io.Writer) error, setStatus func(string, widget.Importance)) {
	d := dialog.NewFileSave(func(wc fyne.URIWriteCloser, err error) {
		if err != nil {
			setStatus(lang.L("Export")+": "+err.Error(), widget.DangerImportance)
			return
		}
		if wc == nil { // cancelled
			return
		}
		err = write(wc)
		if cerr := wc.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			setStatus(lang.L("Export to {{.File}}", map[string]any{"File": wc.URI().Name()})+": "+err.Error(), widget.DangerImportance)
			return
		}
		setStatus(lang.L("Saved {{.File}}", map[string]any{"File": wc.URI().Name()}), widget.MediumImportance)
	}, win)
	d.SetFileName(name)
	d.Show()
}
