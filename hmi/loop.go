package hmi

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
)

// uiLoop is the life a refreshing view shares with the others: Start runs
// one goroutine until Stop; ctx is the parent of the work the view starts
// (writes, history reads, queries) and Stop cancels it; running lets a
// tick queued with fyne.Do before Stop see that it came too late; wg
// counts the goroutine and that work, so Stop returns when all has ended.
type uiLoop struct {
	mu      sync.Mutex // guards stop, ctx, cancel
	stop    chan struct{}
	ctx     context.Context
	cancel  context.CancelFunc
	running atomic.Bool
	wg      sync.WaitGroup
}

func (l *uiLoop) initLoop() { l.ctx, l.cancel = context.WithCancel(context.Background()) }

// startLoop runs run on a goroutine until stopLoop; it does nothing while
// the loop runs, and makes a fresh context when started again after a stop.
func (l *uiLoop) startLoop(run func(ctx context.Context, stop <-chan struct{})) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.stop != nil {
		return
	}
	if l.ctx.Err() != nil { // restarted after Stop
		l.ctx, l.cancel = context.WithCancel(context.Background())
	}
	stop := make(chan struct{})
	l.stop = stop
	l.running.Store(true)
	ctx := l.ctx
	l.wg.Go(func() { run(ctx, stop) })
}

// stopLoop ends the goroutine, cancels the context and waits for both the
// goroutine and the work counted on wg. It may be called again.
func (l *uiLoop) stopLoop() {
	l.mu.Lock()
	if l.stop != nil {
		close(l.stop)
		l.stop = nil
	}
	l.running.Store(false)
	l.cancel()
	l.mu.Unlock()
	l.wg.Wait()
}

// tickEvery queues tick on the Fyne goroutine every d, at the wall
// clock's multiples of d (…:00.0, …:00.2, … for 200 ms), until stop
// closes. Every view ticks at the same instants, so the changes each makes
// once a second (a clock, ages, staleness) reach the screen in one repaint
// rather than one each: with nothing else changing, repainting the whole
// window is what an idle station costs (about 13 ms under Xvfb's software
// GL). It never waits for the UI, so Stop called on the Fyne goroutine
// cannot deadlock.
func tickEvery(stop <-chan struct{}, d time.Duration, tick func()) {
	t := time.NewTimer(untilNextTick(time.Now(), d))
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			fyne.Do(tick)
			t.Reset(untilNextTick(time.Now(), d))
		}
	}
}

// untilNextTick is the time from now to the next multiple of d on the wall
// clock, never less than d/2: a timer that fires a little early does not
// tick twice in one period.
func untilNextTick(now time.Time, d time.Duration) time.Duration {
	next := now.Truncate(d).Add(d)
	if next.Sub(now) < d/2 {
		next = next.Add(d)
	}
	return next.Sub(now)
}
