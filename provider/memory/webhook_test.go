package memory_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/provider/memory"
	"github.com/paygate-go/paygate/provider/sim"
	"github.com/paygate-go/paygate/status"
)

// sign is the Memory-Signature value for body at t, computed here independently of the package.
func sign(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts + "."))
	m.Write(body)
	return "t=" + ts + ",v1=" + hex.EncodeToString(m.Sum(nil))
}

func eventBody(t *testing.T) []byte {
	t.Helper()
	b, err := json.Marshal(paygate.Event{
		ID: "evt_mem_pay_1_1", Provider: "memory", Type: paygate.EventPaymentUpdated,
		Payment: &paygate.Payment{Provider: "memory", PaymentRequestID: "pay-1", ProviderPaymentID: "mem_pay_1",
			Status: status.PaymentSucceeded, ProviderStatus: "succeeded", Amount: amount("10.50", "USD"), UpdatedAt: start},
	})
	require.NoError(t, err)
	return b
}

func TestWebhookAcked(t *testing.T) {
	tests := []struct {
		status int
		body   string
		want   bool
	}{
		{200, `{"received":true}`, true},
		{200, `{"received":true}` + "\n", false},
		{200, `{"received": true}`, false},
		{200, `{"received":false}`, false},
		{200, ``, false},
		{201, `{"received":true}`, false},
		{204, ``, false},
		{500, `{"received":true}`, false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, memory.WebhookAcked(tt.status, []byte(tt.body)), "%d %q", tt.status, tt.body)
	}
}

func TestWebhookHandler(t *testing.T) {
	body := eventBody(t)
	// signed sets a valid signature of b; mutated is the event body changed by f.
	signed := func(b []byte) func(*http.Request) {
		return func(r *http.Request) { r.Header.Set("Memory-Signature", sign(testSecret, start, b)) }
	}
	mutated := func(f func(string) string) []byte { return []byte(f(string(body))) }
	tests := []struct {
		name    string
		method  string
		body    []byte
		header  func(*http.Request)
		fnErr   error
		status  int
		reached bool
	}{
		{"valid", "POST", body, signed(body), nil, 200, true},
		{"handler error", "POST", body, signed(body), errors.New("db down"), 500, true},
		{"GET", "GET", nil, signed(body), nil, 405, false},
		{"PUT", "PUT", body, signed(body), nil, 405, false},
		{"no signature", "POST", body, func(*http.Request) {}, nil, 401, false},
		{"empty signature", "POST", body, func(r *http.Request) { r.Header.Set("Memory-Signature", "") }, nil, 401, false},
		{"two signature headers", "POST", body, func(r *http.Request) {
			r.Header.Add("Memory-Signature", sign(testSecret, start, body))
			r.Header.Add("Memory-Signature", sign(testSecret, start, body))
		}, nil, 401, false},
		{"wrong secret", "POST", body, func(r *http.Request) { r.Header.Set("Memory-Signature", sign("other", start, body)) }, nil, 401, false},
		{"tampered body", "POST", mutated(func(s string) string { return strings.Replace(s, "10.50", "99.50", 1) }), signed(body), nil, 401, false},
		{"tampered timestamp", "POST", body, func(r *http.Request) {
			r.Header.Set("Memory-Signature", strings.Replace(sign(testSecret, start, body), "t="+strconv.FormatInt(start.Unix(), 10), "t="+strconv.FormatInt(start.Unix()+1, 10), 1))
		}, nil, 401, false},
		{"truncated signature", "POST", body, func(r *http.Request) { r.Header.Set("Memory-Signature", sign(testSecret, start, body)[:40]) }, nil, 401, false},
		{"signature not hex", "POST", body, func(r *http.Request) {
			r.Header.Set("Memory-Signature", "t="+strconv.FormatInt(start.Unix(), 10)+",v1=zz")
		}, nil, 401, false},
		{"no timestamp", "POST", body, func(r *http.Request) {
			r.Header.Set("Memory-Signature", strings.SplitN(sign(testSecret, start, body), ",", 2)[1])
		}, nil, 401, false},
		{"stale", "POST", body, func(r *http.Request) {
			r.Header.Set("Memory-Signature", sign(testSecret, start.Add(-5*time.Minute-time.Second), body))
		}, nil, 401, false},
		{"from the future", "POST", body, func(r *http.Request) {
			r.Header.Set("Memory-Signature", sign(testSecret, start.Add(5*time.Minute+time.Second), body))
		}, nil, 401, false},
		{"just within tolerance", "POST", body, func(r *http.Request) {
			r.Header.Set("Memory-Signature", sign(testSecret, start.Add(-5*time.Minute), body))
		}, nil, 200, true},
		{"second v1 matches", "POST", body, func(r *http.Request) {
			r.Header.Set("Memory-Signature", sign(testSecret, start, body)+",v1=00ff,v0=ignored")
		}, nil, 200, true},
		{"unknown field", "POST", mutated(func(s string) string { return strings.Replace(s, `{"id"`, `{"extra":1,"id"`, 1) }),
			signed(mutated(func(s string) string { return strings.Replace(s, `{"id"`, `{"extra":1,"id"`, 1) })), nil, 400, false},
		{"amount as a number", "POST", mutated(func(s string) string { return strings.Replace(s, `"value":"10.50"`, `"value":10.50`, 1) }),
			signed(mutated(func(s string) string { return strings.Replace(s, `"value":"10.50"`, `"value":10.50`, 1) })), nil, 400, false},
		{"trailing data", "POST", append(append([]byte{}, body...), []byte(`{}`)...), signed(append(append([]byte{}, body...), []byte(`{}`)...)), nil, 400, false},
		{"unknown type", "POST", mutated(func(s string) string { return strings.Replace(s, "payment.updated", "payment.deleted", 1) }),
			signed(mutated(func(s string) string { return strings.Replace(s, "payment.updated", "payment.deleted", 1) })), nil, 400, false},
		{"unknown status", "POST", mutated(func(s string) string { return strings.Replace(s, `"status":"SUCCEEDED"`, `"status":"PAID"`, 1) }),
			signed(mutated(func(s string) string { return strings.Replace(s, `"status":"SUCCEEDED"`, `"status":"PAID"`, 1) })), nil, 400, false},
		{"other provider", "POST", mutated(func(s string) string { return strings.Replace(s, `"provider":"memory"`, `"provider":"waffo"`, 1) }),
			signed(mutated(func(s string) string { return strings.Replace(s, `"provider":"memory"`, `"provider":"waffo"`, 1) })), nil, 400, false},
		{"null", "POST", []byte("null"), signed([]byte("null")), nil, 400, false},
		{"not JSON", "POST", []byte("<xml/>"), signed([]byte("<xml/>")), nil, 400, false},
		{"too large", "POST", bytes.Repeat([]byte(" "), memory.MaxWebhookBody+1), signed(bytes.Repeat([]byte(" "), memory.MaxWebhookBody+1)), nil, 413, false},
		{"JSON with a charset", "POST", body, func(r *http.Request) {
			signed(body)(r)
			r.Header.Set("Content-Type", "application/JSON; charset=utf-8")
		}, nil, 200, true},
		{"no Content-Type", "POST", body, func(r *http.Request) {
			signed(body)(r)
			r.Header.Del("Content-Type")
		}, nil, 415, false},
		{"text Content-Type", "POST", body, func(r *http.Request) {
			signed(body)(r)
			r.Header.Set("Content-Type", "text/plain")
		}, nil, 415, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := newGateway(t, memory.Config{Clock: sim.NewManualClock(start), WebhookSecret: testSecret})
			var got *paygate.Event
			h := g.WebhookHandler(func(ctx context.Context, ev *paygate.Event) error {
				require.NotNil(t, ctx)
				got = ev
				return tt.fnErr
			})
			req := httptest.NewRequest(tt.method, "/notify", bytes.NewReader(tt.body))
			req.Header.Set("Content-Type", "application/json") // what the provider sends
			tt.header(req)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)

			assert.Equal(t, tt.status, rec.Code)
			assert.Equal(t, "application/json", rec.Header().Get("Content-Type"))
			assert.Equal(t, tt.reached, got != nil, "fn called")
			if tt.status == 200 {
				assert.Equal(t, `{"received":true}`, rec.Body.String())
				assert.True(t, memory.WebhookAcked(rec.Code, rec.Body.Bytes()))
				assert.Equal(t, "evt_mem_pay_1_1", got.ID)
				assert.Equal(t, "10.50 USD", got.Payment.Amount.String())
			} else {
				assert.Equal(t, `{"received":false}`, rec.Body.String())
				assert.False(t, memory.WebhookAcked(rec.Code, rec.Body.Bytes()))
			}
			if tt.status == 405 {
				assert.Equal(t, "POST", rec.Header().Get("Allow"))
			}
		})
	}
}

func TestWebhookHandlerNeedsFunc(t *testing.T) {
	g := newGateway(t, memory.Config{})
	assert.Panics(t, func() { g.WebhookHandler(nil) })
}

// The webhooks the Gateway sends verify with its secret, in its handler and by hand.
func TestWebhookSentAndVerified(t *testing.T) {
	g, clock, rcv := newEnv(t)
	req := createRequest("pay-1")
	req.NotifyURL = rcv.url()
	mustCreate(t, g, req)
	clock.Advance(time.Minute)
	require.NoError(t, g.Pay("pay-1"))
	waitWebhooks(t, g)

	ds := g.Webhooks().Deliveries()
	require.Len(t, ds, 1)
	d := ds[0]
	assert.True(t, d.Acked)
	assert.Len(t, d.Attempts, 1)
	assert.Equal(t, "evt_mem_pay_1_1", d.EventID)
	assert.Equal(t, rcv.url(), d.URL)
	assert.Equal(t, "application/json", d.Header.Get("Content-Type"))
	assert.Equal(t, sign(testSecret, start.Add(time.Minute), d.Body), d.Header.Get("Memory-Signature"))
	assert.NotContains(t, string(d.Body), "two coffees", "descriptions stay out of notifications")

	var ev paygate.Event
	require.NoError(t, json.Unmarshal(d.Body, &ev))
	assert.Equal(t, "memory", ev.Provider)
	assert.Equal(t, paygate.EventPaymentUpdated, ev.Type)
	assert.Equal(t, status.PaymentSucceeded, ev.Payment.Status)
	assert.Contains(t, string(d.Body), `"amount":{"value":"10.50","currency":"USD"}`, "amounts are strings, never floats")

	events := rcv.received()
	require.Len(t, events, 1)
	assert.Equal(t, &ev, events[0])
}

// A notification the receiver fails is retried, byte for byte, until it is acknowledged; the handler
// sees the same event id each time, so it can dedupe.
func TestWebhookRetriedAndDuplicated(t *testing.T) {
	g, _, rcv := newEnv(t)
	rcv.fail = 2
	req := createRequest("pay-1")
	req.NotifyURL = rcv.url()
	mustCreate(t, g, req)
	require.NoError(t, g.Pay("pay-1"))
	waitWebhooks(t, g)

	d := g.Webhooks().Deliveries()[0]
	assert.True(t, d.Acked)
	require.Len(t, d.Attempts, 3)
	for _, a := range d.Attempts[:2] {
		assert.Equal(t, 500, a.Status)
		assert.Equal(t, `{"received":false}`, string(a.Reply))
	}
	assert.Equal(t, 200, d.Attempts[2].Status)

	// a duplicate delivery (a replay of the same bytes) is accepted again with the same id
	post := func() *http.Response {
		r, err := http.NewRequest(http.MethodPost, d.URL, bytes.NewReader(d.Body))
		require.NoError(t, err)
		r.Header = d.Header.Clone()
		resp, err := rcv.srv.Client().Do(r)
		require.NoError(t, err)
		resp.Body.Close()
		return resp
	}
	assert.Equal(t, 200, post().StatusCode)
	events := rcv.received()
	require.Len(t, events, 2)
	assert.Equal(t, events[0].ID, events[1].ID)
	assert.Equal(t, events[0], events[1])
}

// A receiver that never acknowledges gets len(schedule)+1 tries.
func TestWebhookScheduleExhausted(t *testing.T) {
	g, _, rcv := newEnv(t)
	rcv.fail = 100
	req := createRequest("pay-1")
	req.NotifyURL = rcv.url()
	mustCreate(t, g, req)
	require.NoError(t, g.Expire("pay-1"))
	waitWebhooks(t, g)
	d := g.Webhooks().Deliveries()[0]
	assert.False(t, d.Acked)
	assert.True(t, d.Done)
	assert.Len(t, d.Attempts, 4)
}

// Event ids count per object: evt_<provider id>_<n>.
func TestWebhookEventIDs(t *testing.T) {
	g, _, rcv := newEnv(t)
	ctx := context.Background()
	for _, id := range []string{"pay-1", "pay-2"} {
		req := createRequest(id)
		req.NotifyURL = rcv.url()
		mustCreate(t, g, req)
	}
	require.NoError(t, g.RequireAction("pay-1"))
	require.NoError(t, g.RequireAction("pay-2"))
	require.NoError(t, g.Pay("pay-1"))
	_, err := g.Cancel(ctx, &paygate.CancelRequest{PaymentRequestID: "pay-2"})
	require.NoError(t, err)
	for i := range 2 {
		_, err := g.Refund(ctx, refundRequest(fmt.Sprintf("ref-%d", i), "pay-1", "1"))
		require.NoError(t, err)
	}
	waitWebhooks(t, g)
	var ids []string
	for _, d := range g.Webhooks().Deliveries() {
		ids = append(ids, d.EventID)
		assert.True(t, d.Acked, d.EventID)
	}
	assert.Equal(t, []string{
		"evt_mem_pay_1_1", "evt_mem_pay_2_1", "evt_mem_pay_1_2", "evt_mem_pay_2_2", "evt_mem_ref_1_1", "evt_mem_ref_2_1",
	}, ids)
	assert.Len(t, rcv.byID(), 6)
}

// No NotifyURL, no webhook; after Close, no webhook either.
func TestWebhookNotSent(t *testing.T) {
	g, _, rcv := newEnv(t)
	mustCreate(t, g, createRequest("pay-1"))
	require.NoError(t, g.Pay("pay-1"))
	_, err := g.Refund(context.Background(), refundRequest("ref-1", "pay-1", "1"))
	require.NoError(t, err)
	assert.Empty(t, g.Webhooks().Deliveries())

	req := createRequest("pay-2")
	req.NotifyURL = rcv.url()
	mustCreate(t, g, req)
	g.Close()
	g.Close() // idempotent
	require.NoError(t, g.Pay("pay-2"), "the Gateway still answers after Close")
	assert.Empty(t, g.Webhooks().Deliveries())
}

// Close stops pending retries at once.
func TestCloseStopsRetries(t *testing.T) {
	g := memory.New(memory.Config{WebhookSchedule: []time.Duration{time.Hour}})
	rcv := newReceiver(t, g)
	rcv.fail = 100
	req := createRequest("pay-1")
	req.NotifyURL = rcv.url()
	mustCreate(t, g, req)
	require.NoError(t, g.Pay("pay-1"))
	require.Eventually(t, func() bool {
		ds := g.Webhooks().Deliveries()
		return len(ds) == 1 && len(ds[0].Attempts) == 1
	}, 5*time.Second, time.Millisecond)
	began := time.Now()
	g.Close()
	assert.Less(t, time.Since(began), 5*time.Second)
	assert.True(t, g.Webhooks().Deliveries()[0].Done)
}

// The default secret is random per Gateway: one Gateway's notifications do not verify at another.
func TestWebhookDefaultSecret(t *testing.T) {
	a := newGateway(t, memory.Config{})
	b := newGateway(t, memory.Config{})
	rcvB := newReceiver(t, b)
	req := createRequest("pay-1")
	req.NotifyURL = rcvB.url()
	mustCreate(t, a, req)
	require.NoError(t, a.Pay("pay-1"))
	require.Eventually(t, func() bool {
		ds := a.Webhooks().Deliveries()
		return len(ds) == 1 && len(ds[0].Attempts) == 1
	}, 5*time.Second, time.Millisecond, "the first try (the default schedule retries for an hour)")
	d := a.Webhooks().Deliveries()[0]
	assert.False(t, d.Acked)
	assert.Equal(t, 401, d.Attempts[0].Status)
	assert.Empty(t, rcvB.received())
}
