package auth

import (
	"fmt"
	"strings"
)

// Role is what a user is at the station. Each role has every permission
// of the roles below it.
type Role uint8

// The roles, least to most powerful.
const (
	Viewer      Role = iota // sees the process
	Operator                // + writes setpoints and commands, acknowledges
	Maintenance             // + shelves, takes out of service, equipment notes
	Supervisor              // + changes alarm limits, reports
	Engineer                // + edits the project, screens and devices
	Admin                   // + manages users and roles
	NumRoles    = 6
)

var roleNames = [NumRoles]string{"viewer", "operator", "maintenance", "supervisor", "engineer", "admin"}

func (r Role) String() string {
	if r < NumRoles {
		return roleNames[r]
	}
	return fmt.Sprintf("Role(%d)", r)
}

// ParseRole parses a role name ("operator"), ignoring case.
func ParseRole(s string) (Role, bool) {
	for i, n := range roleNames {
		if strings.EqualFold(s, n) {
			return Role(i), true
		}
	}
	return 0, false
}

// MarshalText implements encoding.TextMarshaler: the role's name.
func (r Role) MarshalText() ([]byte, error) {
	if r >= NumRoles {
		return nil, fmt.Errorf("auth: no role %d", r)
	}
	return []byte(r.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (r *Role) UnmarshalText(b []byte) error {
	v, ok := ParseRole(string(b))
	if !ok {
		return fmt.Errorf("auth: unknown role %q", b)
	}
	*r = v
	return nil
}

// Permission is one kind of thing a person may do at the station.
type Permission uint8

// The permissions. Which role first has each is in minRole.
const (
	View           Permission = iota // see values, trends, alarms
	Write                            // write setpoints and commands
	Ack                              // acknowledge alarms, reset latched ones
	Shelve                           // shelve and unshelve alarms
	OutOfService                     // take alarms out of service and back
	EquipmentNotes                   // write equipment notes
	AlarmLimits                      // change alarm limits
	Reports                          // run and export reports
	EditProject                      // edit the project, screens and devices
	ManageUsers                      // add, change and remove users and roles
	NumPermissions = 10
)

var permNames = [NumPermissions]string{
	"view", "write", "ack", "shelve", "out-of-service", "equipment-notes",
	"alarm-limits", "reports", "edit-project", "manage-users",
}

// minRole is the least role that has each permission (issue 6: operator
// writes and acknowledges; maintenance adds shelve, out of service and
// notes; supervisor alarm limits and reports; engineer the project; admin
// users and roles).
var minRole = [NumPermissions]Role{
	View:           Viewer,
	Write:          Operator,
	Ack:            Operator,
	Shelve:         Maintenance,
	OutOfService:   Maintenance,
	EquipmentNotes: Maintenance,
	AlarmLimits:    Supervisor,
	Reports:        Supervisor,
	EditProject:    Engineer,
	ManageUsers:    Admin,
}

func (p Permission) String() string {
	if p < NumPermissions {
		return permNames[p]
	}
	return fmt.Sprintf("Permission(%d)", p)
}

// ParsePermission parses a permission name ("out-of-service"), ignoring
// case.
func ParsePermission(s string) (Permission, bool) {
	for i, n := range permNames {
		if strings.EqualFold(s, n) {
			return Permission(i), true
		}
	}
	return 0, false
}

// Has reports whether role r has permission p, wherever it applies.
func (r Role) Has(p Permission) bool {
	return r < NumRoles && p < NumPermissions && r >= minRole[p]
}

// AreaMatch reports whether target (an asset path such as
// "Area1.Tank.Level", or an alarm ID such as "Area1.Tank.Level/hi") lies
// in the area prefix: "Area1" matches "Area1" and "Area1.Tank.Level" but
// not "Area10.Pump".
func AreaMatch(prefix, target string) bool {
	if prefix == "" || !strings.HasPrefix(target, prefix) {
		return false
	}
	if len(target) == len(prefix) {
		return true
	}
	c := target[len(prefix)]
	return c == '.' || c == '/'
}

// InAreas reports whether target lies in one of areas. No areas means
// everywhere; a narrowed user (some areas) is not in the station-wide
// target "" (project, users, station-wide reports).
func InAreas(areas []string, target string) bool {
	if len(areas) == 0 {
		return true
	}
	for _, a := range areas {
		if AreaMatch(a, target) {
			return true
		}
	}
	return false
}

// allowed is the one rule behind every check: the role has p, and p is
// View (everyone sees the whole process) or target lies in areas.
func allowed(r Role, areas []string, p Permission, target string) bool {
	return r.Has(p) && (p == View || InAreas(areas, target))
}
