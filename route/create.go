package route

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"go.uber.org/zap"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/retry"
	"github.com/paygate-go/paygate/status"
)

// errRaced means another call wrote the entry first; the caller starts again from the stored entry.
var errRaced = errors.New("route: another call wrote the journal entry first")

// Create implements paygate.Gateway: it sends the payment to the first candidate provider that
// accepts it (see Router), journaling each attempt before it is sent. A create with a PaymentRequestID
// the journal knows goes back to the provider that owns it.
func (r *Router) Create(ctx context.Context, req *paygate.CreateRequest) (*paygate.Payment, error) {
	if err := req.Validate(); err != nil {
		return nil, err
	}
	return underHold(ctx, r, paygate.OpCreate, func(h *hold) (*paygate.Payment, error) {
		e, err := r.store.Get(ctx, KindPayment, req.PaymentRequestID)
		switch {
		case errors.Is(err, ErrNotFound):
			return r.createNew(ctx, h, req)
		case err != nil:
			return nil, journalError(paygate.OpCreate, false, err)
		default:
			return r.createAgain(ctx, h, req, e)
		}
	})
}

func (r *Router) createNew(ctx context.Context, h *hold, req *paygate.CreateRequest) (*paygate.Payment, error) {
	rule, cands := r.Candidates(req)
	if len(cands) == 0 && rule != "" {
		return nil, &paygate.Error{
			Provider: Name, Op: paygate.OpCreate, Outcome: status.Failure, Code: status.CodeNotSupported,
			Message: fmt.Sprintf("no provider of rule %q offers %s capture (their declared capabilities), so nothing was sent; create it with automatic capture, or add a provider that offers it to the rule",
				rule, req.CaptureMode),
		}
	}
	if len(cands) == 0 {
		return nil, &paygate.Error{
			Provider: Name, Op: paygate.OpCreate, Outcome: status.Failure, Code: status.CodeNotSupported,
			Message: fmt.Sprintf("no routing rule matches this payment (currency %s, country %q, method %q/%q), so nothing was sent; add a rule for it or a catch-all rule",
				req.Amount.Currency(), req.Customer.Country, req.Method.Type, req.Method.Name),
		}
	}
	r.log.Debug("route: candidates", zap.String("payment_request_id", req.PaymentRequestID), zap.String("rule", rule), zap.Strings("providers", cands))
	e := &Entry{Kind: KindPayment, RequestID: req.PaymentRequestID, Amount: req.Amount, CreatedAt: r.now()}
	return r.tryCandidates(ctx, h, req, e, cands)
}

// tryCandidates sends the create to each candidate in turn (skipping those that already refused it),
// until one creates it, answers U, or refuses it with an F that does not allow failover. Each send
// takes the entry's lease first, in the write that names the candidate, and gives it back with the
// answer; e must be the entry as stored (or new), so that the compare-and-swap sees any call that
// wrote it since.
func (r *Router) tryCandidates(ctx context.Context, h *hold, req *paygate.CreateRequest, e *Entry, cands []string) (*paygate.Payment, error) {
	defer r.letGo(ctx, h, e)
	var refusals []error
	for _, name := range cands {
		if slices.Contains(e.Tried, name) {
			continue
		}
		p, sent, err := call(ctx, r, h, name, paygate.OpCreate, func() error {
			// Written before the send, so a crash after it leaves the entry pointing here.
			return r.claim(ctx, h, e, paygate.OpCreate, true, func(x *Entry) { x.Provider, x.Open = name, paygate.OpCreate })
		}, func(ctx context.Context, gw paygate.Gateway) (*paygate.Payment, error) { return gw.Create(ctx, req) })
		switch {
		case !sent && breakerRefused(err):
			refusals = append(refusals, err)
			r.log.Info("route: provider skipped, its circuit breaker is open",
				zap.String("payment_request_id", req.PaymentRequestID), zap.String("provider", name))
			continue
		case !sent && errors.Is(err, errNotOffered):
			refusals = append(refusals, err)
			r.log.Info("route: provider skipped, it does not offer create",
				zap.String("payment_request_id", req.PaymentRequestID), zap.String("provider", name))
			continue
		case !sent:
			return nil, err // raced, or the journal write failed: nothing was sent
		case err == nil && p != nil:
			if serr := r.save(ctx, h, e, sawPayment(paygate.OpCreate, p)); serr != nil && !r.idempotency(e, name, paygate.OpCreate).Dedupes {
				return nil, unrecorded(name, p, serr)
			}
			return withProvider(p, name), nil
		case err == nil: // success without a payment, an adapter bug: the create may have happened
			err = &paygate.Error{Provider: name, Op: paygate.OpCreate, Outcome: status.Unknown, Code: status.CodeProviderError,
				Message: "the provider answered success without a payment; inquire before doing anything else"}
			_ = r.save(ctx, h, e, sawError(paygate.OpCreate, err))
			return nil, err
		case Failover(err):
			// The lease goes back with the refusal; the next candidate's send takes it again, in a
			// compare-and-swap that fails if another call wrote the entry meanwhile.
			_ = r.save(ctx, h, e, func(x *Entry) {
				sawError(paygate.OpCreate, err)(x)
				if !slices.Contains(x.Tried, name) {
					x.Tried = append(x.Tried, name)
				}
			})
			refusals = append(refusals, err)
			r.log.Info("route: create refused with a failover code; trying the next candidate",
				zap.String("payment_request_id", req.PaymentRequestID), zap.String("provider", name),
				zap.String("code", string(paygate.CodeOf(err))), zap.Error(err))
			continue
		default:
			_ = r.save(ctx, h, e, sawError(paygate.OpCreate, err))
			return nil, err
		}
	}
	if len(refusals) == 0 {
		return nil, storedFailure(paygate.OpCreate, e)
	}
	return nil, allRefused(refusals)
}

// allRefused is the F for a create every candidate refused (or skipped) with nothing created.
func allRefused(refusals []error) error {
	var last *paygate.Error
	parts := make([]string, 0, len(refusals))
	for _, err := range refusals {
		var pe *paygate.Error
		if errors.As(err, &pe) {
			last = pe
			parts = append(parts, fmt.Sprintf("%s: %s", pe.Provider, pe.Code))
		}
	}
	e := &paygate.Error{
		Provider: Name, Op: paygate.OpCreate, Outcome: status.Failure, Code: status.CodeUnavailable,
		Message: "every candidate provider refused the payment or was unavailable, and none created it (" +
			strings.Join(parts, ", ") + "); offer another method, or try again later with the same id",
		Err: errors.Join(refusals...),
	}
	if last != nil {
		e.Code, e.ProviderCode, e.ProviderMessage, e.HTTPStatus = last.Code, last.ProviderCode, last.ProviderMessage, last.HTTPStatus
	}
	return e
}

// storedFailure repeats the final F the journal holds for e, without sending anything: an F is never
// retried with the same id.
func storedFailure(op paygate.Op, e *Entry) error {
	what := e.Kind.idField()
	return &paygate.Error{
		Provider: e.Provider, Op: op, Outcome: status.Failure, Code: e.Code,
		Message: fmt.Sprintf("%s %q already ended in F (%s at %s) and nothing was created; an F is final, so use a new id to try again",
			what, e.RequestID, e.Code, e.Provider),
	}
}

// createAgain handles a create whose PaymentRequestID the journal already knows.
func (r *Router) createAgain(ctx context.Context, h *hold, req *paygate.CreateRequest, e *Entry) (*paygate.Payment, error) {
	if !e.Amount.Equal(req.Amount) {
		return nil, &paygate.Error{
			Provider: Name, Op: paygate.OpCreate, Outcome: status.Failure, Code: status.CodeIdempotencyConflict, Field: "Amount",
			Message: fmt.Sprintf("PaymentRequestID %q was first used for %s, not %s: use a new id for a different payment", e.RequestID, e.Amount, req.Amount),
		}
	}
	if _, ok := r.gateways[e.Provider]; !ok && (e.Open != "" || e.exists()) {
		return nil, &paygate.Error{
			Provider: Name, Op: paygate.OpCreate, Outcome: status.Unknown, Code: status.CodeProviderError,
			Message: fmt.Sprintf("payment %q belongs to provider %q, which this router is not configured with; add it back to Config.Providers", e.RequestID, e.Provider),
		}
	}
	switch {
	case e.exists() && e.Open == "":
		// The payment exists and no create is open: answered from the provider, whatever another
		// call is doing with it (replayCreate sends no write that could create).
		return r.replayCreate(ctx, req, e)
	case r.heldByOther(h, e):
		// Another call may be sending this create (or a failover of it) right now.
		return nil, leased(paygate.OpCreate, e)
	case e.Open == paygate.OpCreate:
		return r.resolveCreate(ctx, h, req, e)
	case e.exists():
		return r.replayCreate(ctx, req, e)
	case e.Outcome == status.Failure && (e.Code == status.CodeNotFound || Failover(&paygate.Error{Outcome: e.Outcome, Code: e.Code})):
		// Nothing was created anywhere: the create may go on to the candidates not yet tried, its
		// owner first. After NOT_FOUND (Reconcile found an open create had not landed) the owner is
		// the only safe place: if that inquiry was wrong (a lagging read, a request still on its way),
		// the owner answers the same id with the original payment, while another provider would
		// create a second one. (After a failover code the owner is in Tried and is skipped.)
		_, cands := r.Candidates(req)
		return r.tryCandidates(ctx, h, req, e, r.ownerFirst(e.Provider, cands))
	default:
		return nil, storedFailure(paygate.OpCreate, e)
	}
}

// resolveCreate handles a create whose earlier try is unknown (a U, a crash, or a call in flight).
// The request goes again only to the same provider, and only when that is safe.
func (r *Router) resolveCreate(ctx context.Context, h *hold, req *paygate.CreateRequest, e *Entry) (*paygate.Payment, error) {
	owner := e.Provider
	idem := r.idempotency(e, owner, paygate.OpCreate)
	if idem.Dedupes {
		// The provider answers the same create with the original payment and its Action.
		young := r.othersBusy(h, e) // before the claim below makes the entry new
		defer r.letGo(ctx, h, e)
		p, sent, err := call(ctx, r, h, owner, paygate.OpCreate, func() error {
			return r.claim(ctx, h, e, paygate.OpCreate, false, nil)
		}, func(ctx context.Context, gw paygate.Gateway) (*paygate.Payment, error) { return gw.Create(ctx, req) })
		switch {
		case errors.Is(err, errRaced):
			return nil, err
		case err == nil && p != nil:
			_ = r.save(ctx, h, e, sawPayment(paygate.OpCreate, p))
			return withProvider(p, owner), nil
		case !sent || paygate.OutcomeOf(err) != status.Failure:
			return nil, stillUnknown(owner, err, nil)
		}
		return r.afterFailureAtOwner(ctx, h, req, e, err, young)
	}
	// Not deduped: look first, and send again only if nothing is there. The send takes the lease in a
	// compare-and-swap on the entry as read before the inquiry, so a call that took it meanwhile wins.
	p, ierr := r.inquireOwner(ctx, e)
	if ierr == nil && p != nil {
		_ = r.save(ctx, nil, e, sawPayment(paygate.OpInquire, p))
		return withProvider(p, owner), nil
	}
	if !nothingThere(ierr, e, idem) {
		return nil, stillUnknown(owner, nil, ierr)
	}
	if r.othersBusy(h, e) {
		return nil, stillUnknown(owner, nil, errors.Join(ierr, errInFlight))
	}
	_, cands := r.Candidates(req)
	return r.tryCandidates(ctx, h, req, e, r.ownerFirst(owner, cands))
}

// ownerFirst returns cands with owner moved (or added) to the front, if it is configured.
func (r *Router) ownerFirst(owner string, cands []string) []string {
	if _, ok := r.gateways[owner]; !ok {
		return cands
	}
	return append([]string{owner}, slices.DeleteFunc(cands, func(n string) bool { return n == owner })...)
}

// afterFailureAtOwner handles an F to a create sent again after an unknown try: the F may be about
// that first try ("already exists"), so it is believed only if an inquiry shows nothing there.
// The caller holds the entry's lease, so the "nothing there" of the inquiry is recorded only while
// it still does. young says the open create was written less than Config.ReconcileAfter ago.
func (r *Router) afterFailureAtOwner(ctx context.Context, h *hold, req *paygate.CreateRequest, e *Entry, ferr error, young bool) (*paygate.Payment, error) {
	owner := e.Provider
	p, ierr := r.inquireOwner(ctx, e)
	switch {
	case ierr == nil && p != nil:
		_ = r.save(ctx, h, e, sawPayment(paygate.OpInquire, p))
		return withProvider(p, owner), nil
	case !nothingThere(ierr, e, r.idempotency(e, owner, paygate.OpCreate)):
		return nil, stillUnknown(owner, ferr, ierr)
	case young:
		// The F may be the provider refusing a duplicate of a create still being processed.
		return nil, stillUnknown(owner, ferr, errors.Join(ierr, errInFlight))
	case Failover(ferr):
		var moved bool
		if err := r.save(ctx, h, e, func(x *Entry) {
			// Only while this call still holds the lease: otherwise another call may have sent the
			// create since the inquiry found nothing.
			if moved = x.LeaseOwner == h.token; !moved {
				return
			}
			sawError(paygate.OpCreate, ferr)(x)
			if !slices.Contains(x.Tried, owner) {
				x.Tried = append(x.Tried, owner)
			}
		}); err != nil || !moved {
			return nil, stillUnknown(owner, ferr, errors.Join(ierr, errInFlight, err))
		}
		_, cands := r.Candidates(req)
		return r.tryCandidates(ctx, h, req, e, cands)
	default:
		_ = r.save(ctx, h, e, sawError(paygate.OpCreate, ferr))
		return nil, ferr
	}
}

// replayCreate answers a create of a payment that exists: with the provider's answer to the same
// create where it dedupes (that answer carries the Action), else with an inquiry. It never creates.
func (r *Router) replayCreate(ctx context.Context, req *paygate.CreateRequest, e *Entry) (*paygate.Payment, error) {
	owner := e.Provider
	if r.idempotency(e, owner, paygate.OpCreate).Dedupes {
		p, _, err := call(ctx, r, nil, owner, paygate.OpCreate, nil, func(ctx context.Context, gw paygate.Gateway) (*paygate.Payment, error) {
			return gw.Create(ctx, req)
		})
		if err == nil && p != nil && (e.ProviderID == "" || p.ProviderPaymentID == e.ProviderID) {
			_ = r.save(ctx, nil, e, sawPayment(paygate.OpInquire, p))
			return withProvider(p, owner), nil
		}
	}
	p, err := r.inquireOwner(ctx, e)
	if err == nil && p != nil {
		_ = r.save(ctx, nil, e, sawPayment(paygate.OpInquire, p))
		return withProvider(p, owner), nil
	}
	// The payment exists: whatever stopped us reading it, "not created" would be wrong.
	return nil, stillUnknown(owner, nil, err)
}

// inquireOwner asks the payment's owner for it, by both ids the journal has.
func (r *Router) inquireOwner(ctx context.Context, e *Entry) (*paygate.Payment, error) {
	p, _, err := call(ctx, r, nil, e.Provider, paygate.OpInquire, nil, func(ctx context.Context, gw paygate.Gateway) (*paygate.Payment, error) {
		return gw.Inquire(ctx, &paygate.InquireRequest{PaymentRequestID: e.RequestID, ProviderPaymentID: e.ProviderID})
	})
	if err == nil && p == nil {
		err = &paygate.Error{Provider: e.Provider, Op: paygate.OpInquire, Outcome: status.Unknown, Code: status.CodeProviderError,
			Message: "the provider answered an inquiry with no payment"}
	}
	return p, err
}

// nothingThere reports whether an inquiry's error proves the entry's create did not land: NOT_FOUND,
// or, at a provider that cannot look up by our id before its own id is known, the provider's own
// declaration that an order whose reply was lost can never be paid (retry.Idempotency.ResendSafe).
func nothingThere(ierr error, e *Entry, idem retry.Idempotency) bool {
	if ierr == nil || paygate.OutcomeOf(ierr) != status.Failure {
		return false
	}
	switch paygate.CodeOf(ierr) {
	case status.CodeNotFound:
		return true
	case status.CodeNotSupported:
		return e.ProviderID == "" && !idem.Dedupes && idem.ResendSafe != ""
	}
	return false
}

// stillUnknown is the U for a create whose earlier try could not be settled either way.
func stillUnknown(provider string, sendErr, inquiryErr error) error {
	return &paygate.Error{
		Provider: provider, Op: paygate.OpCreate, Outcome: status.Unknown, Code: status.CodeUnknown,
		Message: "an earlier try of this create is unknown and could not be settled now; call Create or Inquire again with the same PaymentRequestID later (Reconcile also settles it)",
		Err:     errors.Join(sendErr, inquiryErr),
	}
}

// unrecorded is the U for a payment a provider that does not dedupe creates made, but the journal
// could not record. Its id is then known only to this call; if the customer were sent to it, a later
// Reconcile (which cannot find it by our id) would take it for an unpayable orphan and a new create
// would make a second payable order. So the caller must not use it: as far as the router is concerned
// it stays an orphan, and a Create with the same id, once the journal is back, makes the one that counts.
func unrecorded(provider string, p *paygate.Payment, cause error) error {
	return &paygate.Error{
		Provider: provider, Op: paygate.OpCreate, Outcome: status.Unknown, Code: status.CodeUnavailable,
		Message: fmt.Sprintf("%s created payment %s, but the router's journal could not record it, so it must not be shown to the customer; call Create again with the same PaymentRequestID once the journal store is back",
			provider, p.ProviderPaymentID),
		Err: cause,
	}
}
