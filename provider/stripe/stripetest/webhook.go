package stripetest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// evReq is the API request an event comes from (the event's request member); zero for Stripe's own
// actions (a customer's payment, an authorization lapsing), which Stripe reports with a null id.
type evReq struct{ id, key string }

// heldEvent is an event Reorder holds back until the next event of the same object.
type heldEvent struct {
	id   string
	body []byte
	url  string
}

// emitPI sends a payment_intent.* event for pi. Callers hold s.mu.
func (s *Server) emitPI(pi *intent, typ string, prev map[string]any, ev evReq) {
	s.emit(pi.id, typ, s.piObject(pi, false), prev, ev)
}

// emit records an event and queues it for the registered endpoint, signed. Callers hold s.mu.
func (s *Server) emit(objectID, typ string, obj map[string]any, prev map[string]any, ev evReq) {
	data := map[string]any{"object": obj}
	if prev != nil {
		data["previous_attributes"] = prev
	}
	var req map[string]any
	if ev.id != "" {
		req = map[string]any{"id": ev.id, "idempotency_key": nullable(ev.key)}
	} else {
		req = map[string]any{"id": nil, "idempotency_key": nil}
	}
	id := newID("evt_")
	body, err := json.Marshal(map[string]any{
		"id": id, "object": "event", "api_version": APIVersion, "created": s.now().Unix(), "data": data,
		"livemode": false, "pending_webhooks": 1, "request": req, "type": typ,
	})
	if err != nil {
		return
	}
	s.events = append(s.events, body)
	if s.webhookURL == "" || s.closed {
		return
	}
	e := &heldEvent{id: id, body: body, url: s.webhookURL}
	if !s.reorder {
		s.send(e)
		return
	}
	if h, ok := s.held[objectID]; ok { // the pair goes out swapped: this one first
		delete(s.held, objectID)
		s.send(e)
		s.send(h)
		return
	}
	s.held[objectID] = e
	time.AfterFunc(s.hold, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if h, ok := s.held[objectID]; ok && h == e && !s.closed {
			delete(s.held, objectID)
			s.send(e)
		}
	})
}

// send queues one delivery; each try is signed afresh (a new t). Callers hold s.mu.
func (s *Server) send(e *heldEvent) {
	s.webhooks.SendSigned(e.id, e.url, e.body, func() http.Header {
		s.secMu.Lock() // not s.mu: SendSigned signs the first try at once, under s.mu
		secrets := append([]string(nil), s.secrets...)
		s.secMu.Unlock()
		return http.Header{"Content-Type": {"application/json; charset=utf-8"},
			"Stripe-Signature": {SignatureHeader(s.now(), e.body, secrets...)}}
	})
}

// SignatureHeader is Stripe's Stripe-Signature value for payload at t: t=<unix>, then one
// v1=<hex HMAC-SHA256(secret, "<t>.<payload>")> per secret (docs.stripe.com/webhooks "Verify webhook
// signatures"; stripe-go webhook/client.go ComputeSignature).
func SignatureHeader(t time.Time, payload []byte, secrets ...string) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	parts := []string{"t=" + ts}
	for _, sec := range secrets {
		m := hmac.New(sha256.New, []byte(sec))
		m.Write([]byte(ts))
		m.Write([]byte("."))
		m.Write(payload)
		parts = append(parts, "v1="+hex.EncodeToString(m.Sum(nil)))
	}
	return strings.Join(parts, ",")
}
