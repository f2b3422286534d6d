// Package all imports every driver, so that each registers itself.
package all

import (
	_ "github.com/sightglass/sightglass/drivers/modbus" // modbus-tcp, modbus-rtu
	_ "github.com/sightglass/sightglass/drivers/opcua"  // opcua
)
