package opcua

import (
	"context"
	"testing"

	"github.com/gopcua/opcua/ua"

	"github.com/sightglass/sightglass/drivers"
	"github.com/sightglass/sightglass/tags"
)

// TestSubscribeWrongTypeAndWrite: a node whose value turns into text
// while a float tag subscribes to it delivers bad quality (decode), not a
// crash, and recovers with the next number; a write while Subscribe runs
// is converted, read back and its change delivered.
func TestSubscribeWrongTypeAndWrite(t *testing.T) {
	ts := startServer(t, 0, []variable{{name: "X", value: 1.0}, {name: "Sp", value: int32(5), writable: true}})
	defs := tagDefs(
		tags.Def{Name: "T.X", Address: ts.addr("X"), Type: tags.TypeFloat64},
		tags.Def{Name: "T.Sp", Address: ts.addr("Sp"), Type: tags.TypeFloat64, Writable: true},
	)
	d := connect(t, testDevice(ts), defs)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	c := make(collector, 100)
	done := make(chan error, 1)
	go func() { done <- d.Subscribe(ctx, c.publish) }()
	seen := map[tags.ID][]tags.VQT{}
	c.initial(t, 2, seen)

	ts.set("X", "oops")
	if v := c.next(t, 0, seen); v.Quality != tags.BadQuality(tags.ReasonDecode, 0) {
		t.Errorf("text in a float tag: %v %v, want bad: decode error", v.Value, v.Quality)
	}
	ts.set("X", 2.5)
	if v := c.next(t, 0, seen); v.Value.Float() != 2.5 || !v.Quality.IsGood() {
		t.Errorf("after the text: %v %v", v.Value, v.Quality)
	}

	got, err := d.Write(ctx, 1, tags.Float(41.6)) // the node is Int32
	if err != nil || got.Value.Float() != 42 {
		t.Fatalf("Write while subscribed = %v, %v", got.Value, err)
	}
	if v := c.next(t, 1, seen); v.Value.Float() != 42 {
		t.Errorf("the written value delivered as %v", v.Value)
	}
	cancel()
	if err := <-done; err != context.Canceled {
		t.Errorf("Subscribe = %v", err)
	}
}

// TestPollingMode: mode: poll gives a driver that does not subscribe, and
// reads under the poller.
func TestPollingMode(t *testing.T) {
	ts := startServer(t, 0, []variable{{name: "X", value: 3.0}})
	dev := testDevice(ts)
	dev.OPCUA.Polling = true
	drv, err := New(dev, tagDefs(tags.Def{Name: "P.X", Address: ts.addr("X"), Type: tags.TypeFloat64}))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := drv.(drivers.Subscriber); ok {
		t.Fatal("a polling driver subscribes")
	}
	if err := drv.Connect(t.Context()); err != nil {
		t.Fatal(err)
	}
	defer drv.Close()
	out := make([]tags.VQT, 1)
	if err := drv.Read(t.Context(), 0, out); err != nil || out[0].Value.Float() != 3 {
		t.Errorf("Read = %v, %v", out[0].Value, err)
	}
	if sent, _ := drv.(drivers.RequestCounter).Requests(); sent == 0 {
		t.Error("no requests counted")
	}
}

func TestQuality(t *testing.T) {
	for _, tc := range []struct {
		s    ua.StatusCode
		want tags.Quality
	}{
		{ua.StatusOK, tags.GoodQuality},
		{ua.StatusCode(0x00A80000), tags.GoodQuality}, // GoodLocalOverride
		{ua.StatusCode(0x40920000), tags.Quality{Level: tags.Uncertain, Reason: tags.ReasonDeviceException, Code: 0x4092}}, // UncertainSensorNotAccurate
		{ua.StatusBadNodeIDUnknown, tags.BadQuality(tags.ReasonDeviceException, 0x8034)},
		{ua.StatusCode(0x808A0400), tags.BadQuality(tags.ReasonDeviceException, 0x808A)}, // info bits dropped
	} {
		if got := Quality(tc.s); got != tc.want {
			t.Errorf("Quality(%#x) = %+v, want %+v", uint32(tc.s), got, tc.want)
		}
	}
}

// TestCheckDevice: the driver's own checks, which the project's mirror.
func TestCheckDevice(t *testing.T) {
	ok := drivers.DeviceConfig{OPCUA: drivers.OPCUAConfig{Endpoint: "opc.tcp://h:4840/x", SecurityPolicy: "Basic256Sha256", SecurityMode: "Sign",
		Identity: drivers.OPCUAIdentity{Username: "u", PasswordEnv: "U_PW"}}}
	if errs := CheckDevice(&ok); len(errs) > 0 {
		t.Errorf("good device: %v", errs)
	}
	for _, mod := range []func(c *drivers.OPCUAConfig){
		func(c *drivers.OPCUAConfig) { c.Endpoint = "" },
		func(c *drivers.OPCUAConfig) { c.Endpoint = "tcp://h:1" },
		func(c *drivers.OPCUAConfig) { c.Endpoint = "opc.tcp://:4840" },
		func(c *drivers.OPCUAConfig) { c.SecurityPolicy = "Basic256" },
		func(c *drivers.OPCUAConfig) { c.SecurityMode = "None" },
		func(c *drivers.OPCUAConfig) { c.SecurityPolicy, c.SecurityMode = "None", "None" }, // with a user
		func(c *drivers.OPCUAConfig) { c.Identity.PasswordEnv = "1X" },
		func(c *drivers.OPCUAConfig) { c.Identity.CertFile = "c.der" },
		func(c *drivers.OPCUAConfig) { c.Identity = drivers.OPCUAIdentity{KeyFile: "k.pem"} },
	} {
		bad := ok
		mod(&bad.OPCUA)
		if errs := CheckDevice(&bad); len(errs) == 0 {
			t.Errorf("accepted %+v", bad.OPCUA)
		}
	}
}
