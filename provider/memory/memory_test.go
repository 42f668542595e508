package memory_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/money"
	"github.com/paygate-go/paygate/provider/memory"
	"github.com/paygate-go/paygate/provider/sim"
	"github.com/paygate-go/paygate/retry"
	"github.com/paygate-go/paygate/status"
)

func TestCreate(t *testing.T) {
	clock := sim.NewManualClock(start)
	g := newGateway(t, memory.Config{Clock: clock})
	p := mustCreate(t, g, createRequest("pay-1"))

	assert.Equal(t, "memory", p.Provider)
	assert.Equal(t, "pay-1", p.PaymentRequestID)
	assert.Equal(t, "order-pay-1", p.MerchantOrderID)
	assert.Equal(t, "mem_pay_1", p.ProviderPaymentID)
	assert.Equal(t, status.PaymentRequiresAction, p.Status)
	assert.Equal(t, "requires_action", p.ProviderStatus)
	assert.True(t, amount("10.50", "USD").Equal(p.Amount))
	assert.Equal(t, start, p.UpdatedAt)
	assert.Equal(t, &paygate.Action{
		Kind:      paygate.ActionRedirect,
		URL:       "https://checkout.memory.paygate.invalid/pay/mem_pay_1",
		ExpiresAt: start.Add(30 * time.Minute),
	}, p.Action)

	orders := g.Ledger().Orders("pay-1")
	require.Len(t, orders, 1)
	assert.Equal(t, "mem_pay_1", orders[0].ProviderID)
	assert.Equal(t, "10.50", orders[0].WireAmount)
	assert.Equal(t, status.PaymentRequiresAction, orders[0].Status)
	assert.Equal(t, 1, g.Ledger().Requests(paygate.OpCreate, "pay-1"))
}

func TestCreateConfig(t *testing.T) {
	clock := sim.NewManualClock(start)
	g := newGateway(t, memory.Config{Name: "mem-eu", Clock: clock, PaymentTTL: time.Hour})
	p := mustCreate(t, g, createRequest("pay-1"))
	assert.Equal(t, "mem-eu", p.Provider)
	assert.Equal(t, start.Add(time.Hour), p.Action.ExpiresAt)
	assert.Same(t, clock, g.Clock())
	assert.Equal(t, retry.Idempotency{Dedupes: true}, g.Idempotency(paygate.OpCreate))
	for _, op := range paygate.Ops() {
		assert.True(t, g.Idempotency(op).Dedupes, op)
	}

	_, err := g.Inquire(context.Background(), &paygate.InquireRequest{PaymentRequestID: "nope"})
	assert.Equal(t, "mem-eu", requireError(t, err, status.Failure, status.CodeNotFound).Provider)
}

func TestCreateAction(t *testing.T) {
	expires := start.Add(10 * time.Minute)
	tests := []struct {
		method string
		want   paygate.Action
	}{
		{"QR", paygate.Action{Kind: paygate.ActionQRCode, QRCode: "paygate-memory://pay/mem_pay_1", ExpiresAt: expires}},
		{"qr", paygate.Action{Kind: paygate.ActionQRCode, QRCode: "paygate-memory://pay/mem_pay_1", ExpiresAt: expires}},
		{"EWALLET", paygate.Action{Kind: paygate.ActionRedirect, URL: "https://checkout.memory.paygate.invalid/pay/mem_pay_1", ExpiresAt: expires}},
		{"", paygate.Action{Kind: paygate.ActionRedirect, URL: "https://checkout.memory.paygate.invalid/pay/mem_pay_1", ExpiresAt: expires}},
	}
	for _, tt := range tests {
		t.Run(tt.method, func(t *testing.T) {
			g := newGateway(t, memory.Config{Clock: sim.NewManualClock(start)})
			req := createRequest("pay-1")
			req.Method = paygate.Method{Type: tt.method}
			req.ExpiresAt = expires
			p := mustCreate(t, g, req)
			assert.Equal(t, &tt.want, p.Action)
		})
	}
}

func TestCreateExpiryInThePast(t *testing.T) {
	g := newGateway(t, memory.Config{Clock: sim.NewManualClock(start)})
	for _, at := range []time.Time{start, start.Add(-time.Second)} {
		req := createRequest("pay-1")
		req.ExpiresAt = at
		_, err := g.Create(context.Background(), req)
		pe := requireError(t, err, status.Failure, status.CodeInvalidRequest)
		assert.Equal(t, "ExpiresAt", pe.Field)
	}
	assert.Empty(t, g.Ledger().AllOrders())
}

func TestCreateIdempotent(t *testing.T) {
	g := newGateway(t, memory.Config{Clock: sim.NewManualClock(start)})
	first := mustCreate(t, g, createRequest("pay-1"))
	again := mustCreate(t, g, createRequest("pay-1"))
	assert.Equal(t, first, again)
	assert.Len(t, g.Ledger().Orders("pay-1"), 1)
	assert.Equal(t, 2, g.Ledger().Requests(paygate.OpCreate, "pay-1"))

	// nil and empty metadata are the same request
	noMeta := createRequest("pay-2")
	noMeta.Metadata = nil
	mustCreate(t, g, noMeta)
	noMeta.Metadata = map[string]string{}
	mustCreate(t, g, noMeta)
	assert.Len(t, g.Ledger().Orders("pay-2"), 1)

	// the same instant in another location is the same expiry
	withExpiry := createRequest("pay-3")
	withExpiry.ExpiresAt = start.Add(time.Hour)
	mustCreate(t, g, withExpiry)
	withExpiry.ExpiresAt = start.Add(time.Hour).In(time.FixedZone("WIB", 7*3600))
	mustCreate(t, g, withExpiry)
	assert.Len(t, g.Ledger().Orders("pay-3"), 1)

	// after a settlement the replay answers the payment as it is now
	require.NoError(t, g.Pay("pay-1"))
	again = mustCreate(t, g, createRequest("pay-1"))
	assert.Equal(t, status.PaymentSucceeded, again.Status)
	assert.Len(t, g.Ledger().Orders("pay-1"), 1)
}

func TestCreateIdempotencyConflict(t *testing.T) {
	tests := []struct {
		field  string
		change func(*paygate.CreateRequest)
	}{
		{"MerchantOrderID", func(r *paygate.CreateRequest) { r.MerchantOrderID = "order-2" }},
		{"Amount", func(r *paygate.CreateRequest) { r.Amount = amount("10.51", "USD") }},
		{"Amount", func(r *paygate.CreateRequest) { r.Amount = amount("10.50", "EUR") }},
		{"Description", func(r *paygate.CreateRequest) { r.Description = "three coffees" }},
		{"NotifyURL", func(r *paygate.CreateRequest) { r.NotifyURL = "https://shop.example/notify" }},
		{"ReturnURL", func(r *paygate.CreateRequest) { r.ReturnURL = "" }},
		{"ExpiresAt", func(r *paygate.CreateRequest) { r.ExpiresAt = start.Add(time.Hour) }},
		{"Customer", func(r *paygate.CreateRequest) { r.Customer.Email = "other@example.com" }},
		{"Method", func(r *paygate.CreateRequest) { r.Method.Name = "OVO" }},
		{"Metadata", func(r *paygate.CreateRequest) { r.Metadata["cart"] = "c-2" }},
		{"Metadata", func(r *paygate.CreateRequest) { r.Metadata = nil }},
		{"CaptureMode", func(r *paygate.CreateRequest) { r.CaptureMode = paygate.CaptureManual }},
	}
	for _, tt := range tests {
		t.Run(tt.field, func(t *testing.T) {
			g := newGateway(t, memory.Config{Clock: sim.NewManualClock(start)})
			mustCreate(t, g, createRequest("pay-1"))
			req := createRequest("pay-1")
			tt.change(req)
			p, err := g.Create(context.Background(), req)
			assert.Nil(t, p)
			pe := requireError(t, err, status.Failure, status.CodeIdempotencyConflict)
			assert.Equal(t, "IDEMPOTENCY_CONFLICT", pe.ProviderCode)
			assert.Equal(t, "memory", pe.Provider)
			assert.Equal(t, paygate.OpCreate, pe.Op)
			assert.Contains(t, pe.Message, tt.field)
			assert.Len(t, g.Ledger().Orders("pay-1"), 1)
		})
	}
}

func TestSettleTransitions(t *testing.T) {
	tests := []struct {
		name    string
		before  []sim.Settlement
		settle  sim.Settlement
		want    status.Payment
		wantErr bool
		events  int // webhooks sent in all
	}{
		{"pay", nil, sim.Pay, status.PaymentSucceeded, false, 1},
		{"fail", nil, sim.Fail, status.PaymentFailed, false, 1},
		{"expire", nil, sim.Expire, status.PaymentExpired, false, 1},
		{"require action", nil, sim.RequireAction, status.PaymentRequiresAction, false, 1},
		{"require action then pay", []sim.Settlement{sim.RequireAction}, sim.Pay, status.PaymentSucceeded, false, 2},
		{"pay twice", []sim.Settlement{sim.Pay}, sim.Pay, status.PaymentSucceeded, false, 1},
		{"fail twice", []sim.Settlement{sim.Fail}, sim.Fail, status.PaymentFailed, false, 1},
		{"expire twice", []sim.Settlement{sim.Expire}, sim.Expire, status.PaymentExpired, false, 1},
		{"fail after pay", []sim.Settlement{sim.Pay}, sim.Fail, status.PaymentSucceeded, true, 1},
		{"expire after pay", []sim.Settlement{sim.Pay}, sim.Expire, status.PaymentSucceeded, true, 1},
		{"require action after pay", []sim.Settlement{sim.Pay}, sim.RequireAction, status.PaymentSucceeded, true, 1},
		{"pay after fail", []sim.Settlement{sim.Fail}, sim.Pay, status.PaymentFailed, true, 1},
		{"pay after expire", []sim.Settlement{sim.Expire}, sim.Pay, status.PaymentExpired, true, 1},
		{"unknown settlement", nil, sim.Settlement(99), status.PaymentRequiresAction, true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, clock, rcv := newEnv(t)
			req := createRequest("pay-1")
			req.NotifyURL = rcv.url()
			mustCreate(t, g, req)
			ctx := context.Background()
			for _, s := range tt.before {
				require.NoError(t, g.Settle(ctx, "pay-1", s))
			}
			clock.Advance(time.Minute)
			err := g.Settle(ctx, "pay-1", tt.settle)
			if tt.wantErr {
				require.Error(t, err)
			} else {
				require.NoError(t, err)
			}
			p, err := g.Inquire(ctx, &paygate.InquireRequest{PaymentRequestID: "pay-1"})
			require.NoError(t, err)
			assert.Equal(t, tt.want, p.Status)
			assert.Equal(t, map[status.Payment]string{
				status.PaymentSucceeded: "succeeded", status.PaymentFailed: "failed",
				status.PaymentExpired: "expired", status.PaymentRequiresAction: "requires_action",
			}[tt.want], p.ProviderStatus)
			assert.Equal(t, tt.want.Final(), p.Action == nil, "an action exactly while the payment is open")
			if tt.want == status.PaymentFailed {
				assert.NotEmpty(t, p.FailureReason)
			} else {
				assert.Empty(t, p.FailureReason)
			}
			assert.Equal(t, tt.want, g.Ledger().Orders("pay-1")[0].Status)
			waitWebhooks(t, g)
			assert.Len(t, g.Webhooks().Deliveries(), tt.events)
			if tt.events > 0 {
				events := rcv.byID()
				require.Len(t, events, tt.events)
				last := events[fmt.Sprintf("evt_mem_pay_1_%d", tt.events)]
				require.NotNil(t, last, "events are numbered per payment")
				assert.Equal(t, p, last.Payment, "the last event is the payment as it is")
			}
		})
	}
}

func TestSettleControls(t *testing.T) {
	g := newGateway(t, memory.Config{Clock: sim.NewManualClock(start)})
	ctx := context.Background()
	require.Error(t, g.Pay("unknown"))
	require.Error(t, g.Settle(ctx, "unknown", sim.Pay))

	for _, id := range []string{"a", "b", "c", "d", "e"} {
		mustCreate(t, g, createRequest(id))
	}
	require.NoError(t, g.Pay("a"))
	require.NoError(t, g.Fail("b", "insufficient balance"))
	require.NoError(t, g.Expire("c"))
	require.NoError(t, g.RequireAction("d"))
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	require.ErrorIs(t, g.Settle(cancelled, "e", sim.Pay), context.Canceled)

	want := map[string]status.Payment{
		"a": status.PaymentSucceeded, "b": status.PaymentFailed, "c": status.PaymentExpired,
		"d": status.PaymentRequiresAction, "e": status.PaymentRequiresAction,
	}
	for id, st := range want {
		p, err := g.Inquire(ctx, &paygate.InquireRequest{PaymentRequestID: id})
		require.NoError(t, err)
		assert.Equal(t, st, p.Status, id)
	}
	p, err := g.Inquire(ctx, &paygate.InquireRequest{PaymentRequestID: "b"})
	require.NoError(t, err)
	assert.Equal(t, "insufficient balance", p.FailureReason)
}

func TestInquire(t *testing.T) {
	g := newGateway(t, memory.Config{Clock: sim.NewManualClock(start)})
	mustCreate(t, g, createRequest("pay-1"))
	mustCreate(t, g, createRequest("pay-2"))
	ctx := context.Background()
	tests := []struct {
		name string
		req  paygate.InquireRequest
		want string // ProviderPaymentID, "" for not found
	}{
		{"by request id", paygate.InquireRequest{PaymentRequestID: "pay-1"}, "mem_pay_1"},
		{"by provider id", paygate.InquireRequest{ProviderPaymentID: "mem_pay_2"}, "mem_pay_2"},
		{"both matching", paygate.InquireRequest{PaymentRequestID: "pay-2", ProviderPaymentID: "mem_pay_2"}, "mem_pay_2"},
		{"both of different payments", paygate.InquireRequest{PaymentRequestID: "pay-1", ProviderPaymentID: "mem_pay_2"}, ""},
		{"unknown request id", paygate.InquireRequest{PaymentRequestID: "pay-3"}, ""},
		{"unknown provider id", paygate.InquireRequest{ProviderPaymentID: "mem_pay_3"}, ""},
		{"known request id, unknown provider id", paygate.InquireRequest{PaymentRequestID: "pay-1", ProviderPaymentID: "mem_pay_3"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := g.Inquire(ctx, &tt.req)
			if tt.want == "" {
				assert.Nil(t, p)
				pe := requireError(t, err, status.Failure, status.CodeNotFound)
				assert.Equal(t, "NOT_FOUND", pe.ProviderCode)
				assert.Equal(t, paygate.OpInquire, pe.Op)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, p.ProviderPaymentID)
		})
	}
	assert.Equal(t, 1, g.Ledger().Requests(paygate.OpInquire, "mem_pay_2"), "counted by provider id when it is the only id")
}

func TestCancel(t *testing.T) {
	tests := []struct {
		name   string
		settle sim.Settlement // applied before the cancel; 0: none
		twice  bool           // cancel once before
		want   status.Payment // on S
		code   status.Code    // on F
	}{
		{name: "requires action", want: status.PaymentCanceled},
		{name: "after require action", settle: sim.RequireAction, want: status.PaymentCanceled},
		{name: "already canceled", twice: true, want: status.PaymentCanceled},
		{name: "succeeded", settle: sim.Pay, code: status.CodeInvalidState},
		{name: "failed", settle: sim.Fail, code: status.CodeInvalidState},
		{name: "expired", settle: sim.Expire, code: status.CodeInvalidState},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, _, rcv := newEnv(t)
			req := createRequest("pay-1")
			req.NotifyURL = rcv.url()
			mustCreate(t, g, req)
			ctx := context.Background()
			if tt.settle != 0 {
				require.NoError(t, g.Settle(ctx, "pay-1", tt.settle))
			}
			var first *paygate.Payment
			if tt.twice {
				var err error
				first, err = g.Cancel(ctx, &paygate.CancelRequest{PaymentRequestID: "pay-1"})
				require.NoError(t, err)
			}
			p, err := g.Cancel(ctx, &paygate.CancelRequest{ProviderPaymentID: "mem_pay_1", Reason: "customer left"})
			if tt.code != "" {
				assert.Nil(t, p)
				pe := requireError(t, err, status.Failure, tt.code)
				assert.Equal(t, paygate.OpCancel, pe.Op)
				if tt.settle == sim.Pay {
					assert.Contains(t, pe.Message, "already paid: refund it instead")
				}
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, p.Status)
			assert.Equal(t, "canceled", p.ProviderStatus)
			assert.Nil(t, p.Action)
			if first != nil {
				assert.Equal(t, first, p, "a second cancel returns the same payment")
			}
			assert.Equal(t, status.PaymentCanceled, g.Ledger().Orders("pay-1")[0].Status)
			waitWebhooks(t, g)
			events := rcv.byID()
			last := events[fmt.Sprintf("evt_mem_pay_1_%d", len(events))]
			require.NotNil(t, last)
			assert.Equal(t, status.PaymentCanceled, last.Payment.Status)
		})
	}

	t.Run("unknown", func(t *testing.T) {
		g := newGateway(t, memory.Config{})
		_, err := g.Cancel(context.Background(), &paygate.CancelRequest{PaymentRequestID: "nope"})
		requireError(t, err, status.Failure, status.CodeNotFound)
	})
}

func TestExpiry(t *testing.T) {
	g, clock, rcv := newEnv(t)
	ctx := context.Background()
	req := createRequest("pay-1")
	req.NotifyURL = rcv.url()
	mustCreate(t, g, req)

	clock.Advance(30*time.Minute - time.Nanosecond)
	p, err := g.Inquire(ctx, &paygate.InquireRequest{PaymentRequestID: "pay-1"})
	require.NoError(t, err)
	assert.Equal(t, status.PaymentRequiresAction, p.Status, "not yet")

	clock.Advance(time.Nanosecond)
	p, err = g.Inquire(ctx, &paygate.InquireRequest{PaymentRequestID: "pay-1"})
	require.NoError(t, err)
	assert.Equal(t, status.PaymentExpired, p.Status)
	assert.Equal(t, "expired", p.ProviderStatus)
	assert.Nil(t, p.Action)
	assert.Equal(t, start.Add(30*time.Minute), p.UpdatedAt, "it expired at its expiry")
	assert.Equal(t, status.PaymentExpired, g.Ledger().Orders("pay-1")[0].Status)
	require.Error(t, g.Pay("pay-1"), "too late to pay")

	waitWebhooks(t, g)
	events := rcv.received()
	require.Len(t, events, 1, "one webhook, however often it is touched")
	assert.Equal(t, status.PaymentExpired, events[0].Payment.Status)
}

// Every operation and control that touches a payment notices its expiry.
func TestExpiryIsLazyEverywhere(t *testing.T) {
	ctx := context.Background()
	touches := map[string]func(g *memory.Gateway) error{
		"create replay": func(g *memory.Gateway) error { _, err := g.Create(ctx, createRequest("pay-1")); return err },
		"inquire": func(g *memory.Gateway) error {
			_, err := g.Inquire(ctx, &paygate.InquireRequest{PaymentRequestID: "pay-1"})
			return err
		},
		"cancel": func(g *memory.Gateway) error {
			_, err := g.Cancel(ctx, &paygate.CancelRequest{PaymentRequestID: "pay-1"})
			requireError(t, err, status.Failure, status.CodeInvalidState)
			return nil
		},
		"refund": func(g *memory.Gateway) error {
			_, err := g.Refund(ctx, refundRequest("ref-1", "pay-1", "1"))
			requireError(t, err, status.Failure, status.CodeInvalidState)
			return nil
		},
		"settle": func(g *memory.Gateway) error {
			require.Error(t, g.Pay("pay-1"))
			return nil
		},
		"settle expire": func(g *memory.Gateway) error { return g.Expire("pay-1") },
		"capture": func(g *memory.Gateway) error {
			_, err := g.Capture(ctx, &paygate.CaptureRequest{CaptureRequestID: "cap-1", PaymentRequestID: "pay-1"})
			requireError(t, err, status.Failure, status.CodeInvalidState)
			return nil
		},
	}
	for name, touch := range touches {
		t.Run(name, func(t *testing.T) {
			clock := sim.NewManualClock(start)
			g := newGateway(t, memory.Config{Clock: clock, PaymentTTL: time.Minute})
			mustCreate(t, g, createRequest("pay-1"))
			clock.Advance(time.Hour)
			require.NoError(t, touch(g))
			assert.Equal(t, status.PaymentExpired, g.Ledger().Orders("pay-1")[0].Status)
		})
	}
}

// The default clock is the system clock.
func TestSystemClock(t *testing.T) {
	g := newGateway(t, memory.Config{})
	assert.Equal(t, sim.SystemClock{}, g.Clock())
	before := time.Now()
	p := mustCreate(t, g, createRequest("pay-1"))
	assert.False(t, p.UpdatedAt.Before(before))
	assert.WithinDuration(t, before.Add(30*time.Minute), p.Action.ExpiresAt, time.Minute)
}

func TestRefund(t *testing.T) {
	g, clock, rcv := newEnv(t)
	ctx := context.Background()
	req := createRequest("pay-1")
	req.NotifyURL = rcv.url()
	mustCreate(t, g, req)
	require.NoError(t, g.Pay("pay-1"))
	clock.Advance(time.Minute)

	// partial
	r, err := g.Refund(ctx, refundRequest("ref-1", "pay-1", "4.00"))
	require.NoError(t, err)
	assert.Equal(t, &paygate.Refund{
		Provider: "memory", RefundRequestID: "ref-1", ProviderRefundID: "mem_ref_1", PaymentRequestID: "pay-1", ProviderPaymentID: "mem_pay_1",
		Status: status.RefundSucceeded, ProviderStatus: "succeeded", Amount: amount("4.00", "USD"),
		UpdatedAt: start.Add(time.Minute),
	}, r)
	p, err := g.Inquire(ctx, &paygate.InquireRequest{PaymentRequestID: "pay-1"})
	require.NoError(t, err)
	assert.Equal(t, status.PaymentSucceeded, p.Status, "a refunded payment stays succeeded")
	assert.True(t, amount("4.00", "USD").Equal(p.Refunded))
	assert.Equal(t, start.Add(time.Minute), p.UpdatedAt)

	// replay: the same refund, nothing new
	again, err := g.Refund(ctx, refundRequest("ref-1", "pay-1", "4.00"))
	require.NoError(t, err)
	assert.Equal(t, r, again)
	assert.Len(t, g.Ledger().Refunds("ref-1"), 1)

	// a second one, by provider payment id, with its own notify URL
	second := &paygate.RefundRequest{RefundRequestID: "ref-2", ProviderPaymentID: "mem_pay_1", Amount: amount("6.50", "USD"), NotifyURL: rcv.url() + "?refund=2"}
	r2, err := g.Refund(ctx, second)
	require.NoError(t, err)
	assert.Equal(t, "mem_ref_2", r2.ProviderRefundID)

	// nothing left
	_, err = g.Refund(ctx, refundRequest("ref-3", "pay-1", "0.01"))
	pe := requireError(t, err, status.Failure, status.CodeRefundNotAllowed)
	assert.Contains(t, pe.Message, "0.00 USD")

	// replays still answer after the payment is fully refunded
	again, err = g.Refund(ctx, refundRequest("ref-1", "pay-1", "4.00"))
	require.NoError(t, err)
	assert.Equal(t, r, again)

	orders := g.Ledger().Orders("pay-1")
	require.Len(t, orders, 1)
	assert.Equal(t, status.PaymentSucceeded, orders[0].Status)
	assert.True(t, amount("10.50", "USD").Equal(orders[0].Refunded))
	refunds := g.Ledger().AllRefunds()
	require.Len(t, refunds, 2)
	assert.Equal(t, "4.00", refunds[0].WireAmount)
	assert.Equal(t, "6.50", refunds[1].WireAmount)
	assert.Equal(t, "mem_pay_1", refunds[1].ProviderPaymentID)

	for _, id := range []paygate.InquireRefundRequest{{RefundRequestID: "ref-2"}, {ProviderRefundID: "mem_ref_2"}, {RefundRequestID: "ref-2", ProviderRefundID: "mem_ref_2"}} {
		got, err := g.InquireRefund(ctx, &id)
		require.NoError(t, err)
		assert.Equal(t, r2, got)
	}
	for _, id := range []paygate.InquireRefundRequest{{RefundRequestID: "ref-3"}, {ProviderRefundID: "mem_ref_3"}, {RefundRequestID: "ref-1", ProviderRefundID: "mem_ref_2"}} {
		_, err := g.InquireRefund(ctx, &id)
		requireError(t, err, status.Failure, status.CodeNotFound)
	}

	waitWebhooks(t, g)
	var urls []string
	for _, d := range g.Webhooks().Deliveries() {
		urls = append(urls, d.EventID+" "+d.URL)
	}
	assert.Equal(t, []string{
		"evt_mem_pay_1_1 " + rcv.url(),
		"evt_mem_ref_1_1 " + rcv.url(), // falls back to the payment's
		"evt_mem_ref_2_1 " + rcv.url() + "?refund=2",
	}, urls)
	events := rcv.byID()
	require.Len(t, events, 3)
	ev := events["evt_mem_ref_1_1"]
	require.NotNil(t, ev)
	assert.Equal(t, paygate.EventRefundUpdated, ev.Type)
	assert.Equal(t, r, ev.Refund)
	assert.Nil(t, ev.Payment)
}

func TestRefundRefused(t *testing.T) {
	tests := []struct {
		name    string
		payment func(g *memory.Gateway) // prepares pay-1
		req     *paygate.RefundRequest
		code    status.Code
		field   string
	}{
		{"unknown payment", func(*memory.Gateway) {}, refundRequest("ref-1", "pay-1", "1"), status.CodeNotFound, ""},
		{"ids of two payments", func(g *memory.Gateway) { paid(t, g, "pay-1"); paid(t, g, "pay-2") },
			&paygate.RefundRequest{RefundRequestID: "ref-1", PaymentRequestID: "pay-1", ProviderPaymentID: "mem_pay_2", Amount: amount("1", "USD")}, status.CodeNotFound, ""},
		{"not paid", func(g *memory.Gateway) { mustCreate(t, g, createRequest("pay-1")) }, refundRequest("ref-1", "pay-1", "1"), status.CodeInvalidState, ""},
		{"failed", func(g *memory.Gateway) {
			mustCreate(t, g, createRequest("pay-1"))
			require.NoError(t, g.Fail("pay-1", ""))
		}, refundRequest("ref-1", "pay-1", "1"), status.CodeInvalidState, ""},
		{"canceled", func(g *memory.Gateway) {
			mustCreate(t, g, createRequest("pay-1"))
			_, err := g.Cancel(context.Background(), &paygate.CancelRequest{PaymentRequestID: "pay-1"})
			require.NoError(t, err)
		}, refundRequest("ref-1", "pay-1", "1"), status.CodeInvalidState, ""},
		{"currency mismatch", func(g *memory.Gateway) { paid(t, g, "pay-1") },
			&paygate.RefundRequest{RefundRequestID: "ref-1", PaymentRequestID: "pay-1", Amount: amount("1", "EUR")}, status.CodeInvalidRequest, "Amount"},
		{"over the amount", func(g *memory.Gateway) { paid(t, g, "pay-1") }, refundRequest("ref-1", "pay-1", "10.51"), status.CodeRefundNotAllowed, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := newGateway(t, memory.Config{Clock: sim.NewManualClock(start)})
			tt.payment(g)
			r, err := g.Refund(context.Background(), tt.req)
			assert.Nil(t, r)
			pe := requireError(t, err, status.Failure, tt.code)
			assert.Equal(t, tt.field, pe.Field)
			assert.Equal(t, string(tt.code), pe.ProviderCode)
			assert.Equal(t, paygate.OpRefund, pe.Op)
			assert.Empty(t, g.Ledger().AllRefunds())
			if tt.code == status.CodeRefundNotAllowed {
				assert.Contains(t, pe.Message, "10.50 USD", "says the refundable amount")
			}
		})
	}
}

func TestRefundIdempotencyConflict(t *testing.T) {
	tests := []struct {
		field  string
		change func(*paygate.RefundRequest)
	}{
		{"Amount", func(r *paygate.RefundRequest) { r.Amount = amount("2", "USD") }},
		{"Reason", func(r *paygate.RefundRequest) { r.Reason = "damaged" }},
		{"NotifyURL", func(r *paygate.RefundRequest) { r.NotifyURL = "https://shop.example/refunds" }},
		{"PaymentRequestID", func(r *paygate.RefundRequest) { r.PaymentRequestID = "pay-2" }},
		{"ProviderPaymentID", func(r *paygate.RefundRequest) { r.ProviderPaymentID = "mem_pay_1" }},
	}
	for _, tt := range tests {
		t.Run(tt.field, func(t *testing.T) {
			g := newGateway(t, memory.Config{Clock: sim.NewManualClock(start)})
			paid(t, g, "pay-1")
			paid(t, g, "pay-2")
			_, err := g.Refund(context.Background(), refundRequest("ref-1", "pay-1", "1"))
			require.NoError(t, err)
			req := refundRequest("ref-1", "pay-1", "1")
			tt.change(req)
			_, err = g.Refund(context.Background(), req)
			pe := requireError(t, err, status.Failure, status.CodeIdempotencyConflict)
			assert.Contains(t, pe.Message, tt.field)
			assert.Len(t, g.Ledger().AllRefunds(), 1)
		})
	}
}

// Amounts in currencies with 0, 2 and 3 decimals reach the ledger exactly as written.
func TestExactAmounts(t *testing.T) {
	tests := []struct{ value, currency, wire, refund, left string }{
		{"10.50", "USD", "10.50", "0.01", "10.49"},
		{"1050", "JPY", "1050", "1", "1049"},
		{"149000", "IDR", "149000.00", "0.01", "148999.99"},
		{"1.250", "KWD", "1.250", "0.001", "1.249"},
		{"92233720368547758.07", "USD", "92233720368547758.07", "0.01", "92233720368547758.06"},
	}
	for _, tt := range tests {
		t.Run(tt.currency+" "+tt.value, func(t *testing.T) {
			g := newGateway(t, memory.Config{Clock: sim.NewManualClock(start)})
			req := createRequest("pay-1")
			req.Amount = amount(tt.value, tt.currency)
			p := mustCreate(t, g, req)
			assert.Equal(t, tt.wire+" "+tt.currency, p.Amount.String())
			assert.Equal(t, tt.wire, g.Ledger().Orders("pay-1")[0].WireAmount)
			require.NoError(t, g.Pay("pay-1"))
			_, err := g.Refund(context.Background(), &paygate.RefundRequest{RefundRequestID: "ref-1", PaymentRequestID: "pay-1", Amount: amount(tt.refund, tt.currency)})
			require.NoError(t, err)
			// what is left is refundable to the last minor unit, and not one more
			all, err := money.Parse(tt.left, tt.currency)
			require.NoError(t, err)
			over, err := all.Add(amount(tt.refund, tt.currency))
			require.NoError(t, err)
			_, err = g.Refund(context.Background(), &paygate.RefundRequest{RefundRequestID: "ref-2", PaymentRequestID: "pay-1", Amount: over})
			requireError(t, err, status.Failure, status.CodeRefundNotAllowed)
			_, err = g.Refund(context.Background(), &paygate.RefundRequest{RefundRequestID: "ref-3", PaymentRequestID: "pay-1", Amount: all})
			require.NoError(t, err)
		})
	}
}

func TestValidationComesFirst(t *testing.T) {
	type call func(ctx context.Context, g *memory.Gateway) error
	calls := []struct {
		op    paygate.Op
		bad   call // invalid
		probe call // valid
	}{
		{paygate.OpCreate,
			func(ctx context.Context, g *memory.Gateway) error { _, err := g.Create(ctx, nil); return err },
			func(ctx context.Context, g *memory.Gateway) error {
				_, err := g.Create(ctx, createRequest("pay-1"))
				return err
			}},
		{paygate.OpCreate,
			func(ctx context.Context, g *memory.Gateway) error {
				_, err := g.Create(ctx, &paygate.CreateRequest{PaymentRequestID: "pay-1", Amount: amount("0", "USD")})
				return err
			},
			func(ctx context.Context, g *memory.Gateway) error {
				_, err := g.Create(ctx, createRequest("pay-1"))
				return err
			}},
		{paygate.OpInquire,
			func(ctx context.Context, g *memory.Gateway) error { _, err := g.Inquire(ctx, nil); return err },
			func(ctx context.Context, g *memory.Gateway) error {
				_, err := g.Inquire(ctx, &paygate.InquireRequest{PaymentRequestID: "pay-1"})
				return err
			}},
		{paygate.OpInquire,
			func(ctx context.Context, g *memory.Gateway) error {
				_, err := g.Inquire(ctx, &paygate.InquireRequest{})
				return err
			},
			func(ctx context.Context, g *memory.Gateway) error {
				_, err := g.Inquire(ctx, &paygate.InquireRequest{PaymentRequestID: "pay-1"})
				return err
			}},
		{paygate.OpCancel,
			func(ctx context.Context, g *memory.Gateway) error { _, err := g.Cancel(ctx, nil); return err },
			func(ctx context.Context, g *memory.Gateway) error {
				_, err := g.Cancel(ctx, &paygate.CancelRequest{PaymentRequestID: "pay-1"})
				return err
			}},
		{paygate.OpCancel,
			func(ctx context.Context, g *memory.Gateway) error {
				_, err := g.Cancel(ctx, &paygate.CancelRequest{PaymentRequestID: "pay 1"})
				return err
			},
			func(ctx context.Context, g *memory.Gateway) error {
				_, err := g.Cancel(ctx, &paygate.CancelRequest{PaymentRequestID: "pay-1"})
				return err
			}},
		{paygate.OpRefund,
			func(ctx context.Context, g *memory.Gateway) error { _, err := g.Refund(ctx, nil); return err },
			func(ctx context.Context, g *memory.Gateway) error {
				_, err := g.Refund(ctx, refundRequest("ref-1", "pay-1", "1"))
				return err
			}},
		{paygate.OpRefund,
			func(ctx context.Context, g *memory.Gateway) error {
				_, err := g.Refund(ctx, &paygate.RefundRequest{PaymentRequestID: "pay-1", Amount: amount("1", "USD")})
				return err
			},
			func(ctx context.Context, g *memory.Gateway) error {
				_, err := g.Refund(ctx, refundRequest("ref-1", "pay-1", "1"))
				return err
			}},
		{paygate.OpCapture,
			func(ctx context.Context, g *memory.Gateway) error { _, err := g.Capture(ctx, nil); return err },
			func(ctx context.Context, g *memory.Gateway) error {
				_, err := g.Capture(ctx, &paygate.CaptureRequest{CaptureRequestID: "cap-1", PaymentRequestID: "pay-1"})
				return err
			}},
		{paygate.OpCapture,
			func(ctx context.Context, g *memory.Gateway) error {
				_, err := g.Capture(ctx, &paygate.CaptureRequest{PaymentRequestID: "pay-1"})
				return err
			},
			func(ctx context.Context, g *memory.Gateway) error {
				_, err := g.Capture(ctx, &paygate.CaptureRequest{CaptureRequestID: "cap-1", PaymentRequestID: "pay-1"})
				return err
			}},
		{paygate.OpCapture,
			func(ctx context.Context, g *memory.Gateway) error {
				_, err := g.Capture(ctx, &paygate.CaptureRequest{CaptureRequestID: "cap-1", PaymentRequestID: "pay-1", Amount: amount("0", "USD")})
				return err
			},
			func(ctx context.Context, g *memory.Gateway) error {
				_, err := g.Capture(ctx, &paygate.CaptureRequest{CaptureRequestID: "cap-1", PaymentRequestID: "pay-1"})
				return err
			}},
		{paygate.OpCreate,
			func(ctx context.Context, g *memory.Gateway) error {
				req := createRequest("pay-1")
				req.CaptureMode = "later"
				_, err := g.Create(ctx, req)
				return err
			},
			func(ctx context.Context, g *memory.Gateway) error {
				_, err := g.Create(ctx, manualRequest("pay-1"))
				return err
			}},
		{paygate.OpInquireRefund,
			func(ctx context.Context, g *memory.Gateway) error { _, err := g.InquireRefund(ctx, nil); return err },
			func(ctx context.Context, g *memory.Gateway) error {
				_, err := g.InquireRefund(ctx, &paygate.InquireRefundRequest{RefundRequestID: "ref-1"})
				return err
			}},
		{paygate.OpInquireRefund,
			func(ctx context.Context, g *memory.Gateway) error {
				_, err := g.InquireRefund(ctx, &paygate.InquireRefundRequest{})
				return err
			},
			func(ctx context.Context, g *memory.Gateway) error {
				_, err := g.InquireRefund(ctx, &paygate.InquireRefundRequest{RefundRequestID: "ref-1"})
				return err
			}},
	}
	for i, c := range calls {
		t.Run(fmt.Sprintf("%s/%d", c.op, i), func(t *testing.T) {
			g := newGateway(t, memory.Config{})
			g.Inject(sim.Fault{Op: c.op, Kind: sim.DropBeforeProcessing})
			done, cancel := context.WithCancel(context.Background())
			cancel() // validation comes even before the context check

			pe := requireError(t, c.bad(done, g), status.Failure, status.CodeInvalidRequest)
			assert.Equal(t, c.op, pe.Op)
			assert.NotEmpty(t, pe.Message)
			assert.Zero(t, g.Ledger().TotalRequests(), "never reached the provider")

			// the fault is still queued: the next valid call takes it
			requireError(t, c.probe(context.Background(), g), status.Unknown, status.CodeUnavailable)
			assert.Equal(t, 1, g.Ledger().TotalRequests())
		})
	}
}

func TestContextDoneBeforeSending(t *testing.T) {
	g := newGateway(t, memory.Config{})
	g.Inject(sim.Fault{Op: paygate.OpCreate, Kind: sim.ReplyCode, Code: "DECLINED"})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	p, err := g.Create(ctx, createRequest("pay-1"))
	assert.Nil(t, p)
	pe := requireError(t, err, status.Failure, status.CodeUnavailable)
	assert.ErrorIs(t, err, retry.ErrNotSent)
	assert.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, "memory", pe.Provider)
	assert.Equal(t, 1, g.Ledger().Requests(paygate.OpCreate, "pay-1"), "counted")
	assert.Empty(t, g.Ledger().AllOrders(), "not processed")

	// the fault is still queued for the next real call
	_, err = g.Create(context.Background(), createRequest("pay-1"))
	requireError(t, err, status.Failure, status.CodeDeclined)

	deadline, cancel2 := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel2()
	_, err = g.Refund(deadline, refundRequest("ref-1", "pay-1", "1"))
	requireError(t, err, status.Failure, status.CodeUnavailable)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Equal(t, 1, g.Ledger().Requests(paygate.OpRefund, "ref-1"))
}

// Returned objects are copies: changing them, or the request after the call, changes nothing inside.
func TestCopiesNotAliased(t *testing.T) {
	g, _, rcv := newEnv(t)
	ctx := context.Background()
	req := createRequest("pay-1")
	req.NotifyURL = rcv.url()
	p := mustCreate(t, g, req)
	p.Status = status.PaymentSucceeded
	p.Action.URL = "https://evil.example"
	p.Action.Kind = paygate.ActionDeeplink
	req.Metadata["cart"] = "changed"
	req.Description = "changed"

	again, err := g.Inquire(ctx, &paygate.InquireRequest{PaymentRequestID: "pay-1"})
	require.NoError(t, err)
	assert.Equal(t, status.PaymentRequiresAction, again.Status)
	assert.Equal(t, "https://checkout.memory.paygate.invalid/pay/mem_pay_1", again.Action.URL)
	assert.Equal(t, paygate.ActionRedirect, again.Action.Kind)
	original := createRequest("pay-1")
	original.NotifyURL = rcv.url()
	_, err = g.Create(ctx, original)
	require.NoError(t, err, "the stored request did not follow the caller's map")

	require.NoError(t, g.Pay("pay-1"))
	r, err := g.Refund(ctx, refundRequest("ref-1", "pay-1", "1"))
	require.NoError(t, err)
	r.Status = status.RefundFailed
	r.ProviderRefundID = "x"
	got, err := g.InquireRefund(ctx, &paygate.InquireRefundRequest{RefundRequestID: "ref-1"})
	require.NoError(t, err)
	assert.Equal(t, status.RefundSucceeded, got.Status)
	assert.Equal(t, "mem_ref_1", got.ProviderRefundID)

	waitWebhooks(t, g)
	for _, ev := range rcv.received() {
		if ev.Payment != nil {
			ev.Payment.Status = status.PaymentFailed
		}
	}
	again, err = g.Inquire(ctx, &paygate.InquireRequest{PaymentRequestID: "pay-1"})
	require.NoError(t, err)
	assert.Equal(t, status.PaymentSucceeded, again.Status)
}

func TestConcurrentCreates(t *testing.T) {
	g := newGateway(t, memory.Config{})
	ctx := context.Background()
	const n = 200
	var wg sync.WaitGroup
	ids := make([]string, n)
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			p, err := g.Create(ctx, createRequest(fmt.Sprintf("pay-%d", i)))
			errs[i] = err
			if err == nil {
				ids[i] = p.ProviderPaymentID
			}
		})
	}
	// the same request id, concurrently: one payment
	same := make([]string, 50)
	for i := range same {
		wg.Go(func() {
			p, err := g.Create(ctx, createRequest("pay-same"))
			if err == nil {
				same[i] = p.ProviderPaymentID
			}
		})
	}
	wg.Wait()
	seen := map[string]bool{}
	for i := range n {
		require.NoError(t, errs[i])
		assert.False(t, seen[ids[i]], "duplicate provider id %s", ids[i])
		seen[ids[i]] = true
	}
	for _, id := range same {
		assert.Equal(t, same[0], id)
	}
	assert.NotEmpty(t, same[0])
	assert.Len(t, g.Ledger().AllOrders(), n+1)
	assert.Empty(t, g.Ledger().Duplicates())
}

// Concurrent settles, refunds and cancels of one payment keep the books straight.
func TestConcurrentRefunds(t *testing.T) {
	g := newGateway(t, memory.Config{})
	paid(t, g, "pay-1")
	var wg sync.WaitGroup
	for i := range 30 {
		wg.Go(func() {
			_, _ = g.Refund(context.Background(), refundRequest(fmt.Sprintf("ref-%d", i), "pay-1", "1.00"))
			_, _ = g.Cancel(context.Background(), &paygate.CancelRequest{PaymentRequestID: "pay-1"})
			_ = g.Pay("pay-1")
		})
	}
	wg.Wait()
	assert.Len(t, g.Ledger().AllRefunds(), 10, "10.50 USD allows ten refunds of 1.00")
	p, err := g.Inquire(context.Background(), &paygate.InquireRequest{PaymentRequestID: "pay-1"})
	require.NoError(t, err)
	assert.Equal(t, "10.00 USD", p.Refunded.String())
}
