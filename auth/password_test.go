package auth

import (
	"errors"
	"regexp"
	"strings"
	"testing"
)

func TestHashFormat(t *testing.T) {
	h, err := hashPassword("s3cret password", testParams)
	if err != nil {
		t.Fatal(err)
	}
	// $argon2id$v=19$m=64,t=1,p=1$ 22 base64 chars (16 bytes) $ 43 (32 bytes)
	re := regexp.MustCompile(`^\$argon2id\$v=19\$m=64,t=1,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`)
	if !re.MatchString(h) {
		t.Fatalf("hash %q is not a PHC argon2id string", h)
	}
	p, err := parseHash(h)
	if err != nil {
		t.Fatal(err)
	}
	if !p.verify("s3cret password") || p.verify("s3cret passwore") || p.verify("") {
		t.Error("verify wrong")
	}
	h2, _ := hashPassword("s3cret password", testParams)
	if h2 == h {
		t.Error("two hashes of one password are equal: no random salt")
	}
}

// A hash written out by hand parses to its parameters, salt and key.
func TestParseHashKnown(t *testing.T) {
	const h = "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$" // salt "saltsaltsaltsalt"
	p, err := parseHash(h + strings.Repeat("A", 43))
	if err != nil {
		t.Fatal(err)
	}
	if p.p != testParams || string(p.salt) != "saltsaltsaltsalt" || len(p.key) != 32 {
		t.Errorf("parsed %+v", p)
	}
}

func TestParseHashRejects(t *testing.T) {
	const salt, key = "c2FsdHNhbHRzYWx0c2FsdA", "ZGF0YWRhdGFkYXRhZGF0YWRhdGFkYXRhZGF0YWRhdGE"
	for _, h := range []string{
		"",
		"$argon2i$v=19$m=64,t=1,p=1$" + salt + "$" + key,          // argon2i, not id
		"$argon2id$v=16$m=64,t=1,p=1$" + salt + "$" + key,         // old version
		"$argon2id$v=19$m=64,t=1$" + salt + "$" + key,             // p missing
		"$argon2id$v=19$t=1,m=64,p=1$" + salt + "$" + key,         // order
		"$argon2id$v=19$m=64,t=0,p=1$" + salt + "$" + key,         // t=0 would panic argon2
		"$argon2id$v=19$m=64,t=1,p=0$" + salt + "$" + key,         // p=0 too
		"$argon2id$v=19$m=4,t=1,p=1$" + salt + "$" + key,          // m < 8p
		"$argon2id$v=19$m=4294967295,t=1,p=1$" + salt + "$" + key, // 4 TiB
		"$argon2id$v=19$m=64,t=1000,p=1$" + salt + "$" + key,
		"$argon2id$v=19$m=64,t=1,p=256$" + salt + "$" + key,
		"$argon2id$v=19$m=64,t=1,p=1$c2FsdA$" + key,         // 4-byte salt
		"$argon2id$v=19$m=64,t=1,p=1$" + salt + "$a2V5",     // 3-byte key
		"$argon2id$v=19$m=64,t=1,p=1$" + salt + "==$" + key, // padding
		"$argon2id$v=19$m=64,t=1,p=1$" + salt + "$" + key + "$",
		"$argon2id$v=19$m=+64,t=1,p=1$" + salt + "$" + key,
	} {
		if _, err := parseHash(h); err == nil {
			t.Errorf("parseHash(%q) accepted", h)
		}
	}
}

func TestPasswordPolicy(t *testing.T) {
	for _, c := range []struct {
		pw string
		ok bool
	}{
		{"0123456789", true},
		{"012345678", false},  // 9 < 10
		{"密码密码密码密码密码", true},  // 10 characters, 30 bytes
		{"Operator.1", false}, // the name, in another case
		{"operator.1", false},
		{"\xff\xfe0123456789", false}, // not UTF-8
		{strings.Repeat("x", MaxPasswordLen), true},
		{strings.Repeat("x", MaxPasswordLen+1), false},
	} {
		err := checkPassword("operator.1", c.pw, 10)
		if (err == nil) != c.ok || err != nil && !errors.Is(err, ErrWeakPassword) {
			t.Errorf("checkPassword(%q) = %v, want ok %v", c.pw, err, c.ok)
		}
	}
}
