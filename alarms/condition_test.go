package alarms

import (
	"strings"
	"testing"
	"time"

	"github.com/sightglass/sightglass/tags"
)

// conditionTags is the tag set the condition tests name.
var conditionTags = []string{
	"Plant.P1", "Plant.P1.Running", "Plant.P1.Auto", "Plant.Tank1.Level", "Plant.P-101.Running",
	"Plant.P1.Speed", "Plant.P2.Speed", "Plant.Mode", "_System.Devices.plant.Connected", "Zone.Ünïcode.Wert",
}

func conditionLookup(name string) (tags.ID, bool) {
	for i, n := range conditionTags {
		if n == name {
			return tags.ID(i), true
		}
	}
	return 0, false
}

func conditionKnown(name string) bool { _, ok := conditionLookup(name); return ok }

func TestCheckConditionAccepts(t *testing.T) {
	for _, src := range []string{
		"not Plant.P1.Running",
		"Plant.P1.Running",
		"Plant.Tank1.Level < 0.5 and Plant.P1.Auto",
		"not Plant.P-101.Running",
		"Plant.P1.Speed-Plant.P2.Speed > 3",
		"abs(Plant.P1.Speed - Plant.P2.Speed) > 3",
		`Plant.Mode == "MAINT" || Plant.Mode == 'Plant.P1.Running'`,
		"not _System.Devices.plant.Connected",
		"Zone.Ünïcode.Wert >= 1",
		"Plant.P1.Running != true",
	} {
		if err := CheckCondition(src, conditionKnown); err != nil {
			t.Errorf("CheckCondition(%q): %v", src, err)
		}
	}
}

func TestCheckConditionRefuses(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"not Plant.P9.Running", `unknown tag "Plant.P9.Running"`},
		{"Plant.P1.Running and Plant.P-102.Running", `unknown tag "Plant.P-102.Running"`},
		{"1 + 2", "must be true or false"},
		{"Plant.P1.Running and", "condition"},
		{"_0", `unknown tag "_0"`},
		{"", "empty"},
		{"Plant.P1.Running (", "column"},
	} {
		err := CheckCondition(tc.src, conditionKnown)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("CheckCondition(%q) = %v, want an error with %q", tc.src, err, tc.want)
		}
	}
}

func TestConditionEval(t *testing.T) {
	now := time.Unix(1000, 0)
	vals := make([]tags.VQT, len(conditionTags))
	for i := range vals {
		vals[i] = tags.VQT{Value: tags.Float(0), Quality: tags.GoodQuality, Time: now}
	}
	set := func(name string, v tags.Value) {
		id, _ := conditionLookup(name)
		vals[id].Value = v
	}
	get := func(id tags.ID) tags.VQT { return vals[id] }
	set("Plant.P1.Running", tags.Bool(false))
	set("Plant.P1.Auto", tags.Bool(true))
	set("Plant.Tank1.Level", tags.Float32(0.4))
	set("Plant.P1.Speed", tags.Int(10))
	set("Plant.P2.Speed", tags.Float(5.5))

	c, err := CompileCondition("Plant.Tank1.Level < 0.5 and Plant.P1.Auto and not Plant.P1.Running", conditionLookup)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Tags(); len(got) != 3 || got[0] != 3 || got[1] != 2 || got[2] != 1 {
		t.Errorf("Tags() = %v, want [3 2 1]", got)
	}
	if !c.Eval(get) {
		t.Errorf("Eval = false, want true (%v)", c.Err())
	}
	set("Plant.P1.Running", tags.Bool(true))
	if c.Eval(get) {
		t.Error("Eval = true with the pump running")
	}
	set("Plant.P1.Running", tags.Bool(false))
	vals[2].Quality = tags.BadQuality(tags.ReasonNoComm, 0)
	if c.Eval(get) {
		t.Error("Eval = true with a bad-quality tag; a condition on data the station lacks is false")
	}
	vals[2].Quality = tags.GoodQuality

	d, err := CompileCondition("Plant.P1.Speed-Plant.P2.Speed > 4", conditionLookup)
	if err != nil {
		t.Fatal(err)
	}
	if !d.Eval(get) {
		t.Errorf("10 - 5.5 > 4 = false (%v)", d.Err())
	}

	// A number where a bool belongs fails at run time: false, with Err.
	e, err := CompileCondition("not Plant.Tank1.Level", conditionLookup)
	if err != nil {
		t.Fatal(err)
	}
	if e.Eval(get) || e.Err() == nil {
		t.Errorf("not <float> = true or no error (%v)", e.Err())
	}
}

// The engine types each tag by the table: a misplaced type is refused when
// the engine is built, not found at run time.
func TestTableConditionTyped(t *testing.T) {
	table := tags.NewTable([]tags.Def{
		{Name: "Plant.P1.Running", Type: tags.TypeBool},
		{Name: "Plant.Tank1.Level", Type: tags.TypeFloat32},
		{Name: "Plant.P1.Starts", Type: tags.TypeUint16},
		{Name: "Plant.Mode", Type: tags.TypeString, StrLen: 8},
	})
	for _, tc := range []struct{ src, want string }{
		{"Plant.Tank1.Level + 1", "must be true or false"},
		{"not Plant.Tank1.Level", "not"},
		{"Plant.Mode > 3", ">"},
	} {
		if _, err := compileTableCondition(tc.src, table); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("compile %q = %v, want an error with %q", tc.src, err, tc.want)
		}
	}
	c, err := compileTableCondition(`Plant.P1.Running and Plant.P1.Starts > 3 and Plant.Tank1.Level < 0.5 and Plant.Mode == "AUTO"`, table)
	if err != nil {
		t.Fatal(err)
	}
	vals := []tags.VQT{
		{Value: tags.Int(1), Quality: tags.GoodQuality}, // a driver publishing a coil as 1
		{Value: tags.Float32(0.25), Quality: tags.GoodQuality},
		{Value: tags.Uint(4), Quality: tags.GoodQuality},
		{Value: tags.String("AUTO"), Quality: tags.GoodQuality},
	}
	if !c.Eval(func(id tags.ID) tags.VQT { return vals[id] }) {
		t.Errorf("Eval = false (%v)", c.Err())
	}
}
