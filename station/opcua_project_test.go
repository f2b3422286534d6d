package station

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha1"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sightglass/sightglass/auth"
	"github.com/sightglass/sightglass/drivers/opcua"
	"github.com/sightglass/sightglass/project"
)

// TestAddTagsAndTrust: an engineer appends tags to tags.csv (kept only
// when the project still loads) and trusts a rejected certificate; an
// operator may do neither; all of it audited.
func TestAddTagsAndTrust(t *testing.T) {
	p := writeProject(t, "127.0.0.1:1")
	data := t.TempDir()
	st, err := New(p, nil, WithDataDir(data))
	if err != nil {
		t.Fatal(err)
	}
	if err := st.EnableState(data, testStateOptions); err != nil {
		t.Fatal(err)
	}
	defer st.Stop()
	eng := Actor{Session: addUser(t, st, "erin", auth.Engineer), From: "test"}
	op := Actor{Session: addUser(t, st, "olga", auth.Operator), From: "test"}

	rows := [][]string{{"Plant.UA.Extra", "plc1", "hr:90", "uint16"}}
	if err := st.AddTags(op, rows); !errors.Is(err, auth.ErrDenied) {
		t.Errorf("an operator adds tags: %v", err)
	}
	if err := st.AddTags(eng, [][]string{{"Plant.UA.Bad", "nodevice", "hr:91", "uint16"}}); err == nil {
		t.Error("a row with an unknown device was kept")
	}
	if _, err := os.Stat(filepath.Join(p.Dir, project.CSVFile)); !os.IsNotExist(err) {
		t.Errorf("tags.csv left behind after a refused row: %v", err)
	}
	if err := st.AddTags(eng, rows); err != nil {
		t.Fatal(err)
	}
	p2, err := project.Load(p.Dir)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, d := range p2.Tags {
		found = found || d.Name == "Plant.UA.Extra"
	}
	if !found {
		t.Error("the added tag is not in the project")
	}

	// A certificate the driver rejected.
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(3), Subject: pkix.Name{CommonName: "PLC 3"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, _ := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	tp := strings.ToUpper(fmt.Sprintf("%x", sha1.Sum(der)))
	rej := filepath.Join(st.OPCUAPKIDir(), opcua.RejectedDir)
	os.MkdirAll(rej, 0o700)
	os.WriteFile(filepath.Join(rej, tp+".der"), der, 0o600)
	if err := st.TrustCertificate(op, tp); !errors.Is(err, auth.ErrDenied) {
		t.Errorf("an operator trusts a certificate: %v", err)
	}
	if err := st.TrustCertificate(eng, tp); err != nil {
		t.Fatal(err)
	}
	recs, _ := auth.List(st.State(), auth.AuditQuery{Actions: []auth.Action{auth.ActCertTrust, auth.ActProject}, User: "erin"})
	var got []string
	for _, r := range recs {
		got = append(got, string(r.Action)+" "+r.Target+" "+r.New+" "+r.Result)
	}
	want := fmt.Sprintf("[project-change tags.csv +1 tags ok certificate-trust %s CN=PLC 3 ok]", tp)
	if len(got) != 3 || fmt.Sprint(got[1:]) != want {
		t.Errorf("audit: %q, want the refused row, then %s", got, want)
	}
}
