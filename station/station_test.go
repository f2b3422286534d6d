package station

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/sightglass/sightglass/auth"
	"github.com/sightglass/sightglass/drivers"
	"github.com/sightglass/sightglass/project"
	"github.com/sightglass/sightglass/sim"
	"github.com/sightglass/sightglass/tags"
)

// waitFor waits until cond holds on the bus, re-checking on every change
// it publishes, or fails the test after limit.
func waitFor(t *testing.T, st *Station, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	sub := st.Bus().Subscribe("test")
	defer sub.Close()
	deadline := time.NewTimer(limit)
	defer deadline.Stop()
	for !cond() {
		select {
		case <-sub.C():
			sub.Next(nil)
		case <-deadline.C:
			t.Fatalf("%s: not within %v", what, limit)
		}
	}
}

func quality(st *Station, name string) tags.Quality {
	id, ok := st.Bus().Table().Lookup(name)
	if !ok {
		return tags.Quality{}
	}
	return st.Bus().Get(id).Quality
}

func TestDemoGoesGoodOverModbus(t *testing.T) {
	defer goleak.VerifyNone(t)
	st, err := OpenDemo(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if err := st.WaitScanned(ctx); err != nil {
		t.Fatal(err)
	}
	snap, _ := st.Bus().Snapshot(nil)
	for id, v := range snap {
		def := st.Bus().Table().Def(tags.ID(id))
		if def.Device != "" && !v.Quality.IsGood() {
			t.Errorf("%s: %v", def.Name, v.Quality)
		}
	}
	devs := st.Devices()
	if len(devs) != 2 { // the plant over Modbus TCP, and over OPC UA
		t.Errorf("devices: %+v", devs)
	}
	for _, d := range devs {
		if d.State != drivers.StateConnected || d.Requests == 0 {
			t.Errorf("device %s: %+v", d.Name, d)
		}
		if q := quality(st, "_System.Devices."+d.Name+".Connected"); !q.IsGood() {
			t.Errorf("%s: system tag quality %v", d.Name, q)
		}
	}
	st.Stop()
	st.Stop() // twice is fine
	if q := quality(st, st.Project().Tags[0].Name); q != tags.BadQuality(tags.ReasonStopped, 0) {
		t.Errorf("after Stop: %v, want bad: stopped", q)
	}
}

// writeProject writes a one-device project for a plant served at addr,
// with more sections (YAML) after its tags.
func writeProject(t *testing.T, addr string, more ...string) *project.Project {
	t.Helper()
	dir := t.TempDir()
	yaml := `station:
  name: Test station
devices:
  - name: plc1
    driver: modbus-tcp
    address: ` + addr + `
    poll: 100ms
    timeout: 200ms
tags:
` + testTagsYAML + strings.Join(more, "")
	if err := os.WriteFile(filepath.Join(dir, "project.yaml"), []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := project.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestDeviceLostTurnsBadAndComesBack(t *testing.T) {
	defer goleak.VerifyNone(t)
	srv, err := sim.Listen(t.Context(), "127.0.0.1:0", sim.New(1))
	if err != nil {
		t.Fatal(err)
	}
	addr := srv.Addr()
	st, err := New(writeProject(t, addr), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	defer st.Stop()
	level := testLevelTag
	waitFor(t, st, 5*time.Second, "first good value", func() bool { return quality(st, level).IsGood() })

	// The device goes away: within one poll (100 ms) plus the timeout the
	// tags are bad, with the reason.
	lost := time.Now()
	srv.Close()
	waitFor(t, st, 2*time.Second, "bad after the loss", func() bool { return !quality(st, level).IsGood() })
	t.Logf("bad %v after the server closed: %v", time.Since(lost).Round(time.Millisecond), quality(st, level))
	if r := quality(st, level).Reason; r != tags.ReasonNoComm && r != tags.ReasonTimeout {
		t.Errorf("reason %v", r)
	}

	// It comes back on the same address: the poller reconnects by itself.
	srv2, err := sim.Listen(t.Context(), addr, sim.New(1))
	if err != nil {
		t.Fatal(err)
	}
	defer srv2.Close()
	waitFor(t, st, 2*drivers.MaxBackoff, "good after reconnect", func() bool { return quality(st, level).IsGood() })
	if d := st.Devices()[0]; d.Reconnects == 0 || d.LastError == "" {
		t.Errorf("device stats after reconnect: %+v", d)
	}
	st.Stop()
}

func TestWritePath(t *testing.T) {
	defer goleak.VerifyNone(t)
	st, ctx := startDemo(t, 10*time.Second)
	defer st.Stop()
	op := Actor{Session: addUser(t, st, "olga", auth.Operator), From: "test"}
	old, got, err := st.Write(ctx, op, testWritable, testWriteValue)
	if err != nil {
		t.Fatal(err)
	}
	if got.Value.Float() != testWriteWant || !got.Quality.IsGood() {
		t.Errorf("read back %v %v, want %v good (old %v)", got.Value, got.Quality, testWriteWant, old.Value)
	}
	id, _ := st.Bus().Table().Lookup(testWritable)
	if v := st.Bus().Get(id); v.Value.Float() != testWriteWant {
		t.Errorf("bus after write: %v", v.Value)
	}

	_, _, err = st.Write(ctx, op, testReadOnly, "1")
	if !errors.Is(err, ErrReadOnly) {
		t.Errorf("write to a read-only tag: %v", err)
	}
	_, _, err = st.Write(ctx, op, "No.Such.Tag", "1")
	if !errors.Is(err, ErrUnknownTag) {
		t.Errorf("write to an unknown tag: %v", err)
	}
	_, _, err = st.Write(ctx, op, testWritable, "lots")
	if !errors.Is(err, ErrBadValue) {
		t.Errorf("write of text to a number: %v", err)
	}
	// The plant refuses an out-of-range setpoint with exception 3.
	_, _, err = st.Write(ctx, op, testRefused, testRefusedValue)
	var dev *drivers.DeviceError
	if !errors.As(err, &dev) || dev.Code != 3 {
		t.Errorf("out-of-range setpoint: %v, want device exception 3", err)
	}
}

// Tags of the demo plant the tests use (assets/demo, sim/REGISTERS.md).
const (
	testLevelTag     = "Plant.Tank1.Level"
	testWritable     = "Plant.V1.Position" // float32 hr:0, 0..100 %
	testWriteValue   = "40"
	testWriteWant    = 40.0
	testReadOnly     = "Plant.Tank1.Level"
	testRefused      = "Plant.Tank1.HighSetpoint" // 0.1..2.4 m: the plant answers exception 3
	testRefusedValue = "9"
	testTagsYAML     = `  - name: Plant.Tank1.Level
    device: plc1
    address: ir:0
    type: float32
    units: m
  - name: Plant.Flow.Totaliser
    device: plc1
    address: ir:8
    type: uint32
    order: CDAB
`
)
