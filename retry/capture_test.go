package retry_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/money"
	"github.com/paygate-go/paygate/retry"
	"github.com/paygate-go/paygate/status"
)

var (
	authorizedPay = &paygate.Payment{Provider: "fake", PaymentRequestID: "pay-1", ProviderPaymentID: "p1", Status: status.PaymentAuthorized,
		Amount: money.MustParse("10.50", "USD")}
	capturedPay = &paygate.Payment{Provider: "fake", PaymentRequestID: "pay-1", ProviderPaymentID: "p1", Status: status.PaymentSucceeded,
		Amount: money.MustParse("10.50", "USD"), Captured: money.MustParse("10.50", "USD")}
	// capturingPay is a capture the provider accepted and still processes (Waffo's CAPTURE_IN_PROGRESS).
	capturingPay = &paygate.Payment{Provider: "fake", PaymentRequestID: "pay-1", ProviderPaymentID: "p1", Status: status.PaymentPending,
		Amount: money.MustParse("10.50", "USD"), Captured: money.MustParse("10.50", "USD")}
)

func captureReq() *paygate.CaptureRequest {
	return &paygate.CaptureRequest{CaptureRequestID: "cap-1", PaymentRequestID: "pay-1", ProviderPaymentID: "p1"}
}

func TestWrapCapture(t *testing.T) {
	c, i := paygate.OpCapture, paygate.OpInquire
	inquiryOnly := &retry.Idempotency{} // a capture the provider does not dedupe (no capture request id)
	tests := []struct {
		name      string
		script    map[paygate.Op][]answer
		declare   *retry.Idempotency
		outcome   status.Outcome
		code      status.Code
		want      *paygate.Payment // on S
		captures  int
		inquiries int // -1: several, until the deadline
	}{
		{"S at once", map[paygate.Op][]answer{c: {{pay: capturedPay}}}, nil, status.Success, status.CodeOK, capturedPay, 1, 0},
		{"F at once, never resent", map[paygate.Op][]answer{c: {{err: ferr(c, status.CodeInvalidState)}}}, nil, status.Failure, status.CodeInvalidState, nil, 1, 0},
		{"U then S: resent with the identical request", map[paygate.Op][]answer{c: {{err: uerr(c, status.CodeTimeout)}, {pay: capturedPay}}}, nil, status.Success, status.CodeOK, capturedPay, 2, 0},
		{"U ×3, inquiry shows nothing captured, resend lands", map[paygate.Op][]answer{
			c: {{err: uerr(c, status.CodeTimeout)}, {err: uerr(c, status.CodeTimeout)}, {err: uerr(c, status.CodeTimeout)}, {pay: capturedPay}},
			i: {{pay: authorizedPay}}}, nil, status.Success, status.CodeOK, capturedPay, 4, 1},
		{"U ×3, inquiry shows it captured", map[paygate.Op][]answer{c: {{err: uerr(c, status.CodeTimeout)}}, i: {{pay: capturedPay}}}, nil, status.Success, status.CodeOK, capturedPay, 3, 1},
		{"U ×3, inquiry shows it still processing: landed", map[paygate.Op][]answer{c: {{err: uerr(c, status.CodeTimeout)}}, i: {{pay: capturingPay}}}, nil, status.Success, status.CodeOK, capturingPay, 3, 1},
		{"U then F: the earlier try landed, so S, never F", map[paygate.Op][]answer{
			c: {{err: uerr(c, status.CodeTimeout)}, {err: ferr(c, status.CodeInvalidState)}},
			i: {{pay: capturedPay}}}, nil, status.Success, status.CodeOK, capturedPay, 2, 1},
		{"U then F, inquiry shows nothing captured: the resend's F stands", map[paygate.Op][]answer{
			c: {{err: uerr(c, status.CodeTimeout)}, {err: ferr(c, status.CodeLimitExceeded)}},
			i: {{pay: authorizedPay}}}, nil, status.Failure, status.CodeLimitExceeded, nil, 3, 1},
		{"U forever, inquiry U: U after the deadline", map[paygate.Op][]answer{c: {{err: uerr(c, status.CodeTimeout)}}, i: {{err: uerr(i, status.CodeUnavailable)}}}, nil, status.Unknown, status.CodeTimeout, nil, 3, -1},
		{"U, inquiry F AUTHENTICATION: U, not F", map[paygate.Op][]answer{c: {{err: uerr(c, status.CodeTimeout)}}, i: {{err: ferr(i, status.CodeAuthentication)}}}, nil, status.Unknown, status.CodeTimeout, nil, 3, 1},
		{"not resendable: inquiry shows it captured", map[paygate.Op][]answer{c: {{err: uerr(c, status.CodeTimeout)}}, i: {{pay: capturedPay}}}, inquiryOnly, status.Success, status.CodeOK, capturedPay, 1, 1},
		{"not resendable: inquiry shows nothing captured: U, never resent", map[paygate.Op][]answer{c: {{err: uerr(c, status.CodeTimeout)}}, i: {{pay: authorizedPay}}}, inquiryOnly, status.Unknown, status.CodeTimeout, nil, 1, 1},
		{"not resendable: inquiry U then captured", map[paygate.Op][]answer{c: {{err: uerr(c, status.CodeTimeout)}}, i: {{err: uerr(i, status.CodeUnavailable)}, {pay: capturedPay}}}, inquiryOnly, status.Success, status.CodeOK, capturedPay, 1, 2},
		{"declared safe: resent", map[paygate.Op][]answer{c: {{err: uerr(c, status.CodeTimeout)}, {pay: capturedPay}}}, &retry.Idempotency{ResendSafe: "a second capture of a captured order is refused"}, status.Success, status.CodeOK, capturedPay, 2, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := newScripted(tt.script)
			fake.declare = tt.declare
			var rep retry.Report
			req := captureReq()
			p, err := retry.Wrap(fake, fast()).Capture(retry.WithReport(context.Background(), &rep), req)
			assert.Equal(t, tt.outcome, paygate.OutcomeOf(err), "%v", err)
			assert.Equal(t, tt.code, paygate.CodeOf(err))
			assert.Same(t, tt.want, p)
			assert.Equal(t, tt.captures, fake.count(c), "captures sent")
			if tt.inquiries >= 0 {
				assert.Equal(t, tt.inquiries, fake.count(i), "inquiries")
			} else {
				assert.Greater(t, fake.count(i), 1, "kept inquiring until the deadline")
			}
			for _, r := range fake.requests[c] {
				assert.Same(t, req, r, "every send is the identical request, CaptureRequestID included")
			}
			for _, r := range fake.requests[i] {
				assert.Equal(t, &paygate.InquireRequest{PaymentRequestID: "pay-1", ProviderPaymentID: "p1"}, r, "the inquiry names the captured payment")
			}
			assert.Equal(t, tt.outcome, rep.Outcome)
			if tt.outcome == status.Unknown {
				var pe *paygate.Error
				if assert.ErrorAs(t, err, &pe) {
					assert.Equal(t, paygate.OpCapture, pe.Op, "the U names the capture")
				}
			}
		})
	}
}

func TestCaptureLanded(t *testing.T) {
	usd := func(v string) money.Amount { return money.MustParse(v, "USD") }
	tests := []struct {
		name string
		p    *paygate.Payment
		want bool
	}{
		{"nil", nil, false},
		{"authorized, nothing captured", &paygate.Payment{Status: status.PaymentAuthorized}, false},
		{"still waiting for the customer", &paygate.Payment{Status: status.PaymentRequiresAction}, false},
		{"pending, nothing captured", &paygate.Payment{Status: status.PaymentPending}, false},
		{"pending with money captured (the provider still processes the capture)", &paygate.Payment{Status: status.PaymentPending, Captured: usd("10.50")}, true},
		{"succeeded with money captured", &paygate.Payment{Status: status.PaymentSucceeded, Captured: usd("4.00")}, true},
		{"succeeded, Captured not reported", &paygate.Payment{Status: status.PaymentSucceeded}, true},
		{"voided", &paygate.Payment{Status: status.PaymentCanceled}, false},
		{"hold lapsed", &paygate.Payment{Status: status.PaymentExpired}, false},
		{"zero captured in a currency", &paygate.Payment{Status: status.PaymentAuthorized, Captured: usd("0")}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, retry.CaptureLanded(tt.p))
		})
	}
}

func TestWrapCaptureValidationNeverReachesTheGateway(t *testing.T) {
	fake := newScripted(nil)
	w := retry.Wrap(fake, fast())
	for _, req := range []*paygate.CaptureRequest{
		nil,
		{PaymentRequestID: "pay-1"},
		{CaptureRequestID: "cap-1"},
		{CaptureRequestID: "cap 1", PaymentRequestID: "pay-1"},
		{CaptureRequestID: "cap-1", PaymentRequestID: "pay-1", Amount: money.MustParse("-1", "USD")},
	} {
		_, err := w.Capture(context.Background(), req)
		assert.Equal(t, status.Failure, paygate.OutcomeOf(err), "%+v", req)
		assert.Equal(t, status.CodeInvalidRequest, paygate.CodeOf(err))
	}
	assert.Empty(t, fake.requests)
}

// A Gateway that declares nothing is not trusted to dedupe its captures: a U capture is resolved by
// inquiry, never resent.
func TestWrapUndeclaredCaptureIsNotResent(t *testing.T) {
	c, i := paygate.OpCapture, paygate.OpInquire
	fake := newScripted(map[paygate.Op][]answer{c: {{err: uerr(c, status.CodeTimeout)}}, i: {{pay: authorizedPay}}})
	_, err := retry.Wrap(undeclared{fake}, fast()).Capture(context.Background(), captureReq())
	assert.Equal(t, status.Unknown, paygate.OutcomeOf(err))
	assert.Equal(t, 1, fake.count(c))
	assert.Equal(t, 1, fake.count(i))
}
