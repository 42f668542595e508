package paygate

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/paygate-go/paygate/status"
)

func TestOutcomeOf(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want status.Outcome
	}{
		{"nil is success", nil, status.Success},
		{"F error", fail(status.CodeDeclined), status.Failure},
		{"U error", unknown(status.CodeTimeout), status.Unknown},
		{"wrapped F", fmt.Errorf("checkout: %w", fail(status.CodeDeclined)), status.Failure},
		{"missing outcome is U", &Error{Code: status.CodeDeclined}, status.Unknown},
		{"S on an error is U", &Error{Outcome: status.Success}, status.Unknown},
		{"garbage outcome is U", &Error{Outcome: "maybe"}, status.Unknown},
		{"plain error is U", errors.New("boom"), status.Unknown},
		{"network error is U", &net.OpError{Op: "read", Err: io.ErrUnexpectedEOF}, status.Unknown},
		{"context canceled is U", context.Canceled, status.Unknown},
		{"typed nil *Error is U", (*Error)(nil), status.Unknown},
		{"F with its cause is F", &Error{Outcome: status.Failure, Code: status.CodeDeclined, Err: errors.New("card declined")}, status.Failure},
		{"F joined with U is U", errors.Join(fail(status.CodeUnsupportedCurrency), unknown(status.CodeTimeout)), status.Unknown},
		{"U joined with F is U", errors.Join(unknown(status.CodeTimeout), fail(status.CodeDeclined)), status.Unknown},
		{"F and U through %w twice is U", fmt.Errorf("%w; %w", fail(status.CodeDeclined), unknown(status.CodeTimeout)), status.Unknown},
		{"F wrapping a U is U", &Error{Outcome: status.Failure, Code: status.CodeDeclined, Err: unknown(status.CodeTimeout)}, status.Unknown},
		{"F joined with a plain error is U", errors.Join(fail(status.CodeDeclined), errors.New("lost reply")), status.Unknown},
		{"F joined with F is F", errors.Join(fail(status.CodeUnsupportedCurrency), fail(status.CodeRiskRejected)), status.Failure},
		{"F without a code is U", &Error{Outcome: status.Failure}, status.Unknown},
		{"F with code UNKNOWN is U", fail(status.CodeUnknown), status.Unknown},
		{"F with code OK is U", fail(status.CodeOK), status.Unknown},
		{"F with an invalid code is U", fail("NOPE"), status.Unknown},
		{"a join of nils is nil, so S", errors.Join(nil, nil), status.Success},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, OutcomeOf(tt.err))
		})
	}
}

func fail(code status.Code) *Error    { return &Error{Outcome: status.Failure, Code: code} }
func unknown(code status.Code) *Error { return &Error{Outcome: status.Unknown, Code: code} }

// OutcomeOf and CodeOf must agree: F always comes with a meaningful code.
func TestOutcomeAndCodeAgree(t *testing.T) {
	for _, code := range append(status.Codes(), "", "NOPE") {
		for _, outcome := range []status.Outcome{status.Success, status.Failure, status.Unknown, ""} {
			err := &Error{Outcome: outcome, Code: code}
			if OutcomeOf(err) == status.Failure {
				assert.NotEqual(t, status.CodeUnknown, CodeOf(err), "%s/%s", outcome, code)
				assert.Equal(t, code, CodeOf(err))
			}
			assert.Contains(t, err.Error(), "(outcome "+string(OutcomeOf(err))+")")
			assert.Contains(t, err.Error(), ": "+string(CodeOf(err))+" (")
		}
	}
}

func TestCodeOf(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want status.Code
	}{
		{"nil", nil, status.CodeOK},
		{"code", fail(status.CodeIdempotencyConflict), status.CodeIdempotencyConflict},
		{"F joined with U gives the U's code", errors.Join(fail(status.CodeDeclined), unknown(status.CodeRateLimited)), status.CodeRateLimited},
		{"F joined with plain gives UNKNOWN", errors.Join(fail(status.CodeDeclined), errors.New("x")), status.CodeUnknown},
		{"F joined with F gives the first", errors.Join(fail(status.CodeUnsupportedCurrency), fail(status.CodeRiskRejected)), status.CodeUnsupportedCurrency},
		{"wrapped", fmt.Errorf("x: %w", &Error{Outcome: status.Unknown, Code: status.CodeRateLimited}), status.CodeRateLimited},
		{"empty code", &Error{Outcome: status.Unknown}, status.CodeUnknown},
		{"OK on an error", &Error{Outcome: status.Unknown, Code: status.CodeOK}, status.CodeUnknown},
		{"invalid code", &Error{Outcome: status.Failure, Code: "NOPE"}, status.CodeUnknown},
		{"deadline", context.DeadlineExceeded, status.CodeTimeout},
		{"deadline inside an *Error without code", &Error{Outcome: status.Unknown, Err: context.DeadlineExceeded}, status.CodeTimeout},
		{"plain", errors.New("boom"), status.CodeUnknown},
		{"typed nil *Error", (*Error)(nil), status.CodeUnknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, CodeOf(tt.err))
		})
	}
}

func TestErrorMessageAndUnwrap(t *testing.T) {
	cause := &net.OpError{Op: "read", Net: "tcp", Err: io.ErrUnexpectedEOF}
	err := &Error{
		Provider: "waffo", Op: OpCreate, Outcome: status.Unknown, Code: status.CodeTimeout,
		Message:      "the reply was lost after the request was sent; inquire with the same paymentRequestId",
		ProviderCode: "E0001", ProviderMessage: "unknown status", HTTPStatus: 500, Err: cause,
	}
	assert.Equal(t, `paygate: waffo create: TIMEOUT (outcome U): the reply was lost after the request was sent; `+
		`inquire with the same paymentRequestId; provider said E0001 "unknown status"; HTTP 500: read tcp: unexpected EOF`, err.Error())

	var wrapped error = fmt.Errorf("checkout: %w", err)
	assert.True(t, errors.Is(wrapped, io.ErrUnexpectedEOF), "errors.Is reaches the cause")
	var opErr *net.OpError
	assert.True(t, errors.As(wrapped, &opErr), "errors.As reaches the cause")
	var pe *Error
	assert.True(t, errors.As(wrapped, &pe))
	assert.Equal(t, "E0001", pe.ProviderCode)

	invalid := (&InquireRequest{}).Validate()
	assert.Equal(t, "paygate: inquire: INVALID_REQUEST (outcome F): PaymentRequestID: is empty and so is ProviderPaymentID: name the payment by either one", invalid.Error())
	assert.Equal(t, "paygate: call: UNKNOWN (outcome U)", (&Error{}).Error())
	assert.Equal(t, "paygate: call: UNKNOWN (outcome U); provider said \"x\"", (&Error{ProviderMessage: "x"}).Error())
	assert.Equal(t, "paygate: call: UNKNOWN (outcome U); provider said C0001", (&Error{ProviderCode: "C0001"}).Error())
	assert.Equal(t, "paygate: <nil *Error>", (*Error)(nil).Error())
}

// TestErrorRedacts: the provider's text, our message and the cause are printed redacted, since the
// error text reaches loggers that do not redact (the merchant's, the router's) and the CLI.
func TestErrorRedacts(t *testing.T) {
	const visa = "4111111111111111"
	tests := []struct {
		name string
		err  *Error
		want string
	}{
		{"card in the provider's message",
			&Error{ProviderCode: "DECLINED", ProviderMessage: "card " + visa + " declined"},
			`paygate: call: UNKNOWN (outcome U); provider said DECLINED "card ************1111 declined"`},
		{"card with dots and a CVV in the provider's message",
			&Error{ProviderMessage: "card 4111.1111.1111.1111 cvv 918 refused"},
			`paygate: call: UNKNOWN (outcome U); provider said "card ************1111 cvv [REDACTED] refused"`},
		{"JSON in the provider's message",
			&Error{ProviderMessage: `{"cardNumber":"4111_1111_1111_1111","cvv":"918"}`},
			`paygate: call: UNKNOWN (outcome U); provider said "{\"cardNumber\":\"[REDACTED]\",\"cvv\":\"[REDACTED]\"}"`},
		{"card in the provider's code",
			&Error{ProviderCode: visa},
			`paygate: call: UNKNOWN (outcome U); provider said ************1111`},
		{"card in our message",
			&Error{Message: "Antom's answer is about card " + visa},
			`paygate: call: UNKNOWN (outcome U): Antom's answer is about card ************1111`},
		{"secret in the cause",
			&Error{Err: errors.New(`Post "https://api/x?apiKey=k123&n=1": EOF`)},
			`paygate: call: UNKNOWN (outcome U): Post "https://api/x?apiKey=[REDACTED]&n=1": EOF`},
		{"card in a wrapped cause",
			&Error{Err: fmt.Errorf("decode: %w", errors.New("bad pan 4111-1111-1111-1111"))},
			`paygate: call: UNKNOWN (outcome U): decode: bad pan ************1111`},
		{"plain text is kept",
			&Error{Provider: "waffo", Op: OpRefund, Outcome: status.Failure, Code: status.CodeInvalidRequest, Field: "Amount",
				Message: "is 10.50 USD in 2025", ProviderCode: "A0011", ProviderMessage: "order ORDER-20261121-0001 not found"},
			`paygate: waffo refund: INVALID_REQUEST (outcome F): Amount: is 10.50 USD in 2025; provider said A0011 "order ORDER-20261121-0001 not found"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.err.Error()
			assert.Equal(t, tt.want, got)
			assert.NotContains(t, got, "4111")
			// An error around an error is not redacted into something else.
			assert.Equal(t, "outer: "+got, (&Error{Err: fmt.Errorf("outer: %w", tt.err)}).Error()[len("paygate: call: UNKNOWN (outcome U): "):])
		})
	}
}

func TestOpWrite(t *testing.T) {
	writes := map[Op]bool{OpCreate: true, OpCancel: true, OpRefund: true, OpInquire: false, OpInquireRefund: false}
	for op, want := range writes {
		assert.Equal(t, want, op.Write(), op)
	}
}
