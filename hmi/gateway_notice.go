package hmi

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
)

// GatewayStation is a station that may serve its tags over OPC UA: the
// window then says plainly, under its header, that this endpoint is
// unencrypted and read-only (gopcua's server completes only security
// None).
type GatewayStation interface {
	// OPCUAGatewayEndpoint is the running OPC UA gateway's endpoint, ""
	// when there is none.
	OPCUAGatewayEndpoint() string
}

// gatewayNotice is the line under the header, or a hidden box.
func gatewayNotice(st Station) fyne.CanvasObject {
	if gs, ok := st.(GatewayStation); ok {
		if ep := gs.OPCUAGatewayEndpoint(); ep != "" {
			return &widget.Label{
				Text:       lang.L("OPC UA gateway at {{.Endpoint}}: unencrypted and read-only", map[string]any{"Endpoint": ep}),
				Importance: widget.WarningImportance,
				Wrapping:   fyne.TextWrapWord,
			}
		}
	}
	none := container.NewVBox()
	none.Hide()
	return none
}
