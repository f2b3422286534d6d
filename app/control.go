package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/sightglass/sightglass/alarms"
	"github.com/sightglass/sightglass/auth"
	"github.com/sightglass/sightglass/station"
)

// controlSocket is the name of a running station's control socket in its
// data folder: how `sightglass alarms …` reads a headless station that
// holds its files. It is a Unix socket, 0600: only the station's own user
// (and root) may use it.
const controlSocket = "control.sock"

// serveControl serves the station's read API on dataDir/control.sock until
// ctx ends. The caller holds the data folder's lock, so a socket file left
// by a station that died is stale and removed.
func serveControl(ctx context.Context, dataDir string, st *station.Station, log *slog.Logger) (stop func(), err error) {
	path := filepath.Join(dataDir, controlSocket)
	os.Remove(path)
	ln, err := net.Listen("unix", path)
	if err != nil {
		return nil, fmt.Errorf("control socket: %w", err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return nil, fmt.Errorf("control socket: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/alarms", func(w http.ResponseWriter, r *http.Request) {
		eng := st.Alarms()
		if eng == nil {
			http.Error(w, "alarms are not enabled", http.StatusNotFound)
			return
		}
		list := eng.Active()
		if r.URL.Query().Get("all") == "1" {
			list = eng.Alarms()
		}
		writeJSON(w, list)
	})
	mux.HandleFunc("GET /v1/alarms/history", func(w http.ResponseWriter, r *http.Request) {
		q, err := decodeQuery(r.URL.Query())
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		recs, err := st.AlarmHistory(q)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		writeJSON(w, recs)
	})
	mux.HandleFunc("POST /v1/write", func(w http.ResponseWriter, r *http.Request) {
		var req writeRequest
		if err := json.NewDecoder(io.LimitReader(r.Body, 1<<16)).Decode(&req); err != nil {
			http.Error(w, "bad request: "+err.Error(), http.StatusBadRequest)
			return
		}
		res, err := writeAs(r.Context(), st, req, "cli")
		if err != nil {
			http.Error(w, err.Error(), http.StatusForbidden)
			return
		}
		writeJSON(w, res)
	})
	mux.HandleFunc("GET /v1/audit", func(w http.ResponseWriter, r *http.Request) {
		q, err := decodeAuditQuery(r.URL.Query())
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		store := st.State()
		if store == nil {
			http.Error(w, station.ErrNoState.Error(), http.StatusNotFound)
			return
		}
		// The socket is 0600: whoever opens it can read the state file
		// itself, as `audit list` does when no station runs.
		list, err := auth.List(store, q)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		writeJSON(w, list)
	})
	mux.HandleFunc("GET /v1/audit/verify", func(w http.ResponseWriter, r *http.Request) {
		var anchors []auth.Anchor
		for _, a := range r.URL.Query()["anchor"] {
			an, err := auth.ParseAnchor(a)
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			anchors = append(anchors, an)
		}
		store := st.State()
		if store == nil {
			http.Error(w, station.ErrNoState.Error(), http.StatusNotFound)
			return
		}
		rep, err := auth.Verify(store, auth.VerifyOptions{Anchors: anchors})
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		writeJSON(w, rep)
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("control socket", "err", err)
		}
	}()
	return func() {
		sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		srv.Shutdown(sctx)
		<-done
		os.Remove(path)
	}, nil
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

// encodeQuery and decodeQuery carry an alarm journal query over the
// control socket.
func encodeQuery(q alarms.Query) url.Values {
	v := encodeSpan(q.From, q.To)
	set := func(k, s string) {
		if s != "" {
			v.Set(k, s)
		}
	}
	set("tag", q.Tag)
	set("area", q.Area)
	set("user", q.User)
	set("text", q.Text)
	for _, p := range q.Priorities {
		v.Add("priority", p.String())
	}
	for _, e := range q.Events {
		v.Add("event", e.String())
	}
	if q.Limit > 0 {
		v.Set("limit", strconv.Itoa(q.Limit))
	}
	return v
}

func decodeQuery(v url.Values) (alarms.Query, error) {
	var q alarms.Query
	var err error
	if q.From, q.To, err = decodeSpan(v); err != nil {
		return q, err
	}
	q.Tag, q.Area, q.User, q.Text = v.Get("tag"), v.Get("area"), v.Get("user"), v.Get("text")
	if q.Priorities, err = parsePriorities(strings.Join(v["priority"], ",")); err != nil {
		return q, err
	}
	if q.Events, err = parseEvents(strings.Join(v["event"], ",")); err != nil {
		return q, err
	}
	if s := v.Get("limit"); s != "" {
		if q.Limit, err = strconv.Atoi(s); err != nil || q.Limit < 0 {
			return q, fmt.Errorf("limit %q: want a whole number", s)
		}
	}
	return q, nil
}

// encodeSpan and decodeSpan carry a query's time range (zero: open) over
// the control socket.
func encodeSpan(from, to time.Time) url.Values {
	v := url.Values{}
	if !from.IsZero() {
		v.Set("from", from.UTC().Format(time.RFC3339Nano))
	}
	if !to.IsZero() {
		v.Set("to", to.UTC().Format(time.RFC3339Nano))
	}
	return v
}

func decodeSpan(v url.Values) (from, to time.Time, err error) {
	if s := v.Get("from"); s != "" {
		if from, err = time.Parse(time.RFC3339Nano, s); err != nil {
			return from, to, fmt.Errorf("from: %w", err)
		}
	}
	if s := v.Get("to"); s != "" {
		if to, err = time.Parse(time.RFC3339Nano, s); err != nil {
			return from, to, fmt.Errorf("to: %w", err)
		}
	}
	return from, to, nil
}

// parsePriorities parses "critical,high".
func parsePriorities(s string) ([]alarms.Priority, error) {
	var out []alarms.Priority
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' }) {
		p, ok := alarms.ParsePriority(strings.TrimSpace(f))
		if !ok {
			return nil, fmt.Errorf("priority %q: want critical, high, medium, low or diagnostic", f)
		}
		out = append(out, p)
	}
	return out, nil
}

// parseEvents parses "active,ack".
func parseEvents(s string) ([]alarms.Event, error) {
	var out []alarms.Event
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' }) {
		e, ok := alarms.ParseEvent(strings.TrimSpace(f))
		if !ok {
			var names []string
			for i := range alarms.NumEvents {
				names = append(names, alarms.Event(i).String())
			}
			return nil, fmt.Errorf("event %q: want one of %s", f, strings.Join(names, ", "))
		}
		out = append(out, e)
	}
	return out, nil
}

// controlClient talks to a running station's control socket.
type controlClient struct {
	http *http.Client
}

// dialControl connects to the station running on dataDir, or returns
// false when none is.
func dialControl(dataDir string) (*controlClient, bool) {
	path := filepath.Join(dataDir, controlSocket)
	c, err := net.DialTimeout("unix", path, time.Second)
	if err != nil {
		return nil, false
	}
	c.Close()
	tr := &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "unix", path)
	}}
	return &controlClient{http: &http.Client{Transport: tr, Timeout: 30 * time.Second}}, true
}

// post sends body as JSON to path and decodes the JSON answer.
func (c *controlClient) post(path string, body, into any) error {
	b, err := json.Marshal(body)
	if err != nil {
		return err
	}
	resp, err := c.http.Post("http://station"+path, "application/json", bytes.NewReader(b))
	if err != nil {
		return fmt.Errorf("station control socket: %w", err)
	}
	return decodeAnswer(resp, into)
}

// get fetches path (with query) from the station and decodes its JSON.
func (c *controlClient) get(path string, query url.Values, into any) error {
	u := "http://station" + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	resp, err := c.http.Get(u)
	if err != nil {
		return fmt.Errorf("station control socket: %w", err)
	}
	return decodeAnswer(resp, into)
}

// decodeAnswer decodes a station's JSON answer, or returns its error text.
func decodeAnswer(resp *http.Response, into any) error {
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		var msg [512]byte
		n, _ := resp.Body.Read(msg[:])
		return fmt.Errorf("station: %s", strings.TrimSpace(string(msg[:n])))
	}
	return json.NewDecoder(resp.Body).Decode(into)
}
