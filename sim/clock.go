package sim

import "time"

// maxCatchUp caps one tick's step, so a process that was suspended (a
// laptop lid, a debugger) resumes its plant instead of racing through the
// time it missed.
const maxCatchUp = 5 * time.Second

// runClock steps p by the real time that passes, every tick, until stop is
// closed.
func runClock(p *Plant, tick time.Duration, stop <-chan struct{}) {
	t := time.NewTicker(tick)
	defer t.Stop()
	last := time.Now()
	for {
		select {
		case <-stop:
			return
		case now := <-t.C:
			p.Step(min(now.Sub(last), maxCatchUp))
			last = now
		}
	}
}
