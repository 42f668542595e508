package stripe_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/conformance"
	"github.com/paygate-go/paygate/provider/sim"
	"github.com/paygate-go/paygate/provider/stripe"
	"github.com/paygate-go/paygate/provider/stripe/stripetest"
	"github.com/paygate-go/paygate/status"
)

// harness gives every conformance case a fresh stripetest on a manual clock (shared with the adapter,
// so webhook timestamps and the search lag follow it) with a real search lag: the suite inquires by
// Stripe's id where the lookup by request id lags, and checks that the lookup catches up.
var harness = conformance.HarnessFunc(func(t *testing.T, opts conformance.Options) *conformance.Env {
	srv, gw := newPair(t, stripe.Config{Logger: opts.Logger}, stripetest.Config{SearchLag: 2 * time.Second})
	return &conformance.Env{
		Gateway: gw,
		Sim:     srv,
		Caps:    capabilities(),
		// Each code with the HTTP status and type stripetest.Codes answers it with (sourced there). The
		// adapter keeps a card error's decline_code as the provider code (card_declined/generic_decline
		// is generic_decline), else the code, else the type (api_error). A 500 api_error is saved under
		// the Idempotency-Key and replayed to every resend (stripetest.Codes, from Stripe's docs).
		FaultCodes: []conformance.FaultCode{
			{Op: paygate.OpCreate, ProviderCode: "generic_decline", Outcome: status.Failure, Code: status.CodeDeclined},
			{Op: paygate.OpCreate, ProviderCode: "insufficient_funds", Outcome: status.Failure, Code: status.CodeInsufficientFunds},
			{Op: paygate.OpCreate, ProviderCode: "fraudulent", Outcome: status.Failure, Code: status.CodeRiskRejected},
			{Op: paygate.OpCreate, ProviderCode: "expired_card", Outcome: status.Failure, Code: status.CodeDeclined},
			{Op: paygate.OpCreate, ProviderCode: "amount_too_large", Outcome: status.Failure, Code: status.CodeLimitExceeded},
			{Op: paygate.OpCreate, ProviderCode: "amount_too_small", Outcome: status.Failure, Code: status.CodeInvalidRequest},
			{Op: paygate.OpCreate, ProviderCode: "api_key_expired", Outcome: status.Failure, Code: status.CodeAuthentication},
			{Op: paygate.OpCreate, ProviderCode: "idempotency_key_in_use", Outcome: status.Unknown, Code: status.CodeInProgress},
			{Op: paygate.OpCreate, ProviderCode: "rate_limit", Outcome: status.Unknown, Code: status.CodeRateLimited},
			{Op: paygate.OpCreate, ProviderCode: "lock_timeout", Outcome: status.Unknown, Code: status.CodeRateLimited},
			{Op: paygate.OpCreate, ProviderCode: "api_error", Outcome: status.Unknown, Code: status.CodeProviderError, Replayed: true},
			{Op: paygate.OpInquire, ProviderCode: "resource_missing", Outcome: status.Failure, Code: status.CodeNotFound},
			{Op: paygate.OpInquire, ProviderCode: "api_error", Outcome: status.Unknown, Code: status.CodeProviderError},
			{Op: paygate.OpCapture, ProviderCode: "payment_intent_unexpected_state", Outcome: status.Failure, Code: status.CodeInvalidState},
			{Op: paygate.OpCapture, ProviderCode: "api_error", Outcome: status.Unknown, Code: status.CodeProviderError, Replayed: true},
			{Op: paygate.OpCancel, ProviderCode: "payment_intent_unexpected_state", Outcome: status.Failure, Code: status.CodeInvalidState},
			{Op: paygate.OpCancel, ProviderCode: "api_error", Outcome: status.Unknown, Code: status.CodeProviderError, Replayed: true},
			{Op: paygate.OpRefund, ProviderCode: "charge_already_refunded", Outcome: status.Failure, Code: status.CodeRefundNotAllowed},
			{Op: paygate.OpRefund, ProviderCode: "api_error", Outcome: status.Unknown, Code: status.CodeProviderError, Replayed: true},
			{Op: paygate.OpInquireRefund, ProviderCode: "resource_missing", Outcome: status.Failure, Code: status.CodeNotFound},
		},
		Secrets:        []string{srv.SecretKey, srv.WebhookSecret},
		WebhookHandler: gw.WebhookHandler,
		WebhookAcked:   stripe.WebhookAcked,
	}
})

func TestConformance(t *testing.T) { conformance.Run(t, harness) }

// capabilities are what the adapter declares (stripe.Capabilities), as the suite reads them, with
// what the simulator can do and the currencies to test: Stripe's currencies depend on the account, so
// the declaration names none; these cover two-decimal, zero-decimal (JPY, KRW) and IDR.
func capabilities() conformance.Capabilities {
	caps := conformance.CapabilitiesFrom(stripe.Capabilities())
	// Fail is not listed: a declined confirmation leaves the intent requires_payment_method, where
	// the customer may try another method (Stripe has no failed intent), not the final FAILED the
	// suite's Fail case expects.
	caps.Settlements = []sim.Settlement{sim.Pay, sim.Expire, sim.RequireAction}
	caps.Faults = stripetest.Faults()
	caps.Currencies = []string{"USD", "EUR", "JPY", "KRW", "IDR"}
	return caps
}

// newPair starts a simulator on a manual clock with a fast webhook schedule and returns it with an
// adapter pointed at it, sharing the clock.
func newPair(t *testing.T, cfg stripe.Config, scfg stripetest.Config) (*stripetest.Server, *stripe.Gateway) {
	t.Helper()
	clock := sim.NewManualClock(time.Now())
	scfg.Clock = clock
	if scfg.WebhookSchedule == nil {
		scfg.WebhookSchedule = sim.Compress(stripetest.WebhookSchedule(), 1_000_000)
	}
	srv := stripetest.NewServer(scfg)
	t.Cleanup(srv.Close)
	cfg.BaseURL, cfg.SecretKey, cfg.WebhookSecret = srv.URL, srv.SecretKey, srv.WebhookSecret
	if cfg.Now == nil {
		cfg.Now = clock.Now
	}
	gw, err := stripe.New(cfg)
	require.NoError(t, err)
	t.Cleanup(gw.Close)
	return srv, gw
}
