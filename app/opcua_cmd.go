package main

import (
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/sightglass/sightglass/drivers"
	"github.com/sightglass/sightglass/drivers/opcua"
	"github.com/sightglass/sightglass/station"
)

// opcuaUsage lists the opcua subcommands.
const opcuaUsage = `Usage:
  sightglass opcua certs                        the station's own certificate, the trusted and the rejected server certificates
  sightglass opcua trust THUMBPRINT|FILE        trust a rejected server certificate (by its SHA-1 thumbprint) or a certificate file
  sightglass opcua browse --endpoint URL [--policy P] [--mode M] [--node ID] [--depth N] [--csv-tags DEVICE]
                                                the server's nodes below ID (default the Objects folder, i=85), N levels
                                                deep (default 2): NodeId, browse name, class and type; with --csv-tags,
                                                tags.csv rows (name,device,address,type) of its variables for DEVICE

All take --data DIR (default ./data): the certificates are in DIR/pki.
browse uses the driver's security: --policy (default Basic256Sha256; also
None, Aes128_Sha256_RsaOaep, Aes256_Sha256_RsaPss) and --mode (default
SignAndEncrypt, None with policy None); an untrusted server certificate is
refused and kept in DIR/pki/rejected, as for a device.
A server certificate is never trusted by itself: the station refuses it,
keeps it in DIR/pki/rejected and says so in the device's last error. Check
its subject, thumbprint and validity with "certs", then trust it; the
device connects at its next retry.
`

// cmdOPCUA dispatches the opcua subcommands.
func cmdOPCUA(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return exitError{code: exitUsage, msg: opcuaUsage}
	}
	sub := args[0]
	fs := flag.NewFlagSet("opcua "+sub, flag.ContinueOnError)
	data := dataFlag(fs)
	var bf browseFlags
	if sub == "browse" {
		bf.define(fs)
	}
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
	case sub == "browse" && fs.NArg() == 0:
		return bf.run(ctx, pki, stdout)
	}
	return exitError{code: exitUsage, msg: opcuaUsage}
}

// browseFlags are the flags of opcua browse.
type browseFlags struct {
	endpoint, policy, mode, node, csvDevice *string
	depth                                   *int
}

func (b *browseFlags) define(fs *flag.FlagSet) {
	b.endpoint = fs.String("endpoint", "", "the server's endpoint URL, opc.tcp://host:4840/path")
	b.policy = fs.String("policy", opcua.DefaultPolicy, "security policy: "+opcua.PolicyNames)
	b.mode = fs.String("mode", "", "security mode: "+opcua.ModeNames+" (default SignAndEncrypt, None with policy None)")
	b.node = fs.String("node", opcua.ObjectsFolder, "the NodeId to browse below")
	b.depth = fs.Int("depth", 2, "how many levels to browse")
	b.csvDevice = fs.String("csv-tags", "", "print tags.csv rows of the variables found, for this device")
}

// run browses and prints the tree or the tags.csv rows.
func (b *browseFlags) run(ctx context.Context, pki string, stdout io.Writer) error {
	if *b.endpoint == "" {
		return exitError{code: exitUsage, msg: "opcua browse: --endpoint URL missing\n\n" + opcuaUsage}
	}
	mode := *b.mode
	if mode == "" {
		mode = opcua.DefaultMode
		if *b.policy == "None" {
			mode = "None"
		}
	}
	dev := drivers.DeviceConfig{Name: "browse", Driver: opcua.DriverName, Timeout: opcua.DefaultTimeout,
		OPCUA: drivers.OPCUAConfig{Endpoint: *b.endpoint, SecurityPolicy: *b.policy, SecurityMode: mode, PKIDir: pki}}
	nodes, err := opcua.Browse(ctx, dev, *b.node, *b.depth)
	if err != nil && !errors.Is(err, opcua.ErrBrowseLimit) {
		return err
	}
	if *b.csvDevice != "" {
		if werr := writeTagRows(stdout, *b.csvDevice, opcua.Variables(nodes)); werr != nil {
			return werr
		}
		return err
	}
	if len(nodes) == 0 {
		fmt.Fprintf(stdout, "no nodes below %s\n", *b.node)
	}
	printTree(stdout, nodes, 0)
	return err
}

// printTree prints nodes indented two spaces a level: NodeId, browse
// name, class and, for variables, the project type and the OPC UA type.
func printTree(w io.Writer, nodes []opcua.BrowseNode, level int) {
	for _, n := range nodes {
		line := fmt.Sprintf("%s%s  %s  %s", strings.Repeat("  ", level), n.NodeID, n.BrowseName, n.NodeClass)
		if n.IsVariable() {
			line += "  " + dash(n.DataType)
			if n.UAType != "" {
				line += " (" + n.UAType + ")"
			}
		}
		fmt.Fprintln(w, line)
		printTree(w, n.Children, level+1)
	}
}

// writeTagRows writes a tags.csv header and the rows of vars.
func writeTagRows(w io.Writer, device string, vars []opcua.BrowseNode) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"name", "device", "address", "type"})
	cw.WriteAll(opcua.TagRows(device, vars))
	return cw.Error()
}
