package waffo_test

import (
	"context"
	"crypto/rand"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap/zaptest"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/money"
	"github.com/paygate-go/paygate/provider/waffo"
	"github.com/paygate-go/paygate/provider/waffo/waffotest"
	"github.com/paygate-go/paygate/status"
)

// TestSandbox runs the read-only and sandbox-safe checks against Waffo's real sandbox. It is skipped
// unless WAFFO_API_KEY, WAFFO_PRIVATE_KEY, WAFFO_PUBLIC_KEY and WAFFO_MERCHANT_ID are set. Optional:
// WAFFO_BASE_URL (default the sandbox), WAFFO_CURRENCY and WAFFO_AMOUNT (default 10.00 USD),
// WAFFO_NOTIFY_URL. It creates small unpaid orders (one with manual capture) and cancels them; it never
// pays, captures or refunds.
func TestSandbox(t *testing.T) {
	env := map[string]string{}
	var missing []string
	for _, k := range []string{"WAFFO_API_KEY", "WAFFO_PRIVATE_KEY", "WAFFO_PUBLIC_KEY", "WAFFO_MERCHANT_ID"} {
		if env[k] = os.Getenv(k); env[k] == "" {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		t.Skipf("skipped: set %s to run against Waffo's sandbox", strings.Join(missing, ", "))
	}
	sandboxChecks(t, waffo.Config{
		BaseURL: os.Getenv("WAFFO_BASE_URL"), APIKey: env["WAFFO_API_KEY"], MerchantID: env["WAFFO_MERCHANT_ID"],
		PrivateKey: env["WAFFO_PRIVATE_KEY"], WaffoPublicKey: env["WAFFO_PUBLIC_KEY"], Logger: zaptest.NewLogger(t),
	})
}

// TestSandboxChecksAgainstSimulator runs the sandbox checks against waffotest, so they are known to
// pass against a provider that behaves as documented.
func TestSandboxChecksAgainstSimulator(t *testing.T) {
	srv := waffotest.NewServer(waffotest.Config{})
	defer srv.Close()
	sandboxChecks(t, waffo.Config{
		BaseURL: srv.URL, APIKey: srv.APIKey, MerchantID: srv.MerchantID,
		PrivateKey: srv.Keys.MerchantPrivateKey, WaffoPublicKey: srv.Keys.WaffoPublicKey, Logger: zaptest.NewLogger(t),
	})
}

func sandboxChecks(t *testing.T, cfg waffo.Config) {
	gw, err := waffo.New(cfg)
	require.NoError(t, err)
	defer gw.Close()
	currency, value := orElse(os.Getenv("WAFFO_CURRENCY"), "USD"), orElse(os.Getenv("WAFFO_AMOUNT"), "10.00")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	newRequest := func(v string) *paygate.CreateRequest {
		return &paygate.CreateRequest{
			PaymentRequestID: "pg" + strings.ToLower(rand.Text()[:20]), Amount: money.MustParse(v, currency),
			Description: "paygate sandbox check", NotifyURL: orElse(os.Getenv("WAFFO_NOTIFY_URL"), "https://example.com/paygate/waffo"),
			ReturnURL: "https://example.com/paygate/return",
			Customer:  paygate.Customer{ID: "paygate-sandbox", Email: "sandbox@example.com", Terminal: "WEB"},
		}
	}

	req := newRequest(value)
	p, err := gw.Create(ctx, req)
	require.NoError(t, err, "create")
	assert.NotEmpty(t, p.ProviderPaymentID)
	again, err := gw.Create(ctx, req)
	require.NoError(t, err, "the same create again")
	assert.Equal(t, p.ProviderPaymentID, again.ProviderPaymentID, "Waffo dedupes by paymentRequestId")
	changed := *req
	changed.Description = "changed"
	_, err = gw.Create(ctx, &changed)
	assert.Equal(t, status.CodeIdempotencyConflict, paygate.CodeOf(err), "%v", err)

	byID, err := gw.Inquire(ctx, &paygate.InquireRequest{PaymentRequestID: req.PaymentRequestID})
	require.NoError(t, err)
	assert.Equal(t, p.ProviderPaymentID, byID.ProviderPaymentID)
	assert.True(t, byID.Amount.Equal(req.Amount), "amount %s", byID.Amount)
	_, err = gw.Inquire(ctx, &paygate.InquireRequest{PaymentRequestID: "pg-missing-" + strings.ToLower(rand.Text()[:10])})
	assert.Equal(t, status.CodeNotFound, paygate.CodeOf(err), "%v", err)
	_, err = gw.InquireRefund(ctx, &paygate.InquireRefundRequest{RefundRequestID: "pg-missing-" + strings.ToLower(rand.Text()[:10])})
	assert.Equal(t, status.CodeNotFound, paygate.CodeOf(err), "%v", err)

	c, err := gw.Cancel(ctx, &paygate.CancelRequest{PaymentRequestID: req.PaymentRequestID})
	require.NoError(t, err, "cancel")
	assert.Equal(t, status.PaymentCanceled, c.Status)

	// Manual capture: Waffo accepts captureMode manualCapture on a card order; an unpaid one is not
	// capturable (refused before sending) and can still be cancelled.
	manual := newRequest(value)
	manual.CaptureMode, manual.Method = paygate.CaptureManual, paygate.Method{Type: "CREDITCARD"}
	mp, err := gw.Create(ctx, manual)
	require.NoError(t, err, "manual-capture create")
	assert.NotEmpty(t, mp.ProviderPaymentID)
	_, err = gw.Capture(ctx, &paygate.CaptureRequest{CaptureRequestID: "cap-" + manual.PaymentRequestID, PaymentRequestID: manual.PaymentRequestID})
	assert.Equal(t, status.CodeInvalidState, paygate.CodeOf(err), "%v", err)
	assert.Equal(t, status.Failure, paygate.OutcomeOf(err))
	c, err = gw.Cancel(ctx, &paygate.CancelRequest{PaymentRequestID: manual.PaymentRequestID})
	require.NoError(t, err, "cancel of an unpaid manual-capture order")
	assert.Equal(t, status.PaymentCanceled, c.Status)

	if currency == "USD" { // the sandbox's amount triggers
		_, err = gw.Create(ctx, newRequest("9.10"))
		assert.Equal(t, "C0001", providerCode(err))
		assert.Equal(t, status.Failure, paygate.OutcomeOf(err))
		_, err = gw.Create(ctx, newRequest("9.20"))
		assert.Equal(t, "E0001", providerCode(err))
		assert.Equal(t, status.Unknown, paygate.OutcomeOf(err))
	}
}

func providerCode(err error) string {
	if pe, ok := err.(*paygate.Error); ok {
		return pe.ProviderCode
	}
	return ""
}

func orElse(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
