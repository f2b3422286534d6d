// Package project loads a Sightglass project folder: project.yaml (the
// station, its devices and tags) and, optionally, tags.csv (more tags, as
// a spreadsheet exports them).
//
// project.yaml:
//
//	station:
//	  name: North pump house
//	devices:
//	  - name: plc1
//	    driver: modbus-tcp        # modbus-tcp | modbus-rtu
//	    address: 127.0.0.1:5020   # host:port; for modbus-rtu a serial device path
//	    unit: 1                   # default 1
//	    poll: 1s                  # default 1s
//	    timeout: 500ms            # default 1s
//	    max_gap: 10               # default 10
//	    baud: 9600                # modbus-rtu only: baud 9600, parity N, data_bits 8, stop_bits 1 by default
//	tags:
//	  - name: Area1.Tank1.Level   # dotted asset path; names starting with _ are the system's
//	    device: plc1
//	    address: hr:0             # co:N di:N ir:N hr:N (0-based), hr:N.B for bit B
//	    type: float32             # bool int16 uint16 int32 uint32 int64 uint64 float32 float64 string:N
//	    order: ABCD               # ABCD CDAB BADC DCBA
//	    scale: {raw: [0, 4095], eng: [0, 100]}
//	    units: "%"
//	    description: Tank 1 level
//	    writable: false
//	    poll: 250ms               # default: the device's
//
// Merge keys (<<: *anchor) may share settings between items.
//
// tags.csv starts with a header naming its columns, in any order: name,
// device, address, type (required), order, units, description, writable,
// poll, scale_raw_lo, scale_raw_hi, scale_eng_lo, scale_eng_hi (all four
// or none). An empty cell is a value not given.
//
// Loading is strict and thorough: it reports every problem of both files
// at once, each with the file and line of the key or value at fault, as a
// compiler does.
package project
