package stripetest

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/provider/sim"
)

// APIVersion is the API version the simulator speaks and stamps on its events (spec3.json info.version
// of stripe-mock v0.203.0).
const APIVersion = "2026-08-26.dahlia"

// The metadata keys the simulator knows the merchant's ids by. They are how a test names "the payment"
// (Settle) and how the ledger counts requests per merchant id; Stripe itself gives them no meaning.
const (
	// MetaPaymentRequestID names a PaymentIntent's PaymentRequestID.
	MetaPaymentRequestID = "paygate_payment_request_id"
	// MetaRefundRequestID names a Refund's RefundRequestID.
	MetaRefundRequestID = "paygate_refund_request_id"
)

// WebhookSchedule is the wait before each retry of an unacknowledged event. Stripe documents retries
// "for up to three days with an exponential back off" in live mode (docs.stripe.com/webhooks, "Retry
// behavior") but not the intervals: the simulator doubles from one minute, 12 retries within 3 days
// (about 68 h in all). Compress it with sim.Compress in tests.
func WebhookSchedule() []time.Duration {
	out := make([]time.Duration, 12)
	for i := range out {
		out[i] = time.Minute << i
	}
	return out
}

// Config configures a Server. The zero value works.
type Config struct {
	// Clock drives created times, search lag, idempotency-key expiry, authorization lapse and signature
	// timestamps; nil is the system clock. AdvanceClock needs a *sim.ManualClock.
	Clock sim.Clock
	// WebhookSchedule is the retry schedule after the first try; nil means WebhookSchedule(). An empty
	// non-nil slice means a single try.
	WebhookSchedule []time.Duration
	// WebhookClient sends events; nil uses a client with a 10 s timeout.
	WebhookClient *http.Client
	// WebhookURL is the endpoint registered in the dashboard; empty sends nothing (events are still
	// recorded, see Events).
	WebhookURL string
	// SearchLag is how long after an intent's creation or change the search index reflects it (Stripe's
	// search is eventually consistent: docs.stripe.com/search "Data freshness"). 0 means at once.
	SearchLag time.Duration
	// IdempotencyTTL is how long a saved idempotent answer lives; 0 means 24 h (docs.stripe.com/api/
	// idempotent_requests: keys may be removed once at least 24 hours old).
	IdempotencyTTL time.Duration
	// SecretKey and WebhookSecret are the credentials; generated (sk_test_…, whsec_…) when empty.
	SecretKey, WebhookSecret string
	// Reorder delivers each object's events in swapped pairs (the second before the first), as Stripe
	// does not guarantee order (docs.stripe.com/webhooks "Event ordering"). A lone held event is sent
	// after ReorderHold (real time; 0 means 50 ms) or at Close.
	Reorder     bool
	ReorderHold time.Duration
	// PendingRefunds makes refunds start pending; SettleRefund moves them. Otherwise they succeed at once,
	// as card refunds do in test mode.
	PendingRefunds bool
}

// Server is a running fake Stripe. Close it when done.
type Server struct {
	// URL is the API base (no /v1): use it as the adapter's base URL.
	URL string
	// SecretKey is the API key the simulator accepts.
	SecretKey string
	// WebhookSecret is the current endpoint signing secret (RotateWebhookSecret changes it).
	WebhookSecret string

	srv      *httptest.Server
	clock    sim.Clock
	lag, ttl time.Duration
	faults   sim.Faults
	ledger   sim.Ledger
	webhooks *sim.Webhooks
	done     chan struct{}
	close    sync.Once
	reorder  bool
	hold     time.Duration
	pendRef  bool

	mu         sync.Mutex
	closed     bool
	intents    map[string]*intent
	intentList []*intent
	refunds    map[string]*refund
	refundList []*refund
	idem       map[string]*saved
	webhookURL string
	secMu      sync.Mutex
	secrets    []string // signing secrets, newest last (under secMu)
	events     []json.RawMessage
	held       map[string]*heldEvent // Reorder: an object's event waiting for the next one
	// beforeExecute, when set (tests), runs after a request has claimed its idempotency key and before it
	// executes, without the lock: a window in which the same key is "in use".
	beforeExecute func()
}

// NewServer starts a simulator on a loopback port. It panics if it cannot (as httptest does).
func NewServer(cfg Config) *Server {
	s := &Server{
		SecretKey: cfg.SecretKey, WebhookSecret: cfg.WebhookSecret, clock: cfg.Clock, lag: cfg.SearchLag, ttl: cfg.IdempotencyTTL,
		done: make(chan struct{}), reorder: cfg.Reorder, hold: cfg.ReorderHold, pendRef: cfg.PendingRefunds,
		intents: map[string]*intent{}, refunds: map[string]*refund{}, idem: map[string]*saved{}, webhookURL: cfg.WebhookURL,
		held: map[string]*heldEvent{},
	}
	if s.SecretKey == "" {
		s.SecretKey = "sk_test_" + rand.Text()
	}
	if s.WebhookSecret == "" {
		s.WebhookSecret = newWebhookSecret()
	}
	s.secrets = []string{s.WebhookSecret}
	if s.clock == nil {
		s.clock = sim.SystemClock{}
	}
	if s.ttl <= 0 {
		s.ttl = 24 * time.Hour
	}
	if s.hold <= 0 {
		s.hold = 50 * time.Millisecond
	}
	schedule := cfg.WebhookSchedule
	if schedule == nil {
		schedule = WebhookSchedule()
	}
	s.webhooks = sim.NewWebhooks(sim.WebhookConfig{Client: cfg.WebhookClient, Schedule: schedule, Accept: Acked})
	s.srv = httptest.NewServer(s.routes())
	s.URL = s.srv.URL
	return s
}

func newWebhookSecret() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return "whsec_" + base64.StdEncoding.EncodeToString(b)
}

// Acked is Stripe's reading of an event delivery's reply: any 2xx acknowledges it
// (docs.stripe.com/webhooks "Return a 2xx response").
func Acked(status int, _ []byte) bool { return status >= 200 && status < 300 }

// Close stops the server, flushes held events and stops pending webhook retries.
func (s *Server) Close() {
	s.close.Do(func() {
		s.mu.Lock()
		s.closed = true
		s.held = map[string]*heldEvent{}
		s.mu.Unlock()
		close(s.done)
		s.webhooks.Close()
		s.srv.CloseClientConnections()
		s.srv.Close()
	})
}

// Inject queues a fault for the next call(s) of an operation.
func (s *Server) Inject(f sim.Fault) { s.faults.Inject(f) }

// ClearFaults drops every fault still queued and turns chaos off.
func (s *Server) ClearFaults() { s.faults.Clear() }

// SetChaos draws a fault for every request no injected fault strikes (sim.Faults.SetChaos).
func (s *Server) SetChaos(fn func(op paygate.Op) (sim.Fault, bool)) { s.faults.SetChaos(fn) }

// Ledger records what reached the simulator and what it created.
func (s *Server) Ledger() *sim.Ledger { return &s.ledger }

// Webhooks is the event sender, for inspecting deliveries.
func (s *Server) Webhooks() *sim.Webhooks { return s.webhooks }

// SetWebhookURL registers the endpoint events are sent to, as in Stripe's dashboard.
func (s *Server) SetWebhookURL(url string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.webhookURL = url
}

// RotateWebhookSecret rolls the endpoint's signing secret: until ExpireOldWebhookSecret, every event is
// signed with both, as two v1 values (docs.stripe.com/webhooks "Roll endpoint secrets").
func (s *Server) RotateWebhookSecret() string {
	s.secMu.Lock()
	defer s.secMu.Unlock()
	sec := newWebhookSecret()
	s.secrets = append(s.secrets, sec)
	s.WebhookSecret = sec
	return sec
}

// ExpireOldWebhookSecret ends a rotation: events are signed with the newest secret only.
func (s *Server) ExpireOldWebhookSecret() {
	s.secMu.Lock()
	defer s.secMu.Unlock()
	s.secrets = s.secrets[len(s.secrets)-1:]
}

// AdvanceClock moves the server's manual clock forward by d and applies what time does: manual-capture
// authorizations lapse after 7 days. It panics unless Config.Clock is a *sim.ManualClock.
func (s *Server) AdvanceClock(d time.Duration) {
	mc, ok := s.clock.(*sim.ManualClock)
	if !ok {
		panic("stripetest: AdvanceClock needs Config.Clock to be a *sim.ManualClock")
	}
	mc.Advance(d)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tick()
}

// Events returns every event the simulator produced (sent or not), oldest first.
func (s *Server) Events() []json.RawMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.events)
}

// Faults lists the fault kinds the simulator implements: all but CorruptSignature, as Stripe does not
// sign API responses (TLS only), so there is no response signature to corrupt.
func Faults() []sim.FaultKind {
	return []sim.FaultKind{sim.DropBeforeProcessing, sim.LoseReply, sim.DelayReply, sim.ReplyStatus, sim.ReplyCode, sim.CorruptBody}
}

func (s *Server) now() time.Time { return s.clock.Now() }

// endpoint is one route of the API.
type endpoint struct {
	method, pattern, params string // params: the Params entry of its request
	op                      paygate.Op
	id                      func(r *http.Request, form url.Values) string
	fn                      func(r *http.Request, form url.Values, ev evReq) reply
}

func (s *Server) routes() http.Handler {
	cfg := sim.HTTPConfig{Faults: &s.faults, Ledger: &s.ledger, CodeReply: s.codeReply, Done: s.done}
	meta := func(k string) func(*http.Request, url.Values) string {
		return func(_ *http.Request, f url.Values) string { return f.Get("metadata[" + k + "]") }
	}
	path := func(k string) func(*http.Request, url.Values) string {
		return func(r *http.Request, _ url.Values) string { return r.PathValue(k) }
	}
	eps := []endpoint{
		{"POST", "/v1/payment_intents", "create request", paygate.OpCreate, meta(MetaPaymentRequestID), s.create},
		{"GET", "/v1/payment_intents/search", "search query", paygate.OpInquire, nil, s.search},
		{"GET", "/v1/payment_intents/{intent}", "retrieve query", paygate.OpInquire, path("intent"), s.retrieve},
		{"POST", "/v1/payment_intents/{intent}/cancel", "cancel request", paygate.OpCancel, path("intent"), s.cancel},
		{"POST", "/v1/payment_intents/{intent}/capture", "capture request", paygate.OpCapture,
			func(r *http.Request, _ url.Values) string { return r.Header.Get("Idempotency-Key") }, s.capture},
		{"POST", "/v1/refunds", "refund request", paygate.OpRefund, meta(MetaRefundRequestID), s.createRefund},
		{"GET", "/v1/refunds", "refund list query", paygate.OpInquireRefund, nil, s.listRefunds},
		{"GET", "/v1/refunds/{refund}", "refund retrieve query", paygate.OpInquireRefund, path("refund"), s.retrieveRefund},
	}
	mux := http.NewServeMux()
	for _, ep := range eps {
		mux.Handle(ep.method+" "+ep.pattern, sim.Serve(cfg, sim.Endpoint{
			Op: ep.op,
			RequestID: func(r *http.Request, body []byte) string {
				if ep.id == nil {
					return ""
				}
				form, _ := url.ParseQuery(string(body))
				if r.Method == http.MethodGet {
					form = r.URL.Query()
				}
				return ep.id(r, form)
			},
			Process: func(r *http.Request, body []byte) sim.Reply { return s.process(r, body, ep) },
		}))
	}
	s.cashier().Mount(mux, "/redirect/") // the payment page (page.go), where next_action's URLs point
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		write(w, errReply(http.StatusNotFound, "invalid_request_error", "", "",
			fmt.Sprintf("Unrecognized request URL (%s: %s).", r.Method, r.URL.Path)).Reply)
	})
	return mux
}

func write(w http.ResponseWriter, rep sim.Reply) {
	for k, v := range rep.Header {
		w.Header()[k] = v
	}
	w.Header().Set("Content-Type", "application/json")
	st := rep.Status
	if st == 0 {
		st = http.StatusOK
	}
	w.WriteHeader(st)
	_, _ = w.Write(rep.Body)
}

// reply is an answer and whether the idempotency layer saves it.
type reply struct {
	sim.Reply
	save bool
}

// saved is one idempotency key's record.
type saved struct {
	fingerprint string
	at          time.Time
	inFlight    bool
	rep         sim.Reply
}

// process runs the layers every request passes, in Stripe's order: authentication (401, not saved),
// the form body and its parameters (400, not saved), the idempotency layer, then the endpoint, whose
// answer is saved under the key when it executed (docs.stripe.com/api/idempotent_requests).
func (s *Server) process(r *http.Request, body []byte, ep endpoint) sim.Reply {
	reqID := "req_" + rand.Text()[:14]
	out := func(rep sim.Reply) sim.Reply {
		if rep.Header == nil {
			rep.Header = http.Header{}
		}
		if rep.Header.Get("Request-Id") == "" {
			rep.Header.Set("Request-Id", reqID)
		}
		return rep
	}
	if rep, ok := s.authenticate(r); !ok {
		return out(rep.Reply)
	}
	form, rep, ok := parseForm(r, body)
	if !ok {
		return out(rep.Reply)
	}
	for k := range form {
		name, _, _ := strings.Cut(k, "[")
		if !slices.Contains(Params[ep.params], name) {
			return out(errReply(http.StatusBadRequest, "invalid_request_error", "parameter_unknown", name,
				"Received unknown parameter: "+name).Reply)
		}
	}
	key := ""
	if r.Method == http.MethodPost {
		key = r.Header.Get("Idempotency-Key")
	}
	if len(key) > 255 {
		return out(errReply(http.StatusBadRequest, "invalid_request_error", "", "",
			"Idempotency-Key must be at most 255 characters long.").Reply)
	}
	fp := r.Method + " " + r.URL.Path + "?" + form.Encode()
	s.mu.Lock()
	if key != "" {
		if sv, ok := s.idem[key]; ok && s.now().Sub(sv.at) >= s.ttl {
			delete(s.idem, key) // pruned: the key executes anew
		}
		if sv, ok := s.idem[key]; ok {
			s.mu.Unlock()
			switch {
			case sv.fingerprint != fp:
				return out(errReply(http.StatusBadRequest, "idempotency_error", "", "",
					fmt.Sprintf("Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '%s' if you meant to execute a different request.", key)).Reply)
			case sv.inFlight:
				c := Codes["idempotency_key_in_use"]
				return out(errReply(c.Status, c.Type, c.Code, "", c.Message).Reply)
			}
			rep := sv.rep
			rep.Header = rep.Header.Clone()
			rep.Header.Set("Idempotent-Replayed", "true")
			return rep
		}
		s.idem[key] = &saved{fingerprint: fp, at: s.now(), inFlight: true}
		if hook := s.beforeExecute; hook != nil {
			s.mu.Unlock()
			hook()
			s.mu.Lock()
		}
	}
	defer s.mu.Unlock()
	s.tick()
	res := ep.fn(r, form, evReq{id: reqID, key: key})
	res.Reply = out(res.Reply)
	if key != "" {
		if res.save {
			s.idem[key] = &saved{fingerprint: fp, at: s.idem[key].at, rep: res.Reply}
		} else {
			delete(s.idem, key)
		}
	}
	return res.Reply
}

// authenticate accepts the secret key as a Bearer token or as the Basic user name, as Stripe does
// (docs.stripe.com/api/authentication).
func (s *Server) authenticate(r *http.Request) (reply, bool) {
	h := r.Header.Get("Authorization")
	var key string
	switch {
	case strings.HasPrefix(h, "Bearer "):
		key = strings.TrimPrefix(h, "Bearer ")
	case strings.HasPrefix(h, "Basic "):
		if u, _, ok := r.BasicAuth(); ok {
			key = u
		}
	}
	if key == "" {
		return errReply(http.StatusUnauthorized, "invalid_request_error", "", "",
			"You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth."), false
	}
	if subtle.ConstantTimeCompare([]byte(key), []byte(s.SecretKey)) != 1 {
		return errReply(http.StatusUnauthorized, "invalid_request_error", "", "", "Invalid API Key provided: "+redact(key)), false
	}
	return reply{}, true
}

// redact shows a key's last four characters only, as Stripe's message does; never a whole key.
func redact(k string) string {
	if len(k) <= 4 {
		return "****"
	}
	return strings.Repeat("*", min(len(k)-4, 20)) + k[len(k)-4:]
}

// parseForm reads the parameters: the query of a GET, the form body of a POST, which must say it is
// application/x-www-form-urlencoded (stripe-mock answers 400 to anything else, as Stripe does to JSON).
func parseForm(r *http.Request, body []byte) (url.Values, reply, bool) {
	if r.Method == http.MethodGet {
		return r.URL.Query(), reply{}, true
	}
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/x-www-form-urlencoded" {
		return nil, errReply(http.StatusBadRequest, "invalid_request_error", "", "",
			"Invalid request: the body must be application/x-www-form-urlencoded (send the Content-Type header, also with an empty body)."), false
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, errReply(http.StatusBadRequest, "invalid_request_error", "", "", "Invalid request: the form body does not parse: "+err.Error()), false
	}
	return form, reply{}, true
}

// errReply builds Stripe's error envelope; only the members that have a value are sent.
func errReply(status int, typ, code, param, msg string) reply {
	return errObjReply(status, errObject(typ, code, "", param, msg))
}

func errObject(typ, code, decline, param, msg string) map[string]any {
	e := map[string]any{"type": typ, "message": msg}
	if code != "" {
		e["code"] = code
	}
	if decline != "" {
		e["decline_code"] = decline
	}
	if param != "" {
		e["param"] = param
	}
	return e
}

func errObjReply(status int, e map[string]any) reply {
	b, _ := json.Marshal(map[string]any{"error": e})
	return reply{Reply: sim.Reply{Status: status, Body: b}}
}

// stateErr is an error raised while executing, which the idempotency layer saves.
func stateErr(status int, code, param, msg string) reply {
	r := errReply(status, "invalid_request_error", code, param, msg)
	r.save = true
	return r
}

func okReply(v any) reply {
	b, _ := json.Marshal(v)
	return reply{Reply: sim.Reply{Body: b}, save: true}
}

// codeReply answers a ReplyCode fault: the code's error, nothing executed. An answer Stripe would have
// saved (Codes[code].Saved: a decline or a 500 from a started endpoint) is saved under the request's
// Idempotency-Key, so a resend with that key within the TTL gets it again.
func (s *Server) codeReply(_ paygate.Op, r *http.Request, body []byte, code string) sim.Reply {
	c, ok := Codes[code]
	if !ok {
		c = Code{Status: http.StatusBadRequest, Type: "invalid_request_error", Code: code, Message: "Simulated error " + code + "."}
	}
	rep := errObjReply(c.Status, errObject(c.Type, c.Code, c.DeclineCode, "", c.Message)).Reply
	rep.Header = http.Header{"Request-Id": {"req_" + rand.Text()[:14]}}
	key := r.Header.Get("Idempotency-Key")
	if c.Saved && key != "" && r.Method == http.MethodPost {
		form, _ := url.ParseQuery(string(body))
		s.mu.Lock()
		if _, exists := s.idem[key]; !exists {
			s.idem[key] = &saved{fingerprint: r.Method + " " + r.URL.Path + "?" + form.Encode(), at: s.now(), rep: rep}
		}
		s.mu.Unlock()
	}
	return rep
}

// expandOf lists the expand[] values of a request.
func expandOf(form url.Values) []string {
	var out []string
	for k, vs := range form {
		if k == "expand" || strings.HasPrefix(k, "expand[") {
			out = append(out, vs...)
		}
	}
	return out
}

// checkExpand accepts only the expansions the simulator implements (allowed); Stripe expands more, and
// answers 400 to a path that cannot be expanded.
func checkExpand(form url.Values, allowed ...string) (map[string]bool, *reply) {
	got := map[string]bool{}
	for _, e := range expandOf(form) {
		if !slices.Contains(allowed, e) {
			r := errReply(http.StatusBadRequest, "invalid_request_error", "", "expand",
				fmt.Sprintf("This property cannot be expanded (%s); the simulator expands only %v.", e, allowed))
			return nil, &r
		}
		got[e] = true
	}
	return got, nil
}

// metadataOf reads metadata[k]=v, within Stripe's limits (docs.stripe.com/api/metadata: 50 keys, key
// at most 40 characters, value at most 500).
func metadataOf(form url.Values) (map[string]string, *reply) {
	md := map[string]string{}
	for k, vs := range form {
		if !strings.HasPrefix(k, "metadata[") || !strings.HasSuffix(k, "]") {
			if k == "metadata" && len(vs) > 0 && vs[0] != "" {
				r := errReply(http.StatusBadRequest, "invalid_request_error", "parameter_invalid_empty", "metadata", "Invalid object: metadata must be a hash.")
				return nil, &r
			}
			continue
		}
		name := k[len("metadata[") : len(k)-1]
		v := vs[len(vs)-1]
		if len(name) > 40 || len(v) > 500 {
			r := errReply(http.StatusBadRequest, "invalid_request_error", "", "metadata",
				"Metadata keys can be at most 40 characters and values at most 500 characters.")
			return nil, &r
		}
		if v != "" {
			md[name] = v
		}
	}
	if len(md) > 50 {
		r := errReply(http.StatusBadRequest, "invalid_request_error", "", "metadata", "You can have at most 50 metadata keys.")
		return nil, &r
	}
	return md, nil
}

// Settle acts on the newest intent whose metadata[paygate_payment_request_id] is paymentRequestID, as
// the customer or Stripe would. That metadata key is how a test names "the payment": Stripe gives it no
// meaning.
func (s *Server) Settle(_ context.Context, paymentRequestID string, st sim.Settlement) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tick()
	for i := len(s.intentList) - 1; i >= 0; i-- {
		if pi := s.intentList[i]; pi.metadata[MetaPaymentRequestID] == paymentRequestID {
			return s.settle(pi, st)
		}
	}
	return fmt.Errorf("stripetest: no PaymentIntent with metadata[%s]=%q", MetaPaymentRequestID, paymentRequestID)
}

// SettleOrder acts on one intent by its id.
func (s *Server) SettleOrder(_ context.Context, piID string, st sim.Settlement) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tick()
	pi, ok := s.intents[piID]
	if !ok {
		return fmt.Errorf("stripetest: no PaymentIntent %q", piID)
	}
	return s.settle(pi, st)
}
