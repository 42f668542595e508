package waffotest_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paygate-go/paygate/provider/sim"
	"github.com/paygate-go/paygate/provider/waffo/waffotest"
	"github.com/paygate-go/paygate/status"
)

var noFollow = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func browse(t *testing.T, method, url string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	require.NoError(t, err)
	resp, err := noFollow.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, string(b)
}

// The page webUrl points to shows the order and moves it as Settle does, with the signed
// PAYMENT_NOTIFICATION, then sends the browser to the redirect URL the create request named for
// that outcome (no query: Waffo documents none).
func TestPaymentPage(t *testing.T) {
	tests := []struct {
		verb     string
		manual   bool
		cancel   bool // the create carries cancelRedirectUrl
		location string
		status   status.Payment
		wire     string // orderStatus in the notification
	}{
		{"pay", false, false, "https://shop.example/ok", status.PaymentSucceeded, "PAY_SUCCESS"},
		{"authorize", true, false, "https://shop.example/ok", status.PaymentAuthorized, "AUTHED_WAITING_CAPTURE"},
		{"fail", false, false, "https://shop.example/failed", status.PaymentFailed, "ORDER_CLOSE"},
		{"cancel", false, true, "https://shop.example/cancelled", status.PaymentExpired, "ORDER_CLOSE"},
		{"cancel", false, false, "https://shop.example/failed", status.PaymentExpired, "ORDER_CLOSE"},
	}
	for _, tt := range tests {
		t.Run(tt.verb, func(t *testing.T) {
			hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}))
			defer hook.Close()
			c := newClient(t, waffotest.Config{WebhookSchedule: []time.Duration{}})
			body := c.createBody("pg-"+tt.verb, "149000", "IDR")
			body["orderDescription"] = `Tea <script>alert("x")</script>`
			body["notifyUrl"] = hook.URL
			body["successRedirectUrl"], body["failedRedirectUrl"] = "https://shop.example/ok", "https://shop.example/failed"
			if tt.cancel {
				body["cancelRedirectUrl"] = "https://shop.example/cancelled"
			}
			if tt.manual {
				body["paymentInfo"] = map[string]any{"productName": "ONE_TIME_PAYMENT", "payMethodType": "CREDITCARD", "captureMode": "manualCapture"}
			}
			a := c.post("/order/create", body, nil)
			require.Equal(t, "0", a.Code, a.Msg)
			acq := a.Data["acquiringOrderId"].(string)
			var action struct {
				WebURL string `json:"webUrl"`
			}
			require.NoError(t, json.Unmarshal([]byte(a.Data["orderAction"].(string)), &action))
			require.Equal(t, c.srv.PageURL(acq), action.WebURL, "webUrl is the simulator's page")

			resp, page := browse(t, http.MethodGet, action.WebURL)
			require.Equal(t, http.StatusOK, resp.StatusCode)
			assert.Contains(t, page, "<h1>Waffo sandbox</h1>")
			assert.Contains(t, page, `<div id="amount">149000.00 IDR</div>`)
			assert.Contains(t, page, `<dd id="merchant">`+c.srv.MerchantID+`</dd>`)
			assert.Contains(t, page, `Tea &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;`)
			assert.NotContains(t, page, "<script>")
			assert.Contains(t, page, `<dd id="status">PENDING</dd>`, "PAY_IN_PROGRESS")
			if tt.manual {
				assert.Contains(t, page, `<dd id="method">CREDITCARD</dd>`)
				assert.Contains(t, page, `<button id="authorize"`)
				assert.NotContains(t, page, `<button id="pay"`, "a manual order is authorized, not paid")
			} else {
				assert.Contains(t, page, `<button id="pay"`)
				assert.NotContains(t, page, `<button id="authorize"`)
			}

			resp, _ = browse(t, http.MethodPost, c.srv.PageURL(acq)+"/"+tt.verb)
			assert.Equal(t, http.StatusSeeOther, resp.StatusCode)
			assert.Equal(t, tt.location, resp.Header.Get("Location"))
			orders := c.srv.Ledger().Orders("pg-" + tt.verb)
			require.Len(t, orders, 1)
			assert.Equal(t, tt.status, orders[0].Status)

			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			require.NoError(t, c.srv.Webhooks().Wait(ctx))
			ds := c.srv.Webhooks().Deliveries()
			require.Len(t, ds, 1, "one signed PAYMENT_NOTIFICATION, as Settle sends")
			assert.NotEmpty(t, ds[0].Header.Get("X-SIGNATURE"))
			assert.Contains(t, string(ds[0].Body), `"orderStatus":"`+tt.wire+`"`)

			resp, page = browse(t, http.MethodPost, c.srv.PageURL(acq)+"/pay")
			assert.Equal(t, http.StatusConflict, resp.StatusCode, "a settled order does not move again")
			assert.Contains(t, page, `<dd id="status">`+string(tt.status)+`</dd>`)
			assert.NotContains(t, page, "<form")
			assert.Len(t, c.srv.Webhooks().Deliveries(), 1)
		})
	}
}

func TestPaymentPageWithoutRedirectAndUnknown(t *testing.T) {
	c := newClient(t, waffotest.Config{})
	a := c.post("/order/create", c.createBody("pg-none", "25.00", "USD"), nil)
	require.Equal(t, "0", a.Code, a.Msg)
	acq := a.Data["acquiringOrderId"].(string)
	resp, page := browse(t, http.MethodPost, c.srv.PageURL(acq)+"/pay")
	assert.Equal(t, http.StatusOK, resp.StatusCode, "no redirect URL: the page again")
	assert.Contains(t, page, `<dd id="status">SUCCEEDED</dd>`)
	assert.Contains(t, page, `<div id="amount">25.00 USD</div>`)

	resp, _ = browse(t, http.MethodGet, c.srv.PageURL("W-nope"))
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	assert.True(t, strings.HasPrefix(c.srv.PageURL(acq), "http://127.0.0.1:"))
}

func TestPaymentPageQRAndDeeplink(t *testing.T) {
	c := newClient(t, waffotest.Config{})
	body := c.createBody("pg-qr", "149000", "IDR")
	body["paymentInfo"] = map[string]any{"productName": "ONE_TIME_PAYMENT", "payMethodType": "QR", "payMethodName": "QRIS"}
	a := c.post("/order/create", body, nil)
	require.Equal(t, "0", a.Code, a.Msg)
	url := c.srv.PageURL(a.Data["acquiringOrderId"].(string))
	_, page := browse(t, http.MethodGet, url)
	assert.Contains(t, page, `<dd id="method">QR · QRIS</dd>`)
	assert.Contains(t, page, `id="qr-payload">00020101021226`)
	img, err := sim.PageQRImage([]byte(page))
	require.NoError(t, err)
	require.NoError(t, sim.CheckQRPNG(img, url), "the QR code opens the page")

	body = c.createBody("pg-wallet", "149000", "IDR")
	body["paymentInfo"] = map[string]any{"productName": "ONE_TIME_PAYMENT", "payMethodType": "EWALLET", "payMethodName": "DANA"}
	a = c.post("/order/create", body, nil)
	require.Equal(t, "0", a.Code, a.Msg)
	_, page = browse(t, http.MethodGet, c.srv.PageURL(a.Data["acquiringOrderId"].(string)))
	assert.Contains(t, page, `<a id="deeplink" href="waffo-wallet://pay/`)
}
