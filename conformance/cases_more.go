package conformance

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/money"
	"github.com/paygate-go/paygate/provider/sim"
	"github.com/paygate-go/paygate/status"
)

var idempotencyCases = []testCase{
	{"same-request-twice", func(t *testing.T, h Harness) {
		s := newSuite(t, h)
		s.need(s.Caps.IdempotentCreate, "idempotent create")
		req := s.createRequest()
		first := s.create(s.Gateway, req)
		again := *req
		second := s.create(s.Gateway, &again)
		assert.Equal(t, first.ProviderPaymentID, second.ProviderPaymentID, "the same payment")
		s.oneOrder(req.PaymentRequestID)
	}},
	{"same-id-new-params", func(t *testing.T, h Harness) {
		s := newSuite(t, h)
		s.need(s.Caps.IdempotentCreate, "idempotent create")
		req := s.createRequest()
		s.create(s.Gateway, req)
		changed := *req
		more, err := req.Amount.Add(minor(req.Amount, 100))
		require.NoError(t, err)
		changed.Amount = more
		_, err = s.Gateway.Create(s.ctx, &changed)
		assert.Equal(t, status.Failure, paygate.OutcomeOf(err), "%v", err)
		assert.Equal(t, status.CodeIdempotencyConflict, paygate.CodeOf(err))
		order := s.oneOrder(req.PaymentRequestID)
		assert.True(t, order.Amount.Equal(req.Amount), "the original order is untouched")
	}},
	{"refund-same-request-twice", func(t *testing.T, h Harness) {
		s := newSuite(t, h)
		s.need(s.Caps.PartialRefund, "partial refunds (the first refund must leave room for a duplicate)")
		_, p := s.paid()
		rreq := s.refundRequest(p, minor(p.Amount, 1))
		first, err := s.Gateway.Refund(s.ctx, rreq)
		require.NoError(t, err)
		again := *rreq
		second, err := s.Gateway.Refund(s.ctx, &again)
		require.NoError(t, err, "the identical refund is answered, not refused")
		assert.Equal(t, first.ProviderRefundID, second.ProviderRefundID)
		assert.Len(t, s.Sim.Ledger().Refunds(rreq.RefundRequestID), 1, "one refund")
	}},
}

var validationCases = []testCase{
	{"never-reaches-the-simulator", func(t *testing.T, h Harness) {
		s := newSuite(t, h)
		usd := sampleAmount(t, s.currency())
		neg, err := money.Parse("-1", s.currency())
		require.NoError(t, err)
		good := s.createRequest()
		badID := *good
		badID.PaymentRequestID = "has space"
		noAmount := *good
		noAmount.Amount = money.Amount{}
		negative := *good
		negative.Amount = neg
		badURL := *good
		badURL.NotifyURL = "ftp://merchant.example/notify"
		calls := map[string]func(context.Context, paygate.Gateway) error{
			"create without id": func(ctx context.Context, g paygate.Gateway) error {
				_, err := g.Create(ctx, &paygate.CreateRequest{Amount: usd})
				return err
			},
			"create id with space":   func(ctx context.Context, g paygate.Gateway) error { _, err := g.Create(ctx, &badID); return err },
			"create without amount":  func(ctx context.Context, g paygate.Gateway) error { _, err := g.Create(ctx, &noAmount); return err },
			"create negative amount": func(ctx context.Context, g paygate.Gateway) error { _, err := g.Create(ctx, &negative); return err },
			"create bad notify url":  func(ctx context.Context, g paygate.Gateway) error { _, err := g.Create(ctx, &badURL); return err },
			"create nil":             func(ctx context.Context, g paygate.Gateway) error { _, err := g.Create(ctx, nil); return err },
			"inquire without ids": func(ctx context.Context, g paygate.Gateway) error {
				_, err := g.Inquire(ctx, &paygate.InquireRequest{})
				return err
			},
			"cancel without ids": func(ctx context.Context, g paygate.Gateway) error {
				_, err := g.Cancel(ctx, &paygate.CancelRequest{Reason: "x"})
				return err
			},
			"refund without refund id": func(ctx context.Context, g paygate.Gateway) error {
				_, err := g.Refund(ctx, &paygate.RefundRequest{PaymentRequestID: "p1", Amount: usd})
				return err
			},
			"refund without amount": func(ctx context.Context, g paygate.Gateway) error {
				_, err := g.Refund(ctx, &paygate.RefundRequest{RefundRequestID: "r1", PaymentRequestID: "p1"})
				return err
			},
			"inquire refund without ids": func(ctx context.Context, g paygate.Gateway) error {
				_, err := g.InquireRefund(ctx, &paygate.InquireRefundRequest{})
				return err
			},
		}
		for name, call := range calls {
			for _, wrapped := range []bool{false, true} {
				gw := s.Gateway
				if wrapped {
					gw = s.wrapped(fastPolicy())
				}
				err := call(s.ctx, gw)
				assert.Equal(t, status.Failure, paygate.OutcomeOf(err), "%s (wrapped %v): %v", name, wrapped, err)
				assert.Equal(t, status.CodeInvalidRequest, paygate.CodeOf(err), "%s (wrapped %v)", name, wrapped)
			}
		}
		assert.Zero(t, s.Sim.Ledger().TotalRequests(), "no invalid request reached the simulator")
	}},
}

// namedCurrencies are checked whenever the provider supports them: 2, 0, 0, 2 (0 at some providers)
// and 3 ISO digits.
var namedCurrencies = []string{"USD", "JPY", "KRW", "IDR", "KWD"}

var amountCases = []testCase{
	{"exact-on-the-wire", func(t *testing.T, h Harness) {
		probe := newSuite(t, h)
		supported := map[string]bool{}
		for _, c := range probe.Caps.Currencies {
			supported[c] = true
		}
		currencies := append([]string(nil), namedCurrencies...)
		for _, c := range probe.Caps.Currencies {
			if !slices.Contains(currencies, c) {
				currencies = append(currencies, c)
			}
		}
		for _, cur := range currencies {
			t.Run(cur, func(t *testing.T) {
				if !supported[cur] {
					t.Skipf("skipped: the provider does not accept %s (Capabilities.Currencies)", cur)
				}
				s := newSuite(t, h)
				req := s.createRequestIn(cur)
				p := s.create(s.Gateway, req)
				order := s.oneOrder(req.PaymentRequestID)
				assert.True(t, order.Amount.Equal(req.Amount), "the simulator read %s from the wire %q; sent %s", order.Amount, order.WireAmount, req.Amount)
				assert.NotEmpty(t, order.WireAmount)
				got := s.inquire(req, p)
				assert.True(t, got.Amount.Equal(req.Amount), "inquiry read back %s, sent %s", got.Amount, req.Amount)
			})
		}
	}},
}

// receiver is a merchant's webhook endpoint running the adapter's handler.
type receiver struct {
	mu     sync.Mutex
	events []*paygate.Event
	fail   int // fail the next n notifications, as a merchant with a bug would
}

func (r *receiver) handle(_ context.Context, e *paygate.Event) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail > 0 {
		r.fail--
		return assert.AnError
	}
	r.events = append(r.events, e)
	return nil
}

func (r *receiver) got() []*paygate.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*paygate.Event(nil), r.events...)
}

var webhookCases = []testCase{
	{"verified-tampered-unsigned-duplicate", func(t *testing.T, h Harness) {
		s := newSuite(t, h)
		s.need(s.Caps.Webhooks, "webhooks")
		require.NotNil(t, s.Sim.Webhooks(), "Caps.Webhooks but Simulator.Webhooks() is nil")
		require.NotNil(t, s.WebhookHandler, "Caps.Webhooks but Env.WebhookHandler is nil")
		require.NotNil(t, s.WebhookAcked, "Caps.Webhooks but Env.WebhookAcked is nil")
		rcv := &receiver{fail: 1}
		handler := s.WebhookHandler(rcv.handle)
		srv := httptest.NewServer(handler)
		t.Cleanup(srv.Close)
		if ws, ok := s.Sim.(WebhookURLSetter); ok {
			ws.SetWebhookURL(srv.URL + "/notify")
		}

		req := s.createRequest()
		req.NotifyURL = srv.URL + "/notify"
		p := s.create(s.Gateway, req)
		require.NoError(t, s.Sim.Settle(s.ctx, req.PaymentRequestID, sim.Pay))
		waitCtx, cancel := context.WithTimeout(s.ctx, 20*time.Second)
		defer cancel()
		require.NoError(t, s.Sim.Webhooks().Wait(waitCtx), "webhook deliveries did not finish")

		var paidEvent *paygate.Event
		for _, e := range rcv.got() {
			assert.NotEmpty(t, e.ID, "Event.ID")
			assert.NotEmpty(t, e.Provider, "Event.Provider")
			if e.Type == paygate.EventPaymentUpdated && e.Payment != nil && e.Payment.Status == status.PaymentSucceeded {
				paidEvent = e
			}
		}
		require.NotNil(t, paidEvent, "the merchant received a payment.updated event with status Succeeded")
		assert.Equal(t, p.ProviderPaymentID, paidEvent.Payment.ProviderPaymentID)

		var delivery *sim.Delivery
		retried := false
		for _, d := range s.Sim.Webhooks().Deliveries() {
			if d.Acked && bytes.Contains(d.Body, []byte(p.ProviderPaymentID)) {
				delivery = &d
			}
			retried = retried || len(d.Attempts) > 1
		}
		require.NotNil(t, delivery, "an acknowledged delivery for the payment")
		assert.True(t, retried, "the notification the merchant failed was delivered again")

		post := func(header http.Header, body []byte) (int, []byte) {
			r := httptest.NewRequest(http.MethodPost, "/notify", bytes.NewReader(body))
			r.Header = header.Clone()
			w := httptest.NewRecorder()
			handler.ServeHTTP(w, r)
			return w.Code, w.Body.Bytes()
		}
		n := len(rcv.got())

		// The same delivery again: acknowledged, and the event has the same id.
		code, body := post(delivery.Header, delivery.Body)
		assert.True(t, s.WebhookAcked(code, body), "a duplicate is acknowledged (%d %s)", code, body)
		evs := rcv.got()
		require.Len(t, evs, n+1)
		seen := false
		for _, e := range evs[:n] {
			seen = seen || e.ID == evs[n].ID
		}
		assert.True(t, seen, "a duplicate delivery yields the same event id (%s)", evs[n].ID)

		// Tampered body: one character changed.
		tampered := tamper(delivery.Body)
		code, body = post(delivery.Header, tampered)
		assert.False(t, s.WebhookAcked(code, body), "a tampered notification is rejected (%d %s)", code, body)

		// Unsigned: the same body without any header but Content-Type.
		bare := http.Header{"Content-Type": delivery.Header.Values("Content-Type")}
		code, body = post(bare, delivery.Body)
		assert.False(t, s.WebhookAcked(code, body), "an unsigned notification is rejected (%d %s)", code, body)
		assert.Len(t, rcv.got(), n+1, "rejected notifications never reach the merchant's function")
	}},
}

// tamper changes one character of a JSON body and keeps it valid JSON when it can: a digit becomes
// another digit, else a letter another letter.
func tamper(body []byte) []byte {
	out := bytes.Clone(body)
	for i := len(out) - 1; i >= 0; i-- {
		if c := out[i]; c >= '0' && c <= '9' {
			out[i] = '0' + (c-'0'+1)%10
			return out
		}
	}
	for i := len(out) - 1; i >= 0; i-- {
		if c := out[i]; c >= 'a' && c <= 'y' {
			out[i] = c + 1
			return out
		}
	}
	return append(out, ' ')
}

var logCases = []testCase{
	{"no-card-data-or-secrets", func(t *testing.T, h Harness) {
		s := newSuite(t, h)
		note, err := json.Marshal(map[string]string{"cvv": "737"})
		require.NoError(t, err)
		req := s.createRequest()
		req.Description = "card " + cardNumbers[1]
		req.Metadata = map[string]string{"card": cardNumbers[0], "pan": cardNumbers[2], "note": string(note)}
		s.create(s.wrapped(fastPolicy()), req)
		if slices.Contains(s.Caps.Faults, sim.LoseReply) {
			req2 := s.createRequest()
			req2.Description = req.Description
			req2.Metadata = req.Metadata
			s.Sim.Inject(fault(paygate.OpCreate, sim.LoseReply, 1))
			s.create(s.wrapped(fastPolicy()), req2)
		}
		// checkLogs runs at cleanup; make sure the adapter itself logged something to check, and did
		// not just ignore Options.Logger (retry.Wrap's entries do not count).
		adapter := 0
		for _, e := range s.logs.All() {
			if e.Message != "paygate retry: try" {
				adapter++
			}
		}
		assert.Positive(t, adapter, "the adapter wrote nothing through Options.Logger")
		t.Logf("%d log entries checked, %d from the adapter", s.logs.Len(), adapter)
	}},
}
