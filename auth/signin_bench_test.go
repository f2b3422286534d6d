package auth

import (
	"fmt"
	"testing"
)

// BenchmarkSignIn is one successful sign-in with the production argon2id
// parameters (DefaultParams), on a real state file: the figure issue 6
// asks for, target 100–500 ms. It reports ms/signin and names the
// parameters in the benchmark's name.
func BenchmarkSignIn(b *testing.B) {
	p := DefaultParams
	b.Run(fmt.Sprintf("argon2id_m=%dKiB,t=%d,p=%d", p.Memory, p.Time, p.Threads), func(b *testing.B) {
		r := newRig(b, Options{Params: p})
		r.add("ann", Operator)
		b.Logf("argon2id parameters: memory %d KiB, time %d, threads %d", p.Memory, p.Time, p.Threads)
		b.ResetTimer()
		for b.Loop() {
			if _, err := r.m.SignIn("ann", userPW, "bench"); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(b.Elapsed().Seconds()*1000/float64(b.N), "ms/signin")
	})
}
