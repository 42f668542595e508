package antomtest

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

// pagePay creates a cashier payment with a description to escape and a notification URL, and
// returns the normalUrl pay answered.
func pagePay(t *testing.T, s *Server, id, notify, terminal, captureMode string) string {
	t.Helper()
	body := pay(id)
	body = strings.Replace(body, `"orderDescription":"d"`, `"orderDescription":"Tea <script>alert(1)</script>"`, 1)
	body = strings.Replace(body, `"terminalType":"WEB"`, `"terminalType":"`+terminal+`"`, 1)
	body = strings.Replace(body, `"paymentRedirectUrl"`, `"paymentNotifyUrl":"`+notify+`","paymentRedirectUrl"`, 1)
	if captureMode != "" {
		body = strings.Replace(body, `"paymentRedirectUrl"`, `"paymentFactor":{"captureMode":"`+captureMode+`"},"paymentRedirectUrl"`, 1)
	}
	c := post(t, s, LivePrefix+"pay", body, nil)
	require.NoError(t, c.err)
	require.Equal(t, "PAYMENT_IN_PROCESS", c.result(t).ResultCode, string(c.body))
	var r payResponse
	require.NoError(t, json.Unmarshal(c.body, &r))
	return r.NormalURL
}

// The cashier page normalUrl points to moves the payment as Settle does, with the signed
// notification, and sends the browser to paymentRedirectUrl (no query: Antom documents none).
func TestPaymentPage(t *testing.T) {
	tests := []struct {
		verb   string
		manual bool
		status status.Payment
		result string // the notification's paymentStatus-bearing result code
	}{
		{"pay", false, status.PaymentSucceeded, "SUCCESS"},
		{"authorize", true, status.PaymentAuthorized, "SUCCESS"},
		{"fail", false, status.PaymentFailed, "USER_BALANCE_NOT_ENOUGH"},
		{"cancel", false, status.PaymentExpired, "ORDER_IS_CLOSED"},
	}
	for _, tt := range tests {
		t.Run(tt.verb, func(t *testing.T) {
			hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				_, _ = w.Write([]byte(`{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"}}`))
			}))
			defer hook.Close()
			s := newServer(t, Config{WebhookSchedule: []time.Duration{}})
			mode := ""
			if tt.manual {
				mode = "MANUAL"
			}
			normal := pagePay(t, s, "pg-"+tt.verb, hook.URL+"/notify", "WEB", mode)
			info, ok := s.Payment("pg-" + tt.verb)
			require.True(t, ok)
			require.Equal(t, s.URL+"/cashier/"+info.PaymentID, normal)

			for _, u := range []string{normal, s.PageURL(info.PaymentID)} {
				resp, page := browse(t, http.MethodGet, u)
				require.Equal(t, http.StatusOK, resp.StatusCode, u)
				assert.Contains(t, page, "<h1>Antom sandbox</h1>")
				assert.Contains(t, page, `<div id="amount">19.99 USD</div>`)
				assert.Contains(t, page, `<dd id="merchant">`+s.ClientID+`</dd>`)
				assert.Contains(t, page, `<dd id="method">ALIPAY_CN</dd>`)
				assert.Contains(t, page, `Tea &lt;script&gt;alert(1)&lt;/script&gt;`)
				assert.NotContains(t, page, "<script>")
				assert.Contains(t, page, `<dd id="status">REQUIRES_ACTION</dd>`)
				assert.Equal(t, tt.manual, strings.Contains(page, `<button id="authorize"`))
				assert.Equal(t, !tt.manual, strings.Contains(page, `<button id="pay"`))
				assert.NotContains(t, page, `id="deeplink"`, "a WEB terminal gets no schemeUrl")
			}

			resp, _ := browse(t, http.MethodPost, s.PageURL(info.PaymentID)+"/"+tt.verb)
			assert.Equal(t, http.StatusSeeOther, resp.StatusCode)
			assert.Equal(t, "https://shop.example/r", resp.Header.Get("Location"))
			orders := s.Ledger().Orders("pg-" + tt.verb)
			require.Len(t, orders, 1)
			assert.Equal(t, tt.status, orders[0].Status)

			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			require.NoError(t, s.Webhooks().Wait(ctx))
			ds := s.Webhooks().Deliveries()
			require.Len(t, ds, 1, "one signed notification, as Settle sends")
			assert.True(t, ds[0].Acked)
			assert.NotEmpty(t, ds[0].Header.Get("signature"))
			assert.Contains(t, string(ds[0].Body), `"resultCode":"`+tt.result+`"`)

			resp, page := browse(t, http.MethodPost, s.PageURL(info.PaymentID)+"/fail")
			assert.Equal(t, http.StatusConflict, resp.StatusCode, "a final payment does not move again")
			assert.Contains(t, page, `<dd id="status">`+string(tt.status)+`</dd>`)
			assert.NotContains(t, page, "<form")
			assert.Len(t, s.Webhooks().Deliveries(), 1)
		})
	}
}

func TestPaymentPageDeeplinkAndUnknown(t *testing.T) {
	s := newServer(t, Config{})
	pagePay(t, s, "pg-wap", "", "WAP", "")
	info, _ := s.Payment("pg-wap")
	_, page := browse(t, http.MethodGet, s.PageURL(info.PaymentID))
	assert.Contains(t, page, `<a id="deeplink" href="antomtest://cashier/`+info.PaymentID+`"`)
	resp, _ := browse(t, http.MethodGet, s.URL+"/cashier/nope")
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	resp, _ = browse(t, http.MethodPost, s.URL+"/pay/nope/pay")
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
}
