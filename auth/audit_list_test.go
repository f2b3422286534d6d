package auth

import (
	"testing"
	"time"
)

func TestList(t *testing.T) {
	st, _ := openAuditState(t)
	const n = 1000 // one a minute from auditBase
	appendAuditChain(t, st, Anchor{Hash: AuditGenesisHash}, 0, n)
	at := func(i int) time.Time { return auditBase.Add(time.Duration(i) * time.Minute) }
	for _, c := range []struct {
		name  string
		q     AuditQuery
		first uint64 // seq of the first result
		count int
	}{
		{"all", AuditQuery{}, 1, n},
		{"time range", AuditQuery{From: at(100), To: at(200)}, 101, 100},
		{"from only", AuditQuery{From: at(990)}, 991, 10},
		{"to only", AuditQuery{To: at(10)}, 1, 10},
		{"before the trail", AuditQuery{To: auditBase}, 0, 0},
		{"after the trail", AuditQuery{From: at(n)}, 0, 0},
		{"user, any case", AuditQuery{User: "BOB"}, 2, n / 3},
		{"actions", AuditQuery{Actions: []Action{ActSignIn, ActSignOut}}, 3, 2 * n / 6},
		{"target exact", AuditQuery{Target: "Plant.Area1.T042"}, 43, 10},
		{"target prefix", AuditQuery{Target: "Plant.Area2.", TargetPrefix: true}, 2, n / 2},
		{"target prefix is not exact", AuditQuery{Target: "Plant.Area2."}, 0, 0},
		{"text in a value", AuditQuery{Text: "500"}, 500, 2}, // old 500 of #500, new 500 of #499
		{"text in the target, any case", AuditQuery{Text: "area1.t00"}, 1, 50},
		{"limit keeps the newest", AuditQuery{Limit: 5}, n - 4, 5},
		{"limit with filters", AuditQuery{User: "ann", Limit: 3, To: at(300)}, 292, 3},
		{"limit above the matches", AuditQuery{Target: "Plant.Area1.T042", Limit: 50}, 43, 10},
		{"all filters", AuditQuery{From: at(0), To: at(n), User: "ann", Actions: []Action{ActWrite}, Target: "Plant.Area1.", TargetPrefix: true, Text: "s1"}, 1, 167},
	} {
		t.Run(c.name, func(t *testing.T) {
			es, err := List(st, c.q)
			if err != nil {
				t.Fatal(err)
			}
			if len(es) != c.count {
				t.Fatalf("%d records, want %d", len(es), c.count)
			}
			if c.count == 0 {
				return
			}
			if es[0].Seq != c.first {
				t.Errorf("first is %d, want %d", es[0].Seq, c.first)
			}
			for i, e := range es {
				if i > 0 && e.Seq <= es[i-1].Seq {
					t.Fatalf("not in trail order: %d after %d", e.Seq, es[i-1].Seq)
				}
				if r := auditTestRecord(int(e.Seq) - 1); e.AuditRecord != r {
					t.Fatalf("record %d is %+v, want %+v", e.Seq, e.AuditRecord, r)
				}
			}
		})
	}
}

// Times out of order by less than AuditSkew are found by a time range.
func TestListSkew(t *testing.T) {
	st, _ := openAuditState(t)
	tr, err := OpenTrail(st, "s1", nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 100 {
		r := auditTestRecord(i)
		if i%10 == 5 {
			r.Time = r.Time.Add(-10 * time.Minute) // a caller's late record
		}
		if err := tr.Audit(r); err != nil {
			t.Fatal(err)
		}
	}
	es, err := List(st, AuditQuery{From: auditBase.Add(40 * time.Minute), To: auditBase.Add(50 * time.Minute)})
	if err != nil {
		t.Fatal(err)
	}
	var got []uint64
	for _, e := range es {
		got = append(got, e.Seq)
	}
	// 41–50 are in range but #46 (at 35 min) is not; #56 (at 45 min) is.
	want := []uint64{41, 42, 43, 44, 45, 47, 48, 49, 50, 56}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
}
