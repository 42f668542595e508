package provider

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/internal/budget"
	"github.com/paygate-go/paygate/retry"
	"github.com/paygate-go/paygate/status"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// fastPolicy keeps retry tests quick: 3 sends, 1 ms doubling to at most 50 ms.
var fastPolicy = retry.Policy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: 50 * time.Millisecond}

func newTestTransport(t *testing.T, baseURL string, edit func(*TransportConfig)) *Transport {
	t.Helper()
	cfg := TransportConfig{Provider: "testpay", BaseURL: baseURL, Retry: fastPolicy}
	if edit != nil {
		edit(&cfg)
	}
	tr, err := NewTransport(cfg)
	require.NoError(t, err)
	t.Cleanup(tr.CloseIdleConnections)
	return tr
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// recorder is a test server that counts and keeps what it received.
type recorder struct {
	mu     sync.Mutex
	bodies []string
	sigs   []string
	paths  []string
	n      atomic.Int32
}

func (rec *recorder) record(r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	rec.mu.Lock()
	defer rec.mu.Unlock()
	rec.bodies = append(rec.bodies, string(b))
	rec.sigs = append(rec.sigs, r.Header.Get("X-Sig"))
	rec.paths = append(rec.paths, r.URL.RequestURI())
	rec.n.Add(1)
}

func serve(t *testing.T, rec *recorder, h http.HandlerFunc) *httptest.Server {
	t.Helper()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec.record(r)
		h(w, r)
	}))
	t.Cleanup(ts.Close)
	return ts
}

func hijackClose(w http.ResponseWriter, _ *http.Request) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err == nil {
		conn.Close()
	}
}

// closedURL returns an http URL on a loopback port nobody listens on.
func closedURL(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return "http://" + addr
}

// countingSigner sets X-Sig to the number of the try, so tests see it was called before each one.
func countingSigner(calls *atomic.Int32) func(http.Header, []byte) error {
	return func(h http.Header, body []byte) error {
		h.Set("X-Sig", fmt.Sprintf("sig-%d-%d", calls.Add(1), len(body)))
		return nil
	}
}

func asPaygateError(t *testing.T, err error) *paygate.Error {
	t.Helper()
	var pe *paygate.Error
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "testpay", pe.Provider)
	return pe
}

func TestNewTransportConfig(t *testing.T) {
	tests := []struct {
		name    string
		cfg     TransportConfig
		wantErr string
	}{
		{"https", TransportConfig{Provider: "p", BaseURL: "https://api.example.com/v1"}, ""},
		{"http loopback v4", TransportConfig{Provider: "p", BaseURL: "http://127.0.0.1:8080"}, ""},
		{"http loopback 127/8", TransportConfig{Provider: "p", BaseURL: "http://127.1.2.3"}, ""},
		{"http loopback v6", TransportConfig{Provider: "p", BaseURL: "http://[::1]:9000/api"}, ""},
		{"http localhost", TransportConfig{Provider: "p", BaseURL: "http://LocalHost:1"}, ""},
		{"no provider", TransportConfig{BaseURL: "https://api.example.com"}, "Provider is empty"},
		{"empty URL", TransportConfig{Provider: "p"}, "BaseURL is not a valid URL"},
		{"bad URL", TransportConfig{Provider: "p", BaseURL: "https://[::1"}, "BaseURL is not a valid URL"},
		{"http remote", TransportConfig{Provider: "p", BaseURL: "http://api.example.com"}, `http:// is allowed only to loopback hosts (127.0.0.0/8, ::1, localhost), not "api.example.com"`},
		{"http lookalike", TransportConfig{Provider: "p", BaseURL: "http://127.0.0.1.nip.io"}, "http:// is allowed only to loopback"},
		{"http private IP", TransportConfig{Provider: "p", BaseURL: "http://10.0.0.1"}, "http:// is allowed only to loopback"},
		{"ftp", TransportConfig{Provider: "p", BaseURL: "ftp://api.example.com"}, `scheme "ftp" is not supported`},
		{"relative", TransportConfig{Provider: "p", BaseURL: "/api"}, "has no host"},
		{"credentials", TransportConfig{Provider: "p", BaseURL: "https://user:pw@api.example.com"}, "must not carry credentials"},
		{"query", TransportConfig{Provider: "p", BaseURL: "https://api.example.com?k=v"}, "must not carry a query"},
		{"negative cap", TransportConfig{Provider: "p", BaseURL: "https://api.example.com", MaxBodyBytes: -1}, "MaxBodyBytes is negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr, err := NewTransport(tt.cfg)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				assert.NotContains(t, err.Error(), "pw@")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.cfg.BaseURL, tr.BaseURL().String())
			assert.Equal(t, int64(DefaultMaxBodyBytes), tr.maxBody)
			assert.Equal(t, retry.Default().MaxAttempts, tr.policy.MaxAttempts)
		})
	}
}

func TestBaseURLIsACopy(t *testing.T) {
	tr := newTestTransport(t, "https://api.example.com/v1", nil)
	tr.BaseURL().Host = "evil.example.com"
	assert.Equal(t, "api.example.com", tr.BaseURL().Host)
}

func TestResolve(t *testing.T) {
	tr := newTestTransport(t, "https://api.example.com/v2", nil)
	tests := []struct {
		path, want, wantErr string
	}{
		{"/payments", "https://api.example.com/v2/payments", ""},
		{"payments/p1", "https://api.example.com/v2/payments/p1", ""},
		{"/payments?id=a%20b&x=1", "https://api.example.com/v2/payments?id=a%20b&x=1", ""},
		{"/a%2Fb", "https://api.example.com/v2/a%2Fb", ""},
		{"", "https://api.example.com/v2", ""},
		{"https://evil.example.com/x", "", "relative to BaseURL"},
		{"//evil.example.com/x", "", "relative to BaseURL"},
		{"/../admin", "", `must not contain ".."`},
		{"%zz", "", "not a valid URL path"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			u, _, err := tr.resolve(tt.path)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, u.String())
		})
	}
}

// route caches resolve's answers; it must answer exactly as resolve does, on a miss and on a hit, and
// a URL it returns must not be changed by a later call.
func TestRouteMatchesResolve(t *testing.T) {
	tr := newTestTransport(t, "https://api.example.com/v2", nil)
	paths := []string{
		"/payments", "payments/p1", "/payments?id=a%20b&x=1", "/payments?id=c", "/payments?", "/payments?a:b",
		"/a%2Fb", "", "?only=query", "/p#frag", "/p?x=1#frag", "/p?x=\x01", "/p\x7f?x=1",
		"https://evil.example.com/x", "//evil.example.com/x", "/../admin", "/../admin?x=1", "%zz", "%zz?x=1", "a:b?x=1",
	}
	for range 2 {
		for _, p := range paths {
			wantURL, wantLog, wantErr := tr.resolve(p)
			u, logPath, err := tr.route(p)
			if wantErr != nil {
				assert.Equal(t, wantErr, err, "%q", p)
				continue
			}
			require.NoError(t, err, "%q", p)
			assert.Equal(t, wantURL.String(), u.String(), "%q", p)
			assert.Equal(t, wantLog, logPath, "%q", p)
			u.RawQuery = "changed" // a caller's change stays its own
		}
	}
	u, _, err := tr.route("/payments")
	require.NoError(t, err)
	assert.Equal(t, "https://api.example.com/v2/payments", u.String())

	for i := range 2 * maxRoutes {
		_, _, err := tr.route("/p/" + strconv.Itoa(i))
		require.NoError(t, err)
	}
	assert.LessOrEqual(t, tr.countRoutes(), maxRoutes, "the cache stops growing")
}

func (t *Transport) countRoutes() int {
	n := 0
	t.routes.Range(func(any, any) bool { n++; return true })
	return n
}

func TestDoRefusesBadPath(t *testing.T) {
	rec := &recorder{}
	ts := serve(t, rec, func(http.ResponseWriter, *http.Request) {})
	tr := newTestTransport(t, ts.URL, nil)
	_, err := tr.Do(testCtx(t), &Request{Op: paygate.OpCreate, Path: "http://example.com/x"})
	pe := asPaygateError(t, err)
	assert.Equal(t, status.Failure, pe.Outcome)
	assert.Equal(t, status.CodeInvalidRequest, pe.Code)
	assert.ErrorIs(t, err, retry.ErrNotSent)
	assert.Zero(t, rec.n.Load())
}

func TestHTTPClientSetup(t *testing.T) {
	t.Run("nil client", func(t *testing.T) {
		c := httpClient(nil)
		assert.Equal(t, DefaultTimeout, c.Timeout)
		ht, ok := c.Transport.(*http.Transport)
		require.True(t, ok)
		assert.NotSame(t, http.DefaultTransport, ht)
		assert.Equal(t, uint16(tls.VersionTLS12), ht.TLSClientConfig.MinVersion)
		assert.Equal(t, DefaultMaxIdleConnsPerHost, ht.MaxIdleConnsPerHost, "calls in flight keep their connections")
		assert.GreaterOrEqual(t, ht.MaxIdleConns, DefaultMaxIdleConnsPerHost)
		assert.ErrorIs(t, c.CheckRedirect(nil, nil), http.ErrUseLastResponse)
	})
	t.Run("caller's client is copied, TLS raised, other settings kept", func(t *testing.T) {
		theirTLS := &tls.Config{MinVersion: tls.VersionTLS10, ServerName: "keep.me"}
		theirs := &http.Transport{TLSClientConfig: theirTLS}
		caller := &http.Client{Transport: theirs, Timeout: 7 * time.Second}
		c := httpClient(caller)
		assert.Equal(t, 7*time.Second, c.Timeout)
		ht := c.Transport.(*http.Transport)
		assert.NotSame(t, theirs, ht)
		assert.Equal(t, uint16(tls.VersionTLS12), ht.TLSClientConfig.MinVersion)
		assert.Equal(t, "keep.me", ht.TLSClientConfig.ServerName)
		assert.Zero(t, ht.MaxIdleConnsPerHost, "their pool settings are theirs")
		// Untouched:
		assert.Same(t, theirs, caller.Transport)
		assert.Nil(t, caller.CheckRedirect)
		assert.Equal(t, uint16(tls.VersionTLS10), theirTLS.MinVersion)
	})
	t.Run("TLS 1.3 minimum kept", func(t *testing.T) {
		c := httpClient(&http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{MinVersion: tls.VersionTLS13}}})
		assert.Equal(t, uint16(tls.VersionTLS13), c.Transport.(*http.Transport).TLSClientConfig.MinVersion)
	})
	t.Run("nil Transport means DefaultTransport", func(t *testing.T) {
		c := httpClient(&http.Client{})
		ht, ok := c.Transport.(*http.Transport)
		require.True(t, ok)
		assert.NotSame(t, http.DefaultTransport, ht)
		assert.Equal(t, uint16(tls.VersionTLS12), ht.TLSClientConfig.MinVersion)
		assert.Equal(t, DefaultMaxIdleConnsPerHost, ht.MaxIdleConnsPerHost)
	})
	t.Run("custom RoundTripper used as is", func(t *testing.T) {
		rt := roundTripFunc(func(*http.Request) (*http.Response, error) { return nil, errors.New("x") })
		c := httpClient(&http.Client{Transport: rt})
		_, ok := c.Transport.(roundTripFunc)
		assert.True(t, ok)
	})
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestDoSuccess(t *testing.T) {
	rec := &recorder{}
	var gotMethod, gotCT string
	ts := serve(t, rec, func(w http.ResponseWriter, r *http.Request) {
		gotMethod, gotCT = r.Method, r.Header.Get("Content-Type")
		w.Header().Set("X-Reply", "yes")
		w.WriteHeader(http.StatusCreated)
		_, _ = io.WriteString(w, `{"ok":true}`)
	})
	tr := newTestTransport(t, ts.URL+"/api/v1", nil)
	var signs atomic.Int32
	hdr := http.Header{"Content-Type": {"application/json"}}
	resp, err := tr.Do(testCtx(t), &Request{
		Op: paygate.OpCreate, Path: "/payments?x=1", Header: hdr, Body: []byte(`{"a":1}`),
		Sign: countingSigner(&signs),
	})
	require.NoError(t, err)
	assert.Equal(t, http.StatusCreated, resp.StatusCode)
	assert.Equal(t, `{"ok":true}`, string(resp.Body))
	assert.Equal(t, "yes", resp.Header.Get("X-Reply"))
	assert.Equal(t, 1, resp.Attempts)
	assert.False(t, resp.EarlierUnknown)
	assert.Equal(t, http.MethodPost, gotMethod)
	assert.Equal(t, "application/json", gotCT)
	assert.Equal(t, []string{"/api/v1/payments?x=1"}, rec.paths)
	assert.Equal(t, []string{`{"a":1}`}, rec.bodies)
	assert.Equal(t, []string{"sig-1-7"}, rec.sigs)
	assert.Empty(t, hdr.Get("X-Sig"), "the caller's header is never modified")

	resp, err = tr.Do(testCtx(t), &Request{Op: paygate.OpInquire, Method: http.MethodGet, Path: "/payments/p1"})
	require.NoError(t, err)
	assert.Equal(t, http.MethodGet, gotMethod)
	assert.Equal(t, 1, resp.Attempts)
}

func TestDoStatusRetries(t *testing.T) {
	tests := []struct {
		status     int
		resendable bool
		wantSends  int32
	}{
		{200, true, 1}, {201, false, 1}, {302, true, 1}, {400, true, 1}, {401, true, 1}, {404, true, 1}, {409, true, 1},
		{429, true, 3}, {429, false, 1},
		{500, true, 3}, {500, false, 1},
		{501, true, 3},
		{502, true, 3}, {502, false, 1},
		{503, true, 3}, {503, false, 1},
		{504, true, 3}, {504, false, 1},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d resendable=%v", tt.status, tt.resendable), func(t *testing.T) {
			rec := &recorder{}
			ts := serve(t, rec, func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tt.status)
				_, _ = io.WriteString(w, "reply "+strconv.Itoa(int(rec.n.Load())))
			})
			tr := newTestTransport(t, ts.URL, nil)
			var signs atomic.Int32
			resp, err := tr.Do(testCtx(t), &Request{Op: paygate.OpCreate, Path: "/p", Body: []byte("body"), Resendable: tt.resendable, Sign: countingSigner(&signs)})
			require.NoError(t, err)
			assert.Equal(t, tt.status, resp.StatusCode)
			assert.Equal(t, int(tt.wantSends), resp.Attempts)
			assert.Equal(t, tt.wantSends, rec.n.Load())
			assert.Equal(t, "reply "+strconv.Itoa(int(tt.wantSends)), string(resp.Body), "the last answer is returned")
			assert.Equal(t, tt.wantSends, signs.Load())
			assert.Equal(t, tt.wantSends > 1 && tt.status >= 500, resp.EarlierUnknown)
		})
	}
}

func TestDoDefiniteAnswerIsNotRetried(t *testing.T) {
	for _, status := range []int{429, 500, 503} {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			rec := &recorder{}
			ts := serve(t, rec, func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(status)
				if rec.n.Load() == 1 {
					_, _ = io.WriteString(w, "transient")
					return
				}
				_, _ = io.WriteString(w, "definite")
			})
			tr := newTestTransport(t, ts.URL, nil)
			definite := func(st int, body []byte) bool { return st == status && string(body) == "definite" }
			resp, err := tr.Do(testCtx(t), &Request{Op: paygate.OpCreate, Path: "/p", Body: []byte("b"), Resendable: true, Definite: definite})
			require.NoError(t, err)
			assert.Equal(t, 2, resp.Attempts, "the transient answer is retried, the definite one is returned")
			assert.Equal(t, int32(2), rec.n.Load())
			assert.Equal(t, "definite", string(resp.Body))
			assert.Equal(t, status >= 500, resp.EarlierUnknown, "the transient 5xx may have been processed: the definite answer may be about it")
		})
	}
}

// TestDoDefiniteAskedOnlyAboutResends pins that Definite is consulted only for an answer the transport
// would otherwise resend (429 or 5xx of a resendable request), and that skipping it elsewhere changes
// nothing: such an answer is returned after one send whatever Definite would have said.
func TestDoDefiniteAskedOnlyAboutResends(t *testing.T) {
	for _, tt := range []struct {
		status     int
		resendable bool
		wantAsked  bool
	}{
		{200, true, false}, {400, true, false}, {409, true, false},
		{429, false, false}, {500, false, false}, {503, false, false},
		{429, true, true}, {500, true, true}, {502, true, true}, {503, true, true},
	} {
		t.Run(fmt.Sprintf("%d resendable=%v", tt.status, tt.resendable), func(t *testing.T) {
			rec := &recorder{}
			ts := serve(t, rec, func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tt.status)
				_, _ = io.WriteString(w, "definite")
			})
			tr := newTestTransport(t, ts.URL, nil)
			var asked atomic.Int32
			definite := func(int, []byte) bool { asked.Add(1); return true }
			resp, err := tr.Do(testCtx(t), &Request{Op: paygate.OpCreate, Path: "/p", Body: []byte("b"), Resendable: tt.resendable, Definite: definite})
			require.NoError(t, err)
			assert.Equal(t, 1, resp.Attempts)
			assert.Equal(t, int32(1), rec.n.Load())
			assert.Equal(t, tt.status, resp.StatusCode)
			assert.Equal(t, tt.wantAsked, asked.Load() == 1)
		})
	}
}

func TestDoRetryAfter(t *testing.T) {
	t.Run("503 waits Retry-After then succeeds", func(t *testing.T) {
		rec := &recorder{}
		ts := serve(t, rec, func(w http.ResponseWriter, r *http.Request) {
			if rec.n.Load() == 1 {
				w.Header().Set("Retry-After", "1")
				w.WriteHeader(http.StatusServiceUnavailable)
				return
			}
			w.WriteHeader(http.StatusOK)
		})
		tr := newTestTransport(t, ts.URL, func(c *TransportConfig) { c.Retry.MaxDelay = 5 * time.Second })
		start := time.Now()
		resp, err := tr.Do(testCtx(t), &Request{Op: paygate.OpCreate, Path: "/p", Resendable: true})
		require.NoError(t, err)
		assert.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Equal(t, 2, resp.Attempts)
		assert.GreaterOrEqual(t, time.Since(start), 900*time.Millisecond)
	})
	t.Run("429 with Retry-After over MaxDelay is not retried", func(t *testing.T) {
		rec := &recorder{}
		ts := serve(t, rec, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "10")
			w.WriteHeader(http.StatusTooManyRequests)
		})
		tr := newTestTransport(t, ts.URL, nil)
		b := budget.New(3)
		resp, err := tr.Do(budget.With(testCtx(t), b), &Request{Op: paygate.OpCreate, Path: "/p", Resendable: true})
		require.NoError(t, err)
		assert.Equal(t, http.StatusTooManyRequests, resp.StatusCode)
		assert.Equal(t, 10*time.Second, resp.RetryAfter, "handed to the adapter for paygate.Error.RetryAfter")
		assert.Equal(t, int32(1), rec.n.Load())
		assert.Equal(t, 1, b.Used())
	})
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"", 0}, {"3", 3 * time.Second}, {" 120 ", 2 * time.Minute}, {"0", 0}, {"-5", 0}, {"soon", 0},
		{"Sat, 21 Nov 2026 12:00:30 GMT", 30 * time.Second},
		{"Saturday, 21-Nov-26 12:01:00 GMT", time.Minute},
		{"Sat, 21 Nov 2026 11:00:00 GMT", 0},
		{"99999999999999999", time.Duration(1<<63 - 1)},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, parseRetryAfter(tt.in, now), tt.in)
	}
}

func TestDoBudget(t *testing.T) {
	always503 := func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusServiceUnavailable) }
	tests := []struct {
		name      string
		max, used int
		wantSends int32
	}{
		{"budget of 3", 3, 0, 3},
		{"budget of 5", 5, 0, 5},
		{"2 of 3 already used", 3, 2, 1},
		{"budget already spent: one forced send", 2, 2, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{}
			ts := serve(t, rec, always503)
			tr := newTestTransport(t, ts.URL, nil)
			b := budget.New(tt.max)
			for range tt.used {
				b.Spend()
			}
			resp, err := tr.Do(budget.With(testCtx(t), b), &Request{Op: paygate.OpCreate, Path: "/p", Resendable: true})
			require.NoError(t, err)
			assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
			assert.Equal(t, tt.wantSends, rec.n.Load())
			assert.Equal(t, int(tt.wantSends), resp.Attempts)
			assert.Equal(t, tt.used+int(tt.wantSends), b.Used())
		})
	}
}

func TestDoResetAfterSend(t *testing.T) {
	tests := []struct {
		name       string
		resendable bool
		wantSends  int32
	}{
		{"not resendable: one send, U", false, 1},
		{"resendable: retried up to the budget, U", true, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{}
			ts := serve(t, rec, hijackClose)
			tr := newTestTransport(t, ts.URL, nil)
			var signs atomic.Int32
			body := []byte(`{"amount":"10.50","currency":"USD"}`)
			_, err := tr.Do(testCtx(t), &Request{Op: paygate.OpCreate, Path: "/p", Body: body, Resendable: tt.resendable, Sign: countingSigner(&signs)})
			pe := asPaygateError(t, err)
			assert.Equal(t, status.Unknown, pe.Outcome)
			assert.Equal(t, status.CodeUnavailable, pe.Code)
			assert.Equal(t, paygate.OpCreate, pe.Op)
			assert.Equal(t, status.Unknown, paygate.OutcomeOf(err))
			assert.NotErrorIs(t, err, retry.ErrNotSent)
			assert.Contains(t, pe.Message, "may have reached testpay")
			assert.Equal(t, tt.wantSends, rec.n.Load())
			assert.Equal(t, tt.wantSends, signs.Load())
			rec.mu.Lock()
			defer rec.mu.Unlock()
			for i, b := range rec.bodies {
				assert.Equal(t, string(body), b, "identical body bytes on every try")
				assert.Equal(t, fmt.Sprintf("sig-%d-%d", i+1, len(body)), rec.sigs[i], "signed again before each try")
			}
		})
	}
}

func TestDoResetThenAnswer(t *testing.T) {
	rec := &recorder{}
	ts := serve(t, rec, func(w http.ResponseWriter, r *http.Request) {
		if rec.n.Load() == 1 {
			hijackClose(w, r)
			return
		}
		w.WriteHeader(http.StatusTooManyRequests)
	})
	tr := newTestTransport(t, ts.URL, func(c *TransportConfig) { c.Retry.MaxAttempts = 2 })
	resp, err := tr.Do(testCtx(t), &Request{Op: paygate.OpRefund, Path: "/r", Resendable: true})
	require.NoError(t, err)
	assert.Equal(t, http.StatusTooManyRequests, resp.StatusCode)
	assert.Equal(t, 2, resp.Attempts)
	assert.True(t, resp.EarlierUnknown, "the first try may have been processed")
}

func TestDoConnectionRefused(t *testing.T) {
	for _, resendable := range []bool{false, true} {
		t.Run(fmt.Sprintf("resendable=%v", resendable), func(t *testing.T) {
			tr := newTestTransport(t, closedURL(t), nil)
			b := budget.New(3)
			_, err := tr.Do(budget.With(testCtx(t), b), &Request{Op: paygate.OpCreate, Path: "/p?apiKey=QUERYSECRET", Resendable: resendable})
			pe := asPaygateError(t, err)
			assert.Equal(t, status.Failure, pe.Outcome)
			assert.Equal(t, status.CodeUnavailable, pe.Code)
			assert.Equal(t, status.Failure, paygate.OutcomeOf(err))
			assert.ErrorIs(t, err, retry.ErrNotSent)
			var op *net.OpError
			assert.ErrorAs(t, err, &op, "the cause is kept")
			assert.Equal(t, 3, b.Used(), "never-sent tries are retried up to the budget")
			assert.Contains(t, pe.Message, "3 tries")
			assert.Contains(t, pe.Message, "or another provider tried", "a new payment may go elsewhere")
			assert.NotContains(t, err.Error(), "QUERYSECRET")
		})
	}
}

// A follow-up that was never sent belongs to the payment's provider: the message offers no other.
func TestDoConnectionRefusedFollowUp(t *testing.T) {
	for _, op := range []paygate.Op{paygate.OpCapture, paygate.OpRefund, paygate.OpCancel, paygate.OpInquire} {
		tr := newTestTransport(t, closedURL(t), nil)
		_, err := tr.Do(testCtx(t), &Request{Op: op, Path: "/p"})
		pe := asPaygateError(t, err)
		assert.Equal(t, status.CodeUnavailable, pe.Code, op)
		assert.Contains(t, pe.Message, "nothing was sent", op)
		assert.NotContains(t, pe.Message, "another provider", op)
	}
}

// TestDoDeliveredThenRefused: the first try reaches the server, which drops the connection and stops
// listening; the retry is refused. The call is U: the refused retry must not hide the first try.
func TestDoDeliveredThenRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	var got atomic.Int32
	done := make(chan struct{})
	go func() {
		defer close(done)
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		if req, err := http.ReadRequest(bufio.NewReader(conn)); err == nil {
			_, _ = io.ReadAll(req.Body)
			got.Add(1)
		}
		ln.Close() // first, so that the retry is refused
		conn.Close()
	}()
	t.Cleanup(func() { ln.Close(); <-done })

	tr := newTestTransport(t, "http://"+ln.Addr().String(), nil)
	b := budget.New(3)
	_, err = tr.Do(budget.With(testCtx(t), b), &Request{Op: paygate.OpCreate, Path: "/p", Body: []byte("x"), Resendable: true})
	pe := asPaygateError(t, err)
	assert.Equal(t, status.Unknown, pe.Outcome)
	assert.Equal(t, status.Unknown, paygate.OutcomeOf(err))
	assert.NotErrorIs(t, err, retry.ErrNotSent)
	assert.Equal(t, int32(1), got.Load())
	assert.Equal(t, 3, b.Used())
	var op *net.OpError
	assert.ErrorAs(t, err, &op, "the refused retry is part of the cause")
}

func TestDoBodyCap(t *testing.T) {
	tests := []struct {
		name string
		size int
		ok   bool
	}{
		{"at the cap", 100, true},
		{"over the cap", 101, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{}
			ts := serve(t, rec, func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.WriteString(w, strings.Repeat("a", tt.size))
			})
			tr := newTestTransport(t, ts.URL, func(c *TransportConfig) { c.MaxBodyBytes = 100 })
			resp, err := tr.Do(testCtx(t), &Request{Op: paygate.OpCreate, Path: "/p", Resendable: true})
			if tt.ok {
				require.NoError(t, err)
				assert.Len(t, resp.Body, tt.size)
				return
			}
			pe := asPaygateError(t, err)
			assert.Equal(t, status.Unknown, pe.Outcome)
			assert.Equal(t, status.CodeProviderError, pe.Code)
			assert.Equal(t, http.StatusOK, pe.HTTPStatus)
			assert.Contains(t, pe.Message, "100-byte cap")
			assert.Equal(t, int32(1), rec.n.Load(), "an oversized answer is not retried")
		})
	}
}

func TestDoNoRedirect(t *testing.T) {
	rec := &recorder{}
	var followed atomic.Bool
	ts := serve(t, rec, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/elsewhere" {
			followed.Store(true)
			return
		}
		http.Redirect(w, r, "/elsewhere", http.StatusFound)
	})
	tr := newTestTransport(t, ts.URL, nil)
	resp, err := tr.Do(testCtx(t), &Request{Op: paygate.OpInquire, Method: http.MethodGet, Path: "/p"})
	require.NoError(t, err)
	assert.Equal(t, http.StatusFound, resp.StatusCode)
	assert.Equal(t, "/elsewhere", resp.Header.Get("Location"))
	assert.False(t, followed.Load())
}

func TestDoTLS(t *testing.T) {
	t.Run("TLS server via its client", func(t *testing.T) {
		ts := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.WriteString(w, "tls ok")
		}))
		t.Cleanup(ts.Close)
		tr := newTestTransport(t, ts.URL, func(c *TransportConfig) { c.HTTPClient = ts.Client() })
		resp, err := tr.Do(testCtx(t), &Request{Op: paygate.OpInquire, Method: http.MethodGet, Path: "/"})
		require.NoError(t, err)
		assert.Equal(t, "tls ok", string(resp.Body))
	})
	t.Run("TLS 1.1 server refused", func(t *testing.T) {
		var hits atomic.Int32
		ts := httptest.NewUnstartedServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hits.Add(1) }))
		ts.TLS = &tls.Config{MinVersion: tls.VersionTLS10, MaxVersion: tls.VersionTLS11}
		ts.Config.ErrorLog = log.New(io.Discard, "", 0)
		ts.StartTLS()
		t.Cleanup(ts.Close)
		client := ts.Client()
		client.Transport.(*http.Transport).TLSClientConfig.MinVersion = tls.VersionTLS10 // the caller allows 1.0; we do not
		tr := newTestTransport(t, ts.URL, func(c *TransportConfig) { c.HTTPClient = client })
		_, err := tr.Do(testCtx(t), &Request{Op: paygate.OpCreate, Path: "/", Resendable: false})
		pe := asPaygateError(t, err)
		assert.Equal(t, status.Failure, pe.Outcome, "a failed handshake sent nothing")
		assert.ErrorIs(t, err, retry.ErrNotSent)
		assert.Zero(t, hits.Load())
	})
}

func TestDoTimeout(t *testing.T) {
	rec := &recorder{}
	ts := serve(t, rec, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
	})
	tr := newTestTransport(t, ts.URL, func(c *TransportConfig) { c.HTTPClient = &http.Client{Timeout: 100 * time.Millisecond} })
	_, err := tr.Do(testCtx(t), &Request{Op: paygate.OpCreate, Path: "/p"})
	pe := asPaygateError(t, err)
	assert.Equal(t, status.Unknown, pe.Outcome)
	assert.Equal(t, status.CodeTimeout, pe.Code)
	assert.Equal(t, int32(1), rec.n.Load())
}

func TestDoContext(t *testing.T) {
	t.Run("cancelled before the first send", func(t *testing.T) {
		rec := &recorder{}
		ts := serve(t, rec, func(http.ResponseWriter, *http.Request) {})
		tr := newTestTransport(t, ts.URL, nil)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		b := budget.New(3)
		_, err := tr.Do(budget.With(ctx, b), &Request{Op: paygate.OpCreate, Path: "/p", Resendable: true})
		pe := asPaygateError(t, err)
		assert.Equal(t, status.Failure, pe.Outcome)
		assert.ErrorIs(t, err, retry.ErrNotSent)
		assert.ErrorIs(t, err, context.Canceled)
		assert.Zero(t, rec.n.Load())
		assert.Zero(t, b.Used())
	})
	t.Run("cancelled while waiting to retry", func(t *testing.T) {
		rec := &recorder{}
		ctx, cancel := context.WithCancel(testCtx(t))
		ts := serve(t, rec, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusServiceUnavailable) })
		// The try's log entry is written once the retry is decided, just before the wait: cancel there.
		hookCore, _ := observer.New(zapcore.DebugLevel)
		cancelOnLog := zap.New(hookCore, zap.Hooks(func(zapcore.Entry) error { cancel(); return nil }))
		tr := newTestTransport(t, ts.URL, func(c *TransportConfig) {
			c.Retry = retry.Policy{MaxAttempts: 3, BaseDelay: 10 * time.Second, MaxDelay: 10 * time.Second}
			c.Logger = cancelOnLog
		})
		start := time.Now()
		resp, err := tr.Do(ctx, &Request{Op: paygate.OpCreate, Path: "/p", Resendable: true})
		require.NoError(t, err, "the last answer is returned")
		assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
		assert.Less(t, time.Since(start), 5*time.Second)
		assert.Equal(t, int32(1), rec.n.Load())
	})
	t.Run("deadline before the next try: no wait", func(t *testing.T) {
		rec := &recorder{}
		ts := serve(t, rec, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusBadGateway) })
		tr := newTestTransport(t, ts.URL, func(c *TransportConfig) {
			c.Retry = retry.Policy{MaxAttempts: 3, BaseDelay: 10 * time.Second, MaxDelay: 10 * time.Second}
		})
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		resp, err := tr.Do(ctx, &Request{Op: paygate.OpCreate, Path: "/p", Resendable: true})
		require.NoError(t, err)
		assert.Equal(t, http.StatusBadGateway, resp.StatusCode)
		assert.NoError(t, ctx.Err(), "returned without waiting for the deadline")
	})
}

func TestDoDialCancelledByContext(t *testing.T) {
	var dials atomic.Int32
	blocking := &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		dials.Add(1)
		<-ctx.Done()
		return nil, ctx.Err()
	}}
	t.Cleanup(blocking.CloseIdleConnections)
	tr := newTestTransport(t, "https://api.example.com", func(c *TransportConfig) { c.HTTPClient = &http.Client{Transport: blocking} })
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := tr.Do(ctx, &Request{Op: paygate.OpCreate, Path: "/p", Resendable: true})
	pe := asPaygateError(t, err)
	assert.Equal(t, status.Failure, pe.Outcome, "the dial never completed: nothing was sent")
	assert.ErrorIs(t, err, retry.ErrNotSent)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Equal(t, int32(1), dials.Load(), "the context is done: no retry")
}

func TestDoSignError(t *testing.T) {
	rec := &recorder{}
	ts := serve(t, rec, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusServiceUnavailable) })
	tr := newTestTransport(t, ts.URL, nil)
	boom := errors.New("no key")

	_, err := tr.Do(testCtx(t), &Request{Op: paygate.OpCreate, Path: "/p", Sign: func(http.Header, []byte) error { return boom }})
	pe := asPaygateError(t, err)
	assert.Equal(t, status.Failure, pe.Outcome)
	assert.Equal(t, status.CodeAuthentication, pe.Code)
	assert.ErrorIs(t, err, boom)
	assert.ErrorIs(t, err, retry.ErrNotSent)
	assert.Zero(t, rec.n.Load())

	// Signing a retry fails: the answer we have is returned.
	var n atomic.Int32
	resp, err := tr.Do(testCtx(t), &Request{Op: paygate.OpCreate, Path: "/p", Resendable: true, Sign: func(http.Header, []byte) error {
		if n.Add(1) > 1 {
			return boom
		}
		return nil
	}})
	require.NoError(t, err)
	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
	assert.Equal(t, int32(1), rec.n.Load())
}

func TestDoCustomRoundTripper(t *testing.T) {
	tests := []struct {
		name        string
		err         error
		wantOutcome status.Outcome
	}{
		{"unknown error is U", errors.New("boom"), status.Unknown},
		{"dial error is F", &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("refused")}, status.Failure},
		{"DNS error is F", &net.DNSError{Err: "no such host", Name: "x.invalid", IsNotFound: true}, status.Failure},
		{"read error is U", &net.OpError{Op: "read", Net: "tcp", Err: errors.New("reset")}, status.Unknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var calls atomic.Int32
			rt := roundTripFunc(func(*http.Request) (*http.Response, error) { calls.Add(1); return nil, tt.err })
			tr := newTestTransport(t, "https://api.example.com", func(c *TransportConfig) { c.HTTPClient = &http.Client{Transport: rt} })
			_, err := tr.Do(testCtx(t), &Request{Op: paygate.OpCreate, Path: "/p"})
			pe := asPaygateError(t, err)
			assert.Equal(t, tt.wantOutcome, pe.Outcome)
			if tt.wantOutcome == status.Failure {
				assert.Equal(t, int32(3), calls.Load(), "never sent: retried")
			} else {
				assert.Equal(t, int32(1), calls.Load(), "maybe sent, not resendable: not retried")
			}
		})
	}
}

func TestDoLogging(t *testing.T) {
	rec := &recorder{}
	ts := serve(t, rec, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = io.WriteString(w, "reply-body-value")
	})
	core, logs := observer.New(zapcore.DebugLevel)
	tr := newTestTransport(t, ts.URL, func(c *TransportConfig) { c.Logger = zap.New(core) })
	_, err := tr.Do(testCtx(t), &Request{
		Op: paygate.OpCreate, Path: "/pay?apiKey=query-secret", Resendable: true,
		Header: http.Header{"X-Api-Key": {"header-secret"}},
		Body:   []byte("request-body-value"),
		IDs:    []zap.Field{zap.String("payment_request_id", "PR-1")},
	})
	require.NoError(t, err)
	entries := logs.All()
	require.Len(t, entries, 3, "one entry per try")
	for i, e := range entries {
		assert.Equal(t, zapcore.DebugLevel, e.Level)
		ctx := e.ContextMap()
		assert.Equal(t, "testpay", ctx["provider"])
		assert.Equal(t, "create", ctx["op"])
		assert.Equal(t, "POST", ctx["method"])
		assert.Equal(t, "/pay", ctx["path"])
		assert.Equal(t, int64(i+1), ctx["attempt"])
		assert.Equal(t, int64(503), ctx["status"])
		assert.Equal(t, "PR-1", ctx["payment_request_id"])
		_, retrying := ctx["retry_in"]
		assert.Equal(t, i < 2, retrying)
		dump := fmt.Sprint(e.Message, ctx)
		for _, leak := range []string{"query-secret", "header-secret", "request-body-value", "reply-body-value"} {
			assert.NotContains(t, dump, leak)
		}
	}
}

func TestDoConcurrent(t *testing.T) {
	rec := &recorder{}
	ts := serve(t, rec, func(w http.ResponseWriter, r *http.Request) {
		if rec.n.Load()%3 == 0 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		_, _ = io.WriteString(w, "ok")
	})
	tr := newTestTransport(t, ts.URL, nil)
	var wg sync.WaitGroup
	errs := make(chan error, 32)
	for i := range 32 {
		wg.Go(func() {
			_, err := tr.Do(testCtx(t), &Request{Op: paygate.OpInquire, Method: http.MethodGet, Path: "/p/" + strconv.Itoa(i), Resendable: true})
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		assert.NoError(t, err)
	}
}

func TestResponseKeepUnknown(t *testing.T) {
	f := &paygate.Error{Provider: "acme", Op: paygate.OpCreate, Outcome: status.Failure, Code: status.CodeIdempotencyConflict, ProviderCode: "DUPLICATE"}
	u := (&Response{EarlierUnknown: true}).KeepUnknown(f)
	assert.Equal(t, status.Unknown, paygate.OutcomeOf(u))
	assert.Equal(t, status.CodeIdempotencyConflict, paygate.CodeOf(u), "the code is kept for support staff")
	assert.Equal(t, "DUPLICATE", u.ProviderCode)
	assert.Equal(t, status.Failure, f.Outcome, "the original is not modified")

	assert.Same(t, f, (&Response{}).KeepUnknown(f), "no earlier unknown try: F stands")
	ue := &paygate.Error{Outcome: status.Unknown, Code: status.CodeTimeout}
	assert.Same(t, ue, (&Response{EarlierUnknown: true}).KeepUnknown(ue))
	assert.Nil(t, (&Response{EarlierUnknown: true}).KeepUnknown(nil))
}

// FuzzRouteMatchesResolve holds the path cache to resolve on any path: the same URL, log path and
// error, on a miss and on a hit, whatever the query.
func FuzzRouteMatchesResolve(f *testing.F) {
	for _, seed := range []string{
		"/payments", "/payments?id=1", "/payments?id=%zz", "/p?a=b;c=d", "/p??x", "?", "/p?#", "/p?x=\x7f",
		"/p/%2e%2e/x?y", "//h/p?q", "a:b", "/a:b?c:d", "/é?é", "/p?\xff", "/p\xff?x",
	} {
		f.Add(seed, "x=1")
	}
	f.Fuzz(func(t *testing.T, path, query string) {
		tr, err := NewTransport(TransportConfig{Provider: "testpay", BaseURL: "https://api.example.com/v2"})
		require.NoError(t, err)
		for _, p := range []string{path, path, path + "?" + query, path} {
			wantURL, wantLog, wantErr := tr.resolve(p)
			u, logPath, err := tr.route(p)
			if wantErr != nil {
				require.Equal(t, wantErr, err, "%q", p)
				continue
			}
			require.NoError(t, err, "%q", p)
			require.Equal(t, wantURL.String(), u.String(), "%q", p)
			require.Equal(t, wantLog, logPath, "%q", p)
		}
	})
}

// The path cache is shared by concurrent calls: each gets its own query, never another call's, and the
// cache stays bounded while more distinct paths than it holds are used at once (run with -race).
func TestRouteConcurrent(t *testing.T) {
	tr := newTestTransport(t, "https://api.example.com/v2", nil)
	var wg sync.WaitGroup
	for g := range 16 {
		wg.Go(func() {
			for i := range 200 {
				path := "/orders/" + strconv.Itoa(i%(2*maxRoutes))
				query := "g=" + strconv.Itoa(g) + "&i=" + strconv.Itoa(i)
				u, logPath, err := tr.route(path + "?" + query)
				if !assert.NoError(t, err) {
					return
				}
				assert.Equal(t, "https://api.example.com/v2"+path+"?"+query, u.String())
				assert.Equal(t, path, logPath)
				u.RawQuery, u.Path = "mine", "/mine" // a caller's change stays its own
			}
		})
	}
	wg.Wait()
	assert.LessOrEqual(t, tr.countRoutes(), maxRoutes)
	u, _, err := tr.route("/orders/1")
	require.NoError(t, err)
	assert.Equal(t, "https://api.example.com/v2/orders/1", u.String(), "the cached URL was never changed")
}

// TestDoDeliveredThenNotSent: a try that may have reached the provider (an answered 5xx or 429, a
// connection lost after the request was written, a timeout after it was written) followed by tries
// that never leave the client (the dial fails). The never-sent tries must not hide the delivered one:
// the call is U, without retry.ErrNotSent; and when a later try is answered, EarlierUnknown says an
// earlier try may have been processed (a 429 or 4xx is not a processing, so it alone does not).
func TestDoDeliveredThenNotSent(t *testing.T) {
	tests := []struct {
		name        string
		first       http.HandlerFunc
		lastAnswers bool // the third try dials and is answered 400
		wantCode    status.Code
		wantEarlier bool
	}{
		{"503 then refused", statusHandler(http.StatusServiceUnavailable), false, status.CodeUnavailable, false},
		{"500 then refused", statusHandler(http.StatusInternalServerError), false, status.CodeUnavailable, false},
		{"429 then refused", statusHandler(http.StatusTooManyRequests), false, status.CodeUnavailable, false},
		{"reset after write then refused", hijackClose, false, status.CodeUnavailable, false},
		{"timeout after write then refused", blockUntilGone, false, status.CodeTimeout, false},
		{"503, refused, then 400", statusHandler(http.StatusServiceUnavailable), true, "", true},
		{"reset after write, refused, then 400", hijackClose, true, "", true},
		{"timeout after write, refused, then 400", blockUntilGone, true, "", true},
		{"429, refused, then 400", statusHandler(http.StatusTooManyRequests), true, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{}
			ts := serve(t, rec, func(w http.ResponseWriter, r *http.Request) {
				if rec.n.Load() == 1 {
					tt.first(w, r)
					return
				}
				w.WriteHeader(http.StatusBadRequest)
			})
			var dials atomic.Int32
			var d net.Dialer
			ht := &http.Transport{DisableKeepAlives: true, DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
				n := dials.Add(1)
				if n == 1 || (n == 3 && tt.lastAnswers) {
					return d.DialContext(ctx, network, addr)
				}
				return nil, &net.OpError{Op: "dial", Net: network, Err: syscall.ECONNREFUSED}
			}}
			t.Cleanup(ht.CloseIdleConnections)
			tr := newTestTransport(t, ts.URL, func(c *TransportConfig) {
				c.HTTPClient = &http.Client{Transport: ht, Timeout: 200 * time.Millisecond}
			})
			b := budget.New(3)
			resp, err := tr.Do(budget.With(testCtx(t), b), &Request{Op: paygate.OpCreate, Path: "/p", Body: []byte("x"), Resendable: true})
			assert.Equal(t, int32(3), dials.Load(), "three tries")
			assert.Equal(t, 3, b.Used())
			if tt.lastAnswers {
				require.NoError(t, err)
				assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
				assert.Equal(t, 3, resp.Attempts)
				assert.Equal(t, tt.wantEarlier, resp.EarlierUnknown)
				return
			}
			pe := asPaygateError(t, err)
			assert.Equal(t, status.Unknown, pe.Outcome, "a never-sent try hid a delivered one")
			assert.Equal(t, status.Unknown, paygate.OutcomeOf(err))
			assert.Equal(t, tt.wantCode, pe.Code)
			assert.NotErrorIs(t, err, retry.ErrNotSent)
			assert.Contains(t, pe.Message, "may have reached testpay")
			assert.Equal(t, int32(1), rec.n.Load())
		})
	}
}

func statusHandler(code int) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(code) }
}

// blockUntilGone answers nothing until the client gives up.
func blockUntilGone(_ http.ResponseWriter, r *http.Request) {
	select {
	case <-r.Context().Done():
	case <-time.After(10 * time.Second):
	}
}

// TestDoEndedAfterUnsureTry: the connection is lost after the request was written, and the tries then
// end without another send: the context ends during the wait, or signing the retry fails. Nothing
// answered and the first try may have been processed: U, never F, and the error keeps why the tries
// ended (route's breaker, for one, does not count a caller's cancellation against the provider).
func TestDoEndedAfterUnsureTry(t *testing.T) {
	boom := errors.New("no key")
	tests := []struct {
		name    string
		sign    func(n int32) error
		onLog   bool // cancel the context when the try is logged, just before the wait
		wantErr error
	}{
		{"context cancelled during the wait", nil, true, context.Canceled},
		{"signing the retry fails", func(n int32) error {
			if n > 1 {
				return boom
			}
			return nil
		}, false, boom},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{}
			ctx, cancel := context.WithCancel(testCtx(t))
			ts := serve(t, rec, hijackClose)
			hookCore, _ := observer.New(zapcore.DebugLevel)
			logger := zap.New(hookCore, zap.Hooks(func(zapcore.Entry) error {
				if tt.onLog {
					cancel()
				}
				return nil
			}))
			delay := time.Millisecond
			if tt.onLog {
				delay = 10 * time.Second
			}
			tr := newTestTransport(t, ts.URL, func(c *TransportConfig) {
				c.Retry = retry.Policy{MaxAttempts: 3, BaseDelay: delay, MaxDelay: delay}
				c.Logger = logger
			})
			var signs atomic.Int32
			r := &Request{Op: paygate.OpRefund, Path: "/r", Body: []byte("x"), Resendable: true}
			if tt.sign != nil {
				r.Sign = func(http.Header, []byte) error { return tt.sign(signs.Add(1)) }
			}
			start := time.Now()
			_, err := tr.Do(ctx, r)
			pe := asPaygateError(t, err)
			assert.Equal(t, status.Unknown, pe.Outcome)
			assert.NotErrorIs(t, err, retry.ErrNotSent)
			assert.ErrorIs(t, err, tt.wantErr)
			assert.Less(t, time.Since(start), 5*time.Second, "no full wait")
			assert.Equal(t, int32(1), rec.n.Load())
		})
	}
}
