package auth

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
)

// UsersBucket is the state bucket of the users: one JSON record per user,
// keyed by the lower-case name.
const UsersBucket = "auth.users"

// Limits of names and areas.
const (
	MaxNameLen = 64  // characters of a user name
	maxAreaLen = 256 // bytes of an area prefix
	maxAreas   = 64  // areas of one user
)

// Errors of user management.
var (
	// ErrUnknownUser: no user has the name (user management only; sign-in
	// never tells).
	ErrUnknownUser = errors.New("no such user")
	// ErrUserExists: a user of that name (in any case) exists.
	ErrUserExists = errors.New("user exists")
	// ErrBadName: a user name is empty, longer than MaxNameLen, or has a
	// character other than an ASCII letter, digit, '.', '_' or '-'.
	ErrBadName = errors.New("user name must be 1-64 letters, digits, '.', '_' or '-'")
	// ErrBadArea: an area prefix is empty, too long or has spaces.
	ErrBadArea = errors.New("bad area prefix")
	// ErrLastAdmin: the change would leave no enabled admin without area
	// narrowing, and nobody could manage users any more.
	ErrLastAdmin = errors.New("the last admin cannot be removed, demoted, narrowed or disabled")
	// ErrNotFirst: AddUser without a session while users exist, or the
	// first user is not an admin of every area.
	ErrNotFirst = errors.New("only the first user, an admin, is added without signing in")
)

// User is a user as user management shows it: never the password hash.
type User struct {
	Name        string
	Role        Role
	Areas       []string // asset path prefixes; none means everywhere
	Enabled     bool
	Failed      int       // consecutive failed sign-ins
	LockedUntil time.Time // zero when not locked
	Created     time.Time
	Changed     time.Time
	ChangedBy   string // who made the last change; "" the station itself
}

// Can reports whether u may do p at target (an asset path or alarm ID;
// "" station-wide): u is enabled, u's role has p, and p is View or target
// lies in u's areas. Manager.Authorize is the check the station makes;
// this one is the same rule on a plain User.
func (u *User) Can(p Permission, target string) bool {
	return u != nil && u.Enabled && allowed(u.Role, u.Areas, p, target)
}

// userRecord is a user as stored in UsersBucket.
type userRecord struct {
	Name        string    `json:"name"`
	Role        Role      `json:"role"`
	Areas       []string  `json:"areas,omitempty"`
	Hash        string    `json:"hash"` // argon2id PHC string
	Enabled     bool      `json:"enabled"`
	Failed      int       `json:"failed,omitempty"`
	LockedUntil time.Time `json:"locked_until,omitzero"`
	Created     time.Time `json:"created"`
	Changed     time.Time `json:"changed"`
	ChangedBy   string    `json:"changed_by,omitempty"`
}

// user is r without its hash.
func (r *userRecord) user() User {
	return User{
		Name: r.Name, Role: r.Role, Areas: append([]string(nil), r.Areas...), Enabled: r.Enabled,
		Failed: r.Failed, LockedUntil: r.LockedUntil, Created: r.Created, Changed: r.Changed, ChangedBy: r.ChangedBy,
	}
}

// fullAdmin reports whether r can manage users everywhere.
func (r *userRecord) fullAdmin() bool { return r.Enabled && r.Role == Admin && len(r.Areas) == 0 }

// userKey is the bucket key of a name: names are unique ignoring case.
func userKey(name string) string { return strings.ToLower(name) }

// encodeRecord is r as stored.
func encodeRecord(r *userRecord) ([]byte, error) { return json.Marshal(r) }

// decodeRecord parses and checks a stored record; bytes from a corrupt or
// forged file give an error, never a panic.
func decodeRecord(b []byte) (*userRecord, error) {
	var r userRecord
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("user record: %w", err)
	}
	if err := checkName(r.Name); err != nil {
		return nil, fmt.Errorf("user record: %w", err)
	}
	if r.Role >= NumRoles {
		return nil, fmt.Errorf("user record %s: role %d", r.Name, r.Role)
	}
	areas, err := checkAreas(r.Areas)
	if err != nil {
		return nil, fmt.Errorf("user record %s: %w", r.Name, err)
	}
	r.Areas = areas
	if _, err := parseHash(r.Hash); err != nil {
		return nil, fmt.Errorf("user record %s: hash: %w", r.Name, err)
	}
	if r.Failed < 0 {
		return nil, fmt.Errorf("user record %s: failed count %d", r.Name, r.Failed)
	}
	return &r, nil
}

// checkName checks a user name. Only ASCII: names are typed on tablets
// and shared keyboards, and look-alike letters from other scripts would
// let two names read the same.
func checkName(name string) error {
	if name == "" || len(name) > MaxNameLen {
		return ErrBadName
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return ErrBadName
		}
	}
	return nil
}

// checkAreas checks area prefixes and returns them without duplicates.
func checkAreas(areas []string) ([]string, error) {
	if len(areas) > maxAreas {
		return nil, fmt.Errorf("%w: more than %d areas", ErrBadArea, maxAreas)
	}
	var out []string
	for _, a := range areas {
		if a == "" || len(a) > maxAreaLen || strings.IndexFunc(a, unicode.IsSpace) >= 0 ||
			strings.HasPrefix(a, ".") || strings.HasSuffix(a, ".") {
			return nil, fmt.Errorf("%w %q", ErrBadArea, a)
		}
		dup := false
		for _, b := range out {
			dup = dup || a == b
		}
		if !dup {
			out = append(out, a)
		}
	}
	return out, nil
}
