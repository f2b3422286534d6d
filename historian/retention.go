package historian

import (
	"errors"
	"fmt"
	"time"
)

// EnforceRetention deletes the raw files whose span ended before
// now − RawRetention and the rollup files whose span ended before
// now − RollupRetention (bbolt files never shrink: whole files go). A zero
// retention keeps everything. The writer runs it every RetentionEvery.
func (db *DB) EnforceRetention(now time.Time) error {
	if db.closed.Load() {
		return ErrClosed
	}
	var errs []error
	for _, k := range []fileKind{kindRaw, kind1m, kind1h} {
		keep := db.opts.RawRetention
		if k != kindRaw {
			keep = db.opts.RollupRetention
		}
		if keep <= 0 {
			continue
		}
		cut := now.Add(-keep).UnixMilli()
		for _, f := range db.files.overlapping(k, -1<<63, cut) {
			if f.end > cut {
				continue
			}
			if err := db.files.remove(f); err != nil {
				errs = append(errs, fmt.Errorf("historian: retention: remove %s: %w", f.name, err))
				continue
			}
			db.log.Info("historian: retention removed a file", "file", f.name)
		}
	}
	return errors.Join(errs...)
}
