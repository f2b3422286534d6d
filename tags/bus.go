package tags

import "sync"

// DefaultQueueLimit is how many updates a lossless subscriber may have
// waiting before the bus starts dropping (and counting) its updates: about
// 64 MiB of VQTs, minutes of a busy station's changes. It exists so that a
// consumer that has died cannot take the station's memory with it.
const DefaultQueueLimit = 1 << 20

// Bus holds the current VQT of every tag and fans changes out.
//
// Publishers hand it batches of updates (a driver's scan). An update whose
// value and quality equal the tag's current ones only refreshes the current
// timestamp; every other update is a change. Lossless subscribers receive
// every change, in publish order, through a queue of their own, so a slow
// subscriber never blocks a publisher. Lossy readers (the HMI) copy the
// current table with Snapshot at their own rate.
type Bus struct {
	table *Table

	mu      sync.RWMutex // guards cur, version, subs
	cur     []VQT
	version uint64
	subs    []*Subscription
}

// NewBus makes a bus for the tags of t, all bad (not read yet).
func NewBus(t *Table) *Bus {
	b := &Bus{table: t, cur: make([]VQT, t.Len())}
	for i := range b.cur {
		b.cur[i].Quality = BadQuality(ReasonNotRead, 0)
	}
	return b
}

// Table returns the tag definitions the bus carries.
func (b *Bus) Table() *Table { return b.table }

// Publish applies a batch of updates. Updates for unknown IDs are ignored.
// The bus does not keep batch; the caller may reuse it.
func (b *Bus) Publish(batch []Update) {
	var changes []Update
	b.mu.Lock()
	for _, u := range batch {
		if int(u.ID) >= len(b.cur) {
			continue
		}
		cur := &b.cur[u.ID]
		if cur.Same(u.VQT) {
			if u.VQT.Time.After(cur.Time) {
				cur.Time = u.VQT.Time
			}
			continue
		}
		*cur = u.VQT
		if changes == nil {
			changes = make([]Update, 0, len(batch))
		}
		changes = append(changes, u)
	}
	if len(changes) > 0 {
		b.version++
	}
	subs := b.subs
	b.mu.Unlock()
	if len(changes) == 0 {
		return
	}
	for _, s := range subs {
		s.push(changes)
	}
}

// Get returns the current VQT of tag id.
func (b *Bus) Get(id ID) VQT {
	b.mu.RLock()
	defer b.mu.RUnlock()
	if int(id) >= len(b.cur) {
		return VQT{Quality: BadQuality(ReasonConfigError, 0)}
	}
	return b.cur[id]
}

// Snapshot copies the current VQT of every tag, in ID order, into dst
// (grown as needed) and returns it with the bus version it reflects.
func (b *Bus) Snapshot(dst []VQT) ([]VQT, uint64) {
	b.mu.RLock()
	defer b.mu.RUnlock()
	dst = append(dst[:0], b.cur...)
	return dst, b.version
}

// Version counts the batches that changed something; a reader that saw
// the same version last time can skip its redraw.
func (b *Bus) Version() uint64 {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return b.version
}

// Subscribe adds a lossless subscriber. It receives every change published
// after this call. name appears in diagnostics.
func (b *Bus) Subscribe(name string) *Subscription {
	s := &Subscription{name: name, bus: b, limit: DefaultQueueLimit, notify: make(chan struct{}, 1)}
	b.mu.Lock()
	b.subs = append(b.subs[:len(b.subs):len(b.subs)], s)
	b.mu.Unlock()
	return s
}

func (b *Bus) unsubscribe(s *Subscription) {
	b.mu.Lock()
	defer b.mu.Unlock()
	subs := make([]*Subscription, 0, len(b.subs))
	for _, o := range b.subs {
		if o != s {
			subs = append(subs, o)
		}
	}
	b.subs = subs
}

// Subscription is one lossless subscriber's queue.
type Subscription struct {
	name   string
	bus    *Bus
	limit  int
	notify chan struct{} // cap 1: a signal that updates are waiting

	mu      sync.Mutex // guards queue, spare, pending, dropped
	queue   [][]Update
	spare   [][]Update
	pending int
	dropped uint64
}

func (s *Subscription) push(changes []Update) {
	s.mu.Lock()
	if s.pending+len(changes) > s.limit {
		s.dropped += uint64(len(changes))
		s.mu.Unlock()
		return
	}
	s.queue = append(s.queue, changes)
	s.pending += len(changes)
	s.mu.Unlock()
	select {
	case s.notify <- struct{}{}:
	default:
	}
}

// Name is the name the subscriber gave.
func (s *Subscription) Name() string { return s.name }

// C receives a signal when changes are waiting; call Next then.
func (s *Subscription) C() <-chan struct{} { return s.notify }

// Next appends every waiting change to dst, in publish order, and returns
// it. It does not block.
func (s *Subscription) Next(dst []Update) []Update {
	s.mu.Lock()
	q := s.queue
	s.queue = s.spare[:0]
	s.pending = 0
	s.mu.Unlock()
	for i, batch := range q {
		dst = append(dst, batch...)
		q[i] = nil
	}
	s.mu.Lock()
	s.spare = q
	s.mu.Unlock()
	return dst
}

// Batches appends every waiting batch of changes to dst, in publish order,
// and returns it, without copying the updates: the batches are shared with
// the other subscribers and must not be modified. It does not block.
func (s *Subscription) Batches(dst [][]Update) [][]Update {
	s.mu.Lock()
	dst = append(dst, s.queue...)
	clear(s.queue)
	s.queue = s.queue[:0]
	s.pending = 0
	s.mu.Unlock()
	return dst
}

// Dropped is how many changes the subscriber lost because its queue was
// over DefaultQueueLimit.
func (s *Subscription) Dropped() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dropped
}

// Close removes the subscriber from the bus.
func (s *Subscription) Close() { s.bus.unsubscribe(s) }
