package route

import (
	"context"
	"errors"
	"fmt"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/status"
)

// Refund implements paygate.Gateway: the refund goes to the provider that owns the payment, journaled
// before it is sent. A RefundRequestID the journal knows is never refunded twice.
func (r *Router) Refund(ctx context.Context, req *paygate.RefundRequest) (*paygate.Refund, error) {
	if err := req.Validate(); err != nil {
		return nil, err
	}
	pe, err := r.entryFor(ctx, paygate.OpRefund, KindPayment, req.PaymentRequestID, req.ProviderPaymentID)
	if err != nil {
		return nil, err
	}
	if !pe.exists() && pe.Open == "" {
		return nil, neverCreated(paygate.OpRefund, pe)
	}
	send := *req
	send.PaymentRequestID, send.ProviderPaymentID = pe.RequestID, pe.ProviderID
	return followUp(ctx, r, paygate.OpRefund, KindRefund, req.RefundRequestID, pe, req.Amount,
		func(h *hold, re *Entry) (*paygate.Refund, error) { return r.sendRefund(ctx, h, re, &send, false) },
		func(h *hold, re *Entry) (*paygate.Refund, error) { return r.refundAgain(ctx, h, re, &send) })
}

// sendRefund journals the refund as open, taking its lease, sends it to its owner and records the
// answer. priorUnknown says an earlier try of the same refund is unknown, so an F is checked by inquiry
// before it is believed. re must be the entry as stored (or new).
func (r *Router) sendRefund(ctx context.Context, h *hold, re *Entry, req *paygate.RefundRequest, priorUnknown bool) (*paygate.Refund, error) {
	defer r.letGo(ctx, h, re)
	owner := re.Provider
	f, sent, err := call(ctx, r, h, owner, paygate.OpRefund, func() error {
		return r.claim(ctx, h, re, paygate.OpRefund, !priorUnknown, func(x *Entry) {
			x.Open = paygate.OpRefund
			x.Refund = &paygate.RefundRequest{RefundRequestID: req.RefundRequestID, PaymentRequestID: req.PaymentRequestID,
				ProviderPaymentID: req.ProviderPaymentID, Amount: req.Amount, Reason: req.Reason, NotifyURL: req.NotifyURL}
		})
	}, func(ctx context.Context, gw paygate.Gateway) (*paygate.Refund, error) { return gw.Refund(ctx, req) })
	switch {
	case !sent && priorUnknown && !errors.Is(err, errRaced):
		return nil, unknownAgain(owner, paygate.OpRefund, err)
	case !sent:
		return nil, err
	case err == nil && f != nil:
		_ = r.save(ctx, h, re, sawRefund(paygate.OpRefund, f))
		return refundWithProvider(f, owner), nil
	case err == nil || paygate.OutcomeOf(err) == status.Unknown:
		err = orUnknown(owner, paygate.OpRefund, err)
		_ = r.save(ctx, h, re, sawError(paygate.OpRefund, err))
		return nil, err
	case priorUnknown:
		return r.refundSettled(ctx, h, re, req, err)
	default:
		return nil, r.refused(ctx, h, re, err)
	}
}

// refundAgain handles a refund whose RefundRequestID the journal already knows.
func (r *Router) refundAgain(ctx context.Context, h *hold, re *Entry, req *paygate.RefundRequest) (*paygate.Refund, error) {
	if re.PaymentRequestID != req.PaymentRequestID || !re.Amount.Equal(req.Amount) {
		return nil, &paygate.Error{Provider: Name, Op: paygate.OpRefund, Outcome: status.Failure, Code: status.CodeIdempotencyConflict,
			Message: fmt.Sprintf("RefundRequestID %q was first used for %s of payment %q: use a new id for a different refund", re.RequestID, re.Amount, re.PaymentRequestID)}
	}
	owner := re.Provider
	if _, ok := r.gateways[owner]; !ok {
		return nil, &paygate.Error{Provider: Name, Op: paygate.OpRefund, Outcome: status.Unknown, Code: status.CodeProviderError,
			Message: fmt.Sprintf("refund %q belongs to provider %q, which this router is not configured with; add it back to Config.Providers", re.RequestID, owner)}
	}
	idem := r.idempotency(re, owner, paygate.OpRefund)
	if r.heldByOther(h, re) && (re.Open != "" || !re.exists()) {
		// Another call may be sending this refund right now. (A refund that exists with nothing open
		// is answered from the provider below, which sends nothing that could refund twice.)
		return nil, leased(paygate.OpRefund, re)
	}
	switch {
	case re.Open == paygate.OpRefund && idem.Resendable():
		return r.sendRefund(ctx, h, re, req, true)
	case re.Open == paygate.OpRefund:
		// Not deduped: sending again could refund twice. Look instead.
		return r.refundSettled(ctx, h, re, req, nil)
	case re.exists() && idem.Dedupes:
		f, _, err := call(ctx, r, nil, owner, paygate.OpRefund, nil, func(ctx context.Context, gw paygate.Gateway) (*paygate.Refund, error) {
			return gw.Refund(ctx, req)
		})
		if err == nil && f != nil {
			_ = r.save(ctx, nil, re, sawRefund(paygate.OpInquireRefund, f))
			return refundWithProvider(f, owner), nil
		}
		return r.lastKnownRefund(ctx, re)
	case re.exists():
		return r.lastKnownRefund(ctx, re)
	case re.Outcome == status.Failure && re.Code == status.CodeNotFound:
		return r.sendRefund(ctx, h, re, req, false) // Reconcile showed it never landed
	default:
		return nil, storedFailure(paygate.OpRefund, re)
	}
}

// refundSettled settles a refund whose earlier try is unknown, by inquiry. If the inquiry shows it did
// not land, ferr (an F to the refund sent again, under this call's lease) stands, or, with no ferr, the
// refund is sent now (taking the lease in a compare-and-swap on re as read before the inquiry).
func (r *Router) refundSettled(ctx context.Context, h *hold, re *Entry, req *paygate.RefundRequest, ferr error) (*paygate.Refund, error) {
	young := r.cfg.ReconcileAfter > 0 && re.UpdatedAt.After(r.now().Add(-r.cfg.ReconcileAfter))
	f, err := r.inquireRefundOwner(ctx, re)
	switch {
	case err == nil:
		_ = r.save(ctx, h, re, sawRefund(paygate.OpInquireRefund, f))
		return refundWithProvider(f, re.Provider), nil
	case paygate.OutcomeOf(err) != status.Failure || paygate.CodeOf(err) != status.CodeNotFound:
		return nil, unknownAgain(re.Provider, paygate.OpRefund, errors.Join(ferr, err))
	case r.heldByOther(h, re) || (young && ferr == nil):
		// Another call may be sending this refund right now: "not found" may only mean not yet.
		return nil, unknownAgain(re.Provider, paygate.OpRefund, errors.Join(ferr, err, errInFlight))
	case ferr != nil:
		return nil, r.refused(ctx, h, re, ferr)
	default:
		return r.sendRefund(ctx, h, re, req, false)
	}
}

// lastKnownRefund answers for a refund that exists: the provider's current view, or, where the
// provider has no refund inquiry, the last answer the journal holds.
func (r *Router) lastKnownRefund(ctx context.Context, re *Entry) (*paygate.Refund, error) {
	f, err := r.inquireRefundOwner(ctx, re)
	if err == nil {
		_ = r.save(ctx, nil, re, sawRefund(paygate.OpInquireRefund, f))
		return refundWithProvider(f, re.Provider), nil
	}
	if paygate.CodeOf(err) == status.CodeNotSupported {
		return &paygate.Refund{Provider: re.Provider, RefundRequestID: re.RequestID, ProviderRefundID: re.ProviderID,
			ProviderPaymentID: re.ProviderPaymentID, Status: status.Refund(re.Status), Amount: re.Amount, UpdatedAt: re.UpdatedAt}, nil
	}
	return nil, unknownAgain(re.Provider, paygate.OpRefund, err)
}

// InquireRefund implements paygate.Gateway: it asks the provider that owns the refund.
func (r *Router) InquireRefund(ctx context.Context, req *paygate.InquireRefundRequest) (*paygate.Refund, error) {
	if err := req.Validate(); err != nil {
		return nil, err
	}
	re, err := r.entryFor(ctx, paygate.OpInquireRefund, KindRefund, req.RefundRequestID, req.ProviderRefundID)
	if err != nil {
		return nil, err
	}
	if !re.exists() && re.Open == "" {
		return nil, neverCreated(paygate.OpInquireRefund, re)
	}
	f, err := r.inquireRefundOwner(ctx, re)
	if err != nil {
		return nil, err
	}
	if string(f.Status) != re.Status || re.Open == paygate.OpRefund || re.ProviderID == "" {
		_ = r.save(ctx, nil, re, sawRefund(paygate.OpInquireRefund, f))
	}
	return refundWithProvider(f, re.Provider), nil
}

func (r *Router) inquireRefundOwner(ctx context.Context, re *Entry) (*paygate.Refund, error) {
	f, _, err := call(ctx, r, nil, re.Provider, paygate.OpInquireRefund, nil, func(ctx context.Context, gw paygate.Gateway) (*paygate.Refund, error) {
		return gw.InquireRefund(ctx, &paygate.InquireRefundRequest{RefundRequestID: re.RequestID, ProviderRefundID: re.ProviderID,
			PaymentRequestID: re.PaymentRequestID, ProviderPaymentID: re.ProviderPaymentID})
	})
	if err == nil && f == nil {
		err = &paygate.Error{Provider: re.Provider, Op: paygate.OpInquireRefund, Outcome: status.Unknown, Code: status.CodeProviderError,
			Message: "the provider answered a refund inquiry with no refund"}
	}
	return f, err
}

// sawRefund records a refund a provider answered with: it exists, with this status.
func sawRefund(op paygate.Op, f *paygate.Refund) func(*Entry) {
	return func(e *Entry) {
		e.Status = string(f.Status)
		if f.ProviderRefundID != "" {
			e.ProviderID = f.ProviderRefundID
		}
		if e.Open == paygate.OpRefund {
			e.Open = ""
		}
		e.Outcome, e.Code = status.Success, status.CodeOK
	}
}

// refused records the F a refund ended with and returns it. If the journal cannot record it, the
// entry stays open, and Reconcile may later send the refund again to a provider with no refund inquiry
// (see reconcileRefund): so the caller gets U, not an F the refund might outlive.
func (r *Router) refused(ctx context.Context, h *hold, re *Entry, ferr error) error {
	if err := r.save(ctx, h, re, sawError(paygate.OpRefund, ferr)); err != nil {
		return &paygate.Error{Provider: re.Provider, Op: paygate.OpRefund, Outcome: status.Unknown, Code: status.CodeUnavailable,
			Message: "the provider refused the refund, but the router's journal could not record that, so the refund stays open and Reconcile may still complete it; call Refund again with the same RefundRequestID once the journal store is back",
			Err:     errors.Join(ferr, err)}
	}
	return ferr
}
