// Package station owns the lifecycle of one Sightglass station: it loads a
// project (or the embedded demo plant), builds the tag table and the bus,
// starts a poller for every device, and stops them in reverse order. The
// window and `sightglass run --headless` are two clients of the same
// Station.
package station

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"sync"
	"time"

	"github.com/sightglass/sightglass/alarms"
	"github.com/sightglass/sightglass/auth"
	"github.com/sightglass/sightglass/drivers"
	_ "github.com/sightglass/sightglass/drivers/all" // register every driver
	"github.com/sightglass/sightglass/gateway"
	"github.com/sightglass/sightglass/models"
	"github.com/sightglass/sightglass/project"
	"github.com/sightglass/sightglass/state"
	"github.com/sightglass/sightglass/tags"
)

// Options say what a station runs.
type Options struct {
	// Project is the project to run; nil runs the embedded demo plant.
	Project *project.Project
	// Logger receives the station's log; nil discards it.
	Logger *slog.Logger
}

// Option tunes New.
type Option func(*newConfig)

type newConfig struct {
	dataDir string
}

// PKIDir is the folder of the station's certificates in its data folder:
// its OPC UA application instance certificate, and the server
// certificates it trusts and has rejected (package drivers/opcua).
const PKIDir = "pki"

// WithDataDir tells the drivers where the station keeps its files: an
// OPC UA device's certificates are in dataDir/pki. Without it, OPC UA
// devices work only with security policy None.
func WithDataDir(dataDir string) Option {
	return func(c *newConfig) { c.dataDir = dataDir }
}

// Station is one running station.
type Station struct {
	proj    *project.Project
	dataDir string // WithDataDir's; "" when not given
	log     *slog.Logger
	table   *tags.Table
	bus     *tags.Bus
	pollers []*drivers.Poller
	owner   []int          // tag ID → index in pollers, -1 for system tags and model outputs
	models  *models.Runner // nil when the project has no models; fixed after New

	mu        sync.Mutex // guards cancel, started, afterStop, rec, alarms, state, gw
	cancel    context.CancelFunc
	started   bool
	wg        sync.WaitGroup
	afterStop []func()  // run once by Stop, after the pollers, last first
	rec       *recorder // nil when history is not enabled
	// The shared state (EnableState); all nil when it is not enabled.
	state  *state.Local
	trail  *auth.Trail
	users  *auth.Manager
	alarms *alarms.Engine
	gw     *gateway.Gateway // nil when the project has no gateway section or the station is stopped
}

// New builds a station for a project: the tag table (project tags, the
// models' outputs, then each device's _System tags), the bus, one driver
// and poller per device, and the models' runner. Nothing connects until
// Start; the models start after the pollers and stop before them.
//
// Options: WithDataDir gives the drivers the station's data folder.
func New(p *project.Project, log *slog.Logger, opts ...Option) (*Station, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	var cfg newConfig
	for _, o := range opts {
		o(&cfg)
	}
	defs := append([]tags.Def(nil), p.Tags...)
	// The models' outputs follow the project's tags (whose history
	// settings are p.TagHistory, by index), before the system tags.
	defs = append(defs, p.ModelTags...)
	sysStart := make([]int, len(p.Devices))
	for i, d := range p.Devices {
		sysStart[i] = len(defs)
		defs = append(defs, drivers.SystemTagNames(d.Name)...)
	}
	s := &Station{proj: p, dataDir: cfg.dataDir, log: log, table: tags.NewTable(defs)}
	s.bus = tags.NewBus(s.table)
	s.owner = make([]int, s.table.Len())
	for i := range s.owner {
		s.owner[i] = -1
	}
	for i, dev := range p.Devices {
		factory, ok := drivers.Lookup(dev.Driver)
		if !ok {
			return nil, fmt.Errorf("device %s: unknown driver %q (known: %v)", dev.Name, dev.Driver, drivers.Names())
		}
		var devDefs []*tags.Def
		for id := range s.table.Len() {
			if d := s.table.Def(tags.ID(id)); d.Device == dev.Name {
				devDefs = append(devDefs, d)
			}
		}
		if cfg.dataDir != "" {
			dev.OPCUA.PKIDir = filepath.Join(cfg.dataDir, PKIDir)
		}
		drv, err := factory(dev, devDefs)
		if err != nil {
			return nil, fmt.Errorf("device %s: %w", dev.Name, err)
		}
		base := tags.ID(sysStart[i])
		sys := drivers.SystemTags{Valid: true, Connected: base, State: base + 1, ResponseMs: base + 2,
			Requests: base + 3, Errors: base + 4, Reconnects: base + 5, LastError: base + 6}
		pl := drivers.NewPoller(dev, drv, s.bus, sys, log)
		for _, id := range pl.Tags() {
			s.owner[id] = len(s.pollers)
		}
		s.pollers = append(s.pollers, pl)
	}
	if err := s.newModels(); err != nil {
		return nil, err
	}
	return s, nil
}

// Name is the station's name from its project.
func (s *Station) Name() string { return s.proj.Station.Name }

// Project returns the project the station runs.
func (s *Station) Project() *project.Project { return s.proj }

// Bus is the station's live tag table.
func (s *Station) Bus() *tags.Bus { return s.bus }

// Devices returns every device's diagnostics, in project order.
func (s *Station) Devices() []drivers.Stats {
	out := make([]drivers.Stats, len(s.pollers))
	for i, p := range s.pollers {
		out[i] = p.Stats()
	}
	return out
}

// Start starts polling every device. It returns at once.
func (s *Station) Start(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.started {
		return errors.New("station already started")
	}
	s.started = true
	ctx, s.cancel = context.WithCancel(ctx)
	if s.rec != nil {
		s.rec.start(s.bus)
	}
	if s.alarms != nil {
		s.alarms.Start(ctx)
	}
	if s.trail != nil {
		s.wg.Go(func() { s.logAnchors(ctx) })
	}
	for _, p := range s.pollers {
		s.wg.Go(func() { p.Run(ctx) })
	}
	s.startModels(ctx)
	if err := s.startGateway(ctx); err != nil {
		// The pollers run: the caller's Stop stops them.
		return fmt.Errorf("station: %w", err)
	}
	s.log.Info("station started", "name", s.Name(), "devices", len(s.pollers), "tags", len(s.proj.Tags))
	if s.trail != nil {
		// s.mu is held: the trail directly, not s.audit.
		r := auth.AuditRecord{Action: auth.ActStationStart, Target: s.Name(), New: fmt.Sprintf("%d devices, %d tags", len(s.pollers), len(s.proj.Tags))}
		if err := s.trail.Audit(r); err != nil {
			s.log.Error("audit trail", "action", string(r.Action), "err", err)
		}
	}
	return nil
}

// logAnchors logs the audit head every anchorEvery until ctx ends.
func (s *Station) logAnchors(ctx context.Context) {
	tick := time.NewTicker(anchorEvery)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			s.auditHead("hourly")
		}
	}
}

// Stop stops every poller and waits for them; the tags are left bad
// (stopped). Stop is safe to call more than once.
func (s *Station) Stop() {
	s.mu.Lock()
	cancel, after, rec, started := s.cancel, s.afterStop, s.rec, s.started
	eng, st, users, gw := s.alarms, s.state, s.users, s.gw
	s.cancel, s.afterStop, s.rec, s.gw = nil, nil, nil, nil
	s.mu.Unlock()
	// The gateway first: no client write reaches a stopping poller.
	if gw != nil {
		gw.Stop()
	}
	// Then the alarms: tags turning bad as the station stops are no alarm.
	if eng != nil {
		eng.Stop()
	}
	// Then the models, before the pollers: their outputs turn bad (stopped).
	if s.models != nil {
		s.models.Stop()
	}
	if st != nil {
		defer func() {
			if started && cancel != nil {
				s.audit(auth.AuditRecord{Action: auth.ActStationStop, Target: s.Name()})
				s.auditHead("stop")
			}
			users.Close()
			s.mu.Lock()
			s.state, s.trail = nil, nil
			s.mu.Unlock()
			if err := st.Close(); err != nil {
				s.log.Error("state: close", "err", err)
			}
		}()
	}
	if cancel != nil {
		cancel()
	}
	s.wg.Wait()
	for i := len(after) - 1; i >= 0; i-- {
		after[i]()
	}
	// Last: the historian keeps what the pollers published as they stopped.
	if rec != nil {
		if err := rec.close(); err != nil {
			s.log.Error("history: close", "err", err)
		}
	}
}

// WaitScanned waits until every tag read from a device has been read once
// (good or bad) or its device has failed once, or until ctx ends.
func (s *Station) WaitScanned(ctx context.Context) error {
	sub := s.bus.Subscribe("wait-scanned")
	defer sub.Close()
	for {
		if s.allScanned() {
			return nil
		}
		select {
		case <-sub.C():
			sub.Next(nil)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func (s *Station) allScanned() bool {
	snap, _ := s.bus.Snapshot(nil)
	for id, owner := range s.owner {
		if owner >= 0 && snap[id].Quality.Reason == tags.ReasonNotRead {
			return false
		}
	}
	return true
}
