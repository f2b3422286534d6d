package hmi

import (
	"context"
	"sync"
	"time"

	"github.com/sightglass/sightglass/historian"
	"github.com/sightglass/sightglass/tags"
)

// TrendSource is what a trend needs of the station. *station.Station
// satisfies it.
type TrendSource interface {
	// Decimate returns a tag's history over [from, to) as width M4
	// columns (see historian.Column). It is called off the UI goroutine,
	// once per pen and concurrently for the pens of one trend; ctx is
	// cancelled when a newer query replaces it or the trend closes.
	Decimate(ctx context.Context, tag string, from, to time.Time, width int) ([]historian.Column, error)
	// Bus carries the tag table: names, units, descriptions, and Scale
	// for a pen's default fixed range.
	Bus() *tags.Bus
}

// trendQuery is one query of every pen of a trend.
type trendQuery struct {
	gen   uint64 // the view's query counter when it was asked
	ctx   context.Context
	tags  []string
	span  timeSpan
	width int
}

// trendData is a query's answer: per pen (in the query's order), its
// columns or the error of its query.
type trendData struct {
	gen   uint64
	span  timeSpan
	width int
	tags  []string
	cols  [][]historian.Column
	errs  []error
}

// colsOf returns the columns of tag, nil when d has none.
func (d *trendData) colsOf(tag string) ([]historian.Column, error) {
	for i, t := range d.tags {
		if t == tag {
			return d.cols[i], d.errs[i]
		}
	}
	return nil, nil
}

// fetchTrend queries every pen of q at once, one goroutine each (the
// historian's queries of different tags run in parallel), and waits for
// them all.
func fetchTrend(ctx context.Context, src TrendSource, q trendQuery) trendData {
	d := trendData{gen: q.gen, span: q.span, width: q.width, tags: q.tags,
		cols: make([][]historian.Column, len(q.tags)), errs: make([]error, len(q.tags))}
	from, to := historian.Time(q.span.From), historian.Time(q.span.To)
	var wg sync.WaitGroup
	for i, tag := range q.tags {
		wg.Go(func() {
			d.cols[i], d.errs[i] = src.Decimate(ctx, tag, from, to, q.width)
		})
	}
	wg.Wait()
	return d
}
