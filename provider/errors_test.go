package provider_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/money"
	"github.com/paygate-go/paygate/provider"
	"github.com/paygate-go/paygate/retry"
	"github.com/paygate-go/paygate/status"
)

func TestAnsweredKeepsTheProvidersCodeAndStaysUnknownAfterAnUnsureTry(t *testing.T) {
	resp := &provider.Response{StatusCode: http.StatusConflict, RetryAfter: time.Second}
	e := provider.Answered("acme", paygate.OpCreate, resp, status.Failure, status.CodeIdempotencyConflict, "use a new id", "A0011", "inconsistent")
	assert.Equal(t, &paygate.Error{Provider: "acme", Op: paygate.OpCreate, Outcome: status.Failure, Code: status.CodeIdempotencyConflict,
		Message: "use a new id", ProviderCode: "A0011", ProviderMessage: "inconsistent", HTTPStatus: 409, RetryAfter: time.Second}, e)

	resp.EarlierUnknown = true
	e = provider.Answered("acme", paygate.OpCreate, resp, status.Failure, status.CodeIdempotencyConflict, "use a new id", "A0011", "inconsistent")
	assert.Equal(t, status.Unknown, e.Outcome, "the answer may be about an earlier try that landed")
	assert.Equal(t, "A0011", e.ProviderCode)
}

func TestUnknownCarriesTheAnswersStatusAndCause(t *testing.T) {
	cause := errors.New("bad json")
	e := provider.Unknown("acme", paygate.OpInquire, &provider.Response{StatusCode: 502, RetryAfter: 2 * time.Second}, status.CodeProviderError, "inquire again", cause)
	assert.Equal(t, status.Unknown, e.Outcome)
	assert.Equal(t, 502, e.HTTPStatus)
	assert.Equal(t, 2*time.Second, e.RetryAfter)
	assert.ErrorIs(t, e, cause)
	assert.Zero(t, provider.Unknown("acme", paygate.OpInquire, nil, status.CodeProviderError, "m", nil).HTTPStatus)
}

func TestRefundablePayment(t *testing.T) {
	cs := provider.Calls{Provider: "acme"}
	usd := money.MustParse("5.00", "USD")
	req := &paygate.RefundRequest{RefundRequestID: "r1", PaymentRequestID: "p1", Amount: usd}
	answer := func(p *paygate.Payment, err error) func(context.Context, *paygate.InquireRequest) (*paygate.Payment, error) {
		return func(_ context.Context, got *paygate.InquireRequest) (*paygate.Payment, error) {
			assert.Equal(t, &paygate.InquireRequest{PaymentRequestID: "p1"}, got, "the payment the refund names")
			return p, err
		}
	}

	p, err := cs.RefundablePayment(context.Background(), answer(&paygate.Payment{ProviderPaymentID: "x1", Amount: money.MustParse("9.00", "USD")}, nil), req)
	require.NoError(t, err)
	assert.Equal(t, "x1", p.ProviderPaymentID)

	t.Run("lookup F stays F, on the refund", func(t *testing.T) {
		notFound := &paygate.Error{Provider: "acme", Op: paygate.OpInquire, Outcome: status.Failure, Code: status.CodeNotFound, Message: "no such payment"}
		_, err := cs.RefundablePayment(context.Background(), answer(nil, notFound), req)
		var pe *paygate.Error
		require.ErrorAs(t, err, &pe)
		assert.Equal(t, paygate.OpRefund, pe.Op)
		assert.Equal(t, status.Failure, pe.Outcome)
		assert.Equal(t, status.CodeNotFound, pe.Code)
		assert.Contains(t, pe.Message, "the refund was not sent")
		assert.Contains(t, pe.Message, "no such payment")
		assert.ErrorIs(t, err, notFound)
	})
	t.Run("lookup U stays U, on the refund", func(t *testing.T) {
		lost := &paygate.Error{Provider: "acme", Op: paygate.OpInquire, Outcome: status.Unknown, Code: status.CodeTimeout, Err: context.DeadlineExceeded}
		_, err := cs.RefundablePayment(context.Background(), answer(nil, lost), req)
		assert.Equal(t, status.Unknown, paygate.OutcomeOf(err))
		assert.Equal(t, status.CodeTimeout, paygate.CodeOf(err))
		assert.ErrorIs(t, err, context.DeadlineExceeded)
	})
	t.Run("lookup's not-sent F keeps retry.ErrNotSent", func(t *testing.T) {
		notSent := &paygate.Error{Outcome: status.Failure, Code: status.CodeUnavailable, Err: retry.ErrNotSent}
		_, err := cs.RefundablePayment(context.Background(), answer(nil, notSent), req)
		assert.ErrorIs(t, err, retry.ErrNotSent)
	})
	for name, amount := range map[string]money.Amount{"another currency": money.MustParse("5", "JPY"), "no amount": {}} {
		t.Run(name, func(t *testing.T) {
			_, err := cs.RefundablePayment(context.Background(), answer(&paygate.Payment{Amount: amount}, nil), req)
			var pe *paygate.Error
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, status.Failure, pe.Outcome)
			assert.Equal(t, status.CodeInvalidRequest, pe.Code)
			assert.Equal(t, "Amount", pe.Field)
			assert.Equal(t, "acme", pe.Provider)
			assert.Equal(t, paygate.OpRefund, pe.Op)
		})
	}
}
