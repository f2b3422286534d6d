package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/sightglass/sightglass/auth"
	"github.com/sightglass/sightglass/station"
	"github.com/sightglass/sightglass/tags"
)

// writeUsage is the write command's synopsis.
const writeUsage = "usage: sightglass write --user NAME [--reason TEXT] [--project DIR] [--data DIR] TAG VALUE"

// cmdWrite writes one value as a signed-in user through the station's
// write path, reads it back and prints old → new, or the error. With a
// station running on the data folder the station does it (through its
// control socket); otherwise this command runs the station itself, on the
// folder's users and audit trail.
func cmdWrite(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("write", flag.ContinueOnError)
	dir := projectFlag(fs)
	data := dataFlag(fs)
	user := fs.String("user", "", "who writes (asks for the password; on a pipe, reads it from stdin)")
	reason := fs.String("reason", "", "why: recorded with the write; a critical tag's signature needs it")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if fs.NArg() != 2 || *user == "" {
		return exitError{code: exitUsage, msg: writeUsage}
	}
	name, value := fs.Arg(0), fs.Arg(1)
	dataDir := dataDirOr(*data)
	password, err := readPassword("Password for "+*user+": ", stderr)
	if err != nil {
		return err
	}
	req := writeRequest{User: *user, Password: password, Tag: name, Value: value, Reason: *reason}
	var res writeResult
	if c, ok := dialControl(dataDir); ok {
		if err := c.post("/v1/write", req, &res); err != nil {
			return err
		}
	} else {
		unlock, err := lockDataDir(dataDir)
		if err != nil {
			return err
		}
		defer unlock()
		// Signed in before the devices start: a wrong password is
		// answered at once, and nobody unknown makes the plant's devices
		// talk.
		var sess *auth.Session
		st, err := startScanned(ctx, *dir, newLogger(stderr, false), func(st *station.Station) error {
			if err := st.EnableState(dataDir, station.StateOptions{}); err != nil {
				return err
			}
			var err error
			sess, err = st.Users().SignIn(req.User, req.Password, "cli")
			return err
		}, station.WithDataDir(dataDir))
		if err != nil {
			return err
		}
		defer st.Stop()
		defer st.Users().SignOut(sess)
		if res, err = writeSigned(ctx, st, sess, req, "cli"); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "%s: %s → %s%s (%s)\n", name, res.Old, res.New, res.Units, res.Quality)
	return nil
}

func dataDirOr(d string) string {
	if d == "" {
		return "data"
	}
	return d
}

// writeRequest is one write as the CLI asks a station for it.
type writeRequest struct {
	User, Password string
	Tag, Value     string
	Reason         string
}

// writeResult is a write's outcome.
type writeResult struct {
	Old, New, Units, Quality string
}

// writeAs signs the user in, writes (signing with the same password when
// the tag is critical) and signs out again: each step audited.
func writeAs(ctx context.Context, st *station.Station, req writeRequest, from string) (writeResult, error) {
	users := st.Users()
	if users == nil {
		return writeResult{}, station.ErrNoState
	}
	sess, err := users.SignIn(req.User, req.Password, from)
	if err != nil {
		return writeResult{}, err
	}
	defer users.SignOut(sess)
	return writeSigned(ctx, st, sess, req, from)
}

// writeSigned writes as a signed-in session, signing with the request's
// password when the tag is critical.
func writeSigned(ctx context.Context, st *station.Station, sess *auth.Session, req writeRequest, from string) (writeResult, error) {
	a := station.Actor{Session: sess, Comment: req.Reason, From: from}
	if id, ok := st.Bus().Table().Lookup(req.Tag); ok && st.Bus().Table().Def(id).Critical {
		a.Password = req.Password
	}
	wctx, cancel := context.WithTimeout(ctx, scanWait)
	defer cancel()
	old, new, err := st.Write(wctx, a, req.Tag, req.Value)
	if err != nil {
		return writeResult{}, err
	}
	return writeResult{Old: old.Value.String(), New: new.Value.String(), Units: unitsOf(st.Bus().Table(), req.Tag), Quality: new.Quality.String()}, nil
}

// unitsOf is " m" for a tag in metres, "" without units.
func unitsOf(t *tags.Table, name string) string {
	if id, ok := t.Lookup(name); ok {
		if u := t.Def(id).Units; u != "" {
			return " " + u
		}
	}
	return ""
}
