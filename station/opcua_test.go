package station

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/sightglass/sightglass/project"
)

// TestOPCUADataDir: with WithDataDir, an OPC UA device keeps its
// certificates in DATA/pki — the station's own certificate is made there
// on the first connection attempt, 0600 — and without it a secured device
// says it has no PKI folder.
func TestOPCUADataDir(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0") // answers nothing OPC UA
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	yaml := "station: {name: S}\ndevices:\n  - {name: ua, driver: opcua, endpoint: 'opc.tcp://" + l.Addr().String() + "', timeout: 300ms}\n" +
		"tags:\n  - {name: A.Level, device: ua, address: 'ns=2;s=Level', type: float64}\n"
	p, err := project.LoadFS(fstest.MapFS{"project.yaml": {Data: []byte(yaml)}}, "p")
	if err != nil {
		t.Fatal(err)
	}
	data := t.TempDir()
	for _, withDir := range []bool{true, false} {
		var opts []Option
		if withDir {
			opts = append(opts, WithDataDir(data))
		}
		st, err := New(p, nil, opts...)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.Start(t.Context()); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		err = st.WaitScanned(ctx)
		cancel()
		last := st.Devices()[0].LastError
		st.Stop()
		if err != nil {
			t.Fatal(err)
		}
		if !withDir {
			if want := "no PKI folder"; !contains(last, want) {
				t.Errorf("without a data folder: LastError %q, want %q", last, want)
			}
			continue
		}
		fi, err := os.Stat(filepath.Join(data, PKIDir, "own", "key.pem"))
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("own key in DATA/pki: %v %v (LastError %q)", fi, err, last)
		}
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
