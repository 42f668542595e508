package main

import (
	"crypto/tls"
	"net/http"
	"net/http/httptrace"
	"sync/atomic"

	"github.com/paygate-go/paygate/provider"
)

// sentCounter counts the HTTP requests that left this process: a request counts once its headers
// were written to a connection, so one refused before sending, or whose connection could not be
// opened, does not.
type sentCounter struct{ n atomic.Int64 }

func (c *sentCounter) count() int { return int(c.n.Load()) }

// client is an HTTP client that counts into c. Its transport is what the adapters build when given
// none (http.DefaultTransport's settings, TLS 1.2 or later), wrapped.
func (c *sentCounter) client() *http.Client {
	var tr *http.Transport
	if dt, ok := http.DefaultTransport.(*http.Transport); ok {
		tr = dt.Clone()
	} else {
		tr = &http.Transport{Proxy: http.ProxyFromEnvironment}
	}
	if tr.TLSClientConfig == nil {
		tr.TLSClientConfig = &tls.Config{}
	}
	tr.TLSClientConfig.MinVersion = max(tr.TLSClientConfig.MinVersion, tls.VersionTLS12)
	tr.MaxIdleConnsPerHost = provider.DefaultMaxIdleConnsPerHost
	return &http.Client{Transport: &countingTransport{inner: tr, sent: &c.n}}
}

type countingTransport struct {
	inner *http.Transport
	sent  *atomic.Int64
}

func (t *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	trace := &httptrace.ClientTrace{WroteHeaders: func() { t.sent.Add(1) }}
	return t.inner.RoundTrip(r.WithContext(httptrace.WithClientTrace(r.Context(), trace)))
}

// CloseIdleConnections lets the adapter's CloseIdleConnections reach the wrapped transport.
func (t *countingTransport) CloseIdleConnections() { t.inner.CloseIdleConnections() }
