package stripe

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/money"
	"github.com/paygate-go/paygate/retry"
	"github.com/paygate-go/paygate/status"
)

var ctx = context.Background()

func createReq() *paygate.CreateRequest {
	return &paygate.CreateRequest{PaymentRequestID: "req-1", MerchantOrderID: "ord-1", Amount: money.MustParse("19.99", "USD"), Description: "Order 1"}
}

func TestErrorTableEveryRow(t *testing.T) {
	for k, row := range errorTable {
		t.Run(fmt.Sprintf("%d %s %s", k.status, k.typ, k.code), func(t *testing.T) {
			body := fmt.Sprintf(`{"error":{"type":%q,"code":%q,"message":"Stripe says so"}}`, k.typ, k.code)
			g, _ := newTest(t, map[string]func(seen) (int, string){"GET /v1/payment_intents/pi_1": answer(k.status, body)},
				func(c *Config) { c.Retry.MaxAttempts = 1 })
			_, err := g.Inquire(ctx, &paygate.InquireRequest{ProviderPaymentID: "pi_1"})
			require.Error(t, err)
			assert.Equal(t, row.outcome, paygate.OutcomeOf(err))
			assert.Equal(t, row.code, paygate.CodeOf(err))
			var pe *paygate.Error
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, cmp.Or(k.code, k.typ), pe.ProviderCode, "the code, else the type")
			assert.Equal(t, "Stripe says so", pe.ProviderMessage)
			assert.Equal(t, k.status, pe.HTTPStatus)
			assert.NotEmpty(t, pe.Message)
		})
	}
}

func TestDeclineTableEveryRow(t *testing.T) {
	for dc, row := range declineTable {
		t.Run(dc, func(t *testing.T) {
			body := fmt.Sprintf(`{"error":{"type":"card_error","code":"card_declined","decline_code":%q,"message":"Your card was declined.","payment_intent":{"id":"pi_1","status":"requires_payment_method"}}}`, dc)
			g, _ := newTest(t, map[string]func(seen) (int, string){"POST /v1/payment_intents": answer(402, body)})
			req := createReq()
			req.Method.Name = "pm_card_visa"
			_, err := g.Create(ctx, req)
			assert.Equal(t, status.Failure, paygate.OutcomeOf(err), "a decline moved no money: F")
			assert.Equal(t, row.code, paygate.CodeOf(err))
			var pe *paygate.Error
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, dc, pe.ProviderCode, "the decline code is the provider code")
		})
	}
	t.Run("unlisted decline code falls back to card_declined's row", func(t *testing.T) {
		row := classify(402, "card_error", "card_declined", "no_such_decline")
		assert.Equal(t, status.CodeDeclined, row.code)
		assert.Equal(t, status.Failure, row.outcome)
	})
}

func TestClassifyFallbacks(t *testing.T) {
	tests := []struct {
		status    int
		typ, code string
		outcome   status.Outcome
		want      status.Code
	}{
		{400, "invalid_request_error", "some_new_code", status.Failure, status.CodeInvalidRequest},
		{400, "", "", status.Failure, status.CodeInvalidRequest},
		{404, "invalid_request_error", "", status.Failure, status.CodeNotFound},
		{409, "", "", status.Unknown, status.CodeInProgress},
		{500, "api_error", "", status.Unknown, status.CodeProviderError},
		{599, "", "", status.Unknown, status.CodeUnavailable},
		{418, "", "", status.Unknown, status.CodeUnknown},
	}
	for _, tt := range tests {
		row := classify(tt.status, tt.typ, tt.code, "")
		assert.Equal(t, tt.outcome, row.outcome, "%d %s %s", tt.status, tt.typ, tt.code)
		assert.Equal(t, tt.want, row.code, "%d %s %s", tt.status, tt.typ, tt.code)
	}
}

func TestCodeTableListsEveryRow(t *testing.T) {
	rows := CodeTable()
	assert.Len(t, rows, len(errorTable)+len(declineTable)+2)
	for _, r := range rows {
		assert.NotEmpty(t, r.Advice, "%+v", r)
	}
}

func TestPaymentStatusEveryRow(t *testing.T) {
	tests := []struct {
		st, reason, extra string
		want              status.Payment
		check             func(t *testing.T, p *paygate.Payment)
	}{
		{"requires_payment_method", "", `"last_payment_error":{"type":"card_error","code":"card_declined","message":"Your card was declined."}`, status.PaymentRequiresAction,
			func(t *testing.T, p *paygate.Payment) {
				assert.Equal(t, "Your card was declined.", p.FailureReason)
				assert.Equal(t, &paygate.Action{Kind: paygate.ActionClientConfirm, ClientSecret: testSecret}, p.Action,
					"the customer may try another method with Stripe.js")
			}},
		{"requires_confirmation", "", "", status.PaymentRequiresAction, nil},
		{"requires_action", "", `"next_action":{"type":"redirect_to_url","redirect_to_url":{"url":"https://hooks.stripe.com/r","return_url":"https://m/r"}}`, status.PaymentRequiresAction,
			func(t *testing.T, p *paygate.Payment) {
				assert.Equal(t, &paygate.Action{Kind: paygate.ActionRedirect, URL: "https://hooks.stripe.com/r"}, p.Action)
			}},
		{"processing", "", "", status.PaymentPending, nil},
		{"requires_capture", "", `"amount_capturable":1999`, status.PaymentAuthorized,
			func(t *testing.T, p *paygate.Payment) { assert.True(t, p.Captured.IsZero()) }},
		{"succeeded", "", `"amount_received":1999,"latest_charge":{"id":"ch_1","object":"charge","amount":1999,"amount_refunded":500,"currency":"usd"}`, status.PaymentSucceeded,
			func(t *testing.T, p *paygate.Payment) {
				assert.Equal(t, money.MustParse("19.99", "USD"), p.Captured)
				assert.Equal(t, money.MustParse("5.00", "USD"), p.Refunded)
			}},
		{"canceled", "requested_by_customer", `"canceled_at":1788000000`, status.PaymentCanceled,
			func(t *testing.T, p *paygate.Payment) { assert.Equal(t, time.Unix(1788000000, 0).UTC(), p.UpdatedAt) }},
		{"canceled", "expired", "", status.PaymentExpired, nil},
	}
	rows := PaymentStatusTable()
	assert.Len(t, rows, len(tests), "a test per table row")
	for _, tt := range tests {
		t.Run(tt.st+" "+tt.reason, func(t *testing.T) {
			extra := tt.extra
			if tt.reason != "" {
				extra = strings.Trim(extra+`,"cancellation_reason":"`+tt.reason+`"`, ",")
			}
			g, f := newTest(t, map[string]func(seen) (int, string){"GET /v1/payment_intents/pi_1": answer(200, intentJSON("pi_1", tt.st, extra))})
			p, err := g.Inquire(ctx, &paygate.InquireRequest{ProviderPaymentID: "pi_1"})
			require.NoError(t, err)
			assert.Equal(t, tt.want, p.Status)
			assert.Equal(t, tt.st, p.ProviderStatus)
			assert.Equal(t, "req-1", p.PaymentRequestID, "read from metadata")
			assert.Equal(t, "ord-1", p.MerchantOrderID)
			assert.Equal(t, money.MustParse("19.99", "USD"), p.Amount)
			assert.Equal(t, "expand%5B%5D=latest_charge", f.requests()[0].query)
			if tt.check != nil {
				tt.check(t, p)
			}
		})
	}
	t.Run("unknown status is U", func(t *testing.T) {
		g, _ := newTest(t, map[string]func(seen) (int, string){"GET /v1/payment_intents/pi_1": answer(200, intentJSON("pi_1", "requires_magic", ""))})
		_, err := g.Inquire(ctx, &paygate.InquireRequest{ProviderPaymentID: "pi_1"})
		assert.Equal(t, status.Unknown, paygate.OutcomeOf(err))
	})
	t.Run("a reply about another intent is U", func(t *testing.T) {
		g, _ := newTest(t, map[string]func(seen) (int, string){"GET /v1/payment_intents/pi_1": answer(200, intentJSON("pi_2", "succeeded", ""))})
		_, err := g.Inquire(ctx, &paygate.InquireRequest{ProviderPaymentID: "pi_1"})
		assert.Equal(t, status.Unknown, paygate.OutcomeOf(err))
	})
}

func TestNextActions(t *testing.T) {
	tests := []struct {
		json string
		want *paygate.Action
	}{
		{`{"type":"alipay_handle_redirect","alipay_handle_redirect":{"url":"https://a/x","native_url":"alipays://x"}}`, &paygate.Action{Kind: paygate.ActionRedirect, URL: "https://a/x"}},
		{`{"type":"wechat_pay_display_qr_code","wechat_pay_display_qr_code":{"data":"weixin://wxpay/x","image_url_png":"https://q"}}`, &paygate.Action{Kind: paygate.ActionQRCode, QRCode: "weixin://wxpay/x"}},
		{`{"type":"wechat_pay_redirect_to_ios_app","wechat_pay_redirect_to_ios_app":{"native_url":"weixin://app"}}`, &paygate.Action{Kind: paygate.ActionDeeplink, URL: "weixin://app"}},
		{`{"type":"use_stripe_sdk","use_stripe_sdk":{}}`, nil},
	}
	for _, tt := range tests {
		var na nextAction
		_, err := decode([]byte(tt.json), &na)
		require.NoError(t, err)
		assert.Equal(t, tt.want, action(&na), tt.json)
	}
}

func TestRefundStatusEveryRow(t *testing.T) {
	assert.Len(t, RefundStatusTable(), len(refundStates))
	for st, want := range refundStates {
		t.Run(st, func(t *testing.T) {
			body := `{"id":"re_1","object":"refund","amount":500,"currency":"usd","status":"` + st + `","payment_intent":"pi_1","metadata":{"paygate_refund_request_id":"rr-1"}}`
			g, _ := newTest(t, map[string]func(seen) (int, string){"GET /v1/refunds/re_1": answer(200, body)})
			r, err := g.InquireRefund(ctx, &paygate.InquireRefundRequest{ProviderRefundID: "re_1"})
			require.NoError(t, err)
			assert.Equal(t, want, r.Status)
			assert.Equal(t, "rr-1", r.RefundRequestID)
			assert.Equal(t, "pi_1", r.ProviderPaymentID)
			assert.Equal(t, money.MustParse("5.00", "USD"), r.Amount)
		})
	}
}

func TestCreateWire(t *testing.T) {
	tests := []struct {
		name   string
		mod    func(r *paygate.CreateRequest)
		body   string
		status string
	}{
		{"no method: unconfirmed", nil,
			"amount=1999&currency=usd&description=Order+1&metadata%5Bpaygate_payment_request_id%5D=req-1&metadata%5Bpaygate_merchant_order_id%5D=ord-1&metadata%5Ba%5D=1&metadata%5Bb%5D=2",
			"requires_payment_method"},
		{"pm id, manual capture", func(r *paygate.CreateRequest) { r.Method.Name = "pm_card_visa"; r.CaptureMode = paygate.CaptureManual },
			"amount=1999&currency=usd&capture_method=manual&description=Order+1&metadata%5Bpaygate_payment_request_id%5D=req-1&metadata%5Bpaygate_merchant_order_id%5D=ord-1&metadata%5Ba%5D=1&metadata%5Bb%5D=2&payment_method_types%5B0%5D=card&payment_method=pm_card_visa&confirm=true",
			"requires_capture"},
		{"options", func(r *paygate.CreateRequest) {
			r.ProviderOptions = []any{&CreateOptions{PaymentMethod: "pm_x", PaymentMethodTypes: []string{"card", "link"}}}
		},
			"amount=1999&currency=usd&description=Order+1&metadata%5Bpaygate_payment_request_id%5D=req-1&metadata%5Bpaygate_merchant_order_id%5D=ord-1&metadata%5Ba%5D=1&metadata%5Bb%5D=2&payment_method_types%5B0%5D=card&payment_method_types%5B1%5D=link&payment_method=pm_x&confirm=true",
			"succeeded"},
		{"alipay redirect", func(r *paygate.CreateRequest) { r.Method.Name = "ALIPAY"; r.ReturnURL = "https://m.example/back" },
			"amount=1999&currency=usd&description=Order+1&metadata%5Bpaygate_payment_request_id%5D=req-1&metadata%5Bpaygate_merchant_order_id%5D=ord-1&metadata%5Ba%5D=1&metadata%5Bb%5D=2&payment_method_types%5B0%5D=alipay&payment_method_data%5Btype%5D=alipay&confirm=true&return_url=https%3A%2F%2Fm.example%2Fback",
			"requires_action"},
		{"wechat pay QR", func(r *paygate.CreateRequest) { r.Method.Name = "WECHAT_PAY" },
			"amount=1999&currency=usd&description=Order+1&metadata%5Bpaygate_payment_request_id%5D=req-1&metadata%5Bpaygate_merchant_order_id%5D=ord-1&metadata%5Ba%5D=1&metadata%5Bb%5D=2&payment_method_types%5B0%5D=wechat_pay&payment_method_data%5Btype%5D=wechat_pay&confirm=true&payment_method_options%5Bwechat_pay%5D%5Bclient%5D=web",
			"requires_action"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, f := newTest(t, map[string]func(seen) (int, string){"POST /v1/payment_intents": answer(200, intentJSON("pi_1", tt.status, `"amount_received":1999`))})
			req := createReq()
			req.Metadata = map[string]string{"b": "2", "a": "1"}
			if tt.mod != nil {
				tt.mod(req)
			}
			p, err := g.Create(ctx, req)
			require.NoError(t, err)
			assert.Equal(t, "pi_1", p.ProviderPaymentID)
			r := f.requests()
			require.Len(t, r, 1)
			assert.Equal(t, tt.body, r[0].body, "form order is fixed")
			assert.Equal(t, "paygate-create-req-1", r[0].header.Get("Idempotency-Key"))
			assert.Equal(t, "Bearer "+testKey, r[0].header.Get("Authorization"))
			assert.Equal(t, APIVersion, r[0].header.Get("Stripe-Version"))
			assert.Equal(t, "application/x-www-form-urlencoded", r[0].header.Get("Content-Type"))
		})
	}
}

func TestAmountsBothWays(t *testing.T) {
	tests := []struct {
		value, currency string
		wire            int64 // -1: refused
	}{
		{"19.99", "USD", 1999},
		{"1000", "JPY", 1000},
		{"5000", "KRW", 5000},
		{"12000", "UGX", 12000},
		{"100", "MGA", 100},
		{"100.50", "MGA", -1}, // Stripe takes MGA whole
		{"5.120", "KWD", 5120},
		{"5.124", "KWD", -1}, // three-decimal must end in 0
		{"40", "ISK", 4000},  // ISK goes with two decimals, a multiple of 100
		{"10.45", "HUF", 1045},
		{"99.99", "TWD", 9999},
		{"1.500", "BHD", 1500},
	}
	for _, tt := range tests {
		t.Run(tt.value+" "+tt.currency, func(t *testing.T) {
			a := money.MustParse(tt.value, tt.currency)
			n, err := toWire(paygate.OpCreate, "Amount", a)
			if tt.wire < 0 {
				assert.Equal(t, status.Failure, paygate.OutcomeOf(err))
				assert.Equal(t, status.CodeInvalidRequest, paygate.CodeOf(err))
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.wire, n)
			back, err := fromWire(n, strings.ToLower(tt.currency))
			require.NoError(t, err)
			assert.Equal(t, a, back, "read back exactly")
		})
	}
	t.Run("read back refuses what ISO cannot hold", func(t *testing.T) {
		_, err := fromWire(4050, "isk") // 40.50 ISK
		assert.Error(t, err)
		_, err = fromWire(-1, "usd")
		assert.Error(t, err)
	})
	assert.Equal(t, "usd", wireCurrency(money.MustParse("1", "USD")))
}

func TestValidationNeverReachesNetwork(t *testing.T) {
	tests := []struct {
		name string
		call func(g *Gateway) error
		code status.Code
	}{
		{"invalid request", func(g *Gateway) error { _, err := g.Create(ctx, &paygate.CreateRequest{}); return err }, status.CodeInvalidRequest},
		{"KWD not ending in 0", func(g *Gateway) error {
			r := createReq()
			r.Amount = money.MustParse("1.005", "KWD")
			_, err := g.Create(ctx, r)
			return err
		}, status.CodeInvalidRequest},
		{"redirect without return url", func(g *Gateway) error {
			r := createReq()
			r.Method.Name = "alipay"
			_, err := g.Create(ctx, r)
			return err
		}, status.CodeInvalidRequest},
		{"unknown method", func(g *Gateway) error {
			r := createReq()
			r.Method.Name = "DANA"
			_, err := g.Create(ctx, r)
			return err
		}, status.CodeNotSupported},
		{"reserved metadata key", func(g *Gateway) error {
			r := createReq()
			r.Metadata = map[string]string{"paygate_x": "1"}
			_, err := g.Create(ctx, r)
			return err
		}, status.CodeInvalidRequest},
		{"metadata key too long", func(g *Gateway) error {
			r := createReq()
			r.Metadata = map[string]string{strings.Repeat("k", 41): "1"}
			_, err := g.Create(ctx, r)
			return err
		}, status.CodeInvalidRequest},
		{"refund inquiry without the payment", func(g *Gateway) error {
			_, err := g.InquireRefund(ctx, &paygate.InquireRefundRequest{RefundRequestID: "rr-1"})
			return err
		}, status.CodeNotSupported},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, f := newTest(t, nil)
			err := tt.call(g)
			assert.Equal(t, status.Failure, paygate.OutcomeOf(err), "%v", err)
			assert.Equal(t, tt.code, paygate.CodeOf(err))
			assert.Empty(t, f.requests(), "nothing sent")
		})
	}
}

func TestSearchLagIsUnknown(t *testing.T) {
	g, f := newTest(t, map[string]func(seen) (int, string){
		"GET /v1/payment_intents/search": answer(200, `{"object":"search_result","data":[],"has_more":false,"next_page":null,"url":"/v1/payment_intents/search"}`),
	})
	_, err := g.Inquire(ctx, &paygate.InquireRequest{PaymentRequestID: "req-1"})
	assert.Equal(t, status.Unknown, paygate.OutcomeOf(err), "not found by a lagging search is never F")
	assert.Equal(t, status.CodeNotFound, paygate.CodeOf(err))
	q := f.requests()[0].query
	assert.Contains(t, q, "query=metadata%5B%27paygate_payment_request_id%27%5D%3A%27req-1%27")

	t.Run("found", func(t *testing.T) {
		g, _ := newTest(t, map[string]func(seen) (int, string){
			"GET /v1/payment_intents/search": answer(200, `{"object":"search_result","data":[`+intentJSON("pi_1", "processing", "")+`],"has_more":false}`),
		})
		p, err := g.Inquire(ctx, &paygate.InquireRequest{PaymentRequestID: "req-1"})
		require.NoError(t, err)
		assert.Equal(t, "pi_1", p.ProviderPaymentID)
	})
	t.Run("two found is U", func(t *testing.T) {
		g, _ := newTest(t, map[string]func(seen) (int, string){
			"GET /v1/payment_intents/search": answer(200, `{"object":"search_result","data":[`+intentJSON("pi_1", "processing", "")+`,`+intentJSON("pi_2", "processing", "")+`],"has_more":false}`),
		})
		_, err := g.Inquire(ctx, &paygate.InquireRequest{PaymentRequestID: "req-1"})
		assert.Equal(t, status.Unknown, paygate.OutcomeOf(err))
	})
}

func TestCaptureCancelRefund(t *testing.T) {
	authorized := intentJSON("pi_1", "requires_capture", `"amount_capturable":1999,"capture_method":"manual"`)
	captured := intentJSON("pi_1", "succeeded", `"amount_received":1000,"capture_method":"manual"`)
	t.Run("partial capture", func(t *testing.T) {
		g, f := newTest(t, map[string]func(seen) (int, string){
			"GET /v1/payment_intents/pi_1":          answer(200, authorized),
			"POST /v1/payment_intents/pi_1/capture": answer(200, captured),
		})
		p, err := g.Capture(ctx, &paygate.CaptureRequest{CaptureRequestID: "cap-1", ProviderPaymentID: "pi_1", Amount: money.MustParse("10", "USD")})
		require.NoError(t, err)
		assert.Equal(t, status.PaymentSucceeded, p.Status)
		assert.Equal(t, money.MustParse("10.00", "USD"), p.Captured)
		r := f.requests()
		require.Len(t, r, 2)
		assert.Equal(t, "amount_to_capture=1000", r[1].body)
		assert.Equal(t, "paygate-capture-cap-1", r[1].header.Get("Idempotency-Key"))
	})
	t.Run("full capture sends an empty form", func(t *testing.T) {
		g, f := newTest(t, map[string]func(seen) (int, string){"POST /v1/payment_intents/pi_1/capture": answer(200, captured)})
		_, err := g.Capture(ctx, &paygate.CaptureRequest{CaptureRequestID: "cap-1", ProviderPaymentID: "pi_1"})
		require.NoError(t, err)
		r := f.requests()
		require.Len(t, r, 1)
		assert.Empty(t, r[0].body)
		assert.Equal(t, "application/x-www-form-urlencoded", r[0].header.Get("Content-Type"), "sent on an empty POST too")
	})
	t.Run("over-capture is F LIMIT_EXCEEDED unsent", func(t *testing.T) {
		g, f := newTest(t, map[string]func(seen) (int, string){"GET /v1/payment_intents/pi_1": answer(200, authorized)})
		_, err := g.Capture(ctx, &paygate.CaptureRequest{CaptureRequestID: "cap-1", ProviderPaymentID: "pi_1", Amount: money.MustParse("20", "USD")})
		assert.Equal(t, status.Failure, paygate.OutcomeOf(err))
		assert.Equal(t, status.CodeLimitExceeded, paygate.CodeOf(err))
		assert.Len(t, f.requests(), 1, "only the GET")
	})
	t.Run("capture in another currency is F unsent", func(t *testing.T) {
		g, f := newTest(t, map[string]func(seen) (int, string){"GET /v1/payment_intents/pi_1": answer(200, authorized)})
		_, err := g.Capture(ctx, &paygate.CaptureRequest{CaptureRequestID: "cap-1", ProviderPaymentID: "pi_1", Amount: money.MustParse("10", "EUR")})
		assert.Equal(t, status.CodeInvalidRequest, paygate.CodeOf(err))
		assert.Len(t, f.requests(), 1)
	})
	t.Run("cancel sends only enum reasons", func(t *testing.T) {
		for reason, want := range map[string]string{"requested_by_customer": "cancellation_reason=requested_by_customer", "customer changed mind": ""} {
			g, f := newTest(t, map[string]func(seen) (int, string){"POST /v1/payment_intents/pi_1/cancel": answer(200, intentJSON("pi_1", "canceled", `"cancellation_reason":"requested_by_customer"`))})
			p, err := g.Cancel(ctx, &paygate.CancelRequest{ProviderPaymentID: "pi_1", Reason: reason})
			require.NoError(t, err)
			assert.Equal(t, status.PaymentCanceled, p.Status)
			assert.Equal(t, want, f.requests()[0].body)
			assert.Equal(t, "paygate-cancel-pi_1", f.requests()[0].header.Get("Idempotency-Key"))
		}
	})
	t.Run("refund", func(t *testing.T) {
		g, f := newTest(t, map[string]func(seen) (int, string){
			"GET /v1/payment_intents/pi_1": answer(200, intentJSON("pi_1", "succeeded", `"amount_received":1999`)),
			"POST /v1/refunds":             answer(200, `{"id":"re_1","object":"refund","amount":500,"currency":"usd","status":"succeeded","payment_intent":"pi_1","metadata":{"paygate_refund_request_id":"rr-1"}}`),
		})
		r, err := g.Refund(ctx, &paygate.RefundRequest{RefundRequestID: "rr-1", ProviderPaymentID: "pi_1", Amount: money.MustParse("5", "USD"), Reason: "duplicate"})
		require.NoError(t, err)
		assert.Equal(t, status.RefundSucceeded, r.Status)
		assert.Equal(t, "req-1", r.PaymentRequestID)
		req := f.requests()[1]
		assert.Equal(t, "payment_intent=pi_1&amount=500&metadata%5Bpaygate_refund_request_id%5D=rr-1&metadata%5Bpaygate_payment_request_id%5D=req-1&reason=duplicate", req.body)
		assert.Equal(t, "paygate-refund-rr-1", req.header.Get("Idempotency-Key"))
	})
	t.Run("refund inquiry by request id lists the payment's refunds", func(t *testing.T) {
		page := func(s seen) (int, string) {
			if !strings.Contains(s.query, "starting_after") {
				return 200, `{"object":"list","data":[{"id":"re_9","object":"refund","amount":100,"currency":"usd","status":"succeeded","payment_intent":"pi_1","metadata":{}}],"has_more":true,"url":"/v1/refunds"}`
			}
			return 200, `{"object":"list","data":[{"id":"re_1","object":"refund","amount":500,"currency":"usd","status":"pending","payment_intent":"pi_1","metadata":{"paygate_refund_request_id":"rr-1"}}],"has_more":false,"url":"/v1/refunds"}`
		}
		g, f := newTest(t, map[string]func(seen) (int, string){"GET /v1/refunds": page})
		r, err := g.InquireRefund(ctx, &paygate.InquireRefundRequest{RefundRequestID: "rr-1", ProviderPaymentID: "pi_1"})
		require.NoError(t, err)
		assert.Equal(t, "re_1", r.ProviderRefundID)
		assert.Equal(t, status.RefundPending, r.Status)
		assert.Contains(t, f.requests()[1].query, "starting_after=re_9")
	})
	t.Run("refund not in the list is F NOT_FOUND", func(t *testing.T) {
		g, _ := newTest(t, map[string]func(seen) (int, string){"GET /v1/refunds": answer(200, `{"object":"list","data":[],"has_more":false}`)})
		_, err := g.InquireRefund(ctx, &paygate.InquireRefundRequest{RefundRequestID: "rr-1", ProviderPaymentID: "pi_1"})
		assert.Equal(t, status.Failure, paygate.OutcomeOf(err))
		assert.Equal(t, status.CodeNotFound, paygate.CodeOf(err))
	})
}

func TestShouldRetryFalseIsNotResent(t *testing.T) {
	for _, tt := range []struct {
		hint  string
		sends int
	}{{"false", 1}, {"true", 2}} {
		g, f := newTest(t, map[string]func(seen) (int, string){"POST /v1/payment_intents": answer(500, `{"error":{"type":"api_error","message":"boom"}}`)})
		f.hdr = http.Header{"Stripe-Should-Retry": {tt.hint}}
		_, err := g.Create(ctx, createReq())
		assert.Equal(t, status.Unknown, paygate.OutcomeOf(err))
		assert.Len(t, f.requests(), tt.sends, "Stripe-Should-Retry: %s", tt.hint)
		for _, r := range f.requests() {
			assert.Equal(t, "paygate-create-req-1", r.header.Get("Idempotency-Key"), "a resend reuses the key")
		}
	}
}

func TestRateLimitKeepsRetryAfter(t *testing.T) {
	g, f := newTest(t, map[string]func(seen) (int, string){"GET /v1/payment_intents/pi_1": answer(429, `{"error":{"type":"invalid_request_error","code":"rate_limit","message":"slow down"}}`)})
	f.hdr = http.Header{"Retry-After": {"2"}}
	_, err := g.Inquire(ctx, &paygate.InquireRequest{ProviderPaymentID: "pi_1"})
	assert.Equal(t, status.CodeRateLimited, paygate.CodeOf(err))
	var pe *paygate.Error
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, 2*time.Second, pe.RetryAfter)
}

func TestIdempotencyDeclared(t *testing.T) {
	g, _ := newTest(t, nil)
	for _, op := range []paygate.Op{paygate.OpCreate, paygate.OpCapture, paygate.OpCancel, paygate.OpRefund} {
		assert.Equal(t, retry.Idempotency{Dedupes: true, Window: 24 * time.Hour}, g.Idempotency(op), op)
	}
	c := g.Capabilities()
	assert.True(t, c.RequestIDLookupLags)
	assert.True(t, c.Captures(paygate.CaptureManual))
	assert.Equal(t, 7*24*time.Hour, c.AuthorizationHold)
}

func TestClientSecretOnlyInTheActionAndNeverLogged(t *testing.T) {
	core, logs := observer.New(zapcore.DebugLevel)
	g, _ := newTest(t, map[string]func(seen) (int, string){
		"GET /v1/payment_intents/pi_1": answer(200, intentJSON("pi_1", "requires_payment_method", "")),
		"POST /v1/payment_intents":     answer(400, `{"error":{"type":"invalid_request_error","message":"bad `+testKey+`"}}`),
	}, withLogger(zap.New(core)))
	s, err := g.ClientSecret(ctx, "pi_1")
	require.NoError(t, err)
	assert.Equal(t, testSecret, s)
	p, err := g.Inquire(ctx, &paygate.InquireRequest{ProviderPaymentID: "pi_1"})
	require.NoError(t, err)
	require.NotNil(t, p.Action, "an unconfirmed intent waits for Stripe.js")
	assert.Equal(t, paygate.Action{Kind: paygate.ActionClientConfirm, ClientSecret: testSecret}, *p.Action,
		"the client secret is in the Action, for the customer's browser, and nowhere else")
	p.Action = nil
	assert.NotContains(t, fmt.Sprintf("%+v", p), testSecret)
	_, err = g.Create(ctx, createReq())
	require.Error(t, err)
	assert.NotContains(t, err.Error(), testKey)
	require.NotZero(t, logs.Len())
	for _, e := range logs.All() {
		line := fmt.Sprint(e.Message, e.ContextMap())
		for _, secret := range []string{testKey, testWHSec, testSecret} {
			assert.NotContains(t, line, secret)
		}
	}
}

func TestEnvAndNew(t *testing.T) {
	env := map[string]string{EnvSecretKey: "sk_test_x", EnvWebhookSecret: "whsec_a,whsec_b", EnvBaseURL: "http://127.0.0.1:1"}
	cfg, err := ConfigFromEnv(func(k string) string { return env[k] })
	require.NoError(t, err)
	assert.Equal(t, Config{SecretKey: "sk_test_x", WebhookSecret: "whsec_a,whsec_b", BaseURL: "http://127.0.0.1:1"}, cfg)
	g, err := New(cfg)
	require.NoError(t, err)
	assert.Len(t, g.whSecrets, 2)
	cfg, err = ConfigFromEnv(nil)
	require.NoError(t, err)
	_, err = New(cfg)
	assert.ErrorContains(t, err, "SecretKey")
	_, err = New(Config{SecretKey: "pk_test_x"})
	assert.ErrorContains(t, err, "publishable")
	spec := Spec()
	assert.Equal(t, Name, spec.Name)
	a, err := spec.Open(func(k string) string { return env[k] }, commonSettings())
	require.NoError(t, err)
	a.Close()
}
