package modbus

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sightglass/sightglass/drivers"
	"github.com/sightglass/sightglass/tags"
)

const python = "/usr/bin/python3"

// pymodbusData is the device both Python servers serve. The registers are
// packed by pymodbus's own BinaryPayloadBuilder, an encoder independent
// of ours, in each byte order (byteorder, wordorder: Big/Big is ABCD,
// Big/Little CDAB, Little/Big BADC, Little/Little DCBA).
const pymodbusData = `
import asyncio, sys
from pymodbus.constants import Endian
from pymodbus.payload import BinaryPayloadBuilder
from pymodbus.datastore import ModbusSequentialDataBlock, ModbusSlaveContext, ModbusServerContext

def put(table, addr, add, value, byteorder=Endian.Big, wordorder=Endian.Big):
    b = BinaryPayloadBuilder(byteorder=byteorder, wordorder=wordorder)
    getattr(b, add)(value)
    r = b.to_registers()
    table[addr:addr + len(r)] = r

hr, ir = [0] * 200, [0] * 200
co, di = [False] * 64, [False] * 64
hr[0] = 0x1234
put(hr, 10, "add_32bit_float", 3.25)
put(hr, 20, "add_32bit_int", -123456, Endian.Big, Endian.Little)
put(hr, 30, "add_64bit_float", -1234.5678)
put(hr, 40, "add_string", b"PUMP-01\x00")
put(hr, 50, "add_16bit_int", -7, Endian.Little)
put(hr, 60, "add_64bit_uint", 0x0102030405060708, Endian.Little, Endian.Little)
hr[70] = 0b100100
ir[0] = 321
put(ir, 5, "add_32bit_int", -2)
co[3] = True
di[5] = True

store = ModbusSlaveContext(
    co=ModbusSequentialDataBlock(0, co), di=ModbusSequentialDataBlock(0, di),
    hr=ModbusSequentialDataBlock(0, hr), ir=ModbusSequentialDataBlock(0, ir), zero_mode=True)
context = ModbusServerContext(slaves=store, single=True)

async def serve(server, started):
    task = asyncio.create_task(server.serve_forever())
    done, _ = await asyncio.wait([task, started], return_when=asyncio.FIRST_COMPLETED)
    if task in done:
        print("failed", task.exception(), flush=True)
        sys.exit(2)
    print("ready", flush=True)
    # Run until the test closes stdin.
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
`

const pymodbusTCP = pymodbusData + `
from pymodbus.server.async_io import ModbusTcpServer
from pymodbus.framer.socket_framer import ModbusSocketFramer

async def main():
    server = ModbusTcpServer(context, framer=ModbusSocketFramer,
                             address=("127.0.0.1", int(sys.argv[1])), allow_reuse_address=True)
    await serve(server, server.serving)

asyncio.run(main())
`

const pymodbusRTU = pymodbusData + `
from pymodbus.server.async_io import ModbusSerialServer
from pymodbus.framer.rtu_framer import ModbusRtuFramer

async def main():
    server = ModbusSerialServer(context, framer=ModbusRtuFramer, port=sys.argv[1],
                                baudrate=19200, bytesize=8, parity="N", stopbits=1)
    await server.start()
    started = asyncio.get_running_loop().create_future()
    started.set_result(True)
    await serve(server, started)

asyncio.run(main())
`

// pymodbusTags are the tags of pymodbusData, and their values.
var pymodbusTags = []struct {
	addr, typ, order string
	want             tags.Value
	exception        uint16 // the code the server answers with, if it refuses
}{
	{"hr:0", "uint16", "", tags.Uint(0x1234), 0},
	{"hr:10", "float32", "ABCD", tags.Float(3.25), 0},
	{"hr:20", "int32", "CDAB", tags.Int(-123456), 0},
	{"hr:30", "float64", "", tags.Float(-1234.5678), 0},
	{"hr:40", "string:8", "", tags.String("PUMP-01"), 0},
	{"hr:50", "int16", "BADC", tags.Int(-7), 0},
	{"hr:60", "uint64", "DCBA", tags.Uint(0x0102030405060708), 0},
	{"hr:70.2", "bool", "", tags.Bool(true), 0},
	{"hr:70.3", "bool", "", tags.Bool(false), 0},
	{"hr:70.5", "bool", "", tags.Bool(true), 0},
	{"ir:0", "uint16", "", tags.Uint(321), 0},
	{"ir:5", "int32", "", tags.Int(-2), 0},
	{"hr:500", "uint16", "", tags.Value{}, 2}, // past the server's 200 registers
	{"co:3", "bool", "", tags.Bool(true), 0},
	{"co:4", "bool", "", tags.Bool(false), 0},
	{"di:5", "bool", "", tags.Bool(true), 0},
	{"hr:80", "float32", "", tags.Float(0), 0}, // written below
}

func pymodbusDefs() []*tags.Def {
	specs := make([]string, len(pymodbusTags))
	for i, c := range pymodbusTags {
		specs[i] = c.addr + " " + c.typ
	}
	defs := tagsAt(specs...)
	for i, c := range pymodbusTags {
		defs[i].Order = c.order
	}
	defs[len(defs)-1].Writable = true         // hr:80
	defs[len(pymodbusTags)-3].Writable = true // co:4
	return defs
}

// checkPymodbusDevice reads every tag, writes two and reads them back.
func checkPymodbusDevice(t *testing.T, d drivers.Driver, defs []*tags.Def) {
	t.Helper()
	got := readAll(t, d)
	for i, c := range pymodbusTags {
		wantQ := tags.GoodQuality
		if c.exception != 0 {
			wantQ = tags.BadQuality(tags.ReasonDeviceException, c.exception)
		}
		if v := got[defs[i].ID]; v.Quality != wantQ || !v.Value.Equal(c.want) {
			t.Errorf("%s %s %s: %v (%v), want %v (%v)", c.addr, c.typ, c.order, v.Value, v.Quality, c.want, wantQ)
		}
	}
	writes := []struct {
		id tags.ID
		v  tags.Value
	}{{defs[len(defs)-1].ID, tags.Float(12.5)}, {defs[len(defs)-3].ID, tags.Bool(true)}}
	for _, w := range writes {
		vqt, err := d.Write(context.Background(), w.id, w.v)
		if err != nil || !vqt.Quality.IsGood() || !vqt.Value.Equal(w.v) {
			t.Errorf("Write(%s, %v) = %v (%v), %v", defs[w.id].Address, w.v, vqt.Value, vqt.Quality, err)
		}
	}
	got = readAll(t, d)
	for _, w := range writes {
		if v := got[w.id]; !v.Value.Equal(w.v) {
			t.Errorf("after writing %v to %s the server holds %v", w.v, defs[w.id].Address, v.Value)
		}
	}
}

// needPython skips the test without python3 and pymodbus.
func needPython(t *testing.T, modules ...string) {
	t.Helper()
	if _, err := os.Stat(python); err != nil {
		t.Skipf("%s is missing: %v", python, err)
	}
	for _, m := range modules {
		if out, err := exec.Command(python, "-c", "import "+m).CombinedOutput(); err != nil {
			t.Skipf("python module %s is missing (apt-get install python3-%s): %v %s", m, m, err, out)
		}
	}
}

// startPython runs script with args until the test ends and waits for it
// to print "ready"; it returns false if it printed "failed".
func startPython(t *testing.T, script string, args ...string) bool {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "server.py")
	if err := os.WriteFile(path, []byte(script), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(python, append([]string{path}, args...)...)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr, err := os.Create(filepath.Join(dir, "stderr"))
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	stopped := false
	stop := func() {
		if stopped {
			return
		}
		stopped = true
		stdin.Close() // the script exits when its stdin closes
		exited := make(chan struct{})
		timer := time.AfterFunc(5*time.Second, func() { cmd.Process.Kill() })
		go func() { cmd.Wait(); close(exited) }()
		<-exited
		timer.Stop()
		stderr.Close()
	}
	t.Cleanup(stop)
	status := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if l := sc.Text(); strings.HasPrefix(l, "ready") || strings.HasPrefix(l, "failed") {
				select {
				case status <- l:
				default:
				}
			}
		}
		io.Copy(io.Discard, stdout)
		select {
		case status <- "exited":
		default:
		}
	}()
	select {
	case s := <-status:
		if s == "ready" {
			return true
		}
		stop()
		log, _ := os.ReadFile(stderr.Name())
		t.Logf("python server: %s\n%s", s, log)
		return false
	case <-time.After(30 * time.Second):
		t.Fatal("the python server did not start within 30s")
	}
	return false
}

// TestPymodbusTCP reads and writes a Debian python3-pymodbus TCP server.
func TestPymodbusTCP(t *testing.T) {
	needPython(t, "pymodbus")
	var addr string
	for attempt := 0; ; attempt++ {
		addr = freePort(t)
		_, port, _ := net.SplitHostPort(addr)
		if startPython(t, pymodbusTCP, port) {
			break
		}
		if attempt == 3 {
			t.Fatal("the pymodbus server did not start")
		}
	}
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second) // the port accepts
	if err != nil {
		t.Fatal(err)
	}
	conn.Close()
	defs := pymodbusDefs()
	d := connect(t, tcpDevice(addr), defs)
	checkPymodbusDevice(t, d, defs)
	checkWithMbpoll(t, addr)
}

// checkWithMbpoll reads hr:80 (float32 12.5 = 0x41480000) with a third
// client, mbpoll, when it is installed.
func checkWithMbpoll(t *testing.T, addr string) {
	mbpoll, err := exec.LookPath("mbpoll")
	if err != nil {
		return
	}
	host, port, _ := net.SplitHostPort(addr)
	out, err := exec.Command(mbpoll, "-m", "tcp", "-p", port, "-a", "1", "-0", "-r", "80", "-c", "2", "-t", "4:hex", "-1", host).CombinedOutput()
	if err != nil {
		t.Errorf("mbpoll: %v\n%s", err, out)
		return
	}
	if !bytes.Contains(out, []byte("[80]: \t0x4148")) || !bytes.Contains(out, []byte("[81]: \t0x0000")) {
		t.Errorf("mbpoll does not see 0x4148 0x0000 at hr:80:\n%s", out)
	}
}

// TestPymodbusRTU reads and writes a python3-pymodbus RTU server over a
// pseudo-terminal pair made by socat.
func TestPymodbusRTU(t *testing.T) {
	needPython(t, "pymodbus", "serial", "serial_asyncio")
	socat, err := exec.LookPath("socat")
	if err != nil {
		t.Skip("socat is missing")
	}
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	startSocat(t, socat, a, b)
	if !startPython(t, pymodbusRTU, a) {
		t.Fatal("the pymodbus RTU server did not start")
	}
	dev := drivers.DeviceConfig{Name: "rtu1", Driver: DriverRTU, Address: b, Unit: 1, Poll: time.Second,
		Timeout: 2 * time.Second, MaxGap: 4, Serial: drivers.SerialConfig{Baud: 19200, Parity: "N", DataBits: 8, StopBits: 1}}
	defs := pymodbusDefs()
	factory, _ := drivers.Lookup(DriverRTU)
	d, err := factory(dev, defs)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Connect(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	checkPymodbusDevice(t, d, defs)
	if sent, failed := d.(drivers.RequestCounter).Requests(); failed != 2 { // hr:500, read twice
		t.Errorf("%d of %d requests failed, want 2 (the exceptions)", failed, sent)
	}
}

// startSocat links a pair of pseudo-terminals at a and b until the test
// ends; it returns once socat reports that both exist.
func startSocat(t *testing.T, socat, a, b string) {
	t.Helper()
	cmd := exec.Command(socat, "-d", "-d", "pty,raw,echo=0,link="+a, "pty,raw,echo=0,link="+b)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	started := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if strings.Contains(sc.Text(), "starting data transfer loop") {
				select {
				case started <- true:
				default:
				}
			}
		}
		close(started)
	}()
	select {
	case ok := <-started:
		if !ok {
			t.Fatal("socat exited before linking the terminals")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("socat did not start within 10s")
	}
}
