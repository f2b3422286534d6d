package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/sightglass/sightglass/auth"
	"github.com/sightglass/sightglass/project"
	"github.com/sightglass/sightglass/state"
	"github.com/sightglass/sightglass/station"
)

// usersUsage lists the users subcommands.
const usersUsage = `Usage:
  sightglass users add NAME --role ROLE [--areas A,B] [--as ADMIN]   add a user (asks for their password)
  sightglass users list
  sightglass users passwd NAME [--as ADMIN]                          set a user's password
  sightglass users role NAME ROLE [--as ADMIN]
  sightglass users areas NAME A,B [--as ADMIN]                       "" for everywhere
  sightglass users disable|enable|unlock|remove NAME [--as ADMIN]

Every subcommand takes --data DIR (default ./data), the station's data
folder; the station must be stopped. Roles: viewer, operator, maintenance,
supervisor, engineer, admin. There is no default user and no default
password: the first user added must be an admin of every area, and needs no
--as; after that every change is made as an admin, whose password is asked
for first. Passwords are read from the terminal without echo, or one per
line from standard input.
`

// cmdUsers dispatches the users subcommands.
func cmdUsers(_ context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return exitError{code: exitUsage, msg: usersUsage}
	}
	sub := args[0]
	fs := flag.NewFlagSet("users "+sub, flag.ContinueOnError)
	data := dataFlag(fs)
	dir := projectFlag(fs)
	as := fs.String("as", "", "the admin making the change (asks for their password)")
	role := fs.String("role", "", "add: the user's role")
	areas := fs.String("areas", "", "add: asset path prefixes the user is limited to, comma-separated (default: everywhere)")
	wantArgs := map[string]int{"add": 1, "list": 0, "passwd": 1, "role": 2, "areas": 2, "disable": 1, "enable": 1, "unlock": 1, "remove": 1}
	n, ok := wantArgs[sub]
	if !ok {
		return exitError{code: exitUsage, msg: fmt.Sprintf("sightglass users: unknown subcommand %q\n\n%s", sub, usersUsage)}
	}
	if err := parseFlags(fs, interspersed(args[1:], fs), stderr); err != nil {
		return err
	}
	if fs.NArg() != n {
		return exitError{code: exitUsage, msg: usersUsage}
	}
	dataDir := dataDirOr(*data)
	m, closeAll, err := openUsers(dataDir, *dir)
	if err != nil {
		return err
	}
	defer closeAll()
	if sub == "list" {
		return printUsers(stdout, m)
	}
	name := fs.Arg(0)
	// Who acts: an admin signed in here, or nobody for the first admin.
	var by *auth.Session
	has, err := m.HasUsers()
	if err != nil {
		return err
	}
	if has {
		if *as == "" {
			return exitError{code: exitUsage, msg: "the station has users: give --as ADMIN, an admin who makes the change"}
		}
		pw, err := readPassword("Password for "+*as+": ", stderr)
		if err != nil {
			return err
		}
		if by, err = m.SignIn(*as, pw, "cli"); err != nil {
			return err
		}
		defer m.SignOut(by)
	} else if sub != "add" {
		return fmt.Errorf("the station has no users yet: add the first admin with `sightglass users add NAME --role admin`")
	}
	switch sub {
	case "add":
		r, ok := auth.ParseRole(*role)
		if !ok {
			return exitError{code: exitUsage, msg: fmt.Sprintf("--role %q: want viewer, operator, maintenance, supervisor, engineer or admin", *role)}
		}
		pw, err := newPassword(name, stderr)
		if err != nil {
			return err
		}
		err = m.AddUser(by, name, r, splitList(*areas), pw)
		if errors.Is(err, auth.ErrNotFirst) {
			return fmt.Errorf("%w: the first user must be an admin of every area (--role admin, no --areas)", err)
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "added %s (%s%s)\n", name, r, areasSuffix(splitList(*areas)))
	case "passwd":
		pw, err := newPassword(name, stderr)
		if err != nil {
			return err
		}
		if err := m.SetPassword(by, name, pw); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "password of %s changed\n", name)
	case "role":
		r, ok := auth.ParseRole(fs.Arg(1))
		if !ok {
			return exitError{code: exitUsage, msg: fmt.Sprintf("role %q: want viewer, operator, maintenance, supervisor, engineer or admin", fs.Arg(1))}
		}
		if err := m.SetRole(by, name, r); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s is now %s\n", name, r)
	case "areas":
		if err := m.SetAreas(by, name, splitList(fs.Arg(1))); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s: areas%s\n", name, areasSuffix(splitList(fs.Arg(1))))
	case "disable", "enable", "unlock", "remove":
		fn := map[string]func(*auth.Session, string) error{"disable": m.Disable, "enable": m.Enable, "unlock": m.Unlock, "remove": m.RemoveUser}[sub]
		if err := fn(by, name); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s: %sd\n", name, strings.TrimSuffix(sub, "e"))
	}
	return nil
}

// interspersed moves flags after positional arguments to the front, so
// that `users add ann --role operator` parses like `users add --role
// operator ann`.
func interspersed(args []string, fs *flag.FlagSet) []string {
	var flags, pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			pos = append(pos, args[i+1:]...)
			break
		}
		if strings.HasPrefix(a, "-") && len(a) > 1 {
			flags = append(flags, a)
			name := strings.TrimLeft(a, "-")
			if f := fs.Lookup(name); f != nil && !strings.Contains(name, "=") {
				if bf, ok := f.Value.(interface{ IsBoolFlag() bool }); !(ok && bf.IsBoolFlag()) && i+1 < len(args) {
					flags = append(flags, args[i+1])
					i++
				}
			}
			continue
		}
		pos = append(pos, a)
	}
	return append(flags, pos...)
}

// openUsers opens the user manager of a stopped station's data folder,
// with its audit trail, holding the folder's lock.
func openUsers(dataDir, projectDir string) (*auth.Manager, func(), error) {
	unlock, err := lockDataDir(dataDir)
	if err != nil {
		return nil, nil, fmt.Errorf("%w (stop the station to manage users)", err)
	}
	st, err := state.OpenLocal(filepath.Join(dataDir, station.StateFile))
	if err != nil {
		unlock()
		return nil, nil, err
	}
	name, opts := "sightglass", auth.Options{}
	if projectDir != "" {
		p, err := project.Load(projectDir)
		if err != nil {
			st.Close()
			unlock()
			return nil, nil, projectError(err)
		}
		name = p.Station.Name
		opts.MinPasswordLen, opts.MaxFailures, opts.LockoutFor = p.Security.MinPassword, p.Security.LockoutAfter, p.Security.LockoutFor
	}
	trail, err := auth.OpenTrail(st, name, nil)
	if err == nil {
		var m *auth.Manager
		if m, err = auth.NewManager(st, trail, opts); err == nil {
			return m, func() { m.Close(); st.Close(); unlock() }, nil
		}
	}
	st.Close()
	unlock()
	return nil, nil, err
}

// newPassword asks for a new password twice.
func newPassword(name string, stderr io.Writer) (string, error) {
	pw, err := readPassword("New password for "+name+": ", stderr)
	if err != nil {
		return "", err
	}
	again, err := readPassword("Again: ", stderr)
	if err != nil {
		return "", err
	}
	if pw != again {
		return "", errors.New("the two passwords differ")
	}
	return pw, nil
}

func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

func areasSuffix(areas []string) string {
	if len(areas) == 0 {
		return ", everywhere"
	}
	return ", in " + strings.Join(areas, ", ")
}

func printUsers(w io.Writer, m *auth.Manager) error {
	list, err := m.ListUsers()
	if err != nil {
		return err
	}
	if len(list) == 0 {
		fmt.Fprintln(w, "no users (add the first admin with `sightglass users add NAME --role admin`)")
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tROLE\tAREAS\tSTATE\tCHANGED\tBY")
	for _, u := range list {
		st := "enabled"
		switch {
		case !u.Enabled:
			st = "disabled"
		case !u.LockedUntil.IsZero():
			st = "locked until " + localTime(u.LockedUntil)
		case u.Failed > 0:
			st = fmt.Sprintf("enabled, %d failed sign-ins", u.Failed)
		}
		areas := strings.Join(u.Areas, ",")
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", u.Name, u.Role, dash(areas), st, localTime(u.Changed), dash(u.ChangedBy))
	}
	return tw.Flush()
}
