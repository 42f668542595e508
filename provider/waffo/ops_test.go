package waffo

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/money"
	"github.com/paygate-go/paygate/provider/sim"
	"github.com/paygate-go/paygate/provider/waffo/waffotest"
	"github.com/paygate-go/paygate/retry"
	"github.com/paygate-go/paygate/status"
)

// TestWaffoLimitsRefuseBeforeSending: requests paygate accepts but Waffo would refuse are F
// INVALID_REQUEST naming the field, and nothing reaches the simulator.
func TestWaffoLimitsRefuseBeforeSending(t *testing.T) {
	gw, srv := setup(t, waffotest.Config{})
	long := func(n int) string { return strings.Repeat("a", n) }
	create := func(edit func(*paygate.CreateRequest)) func() error {
		return func() error {
			req := createRequest("lim1", "10.00", "USD")
			edit(req)
			_, err := gw.Create(ctx(t), req)
			return err
		}
	}
	tests := []struct {
		name  string
		call  func() error
		field string
	}{
		{"payment request id over 32", create(func(r *paygate.CreateRequest) { r.PaymentRequestID = long(33) }), "PaymentRequestID"},
		{"merchant order id over 64", create(func(r *paygate.CreateRequest) { r.MerchantOrderID = long(65) }), "MerchantOrderID"},
		{"description over 128", create(func(r *paygate.CreateRequest) { r.Description = long(129) }), "Description"},
		{"no notify url", create(func(r *paygate.CreateRequest) { r.NotifyURL = "" }), "NotifyURL"},
		{"notify url over 256", create(func(r *paygate.CreateRequest) { r.NotifyURL = "https://m.example/" + long(250) }), "NotifyURL"},
		{"no customer id", create(func(r *paygate.CreateRequest) { r.Customer.ID = "" }), "Customer.ID"},
		{"no customer email", create(func(r *paygate.CreateRequest) { r.Customer.Email = "" }), "Customer.Email"},
		{"email over 64", create(func(r *paygate.CreateRequest) { r.Customer.Email = long(60) + "@example.com" }), "Customer.Email"},
		{"phone over 30", create(func(r *paygate.CreateRequest) { r.Customer.Phone = "+62 812 3456 7890 1234 5678 9012" }), "Customer.Phone"},
		{"return url over 512", create(func(r *paygate.CreateRequest) { r.ReturnURL = "https://m.example/" + long(500) }), "ReturnURL"},
		{"IDR with cents", create(func(r *paygate.CreateRequest) { r.Amount = money.MustParse("15000.50", "IDR") }), "Amount"},
		{"KWD with three decimals", create(func(r *paygate.CreateRequest) { r.Amount = money.MustParse("1.005", "KWD") }), "Amount"},
		{"extend info over 128", create(func(r *paygate.CreateRequest) {
			r.ProviderOptions = []any{&CreateOptions{ExtendInfo: long(129)}}
		}), "ExtendInfo"},
		{"extend info over 128, options given as a value", create(func(r *paygate.CreateRequest) {
			r.ProviderOptions = []any{CreateOptions{ExtendInfo: long(129)}}
		}), "ExtendInfo"},
		{"extra overrides an amount", create(func(r *paygate.CreateRequest) {
			r.ProviderOptions = []any{&CreateOptions{Extra: map[string]json.RawMessage{"orderAmount": json.RawMessage(`"1.00"`)}}}
		}), "ProviderOptions"},
		{"extra that is not JSON", create(func(r *paygate.CreateRequest) {
			r.ProviderOptions = []any{&CreateOptions{Extra: map[string]json.RawMessage{"x": json.RawMessage(`{`)}}}
		}), "ProviderOptions"},
		{"metadata over extendInfo's 128", create(func(r *paygate.CreateRequest) { r.Metadata = map[string]string{"note": long(120)} }), "Metadata"},
		{"goods name over 64", create(func(r *paygate.CreateRequest) {
			r.ProviderOptions = []any{&CreateOptions{Goods: &Goods{GoodsName: long(65), GoodsURL: "https://m.example/g"}}}
		}), "Goods.GoodsName"},
		{"method country over 3", create(func(r *paygate.CreateRequest) { r.Method.Country = "IDNX" }), "Method.Country"},
		{"cashier language over 24", create(func(r *paygate.CreateRequest) {
			r.ProviderOptions = []any{&CreateOptions{CashierLanguage: long(25)}}
		}), "CashierLanguage"},
		{"paygate's own validation", create(func(r *paygate.CreateRequest) { r.Amount = money.Amount{} }), "Amount"},
		{"inquire by a 33-character id", func() error {
			_, err := gw.Inquire(ctx(t), &paygate.InquireRequest{PaymentRequestID: long(33)})
			return err
		}, "PaymentRequestID"},
		{"cancel by a 33-character provider id", func() error {
			_, err := gw.Cancel(ctx(t), &paygate.CancelRequest{ProviderPaymentID: long(33)})
			return err
		}, "ProviderPaymentID"},
		{"refund id over 32", func() error {
			_, err := gw.Refund(ctx(t), &paygate.RefundRequest{RefundRequestID: long(33), ProviderPaymentID: "W1", Amount: money.MustParse("1.00", "USD")})
			return err
		}, "RefundRequestID"},
		{"refund of IDR cents", func() error {
			_, err := gw.Refund(ctx(t), &paygate.RefundRequest{RefundRequestID: "r1", ProviderPaymentID: "W1", Amount: money.MustParse("0.50", "IDR")})
			return err
		}, "Amount"},
		{"refund inquiry by a 33-character id", func() error {
			_, err := gw.InquireRefund(ctx(t), &paygate.InquireRefundRequest{RefundRequestID: long(33)})
			return err
		}, "RefundRequestID"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			var pe *paygate.Error
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, status.Failure, pe.Outcome)
			assert.Equal(t, status.CodeInvalidRequest, pe.Code)
			assert.Equal(t, tt.field, pe.Field)
			assert.Equal(t, Name, pe.Provider)
			assert.NotEmpty(t, pe.Message)
		})
	}
	assert.Zero(t, srv.Ledger().TotalRequests(), "nothing was sent")
}

func TestCreateBody(t *testing.T) {
	now := time.Date(2026, 11, 21, 8, 0, 0, 123_000_000, time.FixedZone("WIB", 7*3600))
	gw := &Gateway{merchantID: "1000000201", now: func() time.Time { return now }}
	req := createRequest("body1", "19.99", "USD")
	req.Description = ""
	req.ExpiresAt = now.Add(time.Hour)
	req.Method = paygate.Method{Type: "EWALLET", Name: "DANA", Country: "ID"}
	req.Customer.Terminal = ""
	req.ProviderOptions = []any{"ignored", &CreateOptions{
		CancelRedirectURL: "https://m.example/cancel", Goods: &Goods{GoodsName: "Game", GoodsURL: "https://m.example/g"},
		Risk:  &RiskData{UserIsNew: "No"},
		Extra: map[string]json.RawMessage{"brandInfo": json.RawMessage(`{"cashierDisplayName":"Shop"}`)},
	}}
	raw, err := gw.createBody(req)
	require.NoError(t, err)
	var b map[string]any
	require.NoError(t, json.Unmarshal(raw, &b))
	assert.Equal(t, "body1", b["paymentRequestId"])
	assert.Equal(t, "body1", b["merchantOrderId"], "falls back to the request id")
	assert.Equal(t, "Order body1", b["orderDescription"], "Waffo requires a description")
	assert.Equal(t, "19.99", b["orderAmount"], "a string, never a number")
	assert.Equal(t, "USD", b["orderCurrency"])
	assert.Equal(t, "2026-11-21T01:00:00.123Z", b["orderRequestedAt"], "ISO 8601 UTC with milliseconds")
	assert.Equal(t, "2026-11-21T02:00:00.123Z", b["orderExpiredAt"])
	assert.Equal(t, "https://merchant.example/return", b["successRedirectUrl"])
	assert.Equal(t, "https://merchant.example/return", b["failedRedirectUrl"])
	assert.Equal(t, "https://m.example/cancel", b["cancelRedirectUrl"])
	assert.Equal(t, map[string]any{"merchantId": "1000000201"}, b["merchantInfo"])
	assert.Equal(t, map[string]any{"userId": "u1", "userEmail": "buyer@example.com", "userTerminal": "WEB", "userCountryCode": "IDN"}, b["userInfo"], "Waffo's country fields are alpha-3")
	assert.Equal(t, map[string]any{"productName": "ONE_TIME_PAYMENT", "payMethodType": "EWALLET", "payMethodName": "DANA", "payMethodCountry": "IDN"}, b["paymentInfo"])
	assert.Equal(t, map[string]any{"goodsName": "Game", "goodsUrl": "https://m.example/g"}, b["goodsInfo"])
	assert.Equal(t, map[string]any{"userIsNew": "No"}, b["riskData"])
	assert.Equal(t, map[string]any{"cashierDisplayName": "Shop"}, b["brandInfo"])
	assert.NotContains(t, string(raw), "ignored")

	req.ProviderOptions = nil
	req.Metadata = map[string]string{"cart": "c-9"}
	raw, err = gw.createBody(req)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(raw, &b))
	assert.Equal(t, `{"cart":"c-9"}`, b["extendInfo"], "metadata is kept in extendInfo")
	assert.NotContains(t, b["paymentInfo"], "captureMode", "automatic capture sends no captureMode")

	req.CaptureMode = paygate.CaptureManual
	raw, err = gw.createBody(req)
	require.NoError(t, err)
	b = nil
	require.NoError(t, json.Unmarshal(raw, &b))
	assert.Equal(t, "manualCapture", b["paymentInfo"].(map[string]any)["captureMode"], "the SDK's PaymentInfo.CaptureMode value")
}

// TestCaptureBody: /order/capture's body is CaptureOrderRequest: the order's ids, merchantId,
// captureRequestedAt in Waffo's time format and captureAmount as a string in Waffo's digits.
func TestCaptureBody(t *testing.T) {
	now := time.Date(2026, 11, 21, 8, 0, 0, 123_000_000, time.UTC)
	b, err := json.Marshal(captureBody{orderRef: orderRef{PaymentRequestID: "p1", AcquiringOrderID: "W1"}, MerchantID: "1000000201",
		CaptureRequestedAt: formatTime(now), CaptureAmount: "149000"})
	require.NoError(t, err)
	assert.JSONEq(t, `{"paymentRequestId":"p1","acquiringOrderId":"W1","merchantId":"1000000201","captureRequestedAt":"2026-11-21T08:00:00.123Z","captureAmount":"149000"}`, string(b))
}

func TestCreateWithActions(t *testing.T) {
	gw, _ := setup(t, waffotest.Config{})
	tests := []struct {
		method paygate.Method
		status status.Payment
		kind   paygate.ActionKind
	}{
		{paygate.Method{}, status.PaymentRequiresAction, paygate.ActionRedirect},
		{paygate.Method{Type: "EWALLET", Name: "DANA"}, status.PaymentRequiresAction, paygate.ActionDeeplink},
		{paygate.Method{Type: "QR", Name: "QRIS"}, status.PaymentRequiresAction, paygate.ActionQRCode},
	}
	for i, tt := range tests {
		req := createRequest("act"+string(rune('a'+i)), "10.00", "USD")
		req.Method = tt.method
		p, err := gw.Create(ctx(t), req)
		require.NoError(t, err)
		assert.Equal(t, tt.status, p.Status)
		require.NotNil(t, p.Action)
		assert.Equal(t, tt.kind, p.Action.Kind)
		if tt.kind == paygate.ActionQRCode {
			assert.NotEmpty(t, p.Action.QRCode)
			assert.False(t, p.Action.ExpiresAt.IsZero(), "a QR code comes with its expiry")
		}
	}
}

func TestRefundByPaymentRequestID(t *testing.T) {
	gw, srv := setup(t, waffotest.Config{})
	req := createRequest("rbr1", "30.00", "USD")
	_, err := gw.Create(ctx(t), req)
	require.NoError(t, err)
	require.NoError(t, srv.Settle(ctx(t), req.PaymentRequestID, sim.Pay))
	r, err := gw.Refund(ctx(t), &paygate.RefundRequest{RefundRequestID: "rbr1-r", PaymentRequestID: req.PaymentRequestID, Amount: money.MustParse("30.00", "USD")})
	require.NoError(t, err, "the adapter looks up the acquiringOrderId Waffo needs")
	assert.Equal(t, status.RefundSucceeded, r.Status)
	assert.Equal(t, "ORDER_FULLY_REFUNDED", r.ProviderStatus)
	assert.Equal(t, srv.Ledger().Orders(req.PaymentRequestID)[0].ProviderID, r.ProviderPaymentID)

	_, err = gw.Refund(ctx(t), &paygate.RefundRequest{RefundRequestID: "rbr2-r", PaymentRequestID: "no-such-payment", Amount: money.MustParse("1.00", "USD")})
	assert.Equal(t, status.Failure, paygate.OutcomeOf(err))
	assert.Equal(t, status.CodeNotFound, paygate.CodeOf(err))
	assert.Equal(t, paygate.OpRefund, err.(*paygate.Error).Op)
	assert.Empty(t, srv.Ledger().Refunds("rbr2-r"))
}

func TestNewRefusesBadConfig(t *testing.T) {
	keys, err := waffotest.GenerateKeys()
	require.NoError(t, err)
	good := Config{APIKey: "k", MerchantID: "m", PrivateKey: keys.MerchantPrivateKey, WaffoPublicKey: keys.WaffoPublicKey}
	tests := []struct {
		name string
		edit func(*Config)
		want string
	}{
		{"no api key", func(c *Config) { c.APIKey = "" }, "APIKey"},
		{"no keys", func(c *Config) { c.PrivateKey, c.WaffoPublicKey = "", "" }, "PrivateKey, Config.WaffoPublicKey"},
		{"public key as private", func(c *Config) { c.PrivateKey = keys.WaffoPublicKey }, "PrivateKey"},
		{"garbage public key", func(c *Config) { c.WaffoPublicKey = "bm9wZQ==" }, "WaffoPublicKey"},
		{"plain http to a remote host", func(c *Config) { c.BaseURL = "http://api.waffo.com/api/v1" }, "http"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := good
			tt.edit(&c)
			_, err := New(c)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.NotContains(t, err.Error(), "PRIVATE KEY-----\nMII", "no key material in errors")
		})
	}
	gw, err := New(good)
	require.NoError(t, err)
	assert.Equal(t, SandboxBaseURL, gw.tr.BaseURL().String(), "the default cannot move real money")
}

func TestIdempotencyDeclaration(t *testing.T) {
	gw := &Gateway{}
	for _, op := range []paygate.Op{paygate.OpCreate, paygate.OpRefund, paygate.OpInquire, paygate.OpInquireRefund} {
		assert.True(t, gw.Idempotency(op).Dedupes, op)
	}
	c := gw.Idempotency(paygate.OpCancel)
	assert.False(t, c.Dedupes)
	assert.True(t, c.Resendable())
	// Waffo's capture has no request id and a second capture's answer is undocumented: never resent.
	assert.Equal(t, retry.Idempotency{}, gw.Idempotency(paygate.OpCapture))
	assert.False(t, gw.Idempotency(paygate.OpCapture).Resendable())
	assert.Equal(t, retry.IdempotencyOf(retry.Wrap(gw, retry.Default()), paygate.OpCreate), gw.Idempotency(paygate.OpCreate))
}

func TestRefundInAnotherCurrencyIsRefused(t *testing.T) {
	gw, srv := setup(t, waffotest.Config{})
	req := createRequest("cur1", "10.00", "USD")
	p, err := gw.Create(ctx(t), req)
	require.NoError(t, err)
	require.NoError(t, srv.Settle(ctx(t), req.PaymentRequestID, sim.Pay))
	for _, r := range []*paygate.RefundRequest{
		{RefundRequestID: "cur1-a", ProviderPaymentID: p.ProviderPaymentID, Amount: money.MustParse("10.00", "EUR")},
		{RefundRequestID: "cur1-b", PaymentRequestID: req.PaymentRequestID, Amount: money.MustParse("10.00", "GBP")},
	} {
		_, err := gw.Refund(ctx(t), r)
		var pe *paygate.Error
		require.ErrorAs(t, err, &pe)
		assert.Equal(t, status.Failure, pe.Outcome)
		assert.Equal(t, status.CodeInvalidRequest, pe.Code)
		assert.Equal(t, "Amount", pe.Field)
		assert.Contains(t, pe.Message, "USD")
		assert.Zero(t, srv.Ledger().Requests(paygate.OpRefund, r.RefundRequestID), "nothing was sent")
	}
	_, err = gw.Refund(ctx(t), &paygate.RefundRequest{RefundRequestID: "cur1-c", PaymentRequestID: "other", ProviderPaymentID: p.ProviderPaymentID, Amount: money.MustParse("1.00", "USD")})
	assert.Equal(t, status.CodeNotFound, paygate.CodeOf(err), "both ids must name the same order")
	assert.Empty(t, srv.Ledger().AllRefunds())
}

func TestClosedOrdersKeepTheirReason(t *testing.T) {
	clock := sim.NewManualClock(time.Now())
	gw, srv := setup(t, waffotest.Config{Clock: clock, OrderTTL: 10 * time.Minute}, func(c *Config) { c.Now = clock.Now })

	failed := createRequest("close-f", "10.00", "USD")
	_, err := gw.Create(ctx(t), failed)
	require.NoError(t, err)
	require.NoError(t, srv.Settle(ctx(t), failed.PaymentRequestID, sim.Fail))
	p, err := gw.Create(ctx(t), failed)
	require.NoError(t, err, "the same create again")
	assert.Equal(t, status.PaymentFailed, p.Status, "a resent create of a failed order says it failed")
	assert.NotEmpty(t, p.FailureReason)
	p, err = gw.Cancel(ctx(t), &paygate.CancelRequest{PaymentRequestID: failed.PaymentRequestID})
	require.NoError(t, err)
	assert.Equal(t, status.PaymentFailed, p.Status, "cancelling a failed order does not relabel it")

	cancelled := createRequest("close-c", "10.00", "USD")
	_, err = gw.Create(ctx(t), cancelled)
	require.NoError(t, err)
	p, err = gw.Cancel(ctx(t), &paygate.CancelRequest{PaymentRequestID: cancelled.PaymentRequestID})
	require.NoError(t, err)
	assert.Equal(t, status.PaymentCanceled, p.Status)
	clock.Advance(time.Hour)
	p, err = gw.Inquire(ctx(t), &paygate.InquireRequest{PaymentRequestID: cancelled.PaymentRequestID})
	require.NoError(t, err)
	assert.Equal(t, status.PaymentCanceled, p.Status, "a final status does not change with the reader's clock")
}

// Waffo's country fields are ISO 3166-1 alpha-3 (payMethodCountry "IDN" in its docs); paygate's are
// alpha-2. A code of the right form that names no country cannot be converted, and is refused
// before anything is sent.
func TestCountryCodes(t *testing.T) {
	gw := &Gateway{merchantID: "1000000201", now: time.Now}
	for _, c := range []struct {
		customer, method string
		wantUser, wantPM string
		wantErr          string // the field refused; "" for none
	}{
		{"ID", "ID", "IDN", "IDN", ""},
		{"PH", "", "PHL", "", ""},
		{"", "TH", "", "THA", ""},
		{"GB", "US", "GBR", "USA", ""},
		{"", "", "", "", ""},
		{"XX", "", "", "", "Customer.Country"},
		{"UK", "", "", "", "Customer.Country"}, // an alias the table knows, not an ISO 3166-1 code
		{"", "AA", "", "", "Method.Country"},
	} {
		t.Run(c.customer+"/"+c.method, func(t *testing.T) {
			req := createRequest("cc1", "1.00", "USD")
			req.Customer.Country, req.Method.Country = c.customer, c.method
			raw, err := gw.createBody(req)
			if c.wantErr != "" {
				var pe *paygate.Error
				require.ErrorAs(t, err, &pe)
				assert.Equal(t, status.Failure, pe.Outcome)
				assert.Equal(t, status.CodeInvalidRequest, pe.Code)
				assert.Equal(t, c.wantErr, pe.Field)
				assert.Contains(t, pe.Message, "ISO 3166-1")
				return
			}
			require.NoError(t, err)
			var b struct {
				UserInfo    map[string]any `json:"userInfo"`
				PaymentInfo map[string]any `json:"paymentInfo"`
			}
			require.NoError(t, json.Unmarshal(raw, &b))
			assert.Equal(t, c.wantUser, orEmpty(b.UserInfo["userCountryCode"]))
			assert.Equal(t, c.wantPM, orEmpty(b.PaymentInfo["payMethodCountry"]))
		})
	}

	// Nothing reaches Waffo when the country cannot be converted.
	gw2, srv := setup(t, waffotest.Config{})
	req := createRequest("cc2", "1.00", "USD")
	req.Customer.Country = "XX"
	_, err := gw2.Create(ctx(t), req)
	assert.Equal(t, status.Failure, paygate.OutcomeOf(err))
	assert.Zero(t, srv.Ledger().RequestsOf(paygate.OpCreate), "refused before the network")
}

func orEmpty(v any) string {
	s, _ := v.(string)
	return s
}

// Waffo's refund replies and notifications name no currency (the SDK's RefundOrderData and
// InquiryRefundData have none): the refund's amount is read in its order's currency, which Refund
// knows from the request and InquireRefund learns from an order inquiry.
func TestRefundAmountsCarryTheOrdersCurrency(t *testing.T) {
	for _, c := range []struct{ paid, refund string }{
		{"25.00 USD", "5.00 USD"},
		{"150000 IDR", "49000 IDR"}, // Waffo writes IDR without decimals
		{"3000 JPY", "3000 JPY"},
	} {
		t.Run(c.refund, func(t *testing.T) {
			gw, srv := setup(t, waffotest.Config{})
			paid, refund := strings.Fields(c.paid), strings.Fields(c.refund)
			req := createRequest("rc-"+paid[1], paid[0], paid[1])
			_, err := gw.Create(ctx(t), req)
			require.NoError(t, err)
			require.NoError(t, srv.Settle(ctx(t), req.PaymentRequestID, sim.Pay))
			r, err := gw.Refund(ctx(t), &paygate.RefundRequest{RefundRequestID: "rr-" + paid[1], PaymentRequestID: req.PaymentRequestID,
				Amount: money.MustParse(refund[0], refund[1])})
			require.NoError(t, err)
			assert.True(t, r.Amount.Equal(money.MustParse(refund[0], refund[1])))

			q, err := gw.InquireRefund(ctx(t), &paygate.InquireRefundRequest{RefundRequestID: "rr-" + paid[1]})
			require.NoError(t, err)
			want := money.MustParse(refund[0], refund[1])
			assert.True(t, q.Amount.Equal(want), "an exact amount with its currency: got %s, want %s", q.Amount, want)
			assert.Equal(t, r.ProviderPaymentID, q.ProviderPaymentID)
			assert.Equal(t, req.PaymentRequestID, r.PaymentRequestID)
			assert.Equal(t, req.PaymentRequestID, q.PaymentRequestID)
			assert.Equal(t, r.ProviderRefundID, q.ProviderRefundID)
			assert.Equal(t, "rr-"+paid[1], q.RefundRequestID)
		})
	}
}

// The inquiry bodies carry only the order's or refund's id, as the SDK's InquiryOrderParams and
// InquiryRefundParams do: no merchantInfo.
func TestInquiryBodiesCarryOnlyTheirIDs(t *testing.T) {
	for _, c := range []struct {
		name string
		body any
		want string
	}{
		{"order", inquireBody{orderRef: orderRef{PaymentRequestID: "p1", AcquiringOrderID: "W1"}}, `{"paymentRequestId":"p1","acquiringOrderId":"W1"}`},
		{"order by request id", inquireBody{orderRef: orderRef{PaymentRequestID: "p1"}}, `{"paymentRequestId":"p1"}`},
		{"refund", inquireRefundBody{RefundRequestID: "r1"}, `{"refundRequestId":"r1"}`},
		{"refund by Waffo's id", inquireRefundBody{AcquiringRefundOrderID: "R1"}, `{"acquiringRefundOrderId":"R1"}`},
	} {
		t.Run(c.name, func(t *testing.T) {
			b, err := json.Marshal(c.body)
			require.NoError(t, err)
			assert.JSONEq(t, c.want, string(b))
		})
	}
}

// Every request the adapter sends carries only fields Waffo documents for its endpoint (the
// simulator's table from the API reference and the SDK's params types).
func TestRequestsCarryOnlyDocumentedFields(t *testing.T) {
	gw, srv := setup(t, waffotest.Config{})
	req := createRequest("docf1", "20.00", "USD")
	req.Customer.Country, req.Customer.Phone, req.Customer.IP, req.Customer.UserAgent = "ID", "+62800", "10.0.0.1", "ua"
	req.Method = paygate.Method{Type: "EWALLET", Name: "DANA", Country: "ID"}
	req.Metadata = map[string]string{"cart": "c1"}
	req.ExpiresAt = time.Now().Add(time.Hour)
	req.ProviderOptions = []any{&CreateOptions{
		UserCurrency: "USD", CancelRedirectURL: "https://m.example/c", SubMerchantID: "sub1", UserFirstName: "A", UserLastName: "B",
		ProductName: "ONE_TIME_PAYMENT", CashierLanguage: "en-HK", PayMethodProperties: "{}",
		Goods:   &Goods{GoodsName: "g", GoodsURL: "https://m.example/g"},
		Risk:    &RiskData{UserType: "Individual"},
		Address: &Address{City: "Jakarta", AddressCountryCode: "IDN"},
	}}
	_, err := gw.Create(ctx(t), req)
	require.NoError(t, err)
	_, err = gw.Inquire(ctx(t), &paygate.InquireRequest{PaymentRequestID: "docf1"})
	require.NoError(t, err)
	require.NoError(t, srv.Settle(ctx(t), "docf1", sim.Pay))
	_, err = gw.Refund(ctx(t), &paygate.RefundRequest{RefundRequestID: "docr1", PaymentRequestID: "docf1", Amount: money.MustParse("1.00", "USD"),
		Reason: "r", NotifyURL: "https://m.example/rn", ProviderOptions: []any{&RefundOptions{MerchantRefundOrderID: "mr1", ExtendInfo: `{"a":"b"}`}}})
	require.NoError(t, err)
	_, err = gw.InquireRefund(ctx(t), &paygate.InquireRefundRequest{RefundRequestID: "docr1"})
	require.NoError(t, err)
	_, err = gw.Create(ctx(t), createRequest("docf2", "20.00", "USD"))
	require.NoError(t, err)
	_, err = gw.Cancel(ctx(t), &paygate.CancelRequest{PaymentRequestID: "docf2"})
	require.NoError(t, err)
	mreq := createRequest("docf3", "20.00", "USD")
	mreq.CaptureMode, mreq.Method = paygate.CaptureManual, paygate.Method{Type: "CREDITCARD"}
	_, err = gw.Create(ctx(t), mreq)
	require.NoError(t, err)
	require.NoError(t, srv.Settle(ctx(t), "docf3", sim.Pay))
	_, err = gw.Capture(ctx(t), &paygate.CaptureRequest{CaptureRequestID: "docc1", PaymentRequestID: "docf3"})
	require.NoError(t, err)
	for _, op := range []paygate.Op{paygate.OpCreate, paygate.OpInquire, paygate.OpCapture, paygate.OpCancel, paygate.OpRefund, paygate.OpInquireRefund} {
		assert.NotZero(t, srv.Ledger().RequestsOf(op), "the test sends %s", op)
	}
	assert.Empty(t, srv.Undocumented(), "fields Waffo does not document for the endpoint")
}
