package waffo

import (
	"bytes"
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/money"
	"github.com/paygate-go/paygate/provider"
	"github.com/paygate-go/paygate/provider/waffo/waffotest"
	"github.com/paygate-go/paygate/status"
)

// fuzzEnv is what the fuzz targets share, built once per process (RSA key generation is slow):
// adapters with and without AllowUnsignedResponses, Waffo's signing key, and a valid signature of
// other bytes.
type fuzzEnv struct {
	strict, lax *Gateway
	waffoKey    *rsa.PrivateKey
	otherSig    string
}

var sharedFuzzEnv = sync.OnceValues(func() (*fuzzEnv, error) {
	keys, err := waffotest.GenerateKeys()
	if err != nil {
		return nil, err
	}
	cfg := Config{
		BaseURL: "http://127.0.0.1:9/api/v1", APIKey: "fuzz-api-key", MerchantID: "M-FUZZ",
		PrivateKey: keys.MerchantPrivateKey, WaffoPublicKey: keys.WaffoPublicKey,
	}
	strict, err := New(cfg)
	if err != nil {
		return nil, err
	}
	cfg.AllowUnsignedResponses = true
	lax, err := New(cfg)
	if err != nil {
		return nil, err
	}
	wk, err := provider.ParsePrivateKey(keys.WaffoPrivateKey)
	if err != nil {
		return nil, err
	}
	other, err := signBody(wk, []byte(`{"code":"0","msg":"Success","data":{"acquiringOrderId":"other"}}`))
	if err != nil {
		return nil, err
	}
	return &fuzzEnv{lax: lax, strict: strict, waffoKey: wk, otherSig: other}, nil
})

func fuzzSetup(f *testing.F) *fuzzEnv {
	env, err := sharedFuzzEnv()
	if err != nil {
		f.Fatal(err)
	}
	return env
}

// Replies as Waffo (and the simulator) send them, and broken ones.
var replySeeds = []struct {
	status int
	body   string
}{
	{200, `{"code":"0","msg":"Success","data":{"paymentRequestId":"pay-1","merchantOrderId":"order-1","acquiringOrderId":"A202611210001","orderStatus":"PAY_IN_PROGRESS","orderAction":"{\"actionType\":\"WEB\",\"webUrl\":\"https://cashier.waffo.invalid/pay/A202611210001\"}"}}`},
	{200, `{"code":"0","msg":"Success","data":{"paymentRequestId":"pay-1","acquiringOrderId":"A1","orderStatus":"PAY_SUCCESS","orderCurrency":"IDR","orderAmount":"149000","finalDealAmount":"149000","orderUpdatedAt":"2026-11-21T08:00:00.000Z"}}`},
	{200, `{"code":"0","msg":"Success","data":null}`},
	{200, `{"code":"0","msg":"Success"}`},
	{500, `{"code":"E0001","msg":"unknown status"}`},
	{500, `{"code":"E0417","msg":"an E code Waffo has not documented"}`},
	{200, `{"code":"E0001","msg":"unknown status"}`},
	{503, `{"code":"C0001","msg":"system unavailable"}`},
	{500, `{"code":"C0005","msg":"channel rejection"}`},
	{400, `{"code":"A0009","msg":"order does not exist"}`},
	{401, `{"code":"A0002","msg":"invalid signature"}`},
	{406, `{"code":"D0001","msg":"risk rejection"}`},
	{400, `{"code":"Z0001","msg":"?"}`},
	{500, `{"code":"0","msg":"Success","data":{"acquiringOrderId":"A1","orderStatus":"PAY_SUCCESS"}}`},
	{502, `<html>Bad Gateway</html>`},
	{429, ``},
	{200, `{"code":"","msg":""}`},
	{200, `{"code":0}`},
}

// FuzzRead: whatever Waffo's reply looks like, the reply reader returns data only for a trusted,
// well-formed success (signature verified, or absent with AllowUnsignedResponses; HTTP 2xx; code "0";
// data present), and F only for a trusted, well-formed envelope whose code is a definite failure. A
// reply with an E code, a body that is not the envelope, or a signature that is wrong (or missing,
// by default) is never F.
func FuzzRead(f *testing.F) {
	env := fuzzSetup(f)
	for _, s := range replySeeds {
		for mode := range uint8(4) {
			f.Add(s.status, []byte(s.body), mode, "", mode == 0)
		}
	}
	f.Add(200, []byte(replySeeds[0].body), uint8(3), "bm90IGEgc2lnbmF0dXJl", false)
	f.Fuzz(func(t *testing.T, httpStatus int, body []byte, sigMode uint8, sig string, allowUnsigned bool) {
		g := env.strict
		if allowUnsigned {
			g = env.lax
		}
		h := http.Header{}
		verified := false
		switch sigMode % 4 {
		case 1:
			s, err := signBody(env.waffoKey, body)
			if err != nil {
				t.Fatal(err)
			}
			h.Set(headerSignature, s)
			verified = true
		case 2:
			h.Set(headerSignature, env.otherSig) // Waffo's signature, of other bytes
		case 3:
			h.Set(headerSignature, sig)
		}
		present := h.Get(headerSignature) != ""
		trusted := verified || (!present && allowUnsigned)
		var e envelope
		parsed := json.Unmarshal(body, &e) == nil && e.Code != ""

		if definite(httpStatus, body) && !(parsed && e.Code != codeSuccess && classify(e.Code).outcome == status.Failure) {
			t.Fatalf("definite(%d, %q) for a reply that is not a definite failure", httpStatus, body)
		}
		resp := &provider.Response{StatusCode: httpStatus, Header: h, Body: body}
		data, err := g.read(paygate.OpCreate, resp)
		if err == nil {
			switch {
			case !trusted:
				t.Fatalf("data returned from a reply whose signature did not verify (mode %d, allow unsigned %v): %q", sigMode%4, allowUnsigned, body)
			case !parsed || e.Code != codeSuccess:
				t.Fatalf("data returned from a reply that is not a success envelope: %q", body)
			case httpStatus < 200 || httpStatus > 299:
				t.Fatalf("data returned from HTTP %d", httpStatus)
			case len(bytes.TrimSpace(data)) == 0 || string(bytes.TrimSpace(data)) == "null":
				t.Fatalf("empty data returned from %q", body)
			}
			return
		}
		var pe *paygate.Error
		if !errors.As(err, &pe) || pe.Provider != Name || !pe.Code.Valid() || !pe.Outcome.Valid() {
			t.Fatalf("not a well-formed *paygate.Error: %#v", err)
		}
		switch paygate.OutcomeOf(err) {
		case status.Success:
			t.Fatalf("S with an error: %v", err)
		case status.Failure:
			switch {
			case !trusted:
				t.Fatalf("F from a reply whose signature did not verify (mode %d, allow unsigned %v): %q", sigMode%4, allowUnsigned, body)
			case !parsed:
				t.Fatalf("F from a body that is not Waffo's envelope: %q", body)
			case strings.HasPrefix(e.Code, "E") || classify(e.Code).outcome != status.Failure:
				t.Fatalf("F from code %q", e.Code)
			case pe.ProviderCode != e.Code:
				t.Fatalf("F without Waffo's code: %q vs %q", pe.ProviderCode, e.Code)
			}
		}
	})
}

// Orders and refunds as Waffo's replies and notifications carry them.
var orderSeeds = []string{
	`{"paymentRequestId":"pay-1","merchantOrderId":"order-1","acquiringOrderId":"A1","orderStatus":"PAY_IN_PROGRESS","orderAction":"{\"actionType\":\"WEB\",\"webUrl\":\"https://cashier.waffo.invalid/pay/A1\",\"actionData\":{\"paymentQr\":\"0002010102\",\"paymentExpiryTime\":\"2026-11-21T08:30:00.000Z\"}}"}`,
	`{"paymentRequestId":"pay-1","acquiringOrderId":"A1","orderStatus":"PAY_IN_PROGRESS","orderAction":"{\"actionType\":\"DEEPLINK\",\"deeplinkUrl\":\"waffo-wallet://pay/A1\"}"}`,
	`{"acquiringOrderId":"A1","orderStatus":"PAY_IN_PROGRESS","orderAction":"not json"}`,
	`{"acquiringOrderId":"A1","orderStatus":"PAY_SUCCESS","orderCurrency":"USD","orderAmount":"10.50","finalDealAmount":"10.50","orderUpdatedAt":"2026-11-21T08:00:00.000Z"}`,
	`{"acquiringOrderId":"A1","orderStatus":"PAY_SUCCESS","orderCurrency":"IDR","orderAmount":"149000"}`,
	`{"acquiringOrderId":"A1","orderStatus":"PAY_SUCCESS","orderCurrency":"IDR","orderAmount":"149000.50"}`,
	`{"acquiringOrderId":"A1","orderStatus":"PAY_SUCCESS","orderCurrency":"USD","orderAmount":"10.5"}`,
	`{"acquiringOrderId":"A1","orderStatus":"ORDER_CLOSE","orderFailedReason":"{\"orderFailedCode\":\"C0005\",\"orderFailedDescription\":\"channel rejection\"}"}`,
	`{"acquiringOrderId":"A1","orderStatus":"ORDER_CLOSE","orderFailedReason":{"orderFailedCode":"C0005"}}`,
	`{"acquiringOrderId":"A1","orderStatus":"ORDER_CLOSE","orderExpiredAt":"2026-11-21T08:30:00.000Z","orderUpdatedAt":"2026-11-21T08:30:00.001Z"}`,
	`{"acquiringOrderId":"A1","orderStatus":"ORDER_CLOSE"}`,
	`{"acquiringOrderId":"A1","orderStatus":"AUTHED_WAITING_CAPTURE"}`,
	`{"acquiringOrderId":"A1","orderStatus":"CAPTURE_IN_PROGRESS"}`,
	`{"paymentRequestId":"pay-1","merchantOrderId":"order-1","acquiringOrderId":"A1","orderStatus":"CAPTURE_IN_PROGRESS"}`,
	`{"acquiringOrderId":"A1","orderStatus":"CAPTURE_IN_PROGRESS","orderCurrency":"JPY","orderAmount":"1500"}`,
	`{"acquiringOrderId":"A1","orderStatus":"AUTHED_WAITING_CAPTURE","orderCurrency":"USD","orderAmount":"10.50"}`,
	`{"orderStatus":"PAY_SUCCESS"}`,
	`{"refundRequestId":"ref-1","acquiringOrderId":"A1","acquiringRefundOrderId":"R1","refundAmount":"5.00","refundStatus":"ORDER_PARTIALLY_REFUNDED","remainingRefundAmount":"5.50","refundUpdatedAt":"2026-11-21T09:00:00.000Z"}`,
	`{"refundRequestId":"ref-1","acquiringRefundOrderId":"R1","refundAmount":"149000","refundCurrency":"IDR","refundStatus":"ORDER_FULLY_REFUNDED"}`,
	`{"refundRequestId":"ref-1","refundStatus":"REFUND_IN_PROGRESS"}`,
	`{"refundRequestId":"ref-1","refundStatus":"ORDER_REFUND_FAILED","refundFailedReason":"{}"}`,
	`{"acquiringRefundOrderId":"R1","refundStatus":"SOMETHING_NEW"}`,
}

// checkWireAmount fails unless a is exactly value and writes back, at Waffo's digits, to a string
// that reads as a again.
func checkWireAmount(t *testing.T, a money.Amount, value, currency string) {
	t.Helper()
	if a.Currency() != currency {
		t.Fatalf("amount %q %s read as %v", value, currency, a)
	}
	if exact, err := decimal.NewFromString(value); err != nil || !exact.Equal(a.Decimal()) {
		t.Fatalf("amount %q %s read as %v, not its value", value, currency, a)
	}
	wire, err := FormatAmount(a)
	if err != nil {
		t.Fatalf("amount %v read from Waffo cannot be written back: %v", a, err)
	}
	if back, err := ParseAmount(wire, currency); err != nil || back != a {
		t.Fatalf("amount %v writes as %q, which reads as %v, %v", a, wire, back, err)
	}
}

// FuzzMapping: an order or refund from a reply maps to a Payment or Refund with a valid status, the
// ids and status Waffo sent, and an amount that is exactly Waffo's; what cannot be mapped is U, never
// F. A final payment carries no action, and a failed one says why.
func FuzzMapping(f *testing.F) {
	env := fuzzSetup(f)
	for _, s := range orderSeeds {
		for _, cur := range []string{"", "USD", "IDR", "JPY"} {
			f.Add([]byte(s), strings.Contains(s, "refundStatus"), cur)
		}
	}
	g := env.strict
	f.Fuzz(func(t *testing.T, data []byte, refund bool, currency string) {
		if refund {
			var d refundData
			if json.Unmarshal(data, &d) != nil {
				return
			}
			r, err := g.refund(paygate.OpInquireRefund, d, currency)
			if err != nil {
				if r != nil || paygate.OutcomeOf(err) != status.Unknown {
					t.Fatalf("refund %s: %v (%v), want U and no refund", data, err, paygate.OutcomeOf(err))
				}
				return
			}
			switch {
			case !r.Status.Valid() || r.Status != refundStatusTable[d.RefundStatus]:
				t.Fatalf("refund status %q mapped to %q", d.RefundStatus, r.Status)
			case r.Provider != Name || r.ProviderStatus != d.RefundStatus:
				t.Fatalf("refund %+v from %s", r, data)
			case r.RefundRequestID != d.RefundRequestID || r.ProviderRefundID != d.AcquiringRefundOrderID || r.RefundRequestID+r.ProviderRefundID == "":
				t.Fatalf("refund ids %q/%q from %s", r.RefundRequestID, r.ProviderRefundID, data)
			}
			if d.RefundAmount != "" && currency != "" {
				checkWireAmount(t, r.Amount, d.RefundAmount, currency)
			} else if !r.Amount.IsZero() {
				t.Fatalf("refund amount %v without an amount and a currency", r.Amount)
			}
			return
		}
		var d orderData
		if json.Unmarshal(data, &d) != nil {
			return
		}
		p, err := g.payment(paygate.OpInquire, d, closeReason{})
		if err != nil {
			if p != nil || paygate.OutcomeOf(err) != status.Unknown {
				t.Fatalf("order %s: %v (%v), want U and no payment", data, err, paygate.OutcomeOf(err))
			}
			return
		}
		switch {
		case !p.Status.Valid():
			t.Fatalf("order status %q mapped to invalid %q", d.OrderStatus, p.Status)
		case p.Provider != Name || p.ProviderStatus != d.OrderStatus:
			t.Fatalf("payment %+v from %s", p, data)
		case p.PaymentRequestID != d.PaymentRequestID || p.ProviderPaymentID != d.AcquiringOrderID || p.PaymentRequestID+p.ProviderPaymentID == "":
			t.Fatalf("payment ids %q/%q from %s", p.PaymentRequestID, p.ProviderPaymentID, data)
		case d.OrderStatus == orderPaySuccess && p.Status != status.PaymentSucceeded:
			t.Fatalf("PAY_SUCCESS mapped to %q", p.Status)
		case d.OrderStatus != orderPaySuccess && d.OrderStatus != orderAuthedWaitCapture && p.Status == status.PaymentSucceeded:
			t.Fatalf("%q mapped to SUCCEEDED", d.OrderStatus)
		case p.Status.Final() && p.Action != nil:
			t.Fatalf("final payment %q with an action", p.Status)
		case p.Status == status.PaymentFailed && p.FailureReason == "":
			t.Fatalf("failed payment without a reason: %s", data)
		case capturedStatuses[d.OrderStatus] != p.Captured.Equal(p.Amount) && !p.Amount.IsZero():
			t.Fatalf("%q with amount %v captured %v", d.OrderStatus, p.Amount, p.Captured)
		case !capturedStatuses[d.OrderStatus] && !p.Captured.IsZero():
			t.Fatalf("%q captured %v: only a taken order's money is captured", d.OrderStatus, p.Captured)
		}
		if d.OrderAmount != "" {
			checkWireAmount(t, p.Amount, d.OrderAmount, d.OrderCurrency)
		} else if !p.Amount.IsZero() {
			t.Fatalf("payment amount %v from an order without one", p.Amount)
		}
	})
}

// FuzzWebhookEvent: a notification body maps to an event whose id (and update time) depend only on
// the body, whose type matches its payload, and whose payment or refund is valid; a body that does not
// map is an error, and an event type paygate does not model is acknowledged (nil, nil). Through the
// handler, a body without a valid X-SIGNATURE never reaches the merchant's function.
func FuzzWebhookEvent(f *testing.F) {
	env := fuzzSetup(f)
	for _, s := range []string{
		`{"eventType":"PAYMENT_NOTIFICATION","result":` + orderSeeds[3] + `}`,
		`{"eventType":"PAYMENT_NOTIFICATION","result":` + orderSeeds[8] + `}`,
		`{"eventType":"PAYMENT_NOTIFICATION",` + orderSeeds[4][1:],
		`{"eventType":"REFUND_NOTIFICATION","result":` + orderSeeds[14] + `}`,
		`{"eventType":"REFUND_NOTIFICATION","result":` + orderSeeds[15] + `}`,
		`{"eventType":"SUBSCRIPTION_STATUS_NOTIFICATION","result":{"subscriptionId":"S1"}}`,
		`{"eventType":"PAYMENT_NOTIFICATION","result":null}`,
		`{"result":{}}`, `{}`, `[]`, `null`, ``,
	} {
		f.Add([]byte(s), "")
		f.Add([]byte(s), "bm90IGEgc2lnbmF0dXJl")
	}
	g := env.strict
	var called bool
	handler := g.WebhookHandler(func(context.Context, *paygate.Event) error { called = true; return nil })
	f.Fuzz(func(t *testing.T, body []byte, sig string) {
		ev, at, err := g.event(body)
		var p webhookPayload
		decoded := json.Unmarshal(body, &p) == nil
		switch {
		case err != nil && ev != nil:
			t.Fatalf("an event with an error: %v", err)
		case err == nil && ev == nil:
			if !decoded || p.EventType == "" || p.EventType == eventPayment || p.EventType == eventRefund {
				t.Fatalf("%q ignored as an event type paygate does not model", body)
			}
		case ev != nil:
			again, againAt, err := g.event(body)
			if err != nil || again.ID != ev.ID || !againAt.Equal(at) {
				t.Fatalf("the same body gave %q at %v and %q at %v (%v)", ev.ID, at, again.ID, againAt, err)
			}
			if !strings.HasPrefix(ev.ID, "waffo_") || ev.Provider != Name {
				t.Fatalf("event %+v", ev)
			}
			switch p.EventType {
			case eventPayment:
				if ev.Type != paygate.EventPaymentUpdated || ev.Payment == nil || ev.Refund != nil || !ev.Payment.Status.Valid() {
					t.Fatalf("payment notification gave %+v", ev)
				}
			case eventRefund:
				if ev.Type != paygate.EventRefundUpdated || ev.Refund == nil || ev.Payment != nil || !ev.Refund.Status.Valid() {
					t.Fatalf("refund notification gave %+v", ev)
				}
			default:
				t.Fatalf("event type %q gave an event", p.EventType)
			}
		}

		called = false
		req := httptest.NewRequest(http.MethodPost, "/webhooks/waffo", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if sig != "" {
			req.Header.Set(headerSignature, sig)
		}
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, req)
		if called || rec.Code != http.StatusUnauthorized {
			t.Fatalf("a body signed %q reached the merchant (called %v, HTTP %d)", sig, called, rec.Code)
		}
	})
}

// FuzzAmount: an amount Waffo writes reads as exactly its value and writes back to the canonical
// string (exactly Digits(currency) decimals) that reads as the same amount; and any amount that
// Waffo's digits can carry writes to a string that reads back as it.
func FuzzAmount(f *testing.F) {
	for _, s := range []struct {
		value, currency string
		minor           int64
	}{
		{"10.50", "USD", 1050}, {"149000", "IDR", 149000}, {"149000.00", "IDR", 14900000}, {"149000.50", "IDR", 14900050},
		{"100", "USD", 100}, {"100.0", "USD", 1000}, {"1000", "JPY", 1000}, {"1.250", "KWD", 1250}, {"-1.00", "USD", -100},
		{"0.00", "EUR", 0}, {"99999999999999999.99", "USD", 1<<62 + 7}, {"9.1", "USD", 910}, {"1e3", "USD", 1}, {"10.50", "usd", 1},
	} {
		f.Add(s.value, s.currency, s.minor)
	}
	f.Fuzz(func(t *testing.T, value, currency string, minor int64) {
		digits := Digits(currency)
		if a, err := ParseAmount(value, currency); err == nil {
			checkWireAmount(t, a, value, currency)
			wire, _ := FormatAmount(a)
			if exact, _ := decimal.NewFromString(value); wire != exact.StringFixed(int32(digits)) {
				t.Fatalf("%q %s writes back as %q, not with exactly %d decimals", value, currency, wire, digits)
			}
		}
		a, err := money.FromMinorAt(minor, currency, digits)
		if err != nil {
			return
		}
		wire, err := FormatAmount(a)
		if err != nil {
			t.Fatalf("%v fits Waffo's %d decimals but does not write: %v", a, digits, err)
		}
		if dot := strings.IndexByte(wire, '.'); (digits == 0 && dot >= 0) || (digits > 0 && len(wire)-dot-1 != digits) {
			t.Fatalf("%v writes as %q, not with %d decimals", a, wire, digits)
		}
		if back, err := ParseAmount(wire, currency); err != nil || back != a {
			t.Fatalf("%v writes as %q, which reads as %v, %v", a, wire, back, err)
		}
	})
}

// FuzzParseTime: parseTime accepts exactly the RFC 3339 times, and a time it reads, written in
// Waffo's format, reads back as the same instant to the millisecond (Waffo's precision).
func FuzzParseTime(f *testing.F) {
	for _, s := range []string{
		"2026-11-21T08:00:00.000Z", "2026-11-21T08:00:00Z", "2026-11-21T16:00:00.123456789+08:00", "2026-11-21 08:00:00",
		"2026-11-21T08:00:00.000", "", "0000-01-01T00:30:00+01:00", "9999-12-31T23:59:59.999-01:00", "2026-02-30T00:00:00Z",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := parseTime(s)
		want, err := time.Parse(time.RFC3339Nano, s)
		if ok != (err == nil && s != "") || (ok && !got.Equal(want)) {
			t.Fatalf("parseTime(%q) = %v, %v; time.Parse gives %v, %v", s, got, ok, want, err)
		}
		if !ok {
			return
		}
		if y := got.UTC().Year(); y < 0 || y > 9999 {
			return // a four-digit year in another zone can leave 0000–9999 in UTC, which no format writes
		}
		back, ok := parseTime(formatTime(got))
		if !ok || !back.Equal(got.Truncate(time.Millisecond)) {
			t.Fatalf("%q reads as %v, writes as %q, reads back as %v, %v", s, got, formatTime(got), back, ok)
		}
	})
}
