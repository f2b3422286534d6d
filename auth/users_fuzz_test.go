package auth

import (
	"reflect"
	"testing"
	"time"
)

// FuzzUserRecord: decoding a stored user record from any bytes never
// panics; it either reports an error or gives a record that passes every
// check and encodes back to itself.
func FuzzUserRecord(f *testing.F) {
	hash, err := hashPassword(userPW, testParams)
	if err != nil {
		f.Fatal(err)
	}
	now := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	good, _ := encodeRecord(&userRecord{Name: "ann", Role: Operator, Areas: []string{"Area1"}, Hash: hash,
		Enabled: true, Failed: 2, LockedUntil: now, Created: now, Changed: now, ChangedBy: "root"})
	f.Add(good)
	f.Add(good[:len(good)/2])
	for _, s := range []string{
		``, `{}`, `null`, `[]`, `{"name":"ann"}`,
		`{"name":"ann","role":"god","hash":"` + hash + `"}`,
		`{"name":"ann","role":7,"hash":"` + hash + `"}`,
		`{"name":"a n","role":"viewer","hash":"` + hash + `"}`,
		`{"name":"ann","role":"viewer","hash":"$argon2id$v=19$m=4294967295,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$ZGF0YWRhdGFkYXRhZGF0YWRhdGFkYXRhZGF0YWRhdGE"}`,
		`{"name":"ann","role":"viewer","hash":"` + hash + `","failed":-1}`,
		`{"name":"ann","role":"viewer","hash":"` + hash + `","areas":[""]}`,
		`{"name":"ann","role":"viewer","hash":"` + hash + `","locked_until":"yesterday"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := decodeRecord(b)
		if err != nil {
			if r != nil {
				t.Fatal("a record with the error")
			}
			return
		}
		if checkName(r.Name) != nil || r.Role >= NumRoles || r.Failed < 0 {
			t.Fatalf("accepted %+v", r)
		}
		if _, err := parseHash(r.Hash); err != nil {
			t.Fatalf("accepted hash %q", r.Hash)
		}
		enc, err := encodeRecord(r)
		if err != nil {
			t.Fatal(err)
		}
		back, err := decodeRecord(enc)
		if err != nil || !reflect.DeepEqual(back, r) {
			t.Fatalf("round trip %+v -> %s -> %+v, %v", r, enc, back, err)
		}
	})
}
