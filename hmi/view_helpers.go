package hmi

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// lockedView is a tab for some people only: its view, or in its place a
// centred line saying who must sign in (the Audit, OPC UA and Users tabs;
// their gate shows one or the other).
func lockedView(view fyne.CanvasObject, signIn string) (locked *widget.Label, content *fyne.Container) {
	locked = &widget.Label{Text: signIn, Alignment: fyne.TextAlignCenter}
	return locked, container.NewStack(view, container.NewCenter(locked))
}

// setColumnEms sets a table's column widths in ems of the theme's text.
func setColumnEms(t *widget.Table, ems ...float32) {
	em := theme.Size(theme.SizeNameText)
	for col, w := range ems {
		t.SetColumnWidth(col, w*em)
	}
}

// newTextTable is a table of text cells with a bold header row: rows
// says how many rows, cell and header give the texts, ems the column
// widths (setColumnEms).
func newTextTable(rows func() int, cell func(row, col int) string, header func(col int) string, ems ...float32) *widget.Table {
	t := widget.NewTable(
		func() (int, int) { return rows(), len(ems) },
		func() fyne.CanvasObject { return &widget.Label{Truncation: fyne.TextTruncateEllipsis} },
		func(id widget.TableCellID, o fyne.CanvasObject) {
			if id.Row < rows() {
				o.(*widget.Label).SetText(cell(id.Row, id.Col))
			}
		})
	t.ShowHeaderRow = true
	t.CreateHeader = func() fyne.CanvasObject { return &widget.Label{TextStyle: fyne.TextStyle{Bold: true}} }
	t.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Row < 0 && id.Col >= 0 {
			o.(*widget.Label).SetText(header(id.Col))
		}
	}
	setColumnEms(t, ems...)
	return t
}
