package hmi

import (
	"slices"
	"strconv"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/sightglass/sightglass/drivers"
)

// The devices panel's columns.
const (
	devColName = iota
	devColState
	devColDriver
	devColAddress
	devColRequests
	devColErrors
	devColReconnects
	devColResponse
	devColLastError
	devColumns
)

var devHeaders = [devColumns]string{
	"Device", "State", "Driver", "Address", "Requests", "Errors", "Reconnects", "Response", "Last error",
}

var devWidths = [devColumns]string{
	"Plant.PLC-01",
	"backoff, retry in 30 s",
	"modbus-rtu",
	"192.168.100.200:50200",
	"1234567890",
	"1234567",
	"Reconnects",
	"1234 ms",
	"read hr:100 qty 10: connection reset by peer (at 2006-01-02 15:04:05)",
}

// devicesPanel lists every device with its connection state and
// statistics. All fields belong to the Fyne goroutine.
type devicesPanel struct {
	devs  []drivers.Stats // as shown
	now   time.Time
	table *widget.Table
}

func newDevicesPanel() *devicesPanel {
	p := &devicesPanel{}
	p.table = widget.NewTable(p.length, func() fyne.CanvasObject { return newCell() }, p.update)
	p.table.ShowHeaderRow = true
	p.table.CreateHeader = func() fyne.CanvasObject { return newHeaderCell() }
	p.table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		o.(*cell).set(lang.L(devHeaders[id.Col]), align(devNumeric(id.Col)), widget.MediumImportance, false, false)
	}
	setColumnWidths(p.table, devWidths[:])
	return p
}

// show redraws the panel when the devices changed, or when force (once a
// second, for the backoff countdown).
func (p *devicesPanel) show(devs []drivers.Stats, now time.Time, force bool) {
	if !force && slices.Equal(devs, p.devs) {
		return
	}
	p.devs = append(p.devs[:0], devs...)
	p.now = now
	p.table.Refresh()
}

// connected counts the devices in StateConnected.
func (p *devicesPanel) connected() int {
	n := 0
	for i := range p.devs {
		if p.devs[i].State == drivers.StateConnected {
			n++
		}
	}
	return n
}

func (p *devicesPanel) length() (int, int) { return len(p.devs), devColumns }

func devNumeric(col int) bool {
	switch col {
	case devColRequests, devColErrors, devColReconnects, devColResponse:
		return true
	}
	return false
}

// stateImportance colours a state only when it is abnormal: amber while
// connecting, red when the device is lost or not polled.
func stateImportance(s drivers.ConnState) widget.Importance {
	switch s {
	case drivers.StateConnected:
		return widget.MediumImportance
	case drivers.StateConnecting:
		return widget.WarningImportance
	}
	return widget.DangerImportance
}

func (p *devicesPanel) update(id widget.TableCellID, o fyne.CanvasObject) {
	c := o.(*cell)
	if id.Row < 0 || id.Row >= len(p.devs) {
		c.set("", fyne.TextAlignLeading, widget.MediumImportance, false, true)
		return
	}
	s := &p.devs[id.Row]
	imp := widget.MediumImportance
	var text string
	switch id.Col {
	case devColName:
		text = s.Name
	case devColState:
		text, imp = formatState(s, p.now), stateImportance(s.State)
	case devColDriver:
		text = s.Driver
	case devColAddress:
		text = s.Address
	case devColRequests:
		text = strconv.FormatUint(s.Requests, 10)
	case devColErrors:
		text = strconv.FormatUint(s.Errors, 10)
	case devColReconnects:
		text = strconv.FormatUint(s.Reconnects, 10)
	case devColResponse:
		text = formatDuration(s.ResponseTime)
	case devColLastError:
		text = formatLastError(s, p.now)
	}
	c.set(text, align(devNumeric(id.Col)), imp, false, false) // a few devices: measuring is cheap
}
