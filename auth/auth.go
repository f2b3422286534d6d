// Package auth is who may do what at a station, and the proof of what
// they did: users and roles with permissions narrowed per area, sign-in
// with argon2id password hashes, slow-down and lockout, sessions with idle
// sign-out, and a tamper-evident audit trail (each record carries the
// SHA-256 of the one before).
//
// Users, roles and the audit trail live in the station's state.Store, so a
// cluster can replicate them.
package auth

import "time"

// Action names what an audit record records.
type Action string

// The audited actions.
const (
	ActSignIn         Action = "sign-in"
	ActSignOut        Action = "sign-out"
	ActSignInFailed   Action = "sign-in-failed"
	ActLockout        Action = "lockout"
	ActWrite          Action = "write"        // Target tag, Old → New, Result
	ActAlarmAck       Action = "alarm-ack"    // Target alarm ID
	ActAlarmReset     Action = "alarm-reset"  // latched alarm reset
	ActAlarmShelve    Action = "alarm-shelve" // New: the shelf's end
	ActAlarmUnshelve  Action = "alarm-unshelve"
	ActAlarmOOS       Action = "alarm-out-of-service"
	ActAlarmInService Action = "alarm-in-service"
	ActAlarmLimit     Action = "alarm-limit"       // Old → New limit
	ActProject        Action = "project-change"    // Target file
	ActCertTrust      Action = "certificate-trust" // Target: the SHA-1 thumbprint; New: the subject
	ActUserAdd        Action = "user-add"
	ActUserChange     Action = "user-change" // role, areas, password, enabled
	ActUserRemove     Action = "user-remove"
	ActStationStart   Action = "station-start"
	ActStationStop    Action = "station-stop"
	ActAuditRead      Action = "audit-read" // refused reads of the trail only
)

// AuditRecord is one entry of the audit trail, as the caller gives it;
// the trail adds its sequence number and the hash chain.
type AuditRecord struct {
	Time    time.Time
	User    string // "" for the station itself
	Action  Action
	Target  string // tag, alarm ID, user name, file…
	Old     string
	New     string
	Result  string // "ok" or the error
	Reason  string // the operator's comment or the signature's reason
	Station string // which station recorded it (a cluster has several)
	Detail  string // anything else, e.g. the client address of a gateway
}

// Auditor receives audit records. The audit trail implements it; every
// part of the station that acts for a person is given one.
type Auditor interface {
	Audit(r AuditRecord) error
}
