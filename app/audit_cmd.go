package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/sightglass/sightglass/auth"
	"github.com/sightglass/sightglass/state"
	"github.com/sightglass/sightglass/station"
)

// auditUsage lists the audit subcommands.
const auditUsage = `Usage:
  sightglass audit list   [--from TIME] [--to TIME] [--user U] [--action A,..] [--target T] [--text S] [--limit N]
  sightglass audit export [--from TIME] [--to TIME] [--user U] [--action A,..] [--target T] [--text S] [--out FILE]
  sightglass audit verify [--anchor SEQ:HASH ...]

Every subcommand takes --data DIR (default ./data). While a station runs on
it they ask the station through its control socket; otherwise they read
DIR/state.db. --target ending in * matches a prefix (Plant.Area1.*). verify
walks the whole hash chain and names the first record that was changed,
removed or reordered (exit 1); give it anchors (the "audit head" lines of
the station's log, SEQ:HASH) to detect a truncated or rewritten tail too.
`

// cmdAudit dispatches the audit subcommands.
func cmdAudit(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	subs := map[string]func(context.Context, []string, io.Writer, io.Writer) error{
		"list":   cmdAuditList,
		"export": cmdAuditExport,
		"verify": cmdAuditVerify,
	}
	if len(args) == 0 {
		return exitError{code: exitUsage, msg: auditUsage}
	}
	sub, ok := subs[args[0]]
	if !ok {
		return exitError{code: exitUsage, msg: fmt.Sprintf("sightglass audit: unknown subcommand %q (want export, list, verify)\n\n%s", args[0], auditUsage)}
	}
	return sub(ctx, args[1:], stdout, stderr)
}

// auditFlags are the filters list and export share.
type auditFlags struct {
	rf                         rangeFlags
	user, action, target, text *string
}

func addAuditFlags(fs *flag.FlagSet) auditFlags {
	return auditFlags{
		rf:     addRangeFlags(fs, "-24h"),
		user:   fs.String("user", "", "only this user's records"),
		action: fs.String("action", "", "only these actions (sign-in, write, alarm-ack, user-add, …)"),
		target: fs.String("target", "", "only this target (tag, alarm, user); a trailing * matches a prefix"),
		text:   fs.String("text", "", "only records containing this text"),
	}
}

func (f auditFlags) query() (auth.AuditQuery, error) {
	from, to, err := f.rf.times()
	if err != nil {
		return auth.AuditQuery{}, err
	}
	q := auth.AuditQuery{From: from, To: to, User: *f.user, Text: *f.text}
	q.Target, q.TargetPrefix = strings.CutSuffix(*f.target, "*")
	for _, a := range strings.FieldsFunc(*f.action, func(r rune) bool { return r == ',' }) {
		q.Actions = append(q.Actions, auth.Action(strings.TrimSpace(a)))
	}
	return q, nil
}

// auditSource is where the audit commands read.
type auditSource struct {
	c  *controlClient
	st *state.Local
}

func openAudit(dataDir string) (*auditSource, error) {
	dataDir = dataDirOr(dataDir)
	if c, ok := dialControl(dataDir); ok {
		return &auditSource{c: c}, nil
	}
	path := filepath.Join(dataDir, station.StateFile)
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("no audit trail in %s: %w", dataDir, err)
	}
	st, err := state.OpenLocalReadOnly(path, 2*time.Second)
	if err != nil {
		return nil, err
	}
	return &auditSource{st: st}, nil
}

func (a *auditSource) close() {
	if a.st != nil {
		a.st.Close()
	}
}

func (a *auditSource) list(q auth.AuditQuery) ([]auth.AuditEntry, error) {
	if a.st != nil {
		return auth.List(a.st, q)
	}
	var out []auth.AuditEntry
	return out, a.c.get("/v1/audit", encodeAuditQuery(q), &out)
}

func (a *auditSource) verify(anchors []auth.Anchor) (auth.VerifyReport, error) {
	if a.st != nil {
		return auth.Verify(a.st, auth.VerifyOptions{Anchors: anchors})
	}
	var rep auth.VerifyReport
	v := url.Values{}
	for _, an := range anchors {
		v.Add("anchor", an.String())
	}
	return rep, a.c.get("/v1/audit/verify", v, &rep)
}

func encodeAuditQuery(q auth.AuditQuery) url.Values {
	v := encodeSpan(q.From, q.To)
	for k, s := range map[string]string{"user": q.User, "target": q.Target, "text": q.Text} {
		if s != "" {
			v.Set(k, s)
		}
	}
	if q.TargetPrefix {
		v.Set("prefix", "1")
	}
	for _, a := range q.Actions {
		v.Add("action", string(a))
	}
	if q.Limit > 0 {
		v.Set("limit", strconv.Itoa(q.Limit))
	}
	return v
}

func decodeAuditQuery(v url.Values) (auth.AuditQuery, error) {
	var q auth.AuditQuery
	var err error
	if q.From, q.To, err = decodeSpan(v); err != nil {
		return q, err
	}
	q.User, q.Target, q.Text, q.TargetPrefix = v.Get("user"), v.Get("target"), v.Get("text"), v.Get("prefix") == "1"
	for _, a := range v["action"] {
		q.Actions = append(q.Actions, auth.Action(a))
	}
	if s := v.Get("limit"); s != "" {
		if q.Limit, err = strconv.Atoi(s); err != nil || q.Limit < 0 {
			return q, fmt.Errorf("limit %q: want a whole number", s)
		}
	}
	return q, nil
}

// cmdAuditList prints audit records.
func cmdAuditList(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("audit list", flag.ContinueOnError)
	af := addAuditFlags(fs)
	limit := fs.Int("limit", 0, "only the newest N records (0: all)")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	q, err := af.query()
	if err != nil {
		return err
	}
	q.Limit = *limit
	src, err := openAudit(*af.rf.data)
	if err != nil {
		return err
	}
	defer src.close()
	list, err := src.list(q)
	if err != nil {
		return err
	}
	if len(list) == 0 {
		fmt.Fprintln(stdout, "no audit records")
		return nil
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SEQ\tTIME\tUSER\tACTION\tTARGET\tOLD\tNEW\tRESULT\tREASON\tDETAIL")
	for _, e := range list {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", e.Seq, e.Time.Local().Format("2006-01-02 15:04:05.000"),
			dash(e.User), e.Action, dash(e.Target), dash(e.Old), dash(e.New), dash(e.Result), dash(e.Reason), dash(e.Detail))
	}
	return tw.Flush()
}

// cmdAuditExport writes audit records as CSV.
func cmdAuditExport(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("audit export", flag.ContinueOnError)
	af := addAuditFlags(fs)
	out := fs.String("out", "", "write to this file (default: standard output)")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	q, err := af.query()
	if err != nil {
		return err
	}
	src, err := openAudit(*af.rf.data)
	if err != nil {
		return err
	}
	defer src.close()
	list, err := src.list(q)
	if err != nil {
		return err
	}
	w := stdout
	if *out != "" {
		f, err := os.OpenFile(*out, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	if err := auth.WriteAuditCSV(w, list); err != nil {
		return err
	}
	if *out != "" {
		fmt.Fprintf(stderr, "%d records → %s\n", len(list), *out)
	}
	return nil
}

// anchorList is a repeatable --anchor flag.
type anchorList []auth.Anchor

func (l *anchorList) String() string { return fmt.Sprint(*l) }
func (l *anchorList) Set(s string) error {
	a, err := auth.ParseAnchor(s)
	if err != nil {
		return err
	}
	*l = append(*l, a)
	return nil
}

// cmdAuditVerify walks the hash chain.
func cmdAuditVerify(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("audit verify", flag.ContinueOnError)
	data := dataFlag(fs)
	var anchors anchorList
	fs.Var(&anchors, "anchor", "a head the trail must still contain, SEQ:HASH (from the station's log); repeatable")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	src, err := openAudit(*data)
	if err != nil {
		return err
	}
	defer src.close()
	rep, err := src.verify(anchors)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, rep.String())
	if !rep.OK() {
		return exitError{code: 1, msg: "the audit trail has been tampered with"}
	}
	return nil
}
