package hmi

import (
	"crypto/ed25519"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/sightglass/sightglass/auth"
	"github.com/sightglass/sightglass/drivers/opcua"
	"github.com/sightglass/sightglass/station"
)

// pkiCert writes a self-signed certificate of subject cn into dir/name.
// Its key comes from seed (Ed25519 signs deterministically) and its
// dates are fixed, so its thumbprint and the markup are the same at
// every run. It returns the thumbprint.
func pkiCert(t *testing.T, dir, name, cn string, seed byte) string {
	t.Helper()
	s := make([]byte, ed25519.SeedSize)
	s[0] = seed
	key := ed25519.NewKeyFromSeed(s)
	uri, _ := url.Parse("urn:plant:" + strings.ReplaceAll(cn, " ", ""))
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(int64(seed)), Subject: pkix.Name{CommonName: cn, Organization: []string{"Plant"}},
		NotBefore: time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC), NotAfter: time.Date(2031, 1, 1, 12, 0, 0, 0, time.UTC), URIs: []*url.URL{uri}}
	der, err := x509.CreateCertificate(nil, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	tp := opcua.Thumbprint(der)
	if name == "" {
		name = tp + ".der"
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), der, 0o600); err != nil {
		t.Fatal(err)
	}
	return tp
}

// testPKI is a PKI folder with the station's own certificate, one
// trusted and one rejected server certificate; it returns the folder and
// the rejected one's thumbprint.
func testPKI(t *testing.T) (string, string) {
	pki := filepath.Join(t.TempDir(), "pki")
	pkiCert(t, filepath.Join(pki, opcua.OwnDir), "cert.der", "Sightglass@test", 1)
	pkiCert(t, filepath.Join(pki, opcua.TrustedDir), "", "PLC 1 OPC UA", 2)
	return pki, pkiCert(t, filepath.Join(pki, opcua.RejectedDir), "", "PLC 7 OPC UA", 3)
}

// opcuaStation trusts certificates and adds tags as a station would, and
// records who asked.
type opcuaStation struct {
	pki  string
	mu   sync.Mutex // guards the fields below
	who  []string
	rows [][]string
}

func (s *opcuaStation) TrustCertificate(a station.Actor, tp string) error {
	s.mu.Lock()
	s.who = append(s.who, a.Session.User+" trust "+tp)
	s.mu.Unlock()
	return opcua.TrustCertificate(s.pki, tp)
}

func (s *opcuaStation) AddTags(a station.Actor, rows [][]string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.who = append(s.who, a.Session.User+" add tags")
	s.rows = append(s.rows, rows...)
	return nil
}

// newOPCUATestView is the OPC UA view in a window, for st, with a person
// of role signed in.
func newOPCUATestView(t *testing.T, pki string, st any, role auth.Role) (*OPCUAView, fyne.Window, *uiLoop) {
	t.Helper()
	test.NewTempApp(t).Settings().SetTheme(NewTheme())
	users := newTestUsers(t)
	if err := users.AddUser(nil, "root", auth.Admin, nil, pplPassword); err != nil {
		t.Fatal(err)
	}
	root, err := users.Switch("root", pplPassword, windowFrom)
	if err != nil {
		t.Fatal(err)
	}
	if err := users.AddUser(root, "ada", role, nil, pplPassword); err != nil {
		t.Fatal(err)
	}
	if _, err := users.Switch("ada", pplPassword, windowFrom); err != nil {
		t.Fatal(err)
	}
	loop := &uiLoop{}
	loop.initLoop()
	t.Cleanup(loop.stopLoop)
	w := test.NewTempWindow(t, widget.NewLabel(""))
	p := newPeople(users, w, loop)
	v := newOPCUAView(pki, st, p, w, loop)
	w.SetContent(v.content)
	w.Resize(fyne.NewSize(1000, 700))
	return v, w, loop
}

// trustButton is the Trust… button of the certificate list's row i
// (0: the first certificate), nil if that row has none.
func trustButton(v *OPCUAView, i int) *widget.Button {
	return v.trustBtns[i]
}

// TestOPCUACertsMarkup: an engineer sees the own, trusted and rejected
// certificates with subject, thumbprint and validity, and Trust… only on
// the rejected one; a viewer sees the line asking for an engineer.
func TestOPCUACertsMarkup(t *testing.T) {
	pki, _ := testPKI(t)
	v, _, _ := newOPCUATestView(t, pki, nil, auth.Engineer)
	if v.view.Visible() != true || v.locked.Visible() {
		t.Fatal("an engineer should see the tab")
	}
	test.AssertObjectRendersToMarkup(t, "opcua_certs.xml", v.certBox)
	if len(v.certs) != 3 || trustButton(v, 0) != nil || trustButton(v, 1) != nil || trustButton(v, 2) == nil {
		t.Errorf("certificates %+v: Trust… only on the rejected one", v.certs)
	}

	v2, _, _ := newOPCUATestView(t, pki, nil, auth.Operator)
	if v2.view.Visible() || !v2.locked.Visible() {
		t.Error("an operator should see only the line asking for an engineer")
	}
}

// TestOPCUATrustConfirm: Trust… opens a confirmation with the subject,
// thumbprint and validity; Cancel trusts nothing; Trust asks the station
// as the person signed in, and the list then shows the certificate
// trusted. A station that cannot trust gets the command to run instead.
func TestOPCUATrustConfirm(t *testing.T) {
	pki, tp := testPKI(t)
	st := &opcuaStation{pki: pki}
	v, _, loop := newOPCUATestView(t, pki, st, auth.Engineer)

	test.Tap(trustButton(v, 2))
	d := v.trustDlg
	if d == nil {
		t.Fatal("no confirmation")
	}
	for _, want := range []string{"PLC 7 OPC UA", tp, "2026-01-01", "2031-01-01", "urn:plant:PLC7OPCUA"} {
		if !strings.Contains(d.details.Text, want) {
			t.Errorf("confirmation lacks %q:\n%s", want, d.details.Text)
		}
	}
	test.Tap(d.cancel)
	if v.trustDlg != nil || len(st.who) != 0 {
		t.Fatal("Cancel should close the dialog and trust nothing")
	}

	test.Tap(trustButton(v, 2))
	test.Tap(v.trustDlg.trust)
	loop.wg.Wait()
	if v.trustDlg != nil {
		t.Fatalf("the dialog stayed open: %s", d.msg.Text)
	}
	if len(st.who) != 1 || st.who[0] != "ada trust "+tp {
		t.Errorf("station asked %q", st.who)
	}
	if _, err := os.Stat(filepath.Join(pki, opcua.TrustedDir, tp+".der")); err != nil {
		t.Errorf("not trusted: %v", err)
	}
	for i, c := range v.certs {
		if c.Status == "rejected" || trustButton(v, i) != nil {
			t.Errorf("after trust, listed %+v", c)
		}
	}
	if !strings.Contains(v.status.Text, "PLC 7 OPC UA") {
		t.Errorf("status %q", v.status.Text)
	}

	// A station without CertTruster: the command, no Trust button.
	pki2, tp2 := testPKI(t)
	v2, _, _ := newOPCUATestView(t, pki2, nil, auth.Admin)
	test.Tap(trustButton(v2, 2))
	if d := v2.trustDlg; d == nil || d.trust != nil || d.command == nil || d.command.Text != "sightglass opcua trust "+tp2 {
		t.Fatalf("without a station that trusts: %+v", d)
	}
}

// The station offers the OPC UA tab everything it asks for.
var (
	_ OPCUAStation = (*station.Station)(nil)
	_ CertTruster  = (*station.Station)(nil)
	_ TagAdder     = (*station.Station)(nil)
)
