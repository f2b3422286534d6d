package opcua

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gopcua/opcua/server"
	"github.com/gopcua/opcua/ua"

	"github.com/sightglass/sightglass/drivers"
	"github.com/sightglass/sightglass/tags"
)

func mode(t *testing.T, path string) os.FileMode {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode().Perm()
}

func TestOwnCertificate(t *testing.T) {
	pki := filepath.Join(t.TempDir(), "pki")
	der, key, err := OwnCertificate(pki)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	if key.N.BitLen() != 2048 || c.SignatureAlgorithm != x509.SHA256WithRSA {
		t.Errorf("key %d bits, signature %v; want RSA 2048 with SHA-256", key.N.BitLen(), c.SignatureAlgorithm)
	}
	if len(c.URIs) != 1 || c.URIs[0].String() != ApplicationURI() || !strings.HasPrefix(ApplicationURI(), "urn:sightglass:") {
		t.Errorf("SubjectAltName URIs %v, want %s", c.URIs, ApplicationURI())
	}
	if !c.PublicKey.(*rsa.PublicKey).Equal(&key.PublicKey) {
		t.Error("the certificate is not the key's")
	}
	for _, p := range []string{"own/cert.der", "own/key.pem"} {
		if m := mode(t, filepath.Join(pki, p)); m != 0o600 {
			t.Errorf("%s mode %v, want 0600", p, m)
		}
	}
	for _, d := range []string{"own", "trusted", "rejected"} {
		if m := mode(t, filepath.Join(pki, d)); m != 0o700 {
			t.Errorf("%s mode %v, want 0700", d, m)
		}
	}
	// The second call reads the same pair.
	der2, key2, err := OwnCertificate(pki)
	if err != nil || string(der2) != string(der) || !key2.Equal(key) {
		t.Errorf("second call made a new pair (%v)", err)
	}
}

// serverCert makes a server certificate as a real server's would be.
func serverCert(t *testing.T, now time.Time) ([]byte, *rsa.PrivateKey) {
	t.Helper()
	der, key, err := newOwnCertificate("urn:test:server", now)
	if err != nil {
		t.Fatal(err)
	}
	return der, key
}

func TestVerifyServerRejectsThenTrusts(t *testing.T) {
	pki := t.TempDir()
	now := time.Now()
	der, _ := serverCert(t, now)
	tp := Thumbprint(der)

	err := VerifyServer(pki, der, now)
	var ue *UntrustedError
	if !errors.As(err, &ue) || !errors.Is(err, ErrUntrusted) || !errors.Is(err, drivers.ErrSecurity) {
		t.Fatalf("untrusted certificate: %v", err)
	}
	if ue.Thumbprint != tp || !strings.Contains(err.Error(), "CN=Sightglass@") || !strings.Contains(err.Error(), "sightglass opcua trust") {
		t.Errorf("message %q", err)
	}
	rejected := filepath.Join(pki, "rejected", tp+".der")
	if data, err := os.ReadFile(rejected); err != nil || string(data) != string(der) {
		t.Fatalf("rejected copy: %v", err)
	}
	list, err := ListCertificates(pki)
	if err != nil || len(list) != 1 || list[0].Status != "rejected" || list[0].Thumbprint != tp || list[0].URI != "urn:test:server" ||
		!list[0].NotAfter.After(now) {
		t.Fatalf("ListCertificates = %+v, %v", list, err)
	}

	// Trusted by its thumbprint, written as UaExpert shows it.
	spaced := strings.ToLower(tp[:4]) + " " + tp[4:]
	if err := TrustCertificate(pki, spaced); err != nil {
		t.Fatal(err)
	}
	if err := VerifyServer(pki, der, now); err != nil {
		t.Errorf("after trusting: %v", err)
	}
	if _, err := os.Stat(rejected); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("still in rejected/: %v", err)
	}
	// Trusted but expired: refused all the same.
	if err := VerifyServer(pki, der, now.Add(6*365*24*time.Hour)); !errors.Is(err, ErrUntrusted) || !strings.Contains(err.Error(), "expired") {
		t.Errorf("expired: %v", err)
	}
	// Another certificate, trusted from a file.
	der2, _ := serverCert(t, now)
	file := filepath.Join(t.TempDir(), "server.der")
	os.WriteFile(file, der2, 0o600)
	if err := TrustCertificate(pki, file); err != nil {
		t.Fatal(err)
	}
	if err := VerifyServer(pki, der2, now); err != nil {
		t.Errorf("trusted from a file: %v", err)
	}
	for _, bad := range []string{"", "00", strings.Repeat("Z", 40), strings.Repeat("A", 40)} {
		if err := TrustCertificate(pki, bad); err == nil {
			t.Errorf("TrustCertificate(%q) = nil", bad)
		}
	}
	if err := VerifyServer(pki, []byte("junk"), now); !errors.Is(err, drivers.ErrSecurity) {
		t.Errorf("junk certificate: %v", err)
	}
}

// TestConnectRejectsUntrustedServer: a server offering Basic256Sha256
// with a certificate the station does not trust is refused before any
// secure channel opens; under a poller its tags are bad as a
// configuration error and LastError says why and what to do. (gopcua's
// server cannot complete a secured channel, so trusting it is tested
// against node-opcua elsewhere.)
func TestConnectRejectsUntrustedServer(t *testing.T) {
	der, key := serverCert(t, time.Now())
	ts := startServer(t, 0, []variable{{name: "Level", value: 1.0}},
		server.EnableSecurity("Basic256Sha256", ua.MessageSecurityModeSignAndEncrypt),
		server.Certificate(der), server.PrivateKey(key))
	pki := filepath.Join(t.TempDir(), "pki")
	dev := testDevice(ts)
	dev.OPCUA.SecurityPolicy, dev.OPCUA.SecurityMode, dev.OPCUA.PKIDir = "Basic256Sha256", "SignAndEncrypt", pki
	defs := []tags.Def{{Name: "U.Level", Device: "srv", Address: ts.addr("Level"), Type: tags.TypeFloat64}}
	table := tags.NewTable(append(defs, drivers.SystemTagNames("srv")...))
	bus := tags.NewBus(table)
	drv, err := New(dev, []*tags.Def{table.Def(0)})
	if err != nil {
		t.Fatal(err)
	}
	err = drv.Connect(t.Context())
	if !errors.Is(err, ErrUntrusted) {
		t.Fatalf("Connect = %v, want ErrUntrusted", err)
	}
	if _, err := os.Stat(filepath.Join(pki, "rejected", Thumbprint(der)+".der")); err != nil {
		t.Errorf("not kept in rejected/: %v", err)
	}

	sys := drivers.SystemTags{Valid: true, Connected: 1, State: 2, ResponseMs: 3, Requests: 4, Errors: 5, Reconnects: 6, LastError: 7}
	p := drivers.NewPoller(dev, drv, bus, sys, discard)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() { p.Run(ctx); close(done) }()
	waitBus(t, bus, 0, "bad: config error", func(v tags.VQT) bool { return v.Quality == tags.BadQuality(tags.ReasonConfigError, 0) })
	// The poller publishes the tags' quality, then the device's system
	// tags: wait for LastError too.
	waitBus(t, bus, 7, "a last error", func(v tags.VQT) bool { return v.Value.Str() != "" })
	last := bus.Get(7).Value.Str()
	cancel()
	<-done
	if !strings.Contains(last, "server certificate not trusted: CN=Sightglass@") || !strings.Contains(last, Thumbprint(der)) ||
		!strings.Contains(last, "sightglass opcua trust") {
		t.Errorf("LastError %q", last)
	}

	// A policy the server does not offer is named with what it offers.
	dev.OPCUA.SecurityPolicy, dev.OPCUA.SecurityMode = "Aes256_Sha256_RsaPss", "Sign"
	drv2, _ := NewDriver(dev, []*tags.Def{table.Def(0)})
	if err := drv2.Connect(t.Context()); !errors.Is(err, drivers.ErrSecurity) || !strings.Contains(err.Error(), "Basic256Sha256/SignAndEncrypt") {
		t.Errorf("Connect with a policy not offered: %v", err)
	}
}
