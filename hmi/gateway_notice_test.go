package hmi

import (
	"testing"

	"fyne.io/fyne/v2/widget"

	"github.com/sightglass/sightglass/station"
)

var _ GatewayStation = (*station.Station)(nil)

// gatewayStation is a test station running an OPC UA gateway.
type gatewayStation struct {
	*testStation
	endpoint string
}

func (g gatewayStation) OPCUAGatewayEndpoint() string { return g.endpoint }

// TestGatewayNotice: a station serving OPC UA gets a plain warning line
// naming the endpoint as unencrypted and read-only; one without a gateway
// gets none.
func TestGatewayNotice(t *testing.T) {
	st := newTestStation(testDefs)
	l, ok := gatewayNotice(gatewayStation{st, "opc.tcp://127.0.0.1:4840"}).(*widget.Label)
	if !ok || l.Text != "OPC UA gateway at opc.tcp://127.0.0.1:4840: unencrypted and read-only" || l.Importance != widget.WarningImportance {
		t.Errorf("notice: %#v", l)
	}
	if o := gatewayNotice(gatewayStation{st, ""}); o.Visible() {
		t.Error("a notice without a gateway")
	}
	if o := gatewayNotice(st); o.Visible() {
		t.Error("a notice for a station that cannot serve")
	}
}
