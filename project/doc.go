// Package project loads a Sightglass project folder: project.yaml (the
// station, its devices, tags, history, alarms and security) and, optionally,
// tags.csv (more tags, as a spreadsheet exports them).
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
//	  - name: ua1
//	    driver: opcua
//	    endpoint: opc.tcp://10.0.0.5:4840/UA/Server
//	    security_policy: Basic256Sha256   # None | Basic256Sha256 (default) | Aes128_Sha256_RsaOaep | Aes256_Sha256_RsaPss
//	    security_mode: SignAndEncrypt     # None | Sign | SignAndEncrypt (default); None only with policy None
//	    identity: {username: operator, password_env: SIGHTGLASS_UA1_PASSWORD}   # or anonymous (default), or {certificate: user.der, key: user.pem}
//	    poll: 1s                  # the subscriptions' publishing interval
//	    timeout: 5s               # one service call
//	    mode: subscribe           # subscribe (default) | poll
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
//	    critical: false           # writes need a signature (password and reason); writable tags only
//	    poll: 250ms               # default: the device's
//	  - name: Area1.Tank2.Level
//	    device: ua1
//	    address: ns=2;s=Plant.Tank2.Level   # a NodeId: ns=N;s=text, i=2258, ns=N;g=GUID, ns=N;b=base64
//	    type: float64
//	    sampling: 100ms           # opcua only: sampling interval; default: the publishing interval
//	    queue: 10                 # opcua only: the server's queue of the item, 1-10000; default 1
//	    deadband: {absolute: 0.1} # opcua only, numeric tags: or {percent: 1} of the node's EURange
//	    history: {excdev: 0.5, excmax: 10m, compdev: 0.2, compmax: 8h}   # or true (default), false
//	history:
//	  raw: 365d        # keep raw samples this long; default: forever
//	  rollups: 10y     # keep the 1-minute and 1-hour rollups this long, not less than raw; default: forever
//	  partition: 24h   # span of one raw history file, 1h to 31d; default 24h
//	alarms:
//	  shelve_max: {critical: 1h, high: 2h, medium: 4h, low: 8h, diagnostic: 12h}   # the defaults
//	  require_comment: false   # acknowledging, shelving... need a comment; default false
//	  defaults: {on_delay: 2s, off_delay: 5s, realarm: 30m, ack: true, latched: false}
//	  tags:
//	    - tag: Area1.Tank1.Level
//	      area: Area1.Tank1                 # default: the tag's name without its last element
//	      suppress: not Area1.Pump1.Running # default of its alarms' suppress
//	      hihi: {limit: 95, priority: critical}
//	      hi:   {limit: 90, priority: high, deadband: 2, on_delay: 2s, off_delay: 5s, realarm: 30m,
//	             message: "Tank 1 high: {value} (limit {limit})"}
//	      lo:   {limit: 10, priority: medium, suppress: "not Area1.Pump1.Running"}
//	      lolo: {limit: 5, priority: high, latched: true, ack: true}
//	      deviation: {setpoint: Area1.Tank1.Setpoint, limit: 5, priority: low}
//	      rate: {limit: 0.5, priority: low}   # units per second
//	    - tag: Area1.Pump1.Fault
//	      state: {value: true, priority: high}   # the abnormal value
//	    - tag: _System.Devices.plc1.Connected
//	      state: {value: false, priority: diagnostic}
//	    - tag: Flow.Meter2.Total
//	      bad: {priority: diagnostic}         # bad quality
//	security:
//	  idle_timeout: 15m    # sign a user out after this long without activity; default 0: never
//	  min_password: 10     # fewest characters of a new password, 8 to 64; default 10
//	  lockout_after: 5     # consecutive failed sign-ins that lock an account, 1 to 100; default 5
//	  lockout_for: 15m     # how long an account stays locked, more than 0; default 15m
//	gateway:               # off unless given: serves the station's tags to other systems
//	  opcua: {listen: 127.0.0.1:4840, insecure: false}   # read-only and unencrypted
//	  modbus:
//	    listen: 127.0.0.1:5502
//	    tls: {cert: tls/server.pem, key: tls/server.key, client_ca: tls/ca.pem}   # optional: Modbus/TCP Security
//	    roles: {operator: gw-operator, engineer: gw-eng}   # certificate role → user (tls only)
//	    allow_plain_writes: false   # without tls: read-only unless true, and then as plain_user
//	    plain_user: gw-plain
//	    map:
//	      - {tag: Area1.Tank1.Level, area: hr, address: 0, type: float32, order: ABCD, scale: {raw: [0, 1000], eng: [0, 100]}}
//	models:                # analytic models (package models); their outputs are tags
//	  - name: Plant.Calc.TotalFlow          # a calculated tag: its output is the tag of this name
//	    expr: "Plant.Flow.Rate * 2 + 1"     # min max avg abs if(c, a, b) total(x) rate(x), expr's operators
//	  - name: Plant.P1.Health               # outputs Plant.P1.Health.<output>, per the kind
//	    kind: ewma                          # any registered kind (`sightglass models list` shows them)
//	    inputs: {x: Plant.P1.Vibration}     # role: tag
//	    params: {lambda: 0.2, L: 3}         # the kind's; omitted ones take their defaults
//	    every: 1s                           # optional; default: whenever an input changes
//	    train: 7d                           # optional, learners only: the history window to learn from
//
// Merge keys (<<: *anchor) may share settings between items.
//
// An opcua device is one OPC UA server endpoint (driver opcua, package
// drivers/opcua). It is secure by default: Basic256Sha256 with
// SignAndEncrypt, and the server's certificate must have been trusted by
// an admin (`sightglass opcua trust`) before the station talks to it; an
// untrusted certificate is kept in the data folder's pki/rejected and the
// device's tags stay bad with the reason. Security policy None goes only
// with security_mode None, and then only with the anonymous identity: a
// user name or certificate never crosses the network in the clear. A
// password is never written in the project: password_env names the
// environment variable the station reads it from when it connects (set
// it in the service's environment, e.g. systemd's Environment= or
// EnvironmentFile= with mode 0600); a certificate identity names its
// certificate and RSA key files, relative to the project folder. The
// device's poll is the publishing interval of its subscriptions (with
// mode: poll, how often its tags are read in batches instead); a tag's
// own poll gives it a subscription of that interval. Its tags address
// nodes by NodeId (namespace URIs, nsu=, are not supported) and may set
// sampling (a Go duration), queue (1 to 10000) and deadband, absolute in
// the tag's engineering units (0 or more) or percent of the node's
// EURange (0 to 100), one or the other, on numeric tags only; order does
// not apply, scale does.
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
// The alarms section (ISA-18.2) lists each tag's alarms in one entry: tag
// (one of the project's tags or a device's system tag, as on a screen)
// and one or more alarms, at most one of each kind: hihi, hi (value ≥
// limit), lo, lolo (value ≤ limit), deviation (|value − setpoint tag| ≥
// limit), rate (|change per second| ≥ limit), state (value equals the
// abnormal value) and bad (bad quality). Limit alarms are on numeric
// tags, and take limit (required), in the tag's units, and deadband (0
// or more; how far back inside the limit the value must go to clear);
// their limits keep hihi ≥ hi > lo ≥ lolo. A deviation's setpoint is a
// numeric tag (required); its limit, like a rate's, is more than zero. A
// state alarm's value (required) is true or false for a bool tag, a
// number for a numeric one (whole when the tag is an integer without a
// scale), any text for a string. Every alarm takes priority (required:
// critical, high, medium, low or diagnostic); on_delay and off_delay,
// how long the condition must hold or be gone before the alarm activates
// or clears, and realarm, after how long an acknowledged alarm still
// active annunciates again, all Go durations, 0 or more (default 0:
// none); ack, whether it needs acknowledging (default true); latched,
// whether it stays until an operator resets it (default false); message,
// its text, with the placeholders {tag} {value} {limit} {units}
// {setpoint} {priority} {rate} ({value}, {limit} and {setpoint} carry
// the units; default: one per kind); area, its group
// ("Area1.Tank1" for Area1.Tank1.Level by default); and suppress, a
// condition on tags (alarms.CheckCondition) that suppresses it by design
// while true. An entry's area and suppress are its alarms' defaults, and
// the section's defaults give on_delay, off_delay, realarm, ack and
// latched to every alarm that does not set them (a deadband is in its
// tag's units, so it is given per alarm). shelve_max is the longest an
// operator may shelve an alarm of each priority, a Go duration more than
// zero; a priority not given keeps its default.
//
// A critical tag (critical: true) is written only with an electronic
// signature: the signed-in user confirms the write with their password
// and a reason, recorded with it in the audit trail, as regulated
// industries require of such actions as resetting a motor trip. Only
// writable tags can be critical. A screen's button or setpoint can make
// its own writes critical on a tag that is not (ScreensDir).
//
// The security section sets how the station treats people (package
// auth): idle_timeout, after how long without activity the signed-in
// user is signed out (for tablets and shared PCs; the station falls back
// to a viewer session that still shows the process), a Go duration, 0 or
// more (default 0: never); min_password, the fewest characters of a new
// password, 8 to 64 (NIST SP 800-63B; default 10); lockout_after, how
// many consecutive failed sign-ins lock an account, 1 to 100 (default
// 5); and lockout_for, how long it stays locked, a Go duration more than
// zero (default 15m). The section and each key may be left out.
//
// The gateway section serves the station's tags to the systems above it
// (package gateway); each server is off unless given, and given empty
// (opcua:) it runs with its defaults. opcua is a read-only OPC UA server
// with every tag in folders that follow its asset path, its quality as
// the status code and its source timestamp; it is unencrypted (security
// None) and lets any client read, so its listen address (host:port,
// default 127.0.0.1:4840) must be loopback unless insecure is true.
// modbus is a Modbus/TCP server (listen default 127.0.0.1:5502) of the
// tags in map: each entry puts a tag (one of the project's or a device's
// system tag) at an address (0 to 65535) of an area — hr and ir hold
// numbers and strings, co and di bools — as type (default the tag's own,
// float32 for a scaled tag), order and scale as for a device's tag (the
// register holds the raw value); entries of one area must not overlap,
// and a tag may be mapped more than once. With tls (cert, key and
// client_ca, PEM files; relative paths are in the project folder) it is
// the Modbus/TCP Security profile: clients need a certificate from
// client_ca, and roles maps the role in it (the role extension, OID
// 1.3.6.1.4.1.50316.802.1) to the user whose permissions govern its
// writes. Without tls it is read-only unless allow_plain_writes is true,
// and then writes are plain_user's (required with it). Writes go through
// the station's write path: permission checked and audited; a read-only
// or critical tag refuses them.
//
// The models section configures analytic models (package models): a
// calculated tag (expr, models.CompileExpr) or an instance of a
// registered kind, with its inputs by role, its params and, optionally, a
// schedule (every) and a training window (train: a Go duration or whole
// days, weeks, years). Loading checks that the kind exists (listing the
// known ones), every required role is bound and no unknown one is, every
// input names a numeric or bool tag, the params are the kind's and in
// their ranges, a formula compiles (syntax, unknown tags, a number or
// true/false as its result), and no output name is taken by a project tag
// or another model. A formula may name another model's outputs. The
// outputs are tags like any other: alarms and screens may name them, and
// they are historized with the default settings.
//
// tags.csv starts with a header naming its columns, in any order: name,
// device, address, type (required), order, units, description, writable,
// critical (true or false, as for writable), poll, scale_raw_lo,
// scale_raw_hi, scale_eng_lo, scale_eng_hi (all four or none), history
// (true or false; yes/no and 1/0 as for writable), excdev, excmax,
// compdev, compmax. An empty cell is a value not given: an empty history
// is true, an empty critical false.
//
// Loading is strict and thorough: it reports every problem of both files
// at once, each with the file and line of the key or value at fault, as a
// compiler does.
package project
