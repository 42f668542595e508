package redact

import (
	"fmt"
	"strings"
	"testing"

	"github.com/paygate-go/paygate/internal/cputime"
)

// redactShapes are the texts BenchmarkRedact runs on, as functions of a size in bytes.
var redactShapes = []struct {
	name string
	gen  func(n int) string
}{
	// The worst case of the old card rule: every window of a separated digit run was Luhn-checked.
	{"digits", func(n int) string { return strings.Repeat("1 ", n/2) }},
	// Log lines as zap's JSON encoder writes them, with a card number, a CVV and secret keys.
	{"json", func(n int) string {
		line := `{"level":"info","ts":1763712000.123,"msg":"waffo call","op":"create","payment_request_id":"ORDER-20261121-0001",` +
			`"amount":"10.50","currency":"USD","body":"{\"cardNumber\":\"4111111111111111\",\"cvv\":\"123\"}","api_key":"sk_live_abc"}` + "\n"
		return strings.Repeat(line, n/len(line)+1)[:n]
	}},
	// Prose without anything to redact: the common case.
	{"text", func(n int) string {
		line := "payment ORDER-20261121-0001 for 10.50 USD created; the customer was sent to the wallet at 2025-11-21 08:00. "
		return strings.Repeat(line, n/len(line)+1)[:n]
	}},
}

// BenchmarkRedact measures New(secret).String, what provider.Redact runs, over each shape at 1 KiB,
// 64 KiB and 1 MiB. With b.SetBytes the MB/s of the sizes compare directly, and cpu-ns/B is the
// process's CPU time per input byte, steadier than wall time on a shared machine: the same cost per
// byte at every size means linear.
func BenchmarkRedact(b *testing.B) {
	for _, shape := range redactShapes {
		for _, size := range []int{1 << 10, 64 << 10, 1 << 20} {
			s := shape.gen(size)
			b.Run(fmt.Sprintf("%s/%dKiB", shape.name, size>>10), func(b *testing.B) {
				b.SetBytes(int64(len(s)))
				b.ReportAllocs()
				b.ResetTimer()
				start, ok := cputime.Used()
				for range b.N {
					New("sk_live_abcdef123").String(s)
				}
				if end, _ := cputime.Used(); ok {
					b.ReportMetric(float64(end-start)/float64(b.N)/float64(len(s)), "cpu-ns/B")
				}
			})
		}
	}
}
