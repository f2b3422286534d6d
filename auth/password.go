package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// Params are the argon2id cost parameters of new password hashes. A
// stored hash carries its own, so changing them affects only hashes made
// (or remade at a sign-in) afterwards.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32 // passes over the memory
	Threads uint8  // lanes
}

// DefaultParams take 100–200 ms for one sign-in on the 2-core station
// this was measured on (BenchmarkSignIn): slow for someone guessing, no
// burden for a person. RFC 9106 §4 recommends argon2id with 64 MiB as its
// second choice for memory-constrained machines; t=4 brings it into range.
var DefaultParams = Params{Memory: 64 * 1024, Time: 4, Threads: 2}

// The shape of a hash (RFC 9106 §3.1 allows salts of 8 bytes and more; 16
// is what it recommends) and the bounds a stored hash must keep, so that
// a corrupt or forged record cannot make a sign-in allocate gigabytes.
const (
	saltLen      = 16
	keyLen       = 32
	maxMemoryKiB = 1 << 20 // 1 GiB
	maxTime      = 64
	// MaxPasswordLen bounds a password in bytes, so nobody can make the
	// station hash megabytes.
	MaxPasswordLen = 1024
)

// phcPrefix starts every argon2id hash in the PHC string format
// ($argon2id$v=19$m=65536,t=4,p=2$salt$hash, base64 without padding).
const phcPrefix = "$argon2id$v=19$"

// errBadHash: a stored hash is not an argon2id PHC string within bounds.
var errBadHash = errors.New("not an argon2id hash the station accepts")

// hashPassword hashes password with a fresh random salt.
func hashPassword(password string, p Params) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("salt: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, keyLen)
	enc := base64.RawStdEncoding
	return fmt.Sprintf("%sm=%d,t=%d,p=%d$%s$%s", phcPrefix, p.Memory, p.Time, p.Threads,
		enc.EncodeToString(salt), enc.EncodeToString(key)), nil
}

// phc is a parsed hash.
type phc struct {
	p         Params
	salt, key []byte
}

// parseHash parses an argon2id PHC string and checks its bounds; it
// computes nothing.
func parseHash(s string) (phc, error) {
	var h phc
	rest, ok := strings.CutPrefix(s, phcPrefix)
	if !ok {
		return h, errBadHash
	}
	parts := strings.Split(rest, "$")
	if len(parts) != 3 {
		return h, errBadHash
	}
	kvs := strings.Split(parts[0], ",")
	if len(kvs) != 3 {
		return h, errBadHash
	}
	var v [3]uint64 // m, t, p in that order
	for i, kv := range kvs {
		name, val, ok := strings.Cut(kv, "=")
		if !ok || name != [3]string{"m", "t", "p"}[i] {
			return h, errBadHash
		}
		n, err := strconv.ParseUint(val, 10, 32)
		if err != nil {
			return h, errBadHash
		}
		v[i] = n
	}
	m, t, p := v[0], v[1], v[2]
	if m < 8 || m > maxMemoryKiB || t < 1 || t > maxTime || p < 1 || p > 255 || m < 8*p {
		return h, errBadHash
	}
	enc := base64.RawStdEncoding.Strict()
	salt, err := enc.DecodeString(parts[1])
	if err != nil || len(salt) < 8 || len(salt) > 64 {
		return h, errBadHash
	}
	key, err := enc.DecodeString(parts[2])
	if err != nil || len(key) < 16 || len(key) > 64 {
		return h, errBadHash
	}
	h.p = Params{Memory: uint32(m), Time: uint32(t), Threads: uint8(p)}
	h.salt, h.key = salt, key
	return h, nil
}

// verify reports whether password hashes to h, comparing in constant time.
func (h phc) verify(password string) bool {
	got := argon2.IDKey([]byte(password), h.salt, h.p.Time, h.p.Memory, h.p.Threads, uint32(len(h.key)))
	return subtle.ConstantTimeCompare(got, h.key) == 1
}

// ErrWeakPassword: a new password breaks the policy (too short, too long,
// the user's name); the wrapping error says which.
var ErrWeakPassword = errors.New("password not accepted")

// checkPassword applies the password policy to a new password of user
// name. minLen counts characters, not bytes.
func checkPassword(name, password string, minLen int) error {
	switch {
	case !utf8.ValidString(password):
		return fmt.Errorf("%w: not valid UTF-8", ErrWeakPassword)
	case utf8.RuneCountInString(password) < minLen:
		return fmt.Errorf("%w: shorter than %d characters", ErrWeakPassword, minLen)
	case len(password) > MaxPasswordLen:
		return fmt.Errorf("%w: longer than %d bytes", ErrWeakPassword, MaxPasswordLen)
	case strings.EqualFold(password, name):
		return fmt.Errorf("%w: the same as the user name", ErrWeakPassword)
	}
	return nil
}
