package stripetest

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/provider/sim"
	"github.com/paygate-go/paygate/status"
)

type tc struct {
	t     *testing.T
	srv   *Server
	clock *sim.ManualClock

	mu    sync.Mutex
	hooks []hook
	fail  int // webhook receiver answers 500 this many times first
}

type hook struct {
	sig  string
	body []byte
}

func newTC(t *testing.T, cfg Config) *tc {
	c := &tc{t: t, clock: sim.NewManualClock(time.Now())}
	cfg.Clock = c.clock
	if cfg.WebhookSchedule == nil {
		cfg.WebhookSchedule = []time.Duration{time.Millisecond, time.Millisecond, time.Millisecond}
	}
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		c.mu.Lock()
		defer c.mu.Unlock()
		c.hooks = append(c.hooks, hook{r.Header.Get("Stripe-Signature"), b})
		if c.fail > 0 {
			c.fail--
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(recv.Close)
	cfg.WebhookURL = recv.URL
	c.srv = NewServer(cfg)
	t.Cleanup(c.srv.Close)
	t.Cleanup(http.DefaultClient.CloseIdleConnections)
	return c
}

// do sends one request; form goes in the body of a POST and the query of a GET.
func (c *tc) do(method, path string, form url.Values, key string) (int, map[string]any, http.Header) {
	c.t.Helper()
	var body io.Reader
	u := c.srv.URL + path
	if method == http.MethodGet {
		if len(form) > 0 {
			u += "?" + form.Encode()
		}
	} else {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, u, body)
	require.NoError(c.t, err)
	req.Header.Set("Authorization", "Bearer "+c.srv.SecretKey)
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(c.t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(c.t, err)
	var m map[string]any
	require.NoError(c.t, json.Unmarshal(raw, &m), "%s", raw)
	return resp.StatusCode, m, resp.Header
}

func form(kv ...string) url.Values {
	f := url.Values{}
	for i := 0; i < len(kv); i += 2 {
		f.Add(kv[i], kv[i+1])
	}
	return f
}

func (c *tc) create(kv ...string) map[string]any {
	c.t.Helper()
	st, pi, _ := c.do("POST", "/v1/payment_intents", form(append([]string{"amount", "1000", "currency", "usd"}, kv...)...), "")
	require.Equal(c.t, 200, st, "%v", pi)
	return pi
}

func errOf(m map[string]any) map[string]any { e, _ := m["error"].(map[string]any); return e }

func TestAuthAndForm(t *testing.T) {
	c := newTC(t, Config{})
	for _, tt := range []struct {
		name, auth, ctype, body string
		want                    int
		code                    string
	}{
		{"no key", "", "application/x-www-form-urlencoded", "amount=100&currency=usd", 401, ""},
		{"wrong key", "Bearer sk_test_wrong", "application/x-www-form-urlencoded", "amount=100&currency=usd", 401, ""},
		{"basic", "basic", "application/x-www-form-urlencoded", "amount=100&currency=usd", 200, ""},
		{"json body", "bearer", "application/json", `{"amount":100}`, 400, ""},
		{"no content type", "bearer", "", "amount=100&currency=usd", 400, ""},
		{"unknown param", "bearer", "application/x-www-form-urlencoded", "amount=100&currency=usd&colour=red", 400, "parameter_unknown"},
		{"missing amount", "bearer", "application/x-www-form-urlencoded", "currency=usd", 400, "parameter_missing"},
		{"too small", "bearer", "application/x-www-form-urlencoded", "amount=49&currency=usd", 400, "amount_too_small"},
		{"too large", "bearer", "application/x-www-form-urlencoded", "amount=100000000&currency=usd", 400, "amount_too_large"},
		{"not an integer", "bearer", "application/x-www-form-urlencoded", "amount=10.5&currency=usd", 400, "parameter_invalid_integer"},
		{"three-decimal needs 0", "bearer", "application/x-www-form-urlencoded", "amount=1005&currency=kwd", 400, ""},
		{"three-decimal ok", "bearer", "application/x-www-form-urlencoded", "amount=1000&currency=kwd", 200, ""},
		{"ISK whole krónur", "bearer", "application/x-www-form-urlencoded", "amount=1050&currency=isk", 400, ""},
		{"ISK two decimals", "bearer", "application/x-www-form-urlencoded", "amount=1000&currency=isk", 200, ""},
		{"zero-decimal", "bearer", "application/x-www-form-urlencoded", "amount=50&currency=jpy", 200, ""},
		{"upper-case currency", "bearer", "application/x-www-form-urlencoded", "amount=100&currency=USD", 400, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest("POST", c.srv.URL+"/v1/payment_intents", strings.NewReader(tt.body))
			switch tt.auth {
			case "bearer":
				req.Header.Set("Authorization", "Bearer "+c.srv.SecretKey)
			case "basic":
				req.SetBasicAuth(c.srv.SecretKey, "")
			case "":
			default:
				req.Header.Set("Authorization", tt.auth)
			}
			if tt.ctype != "" {
				req.Header.Set("Content-Type", tt.ctype)
			}
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			var m map[string]any
			require.NoError(t, json.NewDecoder(resp.Body).Decode(&m))
			assert.Equal(t, tt.want, resp.StatusCode, "%v", m)
			if tt.code != "" {
				assert.Equal(t, tt.code, errOf(m)["code"])
			}
			assert.NotContains(t, resp.Header.Get("Content-Type"), "html")
		})
	}
	ledgerAmounts := c.srv.Ledger().AllOrders()
	require.Len(t, ledgerAmounts, 4, "only accepted creates made orders")
	assert.Equal(t, "1.000 KWD", ledgerAmounts[1].Amount.String(), "three decimals")
	assert.Equal(t, "10 ISK", ledgerAmounts[2].Amount.String(), "ISK is written with two decimals")
	assert.Equal(t, "50 JPY", ledgerAmounts[3].Amount.String())
}

func TestLifecycles(t *testing.T) {
	c := newTC(t, Config{})
	t.Run("confirm with a card that succeeds", func(t *testing.T) {
		pi := c.create("confirm", "true", "payment_method", "pm_card_visa", "metadata[paygate_payment_request_id]", "p1")
		assert.Equal(t, "succeeded", pi["status"])
		assert.EqualValues(t, 1000, pi["amount_received"])
		st, got, _ := c.do("GET", "/v1/payment_intents/"+pi["id"].(string), form("expand[]", "latest_charge"), "")
		require.Equal(t, 200, st)
		ch := got["latest_charge"].(map[string]any)
		assert.EqualValues(t, 1000, ch["amount_captured"])
		assert.Equal(t, true, ch["captured"])
		o := c.srv.Ledger().Orders("p1")
		require.Len(t, o, 1)
		assert.Equal(t, status.PaymentSucceeded, o[0].Status)
	})
	for _, tt := range []struct{ pm, code, decline string }{
		{"pm_card_chargeDeclined", "card_declined", "generic_decline"},
		{"pm_card_chargeDeclinedInsufficientFunds", "card_declined", "insufficient_funds"},
		{"pm_card_chargeDeclinedFraudulent", "card_declined", "fraudulent"},
		{"pm_card_chargeDeclinedExpiredCard", "expired_card", "expired_card"},
	} {
		t.Run("decline "+tt.pm, func(t *testing.T) {
			st, m, _ := c.do("POST", "/v1/payment_intents", form("amount", "1000", "currency", "usd", "confirm", "true", "payment_method", tt.pm), "")
			assert.Equal(t, 402, st)
			e := errOf(m)
			assert.Equal(t, "card_error", e["type"])
			assert.Equal(t, tt.code, e["code"])
			assert.Equal(t, tt.decline, e["decline_code"])
			pi := e["payment_intent"].(map[string]any)
			assert.Equal(t, "requires_payment_method", pi["status"])
			assert.NotNil(t, pi["last_payment_error"])
		})
	}
	t.Run("3DS, alipay, wechat require an action", func(t *testing.T) {
		pi := c.create("confirm", "true", "payment_method", "pm_card_authenticationRequired", "return_url", "https://m.example/back")
		assert.Equal(t, "requires_action", pi["status"])
		na := pi["next_action"].(map[string]any)
		assert.Equal(t, "redirect_to_url", na["type"])
		assert.Equal(t, "https://m.example/back", na["redirect_to_url"].(map[string]any)["return_url"])
		pi = c.create("confirm", "true", "payment_method_data[type]", "alipay", "return_url", "https://m.example/back")
		assert.Equal(t, "alipay_handle_redirect", pi["next_action"].(map[string]any)["type"])
		pi = c.create("confirm", "true", "payment_method_data[type]", "wechat_pay")
		assert.Equal(t, "wechat_pay_display_qr_code", pi["next_action"].(map[string]any)["type"])
	})
	t.Run("manual capture, partial", func(t *testing.T) {
		pi := c.create("capture_method", "manual", "metadata[paygate_payment_request_id]", "m1")
		id := pi["id"].(string)
		st, m, _ := c.do("POST", "/v1/payment_intents/"+id+"/capture", nil, "k-early")
		assert.Equal(t, 400, st)
		assert.Equal(t, "payment_intent_unexpected_state", errOf(m)["code"])
		require.NoError(t, c.srv.Settle(context.Background(), "m1", sim.Pay))
		assert.Equal(t, status.PaymentAuthorized, c.srv.Ledger().Orders("m1")[0].Status)
		assert.Equal(t, paygate.CaptureManual, c.srv.Ledger().Orders("m1")[0].CaptureMode)
		st, m, _ = c.do("POST", "/v1/payment_intents/"+id+"/capture", form("amount_to_capture", "1001"), "k-over")
		assert.Equal(t, 400, st)
		assert.Equal(t, "amount_too_large", errOf(m)["code"])
		st, m, _ = c.do("POST", "/v1/payment_intents/"+id+"/capture", form("amount_to_capture", "600"), "k-cap")
		require.Equal(t, 200, st, "%v", m)
		assert.Equal(t, "succeeded", m["status"])
		assert.EqualValues(t, 600, m["amount_received"])
		assert.EqualValues(t, 0, m["amount_capturable"])
		caps := c.srv.Ledger().Captures(id)
		require.Len(t, caps, 1)
		assert.Equal(t, "k-cap", caps[0].RequestID)
		assert.Equal(t, "6.00 USD", caps[0].Amount.String())
		st, m, _ = c.do("POST", "/v1/payment_intents/"+id+"/capture", nil, "k-again")
		assert.Equal(t, 400, st)
		assert.Equal(t, "payment_intent_unexpected_state", errOf(m)["code"])
		// refunds: at most what was captured
		st, m, _ = c.do("POST", "/v1/refunds", form("payment_intent", id, "amount", "601"), "")
		assert.Equal(t, 400, st)
		assert.Equal(t, "amount_too_large", errOf(m)["code"])
		st, m, _ = c.do("POST", "/v1/refunds", form("payment_intent", id, "amount", "200", "metadata[paygate_refund_request_id]", "r1"), "")
		require.Equal(t, 200, st, "%v", m)
		assert.Equal(t, "succeeded", m["status"])
		st, m, _ = c.do("POST", "/v1/refunds", form("payment_intent", id), "")
		require.Equal(t, 200, st)
		assert.EqualValues(t, 400, m["amount"], "the rest")
		st, m, _ = c.do("POST", "/v1/refunds", form("payment_intent", id, "amount", "1"), "")
		assert.Equal(t, 400, st)
		assert.Equal(t, "charge_already_refunded", errOf(m)["code"])
		require.Len(t, c.srv.Ledger().Refunds("r1"), 1)
		st, m, _ = c.do("GET", "/v1/refunds", form("payment_intent", id, "limit", "1"), "")
		require.Equal(t, 200, st)
		assert.Equal(t, true, m["has_more"])
		first := m["data"].([]any)[0].(map[string]any)
		assert.EqualValues(t, 400, first["amount"], "newest first")
		st, m, _ = c.do("GET", "/v1/refunds", form("payment_intent", id, "starting_after", first["id"].(string)), "")
		require.Equal(t, 200, st)
		assert.EqualValues(t, 200, m["data"].([]any)[0].(map[string]any)["amount"])
		st, m, _ = c.do("GET", "/v1/refunds/"+first["id"].(string), nil, "")
		require.Equal(t, 200, st)
		assert.Equal(t, first["id"], m["id"])
		st, _, _ = c.do("GET", "/v1/refunds/re_nope", nil, "")
		assert.Equal(t, 404, st)
		st, m, _ = c.do("GET", "/v1/payment_intents/"+id, form("expand[]", "latest_charge"), "")
		require.Equal(t, 200, st)
		ch := m["latest_charge"].(map[string]any)
		assert.EqualValues(t, 600, ch["amount_refunded"])
		assert.Equal(t, true, ch["refunded"])
	})
	t.Run("void and refund of an authorization", func(t *testing.T) {
		pi := c.create("capture_method", "manual", "metadata[paygate_payment_request_id]", "v1")
		id := pi["id"].(string)
		require.NoError(t, c.srv.SettleOrder(context.Background(), id, sim.Pay))
		st, m, _ := c.do("POST", "/v1/refunds", form("payment_intent", id), "")
		assert.Equal(t, 400, st)
		assert.Equal(t, "payment_intent_unexpected_state", errOf(m)["code"])
		st, m, _ = c.do("POST", "/v1/payment_intents/"+id+"/cancel", form("cancellation_reason", "requested_by_customer"), "")
		require.Equal(t, 200, st)
		assert.Equal(t, "canceled", m["status"])
		assert.Equal(t, status.PaymentCanceled, c.srv.Ledger().Orders("v1")[0].Status)
		st, m, _ = c.do("POST", "/v1/payment_intents/"+id+"/cancel", nil, "")
		assert.Equal(t, 400, st)
		assert.Equal(t, "payment_intent_unexpected_state", errOf(m)["code"])
		st, m, _ = c.do("POST", "/v1/payment_intents/"+id+"/cancel", form("cancellation_reason", "expired"), "")
		assert.Equal(t, 400, st, "expired is set by Stripe, not a cancel parameter: %v", m)
	})
	t.Run("settlements", func(t *testing.T) {
		for _, tt := range []struct {
			st     sim.Settlement
			want   string
			reason any
		}{{sim.Pay, "succeeded", nil}, {sim.Fail, "requires_payment_method", nil}, {sim.Expire, "canceled", "expired"}, {sim.RequireAction, "requires_action", nil}} {
			pi := c.create()
			require.NoError(t, c.srv.SettleOrder(context.Background(), pi["id"].(string), tt.st))
			_, m, _ := c.do("GET", "/v1/payment_intents/"+pi["id"].(string), nil, "")
			assert.Equal(t, tt.want, m["status"], tt.st)
			assert.Equal(t, tt.reason, m["cancellation_reason"], tt.st)
		}
		assert.Error(t, c.srv.Settle(context.Background(), "none", sim.Pay))
	})
	t.Run("7-day lapse", func(t *testing.T) {
		pi := c.create("capture_method", "manual")
		id := pi["id"].(string)
		require.NoError(t, c.srv.SettleOrder(context.Background(), id, sim.Pay))
		c.srv.AdvanceClock(AuthorizationLapse - time.Second)
		_, m, _ := c.do("GET", "/v1/payment_intents/"+id, nil, "")
		assert.Equal(t, "requires_capture", m["status"])
		c.srv.AdvanceClock(time.Second)
		_, m, _ = c.do("GET", "/v1/payment_intents/"+id, nil, "")
		assert.Equal(t, "canceled", m["status"])
		assert.Equal(t, "automatic", m["cancellation_reason"])
	})
	t.Run("unknown intent and route", func(t *testing.T) {
		st, m, _ := c.do("GET", "/v1/payment_intents/pi_nope", nil, "")
		assert.Equal(t, 404, st)
		assert.Equal(t, "resource_missing", errOf(m)["code"])
		st, _, _ = c.do("GET", "/v1/charges", nil, "")
		assert.Equal(t, 404, st)
	})
}

func TestSearchLag(t *testing.T) {
	c := newTC(t, Config{SearchLag: time.Minute})
	pi := c.create("metadata[paygate_payment_request_id]", "s1", "metadata[other]", "x")
	q := form("query", "metadata['paygate_payment_request_id']:'s1'")
	_, m, _ := c.do("GET", "/v1/payment_intents/search", q, "")
	assert.Empty(t, m["data"], "not indexed yet")
	c.clock.Advance(time.Minute)
	require.NoError(t, c.srv.Settle(context.Background(), "s1", sim.Pay))
	_, m, _ = c.do("GET", "/v1/payment_intents/search", q, "")
	require.Len(t, m["data"], 1)
	got := m["data"].([]any)[0].(map[string]any)
	assert.Equal(t, pi["id"], got["id"])
	assert.Equal(t, "requires_payment_method", got["status"], "the index lags the payment")
	c.clock.Advance(time.Minute)
	_, m, _ = c.do("GET", "/v1/payment_intents/search", form("query", `metadata["other"]:"x" AND metadata['paygate_payment_request_id']:'s1'`), "")
	require.Len(t, m["data"], 1)
	assert.Equal(t, "succeeded", m["data"].([]any)[0].(map[string]any)["status"])
	st, _, _ := c.do("GET", "/v1/payment_intents/search", form("query", "status:'succeeded'"), "")
	assert.Equal(t, 400, st)
	for range 2 {
		c.create("metadata[k]", "many")
	}
	c.clock.Advance(time.Minute)
	_, m, _ = c.do("GET", "/v1/payment_intents/search", form("query", "metadata['k']:'many'", "limit", "1"), "")
	assert.Equal(t, true, m["has_more"])
	_, m2, _ := c.do("GET", "/v1/payment_intents/search", form("query", "metadata['k']:'many'", "limit", "1", "page", m["next_page"].(string)), "")
	assert.Equal(t, false, m2["has_more"])
	assert.NotEqual(t, m["data"], m2["data"])
}

func TestIdempotency(t *testing.T) {
	c := newTC(t, Config{})
	f := form("amount", "1000", "currency", "usd", "metadata[paygate_payment_request_id]", "i1")
	st, a, h := c.do("POST", "/v1/payment_intents", f, "key-1")
	require.Equal(t, 200, st)
	assert.Empty(t, h.Get("Idempotent-Replayed"))
	st, b, h := c.do("POST", "/v1/payment_intents", f, "key-1")
	require.Equal(t, 200, st)
	assert.Equal(t, "true", h.Get("Idempotent-Replayed"))
	assert.Equal(t, a, b)
	assert.Len(t, c.srv.Ledger().Orders("i1"), 1)
	st, m, _ := c.do("POST", "/v1/payment_intents", form("amount", "1001", "currency", "usd"), "key-1")
	assert.Equal(t, 400, st)
	assert.Equal(t, "idempotency_error", errOf(m)["type"])

	t.Run("a saved decline", func(t *testing.T) {
		df := form("amount", "1000", "currency", "usd", "confirm", "true", "payment_method", "pm_card_chargeDeclined")
		st, a, _ := c.do("POST", "/v1/payment_intents", df, "key-d")
		require.Equal(t, 402, st)
		st, b, h := c.do("POST", "/v1/payment_intents", df, "key-d")
		assert.Equal(t, 402, st)
		assert.Equal(t, "true", h.Get("Idempotent-Replayed"))
		assert.Equal(t, a, b)
	})
	t.Run("validation is not saved", func(t *testing.T) {
		st, _, _ := c.do("POST", "/v1/payment_intents", form("amount", "10", "currency", "usd"), "key-v")
		require.Equal(t, 400, st)
		st, _, _ = c.do("POST", "/v1/payment_intents", form("amount", "1000", "currency", "usd"), "key-v")
		assert.Equal(t, 200, st, "the key was free again")
	})
	t.Run("a saved 500 (ReplyCode api_error)", func(t *testing.T) {
		c.srv.Inject(sim.Fault{Op: paygate.OpCreate, Kind: sim.ReplyCode, Code: "api_error"})
		ef := form("amount", "1000", "currency", "usd", "metadata[paygate_payment_request_id]", "i500")
		st, m, _ := c.do("POST", "/v1/payment_intents", ef, "key-500")
		require.Equal(t, 500, st)
		assert.Equal(t, "api_error", errOf(m)["type"])
		st, _, h := c.do("POST", "/v1/payment_intents", ef, "key-500")
		assert.Equal(t, 500, st, "replayed")
		assert.Equal(t, "true", h.Get("Idempotent-Replayed"))
		assert.Empty(t, c.srv.Ledger().Orders("i500"))
		c.clock.Advance(24 * time.Hour)
		st, _, _ = c.do("POST", "/v1/payment_intents", ef, "key-500")
		assert.Equal(t, 200, st, "after 24 h the key is pruned and the request executes")
		assert.Len(t, c.srv.Ledger().Orders("i500"), 1)
	})
	t.Run("ReplyStatus is not saved", func(t *testing.T) {
		c.srv.Inject(sim.Fault{Op: paygate.OpCreate, Kind: sim.ReplyStatus, Status: 503})
		sf := form("amount", "1000", "currency", "usd", "metadata[paygate_payment_request_id]", "i503")
		req, _ := http.NewRequest("POST", c.srv.URL+"/v1/payment_intents", strings.NewReader(sf.Encode()))
		req.Header.Set("Authorization", "Bearer "+c.srv.SecretKey)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Idempotency-Key", "key-503")
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, 503, resp.StatusCode)
		st, _, h := c.do("POST", "/v1/payment_intents", sf, "key-503")
		assert.Equal(t, 200, st)
		assert.Empty(t, h.Get("Idempotent-Replayed"))
	})
	t.Run("409 while in use", func(t *testing.T) {
		release, entered := make(chan struct{}), make(chan struct{})
		var once sync.Once
		c.srv.mu.Lock()
		c.srv.beforeExecute = func() { once.Do(func() { close(entered); <-release }) }
		c.srv.mu.Unlock()
		uf := form("amount", "1000", "currency", "usd")
		done := make(chan int)
		go func() {
			st, _, _ := c.do("POST", "/v1/payment_intents", uf, "key-busy")
			done <- st
		}()
		<-entered
		st, m, _ := c.do("POST", "/v1/payment_intents", uf, "key-busy")
		assert.Equal(t, 409, st)
		assert.Equal(t, "idempotency_key_in_use", errOf(m)["code"])
		close(release)
		assert.Equal(t, 200, <-done)
		c.srv.mu.Lock()
		c.srv.beforeExecute = nil
		c.srv.mu.Unlock()
	})
}

func TestFaults(t *testing.T) {
	c := newTC(t, Config{})
	for _, k := range Faults() {
		t.Run(k.String(), func(t *testing.T) {
			c.srv.ClearFaults()
			id := "f-" + k.String()
			f := form("amount", "1000", "currency", "usd", "metadata[paygate_payment_request_id]", id)
			c.srv.Inject(sim.Fault{Op: paygate.OpCreate, Kind: k, Code: "card_declined", Status: 500, Delay: 2 * time.Second})
			req, _ := http.NewRequest("POST", c.srv.URL+"/v1/payment_intents", strings.NewReader(f.Encode()))
			req.Header.Set("Authorization", "Bearer "+c.srv.SecretKey)
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Idempotency-Key", "fk-"+id)
			cl := &http.Client{Timeout: 300 * time.Millisecond}
			resp, err := cl.Do(req)
			if err == nil {
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				switch k {
				case sim.ReplyStatus:
					assert.Equal(t, 500, resp.StatusCode)
				case sim.ReplyCode:
					assert.Equal(t, 402, resp.StatusCode)
				case sim.CorruptBody:
					assert.Error(t, json.Unmarshal(b, new(any)))
				}
			} else {
				assert.Contains(t, []sim.FaultKind{sim.DropBeforeProcessing, sim.LoseReply, sim.DelayReply}, k, "%v", err)
			}
			n := len(c.srv.Ledger().Orders(id))
			if k.Processes() {
				assert.Equal(t, 1, n)
			} else {
				assert.Zero(t, n)
			}
			// a resend with the key: executed faults are replayed, never a second intent
			st, _, _ := c.do("POST", "/v1/payment_intents", f, "fk-"+id)
			if k == sim.ReplyCode {
				assert.Equal(t, 402, st, "a decline answered under the key is saved")
			} else {
				assert.Equal(t, 200, st)
			}
			assert.LessOrEqual(t, len(c.srv.Ledger().Orders(id)), 1)
			assert.GreaterOrEqual(t, c.srv.Ledger().Requests(paygate.OpCreate, id), 2, "net/http itself resends a POST with Idempotency-Key after a lost reply")
		})
	}
}

// verify is an independent check of a Stripe-Signature header: every v1 that is the HMAC of t.body.
func verify(header string, body []byte, secret string) bool {
	var ts string
	var sigs []string
	for _, p := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(p, "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			sigs = append(sigs, v)
		}
	}
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts + "." + string(body)))
	want := hex.EncodeToString(m.Sum(nil))
	return ts != "" && slices.Contains(sigs, want)
}

func (c *tc) waitHooks() []hook {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	require.NoError(c.t, c.srv.Webhooks().Wait(ctx))
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.hooks)
}

// sentTypes are the event types in the order the simulator sent them (deliveries run concurrently,
// so arrival order is not theirs).
func (c *tc) sentTypes() []string {
	c.waitHooks()
	var hs []hook
	for _, d := range c.srv.Webhooks().Deliveries() {
		hs = append(hs, hook{body: d.Body})
	}
	return typesOf(hs)
}

func typesOf(hs []hook) []string {
	var out []string
	for _, h := range hs {
		var e struct{ Type string }
		_ = json.Unmarshal(h.body, &e)
		out = append(out, e.Type)
	}
	return out
}

func TestWebhooks(t *testing.T) {
	t.Run("signed, in order, retried until 2xx", func(t *testing.T) {
		c := newTC(t, Config{})
		c.fail = 1
		pi := c.create("capture_method", "manual", "metadata[paygate_payment_request_id]", "w1")
		require.NoError(t, c.srv.Settle(context.Background(), "w1", sim.Pay))
		_, _, _ = c.do("POST", "/v1/payment_intents/"+pi["id"].(string)+"/capture", nil, "cap-w1")
		_, _, _ = c.do("POST", "/v1/refunds", form("payment_intent", pi["id"].(string)), "")
		hs := c.waitHooks()
		for _, h := range hs {
			assert.True(t, verify(h.sig, h.body, c.srv.WebhookSecret), "signature %s", h.sig)
			assert.False(t, verify(h.sig, h.body, "whsec_other"))
		}
		assert.Len(t, hs, 6, "five events, one retried after a 500")
		assert.Equal(t, []string{"payment_intent.created", "payment_intent.amount_capturable_updated", "payment_intent.succeeded",
			"refund.created", "charge.refunded"}, c.sentTypes())
		tries := 0
		for _, d := range c.srv.Webhooks().Deliveries() {
			assert.True(t, d.Acked)
			tries += len(d.Attempts)
		}
		assert.Equal(t, 6, tries)
	})
	t.Run("rotation signs with both secrets", func(t *testing.T) {
		c := newTC(t, Config{})
		old := c.srv.WebhookSecret
		newer := c.srv.RotateWebhookSecret()
		c.create()
		hs := c.waitHooks()
		require.Len(t, hs, 1)
		assert.Equal(t, 2, strings.Count(hs[0].sig, "v1="))
		assert.True(t, verify(hs[0].sig, hs[0].body, old))
		assert.True(t, verify(hs[0].sig, hs[0].body, newer))
		c.srv.ExpireOldWebhookSecret()
		c.create()
		hs = c.waitHooks()
		assert.False(t, verify(hs[1].sig, hs[1].body, old))
		assert.True(t, verify(hs[1].sig, hs[1].body, newer))
	})
	t.Run("reorder swaps pairs", func(t *testing.T) {
		c := newTC(t, Config{Reorder: true, ReorderHold: time.Hour})
		c.create("metadata[paygate_payment_request_id]", "r1")
		require.NoError(t, c.srv.Settle(context.Background(), "r1", sim.Pay))
		assert.Equal(t, []string{"payment_intent.succeeded", "payment_intent.created"}, c.sentTypes())
	})
	t.Run("a lone held event goes out after the hold", func(t *testing.T) {
		c := newTC(t, Config{Reorder: true, ReorderHold: 10 * time.Millisecond})
		c.create()
		require.Eventually(t, func() bool { return len(c.waitHooks()) == 1 }, 2*time.Second, 10*time.Millisecond)
	})
	t.Run("pending refunds settle", func(t *testing.T) {
		c := newTC(t, Config{PendingRefunds: true})
		pi := c.create("confirm", "true", "payment_method", "pm_card_visa")
		_, rf, _ := c.do("POST", "/v1/refunds", form("payment_intent", pi["id"].(string)), "")
		assert.Equal(t, "pending", rf["status"])
		require.NoError(t, c.srv.SettleRefund(rf["id"].(string), false))
		_, got, _ := c.do("GET", "/v1/refunds/"+rf["id"].(string), nil, "")
		assert.Equal(t, "failed", got["status"])
		_, rf2, _ := c.do("POST", "/v1/refunds", form("payment_intent", pi["id"].(string)), "")
		require.NoError(t, c.srv.SettleRefund(rf2["id"].(string), true))
		assert.Contains(t, typesOf(c.waitHooks()), "refund.failed")
		assert.Contains(t, typesOf(c.waitHooks()), "refund.updated")
	})
}

func TestSpec(t *testing.T) {
	sp := Spec()
	assert.Equal(t, "stripe", sp.Name)
	assert.True(t, sp.DashboardWebhook)
	assert.Contains(t, Codes, sp.FailoverCode)
	assert.Contains(t, Codes, sp.UnknownCode)
	assert.NotContains(t, sp.Chaos.Faults, sim.CorruptSignature)
	inst, err := sp.Start(sim.StartOptions{WebhookSpeedup: 1000})
	require.NoError(t, err)
	defer inst.Close()
	env := inst.Env()
	assert.Equal(t, inst.BaseURL(), env["STRIPE_BASE_URL"])
	assert.True(t, strings.HasPrefix(env["STRIPE_SECRET_KEY"], "sk_test_"))
	assert.True(t, strings.HasPrefix(env["STRIPE_WEBHOOK_SECRET"], "whsec_"))
	f, err := inst.File()
	require.NoError(t, err)
	b, err := json.Marshal(f)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"secret_key"`)
	assert.Len(t, WebhookSchedule(), 12)
	var total time.Duration
	for _, d := range WebhookSchedule() {
		total += d
	}
	assert.LessOrEqual(t, total, 72*time.Hour, "Stripe retries for up to three days")
}
