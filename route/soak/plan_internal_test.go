package soak

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The seed fixes every payment's plan, whatever order the checkouts are started in: drawn in
// reverse, each payment gets what it gets drawn in order; another seed gives other plans.
func TestSeedFixesEveryPaymentsPlan(t *testing.T) {
	const n = 200
	forward := make([]plan, n)
	for i := range n {
		forward[i] = newPlan(42, i)
	}
	for i := n - 1; i >= 0; i-- {
		require.Equal(t, forward[i], newPlan(42, i), "payment %d", i)
	}
	differs := 0
	for i := range n {
		if other := newPlan(43, i); other.amount != forward[i].amount || other.action != forward[i].action {
			differs++
		}
	}
	assert.Greater(t, differs, n/2)

	// The soak's checkouts take the plan, whichever goroutine starts them.
	s := &soak{cfg: Config{Seed: 42}, env: &env{notifyURL: "https://shop.example/notify"}, payments: make([]*checkout, n)}
	for i := n - 1; i >= 0; i-- {
		c := s.newCheckout(i)
		assert.Equal(t, forward[i], c.plan)
		assert.Equal(t, forward[i].amount, c.req.Amount)
		assert.Equal(t, forward[i].id, c.req.PaymentRequestID)
	}
}

// Refund parts stay within the payment and are positive.
func TestPlanRefundParts(t *testing.T) {
	for i := range 2000 {
		p := newPlan(7, i)
		var sum int64
		for _, part := range p.refundParts() {
			require.Positive(t, part)
			sum += part
		}
		require.LessOrEqual(t, sum, p.amount.Minor(), "payment %d", i)
	}
}

func TestDetailsReadable(t *testing.T) {
	r := Result{Seed: 7, Created: 3, Refused: 2, Refusals: map[string]int{"RISK_REJECTED": 1, "DECLINED": 1}, Failovers: 1, Refunds: 1,
		Faults: 1, BreakerTrips: 2, CutByCrash: 1, Reconciled: 1, Webhooks: 3, VerifiedWebhooks: map[string]int64{"waffo": 2, "antom": 1},
		Manual: 4, Authorized: 3, Captures: 1, CapturesUnknown: 1, Voided: 1, CapturesCut: 1}
	d := r.Details()
	for _, want := range []string{"1 failover;", "1 refund;", "1 fault injected", "2 breaker trips", "cut 1 checkout,", "1 entry reconciled",
		"2 F (DECLINED 1, RISK_REJECTED 1)", "3 verified webhooks (antom 1, waffo 2)",
		"manual capture: 4 created, 3 authorized, 1 capture (1 answered U first), 1 voided, 1 capture cut by a crash;"} {
		assert.Contains(t, d, want)
	}
	assert.NotContains(t, d, "map[")
}

// The summary line names every count that must be zero, captures included.
func TestSummary(t *testing.T) {
	r := Result{Payments: 5000, Captures: 812, DoubleCaptures: 1}
	assert.Equal(t, "soak: 5000 payments, 812 captures, 0 double charges, 1 double captures, 0 lost, 0 wrong status", r.Summary())
	assert.False(t, r.OK(), "a double capture fails the soak")
	r.DoubleCaptures = 0
	assert.True(t, r.OK())
	assert.Contains(t, Result{Payments: 1, Captures: 1}.Summary(), "1 capture, 0 double charges")
}

// A manual-capture payment's partial capture is at least one minor unit and less than the whole.
func TestPlanPartCapture(t *testing.T) {
	for i := range 2000 {
		p := newPlan(9, i)
		part := p.partCapture()
		require.Positive(t, part)
		if p.amount.Minor() > 1 {
			require.Less(t, part, p.amount.Minor(), "payment %d", i)
		}
	}
}
