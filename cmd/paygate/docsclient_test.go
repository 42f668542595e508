package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

// docsSimFile is what the docs-only client reads from the file `paygate sim --out` writes.
type docsSimFile struct {
	ControlURL string `json:"control_url"`
	// Control describes the control API in the file itself, so a client in any language finds out
	// how to play the customer (and that "authorize" holds a manual-capture payment's money).
	Control struct {
		Settle string `json:"settle"`
	} `json:"control"`
	Waffo struct {
		BaseURL    string `json:"base_url"`
		APIKey     string `json:"api_key"`
		MerchantID string `json:"merchant_id"`
		// Waffo's docs and dashboard give keys as bare base64 DER, so the docs client reads that form.
		MerchantPrivateKey string `json:"merchant_private_key_der_base64"`
		WaffoPublicKey     string `json:"waffo_public_key_der_base64"`
	} `json:"waffo"`
	Antom struct {
		BaseURL            string `json:"base_url"`
		ClientID           string `json:"client_id"`
		MerchantPrivateKey string `json:"merchant_private_key"`
		AntomPublicKey     string `json:"antom_public_key"`
		KeyVersion         string `json:"key_version"`
		PaymentMethodType  string `json:"payment_method_type"`
	} `json:"antom"`
	VAI247 struct {
		BaseURL       string `json:"base_url"`
		AppID         string `json:"app_id"`
		APIKey        string `json:"api_key"`
		APISecret     string `json:"api_secret"`
		StoreID       string `json:"store_id"`
		WebhookSecret string `json:"webhook_secret"`
		RefundSigning bool   `json:"refund_signing"`
	} `json:"vai247"`
}

// TestSimServesDocsOnlyClient runs `paygate sim` and drives each simulator with a client written only
// from the providers' public docs (docsclient_client_test.go): a payment that is paid, inquired and
// partly refunded, and a second one that is cancelled unpaid; and, at Waffo and Antom, a payment
// authorized now and captured later (docsclient_capture_test.go). Every signature the docs promise on
// responses and webhooks is verified.
func TestSimServesDocsOnlyClient(t *testing.T) {
	// No goroutine may outlive the test: registered first, this runs after every other cleanup.
	ignore := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, ignore) })
	hooks := newDocsWebhooks(t)

	path := filepath.Join(t.TempDir(), "sim.json")
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr bytes.Buffer // read only after run returned
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"sim", "--out", path, "--vai247-webhook-url", hooks.url + "/vai247/webhook"},
			&stdout, &stderr, func(string) string { return "" })
	}()
	stopped := false
	stop := func() int {
		stopped = true
		cancel()
		select {
		case code := <-done:
			return code
		case <-time.After(15 * time.Second):
			t.Fatal("paygate sim did not stop within 15 s of its context's cancellation")
			return -1
		}
	}
	t.Cleanup(func() {
		if !stopped {
			stop()
		}
	})

	f := waitForDocsSimFile(t, path, done)
	hooks.configure(t, f)
	hc := newDocsHTTPClient()
	t.Cleanup(hc.CloseIdleConnections)

	for _, tc := range []struct {
		name     string
		scenario func(t *testing.T, ctx context.Context, hc *http.Client, f docsSimFile, hooks *docsWebhooks)
	}{
		{"waffo", docsWaffoScenario},
		{"antom", docsAntomScenario},
		{"vai247", docsVAI247Scenario},
		{"waffo-capture", docsWaffoCaptureScenario},
		{"antom-capture", docsAntomCaptureScenario},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
			defer cancel()
			tc.scenario(t, ctx, hc, f, hooks)
		})
	}

	hc.CloseIdleConnections()
	code := stop()
	require.Equal(t, exitOK, code, "paygate sim exit code; stderr:\n%s", stderr.String())
	assert.Contains(t, stdout.String(), "paygate simulators stopped")
	_, err := os.Stat(path)
	require.ErrorIs(t, err, fs.ErrNotExist, "paygate sim must remove its --out file when it stops")
	assert.Empty(t, hooks.failures(), "webhooks that did not follow the docs")
}

func waitForDocsSimFile(t *testing.T, path string, done <-chan int) docsSimFile {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		select {
		case code := <-done:
			t.Fatalf("paygate sim returned %d before writing %s", code, path)
		default:
		}
		if b, err := os.ReadFile(path); err == nil && len(b) > 0 && json.Valid(b) {
			var f docsSimFile
			require.NoError(t, json.Unmarshal(b, &f))
			require.NotEmpty(t, f.ControlURL)
			return f
		}
		if time.Now().After(deadline) {
			t.Fatalf("paygate sim did not write %s within 10 s", path)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// docsSettle plays the customer through the simulators' control API.
func docsSettle(t *testing.T, ctx context.Context, hc *http.Client, f docsSimFile, provider, paymentRequestID, result string) {
	t.Helper()
	body, err := json.Marshal(map[string]string{"provider": provider, "payment_request_id": paymentRequestID, "result": result})
	require.NoError(t, err)
	req, err := http.NewRequest(http.MethodPost, f.ControlURL+"/settle", bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	resp, raw, err := docsDo(ctx, hc, req)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode, "settle %s %s: %s", provider, paymentRequestID, raw)
	require.JSONEq(t, `{"ok":true}`, string(raw))
}

// docsFault injects one fault through the simulators' control API.
func docsFault(t *testing.T, ctx context.Context, hc *http.Client, f docsSimFile, provider, op, kind string) {
	t.Helper()
	body, err := json.Marshal(map[string]any{"provider": provider, "op": op, "kind": kind, "times": 1})
	require.NoError(t, err)
	req, err := http.NewRequest(http.MethodPost, f.ControlURL+"/fault", bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	resp, raw, err := docsDo(ctx, hc, req)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode, "fault %s %s %s: %s", provider, op, kind, raw)
}

var (
	docsOtherKeyOnce sync.Once
	docsOtherKeyVal  *rsa.PrivateKey
	docsOtherKeyErr  error
)

// docsOtherKey is an RSA key the simulators do not know.
func docsOtherKey(t *testing.T) *rsa.PrivateKey {
	docsOtherKeyOnce.Do(func() { docsOtherKeyVal, docsOtherKeyErr = rsa.GenerateKey(rand.Reader, 2048) })
	require.NoError(t, docsOtherKeyErr)
	return docsOtherKeyVal
}

// docsPoll calls step every 50 ms until it is done, fails or 5 s pass.
func docsPoll(t *testing.T, what string, step func() (bool, error)) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		done, err := step()
		require.NoError(t, err)
		if done {
			return
		}
		require.False(t, time.Now().After(deadline), what)
		time.Sleep(50 * time.Millisecond)
	}
}

// docsID is a fresh id of at most 32 characters (Waffo's limit; Antom allows 64).
func docsID(prefix string) string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return prefix + hex.EncodeToString(b[:])
}

func docsWaffoScenario(t *testing.T, ctx context.Context, hc *http.Client, f docsSimFile, hooks *docsWebhooks) {
	key, err := parseDocsPrivateKey(f.Waffo.MerchantPrivateKey)
	require.NoError(t, err)
	pub, err := parseDocsPublicKey(f.Waffo.WaffoPublicKey)
	require.NoError(t, err)
	c := &waffoDocsClient{hc: hc, baseURL: f.Waffo.BaseURL, apiKey: f.Waffo.APIKey, merchantID: f.Waffo.MerchantID, key: key, waffoKey: pub}
	notify := hooks.url + "/waffo/notify"

	// Create, pay, inquire.
	prid := docsID("dc-wf-")
	o, err := c.createOrder(ctx, prid, "USD", "10.00", notify)
	require.NoError(t, err)
	assert.Equal(t, prid, o.PaymentRequestID)
	assert.Equal(t, "mo-"+prid, o.MerchantOrderID)
	require.NotEmpty(t, o.AcquiringOrderID)
	assert.Contains(t, []string{"PAY_IN_PROGRESS", "AUTHORIZATION_REQUIRED"}, o.OrderStatus, "a new order is not final")
	if o.OrderAction != "" {
		var a waffoOrderAction
		require.NoError(t, json.Unmarshal([]byte(o.OrderAction), &a), "orderAction is a JSON string holding an object")
		assert.Contains(t, []string{"WEB", "DEEPLINK"}, a.ActionType)
	}

	docsSettle(t, ctx, hc, f, "waffo", prid, "pay")
	paid, err := c.inquireOrder(ctx, prid)
	require.NoError(t, err)
	assert.Equal(t, "PAY_SUCCESS", paid.OrderStatus)
	assert.Equal(t, prid, paid.PaymentRequestID)
	assert.Equal(t, o.AcquiringOrderID, paid.AcquiringOrderID)
	assert.Equal(t, "USD", paid.OrderCurrency)
	assert.Equal(t, "10.00", paid.OrderAmount, "amounts are strings with exactly 2 decimals for USD")
	hooks.await(t, "waffo", prid, "PAY_SUCCESS")

	// Partial refund, then the refund inquiry until the refund is final.
	rrid := docsID("dc-wr-")
	r, err := c.refund(ctx, rrid, o.AcquiringOrderID, "3.00")
	require.NoError(t, err)
	assert.Equal(t, rrid, r.RefundRequestID)
	assert.Equal(t, o.AcquiringOrderID, r.AcquiringOrderID)
	assert.NotEmpty(t, r.AcquiringRefundOrderID)
	assert.Equal(t, "3.00", r.RefundAmount)
	assert.Contains(t, []string{"REFUND_IN_PROGRESS", "ORDER_PARTIALLY_REFUNDED"}, r.RefundStatus)
	assert.Equal(t, "7.00", r.RemainingRefundAmount)
	var ri waffoRefund
	docsPoll(t, "the refund stays REFUND_IN_PROGRESS", func() (done bool, err error) {
		ri, err = c.inquireRefund(ctx, rrid)
		return ri.RefundStatus != "REFUND_IN_PROGRESS", err
	})
	assert.Equal(t, "ORDER_PARTIALLY_REFUNDED", ri.RefundStatus)
	assert.Equal(t, rrid, ri.RefundRequestID)
	assert.Equal(t, "3.00", ri.RefundAmount)

	// A second order, cancelled unpaid.
	prid2 := docsID("dc-wf-")
	o2, err := c.createOrder(ctx, prid2, "USD", "4.50", notify)
	require.NoError(t, err)
	cl, err := c.cancelOrder(ctx, prid2)
	require.NoError(t, err)
	assert.Equal(t, "ORDER_CLOSE", cl.OrderStatus)
	assert.Equal(t, prid2, cl.PaymentRequestID)
	assert.Equal(t, o2.AcquiringOrderID, cl.AcquiringOrderID)
	closed, err := c.inquireOrder(ctx, prid2)
	require.NoError(t, err)
	assert.Equal(t, "ORDER_CLOSE", closed.OrderStatus)

	// A paid order cannot be cancelled: A0013.
	_, err = c.cancelOrder(ctx, prid)
	var we *waffoError
	require.ErrorAs(t, err, &we)
	assert.Equal(t, "A0013", we.Code)

	// Signatures are checked both ways: the simulator refuses a request signed with another key
	// (A0002), and a response whose signature was corrupted is not a result for the client.
	bad := *c
	bad.key = docsOtherKey(t)
	_, err = bad.inquireOrder(ctx, prid)
	require.ErrorAs(t, err, &we)
	assert.Equal(t, "A0002", we.Code)
	docsFault(t, ctx, hc, f, "waffo", "inquire", "corrupt-signature")
	_, err = c.inquireOrder(ctx, prid)
	require.Error(t, err)
	assert.NotErrorAs(t, err, &we)
	assert.ErrorContains(t, err, "signature")
	paid, err = c.inquireOrder(ctx, prid)
	require.NoError(t, err, "the fault was for one reply only")
	assert.Equal(t, "PAY_SUCCESS", paid.OrderStatus)
}

func docsAntomScenario(t *testing.T, ctx context.Context, hc *http.Client, f docsSimFile, hooks *docsWebhooks) {
	key, err := parseDocsPrivateKey(f.Antom.MerchantPrivateKey)
	require.NoError(t, err)
	pub, err := parseDocsPublicKey(f.Antom.AntomPublicKey)
	require.NoError(t, err)
	c := &antomDocsClient{hc: hc, baseURL: f.Antom.BaseURL, clientID: f.Antom.ClientID, keyVersion: f.Antom.KeyVersion, key: key, antomKey: pub}
	notify := hooks.url + "/antom/notify"
	amount := antomAmount{Currency: "USD", Value: "1000"} // USD 10.00 in cents

	// Pay: the normal cashier answer is U PAYMENT_IN_PROCESS with a redirect URL.
	prid := docsID("dc-an-")
	p, _, err := c.pay(ctx, prid, f.Antom.PaymentMethodType, amount, notify)
	require.NoError(t, err)
	assert.Equal(t, antomResult{ResultCode: "PAYMENT_IN_PROCESS", ResultStatus: "U"}, antomResult{ResultCode: p.Result.ResultCode, ResultStatus: p.Result.ResultStatus})
	assert.True(t, p.NormalURL != "" || p.SchemeURL != "" || p.ApplinkURL != "", "PAYMENT_IN_PROCESS without a redirect URL is an unknown outcome")
	assert.Equal(t, prid, p.PaymentRequestID)
	require.NotEmpty(t, p.PaymentID)
	assert.Equal(t, amount, p.PaymentAmount)

	docsSettle(t, ctx, hc, f, "antom", prid, "pay")
	q, err := c.inquiryPayment(ctx, prid)
	require.NoError(t, err)
	assert.Equal(t, "S", q.Result.ResultStatus)
	assert.Equal(t, "SUCCESS", q.PaymentStatus)
	assert.Equal(t, p.PaymentID, q.PaymentID)
	assert.Equal(t, amount, q.PaymentAmount)
	hooks.await(t, "antom", prid, "PAYMENT_RESULT")

	// Partial refund and its inquiry.
	rrid := docsID("dc-ar-")
	part := antomAmount{Currency: "USD", Value: "300"}
	r, err := c.refund(ctx, rrid, p.PaymentID, part)
	require.NoError(t, err)
	require.Contains(t, []string{"S", "U"}, r.Result.ResultStatus, "refund result %+v", r.Result)
	if r.Result.ResultStatus == "S" {
		assert.NotEmpty(t, r.RefundID)
		assert.NotEmpty(t, r.RefundTime)
	} else {
		assert.Equal(t, "REFUND_IN_PROCESS", r.Result.ResultCode)
	}
	var ri antomRefundResponse
	docsPoll(t, "the refund stays PROCESSING", func() (done bool, err error) {
		ri, err = c.inquiryRefund(ctx, rrid)
		return ri.RefundStatus != "PROCESSING", err
	})
	assert.Equal(t, "S", ri.Result.ResultStatus)
	assert.Equal(t, "SUCCESS", ri.RefundStatus)
	assert.Equal(t, part, ri.RefundAmount)
	if r.RefundID != "" {
		assert.Equal(t, r.RefundID, ri.RefundID)
	}

	// A second payment, cancelled unpaid.
	prid2 := docsID("dc-an-")
	p2, _, err := c.pay(ctx, prid2, f.Antom.PaymentMethodType, antomAmount{Currency: "USD", Value: "450"}, notify)
	require.NoError(t, err)
	require.Equal(t, "PAYMENT_IN_PROCESS", p2.Result.ResultCode)
	cl, err := c.cancel(ctx, prid2)
	require.NoError(t, err)
	assert.Equal(t, "S", cl.Result.ResultStatus)
	assert.Equal(t, "SUCCESS", cl.Result.ResultCode)
	assert.Equal(t, p2.PaymentID, cl.PaymentID)
	assert.Equal(t, prid2, cl.PaymentRequestID)
	_, err = time.Parse(time.RFC3339, cl.CancelTime)
	assert.NoError(t, err, "cancelTime is ISO 8601")
	q2, err := c.inquiryPayment(ctx, prid2)
	require.NoError(t, err)
	assert.Equal(t, "CANCELLED", q2.PaymentStatus)

	// Signatures are checked both ways: the simulator refuses a request signed with another key
	// (F INVALID_SIGNATURE), and a response whose signature was corrupted is not a result.
	bad := *c
	bad.key = docsOtherKey(t)
	q, err = bad.inquiryPayment(ctx, prid)
	require.NoError(t, err)
	assert.Equal(t, antomResult{ResultCode: "INVALID_SIGNATURE", ResultStatus: "F"}, antomResult{ResultCode: q.Result.ResultCode, ResultStatus: q.Result.ResultStatus})
	docsFault(t, ctx, hc, f, "antom", "inquire", "corrupt-signature")
	_, err = c.inquiryPayment(ctx, prid)
	require.ErrorContains(t, err, "signature")
	q, err = c.inquiryPayment(ctx, prid)
	require.NoError(t, err, "the fault was for one reply only")
	assert.Equal(t, "SUCCESS", q.PaymentStatus)
}

func docsVAI247Scenario(t *testing.T, ctx context.Context, hc *http.Client, f docsSimFile, hooks *docsWebhooks) {
	v := f.VAI247
	require.True(t, v.RefundSigning, "the simulator file says refunds are signed")
	c := &vai247DocsClient{hc: hc, baseURL: v.BaseURL, appID: v.AppID, apiKey: v.APIKey, apiSecret: v.APISecret,
		storeID: v.StoreID, refundSigning: v.RefundSigning}

	// Create (QR), pay, inquire by order id.
	ref := docsID("dc-va-")
	o, err := c.createOrder(ctx, ref, "12.34", "USD")
	require.NoError(t, err)
	require.NotEmpty(t, o.OrderID)
	assert.Equal(t, "pending", o.Status)
	assert.NotEmpty(t, o.QRCode)
	exp, err := time.Parse(time.RFC3339, o.ExpiresAt)
	if assert.NoError(t, err, "expires_at") {
		assert.WithinDuration(t, time.Now().Add(30*time.Minute), exp, 2*time.Minute, "orders expire after 30 minutes by default")
	}

	pending, err := c.transactionDetail(ctx, o.OrderID)
	require.NoError(t, err)
	assert.Equal(t, "pending", pending.Status)

	docsSettle(t, ctx, hc, f, "vai247", ref, "pay")
	paid, err := c.transactionDetail(ctx, o.OrderID)
	require.NoError(t, err)
	assert.Equal(t, o.OrderID, paid.OrderID)
	assert.Equal(t, "paid", paid.Status)
	assert.Equal(t, "USD", paid.Currency)
	assertSameDecimal(t, "12.34", paid.Amount)
	hooks.await(t, "vai247", o.OrderID, "payment.success")

	// Partial refund, signed as the 2026-03-02 docs describe.
	r, err := c.refund(ctx, o.OrderID, "5.00")
	require.NoError(t, err)
	assert.NotEmpty(t, r.RefundID)
	assert.Equal(t, o.OrderID, r.OrderID)
	assertSameDecimal(t, "5.00", r.Amount)
	assert.NotEmpty(t, r.Status)
	after, err := c.transactionDetail(ctx, o.OrderID)
	require.NoError(t, err)
	assert.Equal(t, "partially_refunded", after.Status)

	// An unsigned refund is refused when refund signing is on.
	unsigned := *c
	unsigned.refundSigning = false
	_, err = unsigned.refund(ctx, o.OrderID, "1.00")
	var ve *vai247APIError
	require.ErrorAs(t, err, &ve, "an unsigned refund must be refused")
	assert.True(t, ve.HTTPStatus >= 400 && ve.HTTPStatus < 500, "an unsigned refund is the merchant's error: %v", ve)

	// A second order, cancelled unpaid; cancelled orders cannot be reinstated.
	o2, err := c.createOrder(ctx, docsID("dc-va-"), "4000", "KHR")
	require.NoError(t, err)
	cl, err := c.cancelOrder(ctx, o2.OrderID)
	require.NoError(t, err)
	assert.Equal(t, o2.OrderID, cl.OrderID)
	assert.Equal(t, "cancelled", cl.Status)
	_, err = time.Parse(time.RFC3339, cl.CancelledAt)
	assert.NoError(t, err, "cancelled_at")
	gone, err := c.transactionDetail(ctx, o2.OrderID)
	require.NoError(t, err)
	assert.Equal(t, "cancelled", gone.Status)
	assertSameDecimal(t, "4000", gone.Amount)
}

// assertSameDecimal compares a VAI247 JSON-number amount with the expected decimal: the docs say
// amounts are JSON numbers in major units and promise no particular spelling (12.34 and 12.340 are
// the same JSON number).
func assertSameDecimal(t *testing.T, want string, got vai247Number) {
	t.Helper()
	w, ok1 := new(big.Rat).SetString(want)
	g, ok2 := new(big.Rat).SetString(string(got))
	require.True(t, ok1 && ok2, "amounts %q and %q", want, got)
	assert.Zero(t, w.Cmp(g), "amount: want %s, got %s", want, got)
}

// docsWebhooks receives the providers' notifications, verifies them as the docs say and replies
// as the docs require.
type docsWebhooks struct {
	url string

	mu       sync.Mutex
	cfg      *docsSimFile
	waffoKey *rsa.PublicKey
	merchKey *rsa.PrivateKey
	antomKey *rsa.PublicKey
	events   []docsWebhookEvent
	problems []string
}

type docsWebhookEvent struct{ provider, id, kind string }

func newDocsWebhooks(t *testing.T) *docsWebhooks {
	h := &docsWebhooks{}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /waffo/notify", h.waffo)
	mux.HandleFunc("POST /antom/notify", h.antom)
	mux.HandleFunc("POST /vai247/webhook", h.vai247)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	h.url = srv.URL
	return h
}

func (h *docsWebhooks) configure(t *testing.T, f docsSimFile) {
	wk, err := parseDocsPublicKey(f.Waffo.WaffoPublicKey)
	require.NoError(t, err)
	mk, err := parseDocsPrivateKey(f.Waffo.MerchantPrivateKey)
	require.NoError(t, err)
	ak, err := parseDocsPublicKey(f.Antom.AntomPublicKey)
	require.NoError(t, err)
	h.mu.Lock()
	defer h.mu.Unlock()
	h.cfg, h.waffoKey, h.merchKey, h.antomKey = &f, wk, mk, ak
}

func (h *docsWebhooks) read(w http.ResponseWriter, r *http.Request) ([]byte, *docsSimFile, bool) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxDocsBody))
	h.mu.Lock()
	cfg := h.cfg
	h.mu.Unlock()
	if err != nil || cfg == nil {
		http.Error(w, "not ready", http.StatusServiceUnavailable)
		return nil, nil, false
	}
	return body, cfg, true
}

func (h *docsWebhooks) record(e docsWebhookEvent, problem string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if problem != "" {
		h.problems = append(h.problems, e.provider+": "+problem)
		return
	}
	h.events = append(h.events, e)
}

func (h *docsWebhooks) failures() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.problems...)
}

// await waits for a verified notification of kind about id.
func (h *docsWebhooks) await(t *testing.T, provider, id, kind string) {
	t.Helper()
	want := docsWebhookEvent{provider, id, kind}
	assert.Eventually(t, func() bool {
		h.mu.Lock()
		defer h.mu.Unlock()
		for _, e := range h.events {
			if e == want {
				return true
			}
		}
		return false
	}, 5*time.Second, 20*time.Millisecond, "no verified %s webhook %s for %s; problems: %v", provider, kind, id, h.failures())
}

// waffo: X-SIGNATURE over the raw body with Waffo's key; {"eventType","result"} (or flat); the reply is
// exactly {"message":"success"} signed with the merchant key.
func (h *docsWebhooks) waffo(w http.ResponseWriter, r *http.Request) {
	body, _, ok := h.read(w, r)
	if !ok {
		return
	}
	h.mu.Lock()
	wk, mk := h.waffoKey, h.merchKey
	h.mu.Unlock()
	if err := verifySHA256RSA(wk, body, r.Header.Get("X-SIGNATURE")); err != nil {
		h.record(docsWebhookEvent{provider: "waffo"}, fmt.Sprintf("signature does not verify (%v): %s", err, body))
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	var n struct {
		EventType string          `json:"eventType"`
		Result    json.RawMessage `json:"result"`
	}
	var o waffoOrder
	err := json.Unmarshal(body, &n)
	if err == nil {
		payload := n.Result
		if len(payload) == 0 {
			payload = body // the flat form one docs page shows
		}
		err = json.Unmarshal(payload, &o)
	}
	if err != nil || n.EventType == "" {
		h.record(docsWebhookEvent{provider: "waffo"}, fmt.Sprintf("payload (%v): %s", err, body))
		http.Error(w, "bad payload", http.StatusBadRequest)
		return
	}
	if n.EventType == "PAYMENT_NOTIFICATION" {
		h.record(docsWebhookEvent{"waffo", o.PaymentRequestID, o.OrderStatus}, "")
	}
	reply := []byte(`{"message":"success"}`)
	sig, err := signSHA256RSA(mk, reply)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-SIGNATURE", sig)
	_, _ = w.Write(reply)
}

// antom: signature over "POST <notify path>\n<client-id>.<request-time>.<body>"; the reply is the exact
// SUCCESS result, unsigned.
func (h *docsWebhooks) antom(w http.ResponseWriter, r *http.Request) {
	body, _, ok := h.read(w, r)
	if !ok {
		return
	}
	h.mu.Lock()
	ak := h.antomKey
	h.mu.Unlock()
	sig, err := antomSignatureValue(r.Header.Get("signature"))
	if err == nil {
		content := antomSignContent(http.MethodPost, r.URL.Path, r.Header.Get("client-id"), r.Header.Get("request-time"), body)
		err = verifySHA256RSA(ak, content, sig)
	}
	if err != nil {
		h.record(docsWebhookEvent{provider: "antom"}, fmt.Sprintf("signature does not verify (%v): %s", err, body))
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	var n struct {
		NotifyType       string      `json:"notifyType"`
		Result           antomResult `json:"result"`
		PaymentRequestID string      `json:"paymentRequestId"`
		PaymentAmount    antomAmount `json:"paymentAmount"`
		// notifyCapture (docs.antom.com/ac/ams/notify_capture; SDK
		// request/notify/AlipayCaptureResultNotify.go): all four are REQUIRED there.
		CaptureRequestID string      `json:"captureRequestId"`
		PaymentID        string      `json:"paymentId"`
		CaptureID        string      `json:"captureId"`
		CaptureAmount    antomAmount `json:"captureAmount"`
	}
	if err := json.Unmarshal(body, &n); err != nil || n.NotifyType == "" {
		h.record(docsWebhookEvent{provider: "antom"}, fmt.Sprintf("payload (%v): %s", err, body))
		http.Error(w, "bad payload", http.StatusBadRequest)
		return
	}
	switch {
	case n.NotifyType == "PAYMENT_RESULT" && n.Result.ResultStatus == "S":
		h.record(docsWebhookEvent{"antom", n.PaymentRequestID, n.NotifyType}, "")
	case n.NotifyType == "CAPTURE_RESULT":
		if n.CaptureRequestID == "" || n.PaymentID == "" || n.CaptureID == "" || n.CaptureAmount.Value == "" {
			h.record(docsWebhookEvent{provider: "antom"}, fmt.Sprintf("notifyCapture without a required field: %s", body))
			break
		}
		// Recorded by capture request id, with the status and the amount, so a test sees what was
		// captured and whether it succeeded.
		h.record(docsWebhookEvent{"antom", n.CaptureRequestID, n.NotifyType + " " + n.Result.ResultStatus + " " + n.CaptureAmount.Currency + " " + n.CaptureAmount.Value}, "")
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = io.WriteString(w, `{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"}}`)
}

// vai247: X-DVPay-Signature = hex(HMAC-SHA256(webhook secret, raw body)), required when a secret is
// configured; the reply is {"status":"received"}.
func (h *docsWebhooks) vai247(w http.ResponseWriter, r *http.Request) {
	body, cfg, ok := h.read(w, r)
	if !ok {
		return
	}
	m := hmac.New(sha256.New, []byte(cfg.VAI247.WebhookSecret))
	m.Write(body)
	got, err := hex.DecodeString(r.Header.Get("X-DVPay-Signature"))
	if err != nil || !hmac.Equal(got, m.Sum(nil)) {
		h.record(docsWebhookEvent{provider: "vai247"}, fmt.Sprintf("X-DVPay-Signature does not verify: %s", body))
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	var n struct {
		Event    string       `json:"event"`
		OrderID  string       `json:"order_id"`
		Amount   vai247Number `json:"amount"`
		Currency string       `json:"currency"`
		Status   string       `json:"status"`
	}
	if err := json.Unmarshal(body, &n); err != nil || n.Event == "" {
		h.record(docsWebhookEvent{provider: "vai247"}, fmt.Sprintf("payload (%v): %s", err, body))
		http.Error(w, "bad payload", http.StatusBadRequest)
		return
	}
	h.record(docsWebhookEvent{"vai247", n.OrderID, n.Event}, "")
	w.Header().Set("Content-Type", "application/json")
	_, _ = io.WriteString(w, `{"status":"received"}`)
}
