package antomtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/provider/sim"
	"github.com/paygate-go/paygate/status"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func newServer(t *testing.T, cfg Config) *Server {
	t.Helper()
	s := NewServer(cfg)
	t.Cleanup(s.Close)
	return s
}

// call is a hand-made Antom request: signed with the merchant's key unless edit changes the headers.
type call struct {
	status int
	header http.Header
	body   []byte
	err    error
}

func (c call) result(t *testing.T) result {
	t.Helper()
	var env struct {
		Result result `json:"result"`
	}
	require.NoError(t, json.Unmarshal(c.body, &env), string(c.body))
	return env.Result
}

func post(t *testing.T, s *Server, path, body string, edit func(h http.Header)) call {
	t.Helper()
	merchant, _, err := builtinKeys()
	require.NoError(t, err)
	rt := strconv.FormatInt(time.Now().UnixMilli(), 10)
	h := http.Header{}
	h.Set("Content-Type", "application/json; charset=UTF-8")
	h.Set("client-id", s.ClientID)
	h.Set("request-time", rt)
	h.Set("signature", signatureHeader(merchant.priv, "1", signedContent("POST", path, s.ClientID, rt, []byte(body))))
	if edit != nil {
		edit(h)
	}
	req, err := http.NewRequest(http.MethodPost, s.URL+path, strings.NewReader(body))
	require.NoError(t, err)
	req.Header = h
	c := &http.Client{Timeout: 2 * time.Second}
	resp, err := c.Do(req)
	if err != nil {
		return call{err: err}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return call{status: resp.StatusCode, header: resp.Header, body: b, err: err}
}

const payBody = `{"productCode":"CASHIER_PAYMENT","paymentRequestId":"%s","order":{"referenceOrderId":"o1","orderDescription":"d","orderAmount":{"currency":"USD","value":"1999"},"env":{"terminalType":"WEB"}},"paymentAmount":{"currency":"USD","value":"1999"},"paymentMethod":{"paymentMethodType":"ALIPAY_CN"},"paymentRedirectUrl":"https://shop.example/r"}`

func pay(id string) string { return strings.Replace(payBody, "%s", id, 1) }

func TestRequestsAreAuthenticated(t *testing.T) {
	s := newServer(t, Config{})
	const path = LivePrefix + "pay"
	for _, c := range []struct {
		name string
		body string
		edit func(http.Header)
		code string
	}{
		{"signed", pay("p1"), nil, "PAYMENT_IN_PROCESS"},
		{"request-time changed after signing", pay("p2"), func(h http.Header) { h.Set("request-time", "1") }, "INVALID_SIGNATURE"},
		{"no signature", pay("p3"), func(h http.Header) { h.Del("signature") }, "INVALID_SIGNATURE"},
		{"no request-time", pay("p4"), func(h http.Header) { h.Del("request-time") }, "INVALID_SIGNATURE"},
		{"another algorithm", pay("p5"), func(h http.Header) {
			h.Set("signature", strings.Replace(h.Get("signature"), "RSA256", "RSA512", 1))
		}, "INVALID_SIGNATURE"},
		{"another key version", pay("p6"), func(h http.Header) {
			h.Set("signature", strings.Replace(h.Get("signature"), "keyVersion=1", "keyVersion=2", 1))
		}, "KEY_NOT_FOUND"},
		{"another client", pay("p7"), func(h http.Header) { h.Set("client-id", "SANDBOX_X") }, "CLIENT_INVALID"},
		{"not JSON", pay("p8"), func(h http.Header) { h.Set("Content-Type", "text/plain") }, "MEDIA_TYPE_NOT_ACCEPTABLE"},
		{"a number", strings.Replace(pay("p9"), `"value":"1999"}`, `"value":1999}`, 1), nil, "PARAM_ILLEGAL"},
		{"a boolean", strings.Replace(pay("p10"), `"productCode"`, `"isAsync":true,"productCode"`, 1), nil, "PARAM_ILLEGAL"},
		{"a float amount", strings.ReplaceAll(pay("p11"), `"1999"`, `"19.99"`), nil, "PARAM_ILLEGAL"},
		{"a currency Antom does not take", strings.ReplaceAll(pay("p12"), `"USD"`, `"KWD"`), nil, "CURRENCY_NOT_SUPPORT"},
		{"another product", strings.Replace(pay("p13"), "CASHIER_PAYMENT", "AGREEMENT_PAYMENT", 1), nil, "PARAM_ILLEGAL"},
		// What Antom's Go SDK sends as numbers and booleans (model.Env.TimeZoneOffset int32,
		// model.BrowserInfo.JavaEnabled bool, AlipayPayRequest.IsAuthorization bool) is accepted.
		{"the SDK's env.timeZoneOffset and booleans", strings.Replace(pay("p14"), `"env":{"terminalType":"WEB"}`,
			`"env":{"terminalType":"WEB","timeZoneOffset":-480,"browserInfo":{"javaEnabled":false}}`, 1), nil, "PAYMENT_IN_PROCESS"},
		{"the SDK's isAuthorization", strings.Replace(pay("p15"), `"productCode"`, `"isAuthorization":true,"productCode"`, 1), nil, "PAYMENT_IN_PROCESS"},
		{"the SDK's paymentMethodMetaData", strings.Replace(pay("p16"), `{"paymentMethodType":"ALIPAY_CN"}`, `{"paymentMethodType":"ALIPAY_CN","paymentMethodMetaData":{"n":1,"b":true}}`, 1), nil, "PAYMENT_IN_PROCESS"},
		{"a fraction where the SDK sends an int32", strings.Replace(pay("p17"), `"env":{"terminalType":"WEB"}`, `"env":{"terminalType":"WEB","timeZoneOffset":1.5}`, 1), nil, "PARAM_ILLEGAL"},
		// Antom's cashier-payment guide sends env at the top level, with no order.env.
		{"env at the top level", strings.Replace(strings.Replace(pay("p19"), `,"env":{"terminalType":"WEB"}`, "", 1), `"productCode"`, `"env":{"terminalType":"WEB"},"productCode"`, 1), nil, "PAYMENT_IN_PROCESS"},
		{"no env anywhere", strings.Replace(pay("p20"), `,"env":{"terminalType":"WEB"}`, "", 1), nil, "PARAM_ILLEGAL"},
		{"a boolean where the SDK sends a number", strings.Replace(pay("p18"), `"env":{"terminalType":"WEB"}`, `"env":{"terminalType":"WEB","timeZoneOffset":true}`, 1), nil, "PARAM_ILLEGAL"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := post(t, s, path, c.body, c.edit)
			require.NoError(t, got.err)
			assert.Equal(t, http.StatusOK, got.status)
			assert.Equal(t, c.code, got.result(t).ResultCode, string(got.body))
		})
	}
	assert.Len(t, s.Ledger().AllOrders(), 5, "only the signed, well-formed requests created orders")
	assert.Equal(t, 20, s.Ledger().TotalRequests(), "every request is counted")
}

func TestResponsesAreSigned(t *testing.T) {
	s := newServer(t, Config{})
	for _, prefix := range []string{LivePrefix, SandboxPrefix} {
		got := post(t, s, prefix+"pay", pay("p-"+prefix), nil)
		require.NoError(t, got.err)
		assert.Equal(t, s.ClientID, got.header.Get("client-id"))
		rt := got.header.Get("response-time")
		_, err := time.Parse(time.RFC3339, rt)
		assert.NoError(t, err, "response-time %q", rt)
		sig, err := parseSignatureHeader(got.header.Get("signature"))
		require.NoError(t, err)
		assert.Equal(t, "RSA256", sig.algorithm)
		assert.Equal(t, "1", sig.keyVersion)
		_, antom, err := builtinKeys()
		require.NoError(t, err)
		assert.True(t, verifyContent(&antom.priv.PublicKey, signedContent("POST", prefix+"pay", s.ClientID, rt, got.body), sig.sig),
			"signed over the request path %s", prefix)
		r := got.result(t)
		assert.Equal(t, "PAYMENT_IN_PROCESS", r.ResultCode)
		assert.Equal(t, "U", r.ResultStatus)
		var resp payResponse
		require.NoError(t, json.Unmarshal(got.body, &resp))
		assert.NotEmpty(t, resp.NormalURL)
		assert.Equal(t, "1999", resp.PaymentAmount.Value)
	}
	got := post(t, s, LivePrefix+"notAnEndpoint", `{}`, nil)
	require.NoError(t, got.err)
	assert.Equal(t, http.StatusNotFound, got.status)
	assert.Equal(t, "NO_INTERFACE_DEF", got.result(t).ResultCode)
}

func TestIdempotencyAndStates(t *testing.T) {
	clock := sim.NewManualClock(time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC))
	s := newServer(t, Config{Clock: clock, PaymentTTL: time.Hour})
	first := post(t, s, LivePrefix+"pay", pay("p1"), nil)
	again := post(t, s, LivePrefix+"pay", pay("p1"), nil)
	assert.JSONEq(t, string(first.body), string(again.body), "the same request, the same answer")
	changed := post(t, s, LivePrefix+"pay", strings.ReplaceAll(pay("p1"), `"1999"`, `"2000"`), nil)
	assert.Equal(t, "REPEAT_REQ_INCONSISTENT", changed.result(t).ResultCode)
	assert.Len(t, s.Ledger().Orders("p1"), 1)

	inquire := func(id string) inquiryResponse {
		got := post(t, s, LivePrefix+"inquiryPayment", `{"paymentRequestId":"`+id+`"}`, nil)
		var r inquiryResponse
		require.NoError(t, json.Unmarshal(got.body, &r))
		return r
	}
	assert.Equal(t, "PROCESSING", inquire("p1").PaymentStatus)
	clock.Advance(2 * time.Hour)
	r := inquire("p1")
	assert.Equal(t, "S", r.Result.ResultStatus, "the inquiry worked…")
	assert.Equal(t, "FAIL", r.PaymentStatus, "…and the payment closed unpaid")
	assert.Equal(t, "ORDER_IS_CLOSED", r.PaymentResultCode)
	assert.Equal(t, "ORDER_NOT_EXIST", inquire("nope").Result.ResultCode)
	assert.Error(t, s.Settle(context.Background(), "p1", sim.Pay), "a closed payment cannot be paid")
	assert.NoError(t, s.Settle(context.Background(), "p1", sim.Expire), "it is expired already")
	assert.Error(t, s.Settle(context.Background(), "nope", sim.Pay))
	assert.Error(t, s.Pend("p1"))
}

// The seven fault kinds, applied by sim.Serve around Antom's endpoints.
func TestFaults(t *testing.T) {
	s := newServer(t, Config{})
	path := LivePrefix + "inquiryPayment"
	body := `{"paymentRequestId":"x"}`
	s.Inject(sim.Fault{Op: paygate.OpInquire, Kind: sim.DropBeforeProcessing})
	assert.Error(t, post(t, s, path, body, nil).err)
	s.Inject(sim.Fault{Op: paygate.OpInquire, Kind: sim.LoseReply})
	assert.Error(t, post(t, s, path, body, nil).err)
	s.Inject(sim.Fault{Op: paygate.OpInquire, Kind: sim.DelayReply, Delay: 5 * time.Second})
	assert.Error(t, post(t, s, path, body, nil).err, "held past the client's 2 s timeout")
	s.Inject(sim.Fault{Op: paygate.OpInquire, Kind: sim.ReplyStatus, Status: 503, RetryAfter: 2 * time.Second})
	got := post(t, s, path, body, nil)
	assert.Equal(t, 503, got.status)
	assert.Equal(t, "2", got.header.Get("Retry-After"))
	s.Inject(sim.Fault{Op: paygate.OpInquire, Kind: sim.ReplyCode, Code: "UNKNOWN_EXCEPTION"})
	r := post(t, s, path, body, nil).result(t)
	assert.Equal(t, result{ResultCode: "UNKNOWN_EXCEPTION", ResultStatus: "U", ResultMessage: codes["UNKNOWN_EXCEPTION"].message}, r)
	s.Inject(sim.Fault{Op: paygate.OpInquire, Kind: sim.ReplyCode, Code: "E_NEW"})
	assert.Equal(t, "U", post(t, s, path, body, nil).result(t).ResultStatus, "an unknown code is U")
	s.Inject(sim.Fault{Op: paygate.OpInquire, Kind: sim.CorruptBody})
	got = post(t, s, path, body, nil)
	assert.False(t, json.Valid(got.body))
	s.Inject(sim.Fault{Op: paygate.OpInquire, Kind: sim.CorruptSignature})
	got = post(t, s, path, body, nil)
	sig, err := parseSignatureHeader(got.header.Get("signature"))
	require.NoError(t, err)
	_, antom, _ := builtinKeys()
	assert.False(t, verifyContent(&antom.priv.PublicKey, signedContent("POST", path, s.ClientID, got.header.Get("response-time"), got.body), sig.sig))
	assert.Equal(t, 8, s.Ledger().Requests(paygate.OpInquire, "x"))
}

func TestNotificationSignature(t *testing.T) {
	s := newServer(t, Config{})
	h := s.notificationHeader("/n", "1700000000000", []byte(`{}`), false)
	sig, err := parseSignatureHeader(h.Get("signature"))
	require.NoError(t, err)
	_, antom, _ := builtinKeys()
	assert.True(t, verifyContent(&antom.priv.PublicKey, []byte("POST /n\n"+s.ClientID+".1700000000000.{}"), sig.sig))
	assert.Equal(t, "1700000000000", h.Get("request-time"))
	assert.Empty(t, s.notificationHeader("/n", "1", nil, true).Get("request-time"))
	assert.Equal(t, "/a/b", notifyPath("https://shop.example/a/b?x=1"))
	assert.True(t, acknowledged(200, []byte(`{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"}}`)))
	assert.False(t, acknowledged(200, []byte(`{"result":{"resultCode":"SUCCESS","resultStatus":"F"}}`)))
	assert.False(t, acknowledged(500, bytes.Repeat([]byte("x"), 3)))
	assert.Len(t, WebhookSchedule(), 8)
	assert.Equal(t, 2, Currencies()["IDR"])
	assert.Equal(t, 0, Currencies()["KRW"])
}

// NewServer has the shape of httptest.NewServer (and of the other simulators'): a key it cannot use
// panics, naming the field.
func TestNewServerPanicsOnAKeyItCannotUse(t *testing.T) {
	assert.PanicsWithValue(t, "antomtest: Config.MerchantPublicKey: "+badKeyError(t), func() {
		NewServer(Config{MerchantPublicKey: "not a key"})
	})
	assert.Panics(t, func() { NewServer(Config{AntomPrivateKey: "not a key"}) })
}

func badKeyError(t *testing.T) string {
	t.Helper()
	_, err := parsePublic("not a key")
	require.Error(t, err)
	return err.Error()
}

// The capture state machine: a manual payment is authorized by Pay, captured once; the same
// captureRequestId answers the same (S or F) and with another amount REPEAT_REQ_INCONSISTENT; over the
// authorized amount is CAPTURE_AMOUNT_EXCEED_AUTH_LIMIT; an uncaptured authorization lapses after the
// hold, and an automatic payment cannot be captured.
func TestCaptureStates(t *testing.T) {
	clock := sim.NewManualClock(time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC))
	s := newServer(t, Config{Clock: clock})
	manual := func(id string) string {
		return strings.Replace(pay(id), `"paymentRedirectUrl"`, `"paymentFactor":{"captureMode":"MANUAL"},"paymentRedirectUrl"`, 1)
	}
	paymentID := func(id string) string {
		info, ok := s.Payment(id)
		require.True(t, ok)
		return info.PaymentID
	}
	capture := func(rid, pid, value string) call {
		c := post(t, s, LivePrefix+"capture", fmt.Sprintf(`{"captureRequestId":%q,"paymentId":%q,"captureAmount":{"currency":"USD","value":%q}}`, rid, pid, value), nil)
		require.NoError(t, c.err)
		return c
	}
	code := func(c call) string { return c.result(t).ResultCode }

	require.Equal(t, "PAYMENT_IN_PROCESS", code(post(t, s, LivePrefix+"pay", manual("m1"), nil)))
	m1 := paymentID("m1")
	assert.Equal(t, "ORDER_STATUS_INVALID", code(capture("c0", m1, "1999")), "not authorized yet")
	assert.Equal(t, "ORDER_STATUS_INVALID", code(capture("c0", m1, "1999")), "the same id, the same F")
	require.NoError(t, s.Settle(context.Background(), "m1", sim.Pay))
	assert.Equal(t, status.PaymentAuthorized, s.Ledger().Orders("m1")[0].Status)
	assert.Equal(t, paygate.CaptureManual, s.Ledger().Orders("m1")[0].CaptureMode)
	assert.Equal(t, "CAPTURE_AMOUNT_EXCEED_AUTH_LIMIT", code(capture("c1", m1, "2000")))
	assert.Equal(t, "ORDER_STATUS_INVALID", code(capture("c0", m1, "1999")), "an F stays F for its id")
	ok := capture("c2", m1, "1500")
	require.Equal(t, "SUCCESS", code(ok))
	var cr captureResponse
	require.NoError(t, json.Unmarshal(ok.body, &cr))
	assert.Equal(t, "1500", cr.CaptureAmount.Value)
	assert.NotEmpty(t, cr.CaptureID)
	again := capture("c2", m1, "1500")
	assert.Equal(t, ok.body, again.body, "the same id answers the same")
	assert.Equal(t, "REPEAT_REQ_INCONSISTENT", code(capture("c2", m1, "1000")))
	assert.Equal(t, "ORDER_STATUS_INVALID", code(capture("c3", m1, "499")), "one capture per payment")
	require.Len(t, s.Ledger().Captures(m1), 1)
	assert.Equal(t, status.PaymentSucceeded, s.Ledger().Orders("m1")[0].Status)
	inq := post(t, s, LivePrefix+"inquiryPayment", `{"paymentRequestId":"m1"}`, nil)
	var ir inquiryResponse
	require.NoError(t, json.Unmarshal(inq.body, &ir))
	require.Len(t, ir.Transactions, 1)
	assert.Equal(t, "CAPTURE", ir.Transactions[0].TransactionType)
	assert.Equal(t, "c2", ir.Transactions[0].TransactionRequestID)
	assert.Equal(t, "1500", ir.Transactions[0].TransactionAmount.Value)

	require.Equal(t, "PAYMENT_IN_PROCESS", code(post(t, s, LivePrefix+"pay", manual("m2"), nil)))
	require.NoError(t, s.Settle(context.Background(), "m2", sim.Pay))
	s.AdvanceClock(DefaultAuthorizationHold)
	assert.Equal(t, status.PaymentCanceled, s.Ledger().Orders("m2")[0].Status, "lapsed")
	assert.Equal(t, "ORDER_STATUS_INVALID", code(capture("c4", paymentID("m2"), "1999")))

	require.Equal(t, "PAYMENT_IN_PROCESS", code(post(t, s, LivePrefix+"pay", pay("a1"), nil)))
	require.NoError(t, s.Settle(context.Background(), "a1", sim.Pay))
	assert.Equal(t, "ORDER_STATUS_INVALID", code(capture("c5", paymentID("a1"), "1999")), "automatic")
	assert.Equal(t, "PARAM_ILLEGAL", code(post(t, s, LivePrefix+"pay", strings.Replace(pay("x"), `"paymentRedirectUrl"`, `"paymentFactor":{"captureMode":"LATER"},"paymentRedirectUrl"`, 1), nil)))
	assert.Empty(t, s.Ledger().OverCaptured())
}
