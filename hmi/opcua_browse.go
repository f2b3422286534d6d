package hmi

import (
	"context"
	"encoding/csv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/sightglass/sightglass/drivers"
	"github.com/sightglass/sightglass/drivers/opcua"
)

// browseTimeout bounds one browse the person waits for: connect, browse
// one level, close (opcua.DefaultTimeout per service call).
const browseTimeout = 3 * opcua.DefaultTimeout

// opcuaBrowser browses a server's nodes lazily, one level when a branch
// opens, and adds the checked variables as tags. It connects with
// security None for now (the driver refuses anything else without
// trust, which the certificates above manage). All fields belong to the
// Fyne goroutine.
type opcuaBrowser struct {
	v        *OPCUAView
	endpoint *widget.Entry
	device   *widget.Entry
	connect  *widget.Button
	add      *widget.Button
	tree     *widget.Tree
	chosen   *widget.Label
	content  fyne.CanvasObject

	dev     drivers.DeviceConfig        // the server browsed
	gen     int                         // bumped by each connect; stale results are dropped
	nodes   map[string]opcua.BrowseNode // by tree uid
	kids    map[string][]string         // tree uid → children's uids, once loaded
	loading map[string]bool
	checked map[string]bool // uids of the variables to add
}

func newOPCUABrowser(v *OPCUAView) *opcuaBrowser {
	b := &opcuaBrowser{v: v}
	b.reset()
	b.endpoint = widget.NewEntry()
	b.endpoint.SetPlaceHolder("opc.tcp://host:4840/path")
	b.endpoint.OnSubmitted = func(string) { b.Connect() }
	b.device = widget.NewEntry()
	b.device.SetPlaceHolder(lang.L("Device (as in the project)"))
	b.connect = widget.NewButtonWithIcon(lang.L("Browse"), theme.SearchIcon(), b.Connect)
	b.add = widget.NewButtonWithIcon(lang.L("Add as tags"), theme.ContentAddIcon(), b.addTags)
	b.add.Disable()
	b.chosen = widget.NewLabel("")
	b.tree = &widget.Tree{
		ChildUIDs:  b.childUIDs,
		IsBranch:   b.isBranch,
		CreateNode: b.createNode,
		UpdateNode: b.updateNode,
	}
	b.tree.OnBranchOpened = func(uid string) { b.load(uid) }
	b.tree.ExtendBaseWidget(b.tree)
	top := container.NewBorder(nil, nil, widget.NewLabel(lang.L("Endpoint (security None)")), b.connect, b.endpoint)
	bottom := container.NewBorder(nil, nil, nil, container.NewHBox(b.chosen, b.add), b.device)
	b.content = container.NewBorder(top, bottom, nil, nil, b.tree)
	return b
}

// reset forgets the nodes browsed.
func (b *opcuaBrowser) reset() {
	b.gen++
	b.nodes = map[string]opcua.BrowseNode{}
	b.kids = map[string][]string{}
	b.loading = map[string]bool{}
	b.checked = map[string]bool{}
}

// Connect browses the endpoint's Objects folder, forgetting what was
// browsed before.
func (b *opcuaBrowser) Connect() {
	b.v.people.touch()
	ep := strings.TrimSpace(b.endpoint.Text)
	if err := opcua.CheckEndpoint(ep); err != nil {
		b.v.setStatus(err.Error(), widget.DangerImportance)
		return
	}
	b.reset()
	b.dev = drivers.DeviceConfig{Name: "browse", Driver: opcua.DriverName, Timeout: opcua.DefaultTimeout,
		OPCUA: drivers.OPCUAConfig{Endpoint: ep, SecurityPolicy: "None", SecurityMode: "None", PKIDir: b.v.pki}}
	b.showChosen()
	b.tree.Refresh()
	b.load("")
}

// load browses the children of uid ("" is the root) off the Fyne
// goroutine, once.
func (b *opcuaBrowser) load(uid string) {
	if _, done := b.kids[uid]; done || b.loading[uid] || b.dev.OPCUA.Endpoint == "" {
		return
	}
	start := opcua.ObjectsFolder
	if uid != "" {
		start = b.nodes[uid].NodeID
	}
	b.loading[uid] = true
	b.v.setStatus(lang.L("Browsing {{.Node}}…", map[string]any{"Node": start}), widget.MediumImportance)
	dev, gen := b.dev, b.gen
	ctx := b.v.loop.ctx
	b.v.loop.wg.Go(func() {
		cctx, cancel := context.WithTimeout(ctx, browseTimeout)
		defer cancel()
		nodes, err := opcua.Browse(cctx, dev, start, 1)
		fyne.Do(func() { b.loaded(gen, uid, nodes, err) })
	})
}

// loaded shows the children of uid browsed for connection gen.
func (b *opcuaBrowser) loaded(gen int, uid string, nodes []opcua.BrowseNode, err error) {
	if gen != b.gen {
		return
	}
	delete(b.loading, uid)
	if err != nil {
		b.v.setStatus(err.Error(), widget.DangerImportance)
		if uid != "" {
			b.tree.CloseBranch(uid)
		}
		return
	}
	ids := make([]string, 0, len(nodes))
	seen := map[string]bool{}
	for _, n := range nodes {
		cid := uid + "/" + n.NodeID
		if seen[cid] {
			continue // a server may list a node twice
		}
		seen[cid] = true
		n.Children = nil
		b.nodes[cid] = n
		ids = append(ids, cid)
	}
	b.kids[uid] = ids
	b.v.setStatus(lang.L("{{.Count}} nodes", map[string]any{"Count": len(ids)}), widget.MediumImportance)
	b.tree.Refresh()
}

func (b *opcuaBrowser) childUIDs(uid string) []string {
	if kids, ok := b.kids[uid]; ok {
		return kids
	}
	return nil
}

// isBranch: every node but a variable may have children worth browsing
// (a variable's are its properties).
func (b *opcuaBrowser) isBranch(uid string) bool {
	if uid == "" {
		return true
	}
	n, ok := b.nodes[uid]
	return ok && !n.IsVariable()
}

// createNode makes a branch's label or a variable's check box.
func (b *opcuaBrowser) createNode(branch bool) fyne.CanvasObject {
	if branch {
		return widget.NewLabel("")
	}
	return widget.NewCheck("", nil)
}

func (b *opcuaBrowser) updateNode(uid string, branch bool, o fyne.CanvasObject) {
	n := b.nodes[uid]
	if branch {
		o.(*widget.Label).SetText(n.DisplayName + "  (" + n.NodeID + ", " + n.NodeClass + ")")
		return
	}
	c := o.(*widget.Check)
	c.OnChanged = nil
	typ := n.DataType
	if typ == "" {
		typ = lang.L("no tag type")
	}
	c.SetText(n.DisplayName + "  (" + n.NodeID + ", " + typ + ")")
	c.SetChecked(b.checked[uid])
	if n.TagType() == "" {
		c.Disable()
	} else {
		c.Enable()
	}
	c.OnChanged = func(on bool) { b.check(uid, on) }
}

// check marks a variable to add, or not.
func (b *opcuaBrowser) check(uid string, on bool) {
	b.v.people.touch()
	if on {
		b.checked[uid] = true
	} else {
		delete(b.checked, uid)
	}
	b.showChosen()
}

// showChosen says how many variables are checked.
func (b *opcuaBrowser) showChosen() {
	b.chosen.SetText(lang.L("{{.Count}} chosen", map[string]any{"Count": len(b.checked)}))
	if len(b.checked) == 0 {
		b.add.Disable()
	} else {
		b.add.Enable()
	}
}

// rows are the tags.csv rows of the checked variables, in tree order.
func (b *opcuaBrowser) rows(device string) [][]string {
	var vars []opcua.BrowseNode
	var walk func(uid string)
	walk = func(uid string) {
		for _, k := range b.kids[uid] {
			if b.checked[k] {
				vars = append(vars, b.nodes[k])
			}
			walk(k)
		}
	}
	walk("")
	return opcua.TagRows(device, vars)
}

// addTags adds the checked variables as tags of the device named: the
// station appends them to tags.csv if it can (TagAdder), else the rows
// are shown to copy.
func (b *opcuaBrowser) addTags() {
	b.v.people.touch()
	device := strings.TrimSpace(b.device.Text)
	if device == "" {
		b.v.setStatus(lang.L("Name the project's device for these tags first"), widget.DangerImportance)
		return
	}
	rows := b.rows(device)
	ta, ok := b.v.st.(TagAdder)
	if !ok {
		b.showRows(rows)
		return
	}
	a := b.v.people.actor()
	b.add.Disable()
	b.v.people.runAsync(func() error { return ta.AddTags(a, rows) }, func(err error) {
		b.showChosen()
		if err != nil {
			b.v.setStatus(err.Error(), widget.DangerImportance)
			return
		}
		b.checked = map[string]bool{}
		b.showChosen()
		b.tree.Refresh()
		b.v.setStatus(lang.L("Added {{.Count}} tags to tags.csv", map[string]any{"Count": len(rows)}), widget.SuccessImportance)
	})
}

// rowsText is rows as tags.csv lines, without the header.
func rowsText(rows [][]string) string {
	var sb strings.Builder
	w := csv.NewWriter(&sb)
	w.WriteAll(rows)
	return sb.String()
}

// showRows shows the rows to append to tags.csv by hand.
func (b *opcuaBrowser) showRows(rows [][]string) {
	text := widget.NewMultiLineEntry()
	text.SetText(rowsText(rows))
	text.SetMinRowsVisible(min(max(len(rows), 3), 12))
	var pop *widget.PopUp
	closeBtn := widget.NewButton(lang.L("Close"), func() { pop.Hide() })
	copyBtn := widget.NewButtonWithIcon(lang.L("Copy"), theme.ContentCopyIcon(), func() {
		fyne.CurrentApp().Clipboard().SetContent(text.Text)
	})
	body := container.NewVBox(
		&widget.Label{Text: lang.L("Add these rows to the project's tags.csv (columns name, device, address, type), then reload the project:"), Wrapping: fyne.TextWrapWord},
		text, container.NewHBox(copyBtn, closeBtn))
	pop = widget.NewModalPopUp(container.NewPadded(body), b.v.win.Canvas())
	pop.Resize(fyne.NewSize(640, pop.MinSize().Height))
	pop.Show()
	b.v.setStatus(lang.L("{{.Count}} rows to copy", map[string]any{"Count": len(rows)}), widget.MediumImportance)
}
