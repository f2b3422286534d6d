package project

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/sightglass/sightglass/alarms"
	"github.com/sightglass/sightglass/drivers"
	"github.com/sightglass/sightglass/gateway"
	"github.com/sightglass/sightglass/models"
	"github.com/sightglass/sightglass/tags"
)

// The files of a project folder.
const (
	YAMLFile = "project.yaml" // required
	CSVFile  = "tags.csv"     // optional
)

// Station is the station section of a project.
type Station struct {
	Name string
}

// History is the project's history section. A zero duration keeps forever.
type History struct {
	Raw       time.Duration // how long raw samples are kept
	Rollups   time.Duration // how long the 1-minute and 1-hour rollups are kept; not less than Raw
	Partition time.Duration // the span of one raw history file: 1h to 31d, 24h by default
}

// TagHistory is one tag's history settings. The compression settings are
// OSIsoft PI's: an exception deadband ExcDev (engineering units) with
// ExcMax, the longest time without a stored point, and a swinging-door
// deadband CompDev with CompMax. ExcMax is 0 when the tag has no ExcDev,
// and CompMax 0 when it has no CompDev; only numeric tags have either.
type TagHistory struct {
	Off     bool // not recorded
	ExcDev  float64
	ExcMax  time.Duration
	CompDev float64
	CompMax time.Duration
}

// Project is a loaded, valid project. Devices have every default applied;
// a tag's Poll is 0 when it takes its device's.
type Project struct {
	Dir        string // the folder it was loaded from (display only)
	Station    Station
	Devices    []drivers.DeviceConfig
	Tags       []tags.Def     // YAML tags first, then CSV, in file order
	History    History        // Partition defaulted to 24h
	TagHistory []TagHistory   // parallel to Tags: TagHistory[i] is Tags[i]'s
	Screens    []Screen       // screens/*.yaml, sorted by name
	Alarms     alarms.Config  // the alarms section: one Def per alarm in file order, MaxShelve defaulted
	Security   Security       // the security section, every default applied
	Gateway    gateway.Config // the gateway section; off (nil servers) when not given
	Models     []models.Spec  // the models section, in file order, checked (Kind "expr" for calculated tags)
	ModelTags  []tags.Def     // the models' output tags (models.OutputDefs), in model order
}

// Load loads the project in folder dir. When anything is wrong it
// returns a nil project and Problems listing everything found.
func Load(dir string) (*Project, error) {
	root := dir
	if root == "" {
		root = "." // os.DirFS("") would be the filesystem root
	}
	return LoadFS(os.DirFS(root), dir)
}

// LoadFS loads the project whose files are at the root of fsys. dir only
// names the files in problems ("dir/project.yaml:12: ..."). When anything
// is wrong it returns a nil project and Problems listing everything
// found.
func LoadFS(fsys fs.FS, dir string) (*Project, error) {
	r := &report{}
	yamlPath := filepath.Join(dir, YAMLFile)
	data, err := fs.ReadFile(fsys, YAMLFile)
	if err != nil {
		r.add(yamlPath, 0, "%s", readError(err))
		return nil, r.problems()
	}
	var dec decoded
	decodeYAML(r, yamlPath, data, &dec)

	csvPath := filepath.Join(dir, CSVFile)
	switch data, err := fs.ReadFile(fsys, CSVFile); {
	case err == nil:
		dec.tags = append(dec.tags, decodeCSV(r, csvPath, data)...)
	case !errors.Is(err, fs.ErrNotExist):
		r.add(csvPath, 0, "%s", readError(err))
	}

	p := validate(r, &dec)
	p.Models, p.ModelTags = checkModels(r, dec.models, p, true)
	p.Alarms = checkAlarms(r, &dec.alarms, p, dec.devicesKnown)
	p.Screens = loadScreens(r, fsys, dir, p, dec.devicesKnown)
	p.Gateway = checkGateway(r, &dec.gateway, p, dec.devicesKnown, fsys, dir)
	if ps := r.problems(); len(ps) > 0 {
		return nil, ps
	}
	p.Dir = dir
	return p, nil
}

// readError says why a file could not be read, without repeating its path.
func readError(err error) string {
	if errors.Is(err, fs.ErrNotExist) {
		return "no such file"
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
