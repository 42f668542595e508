package provider_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/provider"
	"github.com/paygate-go/paygate/provider/antom"
	"github.com/paygate-go/paygate/provider/memory"
	"github.com/paygate-go/paygate/provider/vai247"
	"github.com/paygate-go/paygate/provider/waffo"
	"github.com/paygate-go/paygate/retry"
)

// Each adapter's Idempotency (what retry.Wrap and the router read) is its declaration, op by op, and
// says what it said before it was derived from the declaration.
func TestIdempotencyIsTheDeclaration(t *testing.T) {
	dedupes := retry.Idempotency{Dedupes: true}
	waffoCancel := retry.Idempotency{ResendSafe: "cancelling an order twice leaves it closed; Waffo answers the second with the closed order or a refusal about its state"}
	vaiCreate := retry.Idempotency{ResendSafe: vai247.Orphan}
	vaiCancel := vai247.Capabilities().Idempotency[paygate.OpCancel]
	assert.NotEmpty(t, vaiCancel.ResendSafe)
	mem := memory.New(memory.Config{})
	t.Cleanup(mem.Close)
	ops := []paygate.Op{paygate.OpCreate, paygate.OpInquire, paygate.OpCancel, paygate.OpRefund, paygate.OpInquireRefund}
	tests := []struct {
		name string
		gw   retry.Declarer
		caps provider.Capabilities
		want []retry.Idempotency // in the order of ops
	}{
		{"waffo", &waffo.Gateway{}, waffo.Capabilities(), []retry.Idempotency{dedupes, dedupes, waffoCancel, dedupes, dedupes}},
		{"antom", &antom.Gateway{}, antom.Capabilities(), []retry.Idempotency{dedupes, dedupes, dedupes, dedupes, dedupes}},
		{"vai247", newVAI247(t, false), vai247.Capabilities(), []retry.Idempotency{vaiCreate, dedupes, vaiCancel, {}, dedupes}},
		{"vai247 with RefundSigning", newVAI247(t, true), provider.Capabilities{}, []retry.Idempotency{vaiCreate, dedupes, vaiCancel, dedupes, dedupes}},
		{"memory", mem, memory.Capabilities(), []retry.Idempotency{dedupes, dedupes, dedupes, dedupes, dedupes}},
	}
	// Capture is checked per adapter by TestCaptureDeclaration; memory's and VAI247's answers here.
	assert.Equal(t, dedupes, mem.Idempotency(paygate.OpCapture), "memory dedupes captures by CaptureRequestID")
	assert.Equal(t, dedupes, memory.Capabilities().IdempotencyOf(paygate.OpCapture))
	assert.Equal(t, retry.Idempotency{}, newVAI247(t, false).Idempotency(paygate.OpCapture), "VAI247 has no capture to resend")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for i, op := range ops {
				assert.Equal(t, tt.want[i], tt.gw.Idempotency(op), op)
				if tt.caps.Ops != nil {
					assert.Equal(t, tt.want[i], tt.caps.IdempotencyOf(op), "declared for %s", op)
				}
			}
		})
	}
}

func newVAI247(t *testing.T, refundSigning bool) *vai247.Gateway {
	t.Helper()
	gw, err := vai247.New(vai247.Config{BaseURL: "http://127.0.0.1:1", AppID: "app", APIKey: "key", APISecret: "secret",
		StoreID: "store", WebhookSecret: "whsec", RefundSigning: refundSigning})
	if err != nil {
		t.Fatal(err)
	}
	return gw
}

// Every adapter's capture declaration is coherent: manual capture and the Capture operation come
// together; partial capture, void and an authorization hold only with them; an offered capture
// declares whether it may be resent (Capabilities.Idempotency[OpCapture]), and the Gateway's
// Idempotency says the same.
func TestCaptureDeclaration(t *testing.T) {
	mem := memory.New(memory.Config{})
	t.Cleanup(mem.Close)
	// VAI247 has no capture and memory has; Waffo and Antom are held to the same rules below whatever
	// they declare.
	assert.False(t, vai247.Capabilities().Offers(paygate.OpCapture))
	assert.True(t, memory.Capabilities().Offers(paygate.OpCapture))
	assert.NotEmpty(t, vai247.Capabilities().Doc.Capture, "the README says why VAI247 has no capture")
	for _, tt := range []struct {
		name string
		gw   retry.Declarer
		caps provider.Capabilities
	}{
		{"waffo", &waffo.Gateway{}, waffo.Capabilities()},
		{"antom", &antom.Gateway{}, antom.Capabilities()},
		{"vai247", newVAI247(t, false), vai247.Capabilities()},
		{"memory", mem, memory.Capabilities()},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.caps
			assert.Equal(t, c.Offers(paygate.OpCapture), c.Captures(paygate.CaptureManual), "manual capture and the Capture operation come together")
			assert.True(t, c.Captures(paygate.CaptureAutomatic), "every adapter takes automatic capture")
			assert.NotContains(t, c.CaptureModes, paygate.CaptureAutomatic, "CaptureModes lists the modes besides automatic")
			if !c.Offers(paygate.OpCapture) {
				assert.False(t, c.PartialCapture, "PartialCapture without capture")
				assert.False(t, c.Void, "Void without capture")
				assert.Zero(t, c.AuthorizationHold, "AuthorizationHold without capture")
				return
			}
			decl, ok := c.Idempotency[paygate.OpCapture]
			assert.True(t, ok, "an offered capture declares whether it may be resent (Capabilities.Idempotency[OpCapture])")
			assert.NotEmpty(t, c.Doc.Capture, "the README's capture cell says how capture works")
			assert.Equal(t, decl, tt.gw.Idempotency(paygate.OpCapture), "the Gateway says what it declares")
			assert.GreaterOrEqual(t, c.AuthorizationHold, time.Duration(0))
		})
	}
}
