//go:build unix

package opcua

import (
	"testing"

	"github.com/sightglass/sightglass/internal/testpeer"
)

// nodeOPCUADir is the node-opcua harness folder (internal/testpeer runs
// it), from this package's directory.
const nodeOPCUADir = "testdata/nodeopcua"

// startNode runs `node script args...` in the harness folder, as
// testpeer.StartNode does.
func startNode(t testing.TB, script string, env []string, args ...string) *testpeer.NodeProc {
	t.Helper()
	return testpeer.StartNode(t, nodeOPCUADir, script, env, args...)
}
