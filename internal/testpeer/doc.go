// Package testpeer starts the third-party OPC UA peers that the tests of
// several packages run against: the node-opcua harness (server.js and
// client.js on Node.js, see NodeOPCUA) and gopcua's server in process
// (StartUAServer). Test helpers in _test.go files cannot be imported
// across packages, so they live here; only _test.go files import this
// package, which keeps it out of the binaries.
package testpeer
