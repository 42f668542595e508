package vai247test_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/provider/sim"
	"github.com/paygate-go/paygate/provider/vai247/vai247test"
	"github.com/paygate-go/paygate/status"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

type client struct {
	t     *testing.T
	srv   *vai247test.Server
	clock *sim.ManualClock
}

func newClient(t *testing.T) *client {
	clock := sim.NewManualClock(time.Now())
	srv := vai247test.NewServer(vai247test.Config{Clock: clock, WebhookSchedule: []time.Duration{time.Millisecond}})
	t.Cleanup(srv.Close)
	t.Cleanup(http.DefaultClient.CloseIdleConnections)
	return &client{t: t, srv: srv, clock: clock}
}

// do sends one request with valid headers unless edit changes them; it returns status and JSON.
func (c *client) do(method, path, body string, edit func(http.Header)) (int, map[string]any) {
	c.t.Helper()
	req, err := http.NewRequest(method, c.srv.URL+path, bytes.NewBufferString(body))
	require.NoError(c.t, err)
	req.Header.Set("X-App-Id", c.srv.AppID)
	req.Header.Set("X-Api-Key", c.srv.APIKey)
	req.Header.Set("X-Timestamp", strconv.FormatInt(c.clock.Now().Unix(), 10))
	req.Header.Set("Content-Type", "application/json")
	if edit != nil {
		edit(req.Header)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(c.t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil && resp.StatusCode != http.StatusInternalServerError {
		c.t.Fatalf("HTTP %d reply is not JSON: %s", resp.StatusCode, b)
	}
	return resp.StatusCode, m
}

func (c *client) create(amount, currency string) (int, map[string]any) {
	return c.do("POST", vai247test.PathCreate, `{"store_id":"`+c.srv.StoreID+`","amount":`+amount+`,"currency":"`+currency+`","reference_id":"ref-1"}`, nil)
}

func errCode(m map[string]any) string {
	e, _ := m["error"].(map[string]any)
	code, _ := e["code"].(string)
	return code
}

func TestAuthentication(t *testing.T) {
	c := newClient(t)
	for name, edit := range map[string]func(http.Header){
		"no app id": func(h http.Header) { h.Del("X-App-Id") },
		"wrong key": func(h http.Header) { h.Set("X-Api-Key", "nope") },
		"no time":   func(h http.Header) { h.Del("X-Timestamp") },
		"millis":    func(h http.Header) { h.Set("X-Timestamp", strconv.FormatInt(c.clock.Now().UnixMilli(), 10)) },
		"6 min old": func(h http.Header) {
			h.Set("X-Timestamp", strconv.FormatInt(c.clock.Now().Add(-6*time.Minute).Unix(), 10))
		},
		"6 min ahead": func(h http.Header) {
			h.Set("X-Timestamp", strconv.FormatInt(c.clock.Now().Add(6*time.Minute).Unix(), 10))
		},
	} {
		st, m := c.do("POST", vai247test.PathCreate, `{"store_id":"`+c.srv.StoreID+`","amount":1,"currency":"USD"}`, edit)
		assert.Equal(t, http.StatusUnauthorized, st, name)
		assert.Equal(t, "unauthorized", errCode(m), name)
		e := m["error"].(map[string]any)
		for _, f := range []string{"message", "details", "request_id", "timestamp"} {
			assert.Contains(t, e, f, "the error envelope has %s", f)
		}
	}
	st, _ := c.do("POST", vai247test.PathCreate, `{"store_id":"`+c.srv.StoreID+`","amount":1,"currency":"USD"}`,
		func(h http.Header) {
			h.Set("X-Timestamp", strconv.FormatInt(c.clock.Now().Add(-4*time.Minute).Unix(), 10))
		})
	assert.Equal(t, http.StatusOK, st, "4 minutes off is inside the window")
	assert.Empty(t, c.srv.Ledger().Orders("ref-1"), "refused requests create nothing")
}

func TestCreateValidation(t *testing.T) {
	tests := []struct {
		amount, currency string
		status           int
		code             string
	}{
		{"0.10", "USD", 200, ""},
		{"0.09", "USD", 400, "invalid_amount"},
		{"10000", "USD", 200, ""},
		{"10000.01", "USD", 400, "invalid_amount"},
		{"1.005", "USD", 400, "invalid_amount"},
		{`"1.00"`, "USD", 400, "invalid_request"},
		{"400", "KHR", 200, ""},
		{"399", "KHR", 400, "invalid_amount"},
		{"40000000", "KHR", 200, ""},
		{"40000001", "KHR", 400, "invalid_amount"},
		{"400.5", "KHR", 400, "invalid_amount"},
		{"1e3", "USD", 400, "invalid_amount"},
		{"10", "EUR", 400, "unsupported_currency"},
		{"10", "usd", 400, "unsupported_currency"},
	}
	c := newClient(t)
	for _, tt := range tests {
		st, m := c.create(tt.amount, tt.currency)
		assert.Equal(t, tt.status, st, "%s %s", tt.amount, tt.currency)
		assert.Equal(t, tt.code, errCode(m), "%s %s", tt.amount, tt.currency)
		if st == 200 {
			assert.Equal(t, "pending", m["status"])
			assert.NotEmpty(t, m["qr_code"])
			exp, err := time.Parse(time.RFC3339, m["expires_at"].(string))
			require.NoError(t, err)
			assert.WithinDuration(t, c.clock.Now().Add(30*time.Minute), exp, time.Second)
		}
	}
	st, m := c.do("POST", vai247test.PathCreate, `{"storeId":"`+c.srv.StoreID+`","amount":1,"currency":"USD"}`, nil)
	assert.Equal(t, 400, st, "camelCase is not this API's casing")
	assert.Equal(t, "invalid_request", errCode(m))
	st, _ = c.do("POST", vai247test.PathCreate, `{"store_id":"other","amount":1,"currency":"USD"}`, nil)
	assert.Equal(t, 400, st)
	st, m = c.do("POST", "/api/v1/nope", `{}`, nil)
	assert.Equal(t, 404, st)
	assert.Equal(t, "not_found", errCode(m))
	st, _ = c.do("GET", vai247test.PathCreate, ``, nil)
	assert.NotEqual(t, 200, st)
}

func TestCancelRulesFromTheSeed(t *testing.T) {
	c := newClient(t)
	ctx := context.Background()
	newOrder := func() string {
		st, m := c.create("5", "USD")
		require.Equal(t, 200, st)
		return m["order_id"].(string)
	}
	cancel := func(id string) (int, map[string]any) {
		return c.do("POST", vai247test.PathCancel, `{"order_id":"`+id+`","reason":"Customer changed mind"}`, nil)
	}
	id := newOrder()
	st, m := cancel(id)
	require.Equal(t, 200, st)
	assert.Equal(t, map[string]any{"order_id": id, "status": "cancelled", "cancelled_at": c.clock.Now().UTC().Format(time.RFC3339)}, m)
	st, m = cancel(id)
	assert.Equal(t, 409, st, "a cancelled order cannot be reinstated or cancelled again")
	assert.Equal(t, "invalid_order_state", errCode(m))

	id = newOrder()
	require.NoError(t, c.srv.Scan(id))
	st, _ = cancel(id)
	assert.Equal(t, 200, st, "processing orders can be cancelled")

	id = newOrder()
	require.NoError(t, c.srv.Settle(ctx, "ref-1", sim.Pay))
	st, m = cancel(id)
	assert.Equal(t, 409, st, "completed orders must be refunded instead")
	assert.Equal(t, "invalid_order_state", errCode(m))
	require.NoError(t, c.srv.Complete(id))
	st, _ = cancel(id)
	assert.Equal(t, 409, st)

	id = newOrder()
	c.srv.AdvanceClock(31 * time.Minute)
	st, _ = cancel(id)
	assert.Equal(t, 409, st, "an expired order")
	s, _ := c.srv.Status(id)
	assert.Equal(t, "expired", s)

	st, m = cancel("ord_missing")
	assert.Equal(t, 404, st)
	assert.Equal(t, "order_not_found", errCode(m))
}

func TestStateMachine(t *testing.T) {
	c := newClient(t)
	ctx := context.Background()
	st, m := c.create("5", "USD")
	require.Equal(t, 200, st)
	id := m["order_id"].(string)
	require.NoError(t, c.srv.Scan(id))
	require.NoError(t, c.srv.SettleOrder(ctx, id, sim.Fail))
	s, _ := c.srv.Status(id)
	assert.Equal(t, "failed", s)
	require.NoError(t, c.srv.Scan(id), "failed → processing when the customer tries again")
	require.NoError(t, c.srv.SettleOrder(ctx, id, sim.Pay))
	assert.Error(t, c.srv.SettleOrder(ctx, id, sim.Pay), "paid only once")
	assert.Error(t, c.srv.SettleOrder(ctx, id, sim.Expire))
	assert.Error(t, c.srv.SettleOrder(ctx, id, sim.RequireAction), "not a VAI247 move")
	assert.Equal(t, status.PaymentSucceeded, c.srv.Ledger().Orders("ref-1")[0].Status)

	st, m = c.create("5", "USD")
	require.Equal(t, 200, st)
	failed := m["order_id"].(string)
	require.NoError(t, c.srv.SettleOrder(ctx, failed, sim.Fail))
	c.srv.AdvanceClock(30 * time.Minute)
	s, _ = c.srv.Status(failed)
	assert.Equal(t, "cancelled", s, "a failed order is cancelled when its time runs out")

	st, m = c.do("GET", vai247test.PathInquire+"?transaction_id="+id, "", nil)
	require.Equal(t, 200, st)
	assert.Equal(t, "paid", m["status"])
	assert.Equal(t, id, m["order_id"])
	assert.Equal(t, "USD", m["currency"])
	assert.EqualValues(t, 5, m["amount"])
	st, m = c.do("GET", vai247test.PathInquire+"?transaction_id=nope", "", nil)
	assert.Equal(t, 404, st)
	assert.Equal(t, "order_not_found", errCode(m))
}

func TestRefundsUpToThePaidAmount(t *testing.T) {
	c := newClient(t)
	st, m := c.create("10.00", "USD")
	require.Equal(t, 200, st)
	id := m["order_id"].(string)
	refund := func(amount, ref string) (int, map[string]any) {
		return c.do("POST", vai247test.PathRefund, `{"order_id":"`+id+`","amount":`+amount+`,"reference_id":"`+ref+`"}`, nil)
	}
	st, m = refund("1", "r0")
	assert.Equal(t, 409, st, "not paid yet")
	assert.Equal(t, "invalid_order_state", errCode(m))
	require.NoError(t, c.srv.Settle(context.Background(), "ref-1", sim.Pay))
	st, m = refund("10.01", "r1")
	assert.Equal(t, 422, st)
	assert.Equal(t, "refund_amount_exceeded", errCode(m))
	st, m = refund("4.00", "r2")
	require.Equal(t, 200, st)
	assert.Equal(t, "completed", m["status"])
	s, _ := c.srv.Status(id)
	assert.Equal(t, "partially_refunded", s)
	st, _ = refund("6.01", "r3")
	assert.Equal(t, 422, st)
	st, _ = refund("6", "r4")
	assert.Equal(t, 200, st)
	s, _ = c.srv.Status(id)
	assert.Equal(t, "refunded", s)
	assert.Len(t, c.srv.Ledger().AllRefunds(), 2)
	assert.Len(t, c.srv.Ledger().Refunds("r2"), 1)
}

func TestFaultsAndCodes(t *testing.T) {
	c := newClient(t)
	c.srv.Inject(sim.Fault{Op: paygate.OpCreate, Kind: sim.ReplyCode, Code: "insufficient_funds"})
	st, m := c.create("5", "USD")
	assert.Equal(t, 422, st)
	assert.Equal(t, "insufficient_funds", errCode(m))
	for code, want := range vai247test.Codes {
		c.srv.Inject(sim.Fault{Op: paygate.OpCreate, Kind: sim.ReplyCode, Code: code})
		st, m := c.create("5", "USD")
		assert.Equal(t, want, st, code)
		assert.Equal(t, code, errCode(m))
	}
	c.srv.Inject(sim.Fault{Op: paygate.OpCreate, Kind: sim.ReplyCode, Code: "mystery"})
	st, _ = c.create("5", "USD")
	assert.Equal(t, 500, st)
	c.srv.Inject(sim.Fault{Op: paygate.OpCreate, Kind: sim.CorruptSignature})
	st, _ = c.create("5", "USD")
	assert.Equal(t, 500, st, "VAI247 does not sign responses")
	assert.Empty(t, c.srv.Ledger().Orders("ref-1"), "no strike processed the create (an unsupported corrupt-signature fault is refused first)")
	assert.Equal(t, len(vai247test.Codes)+3, c.srv.Ledger().Requests(paygate.OpCreate, "ref-1"))
}

// With no webhook secret configured the simulator makes one up, as VAI247's dashboard always has one,
// and signs every notification with it.
func TestWebhooksAreAlwaysSigned(t *testing.T) {
	got := make(chan *http.Request, 4)
	bodies := make(chan []byte, 4)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- r
		bodies <- b
		_, _ = w.Write([]byte(`{"status":"received"}`))
	}))
	defer hook.Close()
	c := newClient(t)
	other := vai247test.NewServer(vai247test.Config{})
	other.Close()
	require.NotEmpty(t, c.srv.WebhookSecret, "a secret is generated")
	assert.NotEqual(t, c.srv.WebhookSecret, other.WebhookSecret, "and random")
	c.srv.SetWebhookURL(hook.URL)
	st, m := c.create("5", "USD")
	require.Equal(t, 200, st)
	require.NoError(t, c.srv.SettleOrder(context.Background(), m["order_id"].(string), sim.Pay))
	r, body := <-got, <-bodies
	mac := hmac.New(sha256.New, []byte(c.srv.WebhookSecret))
	mac.Write(body)
	assert.Equal(t, hex.EncodeToString(mac.Sum(nil)), r.Header.Get("X-DVPay-Signature"))
	assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	require.NoError(t, c.srv.Webhooks().Wait(ctx))
}

func TestWebhookScheduleNames(t *testing.T) {
	s := vai247test.WebhookSchedule()
	assert.Equal(t, []time.Duration{time.Minute, 5 * time.Minute, 30 * time.Minute, 2 * time.Hour, 6 * time.Hour}, s)
	assert.Equal(t, s, vai247test.DefaultWebhookSchedule(), "the deprecated name is the same schedule")
}
