package station

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"

	"github.com/sightglass/sightglass/auth"
	"github.com/sightglass/sightglass/state"
)

// projectBucket keeps the fingerprints of the project files the station
// last started with, so that a change made to them between two starts
// (by an engineer with an editor) is audited at the next start.
const projectBucket = "station.project"

// projectFingerprints hashes the project's files on disk: project.yaml,
// tags.csv and screens/*.yaml. A project not on disk (the embedded demo)
// has none.
func projectFingerprints(dir string) map[string]string {
	if dir == "" {
		return nil
	}
	paths := []string{filepath.Join(dir, "project.yaml"), filepath.Join(dir, "tags.csv")}
	screens, _ := filepath.Glob(filepath.Join(dir, "screens", "*.yaml"))
	paths = append(paths, screens...)
	out := map[string]string{}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		sum := sha256.Sum256(b)
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			rel = p
		}
		out[filepath.ToSlash(rel)] = hex.EncodeToString(sum[:])
	}
	return out
}

// auditProjectChanges compares the project's files with the ones the
// station last started with and audits each file added, changed or
// removed (ActProject: Old and New are the first 12 hex digits of its
// SHA-256), then remembers the new fingerprints.
func auditProjectChanges(st state.Store, trail *auth.Trail, dir string) error {
	now := projectFingerprints(dir)
	if now == nil {
		return nil
	}
	var before map[string]string
	b, err := st.Get(projectBucket, "files")
	if err != nil {
		return err
	}
	if b != nil {
		if err := json.Unmarshal(b, &before); err != nil {
			before = nil // unreadable: start afresh, every file counts as new
		}
	}
	short := func(h string) string {
		if len(h) > 12 {
			return h[:12]
		}
		return h
	}
	names := map[string]bool{}
	for n := range now {
		names[n] = true
	}
	for n := range before {
		names[n] = true
	}
	sorted := make([]string, 0, len(names))
	for n := range names {
		sorted = append(sorted, n)
	}
	sort.Strings(sorted)
	for _, n := range sorted {
		old, cur := before[n], now[n]
		if old == cur {
			continue
		}
		r := auth.AuditRecord{Action: auth.ActProject, Target: n, Old: short(old), New: short(cur), Result: "ok",
			Detail: "found at start: the file changed since the station last started"}
		switch {
		case old == "":
			r.Detail = "found at start: a new file"
		case cur == "":
			r.Detail = "found at start: the file was removed"
		}
		if err := trail.Audit(r); err != nil {
			return err
		}
	}
	nb, _ := json.Marshal(now)
	_, err = st.Apply(state.Batch{Puts: []state.KV{{Bucket: projectBucket, Key: "files", Value: nb}}})
	return err
}
