package waffo

import (
	"context"
	"encoding/json"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/money"
	"github.com/paygate-go/paygate/provider"
	"github.com/paygate-go/paygate/provider/sim"
	"github.com/paygate-go/paygate/provider/waffo/waffotest"
	"github.com/paygate-go/paygate/retry"
	"github.com/paygate-go/paygate/status"
)

// setup starts a simulator and an adapter pointed at it.
func setup(t *testing.T, cfg waffotest.Config, adjust ...func(*Config)) (*Gateway, *waffotest.Server) {
	t.Helper()
	if cfg.WebhookSchedule == nil {
		cfg.WebhookSchedule = sim.Compress(waffotest.WebhookSchedule(), 100_000)
	}
	srv := waffotest.NewServer(cfg)
	t.Cleanup(srv.Close)
	c := Config{
		BaseURL: srv.URL, APIKey: srv.APIKey, MerchantID: srv.MerchantID,
		PrivateKey: srv.Keys.MerchantPrivateKey, WaffoPublicKey: srv.Keys.WaffoPublicKey,
		Retry: retry.Policy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond},
	}
	for _, f := range adjust {
		f(&c)
	}
	gw, err := New(c)
	require.NoError(t, err)
	t.Cleanup(gw.Close)
	return gw, srv
}

func createRequest(id, amount, currency string) *paygate.CreateRequest {
	return &paygate.CreateRequest{
		PaymentRequestID: id, Amount: money.MustParse(amount, currency), Description: "test order",
		NotifyURL: "https://merchant.example/waffo/notify", ReturnURL: "https://merchant.example/return",
		Customer: paygate.Customer{ID: "u1", Email: "buyer@example.com", Country: "ID"},
	}
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return c
}

// TestCodeTable sends a create that the simulator answers with each Waffo code, over real HTTP, and
// checks the outcome and normalized code. Every row of codeTable is listed here.
func TestCodeTable(t *testing.T) {
	tests := []struct {
		code    string
		outcome status.Outcome
		want    status.Code
	}{
		{"A0001", status.Failure, status.CodeAuthentication},
		{"A0002", status.Failure, status.CodeAuthentication},
		{"A0003", status.Failure, status.CodeInvalidRequest},
		{"A0004", status.Failure, status.CodePermissionDenied},
		{"A0005", status.Failure, status.CodeLimitExceeded},
		{"A0006", status.Failure, status.CodePermissionDenied},
		{"A0007", status.Failure, status.CodeUnsupportedCurrency},
		{"A0008", status.Failure, status.CodeLimitExceeded},
		{"A0009", status.Failure, status.CodeNotFound},
		{"A0010", status.Failure, status.CodePermissionDenied},
		{"A0011", status.Failure, status.CodeIdempotencyConflict},
		{"A0012", status.Failure, status.CodeInsufficientFunds},
		{"A0013", status.Failure, status.CodeInvalidState},
		{"A0014", status.Failure, status.CodeRefundNotAllowed},
		{"A0015", status.Failure, status.CodeNotSupported},
		{"A0016", status.Failure, status.CodeInvalidState},
		{"A0017", status.Failure, status.CodeNotSupported},
		{"A0018", status.Failure, status.CodeDeclined},
		{"A0019", status.Failure, status.CodeRefundNotAllowed},
		{"A0020", status.Failure, status.CodeLimitExceeded},
		{"A0021", status.Failure, status.CodeLimitExceeded},
		{"A0022", status.Failure, status.CodeInvalidRequest},
		{"A0023", status.Failure, status.CodeInvalidRequest},
		{"A0024", status.Failure, status.CodeInvalidRequest},
		{"C0001", status.Failure, status.CodeUnavailable},
		{"C0005", status.Failure, status.CodeDeclined},
		{"E0001", status.Unknown, status.CodeUnknown},
		// Codes Waffo does not document, one per family, and one of no family.
		{"A0999", status.Failure, status.CodeProviderError},
		{"B0001", status.Failure, status.CodeDeclined},
		{"C0999", status.Failure, status.CodeProviderError},
		{"D0001", status.Failure, status.CodeRiskRejected},
		{"E0999", status.Unknown, status.CodeUnknown},
		{"Z0001", status.Unknown, status.CodeUnknown},
		{"9", status.Unknown, status.CodeUnknown},
	}
	listed := map[string]bool{}
	for _, tt := range tests {
		listed[tt.code] = true
	}
	for code := range codeTable {
		assert.True(t, listed[code], "codeTable row %s has no test", code)
	}
	for family := range familyRows {
		assert.True(t, slices.ContainsFunc(slices.Collect(maps.Keys(listed)), func(c string) bool {
			_, known := codeTable[c]
			return !known && c[0] == family
		}), "family %c has no test with an undocumented code", family)
	}
	gw, srv := setup(t, waffotest.Config{})
	for i, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			srv.Inject(sim.Fault{Op: paygate.OpCreate, Kind: sim.ReplyCode, Code: tt.code, Times: 10})
			before := srv.Ledger().TotalRequests()
			_, err := gw.Create(ctx(t), createRequest("code"+strings.Repeat("x", i%3)+tt.code, "10.00", "USD"))
			var pe *paygate.Error
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, tt.outcome, pe.Outcome, "%v", err)
			assert.Equal(t, tt.want, pe.Code)
			assert.Equal(t, tt.code, pe.ProviderCode, "the raw code is kept")
			assert.Contains(t, pe.ProviderMessage, tt.code, "the raw message is kept")
			assert.NotEmpty(t, pe.Message)
			assert.NotZero(t, pe.HTTPStatus)
			if tt.outcome == status.Failure {
				assert.Equal(t, 1, srv.Ledger().TotalRequests()-before, "a definite failure is sent once, even with HTTP %d", pe.HTTPStatus)
			}
		})
		srv.ClearFaults() // a definite failure leaves the rest of its Times unused
	}
}

func TestPaymentStatusTable(t *testing.T) {
	now := time.Date(2026, 11, 21, 8, 0, 0, 0, time.UTC)
	tests := []struct {
		name      string
		status    string
		hasAction bool
		why       closeReason
		want      status.Payment
	}{
		{"in progress", "PAY_IN_PROGRESS", false, closeReason{}, status.PaymentPending},
		{"in progress with an action for the user", "PAY_IN_PROGRESS", true, closeReason{}, status.PaymentRequiresAction},
		{"authorization required", "AUTHORIZATION_REQUIRED", true, closeReason{}, status.PaymentRequiresAction},
		{"authorization required without action", "AUTHORIZATION_REQUIRED", false, closeReason{}, status.PaymentRequiresAction},
		{"authorized, waiting for capture", "AUTHED_WAITING_CAPTURE", false, closeReason{}, status.PaymentAuthorized},
		{"capture in progress", "CAPTURE_IN_PROGRESS", false, closeReason{}, status.PaymentPending},
		{"capture in progress, an orderAction does not send the user anywhere", "CAPTURE_IN_PROGRESS", true, closeReason{}, status.PaymentPending},
		{"paid", "PAY_SUCCESS", false, closeReason{}, status.PaymentSucceeded},
		{"closed with a failure reason", "ORDER_CLOSE", false, closeReason{failed: true, closedAt: now, expiresAt: now.Add(-time.Hour)}, status.PaymentFailed},
		{"closed past expiry", "ORDER_CLOSE", false, closeReason{closedAt: now, expiresAt: now}, status.PaymentExpired},
		{"closed after expiry", "ORDER_CLOSE", false, closeReason{closedAt: now.Add(time.Hour), expiresAt: now}, status.PaymentExpired},
		{"closed before expiry, no reason", "ORDER_CLOSE", false, closeReason{closedAt: now, expiresAt: now.Add(time.Minute)}, status.PaymentCanceled},
		{"closed, expiry unknown, no reason", "ORDER_CLOSE", false, closeReason{closedAt: now}, status.PaymentCanceled},
		{"closed, close time unknown, no reason", "ORDER_CLOSE", false, closeReason{expiresAt: now}, status.PaymentCanceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := paymentStatus(tt.status, tt.hasAction, tt.why)
			require.True(t, ok)
			assert.Equal(t, tt.want, got)
		})
	}
	covered := map[string]bool{"ORDER_CLOSE": true}
	for _, tt := range tests {
		covered[tt.status] = true
	}
	for st := range orderStatusTable {
		assert.True(t, covered[st], "order status %s has no test", st)
	}
	_, ok := paymentStatus("PAY_REVERSED", false, closeReason{})
	assert.False(t, ok, "an undocumented status is not guessed")
}

// TestCapturedByStatus: Captured is the whole order amount once Waffo took the money (capture in
// progress or paid, automatic or manual) and zero before, for every status and in currencies with 2
// and 0 digits.
func TestCapturedByStatus(t *testing.T) {
	gw := &Gateway{now: time.Now}
	tests := []struct {
		status   string
		captured bool
	}{
		{"PAY_IN_PROGRESS", false},
		{"AUTHORIZATION_REQUIRED", false},
		{"AUTHED_WAITING_CAPTURE", false},
		{"CAPTURE_IN_PROGRESS", true},
		{"PAY_SUCCESS", true},
		{"ORDER_CLOSE", false},
	}
	covered := map[string]bool{}
	for _, tt := range tests {
		covered[tt.status] = true
		for _, amt := range []struct{ wire, currency string }{{"12.34", "USD"}, {"149000", "IDR"}} {
			t.Run(tt.status+" "+amt.currency, func(t *testing.T) {
				p, err := gw.payment(paygate.OpInquire, orderData{AcquiringOrderID: "W1", OrderStatus: tt.status, OrderAmount: amt.wire, OrderCurrency: amt.currency}, closeReason{})
				require.NoError(t, err)
				if !tt.captured {
					assert.True(t, p.Captured.IsZero(), "nothing captured: %s", p.Captured)
					return
				}
				assert.True(t, p.Captured.Equal(money.MustParse(amt.wire, amt.currency)), "captured %s", p.Captured)
				assert.Equal(t, amt.currency, p.Captured.Currency())
			})
		}
	}
	for st := range orderStatusTable {
		assert.True(t, covered[st], "order status %s has no Captured test", st)
	}
}

func TestUnknownOrderStatusIsUnknown(t *testing.T) {
	gw := &Gateway{now: time.Now}
	_, err := gw.payment(paygate.OpInquire, orderData{AcquiringOrderID: "W1", OrderStatus: "PAY_REVERSED"}, closeReason{})
	assert.Equal(t, status.Unknown, paygate.OutcomeOf(err))
	_, err = gw.refund(paygate.OpInquireRefund, refundData{AcquiringRefundOrderID: "R1", RefundStatus: "REFUND_REVERSED"}, "USD")
	assert.Equal(t, status.Unknown, paygate.OutcomeOf(err))
}

func TestRefundStatusTable(t *testing.T) {
	tests := []struct {
		status string
		want   status.Refund
	}{
		{"REFUND_IN_PROGRESS", status.RefundPending},
		{"ORDER_PARTIALLY_REFUNDED", status.RefundSucceeded},
		{"ORDER_FULLY_REFUNDED", status.RefundSucceeded},
		{"ORDER_REFUND_FAILED", status.RefundFailed},
	}
	require.Len(t, tests, len(refundStatusTable), "every refund status has a row here")
	gw := &Gateway{now: time.Now}
	for _, tt := range tests {
		t.Run(tt.status, func(t *testing.T) {
			r, err := gw.refund(paygate.OpInquireRefund, refundData{AcquiringRefundOrderID: "R1", RefundStatus: tt.status, RefundAmount: "1.50"}, "USD")
			require.NoError(t, err)
			assert.Equal(t, tt.want, r.Status)
			assert.Equal(t, tt.status, r.ProviderStatus)
			assert.Equal(t, money.MustParse("1.50", "USD"), r.Amount)
		})
	}
}

func TestDigitsTable(t *testing.T) {
	for _, c := range []string{"JPY", "KRW", "VND", "CLP", "IDR"} {
		assert.Equal(t, 0, Digits(c), c)
	}
	for _, c := range []string{"USD", "EUR", "SGD", "THB", "PHP", "KWD", "BHD"} {
		assert.Equal(t, 2, Digits(c), c)
	}
	assert.Len(t, zeroDigitCurrencies, 5, "the zero-digit list is exactly Waffo's")
}

func TestAmountWireFormat(t *testing.T) {
	tests := []struct {
		value, currency, wire string
	}{
		{"19.99", "USD", "19.99"},
		{"10", "USD", "10.00"},
		{"0.01", "EUR", "0.01"},
		{"1234", "JPY", "1234"},
		{"15000", "KRW", "15000"},
		{"25000", "VND", "25000"},
		{"990", "CLP", "990"},
		{"149000", "IDR", "149000"},
		{"149000.00", "IDR", "149000"},
		{"1.250", "KWD", "1.25"},
		{"92233720368547758.07", "USD", "92233720368547758.07"},
	}
	for _, tt := range tests {
		t.Run(tt.value+" "+tt.currency, func(t *testing.T) {
			a := money.MustParse(tt.value, tt.currency)
			wire, err := FormatAmount(a)
			require.NoError(t, err)
			assert.Equal(t, tt.wire, wire, "to the wire")
			back, err := ParseAmount(wire, tt.currency)
			require.NoError(t, err)
			assert.True(t, back.Equal(a), "from the wire: %s, want %s", back, a)
		})
	}
	for _, bad := range []struct{ value, currency string }{
		{"149000.50", "IDR"}, // Waffo writes IDR without decimals: refuse rather than round
		{"1.005", "KWD"},     // three ISO digits, two on Waffo's wire
	} {
		_, err := FormatAmount(money.MustParse(bad.value, bad.currency))
		assert.Error(t, err, "%s %s cannot be sent exactly", bad.value, bad.currency)
	}
	for _, bad := range []struct{ value, currency string }{
		{"19.999", "USD"}, {"1234.5", "JPY"}, {"1e3", "USD"}, {"", "USD"}, {"10,00", "EUR"}, {"15000.00", "IDR"},
	} {
		_, err := ParseAmount(bad.value, bad.currency)
		assert.Error(t, err, "reading %q %s", bad.value, bad.currency)
	}
}

// TestAmountsOnTheWire checks what the simulator really received, and what comes back by inquiry.
func TestAmountsOnTheWire(t *testing.T) {
	gw, srv := setup(t, waffotest.Config{})
	for _, tt := range []struct{ value, currency, wire string }{
		{"19.99", "USD", "19.99"}, {"1234", "JPY", "1234"}, {"15000", "IDR", "15000"}, {"0.10", "EUR", "0.10"},
	} {
		id := "amt" + tt.currency
		p, err := gw.Create(ctx(t), createRequest(id, tt.value, tt.currency))
		require.NoError(t, err)
		orders := srv.Ledger().Orders(id)
		require.Len(t, orders, 1)
		assert.Equal(t, tt.wire, orders[0].WireAmount)
		assert.True(t, orders[0].Amount.Equal(p.Amount))
		got, err := gw.Inquire(ctx(t), &paygate.InquireRequest{PaymentRequestID: id})
		require.NoError(t, err)
		assert.True(t, got.Amount.Equal(money.MustParse(tt.value, tt.currency)), "inquiry amount %s", got.Amount)
	}
}

func TestSandboxTriggers(t *testing.T) {
	gw, srv := setup(t, waffotest.Config{})
	tests := []struct {
		value, currency string
		outcome         status.Outcome
		code            status.Code
		providerCode    string
	}{
		{"9.10", "USD", status.Failure, status.CodeUnavailable, "C0001"},
		{"91", "JPY", status.Failure, status.CodeUnavailable, "C0001"},
		{"9.20", "USD", status.Unknown, status.CodeUnknown, "E0001"},
		{"92", "IDR", status.Unknown, status.CodeUnknown, "E0001"},
		{"90.00", "EUR", status.Failure, status.CodeDeclined, "C0005"},
		{"990", "KRW", status.Failure, status.CodeDeclined, "C0005"},
	}
	for _, tt := range tests {
		t.Run(tt.value+tt.currency, func(t *testing.T) {
			id := "trg" + strings.ReplaceAll(tt.value, ".", "") + tt.currency
			_, err := gw.Create(ctx(t), createRequest(id, tt.value, tt.currency))
			var pe *paygate.Error
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, tt.outcome, pe.Outcome)
			assert.Equal(t, tt.code, pe.Code)
			assert.Equal(t, tt.providerCode, pe.ProviderCode)
			assert.Empty(t, srv.Ledger().Orders(id), "a trigger creates no order")
		})
	}
}

func TestParseAction(t *testing.T) {
	exp := time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		action string
		want   *paygate.Action
	}{
		{"empty", "", nil},
		{"empty object", "{}", nil},
		{"web", `{"actionType":"WEB","webUrl":"https://cashier.example/p/1"}`,
			&paygate.Action{Kind: paygate.ActionRedirect, URL: "https://cashier.example/p/1"}},
		{"deeplink", `{"actionType":"DEEPLINK","webUrl":"https://cashier.example/p/1","deeplinkUrl":"dana://pay/1"}`,
			&paygate.Action{Kind: paygate.ActionDeeplink, URL: "dana://pay/1"}},
		{"deeplink only", `{"deeplinkUrl":"dana://pay/1"}`, &paygate.Action{Kind: paygate.ActionDeeplink, URL: "dana://pay/1"}},
		{"qr with expiry", `{"actionType":"WEB","webUrl":"https://cashier.example/p/1","actionData":{"paymentQr":"000201...","paymentExpiryTime":"2026-11-21T09:00:00.000Z"}}`,
			&paygate.Action{Kind: paygate.ActionQRCode, QRCode: "000201...", URL: "https://cashier.example/p/1", ExpiresAt: exp}},
		{"payment code only", `{"actionData":{"paymentCode":"8801234"}}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseAction(tt.action)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
	_, err := parseAction(`not json`)
	assert.Error(t, err)
}

func TestFailureReason(t *testing.T) {
	for in, want := range map[string]string{
		``: "", `null`: "", `""`: "", `{}`: "", `"{}"`: "",
		`{"orderFailedCode":"C0005","orderFailedDescription":"declined by issuer"}`: "declined by issuer",
		`"{\"orderFailedCode\":\"C0005\",\"orderFailedDescription\":\"declined\"}"`: "declined",
		`{"orderFailedCode":"C0005"}`: "C0005",
		`"insufficient balance"`:      "insufficient balance",
	} {
		assert.Equal(t, want, failureReason(json.RawMessage(in)), in)
	}
}

// TestReplyHandling checks replies that are not clean successes; only a verified Waffo envelope with a
// code may be F.
func TestReplyHandling(t *testing.T) {
	srvKeys, err := waffotest.GenerateKeys()
	require.NoError(t, err)
	sign := func(body string) string {
		k, err := provider.ParsePrivateKey(srvKeys.WaffoPrivateKey)
		require.NoError(t, err)
		s, err := signBody(k, []byte(body))
		require.NoError(t, err)
		return s
	}
	okBody := `{"code":"0","msg":"Success","data":{"paymentRequestId":"p1","acquiringOrderId":"W1","orderStatus":"PAY_SUCCESS","orderCurrency":"USD","orderAmount":"10.00"}}`
	failBody := `{"code":"A0009","msg":"order does not exist"}`
	tests := []struct {
		name          string
		status        int
		body          string
		signature     string // "" unsigned, "good" signed correctly, otherwise sent as is
		allowUnsigned bool
		outcome       status.Outcome
		code          status.Code
		hint          string // in the error's message
	}{
		{"signed success", 200, okBody, "good", false, status.Success, status.CodeOK, ""},
		{"unsigned success is not a result", 200, okBody, "", false, status.Unknown, status.CodeProviderError, "no X-SIGNATURE"},
		{"unsigned definite failure is not a result", 400, failBody, "", false, status.Unknown, status.CodeProviderError, "WAFFO_BASE_URL"},
		{"unsigned C code with HTTP 503", 503, `{"code":"C0005","msg":"channel rejection"}`, "", false, status.Unknown, status.CodeProviderError, "no X-SIGNATURE"},
		{"unsigned success, unsigned allowed", 200, okBody, "", true, status.Success, status.CodeOK, ""},
		{"unsigned failure, unsigned allowed", 400, failBody, "", true, status.Failure, status.CodeNotFound, ""},
		{"bad signature", 200, okBody, "AAAA", false, status.Unknown, status.CodeProviderError, "WAFFO_PUBLIC_KEY"},
		{"bad signature, unsigned allowed", 200, okBody, "AAAA", true, status.Unknown, status.CodeProviderError, "Config.WaffoPublicKey"},
		{"bad signature on a failure", 400, failBody, "AAAA", false, status.Unknown, status.CodeProviderError, "WAFFO_PUBLIC_KEY"},
		{"signature not base64", 200, okBody, "%%%", false, status.Unknown, status.CodeProviderError, "WAFFO_PUBLIC_KEY"},
		{"html from a proxy", 502, "<html>bad gateway</html>", "", false, status.Unknown, status.CodeUnavailable, "not its JSON envelope"},
		{"429 without envelope", 429, "slow down", "", false, status.Unknown, status.CodeRateLimited, ""},
		{"400 without envelope", 400, "bad request", "", false, status.Unknown, status.CodeProviderError, ""},
		{"truncated", 200, okBody[:40], "good", false, status.Unknown, status.CodeProviderError, ""},
		{"no code", 200, `{"msg":"x"}`, "good", false, status.Unknown, status.CodeProviderError, ""},
		{"success without data", 200, `{"code":"0","msg":"Success"}`, "good", false, status.Unknown, status.CodeProviderError, ""},
		{"success with HTTP 500", 500, okBody, "good", false, status.Unknown, status.CodeProviderError, ""},
		{"definite failure", 400, failBody, "good", false, status.Failure, status.CodeNotFound, ""},
		{"unknown status", 200, strings.Replace(okBody, "PAY_SUCCESS", "PAY_REVERSED", 1), "good", false, status.Unknown, status.CodeUnknown, ""},
		{"amount that does not parse", 200, strings.Replace(okBody, `"10.00"`, `"10.001"`, 1), "good", false, status.Unknown, status.CodeProviderError, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				switch tt.signature {
				case "":
				case "good":
					w.Header().Set("X-SIGNATURE", sign(tt.body))
				default:
					w.Header().Set("X-SIGNATURE", tt.signature)
				}
				w.WriteHeader(tt.status)
				_, _ = w.Write([]byte(tt.body))
			}))
			defer ts.Close()
			gw, err := New(Config{
				BaseURL: ts.URL, APIKey: "k", MerchantID: "m", PrivateKey: srvKeys.MerchantPrivateKey,
				WaffoPublicKey: srvKeys.WaffoPublicKey, AllowUnsignedResponses: tt.allowUnsigned,
				Retry: retry.Policy{MaxAttempts: 1},
			})
			require.NoError(t, err)
			defer gw.Close()
			p, err := gw.Inquire(ctx(t), &paygate.InquireRequest{PaymentRequestID: "p1"})
			assert.Equal(t, tt.outcome, paygate.OutcomeOf(err), "%v", err)
			assert.Equal(t, tt.code, paygate.CodeOf(err))
			if tt.outcome == status.Success {
				assert.Equal(t, status.PaymentSucceeded, p.Status)
			}
			var pe *paygate.Error
			if tt.hint != "" && assert.ErrorAs(t, err, &pe) {
				assert.Contains(t, pe.Message, tt.hint)
				assert.Contains(t, pe.Message, "the request may have been processed")
				assert.Empty(t, pe.ProviderCode, "what an unverified reply claims is not Waffo's code")
			}
		})
	}
}

// Advice that names settings names both the Go field and its environment variable, and never
// contradicts what Waffo said.
func TestSettingsAdvice(t *testing.T) {
	other, err := waffotest.GenerateKeys()
	require.NoError(t, err)
	for _, c := range []struct {
		name    string
		adjust  func(*Config)
		outcome status.Outcome
		want    []string
	}{
		// Waffo says "merchantId does not match the API key" (A0004): check the pair, not "ask Waffo".
		{"wrong merchant id", func(c *Config) { c.MerchantID = "1000000999" }, status.Failure,
			[]string{"Config.MerchantID (WAFFO_MERCHANT_ID)", "Config.APIKey (WAFFO_API_KEY)"}},
		// A reply signed by a key we do not hold is not a result (U), but the likely cause is named.
		{"wrong Waffo public key", func(c *Config) { c.WaffoPublicKey = other.WaffoPublicKey }, status.Unknown,
			[]string{"Config.WaffoPublicKey (WAFFO_PUBLIC_KEY)"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			gw, _ := setup(t, waffotest.Config{}, c.adjust, func(cfg *Config) { cfg.Retry.MaxAttempts = 1 })
			_, err := gw.Create(ctx(t), createRequest("adv1", "10.00", "USD"))
			var pe *paygate.Error
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, c.outcome, pe.Outcome)
			for _, w := range c.want {
				assert.Contains(t, pe.Message, w)
			}
		})
	}
}
