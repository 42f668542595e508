package soak

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/provider/sim"
	"github.com/paygate-go/paygate/retry"
	"github.com/paygate-go/paygate/route"
	"github.com/paygate-go/paygate/status"
)

// located is a ledger record with the provider that holds it.
type located[T any] struct {
	provider string
	rec      T
}

// problem counts one finding under *count and keeps its description.
func (s *soak) problem(count *int, format string, args ...any) {
	*count++
	if len(s.res.Problems) < 50 {
		s.res.Problems = append(s.res.Problems, fmt.Sprintf(format, args...))
	}
}

// verify compares, payment by payment, the journal and every answer the merchant got with the
// simulators' ledgers (the providers' truth).
func (s *soak) verify(ctx context.Context, r *route.Router) {
	store := s.cfg.Store
	for i, c := range s.payments {
		if c == nil {
			s.problem(&s.res.Lost, "payment %d never started", i)
			continue
		}
		id := c.req.PaymentRequestID
		switch c.outcome {
		case status.Success:
			s.res.Created++
		case status.Failure:
			s.res.Refused++
			s.res.Refusals[string(paygate.CodeOf(c.err))]++
		default:
			s.res.Unknown++
		}
		var orders []located[sim.Order]
		for _, p := range s.env.providers {
			for _, o := range p.sim.Ledger().Orders(id) {
				orders = append(orders, located[sim.Order]{p.name, o})
			}
		}
		if c.req.CaptureMode == paygate.CaptureManual {
			s.res.Manual++
		}
		if c.authorized {
			s.res.Authorized++
		}
		if c.void == status.Success {
			s.res.Voided++
		}
		// Paid, or authorized: either way the customer's money is taken or held there.
		var paid []located[sim.Order]
		for _, o := range orders {
			if o.rec.Status == status.PaymentSucceeded || o.rec.Status == status.PaymentAuthorized {
				paid = append(paid, o)
			}
		}
		if len(paid) > 1 {
			s.problem(&s.res.DoubleCharges, "payment %s was paid %d times: %v", id, len(paid), paid)
		}
		if len(paid) == 1 {
			s.res.Paid++
		}
		if c.outcome == status.Failure && len(paid) > 0 {
			s.problem(&s.res.WrongStatus, "payment %s: the merchant was told F (%v) but the customer paid at %s", id, c.err, paid[0].provider)
		}

		e, err := store.Get(ctx, route.KindPayment, id)
		if errors.Is(err, route.ErrNotFound) {
			// Never journaled: the create never reached a provider. Nothing may exist anywhere.
			for _, o := range orders {
				s.problem(&s.res.Lost, "payment %s: order %s at %s (%s) is not in the journal", id, o.rec.ProviderID, o.provider, o.rec.Status)
			}
			if c.outcome == status.Success {
				s.problem(&s.res.Lost, "payment %s: the merchant was told S but the journal has no entry", id)
			}
			continue
		}
		if err != nil {
			s.problem(&s.res.Lost, "payment %s: journal read failed: %v", id, err)
			continue
		}
		if e.Open != "" {
			s.problem(&s.res.Lost, "payment %s: the journal still has an unknown %s at %s", id, e.Open, e.Provider)
		}
		if len(e.Tried) > 0 && e.ProviderID != "" {
			s.res.Failovers++
		}
		for _, o := range orders {
			known := o.provider == e.Provider && o.rec.ProviderID == e.ProviderID
			switch {
			case known:
			case o.rec.Status == status.PaymentSucceeded:
				s.problem(&s.res.Lost, "payment %s: the customer paid order %s at %s, but the journal names %q at %s", id, o.rec.ProviderID, o.provider, e.ProviderID, e.Provider)
			case o.provider != e.Provider && !s.orphanable(o):
				s.problem(&s.res.Lost, "payment %s: a %s order %s at %s, a provider the payment moved away from", id, o.rec.Status, o.rec.ProviderID, o.provider)
			case o.rec.Status == status.PaymentPending || o.rec.Status == status.PaymentRequiresAction:
				// An orphan at a provider that does not dedupe creates: its reply never reached anyone,
				// so it cannot be paid and expires (the adapter's declared rule). Fine while unpaid, also
				// when the payment later moved on: the re-create after the lost reply was refused there
				// with a failover code, and the payment went to the next provider.
			}
		}
		if c.outcome == status.Success && (e.Provider != c.payment.Provider || e.ProviderID != c.payment.ProviderPaymentID) {
			s.problem(&s.res.WrongStatus, "payment %s: the merchant got %s at %s, the journal says %s at %s", id, c.payment.ProviderPaymentID, c.payment.Provider, e.ProviderID, e.Provider)
		}
		if e.ProviderID == "" {
			if c.outcome == status.Success {
				s.problem(&s.res.Lost, "payment %s: the merchant was told S but the journal has no provider id", id)
			}
			continue
		}
		var truth *sim.Order
		for _, o := range orders {
			if o.provider == e.Provider && o.rec.ProviderID == e.ProviderID {
				truth = &o.rec
			}
		}
		if truth == nil {
			s.problem(&s.res.WrongStatus, "payment %s: the journal names order %s at %s, which the provider does not have", id, e.ProviderID, e.Provider)
			continue
		}
		p, err := r.Inquire(ctx, &paygate.InquireRequest{PaymentRequestID: id})
		// A simulator may move an order when it is looked up (Waffo settles a capture in progress at
		// its next inquiry): compare with the ledger as it is after the inquiry.
		for _, pr := range s.env.providers {
			if pr.name != e.Provider {
				continue
			}
			for _, o := range pr.sim.Ledger().Orders(id) {
				if o.ProviderID == e.ProviderID {
					truth = &o
				}
			}
		}
		switch {
		case err != nil:
			s.problem(&s.res.WrongStatus, "payment %s: inquiry failed after the storm: %v", id, err)
		case !sameStatus(p.Status, truth.Status):
			s.problem(&s.res.WrongStatus, "payment %s: we report %s, %s has %s", id, p.Status, e.Provider, truth.Status)
		case p.Status == status.PaymentCanceled:
			s.res.Canceled++
		}
		s.verifyRefunds(ctx, r, c, e)
		s.verifyCapture(ctx, c, e, truth)
	}
	s.verifyAllCaptures(ctx)
}

// verifyCapture checks a payment's capture (the merchant's call, the journal's capture entry)
// against the owner's ledger: captured at most once, for the amount asked, and only if asked; a
// capture made is known to the journal as S, and one the merchant was told S of was made.
func (s *soak) verifyCapture(ctx context.Context, c *checkout, pe *route.Entry, truth *sim.Order) {
	id := c.req.PaymentRequestID
	made := s.env.byName[pe.Provider].sim.Ledger().Captures(pe.ProviderID)
	if len(made) > 0 {
		s.res.Captures++
	}
	cc := c.capture
	if cc == nil {
		if len(made) > 0 {
			s.problem(&s.res.Lost, "payment %s: %s captured %s, but the merchant never asked for a capture", id, pe.Provider, made[0].Amount)
		}
		return
	}
	if cc.crashed {
		s.res.CapturesCut++
	}
	if cc.unknowns > 0 {
		s.res.CapturesUnknown++
	}
	want := cc.amount
	if want.IsZero() {
		want = c.req.Amount
	}
	for _, m := range made {
		if !m.Amount.Equal(want) {
			s.problem(&s.res.WrongStatus, "capture %s: %s captured %s, the merchant asked %s", cc.id, pe.Provider, m.Amount, want)
		}
	}
	if len(made) > 0 && !truth.Captured.Equal(want) {
		s.problem(&s.res.WrongStatus, "capture %s: the order holds %s captured, the merchant asked %s", cc.id, truth.Captured, want)
	}
	switch {
	case cc.outcome == status.Failure && len(made) > 0:
		s.problem(&s.res.WrongStatus, "capture %s: the merchant was told F (%v) but %s captured it", cc.id, cc.err, pe.Provider)
	case cc.outcome == status.Success && len(made) == 0:
		s.problem(&s.res.Lost, "capture %s: the merchant was told S but %s has no capture", cc.id, pe.Provider)
	case cc.outcome == status.Success && !cc.payment.Captured.Equal(want):
		s.problem(&s.res.WrongStatus, "capture %s: the merchant was told %s captured, it asked %s", cc.id, cc.payment.Captured, want)
	}
	ce, err := s.cfg.Store.Get(ctx, route.KindCapture, cc.id)
	switch {
	case errors.Is(err, route.ErrNotFound):
		if len(made) > 0 || cc.outcome == status.Success {
			s.problem(&s.res.Lost, "capture %s: made at the provider (or told S) but not in the journal", cc.id)
		}
	case err != nil:
		s.problem(&s.res.Lost, "capture %s: journal read failed: %v", cc.id, err)
	case ce.Open != "":
		s.problem(&s.res.Lost, "capture %s: the journal still has it unknown", cc.id)
	case ce.Provider != pe.Provider || ce.PaymentRequestID != id:
		s.problem(&s.res.WrongStatus, "capture %s: the journal sends it to %s for %s, the payment is %s at %s", cc.id, ce.Provider, ce.PaymentRequestID, id, pe.Provider)
	case len(made) == 0 && ce.Outcome == status.Success:
		s.problem(&s.res.WrongStatus, "capture %s: the journal says S, %s has no capture", cc.id, pe.Provider)
	case len(made) > 0 && ce.Outcome != status.Success:
		s.problem(&s.res.Lost, "capture %s: %s captured it, the journal says %s %s", cc.id, pe.Provider, ce.Outcome, ce.Code)
	}
}

// verifyAllCaptures checks every capture in the ledgers: no order captured twice or beyond its
// amount, and none of an order the journal does not name as its payment's.
func (s *soak) verifyAllCaptures(ctx context.Context) {
	for _, p := range s.env.providers {
		for _, ppid := range p.sim.Ledger().OverCaptured() {
			s.problem(&s.res.DoubleCaptures, "order %s at %s was captured more than once or beyond its amount: %v", ppid, p.name, p.sim.Ledger().Captures(ppid))
		}
		for _, k := range p.sim.Ledger().AllCaptures() {
			found, err := s.cfg.Store.FindByProviderID(ctx, route.KindPayment, k.ProviderPaymentID)
			if err != nil || !slices.ContainsFunc(found, func(e *route.Entry) bool { return e.Provider == p.name }) {
				s.problem(&s.res.Lost, "a capture of %s at %s: the journal has no payment with that order (%v)", k.ProviderPaymentID, p.name, err)
			}
		}
	}
}

// verifyRefunds checks every refund the merchant asked for against the ledgers.
func (s *soak) verifyRefunds(ctx context.Context, r *route.Router, c *checkout, pe *route.Entry) {
	for _, rc := range c.refunds {
		var found []located[sim.Refund]
		for _, p := range s.env.providers {
			for _, f := range p.sim.Ledger().Refunds(rc.id) {
				found = append(found, located[sim.Refund]{p.name, f})
			}
		}
		if len(found) > 1 {
			s.problem(&s.res.DoubleCharges, "refund %s was made %d times", rc.id, len(found))
		}
		if len(found) == 1 {
			s.res.Refunds++
			f := found[0]
			if f.provider != pe.Provider || f.rec.ProviderPaymentID != pe.ProviderID || !f.rec.Amount.Equal(rc.amount) {
				s.problem(&s.res.WrongStatus, "refund %s: %s of %s at %s, asked %s of %s at %s", rc.id, f.rec.Amount, f.rec.ProviderPaymentID, f.provider, rc.amount, pe.ProviderID, pe.Provider)
			}
		}
		if rc.outcome == status.Failure && len(found) > 0 {
			s.problem(&s.res.WrongStatus, "refund %s: the merchant was told F (%v) but %s refunded it", rc.id, rc.err, found[0].provider)
		}
		re, err := s.cfg.Store.Get(ctx, route.KindRefund, rc.id)
		if errors.Is(err, route.ErrNotFound) {
			if len(found) > 0 || rc.outcome == status.Success {
				s.problem(&s.res.Lost, "refund %s: made at the provider (or told S) but not in the journal", rc.id)
			}
			continue
		}
		if err != nil {
			s.problem(&s.res.Lost, "refund %s: journal read failed: %v", rc.id, err)
			continue
		}
		if re.Open != "" {
			s.problem(&s.res.Lost, "refund %s: the journal still has it unknown", rc.id)
			continue
		}
		switch {
		case len(found) == 0 && re.Outcome == status.Success:
			s.problem(&s.res.WrongStatus, "refund %s: the journal says %s, the provider has no such refund", rc.id, re.Status)
		case len(found) == 1 && re.Outcome != status.Success:
			s.problem(&s.res.Lost, "refund %s: the provider made it, the journal says %s %s", rc.id, re.Outcome, re.Code)
		case len(found) == 1 && re.Status != string(found[0].rec.Status):
			// The journal may hold an older status; what we report now must match.
			got, err := r.InquireRefund(ctx, &paygate.InquireRefundRequest{RefundRequestID: rc.id})
			if err == nil && got.Status != found[0].rec.Status || err != nil && paygate.CodeOf(err) != status.CodeNotSupported {
				s.problem(&s.res.WrongStatus, "refund %s: we report %s, the provider has %s", rc.id, re.Status, found[0].rec.Status)
			}
		}
	}
}

// sameStatus compares our status with a simulator's. PENDING and REQUIRES_ACTION are one state for the
// soak: both say "not paid yet, waiting for the customer", and whether the customer still has an
// action to take is an adapter's reading of the order (Waffo's PAY_IN_PROGRESS with an orderAction is
// REQUIRES_ACTION to the adapter, PENDING in its simulator's ledger). Every final status must match.
func sameStatus(ours, theirs status.Payment) bool {
	open := func(s status.Payment) bool { return s == status.PaymentPending || s == status.PaymentRequiresAction }
	return ours == theirs || open(ours) && open(theirs)
}

// orphanable reports whether o may be an orphan: an unpaid order at a provider that does not dedupe
// creates and declares a re-create safe because an order whose reply was lost cannot be paid.
func (s *soak) orphanable(o located[sim.Order]) bool {
	unpaid := o.rec.Status == status.PaymentPending || o.rec.Status == status.PaymentRequiresAction
	idem := retry.IdempotencyOf(s.env.byName[o.provider].gateway, paygate.OpCreate)
	return unpaid && !idem.Dedupes && idem.ResendSafe != ""
}
