package route

import (
	"context"
	"errors"
	"fmt"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/retry"
	"github.com/paygate-go/paygate/status"
)

// entryFor finds the journal entry a follow-up call names, by request id or provider id.
func (r *Router) entryFor(ctx context.Context, op paygate.Op, kind Kind, requestID, providerID string) (*Entry, error) {
	what := string(kind)
	if requestID != "" {
		e, err := r.store.Get(ctx, kind, requestID)
		if errors.Is(err, ErrNotFound) {
			return nil, notFound(op, what, requestID)
		}
		if err != nil {
			return nil, journalError(op, false, err)
		}
		if providerID != "" && e.ProviderID != "" && e.ProviderID != providerID {
			return nil, &paygate.Error{Provider: Name, Op: op, Outcome: status.Failure, Code: status.CodeInvalidRequest,
				Message: fmt.Sprintf("the %s %q has provider id %q, not %q: pass ids of the same %s", what, requestID, e.ProviderID, providerID, what)}
		}
		return e, nil
	}
	found, err := r.store.FindByProviderID(ctx, kind, providerID)
	if err != nil {
		return nil, journalError(op, false, err)
	}
	switch len(found) {
	case 0:
		return nil, notFound(op, what, providerID)
	case 1:
		return found[0], nil
	}
	return nil, &paygate.Error{Provider: Name, Op: op, Outcome: status.Failure, Code: status.CodeInvalidRequest,
		Message: fmt.Sprintf("provider id %q names %d %ss at different providers: pass the request id instead", providerID, len(found), what)}
}

// neverCreated is the F for a follow-up of a payment or refund no provider created.
func neverCreated(op paygate.Op, e *Entry) error {
	return &paygate.Error{Provider: e.Provider, Op: op, Outcome: status.Failure, Code: status.CodeNotFound,
		Message: fmt.Sprintf("no provider created %s %q (its create ended %s %s), so there is nothing to act on", e.Kind, e.RequestID, e.Outcome, e.Code)}
}

// Inquire implements paygate.Gateway: it asks the provider that owns the payment.
func (r *Router) Inquire(ctx context.Context, req *paygate.InquireRequest) (*paygate.Payment, error) {
	if err := req.Validate(); err != nil {
		return nil, err
	}
	e, err := r.entryFor(ctx, paygate.OpInquire, KindPayment, req.PaymentRequestID, req.ProviderPaymentID)
	if err != nil {
		return nil, err
	}
	if !e.exists() && e.Open == "" {
		return nil, neverCreated(paygate.OpInquire, e)
	}
	p, err := r.inquireOwner(ctx, e)
	if err != nil {
		return nil, err
	}
	if string(p.Status) != e.Status || e.Open == paygate.OpCreate || e.ProviderID == "" {
		_ = r.save(ctx, nil, e, sawPayment(paygate.OpInquire, p))
	}
	return withProvider(p, e.Provider), nil
}

// Cancel implements paygate.Gateway: it cancels at the provider that owns the payment, holding the
// payment's journal entry (its lease) while it does.
func (r *Router) Cancel(ctx context.Context, req *paygate.CancelRequest) (*paygate.Payment, error) {
	if err := req.Validate(); err != nil {
		return nil, err
	}
	return underHold(ctx, r, paygate.OpCancel, func(h *hold) (*paygate.Payment, error) {
		e, err := r.entryFor(ctx, paygate.OpCancel, KindPayment, req.PaymentRequestID, req.ProviderPaymentID)
		if err != nil {
			return nil, err
		}
		return r.cancel(ctx, h, req, e)
	})
}

func (r *Router) cancel(ctx context.Context, h *hold, req *paygate.CancelRequest, e *Entry) (*paygate.Payment, error) {
	if !e.exists() && e.Open == "" {
		return nil, neverCreated(paygate.OpCancel, e)
	}
	if r.heldByOther(h, e) {
		return nil, leased(paygate.OpCancel, e)
	}
	defer r.letGo(ctx, h, e)
	owner := e.Provider
	priorUnknown := e.Open == paygate.OpCancel
	send := &paygate.CancelRequest{PaymentRequestID: e.RequestID, ProviderPaymentID: e.ProviderID, Reason: req.Reason}
	if priorUnknown && !r.idempotency(e, owner, paygate.OpCancel).Resendable() {
		if err := r.claim(ctx, h, e, paygate.OpCancel, false, nil); err != nil {
			return nil, err
		}
		return r.cancelSettled(ctx, h, e, nil)
	}
	p, sent, err := call(ctx, r, h, owner, paygate.OpCancel, func() error {
		// An open create or cancel already covers this write; otherwise the cancel is opened.
		return r.claim(ctx, h, e, paygate.OpCancel, !priorUnknown, func(x *Entry) {
			if x.Open == "" {
				x.Open = paygate.OpCancel
			}
		})
	}, func(ctx context.Context, gw paygate.Gateway) (*paygate.Payment, error) { return gw.Cancel(ctx, send) })
	switch {
	case errors.Is(err, errRaced):
		return nil, err
	case !sent && priorUnknown:
		return nil, unknownAgain(owner, paygate.OpCancel, err)
	case !sent:
		return nil, err
	case err == nil && p != nil:
		_ = r.save(ctx, h, e, sawPayment(paygate.OpCancel, p))
		return withProvider(p, owner), nil
	case err == nil || paygate.OutcomeOf(err) == status.Unknown:
		_ = r.save(ctx, h, e, sawError(paygate.OpCancel, orUnknown(owner, paygate.OpCancel, err)))
		return nil, orUnknown(owner, paygate.OpCancel, err)
	case priorUnknown:
		// The F may be about the earlier, unknown cancel ("already cancelled"): look.
		return r.cancelSettled(ctx, h, e, err)
	default:
		_ = r.save(ctx, h, e, sawError(paygate.OpCancel, err))
		return nil, err
	}
}

// cancelSettled settles a cancel whose earlier try is unknown by inquiry: the payment cancelled means
// it landed; ferr (an F to the cancel sent again) stands only if the payment is visibly not cancelled.
// The caller holds the entry's lease, so no other cancel can be on its way meanwhile.
func (r *Router) cancelSettled(ctx context.Context, h *hold, e *Entry, ferr error) (*paygate.Payment, error) {
	p, err := r.inquireOwner(ctx, e)
	if err != nil {
		return nil, unknownAgain(e.Provider, paygate.OpCancel, errors.Join(ferr, err))
	}
	if p.Status == status.PaymentCanceled {
		_ = r.save(ctx, h, e, sawPayment(paygate.OpCancel, p))
		return withProvider(p, e.Provider), nil
	}
	if ferr == nil {
		// The earlier cancel did not take (the payment is not cancelled), and this provider must not be
		// sent a cancel twice: report what is there.
		_ = r.save(ctx, h, e, sawPayment(paygate.OpInquire, p))
		return nil, &paygate.Error{Provider: e.Provider, Op: paygate.OpCancel, Outcome: status.Failure, Code: status.CodeInvalidState,
			Message: fmt.Sprintf("the earlier cancel did not take: the payment is %s; cancel again only if it is still pending", p.Status)}
	}
	_ = r.save(ctx, h, e, func(x *Entry) {
		sawPayment(paygate.OpInquire, p)(x)
		sawError(paygate.OpCancel, ferr)(x)
	})
	return nil, ferr
}

// unknownAgain is the U for a write that was unknown before this call and still is.
func unknownAgain(provider string, op paygate.Op, cause error) error {
	return &paygate.Error{Provider: provider, Op: op, Outcome: status.Unknown, Code: status.CodeUnknown,
		Message: fmt.Sprintf("an earlier %s with this id is unknown and could not be settled now; call again with the same id later (Reconcile also settles it)", op),
		Err:     cause}
}

// orUnknown turns a success without an object into a U; other errors pass through.
func orUnknown(provider string, op paygate.Op, err error) error {
	if err != nil {
		return err
	}
	return &paygate.Error{Provider: provider, Op: op, Outcome: status.Unknown, Code: status.CodeProviderError,
		Message: "the provider answered success without an object; inquire before doing anything else"}
}

// idempotency is the owner's declaration for a write of e (retry.IdempotencyOf), except that past the
// provider's dedupe window (Idempotency.Window, counted from the entry's CreatedAt) the write is not
// trusted to dedupe at all: the router then looks before it sends again, as for a provider that never
// dedupes. CreatedAt is when the payment, refund or capture entry was first written, no later than
// the write's first send; for a cancel, sent later, it errs on the side of looking.
func (r *Router) idempotency(e *Entry, owner string, op paygate.Op) retry.Idempotency {
	idem := retry.IdempotencyOf(r.gateways[owner], op)
	if idem.Window > 0 && !e.CreatedAt.IsZero() && r.now().Sub(e.CreatedAt) >= idem.Window {
		return retry.Idempotency{}
	}
	return idem
}
