module github.com/sightglass/sightglass

go 1.26

require (
	fyne.io/fyne/v2 v2.7.1 // indirect
	github.com/goburrow/modbus v0.1.0 // indirect
	github.com/goburrow/serial v0.1.0 // indirect
	github.com/simonvetter/modbus v1.6.4 // indirect
	go.uber.org/goleak v1.3.0 // indirect
	go.yaml.in/yaml/v3 v3.0.6 // indirect
)
