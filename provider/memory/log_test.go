package memory_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/provider/memory"
	"github.com/paygate-go/paygate/provider/sim"
)

// Every call logs one Debug entry with its op, ids, outcome and code, and nothing a customer or
// merchant would not want in a log: no description, metadata, customer data or secret.
func TestLogging(t *testing.T) {
	core, logs := observer.New(zapcore.DebugLevel)
	g := memory.New(memory.Config{Logger: zap.New(core), WebhookSecret: "whsec-do-not-log"})
	rcv := newReceiver(t, g)
	ctx := context.Background()

	req := createRequest("pay-1")
	req.Description = "secret-description"
	req.Metadata = map[string]string{"note": "secret-metadata"}
	req.Customer = paygate.Customer{ID: "cust-secret", Email: "secret@example.com", Phone: "+62 812 5550 100", IP: "203.0.113.7", UserAgent: "secret-agent"}
	req.NotifyURL = rcv.url()
	mustCreate(t, g, req)
	g.Inject(sim.Fault{Op: paygate.OpInquire, Kind: sim.ReplyCode, Code: "DECLINED"})
	_, _ = g.Inquire(ctx, &paygate.InquireRequest{PaymentRequestID: "pay-1"})
	require.NoError(t, g.Pay("pay-1"))
	_, err := g.Refund(ctx, &paygate.RefundRequest{RefundRequestID: "ref-1", ProviderPaymentID: "mem_pay_1", Amount: amount("1", "USD"), Reason: "secret-reason"})
	require.NoError(t, err)
	_, _ = g.Cancel(ctx, &paygate.CancelRequest{PaymentRequestID: "pay-1", Reason: "secret-reason"})
	_, _ = g.InquireRefund(ctx, &paygate.InquireRefundRequest{ProviderRefundID: "mem_ref_1"})
	waitWebhooks(t, g)
	g.Close()

	var calls []map[string]any
	for _, e := range logs.All() {
		assert.Equal(t, zapcore.DebugLevel, e.Level, e.Message)
		line := fmt.Sprint(e.Message, e.ContextMap())
		for _, secret := range []string{"secret", "203.0.113.7", "5550", "whsec"} {
			assert.NotContains(t, strings.ToLower(line), secret, "log line %s", line)
		}
		assert.Equal(t, "memory", e.ContextMap()["provider"])
		if e.Message == "call" {
			calls = append(calls, e.ContextMap())
		}
	}
	require.Len(t, calls, 5)
	assert.Equal(t, map[string]any{"provider": "memory", "op": "create", "payment_request_id": "pay-1", "outcome": "S", "code": "OK"}, calls[0])
	assert.Equal(t, map[string]any{"provider": "memory", "op": "inquire", "payment_request_id": "pay-1", "outcome": "F", "code": "DECLINED",
		"fault": "reply-code", "provider_code": "DECLINED"}, calls[1])
	assert.Equal(t, "ref-1", calls[2]["refund_request_id"])
	assert.Equal(t, "mem_pay_1", calls[2]["provider_payment_id"])
	assert.Equal(t, "INVALID_STATE", calls[3]["code"])
	assert.Equal(t, "mem_ref_1", calls[4]["provider_refund_id"])
}
