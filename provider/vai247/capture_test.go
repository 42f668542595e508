package vai247_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/provider/sim"
	"github.com/paygate-go/paygate/provider/vai247"
	"github.com/paygate-go/paygate/provider/vai247/vai247test"
	"github.com/paygate-go/paygate/retry"
	"github.com/paygate-go/paygate/status"
)

// VAI247 documents no authorization hold and no capture call (shared/providers/vai247.md: the order
// goes pending → processing → paid; create, inquire, cancel and refund are its only calls), so the
// adapter declares none, and Capture and a manual-capture create are F NOT_SUPPORTED before anything
// reaches the provider.
func TestCaptureNotOffered(t *testing.T) {
	decl := vai247.Capabilities()
	assert.False(t, decl.Offers(paygate.OpCapture))
	assert.False(t, decl.Captures(paygate.CaptureManual))
	assert.True(t, decl.Captures(paygate.CaptureAutomatic))
	assert.False(t, decl.PartialCapture || decl.Void)
	assert.Zero(t, decl.AuthorizationHold)
	assert.NotContains(t, decl.Idempotency, paygate.OpCapture, "nothing to declare about resending what is never sent")
	assert.Contains(t, decl.Doc.Capture, "NOT_SUPPORTED")

	srv, gw := newPair(t, vai247.Config{}, vai247test.Config{})
	for _, g := range []struct {
		name string
		gw   paygate.Gateway
	}{{"raw", gw}, {"wrapped", retry.Wrap(gw, retry.Policy{})}} {
		t.Run(g.name, func(t *testing.T) {
			_, err := g.gw.Capture(ctx, &paygate.CaptureRequest{CaptureRequestID: "cap-1", ProviderPaymentID: "ord_1"})
			pe := requireF(t, err, status.CodeNotSupported)
			assert.Equal(t, paygate.OpCapture, pe.Op)
			assert.Contains(t, pe.Message, "create the payment with automatic capture", "says what to do")

			_, err = g.gw.Create(ctx, &paygate.CreateRequest{PaymentRequestID: "p-manual", Amount: usd("10.00"), CaptureMode: paygate.CaptureManual})
			pe = requireF(t, err, status.CodeNotSupported)
			assert.Equal(t, paygate.OpCreate, pe.Op)
			assert.Contains(t, pe.Message, "manual capture")
		})
	}
	assert.Zero(t, srv.Ledger().TotalRequests(), "nothing reached VAI247")
	assert.Empty(t, srv.Ledger().AllOrders())

	// an invalid capture is still INVALID_REQUEST: validation comes first
	_, err := gw.Capture(ctx, &paygate.CaptureRequest{ProviderPaymentID: "ord_1"})
	requireF(t, err, status.CodeInvalidRequest)
}

// A paid order's money was taken when it was paid: Captured is the whole Amount, in the create answer,
// the inquiry and the webhook alike; before that nothing is captured.
func TestCapturedWhenPaid(t *testing.T) {
	srv, gw := newPair(t, vai247.Config{}, vai247test.Config{})
	p, err := gw.Create(ctx, &paygate.CreateRequest{PaymentRequestID: "p-cap", Amount: usd("12.34")})
	require.NoError(t, err)
	assert.True(t, p.Captured.IsZero())
	require.NoError(t, srv.Settle(ctx, "p-cap", sim.Pay))
	got, err := gw.Inquire(ctx, &paygate.InquireRequest{ProviderPaymentID: p.ProviderPaymentID})
	require.NoError(t, err)
	assert.Equal(t, status.PaymentSucceeded, got.Status)
	assert.Equal(t, "12.34 USD", got.Captured.String())
	assert.Empty(t, srv.Ledger().AllCaptures(), "no capture call exists; the simulator records none")
}

func requireF(t *testing.T, err error, code status.Code) *paygate.Error {
	t.Helper()
	var pe *paygate.Error
	require.ErrorAs(t, err, &pe)
	require.Equal(t, status.Failure, paygate.OutcomeOf(err), "%v", err)
	require.Equal(t, code, paygate.CodeOf(err), "%v", err)
	return pe
}
