//go:build unix

package opcua

import (
	"errors"
	"testing"
)

// TestBrowseNodeOPCUAUntrusted: browsing a secured server goes through
// the driver's trust check — the server's certificate is refused as
// untrusted until an admin trusts it, then the browse finds node-opcua's
// variables with their types.
func TestBrowseNodeOPCUAUntrusted(t *testing.T) {
	endpoint, _ := startNodeServer(t)
	dev := nodeDevice(t, endpoint, "Basic256Sha256", "SignAndEncrypt")
	_, err := Browse(t.Context(), dev, "", 2)
	var ue *UntrustedError
	if !errors.As(err, &ue) || !errors.Is(err, ErrUntrusted) {
		t.Fatalf("Browse = %v, want the server's certificate refused as untrusted", err)
	}
	if err := TrustCertificate(dev.OPCUA.PKIDir, ue.Thumbprint); err != nil {
		t.Fatal(err)
	}
	nodes, err := Browse(t.Context(), dev, "", 3)
	if err != nil {
		t.Fatalf("Browse after trust: %v", err)
	}
	for nid, typ := range map[string]string{"ns=1;s=Demo.Double": "float64", "ns=1;s=Demo.Int32": "int32", "ns=1;s=Demo.Boolean": "bool", "ns=1;s=Demo.String": "string"} {
		if n := find(nodes, nid); n == nil || n.DataType != typ {
			t.Errorf("%s = %+v, want type %s", nid, n, typ)
		}
	}
}
