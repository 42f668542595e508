package vai247_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/conformance"
	"github.com/paygate-go/paygate/provider/sim"
	"github.com/paygate-go/paygate/provider/vai247"
	"github.com/paygate-go/paygate/provider/vai247/vai247test"
	"github.com/paygate-go/paygate/status"
)

// harness gives every conformance case a fresh simulator on a manual clock (shared with the adapter,
// so the suite can move time and expire orphans) and an adapter with the later refund signing on:
// without it VAI247 refunds carry no idempotency key and cannot be resent (see TestRefundWithoutSigning).
var harness = conformance.HarnessFunc(func(t *testing.T, opts conformance.Options) *conformance.Env {
	srv, gw := newPair(t, vai247.Config{RefundSigning: true, Logger: opts.Logger}, vai247test.Config{RefundSigning: true})
	return &conformance.Env{
		Gateway: gw,
		Sim:     srv,
		Caps:    capabilities(),
		FaultCodes: []conformance.FaultCode{
			{Op: paygate.OpCreate, ProviderCode: "invalid_request", Outcome: status.Failure, Code: status.CodeInvalidRequest},
			{Op: paygate.OpCreate, ProviderCode: "unsupported_currency", Outcome: status.Failure, Code: status.CodeUnsupportedCurrency},
			{Op: paygate.OpCreate, ProviderCode: "account_suspended", Outcome: status.Failure, Code: status.CodePermissionDenied},
			{Op: paygate.OpCreate, ProviderCode: "unauthorized", Outcome: status.Failure, Code: status.CodeAuthentication},
			{Op: paygate.OpCreate, ProviderCode: "internal_error", Outcome: status.Unknown, Code: status.CodeProviderError},
			{Op: paygate.OpCreate, ProviderCode: "service_unavailable", Outcome: status.Unknown, Code: status.CodeUnavailable},
			{Op: paygate.OpCreate, ProviderCode: "rate_limit_exceeded", Outcome: status.Unknown, Code: status.CodeRateLimited},
			{Op: paygate.OpInquire, ProviderCode: "order_not_found", Outcome: status.Failure, Code: status.CodeNotFound},
			{Op: paygate.OpInquire, ProviderCode: "internal_error", Outcome: status.Unknown, Code: status.CodeProviderError},
			{Op: paygate.OpCancel, ProviderCode: "invalid_order_state", Outcome: status.Failure, Code: status.CodeInvalidState},
			{Op: paygate.OpCancel, ProviderCode: "service_unavailable", Outcome: status.Unknown, Code: status.CodeUnavailable},
			{Op: paygate.OpRefund, ProviderCode: "refund_amount_exceeded", Outcome: status.Failure, Code: status.CodeRefundNotAllowed},
			{Op: paygate.OpRefund, ProviderCode: "insufficient_funds", Outcome: status.Failure, Code: status.CodeInsufficientFunds},
			{Op: paygate.OpRefund, ProviderCode: "idempotency_conflict", Outcome: status.Failure, Code: status.CodeIdempotencyConflict},
			{Op: paygate.OpRefund, ProviderCode: "internal_error", Outcome: status.Unknown, Code: status.CodeProviderError},
		},
		Secrets:        []string{srv.APIKey, srv.APISecret, srv.WebhookSecret},
		WebhookHandler: gw.WebhookHandler,
		WebhookAcked:   vai247.WebhookAcked,
	}
})

func TestConformance(t *testing.T) { conformance.Run(t, harness) }

// capabilities are what VAI247 declares (vai247.Capabilities: no refund inquiry, no idempotent create
// — see vai247.Orphan —, orders found by VAI247's id only), as the suite reads them, with what the
// simulator can do. RefundSigning changes only whether refunds are deduped, which the suite does not
// read from Caps.
func capabilities() conformance.Capabilities {
	caps := conformance.CapabilitiesFrom(vai247.Capabilities())
	// Fail is not listed: VAI247's failed is not final (the customer may try again), so the adapter
	// reports it Pending, not the final FAILED the suite's Fail case expects. RequireAction is not a
	// VAI247 move.
	caps.Settlements = []sim.Settlement{sim.Pay, sim.Expire}
	// CorruptSignature is not listed: VAI247 does not sign its responses.
	caps.Faults = []sim.FaultKind{
		sim.DropBeforeProcessing, sim.LoseReply, sim.DelayReply, sim.ReplyStatus, sim.ReplyCode, sim.CorruptBody,
	}
	return caps
}

// newPair starts a simulator on a manual clock with a fast webhook schedule and returns it with an
// adapter pointed at it; credentials and the clock are filled in from the simulator.
func newPair(t *testing.T, cfg vai247.Config, scfg vai247test.Config) (*vai247test.Server, *vai247.Gateway) {
	t.Helper()
	clock := sim.NewManualClock(time.Now())
	scfg.Clock = clock
	if scfg.WebhookSchedule == nil {
		scfg.WebhookSchedule = sim.Compress(vai247test.WebhookSchedule(), 1_000_000) // 60 µs … 21.6 ms
	}
	srv := vai247test.NewServer(scfg)
	t.Cleanup(srv.Close)
	cfg.BaseURL, cfg.AppID, cfg.APIKey, cfg.StoreID = srv.URL, srv.AppID, srv.APIKey, srv.StoreID
	if cfg.APISecret == "" {
		cfg.APISecret = srv.APISecret
	}
	if cfg.WebhookSecret == "" {
		cfg.WebhookSecret = srv.WebhookSecret
	}
	if cfg.Now == nil {
		cfg.Now = clock.Now
	}
	gw, err := vai247.New(cfg)
	require.NoError(t, err)
	t.Cleanup(gw.CloseIdleConnections)
	return srv, gw
}
