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
//	    history: {excdev: 0.5, excmax: 10m, compdev: 0.2, compmax: 8h}   # or true (default), false
//	history:
//	  raw: 365d        # keep raw samples this long; default: forever
//	  rollups: 10y     # keep the 1-minute and 1-hour rollups this long, not less than raw; default: forever
//	  partition: 24h   # span of one raw history file, 1h to 31d; default 24h
//
// Merge keys (<<: *anchor) may share settings between items.
//
// The history section's durations, and a tag's excmax and compmax, are Go
// durations (90m, 24h) or whole days, weeks or years (365d, 2w, 10y; a
// year is 365 days), more than zero. To keep forever, omit raw or rollups.
//
// A tag's history is true (recorded, every sample: the default), false
// (not recorded), or its lossy compression in OSIsoft PI's terms: excdev,
// the exception deadband in engineering units (0 or more), with excmax,
// the longest time without a stored point (default 10m), and compdev, the
// swinging-door deadband (0 or more), with compmax (default 8h). Only
// numeric tags have them, and excmax and compmax only with their deadband.
//
// tags.csv starts with a header naming its columns, in any order: name,
// device, address, type (required), order, units, description, writable,
// poll, scale_raw_lo, scale_raw_hi, scale_eng_lo, scale_eng_hi (all four
// or none), history (true or false; yes/no and 1/0 as for writable),
// excdev, excmax, compdev, compmax. An empty cell is a value not given:
// an empty history is true.
//
// Loading is strict and thorough: it reports every problem of both files
// at once, each with the file and line of the key or value at fault, as a
// compiler does.
package project
