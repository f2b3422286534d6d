package opcua

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/sightglass/sightglass/drivers"
)

// The PKI folder (DATA/pki) holds the station's application instance
// certificate and the server certificates it knows:
//
//	own/cert.der        the station's certificate (DER), made on first use
//	own/key.pem         its RSA key (PKCS #1 PEM), 0600
//	trusted/*.der|*.pem server certificates an admin trusted
//	rejected/<T>.der    server certificates refused, by SHA-1 thumbprint T
//
// Folders are 0700 and files 0600: the key is the station's identity.
const (
	OwnDir      = "own"
	TrustedDir  = "trusted"
	RejectedDir = "rejected"
	ownCert     = "cert.der"
	ownKey      = "key.pem"
)

// Application instance certificate parameters (OPC UA Part 6 §6.2.2:
// RSA 2048 or more with SHA-256 for the Basic256Sha256 and Aes profiles).
const (
	ownKeyBits  = 2048
	ownValidity = 5 * 365 * 24 * time.Hour
)

// ErrUntrusted is wrapped by the error of a connection refused because the
// server's certificate is not in the trusted folder.
var ErrUntrusted = errors.New("server certificate not trusted")

// UntrustedError says which certificate was refused and where it was kept.
type UntrustedError struct {
	Subject    string
	Thumbprint string // SHA-1, upper-case hex, as UaExpert shows it
	Reason     string // "not trusted", "expired", ...
	File       string // the copy in rejected/, "" if it could not be written
}

func (e *UntrustedError) Error() string {
	return fmt.Sprintf("server certificate %s: %s, thumbprint %s, see `sightglass opcua trust`", e.Reason, e.Subject, e.Thumbprint)
}

// Unwrap makes errors.Is(err, ErrUntrusted) and drivers.ErrSecurity true.
func (e *UntrustedError) Unwrap() []error { return []error{ErrUntrusted, drivers.ErrSecurity} }

// ApplicationURI is the station's OPC UA application URI, as its
// certificate's SubjectAltName and its session's ClientDescription carry
// it: urn:sightglass:<hostname>.
func ApplicationURI() string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "localhost"
	}
	return "urn:sightglass:" + host
}

// Thumbprint is the SHA-1 of a DER certificate in upper-case hex, as
// OPC UA (and UaExpert) name certificates.
func Thumbprint(der []byte) string {
	sum := sha1.Sum(der)
	return strings.ToUpper(hex.EncodeToString(sum[:]))
}

// OwnCertificate returns the station's application instance certificate
// (DER) and key from pkiDir/own, creating them on first use.
func OwnCertificate(pkiDir string) ([]byte, *rsa.PrivateKey, error) {
	if pkiDir == "" {
		return nil, nil, errors.New("no PKI folder: the station runs without a data folder")
	}
	dir := filepath.Join(pkiDir, OwnDir)
	certPath, keyPath := filepath.Join(dir, ownCert), filepath.Join(dir, ownKey)
	der, errC := os.ReadFile(certPath)
	keyPEM, errK := os.ReadFile(keyPath)
	switch {
	case errC == nil && errK == nil:
		key, err := parseKey(keyPEM)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", keyPath, err)
		}
		return der, key, nil
	case !errors.Is(errC, fs.ErrNotExist) && errC != nil:
		return nil, nil, errC
	case !errors.Is(errK, fs.ErrNotExist) && errK != nil:
		return nil, nil, errK
	case errC == nil || errK == nil:
		return nil, nil, fmt.Errorf("%s: a certificate without its key or a key without its certificate; remove both to make a new pair", dir)
	}
	der, key, err := newOwnCertificate(ApplicationURI(), time.Now())
	if err != nil {
		return nil, nil, err
	}
	if err := mkdirs(pkiDir); err != nil {
		return nil, nil, err
	}
	keyPEM = pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
	if err := writeFile(keyPath, keyPEM); err != nil {
		return nil, nil, err
	}
	if err := writeFile(certPath, der); err != nil {
		return nil, nil, err
	}
	return der, key, nil
}

// newOwnCertificate makes a self-signed application instance certificate
// for appURI.
func newOwnCertificate(appURI string, now time.Time) ([]byte, *rsa.PrivateKey, error) {
	key, err := rsa.GenerateKey(rand.Reader, ownKeyBits)
	if err != nil {
		return nil, nil, err
	}
	uri, err := url.Parse(appURI)
	if err != nil {
		return nil, nil, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
	if err != nil {
		return nil, nil, err
	}
	host, _ := os.Hostname()
	tmpl := &x509.Certificate{
		SerialNumber:       serial,
		Subject:            pkix.Name{CommonName: "Sightglass@" + host, Organization: []string{"Sightglass"}},
		NotBefore:          now.Add(-time.Hour),
		NotAfter:           now.Add(ownValidity),
		SignatureAlgorithm: x509.SHA256WithRSA,
		// Part 6 §6.2.2: digitalSignature, nonRepudiation, keyEncipherment,
		// dataEncipherment; keyCertSign as it signs itself.
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment |
			x509.KeyUsageKeyEncipherment | x509.KeyUsageDataEncipherment | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth, x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		URIs:                  []*url.URL{uri},
	}
	if host != "" {
		tmpl.DNSNames = []string{host}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, err
	}
	return der, key, nil
}

// parseKey reads an RSA key in PEM, PKCS #1 or #8.
func parseKey(data []byte) (*rsa.PrivateKey, error) {
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, errors.New("not a PEM key")
	}
	if k, err := x509.ParsePKCS1PrivateKey(block.Bytes); err == nil {
		return k, nil
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, errors.New("not an RSA private key (PKCS #1 or #8)")
	}
	rk, ok := k.(*rsa.PrivateKey)
	if !ok {
		return nil, errors.New("not an RSA private key: OPC UA's security policies need RSA")
	}
	return rk, nil
}

// parseCert reads a certificate in DER or PEM.
func parseCert(data []byte) (*x509.Certificate, error) {
	if block, _ := pem.Decode(data); block != nil {
		data = block.Bytes
	}
	return x509.ParseCertificate(data)
}

// mkdirs makes the PKI folders, 0700.
func mkdirs(pkiDir string) error {
	for _, d := range []string{OwnDir, TrustedDir, RejectedDir} {
		if err := os.MkdirAll(filepath.Join(pkiDir, d), 0o700); err != nil {
			return err
		}
	}
	return nil
}

// writeFile writes data to path atomically, 0600.
func writeFile(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// subject names a certificate for people: its subject, as "CN=..., O=...".
func subject(c *x509.Certificate) string {
	if s := c.Subject.String(); s != "" {
		return s
	}
	return "(no subject)"
}

// VerifyServer decides whether the station may talk to a server that
// presents certificate der: it must be in pkiDir/trusted (the same bytes)
// and valid at now. A certificate that is not trusted is kept in
// pkiDir/rejected/<thumbprint>.der for an admin to trust; the error is an
// *UntrustedError. Nothing is ever accepted automatically.
func VerifyServer(pkiDir string, der []byte, now time.Time) error {
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return fmt.Errorf("%w: server certificate unreadable: %v", drivers.ErrSecurity, err)
	}
	tp := Thumbprint(der)
	trusted, err := isTrusted(pkiDir, der)
	if err != nil {
		return err
	}
	if !trusted {
		ue := &UntrustedError{Subject: subject(cert), Thumbprint: tp, Reason: "not trusted"}
		if err := mkdirs(pkiDir); err == nil {
			path := filepath.Join(pkiDir, RejectedDir, tp+".der")
			if writeFile(path, der) == nil {
				ue.File = path
			}
		}
		return ue
	}
	switch {
	case now.Before(cert.NotBefore):
		return &UntrustedError{Subject: subject(cert), Thumbprint: tp, Reason: "not valid before " + cert.NotBefore.UTC().Format(time.DateOnly)}
	case now.After(cert.NotAfter):
		return &UntrustedError{Subject: subject(cert), Thumbprint: tp, Reason: "expired on " + cert.NotAfter.UTC().Format(time.DateOnly)}
	}
	return nil
}

// isTrusted reports whether der is one of the certificates in trusted/.
func isTrusted(pkiDir string, der []byte) (bool, error) {
	if pkiDir == "" {
		return false, nil
	}
	entries, err := os.ReadDir(filepath.Join(pkiDir, TrustedDir))
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		data, err := os.ReadFile(filepath.Join(pkiDir, TrustedDir, e.Name()))
		if err != nil {
			continue
		}
		if c, err := parseCert(data); err == nil && bytes.Equal(c.Raw, der) {
			return true, nil
		}
	}
	return false, nil
}

// CertInfo describes one certificate of the PKI folder, for
// `sightglass opcua trust` and the GUI's dialog.
type CertInfo struct {
	Status     string // "own", "trusted" or "rejected"
	Subject    string
	Issuer     string
	Thumbprint string // SHA-1, upper-case hex
	NotBefore  time.Time
	NotAfter   time.Time
	URI        string // the application URI in its SubjectAltName, if any
	File       string
}

// ListCertificates lists the station's own certificate and the trusted and
// rejected ones, each folder sorted by subject. A missing folder lists
// nothing; a file that is not a certificate is skipped.
func ListCertificates(pkiDir string) ([]CertInfo, error) {
	var out []CertInfo
	for _, st := range []struct{ dir, status string }{{OwnDir, "own"}, {TrustedDir, "trusted"}, {RejectedDir, "rejected"}} {
		dir := filepath.Join(pkiDir, st.dir)
		entries, err := os.ReadDir(dir)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		var part []CertInfo
		for _, e := range entries {
			if e.IsDir() || strings.HasSuffix(e.Name(), ".pem") && st.dir == OwnDir {
				continue // own/key.pem
			}
			path := filepath.Join(dir, e.Name())
			data, err := os.ReadFile(path)
			if err != nil {
				return nil, err
			}
			c, err := parseCert(data)
			if err != nil {
				continue
			}
			ci := CertInfo{Status: st.status, Subject: subject(c), Issuer: c.Issuer.String(), Thumbprint: Thumbprint(c.Raw),
				NotBefore: c.NotBefore, NotAfter: c.NotAfter, File: path}
			if len(c.URIs) > 0 {
				ci.URI = c.URIs[0].String()
			}
			part = append(part, ci)
		}
		sort.Slice(part, func(i, j int) bool { return part[i].Subject < part[j].Subject })
		out = append(out, part...)
	}
	return out, nil
}

// TrustCertificate trusts a server certificate: thumbprintOrFile is the
// SHA-1 thumbprint of a rejected certificate (any case; colons and spaces
// are ignored), or the path of a certificate file (DER or PEM). The
// certificate is written to trusted/<thumbprint>.der and removed from
// rejected/. The next connection attempt uses it.
func TrustCertificate(pkiDir, thumbprintOrFile string) error {
	if pkiDir == "" {
		return errors.New("no PKI folder")
	}
	var der []byte
	if data, err := os.ReadFile(thumbprintOrFile); err == nil {
		c, err := parseCert(data)
		if err != nil {
			return fmt.Errorf("%s: not a certificate: %w", thumbprintOrFile, err)
		}
		der = c.Raw
	} else {
		tp := strings.ToUpper(strings.NewReplacer(":", "", " ", "").Replace(thumbprintOrFile))
		if len(tp) != 40 || strings.Trim(tp, "0123456789ABCDEF") != "" {
			return fmt.Errorf("%q: neither a certificate file nor a SHA-1 thumbprint (40 hex digits)", thumbprintOrFile)
		}
		data, err := os.ReadFile(filepath.Join(pkiDir, RejectedDir, tp+".der"))
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("no rejected certificate with thumbprint %s (see ListCertificates)", tp)
		}
		if err != nil {
			return err
		}
		der = data
	}
	if _, err := x509.ParseCertificate(der); err != nil {
		return fmt.Errorf("not a certificate: %w", err)
	}
	if err := mkdirs(pkiDir); err != nil {
		return err
	}
	tp := Thumbprint(der)
	if err := writeFile(filepath.Join(pkiDir, TrustedDir, tp+".der"), der); err != nil {
		return err
	}
	if err := os.Remove(filepath.Join(pkiDir, RejectedDir, tp+".der")); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}
