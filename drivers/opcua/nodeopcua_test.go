//go:build unix

package opcua

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sightglass/sightglass/drivers"
	"github.com/sightglass/sightglass/internal/testpeer"
	"github.com/sightglass/sightglass/tags"
)

// The user server.js accepts, given to it through its environment; the
// driver reads the password from passwordEnv, as a project names it.
const (
	nodeUser     = "operator"
	nodePassword = "s3cret-pass"
	passwordEnv  = "SIGHTGLASS_TEST_OPCUA_PASSWORD"
)

// startNodeServer starts server.js on a free port of 127.0.0.1 and
// returns its endpoint URL.
func startNodeServer(t *testing.T) (string, *testpeer.NodeProc) {
	t.Helper()
	p := startNode(t, "server.js", []string{"NODEOPCUA_USER=" + nodeUser, "NODEOPCUA_PASSWORD=" + nodePassword},
		"0", filepath.Join(t.TempDir(), "node-pki"))
	port := strings.TrimPrefix(p.WaitLine(t, "READY ", 60*time.Second), "READY ")
	return "opc.tcp://127.0.0.1:" + port + "/sightglass-test", p
}

// nodeSession is what server.js saw of an activated session.
type nodeSession struct {
	Policy, Mode, Token, User string
}

// nodeDefs are the tags of server.js's variables, by position:
// 0 Double, 1 Int32, 2 Boolean, 3 String (all writable) and 4 Counter,
// which counts every 100 ms.
func nodeDefs() []*tags.Def {
	return tagDefs(
		tags.Def{Name: "N.Double", Address: "ns=1;s=Demo.Double", Type: tags.TypeFloat64, Writable: true},
		tags.Def{Name: "N.Int32", Address: "ns=1;s=Demo.Int32", Type: tags.TypeInt32, Writable: true},
		tags.Def{Name: "N.Boolean", Address: "ns=1;s=Demo.Boolean", Type: tags.TypeBool, Writable: true},
		tags.Def{Name: "N.String", Address: "ns=1;s=Demo.String", Type: tags.TypeString, StrLen: 40, Writable: true},
		tags.Def{Name: "N.Counter", Address: "ns=1;s=Demo.Counter", Type: tags.TypeInt32},
	)
}

// nodeDevice is a device on endpoint with a PKI of its own.
func nodeDevice(t *testing.T, endpoint, policy, mode string) drivers.DeviceConfig {
	return drivers.DeviceConfig{Name: "node", Driver: DriverName, Address: endpoint, Poll: 100 * time.Millisecond, Timeout: 5 * time.Second,
		OPCUA: drivers.OPCUAConfig{Endpoint: endpoint, SecurityPolicy: policy, SecurityMode: mode,
			PKIDir: filepath.Join(t.TempDir(), "pki"), Items: map[string]drivers.OPCUAItem{}}}
}

// userCertificate writes an X.509 user certificate and its key (PEM) for
// the certificate identity.
func userCertificate(t *testing.T) (certFile, keyFile string) {
	t.Helper()
	der, key, err := newOwnCertificate("urn:sightglass:test-user", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "user.pem"), filepath.Join(dir, "user-key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
	if err := os.WriteFile(keyFile, keyPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile
}

// rejectThenTrust connects d the first time: the server's certificate is
// refused and kept in rejected/; it trusts that certificate as an admin
// would (`sightglass opcua trust THUMBPRINT`).
func rejectThenTrust(t *testing.T, d *Driver) {
	t.Helper()
	pki := d.dev.OPCUA.PKIDir
	err := d.Connect(t.Context())
	var ue *UntrustedError
	if !errors.As(err, &ue) || !errors.Is(err, ErrUntrusted) || !errors.Is(err, drivers.ErrSecurity) {
		t.Fatalf("first Connect = %v, want the server's certificate rejected as untrusted", err)
	}
	if ue.File != filepath.Join(pki, RejectedDir, ue.Thumbprint+".der") {
		t.Errorf("rejected certificate kept as %q", ue.File)
	}
	if _, err := os.Stat(ue.File); err != nil {
		t.Errorf("rejected certificate: %v", err)
	}
	if err := TrustCertificate(pki, ue.Thumbprint); err != nil {
		t.Fatalf("TrustCertificate: %v", err)
	}
}

// TestNodeOPCUA runs the driver against node-opcua's server — a peer
// that implements every security policy — with one server process for
// all the subtests: each policy and mode, anonymous, user name and
// certificate identities; an untrusted server certificate is rejected,
// then trusted; a wrong password is refused with a reason.
func TestNodeOPCUA(t *testing.T) {
	endpoint, srv := startNodeServer(t)
	t.Setenv(passwordEnv, nodePassword)
	certFile, keyFile := userCertificate(t)

	cases := []struct{ policy, mode, identity string }{
		{"None", "None", "anonymous"},
		{"Basic256Sha256", "Sign", "anonymous"},
		{"Basic256Sha256", "SignAndEncrypt", "username"},
		{"Aes128_Sha256_RsaOaep", "Sign", "certificate"},
		{"Aes128_Sha256_RsaOaep", "SignAndEncrypt", "anonymous"},
		{"Aes256_Sha256_RsaPss", "Sign", "username"},
		{"Aes256_Sha256_RsaPss", "SignAndEncrypt", "certificate"},
	}
	for i, c := range cases {
		t.Run(c.policy+"/"+c.mode+"/"+c.identity, func(t *testing.T) {
			dev := nodeDevice(t, endpoint, c.policy, c.mode)
			switch c.identity {
			case "username":
				dev.OPCUA.Identity = drivers.OPCUAIdentity{Username: nodeUser, PasswordEnv: passwordEnv}
			case "certificate":
				dev.OPCUA.Identity = drivers.OPCUAIdentity{CertFile: certFile, KeyFile: keyFile}
			}
			d, err := NewDriver(dev, nodeDefs())
			if err != nil {
				t.Fatal(err)
			}
			if c.policy != "None" {
				rejectThenTrust(t, d)
			}
			if err := d.Connect(t.Context()); err != nil {
				t.Fatalf("Connect: %v", err)
			}
			t.Cleanup(func() { d.Close() })
			var got nodeSession
			if err := json.Unmarshal([]byte(strings.TrimPrefix(srv.WaitLine(t, "SESSION ", 5*time.Second), "SESSION ")), &got); err != nil {
				t.Fatal(err)
			}
			want := nodeSession{Policy: c.policy, Mode: c.mode, Token: map[string]string{
				"anonymous": "AnonymousIdentityToken", "username": "UserNameIdentityToken", "certificate": "X509IdentityToken"}[c.identity]}
			if c.identity == "username" {
				want.User = nodeUser
			}
			if got != want {
				t.Errorf("the server saw %+v, want %+v", got, want)
			}
			exerciseNode(t, d, float64(100+i), "text "+c.policy+"/"+c.mode)
		})
	}

	t.Run("WrongPassword", func(t *testing.T) {
		t.Setenv(passwordEnv, "not-the-password")
		dev := nodeDevice(t, endpoint, "Basic256Sha256", "SignAndEncrypt")
		dev.OPCUA.Identity = drivers.OPCUAIdentity{Username: nodeUser, PasswordEnv: passwordEnv}
		d, err := NewDriver(dev, nodeDefs())
		if err != nil {
			t.Fatal(err)
		}
		rejectThenTrust(t, d)
		err = d.Connect(t.Context())
		if !errors.Is(err, drivers.ErrSecurity) || !strings.Contains(err.Error(), "BadUserAccessDenied") {
			t.Fatalf("Connect with a wrong password = %v, want a security error naming BadUserAccessDenied", err)
		}
		t.Logf("wrong password: %v", err)
		d.Close()
	})

	t.Run("UntrustedUnderPoller", func(t *testing.T) {
		// Under the station's poller the tags turn bad and the device's
		// last error names the certificate and the way to trust it.
		dev := nodeDevice(t, endpoint, "Aes256_Sha256_RsaPss", "SignAndEncrypt")
		defs := []tags.Def{{Name: "P.Double", Device: "node", Address: "ns=1;s=Demo.Double", Type: tags.TypeFloat64}}
		table := tags.NewTable(append(defs, drivers.SystemTagNames("node")...))
		bus := tags.NewBus(table)
		drv, err := New(dev, []*tags.Def{table.Def(0)})
		if err != nil {
			t.Fatal(err)
		}
		sys := drivers.SystemTags{Valid: true, Connected: 1, State: 2, ResponseMs: 3, Requests: 4, Errors: 5, Reconnects: 6, LastError: 7}
		p := drivers.NewPoller(dev, drv, bus, sys, discard)
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan struct{})
		go func() { p.Run(ctx); close(done) }()
		defer func() { cancel(); <-done }()
		waitBus(t, bus, 0, "bad: config error", func(v tags.VQT) bool { return v.Quality == tags.BadQuality(tags.ReasonConfigError, 0) })
		last := waitBus(t, bus, 7, "last error", func(v tags.VQT) bool { return v.Value.Str() != "" }).Value.Str()
		entries, _ := os.ReadDir(filepath.Join(dev.OPCUA.PKIDir, RejectedDir))
		if len(entries) != 1 {
			t.Fatalf("rejected/ holds %d files, want the server's certificate", len(entries))
		}
		thumb := strings.TrimSuffix(entries[0].Name(), ".der")
		if !strings.Contains(last, "server certificate not trusted") || !strings.Contains(last, thumb) || !strings.Contains(last, "sightglass opcua trust") {
			t.Errorf("LastError %q: want the reason, thumbprint %s and how to trust it", last, thumb)
		}
	})
}

// exerciseNode reads every variable, subscribes and sees the counter
// change, writes a Double and a String while subscribed, sees the writes
// delivered, and reads them back.
func exerciseNode(t *testing.T, d *Driver, x float64, s string) {
	t.Helper()
	out := make([]tags.VQT, 5)
	if err := d.Read(t.Context(), 0, out); err != nil {
		t.Fatalf("Read: %v", err)
	}
	for i, v := range out {
		if !v.Quality.IsGood() {
			t.Errorf("tag %d: quality %v", i, v.Quality)
		}
	}
	if out[1].Value.Int() != 42 || !out[2].Value.Bool() {
		t.Errorf("Int32 %v, Boolean %v: want 42, true", out[1].Value, out[2].Value)
	}

	ctx, cancel := context.WithCancel(t.Context())
	c := make(collector, 1000)
	done := make(chan error, 1)
	go func() { done <- d.Subscribe(ctx, c.publish) }()
	defer func() {
		cancel()
		if err := <-done; err != context.Canceled {
			t.Errorf("Subscribe returned %v, want context.Canceled", err)
		}
	}()
	seen := map[tags.ID][]tags.VQT{}
	c.initial(t, 5, seen)
	first := seen[4][0].Value.Int()
	for v := c.next(t, 4, seen); v.Value.Int() == first; v = c.next(t, 4, seen) {
	}

	wctx, wcancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer wcancel()
	if _, err := d.Write(wctx, 0, tags.Float(x)); err != nil {
		t.Fatalf("Write Double: %v", err)
	}
	if _, err := d.Write(wctx, 3, tags.String(s)); err != nil {
		t.Fatalf("Write String: %v", err)
	}
	for v := c.next(t, 0, seen); v.Value.Float() != x; v = c.next(t, 0, seen) {
	}
	if err := d.Read(wctx, 0, out); err != nil {
		t.Fatalf("Read back: %v", err)
	}
	if out[0].Value.Float() != x || out[3].Value.Str() != s {
		t.Errorf("read back %v, %q: want %v, %q", out[0].Value, out[3].Value.Str(), x, s)
	}
}
