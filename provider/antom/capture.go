package antom

import (
	"context"
	"errors"
	"fmt"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/provider"
	"github.com/paygate-go/paygate/status"
)

// Capture sends capture (POST /ams/api/v1/payments/capture) for an AUTHORIZED payment, one created
// with paygate.CaptureManual. It first inquires the payment — Antom's capture names the payment by
// paymentId only and needs the amount, and the inquiry shows whether this capture already happened:
//
//   - a CAPTURE transaction with this CaptureRequestID: the capture took (or is taking) effect, and
//     that is the answer, with nothing sent (a resend after U);
//   - a payment that is not AUTHORIZED (automatic, unpaid, captured by another request, cancelled,
//     lapsed after Antom's 7-day hold): F INVALID_STATE, nothing sent;
//   - an Amount over the authorized one: F LIMIT_EXCEEDED, nothing sent; in another currency: F
//     INVALID_REQUEST.
//
// Otherwise it sends captureRequestId (the idempotency key: Antom answers the same id with the same
// result), paymentId and captureAmount — the whole authorized amount when Amount is zero — with
// isLastCapture "true" on a partial capture, so the rest of the hold is released. S is SUCCEEDED with
// Captured the amount Antom captured; U (UNKNOWN_EXCEPTION, CAPTURE_IN_PROCESS, no answer…) is U:
// resend with the same CaptureRequestID, or inquire.
func (g *Gateway) Capture(ctx context.Context, req *paygate.CaptureRequest) (*paygate.Payment, error) {
	return provider.Run(ctx, g.calls(), req, g.capture)
}

func (g *Gateway) capture(ctx context.Context, c *provider.Call, req *paygate.CaptureRequest) (*paygate.Payment, error) {
	op := c.Op
	if !req.Amount.IsZero() {
		if _, err := toWire(req.Amount); err != nil {
			return nil, unsupportedCurrency(op, err, "; nothing was sent")
		}
	}
	p, resp, err := g.capturable(ctx, req)
	if err != nil {
		return nil, err
	}
	if t := captureOf(resp, req.CaptureRequestID); t != nil && (t.TransactionStatus == "SUCCESS" || t.TransactionStatus == "PROCESSING") {
		return p, nil // this capture already took effect: the inquiry is its answer
	}
	if p.Status != status.PaymentAuthorized {
		return nil, &paygate.Error{Provider: Name, Op: op, Outcome: status.Failure, Code: status.CodeInvalidState,
			Message: fmt.Sprintf("the payment is %s, not AUTHORIZED, so there is nothing to capture (Antom paymentStatus %s); nothing was sent: "+
				"only a payment created with CaptureManual and authorized by the customer can be captured, once", p.Status, p.ProviderStatus)}
	}
	amount := req.Amount
	if amount.IsZero() {
		amount = p.Amount
	}
	cmp, err := amount.Cmp(p.Amount)
	if err != nil {
		return nil, provider.Invalid(Name, op, "Amount", fmt.Sprintf("is in %s but the payment is in %s, and Antom captures in the payment's currency; nothing was sent",
			amount.Currency(), p.Amount.Currency()))
	}
	if cmp > 0 {
		return nil, &paygate.Error{Provider: Name, Op: op, Outcome: status.Failure, Code: status.CodeLimitExceeded, Field: "Amount",
			Message: fmt.Sprintf("%s is more than the %s authorized; nothing was sent: capture at most the authorized amount", amount, p.Amount)}
	}
	wire, err := toWire(amount)
	if err != nil {
		return nil, unsupportedCurrency(op, err, "; nothing was sent")
	}
	body := captureRequest{CaptureRequestID: req.CaptureRequestID, PaymentID: p.ProviderPaymentID, CaptureAmount: wire}
	if cmp < 0 {
		body.IsLastCapture = "true"
	}
	a, err := g.post(ctx, c, "capture", body)
	if err != nil {
		return nil, err
	}
	if a.result.ResultStatus != "S" {
		return nil, g.resultError(op, a)
	}
	var cr captureResponse
	if err := g.decodeInto(op, a, &cr); err != nil {
		return nil, err
	}
	return capturedPayment(op, a.resp, p, &cr, body)
}

// capturedPayment is the payment after capture answered S, checked against the capture sent: a signed
// answer about another capture is not ours (U).
func capturedPayment(op paygate.Op, resp *provider.Response, p *paygate.Payment, cr *captureResponse, sent captureRequest) (*paygate.Payment, error) {
	want, err := fromWire(sent.CaptureAmount)
	if err != nil { // not reached: the adapter wrote it
		return nil, unknown(op, resp, status.CodeProviderError, "the capture amount sent does not read back", err)
	}
	captured := want
	if cr.CaptureAmount != nil {
		if captured, err = fromWire(cr.CaptureAmount); err != nil {
			return nil, unknown(op, resp, status.CodeProviderError,
				"Antom's captureAmount does not read as an amount: inquire the payment to see what was captured", err)
		}
	}
	if !captured.Equal(want) || (cr.CaptureRequestID != "" && cr.CaptureRequestID != sent.CaptureRequestID) || (cr.PaymentID != "" && cr.PaymentID != sent.PaymentID) {
		return nil, unknown(op, resp, status.CodeProviderError,
			fmt.Sprintf("Antom's capture answer (%s, %s, payment %s) does not match the capture sent: inquire the payment before acting",
				captured, provider.Excerpt(cr.CaptureRequestID), provider.Excerpt(cr.PaymentID)), nil)
	}
	out := *p
	out.Status, out.ProviderStatus, out.Captured = status.PaymentSucceeded, "SUCCESS", captured
	if t := parseTime(cr.CaptureTime); !t.IsZero() {
		out.UpdatedAt = t
	}
	return &out, nil
}

// capturable inquires the payment a capture names, keeping the inquiry's answer for its
// transactions. A failed lookup is the capture's error, with its outcome: nothing was sent.
func (g *Gateway) capturable(ctx context.Context, req *paygate.CaptureRequest) (*paygate.Payment, *inquiryResponse, error) {
	var resp inquiryResponse
	p, err := g.inquireInto(ctx, &paygate.InquireRequest{PaymentRequestID: req.PaymentRequestID, ProviderPaymentID: req.ProviderPaymentID}, &resp)
	if err != nil {
		var pe *paygate.Error
		if !errors.As(err, &pe) {
			return nil, nil, err
		}
		e := *pe
		e.Op, e.Message, e.Err = paygate.OpCapture, "the capture was not sent: looking up the payment failed: "+pe.Message, pe
		return nil, nil, &e
	}
	if p.Amount.IsZero() {
		return nil, nil, provider.Invalid(Name, paygate.OpCapture, "Amount",
			"cannot be checked: Antom's inquiry returned no paymentAmount; nothing was sent: inquire the payment and try again")
	}
	return p, &resp, nil
}
