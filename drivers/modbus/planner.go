package modbus

import (
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/sightglass/sightglass/drivers"
	"github.com/sightglass/sightglass/tags"
)

// Request size limits (Modbus Application Protocol spec V1.1b3).
const (
	// §6.1 Read Coils (FC 1), §6.2 Read Discrete Inputs (FC 2): quantity
	// of inputs 1 to 2000 (0x7D0).
	maxReadBits = 2000
	// §6.3 Read Holding Registers (FC 3), §6.4 Read Input Registers
	// (FC 4): quantity of registers 1 to 125 (0x7D).
	maxReadRegisters = 125
	// §6.12 Write Multiple Registers (FC 16): quantity of registers 1 to
	// 123 (0x7B).
	maxWriteRegisters = 123
)

// DefaultPoll is the poll period of a tag when neither it nor its device
// sets one.
const DefaultPoll = time.Second

// Request is one read request of a plan: Count registers (bits, for co
// and di) of Area from Start.
type Request struct {
	Area  Area
	Start uint16
	Count uint16
	// Tags are the indexes, in the group's Tags, of the tags decoded from
	// this request. Every tag of a group is in exactly one request.
	Tags []int
}

// PlannedGroup is a poll group with the requests that read it, in the
// order the driver sends them.
type PlannedGroup struct {
	drivers.Group
	Reads []Request
}

// slot is one tag of a group, compiled for decoding.
type slot struct {
	id  tags.ID
	def *tags.Def
	c   codec
	off int // from the start of its request, in registers or bits
}

// request is a Request with the range of the group's slots it decodes.
type request struct {
	area         Area
	start, count uint16
	first, end   int // slots[first:end]
}

// group is a planned poll group.
type group struct {
	period time.Duration
	slots  []slot    // in request order; Group.Tags lists their ids
	hot    []hotSlot // hot[i] is slots[i] as the read loop wants it
	reqs   []request
}

// span is a tag's extent in one area: units [start, end), units being
// registers or bits.
type span struct {
	start, end int
	slot       int // the tag's index before planning
}

// window is a planned request's extent: units [start, end).
type window struct{ start, end int }

// Plan groups a device's tags by poll period (Def.Poll, or dev.Poll when
// 0, or DefaultPoll) and, in each group and area, coalesces them into the
// fewest read requests: at most 125 registers or 2000 bits each, reading
// through at most dev.MaxGap units that no tag in the request uses, and
// never splitting a tag across requests. Groups are in increasing period.
// It reports every tag that the device cannot serve.
func Plan(dev drivers.DeviceConfig, defs []*tags.Def) ([]PlannedGroup, error) {
	gs, err := plan(dev, defs)
	if err != nil {
		return nil, err
	}
	out := make([]PlannedGroup, len(gs))
	for i, g := range gs {
		out[i].Group = g.public()
		for _, r := range g.reqs {
			idx := make([]int, 0, r.end-r.first)
			for k := r.first; k < r.end; k++ {
				idx = append(idx, k)
			}
			out[i].Reads = append(out[i].Reads, Request{Area: r.area, Start: r.start, Count: r.count, Tags: idx})
		}
	}
	return out, nil
}

// RequestsPerScan is how many requests one read of every group of the
// device takes, and how many tags they read.
func RequestsPerScan(dev drivers.DeviceConfig, defs []*tags.Def) (requests, tagCount int, err error) {
	gs, err := plan(dev, defs)
	if err != nil {
		return 0, 0, err
	}
	for _, g := range gs {
		requests += len(g.reqs)
		tagCount += len(g.slots)
	}
	return requests, tagCount, nil
}

// LowerBound is a floor under RequestsPerScan that any plan obeying the
// same rules must reach: for each poll period and area, the tags fall
// into clusters separated by more than dev.MaxGap units no tag uses (no
// request can span such a hole), and each cluster needs at least its used
// units divided by the most one request reads, rounded up.
func LowerBound(dev drivers.DeviceConfig, defs []*tags.Def) (int, error) {
	gs, err := plan(dev, defs)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, g := range gs {
		for a, spans := range splitAreas(g.slots) {
			lim := areaLimit(Area(a))
			used, lastEnd := 0, -1<<62
			for _, s := range spans { // sorted by start
				if s.start-lastEnd > dev.MaxGap && used > 0 {
					n += (used + lim - 1) / lim // a new cluster
					used = 0
				}
				if s.end > lastEnd {
					used += s.end - max(s.start, lastEnd)
					lastEnd = s.end
				}
			}
			n += (used + lim - 1) / lim
		}
	}
	return n, nil
}

func (g *group) public() drivers.Group {
	ids := make([]tags.ID, len(g.slots))
	for i := range g.slots {
		ids[i] = g.slots[i].id
	}
	return drivers.Group{Period: g.period, Tags: ids, Requests: len(g.reqs)}
}

func areaLimit(a Area) int {
	if a.IsBits() {
		return maxReadBits
	}
	return maxReadRegisters
}

// plan checks every tag and plans the groups.
func plan(dev drivers.DeviceConfig, defs []*tags.Def) ([]group, error) {
	if dev.MaxGap < 0 {
		return nil, fmt.Errorf("device %s: max gap %d is negative", dev.Name, dev.MaxGap)
	}
	var errs []error
	byPeriod := map[time.Duration][]slot{}
	for _, def := range defs {
		if tagErrs := checkTag(def); len(tagErrs) > 0 {
			errs = append(errs, fmt.Errorf("tag %s: %w", def.Name, errors.Join(tagErrs...)))
			continue
		}
		c, err := newCodec(def)
		if err != nil {
			errs = append(errs, fmt.Errorf("tag %s: %w", def.Name, err))
			continue
		}
		p := def.Poll
		if p <= 0 {
			p = dev.Poll
		}
		if p <= 0 {
			p = DefaultPoll
		}
		byPeriod[p] = append(byPeriod[p], slot{id: def.ID, def: def, c: c})
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("device %s: %w", dev.Name, errors.Join(errs...))
	}
	periods := make([]time.Duration, 0, len(byPeriod))
	for p := range byPeriod {
		periods = append(periods, p)
	}
	sort.Slice(periods, func(i, j int) bool { return periods[i] < periods[j] })
	gs := make([]group, 0, len(periods))
	for _, p := range periods {
		gs = append(gs, planGroup(p, byPeriod[p], dev.MaxGap))
	}
	return gs, nil
}

// checkTag is CheckTag plus the limits of one request.
func checkTag(def *tags.Def) []error {
	errs := CheckTag(def)
	if len(errs) == 0 && def.Type == tags.TypeInvalid {
		errs = append(errs, errors.New("type missing"))
	}
	return errs
}

// splitAreas returns the spans of slots in each area, sorted by start.
func splitAreas(slots []slot) [4][]span {
	var byArea [4][]span
	for i := range slots {
		c := &slots[i].c
		s := int(c.addr.Offset)
		byArea[c.addr.Area] = append(byArea[c.addr.Area], span{start: s, end: s + c.regs, slot: i})
	}
	for a := range byArea {
		sp := byArea[a]
		sort.Slice(sp, func(i, j int) bool {
			if sp[i].start != sp[j].start {
				return sp[i].start < sp[j].start
			}
			if sp[i].end != sp[j].end {
				return sp[i].end < sp[j].end
			}
			return sp[i].slot < sp[j].slot
		})
	}
	return byArea
}

func planGroup(period time.Duration, slots []slot, maxGap int) group {
	g := group{period: period, slots: make([]slot, 0, len(slots))}
	for a, spans := range splitAreas(slots) {
		if len(spans) == 0 {
			continue
		}
		wins, owner := coalesce(spans, areaLimit(Area(a)), maxGap)
		// spans are sorted by start, so each window's tags come out in
		// address order.
		members := make([][]int, len(wins))
		for i, w := range owner {
			members[w] = append(members[w], i)
		}
		for w, win := range wins {
			r := request{area: Area(a), start: uint16(win.start), count: uint16(win.end - win.start), first: len(g.slots)}
			for _, i := range members[w] {
				s := slots[spans[i].slot]
				s.off = spans[i].start - win.start
				g.slots = append(g.slots, s)
			}
			r.end = len(g.slots)
			g.reqs = append(g.reqs, r)
		}
	}
	g.hot = make([]hotSlot, len(g.slots))
	for i := range g.slots {
		g.hot[i] = newHotSlot(&g.slots[i])
	}
	return g
}

// coalesce covers spans (sorted by start; none longer than limit) with the
// fewest windows, each at most limit units long and with no run of more
// than maxGap units that no span inside the window uses, every span inside
// one window. owner[i] is the window that reads spans[i].
//
// It is greedy, and exact. Let F be the end of the last window (the spans
// ending by F are read already) and m the least start of the spans ending
// after F. The next window must start by m, or the span starting at m is
// never read. Starting before m gains nothing: every span starting before
// m ends by F, and a span starting at m and ending after F covers [m, F].
// From m the window reaches as far as the spans ending by m+limit connect
// (start <= the connected end + maxGap). So no plan's k-th window ends
// later than ours, and no plan has fewer windows; planner_test.go checks
// this against an exhaustive search.
func coalesce(spans []span, limit, maxGap int) (wins []window, owner []int) {
	f := -1 << 62 // end of the last window
	for i := 0; ; {
		for i < len(spans) && spans[i].end <= f {
			i++
		}
		if i == len(spans) {
			break
		}
		m := spans[i].start
		limitEnd := m + limit
		reach, end := m, m
		for j := i; j < len(spans) && spans[j].start < limitEnd; j++ {
			s := spans[j]
			if s.end > limitEnd {
				continue // cannot be inside this window
			}
			if s.start > reach {
				break // a gap longer than maxGap
			}
			reach = max(reach, s.end+maxGap)
			end = max(end, s.end)
		}
		wins = append(wins, window{m, end})
		f = end
	}
	owner = make([]int, len(spans))
	for i, s := range spans {
		// The first window ending at or after s.end starts at or before
		// s.start (see above).
		owner[i] = sort.Search(len(wins), func(w int) bool { return wins[w].end >= s.end })
	}
	return wins, owner
}
