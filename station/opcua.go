package station

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/sightglass/sightglass/auth"
	"github.com/sightglass/sightglass/drivers/opcua"
	"github.com/sightglass/sightglass/project"
)

// OPCUAPKIDir is the folder of the station's OPC UA certificates
// (DATA/pki), "" when the station has no data folder.
func (s *Station) OPCUAPKIDir() string {
	if s.dataDir == "" {
		return ""
	}
	return filepath.Join(s.dataDir, PKIDir)
}

// TrustCertificate trusts a rejected OPC UA server certificate, by its
// SHA-1 thumbprint, for an actor with EditProject; audited. The device
// connects at its next retry.
func (s *Station) TrustCertificate(a Actor, thumbprint string) error {
	pki := s.OPCUAPKIDir()
	rec := auth.AuditRecord{User: a.user(), Action: auth.ActCertTrust, Target: thumbprint, Reason: a.Comment, Detail: a.From}
	if pki == "" {
		return errors.New("the station has no data folder, so no certificates")
	}
	if _, err := s.authorize(&a, auth.EditProject, ""); err != nil {
		rec.Result = result(err)
		s.audit(rec)
		return err
	}
	if list, err := opcua.ListCertificates(pki); err == nil {
		want := strings.ToUpper(strings.NewReplacer(":", "", " ", "").Replace(thumbprint))
		for _, c := range list {
			if c.Thumbprint == want {
				rec.New = c.Subject
			}
		}
	}
	err := opcua.TrustCertificate(pki, thumbprint)
	rec.Result = result(err)
	s.audit(rec)
	return err
}

// AddTags appends tags to the project's tags.csv (rows of name, device,
// address, type) for an actor with EditProject, checks the project with
// them, and keeps them only when it still loads; audited as a project
// change. They take effect at the next start.
func (s *Station) AddTags(a Actor, rows [][]string) error {
	dir := s.projectDir()
	rec := auth.AuditRecord{User: a.user(), Action: auth.ActProject, Target: project.CSVFile, New: fmt.Sprintf("+%d tags", len(rows)), Reason: a.Comment, Detail: a.From}
	if dir == "" {
		return errors.New("the project is not a folder on disk (the embedded demo): add the rows to a project's tags.csv")
	}
	if _, err := s.authorize(&a, auth.EditProject, ""); err != nil {
		rec.Result = result(err)
		s.audit(rec)
		return err
	}
	path := filepath.Join(dir, project.CSVFile)
	old, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	var buf bytes.Buffer
	buf.Write(old)
	if len(old) > 0 && old[len(old)-1] != '\n' {
		buf.WriteByte('\n')
	}
	w := csv.NewWriter(&buf)
	if len(old) == 0 {
		w.Write([]string{"name", "device", "address", "type"})
	}
	// Columns beyond the four go to the header's first four: a tags.csv
	// with other columns in another order is refused rather than garbled.
	if len(old) > 0 {
		header, _, _ := bytes.Cut(old, []byte("\n"))
		if strings.TrimSpace(string(header)) != "name,device,address,type" {
			return fmt.Errorf("%s: its columns are not name,device,address,type; add the rows by hand", path)
		}
	}
	for _, r := range rows {
		if len(r) != 4 {
			return fmt.Errorf("a tag row needs name, device, address and type: %q", r)
		}
		w.Write(r)
	}
	w.Flush()
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		return err
	}
	if _, err := project.Load(dir); err != nil {
		// Put the file back as it was: the project must keep loading.
		if len(old) == 0 {
			os.Remove(path)
		} else {
			os.WriteFile(path, old, 0o644)
		}
		rec.Result = result(err)
		s.audit(rec)
		return err
	}
	rec.Result = "ok"
	s.audit(rec)
	return nil
}
