package route

import (
	"context"
	"errors"
	"fmt"

	"go.uber.org/zap"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/retry"
	"github.com/paygate-go/paygate/status"
)

// ReconcileReport says what Reconcile did.
type ReconcileReport struct {
	Checked  int // open entries looked at
	Resolved int // entries settled (their Open cleared)
	// Unresolved lists the entries still open, as "kind/request id: why", for an operator to read.
	Unresolved []string
	// Skipped counts entries left alone: leased by a call in flight (on any router), written by
	// another call while Reconcile ran, or younger than Config.ReconcileAfter.
	Skipped int
}

// Reconcile settles every open journal entry (a write whose outcome nobody knows, typically left by a
// crash) by asking the provider that owns it: a payment or refund found is recorded with its status; a
// create or refund the provider says it never received is recorded as not created (a later call with
// the same id sends it again). An open capture is settled by inquiring its payment: captured money is
// the capture's S. It sends no new write, except that a refund at a provider with no refund
// inquiry but deduped refunds is sent again, which only returns the original, and that a capture the
// inquiry shows did not land is sent again, identical, to an owner that declares its captures
// resendable (otherwise it is recorded as not landed, for a later Capture with the same id to send).
// Entries that cannot be
// settled now stay open and are listed; run Reconcile again later. Safe to run on several machines:
// it takes an entry's lease before it acts on it, and leaves alone every entry whose lease is live
// (a call in flight, here or elsewhere); a lease left by a crashed process is taken over once it
// has expired.
func (r *Router) Reconcile(ctx context.Context) (ReconcileReport, error) {
	var rep ReconcileReport
	open, err := r.store.Unresolved(ctx)
	if err != nil {
		return rep, fmt.Errorf("route: reconcile could not list the journal's open entries: %w", err)
	}
	cutoff := r.now().Add(-r.cfg.ReconcileAfter)
	for _, e := range open {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		if e.Leased(r.now()) || (r.cfg.ReconcileAfter > 0 && e.UpdatedAt.After(cutoff)) {
			rep.Skipped++
			continue
		}
		why, skip := r.reconcile(ctx, e)
		if skip {
			rep.Skipped++
			continue
		}
		rep.Checked++
		if why == "" {
			rep.Resolved++
			continue
		}
		rep.Unresolved = append(rep.Unresolved, fmt.Sprintf("%s/%s: %s", e.Kind, e.RequestID, why))
		r.log.Warn("route: reconcile left an entry open", zap.String("kind", string(e.Kind)),
			zap.String("request_id", e.RequestID), zap.String("provider", e.Provider), zap.String("why", why))
	}
	return rep, nil
}

// reconcile settles one open entry under its lease; it returns why it could not, or "". skip reports
// that another call wrote the entry first, so it was left to that call.
func (r *Router) reconcile(ctx context.Context, e *Entry) (why string, skip bool) {
	if _, ok := r.gateways[e.Provider]; !ok {
		return fmt.Sprintf("provider %q is not configured", e.Provider), false
	}
	h := r.newHold()
	defer r.finished(h)
	switch err := r.claim(ctx, h, e, e.Open, false, nil); {
	case errors.Is(err, errRaced):
		return "", true
	case err != nil:
		return "the journal could not be written", false
	}
	defer r.letGo(ctx, h, e)
	// Reads too end with the lease: what they found is recorded only while it is still held.
	ctx, cancel := context.WithDeadline(ctx, h.until)
	defer cancel()
	switch e.Kind {
	case KindRefund:
		return r.reconcileRefund(ctx, h, e), false
	case KindCapture:
		return r.reconcileCapture(ctx, h, e), false
	}
	return r.reconcilePayment(ctx, h, e), false
}

// reconcilePayment settles an open create or cancel by inquiry; it returns why not, or "".
func (r *Router) reconcilePayment(ctx context.Context, h *hold, e *Entry) string {
	p, err := r.inquireOwner(ctx, e)
	if err == nil {
		if r.save(ctx, h, e, func(x *Entry) {
			sawPayment(paygate.OpInquire, p)(x)
			if x.LeaseOwner == h.token {
				// What the payment shows now is the answer to the open create or cancel (unless
				// another call took the entry over since, and may have opened a write of its own).
				x.Open = ""
			}
		}) != nil {
			return "the journal could not be written"
		}
		return ""
	}
	if e.Open == paygate.OpCreate && nothingThere(err, e, r.idempotency(e, e.Provider, paygate.OpCreate)) {
		return r.notCreated(ctx, h, e, paygate.OpCreate)
	}
	return fmt.Sprintf("inquiry ended %s %s", paygate.OutcomeOf(err), paygate.CodeOf(err))
}

// reconcileRefund settles an open refund by refund inquiry, or, where the provider has none but
// dedupes refunds, by sending the identical refund again.
func (r *Router) reconcileRefund(ctx context.Context, h *hold, e *Entry) string {
	f, err := r.inquireRefundOwner(ctx, e)
	if err != nil && paygate.CodeOf(err) == status.CodeNotSupported && e.Refund != nil &&
		r.idempotency(e, e.Provider, paygate.OpRefund).Dedupes {
		f, _, err = call(ctx, r, h, e.Provider, paygate.OpRefund, nil, func(ctx context.Context, gw paygate.Gateway) (*paygate.Refund, error) {
			return gw.Refund(ctx, e.Refund)
		})
		if err == nil && f == nil {
			err = orUnknown(e.Provider, paygate.OpRefund, nil)
		}
		if err != nil && paygate.OutcomeOf(err) == status.Failure && !errors.Is(err, retry.ErrNotSent) && !unhealthy(err) {
			// A deduped refund sent again, and processed, is refused only if the first never
			// landed. A refusal before processing (never sent, unavailable, rate limited) says
			// nothing about the first: the entry stays open.
			if r.save(ctx, h, e, h.stillHeld(sawError(paygate.OpRefund, err))) != nil {
				return "the journal could not be written"
			}
			return ""
		}
	}
	if err == nil {
		if r.save(ctx, h, e, sawRefund(paygate.OpInquireRefund, f)) != nil {
			return "the journal could not be written"
		}
		return ""
	}
	if paygate.OutcomeOf(err) == status.Failure && paygate.CodeOf(err) == status.CodeNotFound {
		return r.notCreated(ctx, h, e, paygate.OpRefund)
	}
	return fmt.Sprintf("inquiry ended %s %s", paygate.OutcomeOf(err), paygate.CodeOf(err))
}

// notCreated records that the open write op of e never landed: only while h still holds e's lease, so
// that no other call can have sent it since the inquiry found nothing.
func (r *Router) notCreated(ctx context.Context, h *hold, e *Entry, op paygate.Op) string {
	if r.save(ctx, h, e, h.stillHeld(func(x *Entry) {
		if x.Open == op && !x.exists() {
			x.Open, x.Outcome, x.Code = "", status.Failure, status.CodeNotFound
		}
	})) != nil {
		return "the journal could not be written"
	}
	if e.Open != "" {
		return "the entry changed while it was reconciled"
	}
	return ""
}
