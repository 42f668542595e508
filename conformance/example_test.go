package conformance_test

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

// An adapter plugs into the suite from its own tests: TestConformance runs Run with a harness that
// starts a fresh simulator and an adapter pointed at it, and describes them. This is the package
// doc's example, compiled (not run: provider/waffo's own TestConformance runs the full harness).
func Example() {
	TestConformance := func(t *testing.T) {
		conformance.Run(t, conformance.HarnessFunc(func(t *testing.T, opts conformance.Options) *conformance.Env {
			srv := waffotest.NewServer(waffotest.Config{WebhookSchedule: sim.Compress(waffotest.WebhookSchedule(), 100_000)})
			t.Cleanup(srv.Close)
			gw, err := waffo.New(waffo.Config{
				BaseURL: srv.URL, APIKey: srv.APIKey, MerchantID: srv.MerchantID,
				PrivateKey: srv.Keys.MerchantPrivateKey, WaffoPublicKey: srv.Keys.WaffoPublicKey,
				Logger: opts.Logger,
			})
			require.NoError(t, err)
			t.Cleanup(gw.Close)
			caps := conformance.CapabilitiesFrom(waffo.Capabilities()) // what the adapter declares
			caps.Settlements = []sim.Settlement{sim.Pay, sim.Fail, sim.Expire, sim.RequireAction}
			caps.Faults = waffotest.Faults()                       // what the simulator can inject
			caps.Currencies = []string{"USD", "JPY", "IDR", "VND"} // Waffo declares "any it accepts"
			return &conformance.Env{
				Gateway: gw,
				Sim:     srv, // Settle, Inject, Ledger, Webhooks
				Caps:    caps,
				FaultCodes: []conformance.FaultCode{
					{Op: paygate.OpCreate, ProviderCode: "C0005", Outcome: status.Failure, Code: status.CodeDeclined},
					{Op: paygate.OpCreate, ProviderCode: "E0001", Outcome: status.Unknown, Code: status.CodeUnknown},
				},
				Secrets:        []string{srv.APIKey, srv.Keys.MerchantPrivateKey, srv.Keys.WaffoPrivateKey},
				WebhookHandler: gw.WebhookHandler,
				WebhookAcked:   waffo.WebhookAcked,
			}
		}))
	}
	_ = TestConformance
}
