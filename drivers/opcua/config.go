package opcua

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"time"

	"github.com/gopcua/opcua/ua"

	"github.com/sightglass/sightglass/drivers"
	"github.com/sightglass/sightglass/tags"
)

// DriverName is the name an OPC UA device's driver key gives.
const DriverName = "opcua"

// Security policies (OPC UA Part 7, the SecurityPolicy profiles) by the
// name a project writes, and their URIs.
var policies = map[string]string{
	"None":                  ua.SecurityPolicyURINone,
	"Basic256Sha256":        ua.SecurityPolicyURIBasic256Sha256,
	"Aes128_Sha256_RsaOaep": ua.SecurityPolicyURIAes128Sha256RsaOaep,
	"Aes256_Sha256_RsaPss":  ua.SecurityPolicyURIAes256Sha256RsaPss,
}

// PolicyNames lists the security policies a project can name.
const PolicyNames = "None, Basic256Sha256, Aes128_Sha256_RsaOaep, Aes256_Sha256_RsaPss"

// ModeNames lists the message security modes a project can name.
const ModeNames = "None, Sign, SignAndEncrypt"

var modes = map[string]ua.MessageSecurityMode{
	"None":           ua.MessageSecurityModeNone,
	"Sign":           ua.MessageSecurityModeSign,
	"SignAndEncrypt": ua.MessageSecurityModeSignAndEncrypt,
}

// Defaults of a device's settings.
const (
	DefaultPolicy = "Basic256Sha256"
	DefaultMode   = "SignAndEncrypt"
	DefaultPort   = 4840 // IANA's port for opc.tcp
	// DefaultTimeout bounds one service call when the device does not say.
	DefaultTimeout = 5 * time.Second
)

// Bounds of a monitored item's settings.
const (
	MaxQueue = 10000 // a server's queue of one item; real servers cap far lower
)

// ValidPolicy reports whether name is a security policy a project can name.
func ValidPolicy(name string) bool { _, ok := policies[name]; return ok }

// ValidMode reports whether name is a message security mode a project can name.
func ValidMode(name string) bool { _, ok := modes[name]; return ok }

// CheckEndpoint checks an endpoint URL: opc.tcp://host[:port][/path].
func CheckEndpoint(s string) error {
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "opc.tcp" || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("endpoint %q: want opc.tcp://host:4840/path", s)
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return fmt.Errorf("endpoint %q: port %q: want 1 to 65535", s, p)
		}
	}
	if u.Hostname() == "" {
		return fmt.Errorf("endpoint %q: want opc.tcp://host:4840/path", s)
	}
	return nil
}

// envName is a portable environment variable name (POSIX: letters,
// digits and _, not starting with a digit).
var envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// ValidEnvName reports whether s can name an environment variable.
func ValidEnvName(s string) bool { return envName.MatchString(s) }

// CheckSecurity checks a policy and mode against each other and the
// identity: None goes only with None, and a user name or certificate
// identity needs a secured channel, so that no password or token signature
// crosses the network in the clear.
func CheckSecurity(policy, mode string, id drivers.OPCUAIdentity) []error {
	var errs []error
	if (policy == "None") != (mode == "None") {
		errs = append(errs, fmt.Errorf("security_policy %s with security_mode %s: None goes only with None", policy, mode))
	}
	if policy == "None" && (id.Username != "" || id.CertFile != "") {
		errs = append(errs, errors.New("identity: a user name or certificate needs a security_policy other than None (it would cross the network in the clear)"))
	}
	return errs
}

// CheckDevice checks an OPC UA device's settings after the project applied
// its defaults; the factory calls it too.
func CheckDevice(dev *drivers.DeviceConfig) []error {
	c := &dev.OPCUA
	var errs []error
	if c.Endpoint == "" {
		errs = append(errs, errors.New("endpoint missing: want opc.tcp://host:4840/path"))
	} else if err := CheckEndpoint(c.Endpoint); err != nil {
		errs = append(errs, err)
	}
	if !ValidPolicy(c.SecurityPolicy) {
		errs = append(errs, fmt.Errorf("security_policy %q: want %s", c.SecurityPolicy, PolicyNames))
	}
	if !ValidMode(c.SecurityMode) {
		errs = append(errs, fmt.Errorf("security_mode %q: want %s", c.SecurityMode, ModeNames))
	}
	if ValidPolicy(c.SecurityPolicy) && ValidMode(c.SecurityMode) {
		errs = append(errs, CheckSecurity(c.SecurityPolicy, c.SecurityMode, c.Identity)...)
	}
	id := c.Identity
	switch {
	case id.Username != "" && id.CertFile != "":
		errs = append(errs, errors.New("identity: a user name or a certificate, not both"))
	case id.Username != "" && !ValidEnvName(id.PasswordEnv):
		errs = append(errs, fmt.Errorf("identity: password_env %q: want the name of an environment variable", id.PasswordEnv))
	case id.Username == "" && id.PasswordEnv != "":
		errs = append(errs, errors.New("identity: password_env without username"))
	case (id.CertFile == "") != (id.KeyFile == ""):
		errs = append(errs, errors.New("identity: certificate and key go together"))
	}
	return errs
}

// CheckTag checks an OPC UA tag's address.
func CheckTag(def *tags.Def) []error {
	if _, err := ParseNodeID(def.Address); err != nil {
		return []error{err}
	}
	return nil
}

// CheckItem checks a tag's monitoring settings against each other and its
// type.
func CheckItem(it drivers.OPCUAItem, t tags.DataType) []error {
	var errs []error
	if it.Sampling < 0 {
		errs = append(errs, fmt.Errorf("sampling %v: cannot be negative", it.Sampling))
	}
	if it.Queue > MaxQueue {
		errs = append(errs, fmt.Errorf("queue %d: want 1 to %d", it.Queue, MaxQueue))
	}
	switch {
	case it.DeadbandAbs < 0:
		errs = append(errs, fmt.Errorf("deadband absolute %v: want 0 or more", it.DeadbandAbs))
	case it.DeadbandPercent < 0 || it.DeadbandPercent > 100:
		errs = append(errs, fmt.Errorf("deadband percent %v: want 0 to 100", it.DeadbandPercent))
	case it.DeadbandAbs > 0 && it.DeadbandPercent > 0:
		errs = append(errs, errors.New("deadband: absolute or percent, not both"))
	case (it.DeadbandAbs > 0 || it.DeadbandPercent > 0) && (t == tags.TypeBool || t == tags.TypeString):
		errs = append(errs, fmt.Errorf("deadband applies only to numeric tags, not %s", t))
	}
	return errs
}
