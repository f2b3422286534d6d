package hmi

import (
	"io"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sightglass/sightglass/alarms"
)

// reportLookBack is how far before the period the report reads the
// journal: alarms.Report sees the alarms already standing at From (stale
// ones, shelves) from the records before it. A day covers the stale
// threshold (active over 24 h).
const reportLookBack = 24 * time.Hour

// alarmReportView is the alarm performance report for supervisors: a
// period and an area, then each EEMUA 191 / ISA-18.2 figure with its
// target beside it and "ok" or "over", and the ten most frequent alarms.
//
// All fields belong to the Fyne goroutine.
type alarmReportView struct {
	a       *AlarmView
	kpis    alarms.KPIs
	have    bool // kpis holds a report
	from    *widget.Entry
	to      *widget.Entry
	area    *widget.Entry
	run     *widget.Button
	export  *widget.Button
	title   *widget.Label
	figures *fyne.Container // name, value, target, verdict: four columns
	top     *fyne.Container // alarm, area, priority, count, share: five columns
	gen     uint64
	content fyne.CanvasObject
}

func newAlarmReportView(a *AlarmView) *alarmReportView {
	r := &alarmReportView{a: a}
	now := a.now()
	r.from = timeEntry(now.Add(-24 * time.Hour).Truncate(10 * time.Minute))
	r.to = timeEntry(now.Truncate(10 * time.Minute))
	r.area = placeholderEntry(lang.L("Area (all when empty)"))
	r.run = widget.NewButtonWithIcon(lang.L("Report"), theme.DocumentIcon(), r.Run)
	r.run.Importance = widget.HighImportance
	r.export = widget.NewButtonWithIcon(lang.L("Export CSV"), theme.DocumentSaveIcon(), r.exportDialog)
	r.export.Disable()
	presets := container.NewHBox()
	for _, p := range []struct {
		name string
		d    time.Duration
	}{{lang.L("Last 24 h"), 24 * time.Hour}, {lang.L("Last 7 days"), 7 * 24 * time.Hour}, {lang.L("Last 30 days"), 30 * 24 * time.Hour}} {
		presets.Add(toolbarTouch(widget.NewButton(p.name, func() { r.setPeriod(p.d) })))
	}
	r.title = &widget.Label{TextStyle: fyne.TextStyle{Bold: true}}
	r.figures = container.New(layout.NewGridLayoutWithColumns(4))
	r.top = container.New(layout.NewGridLayoutWithColumns(5))
	form := container.New(layout.NewGridLayoutWithColumns(3), labelled(lang.L("From"), r.from), labelled(lang.L("To"), r.to), r.area)
	bar := container.NewHBox(presets, toolbarTouch(r.run), toolbarTouch(r.export))
	body := container.NewVBox(r.title, r.figures, widget.NewSeparator(),
		&widget.Label{Text: lang.L("Top 10 most frequent alarms"), TextStyle: fyne.TextStyle{Bold: true}}, r.top)
	r.content = container.NewBorder(container.NewVBox(form, bar), nil, nil, nil, container.NewVScroll(body))
	return r
}

// setPeriod sets the period to the last d, on 10-minute boundaries (as
// ISA-18.2 counts), and runs the report.
func (r *alarmReportView) setPeriod(d time.Duration) {
	to := r.a.now().Truncate(10 * time.Minute)
	r.from.SetText(to.Add(-d).Format(alarmTimeLayout))
	r.to.SetText(to.Format(alarmTimeLayout))
	r.Run()
}

// Run reads the journal of the period off the Fyne goroutine, computes
// the figures and shows them.
func (r *alarmReportView) Run() {
	from, to, err := parseTimes(r.from, r.to, r.a.now().Location())
	if err != nil {
		r.a.setStatus(lang.L("Report")+": "+err.Error(), widget.DangerImportance)
		return
	}
	area := strings.TrimSpace(r.area.Text)
	r.gen++
	gen := r.gen
	var k alarms.KPIs
	r.title.SetText(lang.L("Computing…"))
	r.a.run(func() error {
		recs, err := r.a.history(alarms.Query{From: from.Add(-reportLookBack), To: to})
		if err != nil {
			return err
		}
		k = alarms.Report(recs, from, to, area)
		return nil
	}, func(err error) {
		if gen != r.gen {
			return
		}
		if err != nil {
			r.title.SetText("")
			r.a.setStatus(lang.L("Report")+": "+err.Error(), widget.DangerImportance)
			return
		}
		r.show(k)
	})
}

// show draws k: the figures with targets and verdicts, then the top ten.
func (r *alarmReportView) show(k alarms.KPIs) {
	r.kpis, r.have = k, true
	r.export.Enable()
	loc := r.a.now().Location()
	area := k.Area
	if area == "" {
		area = lang.L("all areas")
	}
	r.title.SetText(lang.L("{{.From}} to {{.To}}, {{.Area}}", map[string]any{
		"From": k.From.In(loc).Format(alarmTimeLayout), "To": k.To.In(loc).Format(alarmTimeLayout), "Area": area}))

	objs := []fyne.CanvasObject{
		boldLabel(lang.L("Figure")), boldLabel(lang.L("Value")), boldLabel(lang.L("Target")), boldLabel(""),
	}
	for _, f := range k.Figures() {
		verdict := &widget.Label{Text: "✓ " + lang.L("ok")}
		if f.Target == "" {
			verdict.Text = ""
		} else if !f.OK {
			// Over target: the one place the report has colour, with
			// the word and a mark for whoever cannot see it.
			verdict.Text = "✗ " + lang.L("over")
			verdict.Importance = widget.DangerImportance
			verdict.TextStyle.Bold = true
		}
		objs = append(objs, widget.NewLabel(figureName(f)), widget.NewLabel(f.Text()), widget.NewLabel(f.Target), verdict)
	}
	r.figures.Objects = objs
	r.figures.Refresh()

	top := []fyne.CanvasObject{boldLabel(lang.L("Alarm")), boldLabel(lang.L("Area")), boldLabel(lang.L("Priority")),
		boldLabel(lang.L("Count")), boldLabel(lang.L("Share"))}
	for _, c := range k.Top {
		top = append(top, widget.NewLabel(c.Alarm), widget.NewLabel(c.Area), widget.NewLabel(priorityName(c.Priority)),
			widget.NewLabel(strconv.Itoa(c.Count)), widget.NewLabel(strconv.FormatFloat(c.SharePct, 'f', 1, 64)+" %"))
	}
	r.top.Objects = top
	r.top.Refresh()
}

func boldLabel(text string) *widget.Label {
	return &widget.Label{Text: text, TextStyle: fyne.TextStyle{Bold: true}}
}

// exportDialog saves the report with KPIs.WriteCSV.
func (r *alarmReportView) exportDialog() {
	if r.a.win == nil || !r.have {
		return
	}
	k := r.kpis
	saveCSV(r.a, "alarm-report-"+k.To.In(r.a.now().Location()).Format("20060102-1504")+".csv", func(w io.Writer) error {
		return k.WriteCSV(w)
	})
}

// figureName is a figure's name, translated by its key; a figure this
// build does not know keeps the report's English name.
func figureName(f alarms.Figure) string {
	switch f.Key {
	case "annunciated":
		return lang.L("Annunciated alarms")
	case "hidden":
		return lang.L("Activations hidden (shelved, suppressed, out of service)")
	case "per_10min":
		return lang.L("Alarms per 10 minutes (average)")
	case "per_day":
		return lang.L("Alarms per day (average)")
	case "peak_10min":
		return lang.L("Peak alarms in 10 minutes")
	case "flood_pct":
		return lang.L("Time in flood (> 10 alarms in 10 min)")
	case "top10_pct":
		return lang.L("Top-10 alarms' share of the load")
	case "chattering":
		return lang.L("Chattering alarms (≥ 3 in 60 s)")
	case "stale":
		return lang.L("Stale alarms (active > 24 h)")
	case "prio_high_pct":
		return lang.L("Priority high (with critical)")
	case "prio_medium_pct":
		return lang.L("Priority medium")
	case "prio_low_pct":
		return lang.L("Priority low")
	}
	return f.Name
}
