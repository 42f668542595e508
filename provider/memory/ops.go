package memory

import (
	"context"
	"fmt"
	"maps"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/money"
	"github.com/paygate-go/paygate/provider/sim"
	"github.com/paygate-go/paygate/status"
)

// Create starts a payment in REQUIRES_ACTION with an Action for the customer. The same
// PaymentRequestID with an identical request returns the existing payment; with any field changed it
// is F IDEMPOTENCY_CONFLICT.
func (g *Gateway) Create(ctx context.Context, req *paygate.CreateRequest) (*paygate.Payment, error) {
	return call(g, ctx, req, func() (*paygate.Payment, error) { return g.create(req) })
}

func (g *Gateway) create(req *paygate.CreateRequest) (*paygate.Payment, error) {
	const op = paygate.OpCreate
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.clock.Now()
	if p := g.payments[req.PaymentRequestID]; p != nil {
		if field := createDiff(&p.req, req); field != "" {
			return nil, g.fail(op, status.CodeIdempotencyConflict, "", "repeated request is inconsistent",
				fmt.Sprintf("PaymentRequestID %q was already used with a different %s: resend the original request, or use a new PaymentRequestID for a new payment", req.PaymentRequestID, field))
		}
		g.expireIfDue(p, now)
		return copyPayment(&p.p), nil
	}
	expires := req.ExpiresAt
	switch {
	case expires.IsZero():
		expires = now.Add(g.ttl)
	case !expires.After(now):
		return nil, g.fail(op, status.CodeInvalidRequest, "ExpiresAt", "expiry time is in the past",
			"is not in the future: set a later time, or leave it zero for the default, and send it under a new PaymentRequestID")
	}
	digits, _ := money.Digits(req.Amount.Currency()) // Validate accepted the currency
	wire, err := req.Amount.ValueAt(digits)
	if err != nil { // unreachable: an Amount always has its currency's ISO digits
		return nil, g.fail(op, status.CodeInvalidRequest, "Amount", "amount not representable", err.Error())
	}
	g.paySeq++
	pid := fmt.Sprintf("mem_pay_%d", g.paySeq)
	p := &payment{
		req:       cloneCreateRequest(req),
		expiresAt: expires,
		p: paygate.Payment{
			Provider:          g.name,
			PaymentRequestID:  req.PaymentRequestID,
			MerchantOrderID:   req.MerchantOrderID,
			ProviderPaymentID: pid,
			Status:            status.PaymentRequiresAction,
			ProviderStatus:    providerStatus[status.PaymentRequiresAction],
			Amount:            req.Amount,
			UpdatedAt:         now,
		},
	}
	p.p.Action = g.action(p)
	g.payments[req.PaymentRequestID] = p
	g.paymentsByID[pid] = p
	g.ledger.AddOrder(sim.Order{
		RequestID: req.PaymentRequestID, ProviderID: pid, Amount: req.Amount, WireAmount: wire,
		Status: p.p.Status, CaptureMode: req.CaptureMode, CreatedAt: now,
	})
	return copyPayment(&p.p), nil
}

// createDiff names the first field in which b differs from a, or returns "". Nil and empty metadata
// are equal.
func createDiff(a, b *paygate.CreateRequest) string {
	switch {
	case a.MerchantOrderID != b.MerchantOrderID:
		return "MerchantOrderID"
	case !a.Amount.Equal(b.Amount):
		return "Amount"
	case a.Description != b.Description:
		return "Description"
	case a.NotifyURL != b.NotifyURL:
		return "NotifyURL"
	case a.ReturnURL != b.ReturnURL:
		return "ReturnURL"
	case !a.ExpiresAt.Equal(b.ExpiresAt):
		return "ExpiresAt"
	case a.Customer != b.Customer:
		return "Customer"
	case a.Method != b.Method:
		return "Method"
	case !maps.Equal(a.Metadata, b.Metadata):
		return "Metadata"
	case a.CaptureMode != b.CaptureMode:
		return "CaptureMode"
	}
	return ""
}

// Inquire returns the payment named by PaymentRequestID or ProviderPaymentID (both: they must name
// the same payment). Unknown is F NOT_FOUND.
func (g *Gateway) Inquire(ctx context.Context, req *paygate.InquireRequest) (*paygate.Payment, error) {
	return call(g, ctx, req, func() (*paygate.Payment, error) {
		g.mu.Lock()
		defer g.mu.Unlock()
		p := g.lookupPayment(req.PaymentRequestID, req.ProviderPaymentID)
		if p == nil {
			return nil, g.notFoundPayment(paygate.OpInquire, req.PaymentRequestID, req.ProviderPaymentID)
		}
		g.expireIfDue(p, g.clock.Now())
		return copyPayment(&p.p), nil
	})
}

// Cancel cancels an unpaid payment, or voids an AUTHORIZED one (the hold is released; nothing was
// taken). Cancelling a canceled payment returns it again (S); a succeeded, failed or expired payment
// is F INVALID_STATE.
func (g *Gateway) Cancel(ctx context.Context, req *paygate.CancelRequest) (*paygate.Payment, error) {
	return call(g, ctx, req, func() (*paygate.Payment, error) {
		const op = paygate.OpCancel
		g.mu.Lock()
		defer g.mu.Unlock()
		p := g.lookupPayment(req.PaymentRequestID, req.ProviderPaymentID)
		if p == nil {
			return nil, g.notFoundPayment(op, req.PaymentRequestID, req.ProviderPaymentID)
		}
		now := g.clock.Now()
		g.expireIfDue(p, now)
		switch p.p.Status {
		case status.PaymentCanceled:
		case status.PaymentSucceeded:
			return nil, g.fail(op, status.CodeInvalidState, "", "payment already succeeded",
				"already paid: refund it instead")
		case status.PaymentFailed:
			return nil, g.fail(op, status.CodeInvalidState, "", "payment already failed",
				"the payment failed and nothing was charged: there is nothing to cancel")
		case status.PaymentExpired:
			return nil, g.fail(op, status.CodeInvalidState, "", "payment already expired",
				"the payment expired and nothing was charged: there is nothing to cancel")
		default:
			g.setStatus(p, status.PaymentCanceled, now)
		}
		return copyPayment(&p.p), nil
	})
}

// Refund returns all or part of a succeeded payment at once (the refund is SUCCEEDED). Several
// refunds of one payment are allowed up to its amount. The same RefundRequestID with an identical
// request returns the existing refund; with any field changed it is F IDEMPOTENCY_CONFLICT.
func (g *Gateway) Refund(ctx context.Context, req *paygate.RefundRequest) (*paygate.Refund, error) {
	return call(g, ctx, req, func() (*paygate.Refund, error) { return g.refund(req) })
}

func (g *Gateway) refund(req *paygate.RefundRequest) (*paygate.Refund, error) {
	const op = paygate.OpRefund
	g.mu.Lock()
	defer g.mu.Unlock()
	if r := g.refunds[req.RefundRequestID]; r != nil {
		if field := refundDiff(&r.req, req); field != "" {
			return nil, g.fail(op, status.CodeIdempotencyConflict, "", "repeated request is inconsistent",
				fmt.Sprintf("RefundRequestID %q was already used with a different %s: resend the original request, or use a new RefundRequestID for a new refund", req.RefundRequestID, field))
		}
		return copyRefund(&r.r), nil
	}
	p := g.lookupPayment(req.PaymentRequestID, req.ProviderPaymentID)
	if p == nil {
		return nil, g.notFoundPayment(op, req.PaymentRequestID, req.ProviderPaymentID)
	}
	now := g.clock.Now()
	g.expireIfDue(p, now)
	switch p.p.Status {
	case status.PaymentSucceeded:
	case status.PaymentAuthorized:
		return nil, g.fail(op, status.CodeInvalidState, "", "payment authorized but not captured",
			"the payment is AUTHORIZED and nothing was captured, so there is nothing to refund: capture it first, or cancel it to release the hold")
	default:
		return nil, g.fail(op, status.CodeInvalidState, "", "payment not succeeded",
			fmt.Sprintf("the payment is %s; only a succeeded payment can be refunded (cancel an unpaid one instead)", p.p.Status))
	}
	if req.Amount.Currency() != p.p.Amount.Currency() {
		return nil, g.fail(op, status.CodeInvalidRequest, "Amount", "refund currency differs from the payment's",
			fmt.Sprintf("is in %s but the payment is in %s: refund in the payment's currency under a new RefundRequestID", req.Amount.Currency(), p.p.Amount.Currency()))
	}
	left := refundable(&p.p)
	if c, _ := req.Amount.Cmp(left); c > 0 {
		return nil, g.fail(op, status.CodeRefundNotAllowed, "", "refund amount exceeds the refundable amount",
			fmt.Sprintf("%s is more than the refundable amount %s (captured %s): refund at most %s under a new RefundRequestID", req.Amount, left, p.p.Captured, left))
	}
	refunded := req.Amount
	if !p.p.Refunded.IsZero() {
		sum, err := p.p.Refunded.Add(req.Amount)
		if err != nil { // unreachable: the sum is at most the payment's amount
			return nil, g.fail(op, status.CodeProviderError, "", "internal error", err.Error())
		}
		refunded = sum
	}
	digits, _ := money.Digits(req.Amount.Currency())
	wire, _ := req.Amount.ValueAt(digits) // cannot fail at the currency's own digits

	g.refundSeq++
	rid := fmt.Sprintf("mem_ref_%d", g.refundSeq)
	notify := req.NotifyURL
	if notify == "" {
		notify = p.req.NotifyURL
	}
	r := &refund{
		req:       *req,
		notifyURL: notify,
		r: paygate.Refund{
			Provider:          g.name,
			RefundRequestID:   req.RefundRequestID,
			ProviderRefundID:  rid,
			PaymentRequestID:  p.p.PaymentRequestID,
			ProviderPaymentID: p.p.ProviderPaymentID,
			Status:            status.RefundSucceeded,
			ProviderStatus:    refundProviderStatus[status.RefundSucceeded],
			Amount:            req.Amount,
			UpdatedAt:         now,
		},
	}
	g.refunds[req.RefundRequestID] = r
	g.refundsByID[rid] = r
	p.p.Refunded = refunded
	p.p.UpdatedAt = now
	g.ledger.AddRefund(sim.Refund{
		RequestID: req.RefundRequestID, ProviderID: rid, ProviderPaymentID: p.p.ProviderPaymentID,
		Amount: req.Amount, WireAmount: wire, Status: r.r.Status, CreatedAt: now,
	})
	g.ledger.SetOrderStatus(p.p.ProviderPaymentID, p.p.Status, refunded)
	g.notifyRefund(r)
	return copyRefund(&r.r), nil
}

// refundable is what is left to refund of a succeeded payment: what was captured (the whole amount
// unless a partial capture took less) less what was refunded.
func refundable(p *paygate.Payment) money.Amount {
	if p.Refunded.IsZero() {
		return p.Captured
	}
	left, err := p.Captured.Sub(p.Refunded)
	if err != nil { // unreachable: refunds are in the payment's currency
		zero, _ := money.FromMinor(0, p.Amount.Currency())
		return zero
	}
	return left
}

// refundDiff names the first field in which b differs from a, or returns "".
func refundDiff(a, b *paygate.RefundRequest) string {
	switch {
	case a.PaymentRequestID != b.PaymentRequestID:
		return "PaymentRequestID"
	case a.ProviderPaymentID != b.ProviderPaymentID:
		return "ProviderPaymentID"
	case !a.Amount.Equal(b.Amount):
		return "Amount"
	case a.Reason != b.Reason:
		return "Reason"
	case a.NotifyURL != b.NotifyURL:
		return "NotifyURL"
	}
	return ""
}

// InquireRefund returns the refund named by RefundRequestID or ProviderRefundID (both: they must name
// the same refund). Unknown is F NOT_FOUND.
func (g *Gateway) InquireRefund(ctx context.Context, req *paygate.InquireRefundRequest) (*paygate.Refund, error) {
	return call(g, ctx, req, func() (*paygate.Refund, error) {
		g.mu.Lock()
		defer g.mu.Unlock()
		r := g.lookupRefund(req.RefundRequestID, req.ProviderRefundID)
		if r == nil {
			return nil, g.fail(paygate.OpInquireRefund, status.CodeNotFound, "", "refund not found",
				fmt.Sprintf("no refund %s: check the id; after an unknown refund, resending the same refund is safe", describeIDs("RefundRequestID", req.RefundRequestID, "ProviderRefundID", req.ProviderRefundID)))
		}
		return copyRefund(&r.r), nil
	})
}

// lookupPayment finds the payment named by either id; when both are given they must name the same
// payment. Callers hold g.mu.
func (g *Gateway) lookupPayment(requestID, providerID string) *payment {
	var p *payment
	if requestID != "" {
		if p = g.payments[requestID]; p == nil {
			return nil
		}
	}
	if providerID != "" {
		q := g.paymentsByID[providerID]
		if q == nil || (p != nil && p != q) {
			return nil
		}
		p = q
	}
	return p
}

// lookupRefund finds the refund named by either id; when both are given they must name the same
// refund. Callers hold g.mu.
func (g *Gateway) lookupRefund(requestID, providerID string) *refund {
	var r *refund
	if requestID != "" {
		if r = g.refunds[requestID]; r == nil {
			return nil
		}
	}
	if providerID != "" {
		q := g.refundsByID[providerID]
		if q == nil || (r != nil && r != q) {
			return nil
		}
		r = q
	}
	return r
}

func (g *Gateway) notFoundPayment(op paygate.Op, requestID, providerID string) *paygate.Error {
	return g.fail(op, status.CodeNotFound, "", "payment not found",
		fmt.Sprintf("no payment %s: check the id; after an unknown create, resending the same create is safe",
			describeIDs("PaymentRequestID", requestID, "ProviderPaymentID", providerID)))
}

// describeIDs says which ids a request named, for messages.
func describeIDs(requestField, requestID, providerField, providerID string) string {
	switch {
	case requestID != "" && providerID != "":
		return fmt.Sprintf("has %s %q together with %s %q", requestField, requestID, providerField, providerID)
	case requestID != "":
		return fmt.Sprintf("has %s %q", requestField, requestID)
	}
	return fmt.Sprintf("has %s %q", providerField, providerID)
}

// Capture takes all (zero Amount) or part of an AUTHORIZED payment's money: the payment ends
// SUCCEEDED with Captured the amount taken, and the rest of the hold is released. One capture per
// payment: the same CaptureRequestID with an identical request answers the payment as it is now (S);
// with any field changed it is F IDEMPOTENCY_CONFLICT; a new CaptureRequestID for a payment that is
// not AUTHORIZED (already captured, automatic, unpaid, voided, expired) is F INVALID_STATE, and an
// amount over the authorized one F LIMIT_EXCEEDED.
func (g *Gateway) Capture(ctx context.Context, req *paygate.CaptureRequest) (*paygate.Payment, error) {
	return call(g, ctx, req, func() (*paygate.Payment, error) { return g.capture(req) })
}

func (g *Gateway) capture(req *paygate.CaptureRequest) (*paygate.Payment, error) {
	const op = paygate.OpCapture
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.clock.Now()
	if c := g.captures[req.CaptureRequestID]; c != nil {
		if field := captureDiff(&c.req, req); field != "" {
			return nil, g.fail(op, status.CodeIdempotencyConflict, "", "repeated request is inconsistent",
				fmt.Sprintf("CaptureRequestID %q was already used with a different %s: resend the original request, or use a new CaptureRequestID for a new capture", req.CaptureRequestID, field))
		}
		g.expireIfDue(c.p, now)
		return copyPayment(&c.p.p), nil
	}
	p := g.lookupPayment(req.PaymentRequestID, req.ProviderPaymentID)
	if p == nil {
		return nil, g.notFoundPayment(op, req.PaymentRequestID, req.ProviderPaymentID)
	}
	g.expireIfDue(p, now)
	if err := g.capturable(p); err != nil {
		return nil, err
	}
	amount := req.Amount
	if amount.IsZero() {
		amount = p.p.Amount
	}
	if amount.Currency() != p.p.Amount.Currency() {
		return nil, g.fail(op, status.CodeInvalidRequest, "Amount", "capture currency differs from the payment's",
			fmt.Sprintf("is in %s but the payment is in %s: capture in the payment's currency (or without an amount for all of it) under a new capture request id", amount.Currency(), p.p.Amount.Currency()))
	}
	if c, _ := amount.Cmp(p.p.Amount); c > 0 {
		return nil, g.fail(op, status.CodeLimitExceeded, "Amount", "capture amount exceeds the authorized amount",
			fmt.Sprintf("%s is more than the authorized %s: capture at most that (zero Amount captures all of it) under a new CaptureRequestID", amount, p.p.Amount))
	}
	digits, _ := money.Digits(amount.Currency())
	wire, _ := amount.ValueAt(digits) // cannot fail at the currency's own digits
	g.captureSeq++
	g.captures[req.CaptureRequestID] = &capture{req: *req, p: p}
	p.p.Captured = amount
	g.ledger.AddCapture(sim.Capture{
		RequestID: req.CaptureRequestID, ProviderID: fmt.Sprintf("mem_cap_%d", g.captureSeq),
		ProviderPaymentID: p.p.ProviderPaymentID, Amount: amount, WireAmount: wire, CreatedAt: now,
	})
	g.setStatus(p, status.PaymentSucceeded, now) // notifies the payment, Captured included
	return copyPayment(&p.p), nil
}

// capturable is nil when p can be captured (it is AUTHORIZED), else the F INVALID_STATE saying why
// not. Callers hold g.mu.
func (g *Gateway) capturable(p *payment) error {
	const op = paygate.OpCapture
	manual := p.req.CaptureMode == paygate.CaptureManual
	var msg string
	switch st := p.p.Status; {
	case st == status.PaymentAuthorized:
		return nil
	case !manual:
		msg = "the payment was created with automatic capture: its money is taken when it is paid, so there is nothing to capture"
	case st == status.PaymentSucceeded:
		msg = fmt.Sprintf("the payment was already captured (%s): a payment is captured once; inquire it to see what was taken", p.p.Captured)
	case st == status.PaymentCanceled:
		msg = "the payment was canceled (before it was paid, by a void, or when its hold lapsed) and holds no money: create a new payment"
	case st == status.PaymentRequiresAction, st == status.PaymentPending:
		msg = fmt.Sprintf("the payment is %s: the customer has not authorized it yet; capture once it is AUTHORIZED", st)
	default:
		msg = fmt.Sprintf("the payment is %s and holds no money: create a new payment", st)
	}
	return g.fail(op, status.CodeInvalidState, "", "payment not authorized", msg)
}

// captureDiff names the first field in which b differs from a, or returns "".
func captureDiff(a, b *paygate.CaptureRequest) string {
	switch {
	case a.PaymentRequestID != b.PaymentRequestID:
		return "PaymentRequestID"
	case a.ProviderPaymentID != b.ProviderPaymentID:
		return "ProviderPaymentID"
	case !a.Amount.Equal(b.Amount):
		return "Amount"
	}
	return ""
}
