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
	Skipped    int // entries this router is working on, or younger than Config.ReconcileAfter
}

// Reconcile settles every open journal entry (a write whose outcome nobody knows, typically left by a
// crash) by asking the provider that owns it: a payment or refund found is recorded with its status; a
// create or refund the provider says it never received is recorded as not created (a later call with
// the same id sends it again). It sends no new write, except that a refund at a provider with no refund
// inquiry but deduped refunds is sent again, which only returns the original. Entries that cannot be
// settled now stay open and are listed; run Reconcile again later. Safe to run on several machines.
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
		if r.busy(e.Kind, e.RequestID) || (r.cfg.ReconcileAfter > 0 && e.UpdatedAt.After(cutoff)) {
			rep.Skipped++
			continue
		}
		rep.Checked++
		var why string
		if _, ok := r.gateways[e.Provider]; !ok {
			why = fmt.Sprintf("provider %q is not configured", e.Provider)
		} else if e.Kind == KindRefund {
			why = r.reconcileRefund(ctx, e)
		} else {
			why = r.reconcilePayment(ctx, e)
		}
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

// reconcilePayment settles an open create or cancel by inquiry; it returns why not, or "".
func (r *Router) reconcilePayment(ctx context.Context, e *Entry) string {
	p, err := r.inquireOwner(ctx, e)
	if err == nil {
		if r.save(ctx, e, func(x *Entry) {
			sawPayment(paygate.OpInquire, p)(x)
			x.Open = "" // what the payment shows now is the answer to the open create or cancel
		}) != nil {
			return "the journal could not be written"
		}
		return ""
	}
	if e.Open == paygate.OpCreate && nothingThere(err, e, retry.IdempotencyOf(r.gateways[e.Provider], paygate.OpCreate)) {
		return r.notCreated(ctx, e, paygate.OpCreate)
	}
	return fmt.Sprintf("inquiry ended %s %s", paygate.OutcomeOf(err), paygate.CodeOf(err))
}

// reconcileRefund settles an open refund by refund inquiry, or, where the provider has none but
// dedupes refunds, by sending the identical refund again.
func (r *Router) reconcileRefund(ctx context.Context, e *Entry) string {
	f, err := r.inquireRefundOwner(ctx, e)
	if err != nil && paygate.CodeOf(err) == status.CodeNotSupported && e.Refund != nil &&
		retry.IdempotencyOf(r.gateways[e.Provider], paygate.OpRefund).Dedupes {
		f, _, err = call(r, e.Provider, paygate.OpRefund, nil, func(gw paygate.Gateway) (*paygate.Refund, error) {
			return gw.Refund(ctx, e.Refund)
		})
		if err == nil && f == nil {
			err = orUnknown(e.Provider, paygate.OpRefund, nil)
		}
		if err != nil && paygate.OutcomeOf(err) == status.Failure && !errors.Is(err, retry.ErrNotSent) && !unhealthy(err) {
			// A deduped refund sent again, and processed, is refused only if the first never
			// landed. A refusal before processing (never sent, unavailable, rate limited) says
			// nothing about the first: the entry stays open.
			if r.save(ctx, e, sawError(paygate.OpRefund, err)) != nil {
				return "the journal could not be written"
			}
			return ""
		}
	}
	if err == nil {
		if r.save(ctx, e, sawRefund(paygate.OpInquireRefund, f)) != nil {
			return "the journal could not be written"
		}
		return ""
	}
	if paygate.OutcomeOf(err) == status.Failure && paygate.CodeOf(err) == status.CodeNotFound {
		return r.notCreated(ctx, e, paygate.OpRefund)
	}
	return fmt.Sprintf("inquiry ended %s %s", paygate.OutcomeOf(err), paygate.CodeOf(err))
}

// notCreated records that the open write op of e never landed.
func (r *Router) notCreated(ctx context.Context, e *Entry, op paygate.Op) string {
	if r.save(ctx, e, func(x *Entry) {
		if x.Open == op && !x.exists() {
			x.Open, x.Outcome, x.Code = "", status.Failure, status.CodeNotFound
		}
	}) != nil {
		return "the journal could not be written"
	}
	if e.Open != "" {
		return "the entry changed while it was reconciled"
	}
	return ""
}
