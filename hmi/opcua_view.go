package hmi

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sightglass/sightglass/auth"
	"github.com/sightglass/sightglass/drivers/opcua"
	"github.com/sightglass/sightglass/station"
)

// OPCUAStation is a station whose OPC UA devices keep their certificates
// in a PKI folder, found by a type assertion on the window's Station: the
// window then has an "OPC UA" tab.
type OPCUAStation interface {
	// OPCUAPKIDir is the folder of the station's certificates
	// (DATA/pki: own/, trusted/, rejected/); "" when it has none.
	OPCUAPKIDir() string
}

// CertTruster is a station that trusts a server certificate through its
// audit path: it checks that a may (EditProject), trusts the rejected
// certificate of that SHA-1 thumbprint (opcua.TrustCertificate) and
// audits it. Without it the window shows the command that does it.
type CertTruster interface {
	TrustCertificate(a station.Actor, thumbprint string) error
}

// TagAdder is a station that appends tags to its project's tags.csv
// through its audit path: it checks that a may (EditProject), appends
// rows (each name, device, address, type — the columns of
// opcua.TagRows), checks the project and audits the change. Without it
// the window shows the rows to copy.
type TagAdder interface {
	AddTags(a station.Actor, rows [][]string) error
}

// OPCUAView is the OPC UA tab: the station's certificates, with Trust on
// a rejected one, and a browser of a server's nodes that adds variables
// as tags. It is for engineers (EditProject); others see a line asking
// them to sign in as one. All fields belong to the Fyne goroutine.
type OPCUAView struct {
	pki    string
	st     any // the window's Station, for CertTruster and TagAdder
	people *people
	win    fyne.Window
	loop   *uiLoop

	certs     []opcua.CertInfo // as listed
	certBox   *fyne.Container
	trustBtns []*widget.Button // by index in certs; nil but for rejected ones
	certMsg   *widget.Label
	trustDlg  *trustDialog // open confirmation, for tests

	browser *opcuaBrowser

	status  *widget.Label
	view    fyne.CanvasObject
	locked  *widget.Label
	content *fyne.Container
}

// AddOPCUA adds the OPC UA tab for the certificates in pkiDir.
func (m *MainWindow) AddOPCUA(pkiDir string) *OPCUAView {
	v := newOPCUAView(pkiDir, m.st, m.people, m.win, &m.uiLoop)
	m.ensureTabs()
	m.tabs.Append(container.NewTabItem(lang.L("OPC UA"), v.content))
	return v
}

func newOPCUAView(pkiDir string, st any, p *people, win fyne.Window, loop *uiLoop) *OPCUAView {
	v := &OPCUAView{pki: pkiDir, st: st, people: p, win: win, loop: loop}
	v.status = &widget.Label{Truncation: fyne.TextTruncateEllipsis}
	v.certMsg = widget.NewLabel("")
	v.certBox = container.NewVBox()
	refresh := widget.NewButtonWithIcon(lang.L("Refresh"), theme.ViewRefreshIcon(), v.loadCerts)
	certs := container.NewBorder(
		container.NewHBox(&widget.Label{Text: lang.L("Certificates"), TextStyle: fyne.TextStyle{Bold: true}}, refresh, v.certMsg),
		nil, nil, nil, container.NewVScroll(v.certBox))
	v.browser = newOPCUABrowser(v)
	split := container.NewVSplit(certs, v.browser.content)
	split.Offset = 0.35
	v.view = container.NewBorder(nil, v.status, nil, nil, split)
	v.locked, v.content = lockedView(v.view, lang.L("Sign in as an engineer (or above) to manage OPC UA"))
	p.whenChanged(v.gate)
	v.gate()
	return v
}

// gate shows the tab to a session with EditProject, else the line asking
// for an engineer; the certificates are listed when it opens.
func (v *OPCUAView) gate() {
	if v.people.roleCan(auth.EditProject) {
		v.locked.Hide()
		v.view.Show()
		v.loadCerts()
		return
	}
	v.view.Hide()
	v.locked.Show()
	v.closeTrust()
}

// setStatus shows a message on the tab's status line.
func (v *OPCUAView) setStatus(text string, imp widget.Importance) {
	v.status.Importance = imp
	v.status.SetText(text)
}

// loadCerts lists the PKI folder again (a few small files: read on the
// Fyne goroutine). Each certificate takes two lines: its status and
// subject (and Trust… when rejected), then its thumbprint and validity.
func (v *OPCUAView) loadCerts() {
	list, err := opcua.ListCertificates(v.pki)
	if err != nil {
		v.certMsg.SetText(err.Error())
		return
	}
	v.certs = list
	v.trustBtns = make([]*widget.Button, len(list))
	var objs []fyne.CanvasObject
	for i := range list {
		c := list[i]
		head := container.NewHBox(boldLabel(certStatus(c.Status)), widget.NewLabel(c.Subject), layout.NewSpacer())
		if c.Status == "rejected" {
			b := widget.NewButtonWithIcon(lang.L("Trust…"), theme.ConfirmIcon(), func() { v.openTrust(c) })
			b.Importance = widget.WarningImportance
			head.Add(b)
			v.trustBtns[i] = b
		}
		objs = append(objs, head,
			widget.NewLabel(lang.L("Thumbprint (SHA-1)")+": "+c.Thumbprint+"   "+lang.L("Valid")+": "+certValidity(c)),
			widget.NewSeparator())
	}
	v.certBox.Objects = objs
	v.certBox.Refresh()
	switch {
	case len(list) == 0:
		v.certMsg.SetText(lang.L("No certificates yet: the station makes its own on first use"))
	default:
		v.certMsg.SetText("")
	}
}

// wrapLabel is a label for long text (subjects, thumbprints).
func wrapLabel(s string) *widget.Label {
	return &widget.Label{Text: s, Wrapping: fyne.TextWrapBreak}
}

// certStatus is a certificate's status as the window shows it.
func certStatus(s string) string {
	switch s {
	case "own":
		return lang.L("own")
	case "trusted":
		return lang.L("trusted")
	case "rejected":
		return lang.L("rejected")
	}
	return s
}

// certValidity is "from – until" in days.
func certValidity(c opcua.CertInfo) string {
	return c.NotBefore.Local().Format("2006-01-02") + " – " + c.NotAfter.Local().Format("2006-01-02")
}

// trustDialog asks an engineer to confirm trusting a rejected server
// certificate, showing what identifies it.
type trustDialog struct {
	pop     *widget.PopUp
	cert    opcua.CertInfo
	details *widget.Label
	command *widget.Entry  // the CLI command, when the station cannot trust
	trust   *widget.Button // nil when the station cannot trust
	cancel  *widget.Button
	msg     *widget.Label
}

// openTrust opens the confirmation for c.
func (v *OPCUAView) openTrust(c opcua.CertInfo) {
	v.people.touch()
	v.closeTrust()
	d := &trustDialog{cert: c}
	d.details = &widget.Label{Wrapping: fyne.TextWrapWord, Text: lang.L("Trust this server certificate? Check its thumbprint with the server's administrator first.") + "\n\n" +
		lang.L("Subject") + ": " + c.Subject + "\n" +
		lang.L("Issuer") + ": " + c.Issuer + "\n" +
		lang.L("Thumbprint (SHA-1)") + ": " + c.Thumbprint + "\n" +
		lang.L("Valid") + ": " + c.NotBefore.Local().Format("2006-01-02 15:04") + " – " + c.NotAfter.Local().Format("2006-01-02 15:04") + "\n" +
		lang.L("Application URI") + ": " + dashIfEmpty(c.URI)}
	d.msg = &widget.Label{Wrapping: fyne.TextWrapWord, Importance: widget.DangerImportance}
	d.cancel = widget.NewButton(lang.L("Cancel"), v.closeTrust)
	buttons := container.NewHBox(d.cancel)
	body := container.NewVBox(&widget.Label{Text: lang.L("Trust server certificate"), TextStyle: fyne.TextStyle{Bold: true}}, d.details)
	if _, ok := v.st.(CertTruster); ok {
		d.trust = widget.NewButtonWithIcon(lang.L("Trust"), theme.ConfirmIcon(), func() { v.submitTrust(d) })
		d.trust.Importance = widget.WarningImportance
		buttons.Add(d.trust)
	} else {
		d.command = widget.NewEntry()
		d.command.SetText("sightglass opcua trust " + c.Thumbprint)
		body.Add(widget.NewLabel(lang.L("This station trusts certificates from the command line only; run:")))
		body.Add(d.command)
	}
	body.Add(d.msg)
	body.Add(container.NewHBox(layout.NewSpacer(), buttons))
	d.pop = widget.NewModalPopUp(container.NewPadded(body), v.win.Canvas())
	d.pop.Resize(fyne.NewSize(560, d.pop.MinSize().Height))
	d.pop.Show()
	v.trustDlg = d
}

// submitTrust asks the station to trust the certificate, off the Fyne
// goroutine (it writes files and the audit trail).
func (v *OPCUAView) submitTrust(d *trustDialog) {
	ct, ok := v.st.(CertTruster)
	if !ok {
		return
	}
	d.trust.Disable()
	a := v.people.actor()
	tp := d.cert.Thumbprint
	v.people.runAsync(func() error { return ct.TrustCertificate(a, tp) }, func(err error) {
		if err != nil {
			d.msg.SetText(err.Error())
			d.trust.Enable()
			return
		}
		v.closeTrust()
		v.loadCerts()
		v.setStatus(lang.L("Trusted {{.Subject}}: the device connects at its next retry", map[string]any{"Subject": d.cert.Subject}), widget.SuccessImportance)
	})
}

// closeTrust closes the confirmation, if open.
func (v *OPCUAView) closeTrust() {
	if v.trustDlg != nil {
		v.trustDlg.pop.Hide()
		v.trustDlg = nil
	}
}

// dashIfEmpty is s, or "-".
func dashIfEmpty(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
