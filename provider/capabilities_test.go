package provider_test

import (
	"testing"

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
