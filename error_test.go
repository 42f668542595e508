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
		{"F error", &Error{Outcome: status.Failure, Code: status.CodeDeclined}, status.Failure},
		{"U error", &Error{Outcome: status.Unknown, Code: status.CodeTimeout}, status.Unknown},
		{"wrapped F", fmt.Errorf("checkout: %w", &Error{Outcome: status.Failure}), status.Failure},
		{"joined F", errors.Join(errors.New("x"), &Error{Outcome: status.Failure}), status.Failure},
		{"missing outcome is U", &Error{Code: status.CodeDeclined}, status.Unknown},
		{"S on an error is U", &Error{Outcome: status.Success}, status.Unknown},
		{"garbage outcome is U", &Error{Outcome: "maybe"}, status.Unknown},
		{"plain error is U", errors.New("boom"), status.Unknown},
		{"network error is U", &net.OpError{Op: "read", Err: io.ErrUnexpectedEOF}, status.Unknown},
		{"context canceled is U", context.Canceled, status.Unknown},
		{"typed nil *Error is U", (*Error)(nil), status.Unknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, OutcomeOf(tt.err))
		})
	}
}

func TestCodeOf(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want status.Code
	}{
		{"nil", nil, status.CodeOK},
		{"code", &Error{Outcome: status.Failure, Code: status.CodeIdempotencyConflict}, status.CodeIdempotencyConflict},
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
}

func TestOpWrite(t *testing.T) {
	writes := map[Op]bool{OpCreate: true, OpCancel: true, OpRefund: true, OpInquire: false, OpInquireRefund: false}
	for op, want := range writes {
		assert.Equal(t, want, op.Write(), op)
	}
}
