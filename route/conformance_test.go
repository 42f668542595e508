package route_test

import (
	"crypto/rand"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/conformance"
	"github.com/paygate-go/paygate/provider/memory"
	"github.com/paygate-go/paygate/provider/sim"
	"github.com/paygate-go/paygate/retry"
	"github.com/paygate-go/paygate/route"
	"github.com/paygate-go/paygate/status"
)

// The router is a Gateway like any adapter: over a single provider, it must pass the same suite, so
// routing and journaling never bend the S/F/U rules.
var harness = conformance.HarnessFunc(func(t *testing.T, opts conformance.Options) *conformance.Env {
	secret := "whsec_" + rand.Text()
	g := memory.New(memory.Config{
		Logger:          opts.Logger,
		WebhookSecret:   secret,
		WebhookSchedule: sim.Compress(memory.DefaultWebhookSchedule(), 10_000),
	})
	t.Cleanup(g.Close)
	r, err := route.New(route.Config{
		Providers: map[string]paygate.Gateway{memory.DefaultName: g},
		Rules:     []route.Rule{{Name: "all", Targets: []route.Target{{Provider: memory.DefaultName}}}},
		Retry:     retry.Policy{MaxAttempts: 1, ResolveFor: -1},
		Breaker:   route.BreakerSettings{Failures: 1 << 20},
		Logger:    opts.Logger,
	})
	require.NoError(t, err)
	// The provider's declaration decides the cases (manual capture and void among them, once the
	// memory provider declares them): the router must keep every promise its provider makes.
	caps := conformance.CapabilitiesFrom(g.Capabilities())
	caps.Settlements = []sim.Settlement{sim.Pay, sim.Fail, sim.Expire, sim.RequireAction}
	caps.Faults = []sim.FaultKind{
		sim.DropBeforeProcessing, sim.LoseReply, sim.DelayReply, sim.ReplyStatus,
		sim.ReplyCode, sim.CorruptBody, sim.CorruptSignature,
	}
	caps.Currencies = []string{"USD", "JPY", "KRW", "IDR", "KWD", "EUR"}
	return &conformance.Env{
		Gateway: r,
		Sim:     g,
		Caps:    caps,
		FaultCodes: []conformance.FaultCode{
			{Op: paygate.OpCreate, ProviderCode: "DECLINED", Outcome: status.Failure, Code: status.CodeDeclined},
			{Op: paygate.OpCreate, ProviderCode: "UNKNOWN", Outcome: status.Unknown, Code: status.CodeUnknown},
			{Op: paygate.OpRefund, ProviderCode: "REFUND_NOT_ALLOWED", Outcome: status.Failure, Code: status.CodeRefundNotAllowed},
			{Op: paygate.OpCancel, ProviderCode: "UNAVAILABLE", Outcome: status.Unknown, Code: status.CodeUnavailable},
		},
		Secrets:        []string{secret},
		WebhookHandler: g.WebhookHandler,
		WebhookAcked:   memory.WebhookAcked,
	}
})

func TestConformance(t *testing.T) { conformance.Run(t, harness) }

var _ = time.Second
