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
	paid    bool             // the customer paid it at the simulator (and, in manual capture, it was captured whole)
	refunds []*refundCall

	authorized bool           // manual capture: the customer authorized it at the simulator
	capture    *captureCall   // manual capture: the merchant's capture, if it asked for one
	void       status.Outcome // manual capture: how the merchant's void ended, if it voided ("" if not)
}

// captureCall is the merchant's capture of an authorized payment.
type captureCall struct {
	id       string
	amount   money.Amount // as asked: the zero Amount takes the whole authorization
	outcome  status.Outcome
	payment  *paygate.Payment
	err      error
	crashed  bool // a crash cut the call right after the router journaled it: its answer was never seen
	unknowns int  // how many of the merchant's calls ended U
}

// manualShare is the percentage of checkouts that ask for manual capture where their routing rule
// has a provider that declares it.
const manualShare = 20

// What the merchant does with an authorized payment, by plan.capture (0–99).
const (
	captureCrashBelow   = 10 // a crash cuts the capture right after the router journaled it
	captureWholeBelow   = 60 // captures the whole authorization
	capturePartialBelow = 80 // captures part of it, where the provider allows partial captures
	// from capturePartialBelow on: voids it, where the provider declares Void (else captures all)
)

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
	manual  int    // 0–99: below manualShare, the checkout asks for manual capture where it can
	capture int    // 0–99: what the merchant does once a manual-capture payment is authorized
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
	p.manual, p.capture = rnd.IntN(100), rnd.IntN(100) // drawn last: the earlier draws stay what they were
	return p
}

// partCapture is a partial capture of the payment, in minor units: at least one unit, less than all.
func (p plan) partCapture() int64 {
	total := p.amount.Minor()
	return 1 + int64(p.draws[1])%max(total-1, 1)
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
	if p.manual < manualShare && s.env.manualAt(c.req) {
		c.req.CaptureMode = paygate.CaptureManual
	}
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
	manual := c.req.CaptureMode == paygate.CaptureManual
	switch n := c.plan.action; {
	case n < 55 && manual:
		c.authorized = prov.sim.SettleOrder(ctx, c.payment.ProviderPaymentID, sim.Pay) == nil
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
	if c.authorized {
		c.settleAuthorization(ctx, s, r, prov)
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

// settleAuthorization is what the merchant does with an authorized payment (plan.capture): capture
// all of it (then refunds may follow, as for a paid payment) or part of it, void it, or start a
// capture that a crash cuts.
func (c *checkout) settleAuthorization(ctx context.Context, s *soak, r *route.Router, prov *provider) {
	n := c.plan.capture
	if n >= capturePartialBelow && prov.caps.Void {
		for try := range merchantTries {
			_, err := r.Cancel(ctx, &paygate.CancelRequest{PaymentRequestID: c.req.PaymentRequestID, Reason: "out of stock"})
			c.void = paygate.OutcomeOf(err)
			if c.void != status.Unknown || ctx.Err() != nil || try == merchantTries-1 {
				break
			}
			pause(ctx, 20*time.Millisecond)
		}
		return
	}
	cc := &captureCall{id: c.req.PaymentRequestID + "-c1"}
	if n >= captureWholeBelow && n < capturePartialBelow && prov.caps.PartialCapture {
		cc.amount, _ = money.FromMinor(c.plan.partCapture(), c.req.Amount.Currency())
	}
	c.capture = cc
	req := &paygate.CaptureRequest{CaptureRequestID: cc.id, PaymentRequestID: c.req.PaymentRequestID, Amount: cc.amount}
	if n < captureCrashBelow {
		// The process dies right after the router journals the capture; nobody sees the answer.
		s.capCrash.arm(cc.id, c.req.PaymentRequestID)
		_, _ = s.capRouter.Capture(ctx, req)
		cc.crashed = s.capCrash.disarm(cc.id)
		cc.outcome = status.Unknown
		return
	}
	if n%2 == 1 {
		r = s.bareOf(r) // the merchant's calls answer U as the provider did (see soak.bare)
	}
	for try := range merchantTries {
		p, err := r.Capture(ctx, req)
		cc.outcome, cc.payment, cc.err = paygate.OutcomeOf(err), p, err
		if cc.outcome == status.Unknown {
			cc.unknowns++
		}
		if cc.outcome != status.Unknown || ctx.Err() != nil || try == merchantTries-1 {
			break
		}
		pause(ctx, 20*time.Millisecond)
	}
	// Refunds follow a whole capture, as they follow a payment taken at once.
	c.paid = cc.outcome == status.Success && cc.amount.IsZero()
}

func pause(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}
