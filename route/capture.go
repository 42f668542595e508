package route

import (
	"context"
	"errors"
	"fmt"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/money"
	"github.com/paygate-go/paygate/retry"
	"github.com/paygate-go/paygate/status"
)

// Capture implements paygate.Gateway: the capture goes to the provider that owns the payment (never
// to another: the money is held there), journaled as open before it is sent and settled with the
// answer. A CaptureRequestID the journal knows is never captured twice: after a U it is sent again
// with the same request only where the owner declares its captures resendable, and otherwise
// settled by inquiring the payment (retry.CaptureLanded).
func (r *Router) Capture(ctx context.Context, req *paygate.CaptureRequest) (*paygate.Payment, error) {
	if err := req.Validate(); err != nil {
		return nil, err
	}
	pe, err := r.entryFor(ctx, paygate.OpCapture, KindPayment, req.PaymentRequestID, req.ProviderPaymentID)
	if err != nil {
		return nil, err
	}
	if !pe.exists() && pe.Open == "" {
		return nil, neverCreated(paygate.OpCapture, pe)
	}
	if _, ok := r.gateways[pe.Provider]; ok && !r.offers(pe.Provider, paygate.OpCapture) {
		// Before the journal: nothing was sent, so there is nothing to record.
		return nil, notOffered(pe.Provider, paygate.OpCapture)
	}
	send := *req
	send.PaymentRequestID, send.ProviderPaymentID = pe.RequestID, pe.ProviderID
	return followUp(ctx, r, paygate.OpCapture, KindCapture, req.CaptureRequestID, pe, req.Amount,
		func(h *hold, ce *Entry) (*paygate.Payment, error) { return r.sendCapture(ctx, h, ce, &send, false) },
		func(h *hold, ce *Entry) (*paygate.Payment, error) { return r.captureAgain(ctx, h, ce, &send) })
}

// followUp runs a write on an existing payment that the journal keys by its own request id (a refund
// or a capture) under the payment's hold: a new id gets a new entry, owned by the payment's owner,
// and is sent by first; an id the journal knows goes to again, which decides from what it recorded.
func followUp[T any](ctx context.Context, r *Router, op paygate.Op, kind Kind, id string, pe *Entry, amount money.Amount,
	first, again func(h *hold, e *Entry) (T, error)) (T, error) {
	return underHold(ctx, r, op, func(h *hold) (T, error) {
		e, err := r.store.Get(ctx, kind, id)
		switch {
		case errors.Is(err, ErrNotFound):
			return first(h, &Entry{Kind: kind, RequestID: id, Provider: pe.Provider,
				PaymentRequestID: pe.RequestID, ProviderPaymentID: pe.ProviderID, Amount: amount, CreatedAt: r.now()})
		case err != nil:
			var zero T
			return zero, journalError(op, false, err)
		default:
			return again(h, e)
		}
	})
}

// sendCapture journals the capture as open (with the request, for Reconcile), taking its lease,
// sends it to its owner and records the answer. priorUnknown says an earlier try of the same capture
// is unknown, so an F is checked by inquiry before it is believed. ce must be the entry as stored (or
// new).
func (r *Router) sendCapture(ctx context.Context, h *hold, ce *Entry, req *paygate.CaptureRequest, priorUnknown bool) (*paygate.Payment, error) {
	defer r.letGo(ctx, h, ce)
	owner := ce.Provider
	p, sent, err := call(ctx, r, h, owner, paygate.OpCapture, func() error {
		return r.claim(ctx, h, ce, paygate.OpCapture, !priorUnknown, func(x *Entry) {
			x.Open = paygate.OpCapture
			c := *req
			x.Capture = &c
		})
	}, func(ctx context.Context, gw paygate.Gateway) (*paygate.Payment, error) { return gw.Capture(ctx, req) })
	switch {
	case !sent && priorUnknown && !errors.Is(err, errRaced):
		return nil, unknownAgain(owner, paygate.OpCapture, err)
	case !sent:
		return nil, err
	case err == nil && p != nil:
		return r.captured(ctx, h, ce, p), nil
	case err == nil || paygate.OutcomeOf(err) == status.Unknown:
		err = orUnknown(owner, paygate.OpCapture, err)
		_ = r.save(ctx, h, ce, sawError(paygate.OpCapture, err))
		return nil, err
	case priorUnknown:
		// The F may be about the earlier, unknown capture ("already captured"): look.
		return r.captureSettled(ctx, h, ce, req, err)
	default:
		return nil, r.captureRefused(ctx, h, ce, err)
	}
}

// captureAgain handles a capture whose CaptureRequestID the journal already knows.
func (r *Router) captureAgain(ctx context.Context, h *hold, ce *Entry, req *paygate.CaptureRequest) (*paygate.Payment, error) {
	if ce.PaymentRequestID != req.PaymentRequestID || !ce.Amount.Equal(req.Amount) {
		return nil, &paygate.Error{Provider: Name, Op: paygate.OpCapture, Outcome: status.Failure, Code: status.CodeIdempotencyConflict,
			Message: fmt.Sprintf("CaptureRequestID %q was first used for %s of payment %q: use a new id for a different capture",
				ce.RequestID, captureAmount(ce), ce.PaymentRequestID)}
	}
	owner := ce.Provider
	if _, ok := r.gateways[owner]; !ok {
		return nil, &paygate.Error{Provider: Name, Op: paygate.OpCapture, Outcome: status.Unknown, Code: status.CodeProviderError,
			Message: fmt.Sprintf("capture %q belongs to provider %q, which this router is not configured with; add it back to Config.Providers", ce.RequestID, owner)}
	}
	if r.heldByOther(h, ce) && (ce.Open != "" || !ce.exists()) {
		// Another call may be sending this capture right now. (A capture that succeeded is answered
		// by an inquiry below, which cannot capture.)
		return nil, leased(paygate.OpCapture, ce)
	}
	switch {
	case ce.Open == paygate.OpCapture && r.idempotency(ce, owner, paygate.OpCapture).Resendable():
		return r.sendCapture(ctx, h, ce, req, true)
	case ce.Open == paygate.OpCapture:
		// Sending again could capture twice: look instead.
		return r.captureSettled(ctx, h, ce, req, nil)
	case ce.exists() && ce.Outcome == status.Success:
		p, err := r.inquireCaptured(ctx, ce)
		if err != nil {
			return nil, &paygate.Error{Provider: owner, Op: paygate.OpCapture, Outcome: status.Unknown, Code: status.CodeUnknown,
				Message: fmt.Sprintf("capture %q succeeded earlier (the journal says so), but the payment could not be read now; Inquire it later", ce.RequestID),
				Err:     err}
		}
		r.sawCapturedPayment(ctx, ce, p)
		return withProvider(p, owner), nil
	case ce.Outcome == status.Failure && ce.Code == status.CodeNotFound:
		return r.sendCapture(ctx, h, ce, req, false) // an inquiry showed it never landed
	default:
		return nil, storedFailure(paygate.OpCapture, ce)
	}
}

// captureSettled settles a capture whose earlier try is unknown by inquiring the payment: captured
// money means it landed. If it did not, ferr (an F to the capture sent again, under this call's
// lease) stands, or, with no ferr, the capture is sent now (taking the lease in a compare-and-swap on
// ce as read before the inquiry, so a call that took it meanwhile wins).
func (r *Router) captureSettled(ctx context.Context, h *hold, ce *Entry, req *paygate.CaptureRequest, ferr error) (*paygate.Payment, error) {
	young := r.cfg.ReconcileAfter > 0 && ce.UpdatedAt.After(r.now().Add(-r.cfg.ReconcileAfter))
	p, err := r.inquireCaptured(ctx, ce)
	switch {
	case err != nil:
		return nil, unknownAgain(ce.Provider, paygate.OpCapture, errors.Join(ferr, err))
	case retry.CaptureLanded(p):
		return r.captured(ctx, h, ce, p), nil
	case r.heldByOther(h, ce) || (young && ferr == nil):
		// Another call may be sending this capture right now: "not captured" may only mean not yet.
		return nil, unknownAgain(ce.Provider, paygate.OpCapture, errors.Join(ferr, errInFlight))
	case ferr != nil:
		return nil, r.captureRefused(ctx, h, ce, ferr)
	default:
		return r.sendCapture(ctx, h, ce, req, false)
	}
}

// captured records the S a capture ended with (its entry, and the payment's status in the payment's
// entry) and returns the payment as the router answers it.
func (r *Router) captured(ctx context.Context, h *hold, ce *Entry, p *paygate.Payment) *paygate.Payment {
	_ = r.save(ctx, h, ce, sawCapture(p))
	r.sawCapturedPayment(ctx, ce, p)
	return withProvider(p, ce.Provider)
}

// sawCapture records the payment a capture was answered with (or an inquiry showed captured): the
// capture took effect.
func sawCapture(p *paygate.Payment) func(*Entry) {
	return func(e *Entry) {
		e.Status = string(p.Status)
		if e.ProviderPaymentID == "" {
			e.ProviderPaymentID = p.ProviderPaymentID
		}
		if e.Open == paygate.OpCapture {
			e.Open = ""
		}
		e.Outcome, e.Code = status.Success, status.CodeOK
	}
}

// sawCapturedPayment brings the payment's entry up to the status a capture answer showed. It is
// best effort: the capture's own entry holds the capture's outcome.
func (r *Router) sawCapturedPayment(ctx context.Context, ce *Entry, p *paygate.Payment) {
	pe, err := r.store.Get(ctx, KindPayment, ce.PaymentRequestID)
	if err != nil || (pe.Status == string(p.Status) && pe.ProviderID != "") {
		return
	}
	_ = r.save(ctx, nil, pe, sawPayment(paygate.OpInquire, p))
}

// inquireCaptured asks the capture's owner for the captured payment, by both ids the journal has.
func (r *Router) inquireCaptured(ctx context.Context, ce *Entry) (*paygate.Payment, error) {
	return r.inquireOwner(ctx, &Entry{Provider: ce.Provider, RequestID: ce.PaymentRequestID, ProviderID: ce.ProviderPaymentID})
}

// captureRefused records the F a capture ended with and returns it. If the journal cannot record it,
// the entry stays open and Reconcile may still send the capture again (where it is resendable): so
// the caller gets U, not an F the capture might outlive.
func (r *Router) captureRefused(ctx context.Context, h *hold, ce *Entry, ferr error) error {
	if err := r.save(ctx, h, ce, sawError(paygate.OpCapture, ferr)); err != nil {
		return &paygate.Error{Provider: ce.Provider, Op: paygate.OpCapture, Outcome: status.Unknown, Code: status.CodeUnavailable,
			Message: "the provider refused the capture, but the router's journal could not record that, so the capture stays open and Reconcile may still complete it; call Capture again with the same CaptureRequestID once the journal store is back",
			Err:     errors.Join(ferr, err)}
	}
	return ferr
}

// captureAmount names a capture entry's amount for messages (the zero Amount is everything held).
func captureAmount(ce *Entry) string {
	if ce.Amount.IsZero() {
		return "the whole authorized amount"
	}
	return ce.Amount.String()
}

// reconcileCapture settles an open capture by inquiring the payment: captured money means it
// landed. If it did not, the identical capture is sent again where the owner declares that safe;
// otherwise the entry records that it never landed (a later Capture with the same id sends it).
func (r *Router) reconcileCapture(ctx context.Context, h *hold, e *Entry) string {
	p, err := r.inquireCaptured(ctx, e)
	if err != nil {
		return fmt.Sprintf("inquiry ended %s %s", paygate.OutcomeOf(err), paygate.CodeOf(err))
	}
	if retry.CaptureLanded(p) {
		if r.save(ctx, h, e, sawCapture(p)) != nil {
			return "the journal could not be written"
		}
		r.sawCapturedPayment(ctx, e, p)
		return ""
	}
	if e.Capture == nil || p.Status != status.PaymentAuthorized || !r.idempotency(e, e.Provider, paygate.OpCapture).Resendable() {
		return r.notCreated(ctx, h, e, paygate.OpCapture)
	}
	p, _, err = call(ctx, r, h, e.Provider, paygate.OpCapture, nil, func(ctx context.Context, gw paygate.Gateway) (*paygate.Payment, error) {
		return gw.Capture(ctx, e.Capture)
	})
	switch {
	case err == nil && p != nil:
		if r.save(ctx, h, e, h.stillHeld(sawCapture(p))) != nil {
			return "the journal could not be written"
		}
		r.sawCapturedPayment(ctx, e, p)
		return ""
	case err != nil && paygate.OutcomeOf(err) == status.Failure && !errors.Is(err, retry.ErrNotSent) && !unhealthy(err):
		// The first try did not land (the inquiry above, under the lease), so this F is the answer.
		if r.save(ctx, h, e, h.stillHeld(sawError(paygate.OpCapture, err))) != nil {
			return "the journal could not be written"
		}
		return ""
	}
	return fmt.Sprintf("capture sent again ended %s %s", paygate.OutcomeOf(orUnknown(e.Provider, paygate.OpCapture, err)), paygate.CodeOf(orUnknown(e.Provider, paygate.OpCapture, err)))
}
