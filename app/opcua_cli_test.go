package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha1"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestOPCUACertsAndTrust: a server certificate the station refused (as
// the driver leaves it in pki/rejected) is listed with its subject and
// thumbprint, then trusted by that thumbprint.
func TestOPCUACertsAndTrust(t *testing.T) {
	data := t.TempDir()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "PLC 7 OPC UA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	tp := strings.ToUpper(fmt.Sprintf("%x", sha1.Sum(der)))
	rejected := filepath.Join(data, "pki", "rejected")
	os.MkdirAll(rejected, 0o700)
	if err := os.WriteFile(filepath.Join(rejected, tp+".der"), der, 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, "opcua", "certs", "--data", data)
	if code != 0 || !strings.Contains(out, "rejected") || !strings.Contains(out, "PLC 7 OPC UA") || !strings.Contains(out, tp) {
		t.Fatalf("certs: exit %d\n%s%s", code, out, errOut)
	}
	other := "00" + tp[2:] // a thumbprint nobody offered (1 in 256 start with 00)
	if other == tp {
		other = "FF" + tp[2:]
	}
	if code, _, errOut := runCLI(t, "opcua", "trust", "--data", data, other); code == 0 {
		t.Errorf("trusted a thumbprint nobody offered: %s", errOut)
	}
	if code, out, errOut = runCLI(t, "opcua", "trust", tp, "--data", data); code != 0 {
		t.Fatalf("trust: exit %d\n%s%s", code, out, errOut)
	}
	_, out, _ = runCLI(t, "opcua", "certs", "--data", data)
	if !strings.Contains(out, "trusted") || strings.Contains(out, "rejected") {
		t.Errorf("after trust:\n%s", out)
	}
}
