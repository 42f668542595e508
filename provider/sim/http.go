package sim

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/paygate-go/paygate"
)

// Reply is a simulator's HTTP answer. Status 0 means 200.
type Reply struct {
	Status int
	Header http.Header
	Body   []byte
}

// Endpoint is one operation of a simulated provider API.
type Endpoint struct {
	// Op is the operation the endpoint performs; faults are injected per Op.
	Op paygate.Op
	// RequestID returns the id the ledger counts this request under ("" when it has none). It sees the
	// raw request, which may not parse.
	RequestID func(r *http.Request, body []byte) string
	// Process authenticates, validates, changes state and answers, as the provider would. The reply is
	// unsigned; Serve signs it.
	Process func(r *http.Request, body []byte) Reply
}

// HTTPConfig is what Serve needs from a simulator: where faults come from, where requests are counted,
// and how the provider answers a code and signs a reply.
type HTTPConfig struct {
	Faults *Faults
	Ledger *Ledger
	// CodeReply is the provider's own answer carrying code, for a ReplyCode fault (nothing is processed).
	CodeReply func(op paygate.Op, r *http.Request, body []byte, code string) Reply
	// Sign adds the provider's response-signature headers to header for body. Nil means the provider
	// does not sign responses; a CorruptSignature fault then answers 500 unprocessed, since it cannot be
	// simulated.
	Sign func(r *http.Request, header http.Header, body []byte)
	// MaxBodyBytes caps request bodies (0 means 1 MiB); a larger body is answered 413 unprocessed.
	MaxBodyBytes int64
	// Done, when closed, releases replies held by DelayReply so the simulator can close.
	Done <-chan struct{}
}

// Serve returns the handler of one endpoint. It records every request in the ledger, takes the next
// fault injected for ep.Op and applies it around ep.Process:
//
//   - DropBeforeProcessing aborts the connection unprocessed; the client cannot tell it from LoseReply.
//   - ReplyStatus answers Fault.Status (with Retry-After when set) unprocessed.
//   - ReplyCode answers cfg.CodeReply unprocessed, signed.
//   - LoseReply processes, then aborts the connection.
//   - DelayReply processes and holds the signed reply for Fault.Delay, or until the client leaves or
//     cfg.Done closes.
//   - CorruptBody processes and sends a truncated body, signed as sent, so only parsing fails.
//   - CorruptSignature processes and sends the real body with a signature over other bytes.
func Serve(cfg HTTPConfig, ep Endpoint) http.Handler {
	limit := cfg.MaxBodyBytes
	if limit <= 0 {
		limit = 1 << 20
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
		if err != nil {
			var tooLarge *http.MaxBytesError
			if errors.As(err, &tooLarge) {
				http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
				return
			}
			http.Error(w, "cannot read request body", http.StatusBadRequest)
			return
		}
		id := ""
		if ep.RequestID != nil {
			id = ep.RequestID(r, body)
		}
		cfg.Ledger.Received(ep.Op, id)
		f, faulted := cfg.Faults.Next(ep.Op)
		if faulted && !f.Kind.Processes() {
			switch f.Kind {
			case DropBeforeProcessing:
				panic(http.ErrAbortHandler) // net/http closes the connection without a reply
			case ReplyStatus:
				if f.RetryAfter > 0 {
					w.Header().Set("Retry-After", strconv.Itoa(int((f.RetryAfter+time.Second-1)/time.Second)))
				}
				http.Error(w, http.StatusText(f.Status), f.Status)
				return
			case ReplyCode:
				cfg.write(w, r, cfg.CodeReply(ep.Op, r, body, f.Code), nil)
				return
			}
		}
		if faulted && f.Kind == CorruptSignature && cfg.Sign == nil {
			// Refused before processing, so a harness that asks for it anyway leaves no orphan order.
			http.Error(w, "simulator: this provider does not sign responses, so a corrupt signature cannot be simulated", http.StatusInternalServerError)
			return
		}
		rep := ep.Process(r, body)
		if !faulted {
			cfg.write(w, r, rep, nil)
			return
		}
		switch f.Kind {
		case LoseReply:
			panic(http.ErrAbortHandler)
		case DelayReply:
			t := time.NewTimer(f.Delay)
			defer t.Stop()
			select {
			case <-t.C:
			case <-r.Context().Done():
				return // the client gave up; it never sees the reply
			case <-cfg.Done:
				panic(http.ErrAbortHandler)
			}
			cfg.write(w, r, rep, nil)
		case CorruptBody:
			rep.Body = rep.Body[:len(rep.Body)/2]
			if len(rep.Body) == 0 {
				rep.Body = []byte("<html>")
			}
			cfg.write(w, r, rep, nil)
		case CorruptSignature:
			cfg.write(w, r, rep, append(bytes.Clone(rep.Body), " "...))
		default:
			cfg.write(w, r, rep, nil)
		}
	})
}

// write signs rep (over signOver when set, otherwise over its body) and sends it.
func (cfg HTTPConfig) write(w http.ResponseWriter, r *http.Request, rep Reply, signOver []byte) {
	h := w.Header()
	for k, vs := range rep.Header {
		h[k] = vs
	}
	if h.Get("Content-Type") == "" {
		h.Set("Content-Type", "application/json")
	}
	if cfg.Sign != nil {
		if signOver == nil {
			signOver = rep.Body
		}
		cfg.Sign(r, h, signOver)
	}
	st := rep.Status
	if st == 0 {
		st = http.StatusOK
	}
	h.Set("Content-Length", strconv.Itoa(len(rep.Body)))
	w.WriteHeader(st)
	_, _ = w.Write(rep.Body)
}
