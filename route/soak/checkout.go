package soak

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/money"
	"github.com/paygate-go/paygate/provider/sim"
	"github.com/paygate-go/paygate/route"
	"github.com/paygate-go/paygate/status"
)

// checkout is one payment as the merchant saw it: what it asked, and what every call answered.
type checkout struct {
	plan    plan
	req     *paygate.CreateRequest
	outcome status.Outcome   // the create's outcome after the merchant's own retries
	payment *paygate.Payment // the create's answer, when S
	err     error            // the create's error, when not S
	paid    bool             // the customer paid it at the simulator
	refunds []*refundCall
}

type refundCall struct {
	id      string
	amount  money.Amount
	outcome status.Outcome
	refund  *paygate.Refund
	err     error // the last answer's error, when not S
}

// merchantTries is how often the merchant calls again, with the same ids, after a U.
const merchantTries = 3

// plan is what payment i of a soak does, drawn from the seed and i alone: the same seed gives every
// payment the same plan, whatever order the checkouts run in. What happens to it (faults, outages,
// the crash) depends on timing as well, and is not replayed.
type plan struct {
	id      string
	country string
	amount  money.Amount
	action  int    // 0–99: what the customer does after the create (pay, fail, expire, cancel, walk away)
	refunds int    // 0–99: which refunds follow a paid payment
	draws   [2]int // refund amounts, each 0–999,999; scaled to the payment in refundParts
}

func newPlan(seed uint64, i int) plan {
	rnd := rand.New(rand.NewPCG(seed, uint64(i)))
	p := plan{id: fmt.Sprintf("soak%d-%05d", seed%100000, i), country: "ID"}
	currency := "USD"
	switch n := rnd.IntN(10); {
	case n < 3:
		p.country = "KH"
	case n < 5:
		p.country, currency = "JP", "JPY"
	}
	p.amount, _ = money.FromMinor(int64(100+rnd.IntN(50_000)), currency) // 1.00 … 500.99 USD, or 100 … 50,099 JPY
	p.action, p.refunds = rnd.IntN(100), rnd.IntN(100)
	p.draws = [2]int{rnd.IntN(1_000_000), rnd.IntN(1_000_000)}
	return p
}

// refundParts are the refunds of a paid payment, in minor units: none, one part, two parts or the
// whole.
func (p plan) refundParts() []int64 {
	total := p.amount.Minor()
	part := func(k int, of int64) int64 { return 1 + int64(p.draws[k])%max(of, 1) }
	switch {
	case p.refunds < 35:
		return []int64{part(0, total/2)}
	case p.refunds < 50:
		return []int64{part(0, total/3), part(1, total/3)}
	case p.refunds < 65:
		return []int64{total}
	}
	return nil
}

func (s *soak) newCheckout(i int) *checkout {
	p := newPlan(s.cfg.Seed, i)
	id := p.id
	country := p.country
	c := &checkout{plan: p, req: &paygate.CreateRequest{
		PaymentRequestID: id, MerchantOrderID: "order-" + id, Amount: p.amount,
		Description: "soak checkout", NotifyURL: s.env.notifyURL, ReturnURL: "https://shop.example/return/" + id,
		Customer: paygate.Customer{ID: "cust-" + id, Email: "buyer-" + id + "@example.com", Country: country, Terminal: "WEB"},
	}}
	s.mu.Lock()
	s.payments[i] = c
	s.mu.Unlock()
	return c
}

// play runs the checkout: create, then what the customer and the merchant do next.
func (c *checkout) play(ctx context.Context, s *soak, r *route.Router) {
	for try := range merchantTries {
		p, err := r.Create(ctx, c.req)
		c.outcome = paygate.OutcomeOf(err)
		c.payment, c.err = p, err
		if c.outcome != status.Unknown || ctx.Err() != nil || try == merchantTries-1 {
			break
		}
		pause(ctx, 20*time.Millisecond)
	}
	if c.outcome != status.Success {
		return
	}
	prov := s.env.byName[c.payment.Provider]
	switch n := c.plan.action; {
	case n < 55:
		c.paid = prov.sim.SettleOrder(ctx, c.payment.ProviderPaymentID, sim.Pay) == nil
	case n < 65 && slices.Contains(prov.settle, sim.Fail):
		_ = prov.sim.SettleOrder(ctx, c.payment.ProviderPaymentID, sim.Fail)
	case n < 75:
		_ = prov.sim.SettleOrder(ctx, c.payment.ProviderPaymentID, sim.Expire)
	case n < 88:
		for try := range merchantTries {
			_, err := r.Cancel(ctx, &paygate.CancelRequest{PaymentRequestID: c.req.PaymentRequestID, Reason: "customer left"})
			if paygate.OutcomeOf(err) != status.Unknown || ctx.Err() != nil || try == merchantTries-1 {
				break
			}
			pause(ctx, 20*time.Millisecond)
		}
	default: // the customer walks away; the payment stays open
	}
	if !c.paid {
		return
	}
	for k, minor := range c.plan.refundParts() {
		amt, _ := money.FromMinor(minor, c.req.Amount.Currency())
		rc := &refundCall{id: fmt.Sprintf("%s-r%d", c.req.PaymentRequestID, k+1), amount: amt}
		c.refunds = append(c.refunds, rc)
		for try := range merchantTries {
			f, err := r.Refund(ctx, &paygate.RefundRequest{RefundRequestID: rc.id, PaymentRequestID: c.req.PaymentRequestID,
				Amount: amt, Reason: "customer asked", NotifyURL: s.env.notifyURL})
			rc.outcome, rc.refund, rc.err = paygate.OutcomeOf(err), f, err
			if rc.outcome != status.Unknown || ctx.Err() != nil || try == merchantTries-1 {
				break
			}
			pause(ctx, 20*time.Millisecond)
		}
	}
}

func pause(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}
