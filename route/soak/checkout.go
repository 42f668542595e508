package soak

import (
	"context"
	"fmt"
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

func (s *soak) newCheckout(i int) *checkout {
	country, currency := "ID", "USD"
	switch n := s.intN(10); {
	case n < 3:
		country = "KH"
	case n < 5:
		country, currency = "JP", "JPY"
	}
	id := fmt.Sprintf("soak%d-%05d", s.cfg.Seed%100000, i)
	c := &checkout{req: &paygate.CreateRequest{
		PaymentRequestID: id, MerchantOrderID: "order-" + id, Amount: s.amountFor(currency),
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
	switch n := s.intN(100); {
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
	total := c.req.Amount.Minor()
	var parts []int64
	switch n := s.intN(100); {
	case n < 35:
		parts = []int64{1 + int64(s.intN(int(total/2)))}
	case n < 50:
		a := 1 + int64(s.intN(int(total/3)))
		parts = []int64{a, 1 + int64(s.intN(int(total/3)))}
	case n < 65:
		parts = []int64{total}
	}
	for k, minor := range parts {
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
