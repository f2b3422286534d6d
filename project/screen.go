package project

// Screen is one process screen: a file screens/NAME.yaml of the project.
// Screens form the ISA-101 display hierarchy, from the plant overview (L1)
// down to equipment diagnostics (L4).
type Screen struct {
	Name     string  // the file name without .yaml: how other screens refer to it
	File     string  // path, for messages
	Level    int     // 1 overview, 2 area, 3 equipment, 4 diagnostics
	Title    string  // shown in the frame and the screen tree
	Parent   string  // the screen above it in the tree; "" for an L1 screen
	Width    float32 // design size, in design pixels; the screen scales to the window
	Height   float32
	Elements []Element
}

// ElementKind is what an element draws.
type ElementKind string

// The element kinds a screen can place.
const (
	KindValue      ElementKind = "value"      // a tag's value with units and quality
	KindIndicator  ElementKind = "indicator"  // ISA-101 moving analog indicator: value against normal range and alarm limits
	KindBar        ElementKind = "bar"        // vertical or horizontal bar
	KindTank       ElementKind = "tank"       // a tank outline filled to the level
	KindState      ElementKind = "state"      // a bool as text: on/off texts
	KindMultiState ElementKind = "multistate" // an integer as text from a table
	KindSymbol     ElementKind = "symbol"     // pump, valve, motor or fan (SVG from assets), coloured by state
	KindPipe       ElementKind = "pipe"       // a polyline
	KindRect       ElementKind = "rect"       // a static shape
	KindLabel      ElementKind = "label"      // static text
	KindSparkline  ElementKind = "sparkline"  // the last minutes of a tag from the historian
	KindButton     ElementKind = "button"     // command: momentary (writes 1, then 0) or toggle
	KindSetpoint   ElementKind = "setpoint"   // a value entry that writes the tag
	KindNav        ElementKind = "nav"        // opens another screen, or a faceplate as a pop-up
)

// Element is one placed element of a screen. Which fields apply depends on
// Kind; the loader reports a field that does not apply.
type Element struct {
	Kind       ElementKind
	Line       int     // line in the screen file, for messages
	X, Y, W, H float32 // design pixels, from the screen's top left

	Tag    string // the bound tag (value, indicator, bar, tank, state, multistate, symbol, sparkline, button, setpoint)
	Text   string // label text; button caption; nav caption
	Format string // value: printf verb for numbers, as "%.1f"; default from the value

	// Ranges in engineering units (indicator, bar, tank; optional
	// elsewhere). Zero values mean "not set".
	Min, Max               float64
	NormalLo, NormalHi     float64 // the normal operating band (indicator)
	AlarmLo, AlarmHi       float64 // alarm limits (indicator, bar, tank): crossing them is abnormal
	HasNormal, HasAlarmLim bool
	HasAlarmLo, HasAlarmHi bool // which alarm limits are set (HasAlarmLim: either); 0 is a real limit

	OnText, OffText string         // state: texts for true and false
	States          map[int]string // multistate: value → text (a bool tag is 0 or 1)
	Abnormal        []int          // multistate: values shown as abnormal

	Symbol  string // symbol: pump, valve, motor or fan
	Running string // symbol: a bool tag for running/open (default: Tag)
	Fault   string // symbol: a bool tag for fault/tripped (shown abnormal)

	Points     [][2]float32 // pipe: the polyline, design pixels
	Horizontal bool         // bar: horizontal instead of vertical
	Minutes    int          // sparkline: how far back (default 10)

	Mode  string  // button: "momentary" or "toggle"
	Value float64 // button (momentary): the value written on press (default 1)
	// Critical (button, setpoint): the write needs the signed-in user's
	// password and a reason, as for a critical tag.
	Critical bool

	Target    string // nav: the screen it opens
	Faceplate bool   // nav: open Target as a pop-up over this screen
}
