package provider

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/retry"
	"github.com/paygate-go/paygate/status"
)

// TestDoTryTimeout: a caller's client without Timeout still gets a per-try bound. A try cut by it after
// sending is U with CodeTimeout, long before the caller's own deadline, and a resendable request is
// sent again after it (the try's deadline does not end the wait between tries).
func TestDoTryTimeout(t *testing.T) {
	const bound = 150 * time.Millisecond
	tests := []struct {
		name       string
		resendable bool
		wantSends  int32
	}{
		{"not resendable: one try", false, 1},
		{"resendable: every try bounded, then U", true, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{}
			ts := serve(t, rec, blockUntilGone)
			tr := newTestTransport(t, ts.URL, func(c *TransportConfig) {
				c.HTTPClient = &http.Client{} // no Timeout
				c.TryTimeout = bound
			})
			// The caller's deadline is far above the bound: without the bound the call would end
			// by it, and the test would see the wrong ending rather than hang.
			ctx, cancel := context.WithTimeout(context.Background(), 8*time.Second)
			defer cancel()
			start := time.Now()
			_, err := tr.Do(ctx, &Request{Op: paygate.OpCreate, Path: "/p", Body: []byte("x"), Resendable: tt.resendable})
			took := time.Since(start)
			pe := asPaygateError(t, err)
			assert.Equal(t, status.Unknown, pe.Outcome, "sent, then cut: never F")
			assert.Equal(t, status.CodeTimeout, pe.Code)
			assert.NotErrorIs(t, err, retry.ErrNotSent)
			assert.NoError(t, ctx.Err(), "ended by the per-try bound, not by the caller's deadline")
			assert.Less(t, took, 3*time.Second)
			assert.Equal(t, tt.wantSends, rec.n.Load())
		})
	}
}

// TestTryTimeoutSetup: which bound applies to a try, and that a try's context is released.
func TestTryTimeoutSetup(t *testing.T) {
	ok := func(r *http.Request) *http.Response {
		return &http.Response{StatusCode: http.StatusOK, Header: http.Header{}, Body: io.NopCloser(strings.NewReader("ok")), Request: r}
	}
	tests := []struct {
		name         string
		client       *http.Client
		tryTimeout   time.Duration
		wantDeadline time.Duration // the try's context's deadline, from now
		wantTimeout  time.Duration // the client's Timeout
	}{
		{"no Timeout, default bound", &http.Client{}, 0, DefaultTimeout, 0},
		{"no Timeout, configured bound", &http.Client{}, 2 * time.Second, 2 * time.Second, 0},
		{"caller's Timeout kept", &http.Client{Timeout: 7 * time.Second}, 2 * time.Second, 7 * time.Second, 7 * time.Second}, // net/http sets it
		{"nil client: configured bound is its Timeout", nil, 2 * time.Second, 0, 2 * time.Second},
		{"nil client: default Timeout", nil, 0, 0, DefaultTimeout},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var (
				mu   sync.Mutex
				ctxs []context.Context
			)
			rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
				mu.Lock()
				ctxs = append(ctxs, r.Context())
				mu.Unlock()
				return ok(r), nil
			})
			client := tt.client
			if client != nil {
				cc := *client
				cc.Transport = rt
				client = &cc
			}
			tr := newTestTransport(t, "http://127.0.0.1:1", func(c *TransportConfig) { c.HTTPClient = client; c.TryTimeout = tt.tryTimeout })
			assert.Equal(t, tt.wantTimeout, tr.client.Timeout)
			if client == nil {
				return // the built client dials; its Timeout is what bounds the try
			}
			start := time.Now()
			resp, err := tr.Do(context.Background(), &Request{Op: paygate.OpInquire, Method: http.MethodGet, Path: "/p"})
			require.NoError(t, err)
			assert.Equal(t, "ok", string(resp.Body))
			require.Len(t, ctxs, 1)
			dl, has := ctxs[0].Deadline()
			require.True(t, has)
			assert.WithinDuration(t, start.Add(tt.wantDeadline), dl, time.Second)
			assert.Error(t, ctxs[0].Err(), "the try's context is released once its answer is read")
		})
	}
	t.Run("negative", func(t *testing.T) {
		_, err := NewTransport(TransportConfig{Provider: "p", BaseURL: "https://api.example.com", TryTimeout: -time.Second})
		assert.ErrorContains(t, err, "TryTimeout is negative")
	})
}

// tls11Server is an https server that speaks at most TLS 1.1, and a RoundTripper (not an
// *http.Transport, so the transport cannot raise its floor) that trusts it and allows TLS 1.0.
func tls11Server(t *testing.T, hits *atomic.Int32) (*httptest.Server, http.RoundTripper) {
	t.Helper()
	ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		hits.Add(1)
		_, _ = io.WriteString(w, `{"status":"SUCCESS"}`)
	}))
	ts.TLS = &tls.Config{MinVersion: tls.VersionTLS10, MaxVersion: tls.VersionTLS11}
	ts.Config.ErrorLog = log.New(io.Discard, "", 0)
	ts.StartTLS()
	t.Cleanup(ts.Close)
	pool := x509.NewCertPool()
	pool.AddCert(ts.Certificate())
	ht := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS10}}
	t.Cleanup(ht.CloseIdleConnections)
	return ts, roundTripFunc(ht.RoundTrip)
}

// TestDoTLSFloorCustomRoundTripper: a RoundTripper the transport cannot configure is held to TLS 1.2
// by what it reports: an answer over TLS 1.1, or without TLS state for https, is not trusted. The
// request was sent, so the call is U (never F, never S), not retried, and the message names the
// version and the fix.
func TestDoTLSFloorCustomRoundTripper(t *testing.T) {
	t.Run("TLS 1.1 through a custom RoundTripper", func(t *testing.T) {
		var hits atomic.Int32
		ts, rt := tls11Server(t, &hits)
		tr := newTestTransport(t, ts.URL, func(c *TransportConfig) { c.HTTPClient = &http.Client{Transport: rt} })
		resp, err := tr.Do(testCtx(t), &Request{Op: paygate.OpCreate, Path: "/p", Resendable: true})
		assert.Nil(t, resp)
		pe := asPaygateError(t, err)
		assert.Equal(t, status.Unknown, pe.Outcome)
		assert.Equal(t, status.CodeUnavailable, pe.Code)
		assert.ErrorIs(t, err, errInsecureTLS)
		assert.NotErrorIs(t, err, retry.ErrNotSent)
		assert.Contains(t, pe.Message, "TLS 1.1")
		assert.Contains(t, pe.Message, "MinVersion")
		assert.Equal(t, int32(1), hits.Load(), "the same RoundTripper would answer the same way: not resent")
	})
	tlsState := func(v uint16) *tls.ConnectionState { return &tls.ConnectionState{Version: v, HandshakeComplete: true} }
	tests := []struct {
		name    string
		base    string
		state   *tls.ConnectionState
		wantErr bool
	}{
		{"https without TLS state", "https://api.example.com", nil, true},
		{"https over TLS 1.0", "https://api.example.com", tlsState(tls.VersionTLS10), true},
		{"https over TLS 1.2", "https://api.example.com", tlsState(tls.VersionTLS12), false},
		{"https over TLS 1.3", "https://api.example.com", tlsState(tls.VersionTLS13), false},
		{"http to loopback needs no TLS", "http://127.0.0.1:1", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var closed, calls atomic.Int32
			rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
				calls.Add(1)
				return &http.Response{StatusCode: http.StatusOK, Header: http.Header{}, TLS: tt.state, Request: r,
					Body: closeCounter{Reader: strings.NewReader("ok"), n: &closed}}, nil
			})
			tr := newTestTransport(t, tt.base, func(c *TransportConfig) { c.HTTPClient = &http.Client{Transport: rt} })
			resp, err := tr.Do(testCtx(t), &Request{Op: paygate.OpRefund, Path: "/r", Resendable: true})
			assert.Positive(t, closed.Load(), "the body is closed")
			assert.Equal(t, int32(1), calls.Load())
			if !tt.wantErr {
				require.NoError(t, err)
				assert.Equal(t, "ok", string(resp.Body))
				return
			}
			pe := asPaygateError(t, err)
			assert.Equal(t, status.Unknown, pe.Outcome)
			assert.Contains(t, pe.Message, "MinVersion")
		})
	}
}

type closeCounter struct {
	io.Reader
	n *atomic.Int32
}

func (c closeCounter) Close() error { c.n.Add(1); return nil }

// TestParseRetryAfterBeyondInt64: a delay-seconds too large for an int64 is the longest wait, not
// "no wait" (found by FuzzParseRetryAfter).
func TestParseRetryAfterBeyondInt64(t *testing.T) {
	now := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	for _, v := range []string{"9223372036854775808", "99999999999999999999999", " 18446744073709551616 "} {
		assert.Equal(t, time.Duration(1<<63-1), parseRetryAfter(v, now), v)
	}
	assert.Zero(t, parseRetryAfter("-99999999999999999999999", now))
	assert.Zero(t, parseRetryAfter("18700000000000000000A", now), "not a number, however it starts")
}
