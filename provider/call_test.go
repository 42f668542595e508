package provider_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/money"
	"github.com/paygate-go/paygate/provider"
	"github.com/paygate-go/paygate/status"
)

func testCalls(t *testing.T) (provider.Calls, *observer.ObservedLogs) {
	t.Helper()
	core, logs := observer.New(zapcore.DebugLevel)
	return provider.Calls{
		Provider: "acme", Log: zap.New(core).With(zap.String("provider", "acme")),
		Ops:        []paygate.Op{paygate.OpCreate, paygate.OpInquire, paygate.OpCancel, paygate.OpRefund},
		NotOffered: map[paygate.Op]string{paygate.OpInquireRefund: "acme has no refund inquiry: watch its webhooks"},
	}, logs
}

func never[R any](t *testing.T) func(context.Context, *provider.Call, R) (*paygate.Payment, error) {
	return func(context.Context, *provider.Call, R) (*paygate.Payment, error) {
		t.Error("the translation ran")
		return nil, nil
	}
}

// An invalid request is F INVALID_REQUEST naming the provider and the field, and never reaches the
// translation; the call is still logged once, at Debug, without ids.
func TestRunRefusesAnInvalidRequest(t *testing.T) {
	cs, logs := testCalls(t)
	_, err := provider.Run(context.Background(), cs, &paygate.InquireRequest{}, never[*paygate.InquireRequest](t))
	var pe *paygate.Error
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, status.Failure, pe.Outcome)
	assert.Equal(t, status.CodeInvalidRequest, pe.Code)
	assert.Equal(t, "acme", pe.Provider)
	assert.Equal(t, paygate.OpInquire, pe.Op)
	assert.Equal(t, "PaymentRequestID", pe.Field)

	_, err = provider.Run(context.Background(), cs, (*paygate.CreateRequest)(nil), never[*paygate.CreateRequest](t))
	assert.Equal(t, status.CodeInvalidRequest, paygate.CodeOf(err), "a nil request")

	require.Equal(t, 2, logs.Len())
	e := logs.All()[0]
	assert.Equal(t, zapcore.DebugLevel, e.Level)
	assert.Equal(t, map[string]any{"provider": "acme", "op": "inquire", "outcome": "F", "code": "INVALID_REQUEST", "field": "PaymentRequestID"}, e.ContextMap())
}

// An operation missing from Calls.Ops is F NOT_SUPPORTED, after validation and before the
// translation, with the adapter's advice.
func TestRunRefusesAnOperationNotOffered(t *testing.T) {
	cs, _ := testCalls(t)
	tr := func(context.Context, *provider.Call, *paygate.InquireRefundRequest) (*paygate.Refund, error) {
		t.Error("the translation ran")
		return nil, nil
	}
	_, err := provider.Run(context.Background(), cs, &paygate.InquireRefundRequest{RefundRequestID: "r1"}, tr)
	var pe *paygate.Error
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, status.Failure, pe.Outcome)
	assert.Equal(t, status.CodeNotSupported, pe.Code)
	assert.Equal(t, "acme", pe.Provider)
	assert.Equal(t, paygate.OpInquireRefund, pe.Op)
	assert.Contains(t, pe.Message, "watch its webhooks")

	_, err = provider.Run(context.Background(), cs, &paygate.InquireRefundRequest{}, tr)
	assert.Equal(t, status.CodeInvalidRequest, paygate.CodeOf(err), "validation comes first")

	cs.NotOffered = nil
	_, err = provider.Run(context.Background(), cs, &paygate.InquireRefundRequest{RefundRequestID: "r1"}, tr)
	require.ErrorAs(t, err, &pe)
	assert.Contains(t, pe.Message, "acme does not offer inquire_refund")
}

// A valid call gets its op and ids, and its one Debug entry carries op, ids, outcome, codes and the
// translation's notes; success and failure are logged alike.
func TestRunNamesIDsAndLogsOnce(t *testing.T) {
	cs, logs := testCalls(t)
	req := &paygate.RefundRequest{RefundRequestID: "r1", ProviderPaymentID: "x1", Amount: money.MustParse("1.00", "USD")}
	_, err := provider.Run(context.Background(), cs, req, func(_ context.Context, c *provider.Call, got *paygate.RefundRequest) (*paygate.Refund, error) {
		assert.Same(t, req, got)
		assert.Equal(t, paygate.OpRefund, c.Op)
		assert.Len(t, c.IDs, 2)
		c.Note(zap.Int("http_status", 500))
		return nil, &paygate.Error{Provider: "acme", Op: c.Op, Outcome: status.Unknown, Code: status.CodeUnavailable, ProviderCode: "E9"}
	})
	require.Error(t, err)
	_, err = provider.Run(context.Background(), cs, &paygate.CreateRequest{PaymentRequestID: "p1", Amount: money.MustParse("1.00", "USD")},
		func(context.Context, *provider.Call, *paygate.CreateRequest) (*paygate.Payment, error) {
			return &paygate.Payment{}, nil
		})
	require.NoError(t, err)

	all := logs.All()
	require.Len(t, all, 2)
	for _, e := range all {
		assert.Equal(t, zapcore.DebugLevel, e.Level)
		assert.Equal(t, "call", e.Message)
	}
	assert.Equal(t, map[string]any{"provider": "acme", "op": "refund", "provider_payment_id": "x1", "refund_request_id": "r1",
		"outcome": "U", "code": "UNAVAILABLE", "provider_code": "E9", "http_status": int64(500)}, all[0].ContextMap())
	assert.Equal(t, map[string]any{"provider": "acme", "op": "create", "payment_request_id": "p1", "outcome": "S", "code": "OK"}, all[1].ContextMap())

	cs.Log = nil // logs nothing, and does not fail
	_, err = provider.Run(context.Background(), cs, &paygate.InquireRequest{ProviderPaymentID: "x1"},
		func(context.Context, *provider.Call, *paygate.InquireRequest) (*paygate.Payment, error) {
			return nil, errors.New("boom")
		})
	assert.EqualError(t, err, "boom")
}
