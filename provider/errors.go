package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/status"
)

// The errors every adapter makes the same way. Each message says what was wrong and what to do.

// Invalid is the F INVALID_REQUEST for a request the provider would refuse (field names the bad
// field); nothing is sent.
func Invalid(provider string, op paygate.Op, field, msg string) *paygate.Error {
	return &paygate.Error{Provider: provider, Op: op, Outcome: status.Failure, Code: status.CodeInvalidRequest, Field: field, Message: msg}
}

// NotSupported is the F NOT_SUPPORTED for an operation, or a form of request (field names what the
// provider cannot take), that the provider does not offer; nothing is sent.
func NotSupported(provider string, op paygate.Op, field, msg string) *paygate.Error {
	return &paygate.Error{Provider: provider, Op: op, Outcome: status.Failure, Code: status.CodeNotSupported, Field: field, Message: msg}
}

// Unknown is the U for an answer the adapter cannot take as a result: it does not parse, its
// signature does not verify, it contradicts the request. The request may have been processed. resp,
// when given, supplies the HTTP status and Retry-After; cause is kept in the error's chain. Set
// ProviderCode and ProviderMessage on the result when the answer named them.
func Unknown(provider string, op paygate.Op, resp *Response, code status.Code, msg string, cause error) *paygate.Error {
	e := &paygate.Error{Provider: provider, Op: op, Outcome: status.Unknown, Code: code, Message: msg, Err: cause}
	if resp != nil {
		e.HTTPStatus, e.RetryAfter = resp.StatusCode, resp.RetryAfter
	}
	return e
}

// Answered is the error for a verified answer that is not a success, as the adapter's code table
// maps it (outcome, code, advice), with the provider's own code and message beside the normalized
// code. An F becomes U when an earlier try of the request may have landed (Response.KeepUnknown).
func Answered(provider string, op paygate.Op, resp *Response, outcome status.Outcome, code status.Code, advice, providerCode, providerMessage string) *paygate.Error {
	e := &paygate.Error{
		Provider: provider, Op: op, Outcome: outcome, Code: code, Message: advice,
		ProviderCode: providerCode, ProviderMessage: providerMessage,
	}
	if resp != nil {
		e.HTTPStatus, e.RetryAfter = resp.StatusCode, resp.RetryAfter
	}
	return resp.KeepUnknown(e)
}

// withProvider names the provider on a validation error, which paygate's Validate leaves unnamed.
func withProvider(provider string, err error) error {
	var pe *paygate.Error
	if !errors.As(err, &pe) || pe.Provider != "" {
		return err
	}
	c := *pe
	c.Provider = provider
	return &c
}

// RefundablePayment looks up the payment a refund names (by inquire, the adapter's Inquire) and
// checks that the refund is in the payment's currency, before anything is sent for the refund: the
// providers' refund bodies name no currency, or must match the payment's, so a refund in another
// currency would move the wrong money. The lookup also yields the provider's payment id where the
// refund named the payment by PaymentRequestID only.
// An AUTHORIZED payment (manual capture, not captured yet) holds no captured money: its refund is F
// INVALID_STATE, unsent.
//
// A failed lookup is the refund's error, labelled OpRefund with its outcome and code kept, and the
// lookup's error in its chain: no refund was sent, so the lookup's F (NOT_FOUND: there is no such
// payment) is the refund's F, and its U stays U, because until the payment is found the refund
// cannot be judged (retry.Wrap resolves it by inquiring the refund, which then finds none).
func (cs Calls) RefundablePayment(ctx context.Context, inquire func(context.Context, *paygate.InquireRequest) (*paygate.Payment, error), req *paygate.RefundRequest) (*paygate.Payment, error) {
	p, err := inquire(ctx, &paygate.InquireRequest{PaymentRequestID: req.PaymentRequestID, ProviderPaymentID: req.ProviderPaymentID})
	if err != nil {
		var pe *paygate.Error
		if !errors.As(err, &pe) {
			return nil, err
		}
		c := *pe
		c.Op, c.Message, c.Err = paygate.OpRefund, "the refund was not sent: looking up the payment failed: "+pe.Message, pe
		return nil, &c
	}
	have, want := req.Amount.Currency(), p.Amount.Currency()
	switch {
	case want == "":
		return nil, Invalid(cs.Provider, paygate.OpRefund, "Amount", fmt.Sprintf(
			"cannot be checked against the payment's currency: %s's inquiry returned no amount; nothing was sent: inquire the payment and try again", cs.Provider))
	case have != want:
		return nil, Invalid(cs.Provider, paygate.OpRefund, "Amount", fmt.Sprintf(
			"is in %s but the payment is in %s, and %s refunds in the payment's currency; nothing was sent: send the amount in %[2]s", have, want, cs.Provider))
	case p.Status == status.PaymentAuthorized:
		return nil, &paygate.Error{Provider: cs.Provider, Op: paygate.OpRefund, Outcome: status.Failure, Code: status.CodeInvalidState,
			Message: "the payment is only authorized: nothing was captured, so there is nothing to refund; nothing was sent: capture it first, or cancel it to release the hold"}
	}
	return p, nil
}
