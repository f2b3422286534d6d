package station

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	smb "github.com/simonvetter/modbus"

	"github.com/sightglass/sightglass/auth"
	"github.com/sightglass/sightglass/drivers/modbus"
	"github.com/sightglass/sightglass/gateway"
	"github.com/sightglass/sightglass/tags"
)

// modbusRoleOID is the Modbus/TCP Security role extension (MBAPS R-21).
var modbusRoleOID = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 50316, 802, 1}

// testPKI is a CA with a server certificate for 127.0.0.1 and client
// certificates, made for one test.
type testPKI struct {
	dir    string
	ca     *x509.Certificate
	caKey  *ecdsa.PrivateKey
	caPool *x509.CertPool
	serial int64
}

func newPKI(t *testing.T) *testPKI {
	t.Helper()
	p := &testPKI{dir: t.TempDir()}
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	p.ca, _ = x509.ParseCertificate(der)
	p.caKey, p.serial = key, 1
	p.caPool = x509.NewCertPool()
	p.caPool.AddCert(p.ca)
	writePEM(t, filepath.Join(p.dir, "ca.pem"), "CERTIFICATE", der)
	return p
}

func writePEM(t *testing.T, path, typ string, der []byte) {
	t.Helper()
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
}

// issue makes a certificate signed by the CA: a server's for 127.0.0.1
// when role is "", else a client's with the role extension.
func (p *testPKI) issue(t *testing.T, name, role string) tls.Certificate {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	p.serial++
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(p.serial), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), KeyUsage: x509.KeyUsageDigitalSignature}
	if role == "" {
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
		tmpl.IPAddresses = []net.IP{net.ParseIP("127.0.0.1")}
	} else {
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
		v, err := asn1.MarshalWithParams(role, "utf8") // UTF8String, as MBAPS R-22 requires
		if err != nil {
			t.Fatal(err)
		}
		tmpl.ExtraExtensions = []pkix.Extension{{Id: modbusRoleOID, Value: v}}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, p.ca, &key.PublicKey, p.caKey)
	if err != nil {
		t.Fatal(err)
	}
	kder, _ := x509.MarshalECPrivateKey(key)
	writePEM(t, filepath.Join(p.dir, name+".pem"), "CERTIFICATE", der)
	writePEM(t, filepath.Join(p.dir, name+".key"), "EC PRIVATE KEY", kder)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// TestGatewayModbusTLS: the demo station with a Modbus/TCP Security
// gateway. A client whose certificate has the operator role writes
// through the station's write path as the user the role maps to, and the
// write is audited; a viewer-role client is refused (exception 1) and
// audited; a client without a certificate does not get past TLS.
func TestGatewayModbusTLS(t *testing.T) {
	pki := newPKI(t)
	pki.issue(t, "server", "")
	opCert := pki.issue(t, "op", "operator")
	viewCert := pki.issue(t, "view", "viewer")

	st, err := OpenDemo(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Stop()
	if err := st.EnableState(t.TempDir(), testStateOptions); err != nil {
		t.Fatal(err)
	}
	addUser(t, st, "admin", auth.Admin)
	addUser(t, st, "gw-op", auth.Operator)
	addUser(t, st, "gw-view", auth.Viewer)
	const valve = "Plant.V1.Position"
	st.Project().Gateway = gateway.Config{Modbus: &gateway.ModbusConfig{
		Listen: "127.0.0.1:0",
		TLS: &gateway.TLSConfig{Cert: filepath.Join(pki.dir, "server.pem"), Key: filepath.Join(pki.dir, "server.key"),
			ClientCA: filepath.Join(pki.dir, "ca.pem")},
		Roles: map[string]string{"operator": "gw-op", "viewer": "gw-view"},
		Map:   []gateway.Register{{Tag: valve, Area: modbus.HoldingRegisters, Offset: 0, Type: tags.TypeFloat32}},
	}}
	if err := st.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	if err := st.WaitScanned(ctx); err != nil {
		t.Fatal(err)
	}
	addr := st.Gateway().ModbusAddr()

	client := func(cert tls.Certificate) *smb.ModbusClient {
		c, err := smb.NewClient(&smb.ClientConfiguration{URL: "tcp+tls://" + addr, Timeout: 10 * time.Second,
			TLSClientCert: &cert, TLSRootCAs: pki.caPool})
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Open(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	op := client(opCert)
	if err := op.WriteFloat32(0, 35); err != nil {
		t.Fatalf("operator write: %v", err)
	}
	waitFor(t, st, 10*time.Second, "the valve at 35", func() bool { return st.Bus().Get(mustID(t, st, valve)).Value.Float() == 35 })
	if v, err := op.ReadFloat32(0, smb.HOLDING_REGISTER); err != nil || v != 35 {
		t.Errorf("read back %v, %v", v, err)
	}

	view := client(viewCert)
	if err := view.WriteFloat32(0, 40); !errors.Is(err, smb.ErrIllegalFunction) {
		t.Errorf("viewer write: %v, want illegal function", err)
	}
	if v, err := view.ReadFloat32(0, smb.HOLDING_REGISTER); err != nil || v != 35 {
		t.Errorf("viewer read %v, %v", v, err)
	}

	// No client certificate: the handshake fails, or the server closes
	// the connection at the first request (TLS 1.3 finishes the client's
	// side first).
	conn, err := tls.Dial("tcp", addr, &tls.Config{RootCAs: pki.caPool})
	if err == nil {
		defer conn.Close()
		conn.SetDeadline(time.Now().Add(10 * time.Second))
		conn.Write([]byte{0, 1, 0, 0, 0, 6, 1, 3, 0, 0, 0, 2}) // read hr:0, 2 registers
		if n, err := conn.Read(make([]byte, 64)); err == nil {
			t.Errorf("a client without a certificate got %d bytes", n)
		}
	}

	recs, err := auth.List(st.State(), auth.AuditQuery{})
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, r := range recs {
		if r.Action == auth.ActWrite || r.Action == auth.ActSignIn && strings.HasPrefix(r.User, "gw-") {
			lines = append(lines, r.User+" "+string(r.Action)+" "+r.Target+" "+r.New+" "+strings.Fields(r.Detail + " -")[0]+" "+firstWord(r.Result))
		}
	}
	want := []string{
		"gw-op sign-in gw-op operator from ok", // addUser signs in with a password
		"gw-view sign-in gw-view viewer from ok",
		"gw-op sign-in gw-op operator certificate, ok",
		"gw-op write " + valve + " 35 modbus-tls ok",
		"gw-view sign-in gw-view viewer certificate, ok",
		"gw-view write " + valve + " 40 modbus-tls gw-view", // refused: "gw-view (viewer): write ...: permission denied"
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("audit:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
}

func firstWord(s string) string { return strings.Fields(s + " -")[0] }

func mustID(t *testing.T, st *Station, name string) tags.ID {
	t.Helper()
	id, ok := st.Bus().Table().Lookup(name)
	if !ok {
		t.Fatalf("no tag %s", name)
	}
	return id
}
