package waffo_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/conformance"
	"github.com/paygate-go/paygate/provider/sim"
	"github.com/paygate-go/paygate/provider/waffo"
	"github.com/paygate-go/paygate/provider/waffo/waffotest"
	"github.com/paygate-go/paygate/status"
)

// capabilities are what Waffo declares (waffo.Capabilities), as the suite reads them, with what the
// simulator can do and the currencies to test (Waffo declares whatever it accepts for the merchant).
func capabilities() conformance.Capabilities {
	caps := conformance.CapabilitiesFrom(waffo.Capabilities())
	caps.Settlements = []sim.Settlement{sim.Pay, sim.Fail, sim.Expire, sim.RequireAction}
	caps.Faults = waffotest.Faults()
	caps.Currencies = []string{"USD", "EUR", "JPY", "KRW", "IDR", "VND", "CLP"}
	return caps
}

// newEnv starts a simulator and an adapter pointed at it.
func newEnv(t *testing.T, opts conformance.Options, cfg waffotest.Config) (*waffo.Gateway, *waffotest.Server) {
	t.Helper()
	if cfg.WebhookSchedule == nil {
		cfg.WebhookSchedule = sim.Compress(waffotest.WebhookSchedule(), 100_000) // 0.3 ms … 288 ms
	}
	srv := waffotest.NewServer(cfg)
	t.Cleanup(srv.Close)
	gw, err := waffo.New(waffo.Config{
		BaseURL: srv.URL, APIKey: srv.APIKey, MerchantID: srv.MerchantID,
		PrivateKey: srv.Keys.MerchantPrivateKey, WaffoPublicKey: srv.Keys.WaffoPublicKey,
		Logger: opts.Logger,
	})
	require.NoError(t, err)
	t.Cleanup(gw.Close)
	return gw, srv
}

var harness = conformance.HarnessFunc(func(t *testing.T, opts conformance.Options) *conformance.Env {
	gw, srv := newEnv(t, opts, waffotest.Config{})
	return &conformance.Env{
		Gateway: gw,
		Sim:     srv,
		Caps:    capabilities(),
		FaultCodes: []conformance.FaultCode{
			{Op: paygate.OpCreate, ProviderCode: "C0005", Outcome: status.Failure, Code: status.CodeDeclined},
			{Op: paygate.OpCreate, ProviderCode: "C0001", Outcome: status.Failure, Code: status.CodeUnavailable},
			{Op: paygate.OpCreate, ProviderCode: "E0001", Outcome: status.Unknown, Code: status.CodeUnknown},
			{Op: paygate.OpCreate, ProviderCode: "D0001", Outcome: status.Failure, Code: status.CodeRiskRejected},
			{Op: paygate.OpRefund, ProviderCode: "A0014", Outcome: status.Failure, Code: status.CodeRefundNotAllowed},
			{Op: paygate.OpRefund, ProviderCode: "E0001", Outcome: status.Unknown, Code: status.CodeUnknown},
			{Op: paygate.OpCapture, ProviderCode: "E0001", Outcome: status.Unknown, Code: status.CodeUnknown},
			{Op: paygate.OpCapture, ProviderCode: "A0013", Outcome: status.Failure, Code: status.CodeInvalidState},
			{Op: paygate.OpCancel, ProviderCode: "E0001", Outcome: status.Unknown, Code: status.CodeUnknown},
			{Op: paygate.OpInquire, ProviderCode: "C0001", Outcome: status.Failure, Code: status.CodeUnavailable},
		},
		Secrets:        []string{srv.APIKey, srv.Keys.MerchantPrivateKey, srv.Keys.WaffoPrivateKey},
		WebhookHandler: gw.WebhookHandler,
		WebhookAcked:   waffo.WebhookAcked,
	}
})

func TestConformance(t *testing.T) { conformance.Run(t, harness) }
