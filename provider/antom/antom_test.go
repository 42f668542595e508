package antom_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/money"
	"github.com/paygate-go/paygate/provider/antom"
	"github.com/paygate-go/paygate/provider/antom/antomtest"
	"github.com/paygate-go/paygate/provider/sim"
	"github.com/paygate-go/paygate/retry"
	"github.com/paygate-go/paygate/status"
)

func TestNewRefusesBadConfig(t *testing.T) {
	srv := antomtest.NewServer(antomtest.Config{})
	defer srv.Close()
	good := antom.Config{ClientID: "c", PrivateKey: srv.MerchantPrivateKey, AntomPublicKey: srv.AntomPublicKey}
	for name, edit := range map[string]func(*antom.Config){
		"no client id":        func(c *antom.Config) { c.ClientID = " " },
		"no private key":      func(c *antom.Config) { c.PrivateKey = "" },
		"public as private":   func(c *antom.Config) { c.PrivateKey = srv.AntomPublicKey },
		"no public key":       func(c *antom.Config) { c.AntomPublicKey = "" },
		"http to a real host": func(c *antom.Config) { c.BaseURL = "http://open-sea-global.alipay.com" },
	} {
		c := good
		edit(&c)
		_, err := antom.New(c)
		assert.Error(t, err, name)
		if err != nil {
			assert.NotContains(t, err.Error(), srv.MerchantPrivateKey[:40], "errors never carry the key")
		}
	}
	gw, err := antom.New(good)
	require.NoError(t, err)
	assert.False(t, gw.Sandbox(), "the default is the live API")
}

func TestNewListsEveryMissingSetting(t *testing.T) {
	srv := antomtest.NewServer(antomtest.Config{})
	defer srv.Close()
	for _, c := range []struct {
		name string
		cfg  antom.Config
		want []string
	}{
		{"nothing", antom.Config{}, []string{"Config.ClientID (ANTOM_CLIENT_ID)", "Config.PrivateKey (ANTOM_PRIVATE_KEY)", "Config.AntomPublicKey (ANTOM_PUBLIC_KEY)"}},
		{"keys only", antom.Config{PrivateKey: srv.MerchantPrivateKey, AntomPublicKey: srv.AntomPublicKey}, []string{"Config.ClientID (ANTOM_CLIENT_ID) is empty"}},
		{"client id only", antom.Config{ClientID: "c"}, []string{"Config.PrivateKey (ANTOM_PRIVATE_KEY), Config.AntomPublicKey (ANTOM_PUBLIC_KEY) are empty"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := antom.New(c.cfg)
			require.Error(t, err)
			for _, w := range c.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
}

// pathRecorder is a fake Antom that records the paths it is called on and answers ORDER_NOT_EXIST,
// unsigned (so not a result).
func pathRecorder(t *testing.T) (*httptest.Server, func() []string) {
	var mu sync.Mutex
	var paths []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		paths = append(paths, r.URL.Path)
		mu.Unlock()
		_, _ = w.Write([]byte(`{"result":{"resultCode":"ORDER_NOT_EXIST","resultStatus":"F","resultMessage":"no"}}`))
	}))
	t.Cleanup(srv.Close)
	return srv, func() []string { mu.Lock(); defer mu.Unlock(); return append([]string(nil), paths...) }
}

func TestSandboxPaths(t *testing.T) {
	keys := antomtest.NewServer(antomtest.Config{})
	defer keys.Close()
	for _, c := range []struct {
		name     string
		clientID string
		sandbox  bool
		base     string
		want     string
	}{
		{"live", "2188120000000001", false, "", "/ams/api/v1/payments/inquiryPayment"},
		{"SANDBOX_ client id", "SANDBOX_5YEZ3B2Z7JQM01234", false, "", "/ams/sandbox/api/v1/payments/inquiryPayment"},
		{"asked for", "2188120000000001", true, "", "/ams/sandbox/api/v1/payments/inquiryPayment"},
		{"base path prefix", "2188120000000001", false, "/gateway", "/gateway/ams/api/v1/payments/inquiryPayment"},
	} {
		t.Run(c.name, func(t *testing.T) {
			fake, paths := pathRecorder(t)
			gw, err := antom.New(antom.Config{
				BaseURL: fake.URL + c.base, ClientID: c.clientID, Sandbox: c.sandbox,
				PrivateKey: keys.MerchantPrivateKey, AntomPublicKey: keys.AntomPublicKey,
			})
			require.NoError(t, err)
			defer gw.Close()
			_, err = gw.Inquire(ctx(t), &paygate.InquireRequest{PaymentRequestID: "p1"})
			assert.Equal(t, status.Unknown, paygate.OutcomeOf(err), "an unsigned answer is not a result: %v", err)
			assert.Equal(t, []string{c.want}, paths())
			assert.Equal(t, strings.Contains(c.want, "sandbox"), gw.Sandbox())
		})
	}
}

// The simulator verifies the signature over the path actually called, prefix included.
func TestSandboxPathsAgainstTheSimulator(t *testing.T) {
	srv, gw := newEnv(t, antomtest.Config{ClientID: "SANDBOX_5YEZ3B2Z7JQM01234"})
	require.True(t, gw.Sandbox())
	req := createRequest("19.99", "USD")
	req.NotifyURL = "http://127.0.0.1:1/notify" // never reached; the sandbox sends it once
	p, err := gw.Create(ctx(t), req)
	require.NoError(t, err)
	require.NoError(t, srv.Settle(ctx(t), req.PaymentRequestID, sim.Pay))
	got, err := gw.Inquire(ctx(t), &paygate.InquireRequest{ProviderPaymentID: p.ProviderPaymentID})
	require.NoError(t, err)
	assert.Equal(t, status.PaymentSucceeded, got.Status)
	require.NoError(t, srv.SandboxWebhooks().Wait(ctx(t)))
	ds := srv.SandboxWebhooks().Deliveries()
	require.Len(t, ds, 1)
	assert.Len(t, ds[0].Attempts, 1, "Antom's sandbox does not retry notifications")
	assert.Empty(t, srv.Webhooks().Deliveries())
}

func TestCreateRequiresActionWithTheCashierURL(t *testing.T) {
	for _, c := range []struct {
		terminal string
		kind     paygate.ActionKind
		prefix   string
	}{
		{"", paygate.ActionRedirect, "http://"},
		{"WEB", paygate.ActionRedirect, "http://"},
		{"WAP", paygate.ActionRedirect, "http://"},
		{"APP", paygate.ActionDeeplink, "http://"},
	} {
		t.Run("terminal "+c.terminal, func(t *testing.T) {
			srv, gw := newEnv(t, antomtest.Config{})
			req := createRequest("19.99", "USD")
			req.Customer.Terminal = c.terminal
			req.Customer.UserAgent = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X)"
			p, err := gw.Create(ctx(t), req)
			require.NoError(t, err)
			assert.Equal(t, status.PaymentRequiresAction, p.Status)
			assert.Equal(t, "PROCESSING", p.ProviderStatus)
			require.NotNil(t, p.Action)
			assert.Equal(t, c.kind, p.Action.Kind)
			assert.True(t, strings.HasPrefix(p.Action.URL, c.prefix), p.Action.URL)
			assert.Contains(t, p.Action.URL, p.ProviderPaymentID)
			assert.Equal(t, srv.Ledger().Orders(req.PaymentRequestID)[0].ProviderID, p.ProviderPaymentID)
			assert.True(t, p.Amount.Equal(req.Amount))
			info, _ := srv.Payment(req.PaymentRequestID)
			if c.terminal == "WAP" || c.terminal == "APP" {
				assert.Equal(t, "IOS", info.OSType, "guessed from the user agent")
			} else {
				assert.Empty(t, info.OSType)
			}
		})
	}
}

func TestCreateRefusesBeforeSending(t *testing.T) {
	srv, gw := newEnv(t, antomtest.Config{}, func(c *antom.Config) { c.PaymentMethodType = "" })
	for name, c := range map[string]struct {
		edit  func(*paygate.CreateRequest)
		code  status.Code
		field string
	}{
		"currency Antom does not take": {func(r *paygate.CreateRequest) { r.Amount = money.MustParse("1.005", "KWD") }, status.CodeUnsupportedCurrency, "Amount"},
		"no return URL":                {func(r *paygate.CreateRequest) { r.ReturnURL = "" }, status.CodeInvalidRequest, "ReturnURL"},
		"no payment method":            {func(r *paygate.CreateRequest) {}, status.CodeInvalidRequest, "Method.Name"},
		"terminal":                     {func(r *paygate.CreateRequest) { r.Method.Name = "GCASH"; r.Customer.Terminal = "KIOSK" }, status.CodeInvalidRequest, "Customer.Terminal"},
		"long description": {func(r *paygate.CreateRequest) {
			r.Method.Name = "GCASH"
			r.Description = strings.Repeat("é", 257)
		}, status.CodeInvalidRequest, "Description"},
		"paygate's own rules": {func(r *paygate.CreateRequest) { r.PaymentRequestID = "has space" }, status.CodeInvalidRequest, "PaymentRequestID"},
	} {
		req := createRequest("19.99", "USD")
		c.edit(req)
		_, err := gw.Create(ctx(t), req)
		assert.Equal(t, status.Failure, paygate.OutcomeOf(err), name)
		assert.Equal(t, c.code, paygate.CodeOf(err), name)
		var pe *paygate.Error
		require.True(t, errors.As(err, &pe), name)
		assert.Equal(t, c.field, pe.Field, name)
	}
	_, err := gw.Refund(ctx(t), &paygate.RefundRequest{RefundRequestID: "r1", ProviderPaymentID: "p1", Amount: money.MustParse("1.005", "KWD")})
	assert.Equal(t, status.CodeUnsupportedCurrency, paygate.CodeOf(err))
	assert.Zero(t, srv.Ledger().TotalRequests(), "nothing reached Antom")
}

func TestPaymentMethodType(t *testing.T) {
	// The method wins in this order: CreateOptions, Method.Name, Method.Type, Config.
	srv, gw := newEnv(t, antomtest.Config{})
	for _, c := range []struct {
		req  func(*paygate.CreateRequest)
		want string
	}{
		{func(r *paygate.CreateRequest) {}, "ALIPAY_CN"},
		{func(r *paygate.CreateRequest) { r.Method.Type = "card" }, "CARD"},
		{func(r *paygate.CreateRequest) { r.Method = paygate.Method{Type: "EWALLET", Name: "gcash"} }, "GCASH"},
		{func(r *paygate.CreateRequest) {
			r.Method.Name = "GCASH"
			r.ProviderOptions = []any{&antom.CreateOptions{PaymentMethodType: "KAKAOPAY"}}
		}, "KAKAOPAY"},
	} {
		req := createRequest("19.99", "USD")
		c.req(req)
		_, err := gw.Create(ctx(t), req)
		require.NoError(t, err)
		info, ok := srv.Payment(req.PaymentRequestID)
		require.True(t, ok)
		assert.Equal(t, c.want, info.PaymentMethodType)
	}
}

// Every row of the result table reaches the merchant as its outcome and code, from the simulator.
func TestEveryResultCodeOnCreate(t *testing.T) {
	rows := map[string]struct {
		outcome status.Outcome
		code    status.Code
	}{
		"ACCESS_DENIED": {status.Failure, status.CodePermissionDenied}, "INVALID_API": {status.Failure, status.CodeNotSupported},
		"CANCEL_WINDOW_EXCEED": {status.Failure, status.CodeCancelWindowExceeded}, "KEY_NOT_FOUND": {status.Failure, status.CodeAuthentication},
		"MERCHANT_BALANCE_NOT_ENOUGH": {status.Failure, status.CodeInsufficientFunds}, "NO_INTERFACE_DEF": {status.Failure, status.CodeNotSupported},
		"ORDER_NOT_EXIST": {status.Failure, status.CodeNotFound}, "ORDER_STATUS_INVALID": {status.Failure, status.CodeInvalidState},
		"ORDER_IS_CLOSED": {status.Failure, status.CodeInvalidState}, "PARAM_ILLEGAL": {status.Failure, status.CodeInvalidRequest},
		"MEDIA_TYPE_NOT_ACCEPTABLE": {status.Failure, status.CodeInvalidRequest}, "PROCESS_FAIL": {status.Failure, status.CodeProviderError},
		"SYSTEM_ERROR": {status.Failure, status.CodeProviderError}, "PAYMENT_METHOD_NOT_SUPPORTED": {status.Failure, status.CodeNotSupported},
		"USER_NOT_EXIST": {status.Failure, status.CodeDeclined}, "USER_STATUS_ABNORMAL": {status.Failure, status.CodeDeclined},
		"USER_BALANCE_NOT_ENOUGH": {status.Failure, status.CodeInsufficientFunds}, "CLIENT_INVALID": {status.Failure, status.CodeAuthentication},
		"INVALID_SIGNATURE": {status.Failure, status.CodeAuthentication}, "RISK_REJECT": {status.Failure, status.CodeRiskRejected},
		"REPEAT_REQ_INCONSISTENT": {status.Failure, status.CodeIdempotencyConflict}, "CURRENCY_NOT_SUPPORT": {status.Failure, status.CodeUnsupportedCurrency},
		"REFUND_AMOUNT_EXCEED": {status.Failure, status.CodeRefundNotAllowed}, "REFUND_WINDOW_EXCEED": {status.Failure, status.CodeRefundNotAllowed},
		"REQUEST_TRAFFIC_EXCEED_LIMIT": {status.Unknown, status.CodeRateLimited}, "UNKNOWN_EXCEPTION": {status.Unknown, status.CodeUnknown},
		"PAYMENT_IN_PROCESS": {status.Unknown, status.CodeInProgress}, "REFUND_IN_PROCESS": {status.Unknown, status.CodeInProgress},
		"A_CODE_NOBODY_KNOWS": {status.Unknown, status.CodeUnknown},
	}
	srv, gw := newEnv(t, antomtest.Config{}, func(c *antom.Config) { c.Retry = retry.Policy{MaxAttempts: 1} })
	for code, want := range rows {
		t.Run(code, func(t *testing.T) {
			srv.Inject(sim.Fault{Op: paygate.OpCreate, Kind: sim.ReplyCode, Code: code})
			p, err := gw.Create(ctx(t), createRequest("19.99", "USD"))
			assert.Nil(t, p)
			assert.Equal(t, want.outcome, paygate.OutcomeOf(err), "%v", err)
			assert.Equal(t, want.code, paygate.CodeOf(err))
			var pe *paygate.Error
			require.True(t, errors.As(err, &pe))
			assert.Equal(t, code, pe.ProviderCode)
			assert.NotEmpty(t, pe.ProviderMessage)
			assert.Equal(t, antom.Name, pe.Provider)
		})
	}
}

// PAYMENT_IN_PROCESS is S only with a URL: the simulator's code reply carries none.
func TestPaymentInProcessWithoutURLIsUnknown(t *testing.T) {
	srv, gw := newEnv(t, antomtest.Config{})
	req := createRequest("19.99", "USD")
	srv.Inject(sim.Fault{Op: paygate.OpCreate, Kind: sim.ReplyCode, Code: "PAYMENT_IN_PROCESS"})
	_, err := gw.Create(ctx(t), req)
	assert.Equal(t, status.Unknown, paygate.OutcomeOf(err))
	assert.Equal(t, status.CodeInProgress, paygate.CodeOf(err))
	assert.Empty(t, srv.Ledger().Orders(req.PaymentRequestID))
	p, err := gw.Create(ctx(t), req)
	require.NoError(t, err, "the same request again, answered with the cashier URL")
	assert.Equal(t, status.PaymentRequiresAction, p.Status)
}

// An inquiry's result is about the inquiry: the payment's state is paymentStatus.
func TestInquiryMapsPaymentStatus(t *testing.T) {
	for _, c := range []struct {
		name     string
		settle   func(*antomtest.Server, string) error
		want     status.Payment
		provider string
		reason   string
	}{
		{"processing", func(*antomtest.Server, string) error { return nil }, status.PaymentRequiresAction, "PROCESSING", ""},
		{"require action", func(s *antomtest.Server, id string) error { return s.Settle(t.Context(), id, sim.RequireAction) }, status.PaymentRequiresAction, "PROCESSING", ""},
		{"pending", func(s *antomtest.Server, id string) error { return s.Pend(id) }, status.PaymentPending, "PENDING", ""},
		{"paid", func(s *antomtest.Server, id string) error { return s.Settle(t.Context(), id, sim.Pay) }, status.PaymentSucceeded, "SUCCESS", ""},
		{"failed", func(s *antomtest.Server, id string) error { return s.Settle(t.Context(), id, sim.Fail) }, status.PaymentFailed, "FAIL", "USER_BALANCE_NOT_ENOUGH"},
		{"expired", func(s *antomtest.Server, id string) error { return s.Settle(t.Context(), id, sim.Expire) }, status.PaymentExpired, "FAIL", "ORDER_IS_CLOSED"},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv, gw := newEnv(t, antomtest.Config{})
			req := createRequest("19.99", "USD")
			p, err := gw.Create(ctx(t), req)
			require.NoError(t, err)
			require.NoError(t, c.settle(srv, req.PaymentRequestID))
			for _, q := range []*paygate.InquireRequest{{PaymentRequestID: req.PaymentRequestID}, {ProviderPaymentID: p.ProviderPaymentID}} {
				got, err := gw.Inquire(ctx(t), q)
				require.NoError(t, err)
				assert.Equal(t, c.want, got.Status)
				assert.Equal(t, c.provider, got.ProviderStatus)
				assert.Equal(t, p.ProviderPaymentID, got.ProviderPaymentID)
				assert.Equal(t, req.PaymentRequestID, got.PaymentRequestID)
				assert.True(t, got.Amount.Equal(req.Amount))
				if c.reason != "" {
					assert.Contains(t, got.FailureReason, c.reason)
				}
			}
		})
	}
	t.Run("cancelled", func(t *testing.T) {
		_, gw := newEnv(t, antomtest.Config{})
		req := createRequest("19.99", "USD")
		_, err := gw.Create(ctx(t), req)
		require.NoError(t, err)
		_, err = gw.Cancel(ctx(t), &paygate.CancelRequest{PaymentRequestID: req.PaymentRequestID})
		require.NoError(t, err)
		got, err := gw.Inquire(ctx(t), &paygate.InquireRequest{PaymentRequestID: req.PaymentRequestID})
		require.NoError(t, err)
		assert.Equal(t, status.PaymentCanceled, got.Status)
	})
	t.Run("the inquiry failing is not the payment failing", func(t *testing.T) {
		srv, gw := newEnv(t, antomtest.Config{})
		req := createRequest("19.99", "USD")
		_, err := gw.Create(ctx(t), req)
		require.NoError(t, err)
		require.NoError(t, srv.Settle(ctx(t), req.PaymentRequestID, sim.Pay))
		srv.Inject(sim.Fault{Op: paygate.OpInquire, Kind: sim.ReplyCode, Code: "PARAM_ILLEGAL"})
		_, err = gw.Inquire(ctx(t), &paygate.InquireRequest{PaymentRequestID: req.PaymentRequestID})
		assert.Equal(t, status.Failure, paygate.OutcomeOf(err))
		assert.Equal(t, status.CodeInvalidRequest, paygate.CodeOf(err), "the inquiry was refused, nothing is said of the payment")
		got, err := gw.Inquire(ctx(t), &paygate.InquireRequest{PaymentRequestID: req.PaymentRequestID})
		require.NoError(t, err)
		assert.Equal(t, status.PaymentSucceeded, got.Status)
	})
}

func TestCancelWindow(t *testing.T) {
	clock := sim.NewManualClock(time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC))
	srv, gw := newEnv(t, antomtest.Config{Clock: clock, CancelWindow: 24 * time.Hour})
	paid := createRequest("19.99", "USD")
	_, err := gw.Create(ctx(t), paid)
	require.NoError(t, err)
	require.NoError(t, srv.Settle(ctx(t), paid.PaymentRequestID, sim.Pay))
	clock.Advance(25 * time.Hour)
	_, err = gw.Cancel(ctx(t), &paygate.CancelRequest{PaymentRequestID: paid.PaymentRequestID})
	assert.Equal(t, status.Failure, paygate.OutcomeOf(err))
	assert.Equal(t, status.CodeCancelWindowExceeded, paygate.CodeOf(err))
	var pe *paygate.Error
	require.True(t, errors.As(err, &pe))
	assert.Equal(t, "CANCEL_WINDOW_EXCEED", pe.ProviderCode)

	// Inside the window a paid payment is cancelled (reversed), unless it was refunded.
	fresh := createRequest("19.99", "USD")
	p, err := gw.Create(ctx(t), fresh)
	require.NoError(t, err)
	require.NoError(t, srv.Settle(ctx(t), fresh.PaymentRequestID, sim.Pay))
	_, err = gw.Refund(ctx(t), &paygate.RefundRequest{RefundRequestID: id("r"), ProviderPaymentID: p.ProviderPaymentID, Amount: money.MustParse("1.00", "USD")})
	require.NoError(t, err)
	_, err = gw.Cancel(ctx(t), &paygate.CancelRequest{ProviderPaymentID: p.ProviderPaymentID})
	assert.Equal(t, status.Failure, paygate.OutcomeOf(err), "a refunded payment cannot be cancelled: %v", err)
	assert.Equal(t, status.CodeProviderError, paygate.CodeOf(err))
	require.True(t, errors.As(err, &pe))
	// Antom's documented answer is PROCESS_FAIL with the code's general message; the advice names the
	// refund as its documented cause rather than only sending the merchant to support.
	assert.Equal(t, "PROCESS_FAIL", pe.ProviderCode)
	assert.Equal(t, "A general business failure occurred.", pe.ProviderMessage)
	assert.Contains(t, pe.Message, "already refunded")
	assert.Contains(t, pe.Message, "inquire the payment and its refunds")

	again := createRequest("19.99", "USD")
	_, err = gw.Create(ctx(t), again)
	require.NoError(t, err)
	got, err := gw.Cancel(ctx(t), &paygate.CancelRequest{PaymentRequestID: again.PaymentRequestID})
	require.NoError(t, err)
	assert.Equal(t, status.PaymentCanceled, got.Status)
	assert.Equal(t, "CANCELLED", got.ProviderStatus)
	assert.NotEmpty(t, got.ProviderPaymentID)
	got2, err := gw.Cancel(ctx(t), &paygate.CancelRequest{PaymentRequestID: again.PaymentRequestID})
	require.NoError(t, err, "cancelling again with the same ids is S")
	assert.Equal(t, got.UpdatedAt, got2.UpdatedAt)
}

func TestRefunds(t *testing.T) {
	srv, gw := newEnv(t, antomtest.Config{})
	req := createRequest("100", "TWD")
	p, err := gw.Create(ctx(t), req)
	require.NoError(t, err)
	require.NoError(t, srv.Settle(ctx(t), req.PaymentRequestID, sim.Pay))

	// By PaymentRequestID only: the adapter inquires for the paymentId first.
	first := &paygate.RefundRequest{RefundRequestID: id("r"), PaymentRequestID: req.PaymentRequestID, Amount: money.MustParse("30", "TWD"), NotifyURL: "http://127.0.0.1:1/n"}
	r, err := gw.Refund(ctx(t), first)
	require.NoError(t, err)
	assert.Equal(t, status.RefundSucceeded, r.Status)
	assert.Equal(t, p.ProviderPaymentID, r.ProviderPaymentID)
	assert.Equal(t, req.PaymentRequestID, r.PaymentRequestID)
	assert.True(t, r.Amount.Equal(first.Amount))
	assert.Equal(t, "3000", srv.Ledger().Refunds(first.RefundRequestID)[0].WireAmount, "TWD in hundredths")

	changed := *first
	changed.Amount = money.MustParse("31", "TWD")
	_, err = gw.Refund(ctx(t), &changed)
	assert.Equal(t, status.Failure, paygate.OutcomeOf(err))
	assert.Equal(t, status.CodeIdempotencyConflict, paygate.CodeOf(err))

	second := &paygate.RefundRequest{RefundRequestID: id("r"), ProviderPaymentID: p.ProviderPaymentID, Amount: money.MustParse("70", "TWD")}
	_, err = gw.Refund(ctx(t), second)
	require.NoError(t, err, "refunds up to the amount paid")
	over := &paygate.RefundRequest{RefundRequestID: id("r"), ProviderPaymentID: p.ProviderPaymentID, Amount: money.MustParse("0.01", "TWD")}
	_, err = gw.Refund(ctx(t), over)
	assert.Equal(t, status.CodeRefundNotAllowed, paygate.CodeOf(err))
	assert.Len(t, srv.Ledger().AllRefunds(), 2)

	got, err := gw.InquireRefund(ctx(t), &paygate.InquireRefundRequest{ProviderRefundID: r.ProviderRefundID})
	require.NoError(t, err)
	assert.Equal(t, status.RefundSucceeded, got.Status)
	assert.Equal(t, "SUCCESS", got.ProviderStatus)
	assert.Equal(t, first.RefundRequestID, got.RefundRequestID)
	assert.Equal(t, p.ProviderPaymentID, got.ProviderPaymentID, "from the metadata sent with the refund: inquiryRefund names no payment")
	assert.Equal(t, req.PaymentRequestID, got.PaymentRequestID, "from the metadata too")
	assert.True(t, got.Amount.Equal(first.Amount))

	_, err = gw.Refund(ctx(t), &paygate.RefundRequest{RefundRequestID: id("r"), PaymentRequestID: "never-created", Amount: money.MustParse("1", "TWD")})
	assert.Equal(t, status.Failure, paygate.OutcomeOf(err))
	assert.Equal(t, status.CodeNotFound, paygate.CodeOf(err), "no payment, so no refund was sent")

	for _, wrong := range []*paygate.RefundRequest{
		{RefundRequestID: id("r"), ProviderPaymentID: p.ProviderPaymentID, Amount: money.MustParse("1.00", "USD")},
		{RefundRequestID: id("r"), PaymentRequestID: req.PaymentRequestID, Amount: money.MustParse("1", "JPY")},
	} {
		_, err = gw.Refund(ctx(t), wrong)
		assert.Equal(t, status.Failure, paygate.OutcomeOf(err), "a refund in another currency than the payment's")
		assert.Equal(t, status.CodeInvalidRequest, paygate.CodeOf(err))
		assert.Zero(t, srv.Ledger().Requests(paygate.OpRefund, wrong.RefundRequestID), "nothing was sent")
	}
}

// Amounts at Antom's digits as the simulator reads them off the wire, and back through inquiry.
func TestAmountDigitsOnTheWire(t *testing.T) {
	srv, gw := newEnv(t, antomtest.Config{})
	for _, c := range []struct{ amount, currency, wire string }{
		{"15000", "IDR", "1500000"}, {"100.50", "TWD", "10050"}, {"1234", "JPY", "1234"},
		{"15000", "KRW", "15000"}, {"250000", "VND", "250000"}, {"990", "CLP", "990"}, {"19.99", "USD", "1999"},
	} {
		req := createRequest(c.amount, c.currency)
		_, err := gw.Create(ctx(t), req)
		require.NoError(t, err)
		o := srv.Ledger().Orders(req.PaymentRequestID)
		require.Len(t, o, 1)
		assert.Equal(t, c.wire, o[0].WireAmount, c.currency)
		assert.True(t, o[0].Amount.Equal(req.Amount), c.currency)
		got, err := gw.Inquire(ctx(t), &paygate.InquireRequest{PaymentRequestID: req.PaymentRequestID})
		require.NoError(t, err)
		assert.True(t, got.Amount.Equal(req.Amount), "%s read back as %s", c.currency, got.Amount)
	}
}

func TestRetryWrapResolvesALostCreate(t *testing.T) {
	srv, gw := newEnv(t, antomtest.Config{})
	req := createRequest("19.99", "USD")
	srv.Inject(sim.Fault{Op: paygate.OpCreate, Kind: sim.LoseReply, Times: 100})
	w := retry.Wrap(gw, retry.Policy{MaxAttempts: 2, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond, ResolveFor: 2 * time.Second})
	p, err := w.Create(ctx(t), req)
	require.NoError(t, err)
	assert.Equal(t, status.PaymentRequiresAction, p.Status)
	assert.Len(t, srv.Ledger().Orders(req.PaymentRequestID), 1)
}

// Every log entry names the provider once: the adapter and the transport each add it to their own
// entries only.
func TestLogEntriesNameTheProviderOnce(t *testing.T) {
	core, logs := observer.New(zap.DebugLevel)
	_, gw := newEnv(t, antomtest.Config{}, func(c *antom.Config) { c.Logger = zap.New(core) })
	_, err := gw.Create(ctx(t), createRequest("10.00", "USD"))
	require.NoError(t, err)
	require.NotZero(t, logs.Len())
	for _, e := range logs.All() {
		n := 0
		for _, f := range e.Context {
			if f.Key == "provider" {
				n++
			}
		}
		assert.Equal(t, 1, n, "entry %q: %v", e.Message, e.Context)
	}
}
