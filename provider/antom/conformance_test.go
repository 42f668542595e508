package antom_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/conformance"
	"github.com/paygate-go/paygate/provider/antom"
	"github.com/paygate-go/paygate/provider/antom/antomtest"
	"github.com/paygate-go/paygate/provider/sim"
	"github.com/paygate-go/paygate/status"
)

var _ conformance.Simulator = (*antomtest.Server)(nil)

// capabilities are what Antom declares (antom.Capabilities, its currencies included), as the
// conformance suite reads them, with what the simulator can do.
func capabilities() conformance.Capabilities {
	caps := conformance.CapabilitiesFrom(antom.Capabilities())
	caps.Settlements = []sim.Settlement{sim.Pay, sim.Fail, sim.Expire, sim.RequireAction}
	caps.Faults = []sim.FaultKind{
		sim.DropBeforeProcessing, sim.LoseReply, sim.DelayReply, sim.ReplyStatus,
		sim.ReplyCode, sim.CorruptBody, sim.CorruptSignature,
	}
	return caps
}

// harness gives each case a fresh simulator on the live paths and an adapter pointed at it.
func harness(sandbox bool) conformance.HarnessFunc {
	return func(t *testing.T, opts conformance.Options) *conformance.Env {
		srv := antomtest.NewServer(antomtest.Config{WebhookSchedule: sim.Compress(antomtest.WebhookSchedule(), 1_000_000)})
		t.Cleanup(srv.Close)
		gw, err := antom.New(antom.Config{
			BaseURL: srv.URL, ClientID: srv.ClientID, PrivateKey: srv.MerchantPrivateKey, AntomPublicKey: srv.AntomPublicKey,
			PaymentMethodType: "ALIPAY_CN", Logger: opts.Logger, Sandbox: sandbox,
		})
		require.NoError(t, err)
		t.Cleanup(gw.Close)
		caps := capabilities()
		if sandbox {
			caps.Webhooks = false // Antom's sandbox never retries a notification; the webhook case needs a retry
		}
		return &conformance.Env{
			Gateway: gw,
			Sim:     srv,
			Caps:    caps,
			FaultCodes: []conformance.FaultCode{
				{Op: paygate.OpCreate, ProviderCode: "RISK_REJECT", Outcome: status.Failure, Code: status.CodeRiskRejected},
				{Op: paygate.OpCreate, ProviderCode: "USER_BALANCE_NOT_ENOUGH", Outcome: status.Failure, Code: status.CodeInsufficientFunds},
				{Op: paygate.OpCreate, ProviderCode: "UNKNOWN_EXCEPTION", Outcome: status.Unknown, Code: status.CodeUnknown},
				{Op: paygate.OpCreate, ProviderCode: "REQUEST_TRAFFIC_EXCEED_LIMIT", Outcome: status.Unknown, Code: status.CodeRateLimited},
				{Op: paygate.OpCreate, ProviderCode: "PAYMENT_IN_PROCESS", Outcome: status.Unknown, Code: status.CodeInProgress},
				{Op: paygate.OpInquire, ProviderCode: "UNKNOWN_EXCEPTION", Outcome: status.Unknown, Code: status.CodeUnknown},
				{Op: paygate.OpCancel, ProviderCode: "CANCEL_WINDOW_EXCEED", Outcome: status.Failure, Code: status.CodeCancelWindowExceeded},
				{Op: paygate.OpCancel, ProviderCode: "UNKNOWN_EXCEPTION", Outcome: status.Unknown, Code: status.CodeUnknown},
				{Op: paygate.OpRefund, ProviderCode: "REFUND_AMOUNT_EXCEED", Outcome: status.Failure, Code: status.CodeRefundNotAllowed},
				{Op: paygate.OpRefund, ProviderCode: "REFUND_IN_PROCESS", Outcome: status.Unknown, Code: status.CodeInProgress},
				{Op: paygate.OpInquireRefund, ProviderCode: "ORDER_NOT_EXIST", Outcome: status.Failure, Code: status.CodeNotFound},
				{Op: paygate.OpCapture, ProviderCode: "UNKNOWN_EXCEPTION", Outcome: status.Unknown, Code: status.CodeUnknown},
				{Op: paygate.OpCapture, ProviderCode: "CAPTURE_IN_PROCESS", Outcome: status.Unknown, Code: status.CodeInProgress},
				{Op: paygate.OpCapture, ProviderCode: "CAPTURE_AMOUNT_EXCEED_AUTH_LIMIT", Outcome: status.Failure, Code: status.CodeLimitExceeded},
			},
			Secrets:        []string{srv.MerchantPrivateKey},
			WebhookHandler: gw.WebhookHandler,
			WebhookAcked:   antom.WebhookAcked,
		}
	}
}

func TestConformance(t *testing.T) { conformance.Run(t, harness(false)) }

// The sandbox paths pass the same suite (without the webhook retry case, which Antom's sandbox does
// not do).
func TestConformanceSandbox(t *testing.T) { conformance.Run(t, harness(true)) }
