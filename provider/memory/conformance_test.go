package memory_test

import (
	"crypto/rand"
	"testing"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/conformance"
	"github.com/paygate-go/paygate/provider/memory"
	"github.com/paygate-go/paygate/provider/sim"
	"github.com/paygate-go/paygate/status"
)

// harness gives every conformance case a fresh memory Gateway with a fast webhook schedule.
var harness = conformance.HarnessFunc(func(t *testing.T, opts conformance.Options) *conformance.Env {
	secret := "whsec_" + rand.Text()
	g := memory.New(memory.Config{
		Logger:          opts.Logger,
		WebhookSecret:   secret,
		WebhookSchedule: sim.Compress(memory.DefaultWebhookSchedule(), 10_000), // 0.5 ms … 360 ms
	})
	t.Cleanup(g.Close)
	return &conformance.Env{
		Gateway: g,
		Sim:     g,
		Caps:    capabilities(),
		FaultCodes: []conformance.FaultCode{
			{Op: paygate.OpCreate, ProviderCode: "DECLINED", Outcome: status.Failure, Code: status.CodeDeclined},
			{Op: paygate.OpCreate, ProviderCode: "UNKNOWN", Outcome: status.Unknown, Code: status.CodeUnknown},
			{Op: paygate.OpCreate, ProviderCode: "RATE_LIMITED", Outcome: status.Unknown, Code: status.CodeRateLimited},
			{Op: paygate.OpRefund, ProviderCode: "REFUND_NOT_ALLOWED", Outcome: status.Failure, Code: status.CodeRefundNotAllowed},
			{Op: paygate.OpCancel, ProviderCode: "UNAVAILABLE", Outcome: status.Unknown, Code: status.CodeUnavailable},
			{Op: paygate.OpCapture, ProviderCode: "INVALID_STATE", Outcome: status.Failure, Code: status.CodeInvalidState},
			{Op: paygate.OpCapture, ProviderCode: "RATE_LIMITED", Outcome: status.Unknown, Code: status.CodeRateLimited},
		},
		Secrets:        []string{secret},
		WebhookHandler: g.WebhookHandler,
		WebhookAcked:   memory.WebhookAcked,
	}
})

func TestConformance(t *testing.T) { conformance.Run(t, harness) }

// capabilities are what the memory provider declares (memory.Capabilities), as the suite reads them,
// with what its simulator controls can do and the currencies to test (it declares every ISO 4217
// currency).
func capabilities() conformance.Capabilities {
	caps := conformance.CapabilitiesFrom(memory.Capabilities())
	caps.Settlements = []sim.Settlement{sim.Pay, sim.Fail, sim.Expire, sim.RequireAction}
	caps.Faults = []sim.FaultKind{
		sim.DropBeforeProcessing, sim.LoseReply, sim.DelayReply, sim.ReplyStatus,
		sim.ReplyCode, sim.CorruptBody, sim.CorruptSignature,
	}
	caps.Currencies = []string{"USD", "JPY", "KRW", "IDR", "KWD", "EUR"}
	return caps
}
