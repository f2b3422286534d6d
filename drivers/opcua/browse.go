package opcua

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/gopcua/opcua"
	"github.com/gopcua/opcua/id"
	"github.com/gopcua/opcua/ua"

	"github.com/sightglass/sightglass/drivers"
	"github.com/sightglass/sightglass/tags"
)

// Browsing bounds.
const (
	// ObjectsFolder is where browsing starts when no node is given
	// (Part 5 §8.2.4: the Objects folder, i=85).
	ObjectsFolder = "i=85"
	// MaxBrowseNodes bounds one Browse, so that a deep browse of a large
	// server cannot grow without bound; past it Browse returns what it
	// found with ErrBrowseLimit.
	MaxBrowseNodes = 10000
	// browsePerCall is how many nodes one Browse request asks about; the
	// spec states no limit by default (Part 5 §6.3.11 MaxNodesPerBrowse),
	// servers commonly take a few hundred.
	browsePerCall = 100
	// DefaultStringLen is the length a string variable's tags.csv row
	// gives it (string:N); OPC UA strings have no fixed length, so the
	// engineer may change it.
	DefaultStringLen = 64
)

// ErrBrowseLimit is wrapped by the error of a Browse that stopped at
// MaxBrowseNodes nodes; the nodes it returns are those found until then.
var ErrBrowseLimit = errors.New("browse stopped at the node limit")

// BrowseNode is one node found by Browse.
type BrowseNode struct {
	NodeID      string // as a tag's address takes it: ns=2;s=Pump1.Speed, i=2258
	BrowseName  string // ns:name when ns is not 0
	DisplayName string
	NodeClass   string // Object, Variable, Method, ObjectType, ...
	// DataType is a variable's type as the project names it (bool, int16,
	// ..., float64, string), "" when no tag type maps it (structures,
	// arrays, DateTime, a type not read).
	DataType string
	// UAType is the OPC UA built-in type name of a variable (Double,
	// Int32, ...) or its DataType NodeId when it is not built in.
	UAType   string
	Children []BrowseNode // down to the depth asked for
}

// IsVariable reports whether n is a variable, which can be a tag.
func (n BrowseNode) IsVariable() bool { return n.NodeClass == "Variable" }

// TagType is the type a tags.csv row gives n: DataType, with a length for
// strings; "" when n cannot be a tag.
func (n BrowseNode) TagType() string {
	switch {
	case !n.IsVariable() || n.DataType == "":
		return ""
	case n.DataType == tags.TypeString.String():
		return fmt.Sprintf("string:%d", DefaultStringLen)
	}
	return n.DataType
}

// Browser is an open session for browsing a server, made with the
// driver's connection, security and trust code: a server certificate
// that is not trusted fails as it does for the driver (UntrustedError).
type Browser struct {
	d *Driver
}

// DialBrowser opens a session to dev's server for browsing. dev needs
// only its OPCUA settings (endpoint, policy, mode, identity, PKIDir) and
// optionally Name and Timeout.
func DialBrowser(ctx context.Context, dev drivers.DeviceConfig) (*Browser, error) {
	if dev.Name == "" {
		dev.Name = "browse"
	}
	if dev.Driver == "" {
		dev.Driver = DriverName
	}
	d, err := NewDriver(dev, nil)
	if err != nil {
		return nil, err
	}
	if err := d.Connect(ctx); err != nil {
		return nil, err
	}
	return &Browser{d: d}, nil
}

// Close closes the session.
func (b *Browser) Close() error { return b.d.Close() }

// Browse opens a session to dev's server, browses it (see Browser.Browse)
// and closes the session.
func Browse(ctx context.Context, dev drivers.DeviceConfig, start string, depth int) ([]BrowseNode, error) {
	b, err := DialBrowser(ctx, dev)
	if err != nil {
		return nil, err
	}
	defer b.Close()
	return b.Browse(ctx, start, depth)
}

// Browse returns the nodes below start (a NodeId; "" is the Objects
// folder) along hierarchical references, depth levels deep (less than 1
// is 1), each level in one batched Browse and one batched Read of the
// variables' DataType and ValueRank. A node reached twice is listed each
// time but browsed once. Nodes on other servers are left out.
func (b *Browser) Browse(ctx context.Context, start string, depth int) ([]BrowseNode, error) {
	if start == "" {
		start = ObjectsFolder
	}
	sid, err := ParseNodeID(start)
	if err != nil {
		return nil, err
	}
	depth = max(depth, 1)
	c, lim, err := b.d.conn()
	if err != nil {
		return nil, err
	}
	root := &BrowseNode{NodeID: sid.String()}
	seen := map[string]bool{root.NodeID: true}
	level := []*BrowseNode{root}
	total := 0
	for l := 0; l < depth && len(level) > 0; l++ {
		if err := b.browseLevel(ctx, c, level); err != nil {
			return nil, err
		}
		var next, vars []*BrowseNode
		for _, p := range level {
			for i := range p.Children {
				n := &p.Children[i]
				total++
				if n.IsVariable() {
					vars = append(vars, n)
				}
				if !seen[n.NodeID] {
					seen[n.NodeID] = true
					next = append(next, n)
				}
			}
		}
		if err := b.readTypes(ctx, c, lim.nodesPerRead, vars); err != nil {
			return nil, err
		}
		if total >= MaxBrowseNodes && l+1 < depth {
			return root.Children, fmt.Errorf("%w: %d nodes; browse a node further down", ErrBrowseLimit, total)
		}
		level = next
	}
	return root.Children, nil
}

// browseLevel sets the Children of each parent, browsePerCall parents a
// request, following continuation points.
func (b *Browser) browseLevel(ctx context.Context, c *opcua.Client, parents []*BrowseNode) error {
	d := b.d
	for s := 0; s < len(parents); s += browsePerCall {
		part := parents[s:min(s+browsePerCall, len(parents))]
		req := &ua.BrowseRequest{
			View:                          &ua.ViewDescription{ViewID: ua.NewTwoByteNodeID(0)},
			RequestedMaxReferencesPerNode: 0, // Part 4 §5.8.2.2: 0 is no limit; servers may still page
			NodesToBrowse:                 make([]*ua.BrowseDescription, len(part)),
		}
		for i, p := range part {
			nid, err := ParseNodeID(p.NodeID)
			if err != nil {
				return err
			}
			req.NodesToBrowse[i] = &ua.BrowseDescription{
				NodeID:          nid.UA(),
				BrowseDirection: ua.BrowseDirectionForward,
				ReferenceTypeID: ua.NewNumericNodeID(0, id.HierarchicalReferences),
				IncludeSubtypes: true,
				NodeClassMask:   0, // every class
				ResultMask:      uint32(ua.BrowseResultMaskAll),
			}
		}
		tctx, cancel := context.WithTimeout(ctx, d.timeout)
		d.sent.Add(1)
		res, err := c.Browse(tctx, req)
		if err != nil {
			d.failed.Add(1)
			err = d.ioError(tctx, "browse", err)
			cancel()
			return err
		}
		cancel()
		if bad := res.ResponseHeader.ServiceResult; bad != ua.StatusOK {
			d.failed.Add(1)
			return d.wrap("browse", fmt.Errorf("service result %s", statusName(bad)))
		}
		if len(res.Results) != len(part) {
			return d.wrap("browse", fmt.Errorf("%d results for %d nodes", len(res.Results), len(part)))
		}
		for i, r := range res.Results {
			if r.StatusCode != ua.StatusOK {
				return d.wrap("browse", fmt.Errorf("%s: %s", part[i].NodeID, statusName(r.StatusCode)))
			}
			refs := r.References
			cp := r.ContinuationPoint
			for len(cp) > 0 && len(refs) < MaxBrowseNodes {
				more, next, err := b.browseNext(ctx, c, cp)
				if err != nil {
					return err
				}
				refs, cp = append(refs, more...), next
			}
			part[i].Children = children(refs)
		}
	}
	return nil
}

// browseNext fetches the next references of a continuation point.
func (b *Browser) browseNext(ctx context.Context, c *opcua.Client, cp []byte) ([]*ua.ReferenceDescription, []byte, error) {
	d := b.d
	tctx, cancel := context.WithTimeout(ctx, d.timeout)
	defer cancel()
	d.sent.Add(1)
	res, err := c.BrowseNext(tctx, &ua.BrowseNextRequest{ContinuationPoints: [][]byte{cp}})
	if err != nil {
		d.failed.Add(1)
		return nil, nil, d.ioError(tctx, "browse next", err)
	}
	if bad := res.ResponseHeader.ServiceResult; bad != ua.StatusOK || len(res.Results) != 1 {
		d.failed.Add(1)
		return nil, nil, d.wrap("browse next", fmt.Errorf("service result %s", statusName(bad)))
	}
	r := res.Results[0]
	if r.StatusCode != ua.StatusOK {
		return nil, nil, d.wrap("browse next", fmt.Errorf("%s", statusName(r.StatusCode)))
	}
	return r.References, r.ContinuationPoint, nil
}

// children turns references into nodes, leaving out nodes on other
// servers and NodeIds the driver cannot address.
func children(refs []*ua.ReferenceDescription) []BrowseNode {
	out := make([]BrowseNode, 0, len(refs))
	for _, r := range refs {
		if r.NodeID == nil || r.NodeID.NodeID == nil || r.NodeID.ServerIndex != 0 || r.NodeID.NamespaceURI != "" {
			continue
		}
		nid, err := ParseNodeID(r.NodeID.NodeID.String())
		if err != nil {
			continue
		}
		n := BrowseNode{NodeID: nid.String(), NodeClass: strings.TrimPrefix(r.NodeClass.String(), "NodeClass")}
		if q := r.BrowseName; q != nil {
			n.BrowseName = q.Name
			if q.NamespaceIndex != 0 {
				n.BrowseName = fmt.Sprintf("%d:%s", q.NamespaceIndex, q.Name)
			}
		}
		if r.DisplayName != nil {
			n.DisplayName = r.DisplayName.Text
		}
		if n.DisplayName == "" && r.BrowseName != nil {
			n.DisplayName = r.BrowseName.Name
		}
		out = append(out, n)
	}
	return out
}

// readTypes reads the DataType and ValueRank of vars in calls of at most
// per attributes and sets their DataType and UAType.
func (b *Browser) readTypes(ctx context.Context, c *opcua.Client, per int, vars []*BrowseNode) error {
	if len(vars) == 0 {
		return nil
	}
	d := b.d
	ids := make([]*ua.ReadValueID, 0, 2*len(vars))
	for _, v := range vars {
		nid, err := ParseNodeID(v.NodeID)
		if err != nil {
			return err
		}
		ids = append(ids, &ua.ReadValueID{NodeID: nid.UA(), AttributeID: ua.AttributeIDDataType},
			&ua.ReadValueID{NodeID: nid.UA(), AttributeID: ua.AttributeIDValueRank})
	}
	per = max(per-per%2, 2) // a variable's two attributes in the same call
	results := make([]*ua.DataValue, 0, len(ids))
	for s := 0; s < len(ids); s += per {
		part := ids[s:min(s+per, len(ids))]
		tctx, cancel := context.WithTimeout(ctx, d.timeout)
		d.sent.Add(1)
		res, err := c.Read(tctx, &ua.ReadRequest{TimestampsToReturn: ua.TimestampsToReturnNeither, NodesToRead: part})
		if err != nil {
			d.failed.Add(1)
			err = d.ioError(tctx, "read data types", err)
			cancel()
			return err
		}
		cancel()
		if bad := res.ResponseHeader.ServiceResult; bad != ua.StatusOK {
			d.failed.Add(1)
			return d.wrap("read data types", fmt.Errorf("service result %s", statusName(bad)))
		}
		if len(res.Results) != len(part) {
			return d.wrap("read data types", fmt.Errorf("%d results for %d attributes", len(res.Results), len(part)))
		}
		results = append(results, res.Results...)
	}
	for i, v := range vars {
		dt, rank := results[2*i], results[2*i+1]
		if dt == nil || dt.Status != ua.StatusOK || dt.Value == nil {
			continue
		}
		nid, ok := dt.Value.Value().(*ua.NodeID)
		if !ok {
			if e, ok2 := dt.Value.Value().(*ua.ExpandedNodeID); ok2 && e.NamespaceURI == "" {
				nid, ok = e.NodeID, true
			}
		}
		if !ok || nid == nil {
			continue
		}
		scalar := true // a server that does not say (bad status) is taken as scalar
		if rank != nil && rank.Status == ua.StatusOK && rank.Value != nil {
			if r, ok := rank.Value.Value().(int32); ok && r != -1 { // Part 3 §5.6.2: -1 is Scalar
				scalar = false
			}
		}
		v.UAType = nid.String()
		t, ok := builtinOf(nid)
		if !ok {
			continue
		}
		v.UAType = strings.TrimPrefix(t.String(), "TypeID")
		if !scalar {
			v.UAType += "[]"
			continue
		}
		v.DataType = tagTypeOf(t)
	}
	return nil
}

// tagTypeOf is the project type a value of built-in type t reads as
// without loss, "" if none (DateTime, ByteString, structures, ...).
func tagTypeOf(t ua.TypeID) string {
	switch t {
	case ua.TypeIDBoolean:
		return tags.TypeBool.String()
	case ua.TypeIDSByte, ua.TypeIDInt16:
		return tags.TypeInt16.String()
	case ua.TypeIDByte, ua.TypeIDUint16:
		return tags.TypeUint16.String()
	case ua.TypeIDInt32:
		return tags.TypeInt32.String()
	case ua.TypeIDUint32:
		return tags.TypeUint32.String()
	case ua.TypeIDInt64:
		return tags.TypeInt64.String()
	case ua.TypeIDUint64:
		return tags.TypeUint64.String()
	case ua.TypeIDFloat:
		return tags.TypeFloat32.String()
	case ua.TypeIDDouble:
		return tags.TypeFloat64.String()
	case ua.TypeIDString, ua.TypeIDLocalizedText:
		return tags.TypeString.String()
	}
	return ""
}

// Variables lists the variables of a tree that can be tags, depth first.
func Variables(nodes []BrowseNode) []BrowseNode {
	var out []BrowseNode
	var walk func([]BrowseNode)
	walk = func(ns []BrowseNode) {
		for _, n := range ns {
			if n.TagType() != "" {
				v := n
				v.Children = nil
				out = append(out, v)
			}
			walk(n.Children)
		}
	}
	walk(nodes)
	return out
}

// TagName suggests a tag name for a variable: its browse name without the
// namespace prefix, with characters a tag name cannot have replaced by _.
func TagName(n BrowseNode) string {
	name := n.BrowseName
	if _, after, ok := strings.Cut(name, ":"); ok {
		name = after
	}
	if name == "" {
		name = n.DisplayName
	}
	var sb strings.Builder
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_', r == '.', r == '-':
			sb.WriteRune(r)
		default:
			sb.WriteByte('_')
		}
	}
	return sb.String()
}

// TagRows returns tags.csv rows (name, device, address, type) for the
// variables of vars that can be tags, making repeated names unique with
// _2, _3, ...
func TagRows(device string, vars []BrowseNode) [][]string {
	var rows [][]string
	used := map[string]int{}
	for _, v := range vars {
		if v.TagType() == "" {
			continue
		}
		name := TagName(v)
		if used[name]++; used[name] > 1 {
			name += "_" + strconv.Itoa(used[name])
		}
		rows = append(rows, []string{name, device, v.NodeID, v.TagType()})
	}
	return rows
}
