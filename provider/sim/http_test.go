package sim_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/provider/sim"
)

// httpSim is the smallest simulator built on Serve: one endpoint that counts what it processed and
// "signs" replies with a SHA-256 digest header.
type httpSim struct {
	faults    sim.Faults
	ledger    sim.Ledger
	processed atomic.Int32
	done      chan struct{}
	srv       *httptest.Server
}

func digest(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }

func newHTTPSim(t *testing.T, signed bool) *httpSim {
	s := &httpSim{done: make(chan struct{})}
	cfg := sim.HTTPConfig{
		Faults: &s.faults, Ledger: &s.ledger, Done: s.done, MaxBodyBytes: 64,
		CodeReply: func(op paygate.Op, _ *http.Request, _ []byte, code string) sim.Reply {
			return sim.Reply{Status: http.StatusBadRequest, Body: []byte(`{"code":"` + code + `","op":"` + string(op) + `"}`)}
		},
	}
	if signed {
		cfg.Sign = func(_ *http.Request, h http.Header, body []byte) { h.Set("X-Digest", digest(body)) }
	}
	s.srv = httptest.NewServer(sim.Serve(cfg, sim.Endpoint{
		Op:        paygate.OpCreate,
		RequestID: func(r *http.Request, _ []byte) string { return r.URL.Query().Get("id") },
		Process: func(_ *http.Request, body []byte) sim.Reply {
			s.processed.Add(1)
			return sim.Reply{Header: http.Header{"X-Echo": {"yes"}}, Body: append([]byte(`{"echo":`), append(body, '}')...)}
		},
	}))
	t.Cleanup(func() {
		close(s.done)
		s.srv.Close()
	})
	return s
}

type httpReply struct {
	status int
	header http.Header
	body   []byte
	err    error
}

func (s *httpSim) post(t *testing.T, body string, timeout time.Duration) httpReply {
	t.Helper()
	c := &http.Client{Timeout: timeout}
	resp, err := c.Post(s.srv.URL+"/?id=req-1", "application/json", bytes.NewBufferString(body))
	if err != nil {
		return httpReply{err: err}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return httpReply{status: resp.StatusCode, header: resp.Header, body: b}
}

func TestServeFaults(t *testing.T) {
	tests := []struct {
		name      string
		fault     sim.Fault
		signed    bool
		processed bool
		check     func(t *testing.T, r httpReply)
	}{
		{"no fault", sim.Fault{}, true, true, func(t *testing.T, r httpReply) {
			require.NoError(t, r.err)
			assert.Equal(t, http.StatusOK, r.status)
			assert.Equal(t, `{"echo":1}`, string(r.body))
			assert.Equal(t, digest(r.body), r.header.Get("X-Digest"))
			assert.Equal(t, "yes", r.header.Get("X-Echo"))
			assert.Equal(t, "application/json", r.header.Get("Content-Type"))
		}},
		{"drop before processing", sim.Fault{Kind: sim.DropBeforeProcessing}, true, false, func(t *testing.T, r httpReply) {
			assert.Error(t, r.err)
		}},
		{"reply status with retry-after", sim.Fault{Kind: sim.ReplyStatus, Status: 429, RetryAfter: 1500 * time.Millisecond}, true, false, func(t *testing.T, r httpReply) {
			require.NoError(t, r.err)
			assert.Equal(t, 429, r.status)
			assert.Equal(t, "2", r.header.Get("Retry-After"), "whole seconds, rounded up")
		}},
		{"reply code", sim.Fault{Kind: sim.ReplyCode, Code: "E0001"}, true, false, func(t *testing.T, r httpReply) {
			require.NoError(t, r.err)
			assert.Equal(t, http.StatusBadRequest, r.status)
			assert.Equal(t, `{"code":"E0001","op":"create"}`, string(r.body))
			assert.Equal(t, digest(r.body), r.header.Get("X-Digest"), "code replies are signed")
		}},
		{"lose reply", sim.Fault{Kind: sim.LoseReply}, true, true, func(t *testing.T, r httpReply) {
			assert.Error(t, r.err)
		}},
		{"delay reply past the client's timeout", sim.Fault{Kind: sim.DelayReply, Delay: 5 * time.Second}, true, true, func(t *testing.T, r httpReply) {
			assert.Error(t, r.err)
		}},
		{"short delay", sim.Fault{Kind: sim.DelayReply, Delay: 10 * time.Millisecond}, true, true, func(t *testing.T, r httpReply) {
			require.NoError(t, r.err)
			assert.Equal(t, `{"echo":1}`, string(r.body))
		}},
		{"corrupt body", sim.Fault{Kind: sim.CorruptBody}, true, true, func(t *testing.T, r httpReply) {
			require.NoError(t, r.err)
			assert.Equal(t, `{"ech`, string(r.body))
			assert.Equal(t, digest(r.body), r.header.Get("X-Digest"), "signed as sent")
		}},
		{"corrupt signature", sim.Fault{Kind: sim.CorruptSignature}, true, true, func(t *testing.T, r httpReply) {
			require.NoError(t, r.err)
			assert.Equal(t, `{"echo":1}`, string(r.body))
			assert.NotEqual(t, digest(r.body), r.header.Get("X-Digest"))
			assert.NotEmpty(t, r.header.Get("X-Digest"))
		}},
		{"corrupt signature when replies are unsigned", sim.Fault{Kind: sim.CorruptSignature}, false, false, func(t *testing.T, r httpReply) {
			require.NoError(t, r.err)
			assert.Equal(t, http.StatusInternalServerError, r.status)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newHTTPSim(t, tt.signed)
			if tt.fault.Kind != 0 {
				tt.fault.Op = paygate.OpCreate
				s.faults.Inject(tt.fault)
			}
			r := s.post(t, "1", time.Second)
			tt.check(t, r)
			if tt.processed {
				assert.Equal(t, int32(1), s.processed.Load(), "processed")
			} else {
				assert.Zero(t, s.processed.Load(), "not processed")
			}
			assert.Equal(t, 1, s.ledger.Requests(paygate.OpCreate, "req-1"), "every request is in the ledger")
			assert.Zero(t, s.faults.Pending(paygate.OpCreate))
			if tt.fault.Kind != 0 {
				ok := s.post(t, "2", time.Second)
				require.NoError(t, ok.err, "the fault struck once")
				assert.Equal(t, `{"echo":2}`, string(ok.body))
			}
		})
	}
}

func TestServeCapsBodies(t *testing.T) {
	s := newHTTPSim(t, true)
	r := s.post(t, string(bytes.Repeat([]byte("9"), 65)), time.Second)
	require.NoError(t, r.err)
	assert.Equal(t, http.StatusRequestEntityTooLarge, r.status)
	assert.Zero(t, s.processed.Load())
}

func TestServeDoneReleasesDelay(t *testing.T) {
	s := newHTTPSim(t, true)
	s.faults.Inject(sim.Fault{Op: paygate.OpCreate, Kind: sim.DelayReply, Delay: time.Hour})
	got := make(chan httpReply, 1)
	go func() { got <- s.post(t, "1", time.Hour) }()
	require.Eventually(t, func() bool { return s.processed.Load() == 1 }, 5*time.Second, time.Millisecond)
	close(s.done)
	s.done = make(chan struct{}) // Cleanup closes it again
	select {
	case r := <-got:
		assert.Error(t, r.err, "the held reply is dropped when the simulator closes")
	case <-time.After(5 * time.Second):
		t.Fatal("Done did not release the held reply")
	}
}
