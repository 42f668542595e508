package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// syncBuffer is a bytes.Buffer the command may write from several goroutines while a test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func noEnv(string) string { return "" }

func TestRunUsage(t *testing.T) {
	tests := []struct {
		name           string
		args           []string
		code           int
		stdout, stderr string
	}{
		{"no command", nil, exitUsage, "", "usage: paygate"},
		{"help", []string{"help"}, exitOK, "usage: paygate", ""},
		{"unknown command", []string{"pay"}, exitUsage, "", `unknown command "pay"`},
		{"webhook without listen", []string{"webhook"}, exitUsage, "", "paygate webhook listen"},
		{"flag help", []string{"create", "-h"}, exitOK, "", "-amount"},
		{"unknown flag", []string{"inquire", "--nope"}, exitUsage, "", "flag provided but not defined"},
		{"no provider", []string{"inquire", "--id", "x"}, exitUsage, "", "--provider is required"},
		{"unknown provider", []string{"inquire", "--provider", "paypal"}, exitUsage, "", `unknown provider "paypal"`},
		{"stray argument", []string{"inquire", "--provider", "waffo", "extra"}, exitUsage, "", `unexpected argument "extra"`},
		{"create without amount", []string{"create", "--provider", "waffo"}, exitUsage, "", "--amount and --currency are required"},
		{"create at an unknown provider names the provider first", []string{"create", "--provider", "nope"}, exitUsage, "", `unknown provider "nope"`},
		{"amount beyond the currency's digits", []string{"create", "--provider", "waffo", "--amount", "10.505", "--currency", "USD"}, exitUsage, "", "--amount 10.505"},
		{"amount in exponent form", []string{"refund", "--provider", "antom", "--amount", "1e3", "--currency", "USD"}, exitUsage, "", "--amount 1e3"},
		{"missing sim file", []string{"inquire", "--provider", "waffo", "--sim", "/nonexistent/sim.json"}, exitUsage, "", "paygate sim --out"},
		{"bad refund signing", []string{"inquire", "--provider", "vai247", "--refund-signing", "maybe"}, exitUsage, "", "--refund-signing"},
		{"adapter refuses its config", []string{"inquire", "--provider", "waffo", "--id", "x"}, exitUsage, "", "waffo"},
		{"soak with bad numbers", []string{"soak", "--payments", "-1"}, exitUsage, "", "--payments"},
		{"soak with an unreachable journal", []string{"soak", "--payments", "1", "--postgres", "postgres://nobody@127.0.0.1:1/x?connect_timeout=5"},
			exitFailure, "", "the --postgres journal could not be opened; check the URL"},
		{"sim with a bad speedup", []string{"sim", "--webhook-speedup", "0"}, exitUsage, "", "--webhook-speedup"},
		{"vai247 webhooks without a secret", []string{"webhook", "listen", "--provider", "vai247", "--app-id", "a", "--api-key", "k", "--store-id", "s"},
			exitUsage, "", "--webhook-secret SECRET (or @FILE) or set VAI247_WEBHOOK_SECRET"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(t.Context(), tt.args, &stdout, &stderr, noEnv)
			assert.Equal(t, tt.code, code, "stdout: %s\nstderr: %s", stdout.String(), stderr.String())
			assert.Contains(t, stdout.String(), tt.stdout)
			assert.Contains(t, stderr.String(), tt.stderr)
		})
	}
}

func TestDemo(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := run(t.Context(), []string{"demo"}, &stdout, &stderr, noEnv)
	out := stdout.String()
	require.Equal(t, exitOK, code, "stdout:\n%s\nstderr:\n%s", out, stderr.String())
	assert.NotContains(t, out, "PROBLEM")
	for _, want := range []string{
		"STEP", "PROVIDER", "REQUEST ID", "STATUS", "OUTCOME", "ATTEMPTS", "HOW RESOLVED",
		"SUCCEEDED", "FAILED", "EXPIRED", "CANCELED", // paid, declined, abandoned, cancelled
		"partial refund", "refund the rest",
		"resolved by inquiry", "Antom holds 1 payment",
		"failed over to antom", "U returned, not moved",
		"deeplink", "redirect", "qr_code",
		"Webhooks received and verified",
	} {
		assert.Contains(t, out, want)
	}
	// Every row's outcome is S except the one unknown create.
	assert.Regexp(t, regexp.MustCompile(`routed create\s+waffo\s+demo-routed-unknown\s+UNKNOWN\s+U\s`), out)
	assert.Regexp(t, regexp.MustCompile(`same id, resent later\s+waffo\s+demo-routed-unknown\s+REQUIRES_ACTION\s+S\s`), out)

	// Authorize now, capture later: shown at the first provider that declares it, or said to be
	// missing in one line.
	e, ok := manualCaptureProvider()
	if !ok {
		assert.Equal(t, 1, strings.Count(out, noManualCapture), "one line says no provider offers manual capture")
		assert.NotContains(t, out, "demo-capture")
		return
	}
	name := regexp.QuoteMeta(e.Name())
	assert.NotContains(t, out, noManualCapture)
	for _, row := range []string{
		`create \(manual capture\)\s+` + name + `\s+demo-capture\s+(REQUIRES_ACTION|PENDING)\s+S\s`,
		`customer authorizes; inquire\s+` + name + `\s+demo-capture\s+AUTHORIZED\s+S\s.*money held, nothing captured`,
		`capture (all \S+ \S+|\S+ \S+ of \S+ \S+)\s+` + name + `\s+demo-capture-1\s+(SUCCEEDED|PENDING)\s+S\s`,
		`(capture|settles; inquire).*` + name + `\s+demo-capture(-1)?\s+SUCCEEDED\s+S\s.*captured \S+ \S+ exactly`,
		`customer authorizes; inquire\s+` + name + `\s+demo-void\s+AUTHORIZED\s+S\s`,
		`merchant voids the hold\s+` + name + `\s+demo-void\s+CANCELED\s+S\s.*hold released, nothing captured`,
	} {
		assert.Regexp(t, regexp.MustCompile(row), out)
	}
}

// startSim runs `paygate sim` until the test ends and returns what it wrote.
func startSim(t *testing.T) (simFile, string) {
	t.Helper()
	return startSimAt(t, filepath.Join(t.TempDir(), "sim.json"))
}

// startSimAt is startSim writing to path.
func startSimAt(t *testing.T, path string) (simFile, string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"sim", "--out", path, "--webhook-speedup", "1000"}, &stdout, &stderr, noEnv)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case code := <-done:
			assert.Equal(t, exitOK, code, stderr.String())
		case <-time.After(10 * time.Second):
			t.Error("paygate sim did not stop when interrupted")
		}
		_, err := os.Stat(path)
		assert.True(t, os.IsNotExist(err), "paygate sim left its credentials file behind")
	})
	var f simFile
	require.Eventually(t, func() bool {
		b, err := os.ReadFile(path)
		return err == nil && json.Unmarshal(b, &f) == nil
	}, 10*time.Second, 10*time.Millisecond, "paygate sim wrote no file; stderr: %s", stderr.String())
	st, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), st.Mode().Perm(), "the file holds private keys")
	// The file appears before the banner is printed: wait for the banner too.
	assert.Eventually(t, func() bool { return strings.Contains(stdout.String(), f.Waffo.BaseURL) },
		5*time.Second, 10*time.Millisecond, "the banner names the base URLs; stdout: %s", stdout.String())
	return f, path
}

// cli runs one command and decodes its JSON output.
func cli(t *testing.T, args ...string) (int, callOutput, map[string]any) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(t.Context(), args, &stdout, &stderr, noEnv)
	var out callOutput
	var raw map[string]any
	if code != exitUsage {
		require.NoError(t, json.Unmarshal(stdout.Bytes(), &out), "stdout: %s\nstderr: %s", stdout.String(), stderr.String())
		require.NoError(t, json.Unmarshal(stdout.Bytes(), &raw))
	}
	return code, out, raw
}

func control(t *testing.T, url string, body string) {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode, "control %s %s", url, body)
}

func TestCallsAgainstSim(t *testing.T) {
	f, path := startSim(t)

	t.Run("waffo: create, pay, inquire, refunds", func(t *testing.T) {
		code, out, raw := cli(t, "create", "--provider", "waffo", "--sim", path, "--id", "cli-w-1", "--amount", "149000", "--currency", "IDR",
			"--email", "a@b.example", "--customer-id", "c1", "--notify-url", "https://shop.example/notify", "--method-type", "EWALLET")
		require.Equal(t, exitOK, code)
		assert.Equal(t, "S", string(out.Outcome))
		require.NotNil(t, out.Payment)
		assert.Equal(t, "REQUIRES_ACTION", string(out.Payment.Status))
		require.NotNil(t, out.Payment.Action)
		assert.Equal(t, "deeplink", string(out.Payment.Action.Kind))
		// Amounts are written as exact strings, never JSON numbers.
		assert.Equal(t, map[string]any{"value": "149000.00", "currency": "IDR"}, raw["payment"].(map[string]any)["amount"])

		control(t, f.ControlURL+"/settle", `{"provider":"waffo","payment_request_id":"cli-w-1","result":"pay"}`)
		code, out, _ = cli(t, "inquire", "--provider", "waffo", "--sim", path, "--id", "cli-w-1")
		require.Equal(t, exitOK, code)
		assert.Equal(t, "SUCCEEDED", string(out.Payment.Status))

		code, out, _ = cli(t, "refund", "--provider", "waffo", "--sim", path, "--id", "cli-w-1", "--refund-id", "cli-w-r1", "--amount", "49000", "--currency", "IDR")
		require.Equal(t, exitOK, code)
		assert.Equal(t, "cli-w-r1", out.Refund.RefundRequestID)
		code, out, _ = cli(t, "inquire-refund", "--provider", "waffo", "--sim", path, "--refund-id", "cli-w-r1")
		require.Equal(t, exitOK, code)
		assert.Equal(t, "SUCCEEDED", string(out.Refund.Status))
	})

	t.Run("create without an id makes one and prints it", func(t *testing.T) {
		code, out, _ := cli(t, "create", "--provider", "antom", "--sim", path, "--amount", "25.00", "--currency", "USD", "--return-url", "https://shop.example/r")
		require.Equal(t, exitOK, code)
		req := out.Request.(map[string]any)
		assert.Regexp(t, `^cli-[a-z0-9]{16}$`, req["payment_request_id"])
		assert.Equal(t, req["payment_request_id"], out.Payment.PaymentRequestID)
	})

	t.Run("F exits 1 with the provider's code", func(t *testing.T) {
		// The channel declines the payment (Waffo C0005): definitely not created.
		control(t, f.ControlURL+"/fault", `{"provider":"waffo","op":"create","kind":"reply-code","code":"C0005"}`)
		code, out, _ := cli(t, "create", "--provider", "waffo", "--sim", path, "--id", "cli-w-declined", "--amount", "10.00", "--currency", "USD",
			"--email", "a@b.example", "--customer-id", "c1", "--notify-url", "https://shop.example/notify")
		require.Equal(t, exitFailure, code)
		assert.Equal(t, "F", string(out.Outcome))
		require.NotNil(t, out.Error)
		assert.Equal(t, "DECLINED", string(out.Error.Code))
		assert.Equal(t, "C0005", out.Error.ProviderCode)
		assert.Equal(t, "waffo", out.Error.Provider)
		assert.Nil(t, out.Payment)
		assert.Contains(t, out.Advice, "new request ids")
	})

	t.Run("a currency the provider does not take is F", func(t *testing.T) {
		code, out, _ := cli(t, "create", "--provider", "antom", "--sim", path, "--id", "cli-a-kwd", "--amount", "1.000", "--currency", "KWD", "--return-url", "https://shop.example/r")
		require.Equal(t, exitFailure, code)
		assert.Equal(t, "UNSUPPORTED_CURRENCY", string(out.Error.Code))
	})

	t.Run("a validation error is F and sends nothing", func(t *testing.T) {
		code, out, _ := cli(t, "create", "--provider", "waffo", "--sim", path, "--id", "cli-w-noemail", "--amount", "10.00", "--currency", "USD")
		require.Equal(t, exitFailure, code)
		assert.Equal(t, "INVALID_REQUEST", string(out.Error.Code))
		assert.Equal(t, "NotifyURL", out.Error.Field)
		assert.Contains(t, out.Error.Message, "set it")
	})

	t.Run("U exits 3 and says to resend with the same id", func(t *testing.T) {
		control(t, f.ControlURL+"/fault", `{"provider":"antom","op":"create","kind":"reply-status","status":503,"times":100}`)
		code, out, _ := cli(t, "create", "--provider", "antom", "--sim", path, "--id", "cli-a-u", "--amount", "12.50", "--currency", "USD",
			"--return-url", "https://shop.example/r", "--no-retry", "--timeout", "5s")
		control(t, f.ControlURL+"/reset", `{"provider":"antom"}`)
		require.Equal(t, exitUnknown, code)
		assert.Equal(t, "U", string(out.Outcome))
		assert.Contains(t, out.Advice, "same ids")
		assert.Equal(t, "cli-a-u", out.Request.(map[string]any)["payment_request_id"])
	})

	// VAI247 does not dedupe creates: after a U the advice must not be to create again.
	t.Run("vai247 U create says a re-create makes a second order", func(t *testing.T) {
		control(t, f.ControlURL+"/fault", `{"provider":"vai247","op":"create","kind":"reply-status","status":503,"times":100}`)
		code, out, _ := cli(t, "create", "--provider", "vai247", "--sim", path, "--id", "cli-v-u", "--amount", "12.50", "--currency", "USD", "--no-retry", "--timeout", "5s")
		control(t, f.ControlURL+"/reset", `{"provider":"vai247"}`)
		require.Equal(t, exitUnknown, code)
		assert.NotContains(t, out.Advice, "same ids")
		assert.NotContains(t, out.Advice, "again with")
		assert.Contains(t, out.Advice, "second order")
		assert.Contains(t, out.Advice, "--provider-payment-id")
		assert.Contains(t, out.Advice, "merchant dashboard")
	})

	t.Run("cancel", func(t *testing.T) {
		code, _, _ := cli(t, "create", "--provider", "waffo", "--sim", path, "--id", "cli-w-2", "--amount", "75000", "--currency", "IDR",
			"--email", "a@b.example", "--customer-id", "c1", "--notify-url", "https://shop.example/notify")
		require.Equal(t, exitOK, code)
		code, out, _ := cli(t, "cancel", "--provider", "waffo", "--sim", path, "--id", "cli-w-2", "--reason", "changed mind")
		require.Equal(t, exitOK, code)
		assert.Equal(t, "CANCELED", string(out.Payment.Status))
	})
}

func TestCredentialsFromEnvironment(t *testing.T) {
	f, _ := startSim(t)
	getenv := func(k string) string { return f.VAI247.Env[k] }
	var stdout, stderr bytes.Buffer
	code := run(t.Context(), []string{"create", "--provider", "vai247", "--id", "cli-env-1", "--amount", "40000", "--currency", "KHR"}, &stdout, &stderr, getenv)
	require.Equal(t, exitOK, code, "stdout: %s\nstderr: %s", stdout.String(), stderr.String())
	var out callOutput
	require.NoError(t, json.Unmarshal(stdout.Bytes(), &out))
	assert.Equal(t, "qr_code", string(out.Payment.Action.Kind))

	// A flag overrides the environment: a wrong API key is refused by the simulator (F).
	stdout.Reset()
	code = run(t.Context(), []string{"create", "--provider", "vai247", "--api-key", "wrong", "--id", "cli-env-2", "--amount", "1.00", "--currency", "USD"}, &stdout, &stderr, getenv)
	require.Equal(t, exitFailure, code, stdout.String())
	assert.Contains(t, stdout.String(), "AUTHENTICATION")
}

func TestControlAPIRefusesBadRequests(t *testing.T) {
	f, _ := startSim(t)
	tests := []struct{ path, body, want string }{
		{"/settle", `{"provider":"paypal","payment_request_id":"x","result":"pay"}`, "unknown provider"},
		{"/settle", `{"provider":"waffo","payment_request_id":"x","result":"win"}`, "use pay, authorize (the same as pay, for a manual-capture payment), fail or expire"},
		{"/settle", `{"provider":"waffo","payment_request_id":"nope","result":"pay"}`, "nope"},
		{"/settle", `{"provider":"waffo","extra":1}`, "unknown field"},
		{"/fault", `{"provider":"waffo","op":"pay","kind":"lose-reply"}`, "use create"},
		{"/fault", `{"provider":"waffo","op":"create","kind":"explode"}`, "lose-reply"},
		{"/fault", `{"provider":"waffo","op":"create","kind":"reply-code"}`, "needs code"},
		{"/fault", `{"provider":"waffo","op":"create","kind":"reply-status","status":200}`, "400 to 599"},
	}
	for _, tt := range tests {
		t.Run(tt.path+" "+tt.want, func(t *testing.T) {
			resp, err := http.Post(f.ControlURL+tt.path, "application/json", strings.NewReader(tt.body))
			require.NoError(t, err)
			defer resp.Body.Close()
			var body struct {
				OK    bool   `json:"ok"`
				Error string `json:"error"`
			}
			require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
			assert.GreaterOrEqual(t, resp.StatusCode, 400)
			assert.False(t, body.OK)
			assert.Contains(t, body.Error, tt.want)
		})
	}
}

func TestWebhookListen(t *testing.T) {
	f, path := startSim(t)
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"webhook", "listen", "--provider", "waffo", "--sim", path, "--addr", "127.0.0.1:0", "--path", "/hooks"}, &stdout, &stderr, noEnv)
	}()
	defer func() {
		cancel()
		assert.Equal(t, exitOK, <-done, stderr.String())
	}()
	addr := regexp.MustCompile(`at (http://127\.0\.0\.1:\d+/hooks)`)
	var url string
	require.Eventually(t, func() bool {
		m := addr.FindStringSubmatch(stderr.String())
		if m != nil {
			url = m[1]
		}
		return m != nil
	}, 5*time.Second, 10*time.Millisecond)

	code, _, _ := cli(t, "create", "--provider", "waffo", "--sim", path, "--id", "cli-hook-1", "--amount", "10.00", "--currency", "USD",
		"--email", "a@b.example", "--customer-id", "c1", "--notify-url", url)
	require.Equal(t, exitOK, code)
	control(t, f.ControlURL+"/settle", `{"provider":"waffo","payment_request_id":"cli-hook-1","result":"pay"}`)
	require.Eventually(t, func() bool { return strings.Contains(stdout.String(), `"status":"SUCCEEDED"`) }, 5*time.Second, 10*time.Millisecond,
		"no verified event printed; stderr: %s", stderr.String())
	var ev map[string]any
	line := strings.SplitN(strings.TrimSpace(stdout.String()), "\n", 2)[0]
	require.NoError(t, json.Unmarshal([]byte(line), &ev))
	assert.Equal(t, "waffo", ev["provider"])
	assert.Equal(t, "payment.updated", ev["type"])

	// A forged notification is refused and nothing is printed for it.
	before := stdout.String()
	resp, err := http.Post(url, "application/json", strings.NewReader(`{"eventType":"PAYMENT_NOTIFICATION","result":{"paymentRequestId":"cli-hook-1","orderStatus":"PAY_SUCCESS"}}`))
	require.NoError(t, err)
	resp.Body.Close()
	assert.GreaterOrEqual(t, resp.StatusCode, 400)
	assert.Equal(t, before, stdout.String())
	assert.Contains(t, stderr.String(), "refused a waffo notification")
}

// VAI247's notifications are verified with the webhook secret from the simulator file: a signed one
// is printed, an unsigned one refused.
func TestWebhookListenVAI247(t *testing.T) {
	f, path := startSim(t)
	require.NotEmpty(t, f.VAI247.WebhookSecret, "the simulator file carries the webhook secret")
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"webhook", "listen", "--provider", "vai247", "--sim", path, "--addr", "127.0.0.1:0"}, &stdout, &stderr, noEnv)
	}()
	defer func() {
		cancel()
		assert.Equal(t, exitOK, <-done, stderr.String())
	}()
	addr := regexp.MustCompile(`at (http://127\.0\.0\.1:\d+/)`)
	var url string
	require.Eventually(t, func() bool {
		m := addr.FindStringSubmatch(stderr.String())
		if m != nil {
			url = m[1]
		}
		return m != nil
	}, 5*time.Second, 10*time.Millisecond)

	body := fmt.Sprintf(`{"event":"payment.success","order_id":"ord_1","amount":1.50,"currency":"USD","status":"paid","timestamp":%d}`, time.Now().Unix())
	post := func(sig string) int {
		req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		if sig != "" {
			req.Header.Set("X-DVPay-Signature", sig)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		return resp.StatusCode
	}
	assert.Equal(t, http.StatusUnauthorized, post(""), "unsigned")
	assert.Empty(t, stdout.String())
	mac := hmac.New(sha256.New, []byte(f.VAI247.WebhookSecret))
	mac.Write([]byte(body))
	assert.Equal(t, http.StatusOK, post(hex.EncodeToString(mac.Sum(nil))), "signed with the secret")
	assert.Contains(t, stdout.String(), `"provider_payment_id":"ord_1"`)
}

func TestSoakCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a small chaos soak")
	}
	var stdout, stderr bytes.Buffer
	code := run(t.Context(), []string{"soak", "--payments", "60", "--concurrency", "6", "--seed", "7"}, &stdout, &stderr, noEnv)
	require.Equal(t, exitOK, code, "stdout: %s\nstderr: %s", stdout.String(), stderr.String())
	assert.Regexp(t, `soak: 60 payments, \d+ captures?, 0 double charges, 0 double captures, 0 lost, 0 wrong status`, stdout.String())
	assert.Contains(t, stdout.String(), "seed 7")
	// Not a terminal: progress is a line per tenth, ending at the total.
	assert.Contains(t, stderr.String(), "soak: 60/60 payments")
}
