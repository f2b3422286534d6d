package opcua

import (
	"context"
	"fmt"
	"time"

	"github.com/gopcua/opcua"
	"github.com/gopcua/opcua/ua"

	"github.com/sightglass/sightglass/tags"
)

// Read reads group g into out with as few Read service calls as the
// server allows: one per MaxNodesPerRead nodes (Part 5 §6.3.11), never one
// per node. A node whose status is not good, or whose value the tag cannot
// take, is reported in its tag's quality and Read goes on; a failed call
// (no answer, a lost session, a bad service result) returns an error.
func (d *Driver) Read(ctx context.Context, g int, out []tags.VQT) error {
	if g < 0 || g >= len(d.groups) {
		return d.wrap("read", fmt.Errorf("no group %d (the device has %d)", g, len(d.groups)))
	}
	idx := d.members[g]
	if len(out) != len(idx) {
		return d.wrap("read", fmt.Errorf("group %d has %d tags, out has room for %d", g, len(idx), len(out)))
	}
	c, lim, err := d.conn()
	if err != nil {
		return d.wrap("read", err)
	}
	nodes := make([]*ua.NodeID, len(idx))
	for i, k := range idx {
		nodes[i] = d.slots[k].node
	}
	return d.readNodes(ctx, c, lim.nodesPerRead, nodes, func(i int, dv *ua.DataValue, now time.Time) {
		out[i] = d.slots[idx[i]].vqt(dv, now)
	})
}

// readNodes reads the Value of nodes in calls of at most per nodes and
// hands each result to f with its index.
func (d *Driver) readNodes(ctx context.Context, c *opcua.Client, per int, nodes []*ua.NodeID, f func(i int, dv *ua.DataValue, now time.Time)) error {
	for start := 0; start < len(nodes); start += per {
		end := min(start+per, len(nodes))
		req := &ua.ReadRequest{TimestampsToReturn: ua.TimestampsToReturnBoth, NodesToRead: make([]*ua.ReadValueID, end-start)}
		for i := range req.NodesToRead {
			req.NodesToRead[i] = &ua.ReadValueID{NodeID: nodes[start+i], AttributeID: ua.AttributeIDValue}
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		tctx, cancel := context.WithTimeout(ctx, d.timeout)
		d.sent.Add(1)
		res, err := c.Read(tctx, req)
		if err != nil {
			d.failed.Add(1)
			err = d.ioError(tctx, "read", err)
			cancel()
			return err
		}
		cancel()
		if bad := res.ResponseHeader.ServiceResult; bad != ua.StatusOK {
			d.failed.Add(1)
			return d.wrap("read", fmt.Errorf("service result %s", statusName(bad)))
		}
		if len(res.Results) != end-start {
			d.failed.Add(1)
			return d.wrap("read", fmt.Errorf("%d results for %d nodes", len(res.Results), end-start))
		}
		now := time.Now()
		for i, dv := range res.Results {
			f(start+i, dv, now)
		}
	}
	return nil
}

// readOne reads one node's value.
func (d *Driver) readOne(ctx context.Context, c *opcua.Client, node *ua.NodeID) (*ua.DataValue, error) {
	var got *ua.DataValue
	err := d.readNodes(ctx, c, 1, []*ua.NodeID{node}, func(_ int, dv *ua.DataValue, _ time.Time) { got = dv })
	return got, err
}

// readOneByOne reads the value of every tag of group g with one Read
// call per node, for comparison with Read in the benchmarks only.
func (d *Driver) readOneByOne(ctx context.Context, g int, out []tags.VQT) error {
	c, _, err := d.conn()
	if err != nil {
		return d.wrap("read", err)
	}
	for i, k := range d.members[g] {
		dv, err := d.readOne(ctx, c, d.slots[k].node)
		if err != nil {
			return err
		}
		out[i] = d.slots[k].vqt(dv, time.Now())
	}
	return nil
}
