package alarms

import (
	"strconv"
	"strings"

	"github.com/sightglass/sightglass/tags"
)

// Message placeholders. {value}, {limit} and {setpoint} carry the tag's
// units ("2.31 m"), as Status.Value does; {units} is the units alone.
// {rate}, the last rate of change in units/s, is there for rate alarms.
//
// defaultMessages are the texts of alarms whose Def.Message is "".
var defaultMessages = [NumKinds]string{
	HiHi:      "{tag} high high: {value} ≥ {limit}",
	Hi:        "{tag} high: {value} ≥ {limit}",
	Lo:        "{tag} low: {value} ≤ {limit}",
	LoLo:      "{tag} low low: {value} ≤ {limit}",
	Deviation: "{tag} off setpoint: {value}, setpoint {setpoint}, ± {limit}",
	Rate:      "{tag} changing fast: {rate}, limit {limit}",
	State:     "{tag} is {value}",
	Bad:       "{tag} bad quality: {value}",
}

// render renders the alarm's message on the current values.
func (e *Engine) render(a *alarm) string {
	msg := a.def.Message
	if msg == "" {
		msg = defaultMessages[a.def.Kind]
	}
	if !strings.Contains(msg, "{") {
		return msg
	}
	sp := ""
	if a.def.Kind == Deviation {
		sp = formatVQT(e.cur[a.sp], a.units)
	}
	return strings.NewReplacer(
		"{tag}", a.def.Tag,
		"{value}", e.formatValue(a),
		"{limit}", formatLimit(a, a.st.Limit),
		"{units}", a.units,
		"{setpoint}", sp,
		"{priority}", a.def.Priority.String(),
		"{rate}", withUnits(strconv.FormatFloat(a.rate, 'g', 4, 64), rateUnits(a.units)),
	).Replace(msg)
}

// formatValue formats the alarm tag's current value with its units, or
// its quality when that is bad ("bad: no communication").
func (e *Engine) formatValue(a *alarm) string { return formatVQT(e.cur[a.tag], a.units) }

// formatVQT formats v with units; a bad one as its quality.
func formatVQT(v tags.VQT, units string) string {
	if v.Quality.Level == tags.Bad {
		return v.Quality.String()
	}
	s := v.Value.String()
	switch v.Value.Kind() {
	case tags.KindInt, tags.KindUint, tags.KindFloat:
		return withUnits(s, units)
	}
	return s
}

// formatLimit formats a limit of a with its units (units/s for a rate).
func formatLimit(a *alarm, limit float64) string {
	s := strconv.FormatFloat(limit, 'g', -1, 64)
	if a.def.Kind == Rate {
		return withUnits(s, rateUnits(a.units))
	}
	return withUnits(s, a.units)
}

func rateUnits(units string) string { return units + "/s" }

func withUnits(s, units string) string {
	if units == "" {
		return s
	}
	return s + " " + units
}
