package route

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/internal/redact"
)

// A leased U names the lease's holder, and errors are redacted when printed: no token may look like
// a card number or a secret's key/value, or the holder would show as asterisks or [REDACTED]. Random
// parts that did (hex joined by '.', letters spelling "cvn" before ':') were found by
// TestRoutersSharingAnInstanceKeepTheirLeasesApart failing about once in 300 runs.
func TestLeaseTokensSurviveRedaction(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	for i := range 5_000 {
		n := rnd.Uint64()
		if i < 2 {
			n = [2]uint64{0, ^uint64(0)}[i] // the ends of the range
		}
		// A call number needs 13 digits to be taken for a card: a trillion calls of one Router.
		for _, call := range []uint64{1, 123_456_789, 999_999_999_999} {
			token := tokenPrefix("checkout-1", n) + fmt.Sprint(call)
			e := &Entry{Kind: KindPayment, RequestID: "pay-1", Provider: "vai247", LeaseOwner: token}
			msg := leased(paygate.OpCreate, e).Error()
			if !assert.Contains(t, msg, "("+token+")", "random part %d", n) || !assert.NotContains(t, msg, redact.Redacted) {
				return
			}
		}
	}
}

// letters keeps all 64 bits: different numbers make different tokens.
func TestLettersIsOneToOne(t *testing.T) {
	seen := map[string]uint64{}
	for _, n := range []uint64{0, 1, 25, 26, 27, 1 << 63, ^uint64(0), ^uint64(0) - 1, ^uint64(0) - 26} {
		l := letters(n)
		_, dup := seen[l]
		assert.False(t, dup, "%d and %d both give %q", seen[l], n, l)
		seen[l] = n
	}
}
