package project

import (
	"cmp"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

// seeds adds every file called name under testdata to f's corpus.
func seeds(f *testing.F, name string) {
	err := filepath.WalkDir("testdata", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.Name() != name {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		f.Add(data)
		return nil
	})
	if err != nil {
		f.Fatal(err)
	}
}

// checkResult checks what LoadFS promises for any input: a project or
// Problems, never both; problems sorted, with lines >= 0, one line each.
func checkResult(t *testing.T, p *Project, err error) {
	t.Helper()
	if err == nil {
		if p == nil {
			t.Fatal("nil project and nil error")
		}
		names := map[string]bool{}
		for _, d := range p.Tags {
			if names[d.Name] || checkTagName(d.Name) != "" {
				t.Fatalf("accepted tag name %q (bad or repeated)", d.Name)
			}
			names[d.Name] = true
		}
		if len(p.TagHistory) != len(p.Tags) {
			t.Fatalf("%d TagHistory for %d tags", len(p.TagHistory), len(p.Tags))
		}
		h := p.History
		if h.Raw < 0 || h.Rollups < 0 || h.Rollups > 0 && h.Rollups < h.Raw ||
			h.Partition < minPartition || h.Partition > maxPartition {
			t.Fatalf("accepted history %+v", h)
		}
		for i, th := range p.TagHistory {
			if th.ExcDev < 0 || th.CompDev < 0 || th.ExcMax < 0 || th.CompMax < 0 ||
				th.ExcDev > 0 && th.ExcMax == 0 || th.CompDev > 0 && th.CompMax == 0 ||
				th.Off && th != (TagHistory{Off: true}) {
				t.Fatalf("tag %q: accepted history %+v", p.Tags[i].Name, th)
			}
		}
		checkAlarmConfig(t, p)
		checkSecurity(t, p)
		checkOPCUA(t, p)
		return
	}
	if p != nil {
		t.Fatal("a project with an error")
	}
	var ps Problems
	if !errors.As(err, &ps) || len(ps) == 0 {
		t.Fatalf("error %T %v, want non-empty Problems", err, err)
	}
	for _, pr := range ps {
		if pr.Line < 0 || strings.ContainsAny(pr.Msg, "\r\n") || pr.Msg == "" {
			t.Fatalf("bad problem %#v", pr)
		}
	}
	if !slices.IsSortedFunc(ps, func(a, b Problem) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line))
	}) {
		t.Fatalf("problems not sorted:\n%v", err)
	}
}

func FuzzLoad(f *testing.F) {
	seeds(f, "project.yaml")
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := LoadFS(fstest.MapFS{"project.yaml": {Data: data}}, "fz")
		checkResult(t, p, err)
	})
}

// csvProject is a valid project.yaml for FuzzCSV.
const csvProject = `station: {name: S}
devices:
  - {name: plc1, driver: modbus-tcp, address: "127.0.0.1:502"}
  - {name: plc3, driver: modbus-rtu, address: /dev/ttyS0}
`

func FuzzCSV(f *testing.F) {
	seeds(f, "tags.csv")
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := LoadFS(fstest.MapFS{
			"project.yaml": {Data: []byte(csvProject)},
			"tags.csv":     {Data: data},
		}, "fz")
		checkResult(t, p, err)
		var ps Problems
		if errors.As(err, &ps) {
			for _, pr := range ps {
				if pr.File != "fz/tags.csv" {
					t.Fatalf("problem outside tags.csv: %v", pr)
				}
			}
		}
	})
}
