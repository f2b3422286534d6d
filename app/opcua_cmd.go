package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"text/tabwriter"

	"github.com/sightglass/sightglass/drivers/opcua"
	"github.com/sightglass/sightglass/station"
)

// opcuaUsage lists the opcua subcommands.
const opcuaUsage = `Usage:
  sightglass opcua certs                        the station's own certificate, the trusted and the rejected server certificates
  sightglass opcua trust THUMBPRINT|FILE        trust a rejected server certificate (by its SHA-1 thumbprint) or a certificate file

Both take --data DIR (default ./data): the certificates are in DIR/pki.
A server certificate is never trusted by itself: the station refuses it,
keeps it in DIR/pki/rejected and says so in the device's last error. Check
its subject, thumbprint and validity with "certs", then trust it; the
device connects at its next retry.
`

// cmdOPCUA dispatches the opcua subcommands.
func cmdOPCUA(_ context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return exitError{code: exitUsage, msg: opcuaUsage}
	}
	sub := args[0]
	fs := flag.NewFlagSet("opcua "+sub, flag.ContinueOnError)
	data := dataFlag(fs)
	if err := parseFlags(fs, interspersed(args[1:], fs), stderr); err != nil {
		return err
	}
	pki := filepath.Join(dataDirOr(*data), station.PKIDir)
	switch {
	case sub == "certs" && fs.NArg() == 0:
		list, err := opcua.ListCertificates(pki)
		if err != nil {
			return err
		}
		if len(list) == 0 {
			fmt.Fprintln(stdout, "no certificates yet (the station makes its own on first use)")
			return nil
		}
		tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "STATUS\tSUBJECT\tTHUMBPRINT (SHA-1)\tVALID FROM\tUNTIL\tURI")
		for _, c := range list {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", c.Status, c.Subject, c.Thumbprint,
				c.NotBefore.Format("2006-01-02"), c.NotAfter.Format("2006-01-02"), dash(c.URI))
		}
		return tw.Flush()
	case sub == "trust" && fs.NArg() == 1:
		if err := opcua.TrustCertificate(pki, fs.Arg(0)); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "trusted %s\n", fs.Arg(0))
		return nil
	}
	return exitError{code: exitUsage, msg: opcuaUsage}
}
