package provider

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/hashicorp/go-cleanhttp"
	"github.com/hashicorp/go-retryablehttp"
	"go.uber.org/zap"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/internal/budget"
	"github.com/paygate-go/paygate/retry"
	"github.com/paygate-go/paygate/status"
)

// DefaultMaxBodyBytes caps a provider's response body when TransportConfig.MaxBodyBytes is 0: payment
// APIs answer in kilobytes, and an unbounded read lets a broken or hostile endpoint exhaust memory.
const DefaultMaxBodyBytes = 1 << 20

// DefaultMaxIdleConnsPerHost is how many idle connections to one host the transport keeps when it
// builds the HTTP transport itself (net/http keeps 2). An adapter talks to one provider host: with
// more calls in flight than idle connections kept, every extra call opens a new connection (a TCP and
// TLS handshake) and closes it afterwards.
const DefaultMaxIdleConnsPerHost = 100

// DefaultTimeout bounds one try (sending a request and reading its answer) when neither
// TransportConfig.TryTimeout nor the HTTPClient's Timeout is set, so a provider that never answers
// cannot hold a call forever.
const DefaultTimeout = 30 * time.Second

// TransportConfig configures [NewTransport]. Only Provider and BaseURL are required.
type TransportConfig struct {
	// Provider is the adapter's name ("waffo"), used in errors and logs.
	Provider string
	// BaseURL is the provider's API root, possibly with a path prefix. It must be https://; http:// is
	// accepted only for loopback hosts (127.0.0.0/8, ::1, localhost), where simulators run.
	BaseURL string
	// HTTPClient sends the requests; nil means a client whose Timeout is TryTimeout. It is never
	// modified: the transport uses a copy that does not follow redirects and, when its Transport is an
	// *http.Transport, a clone of it that requires TLS 1.2 or later. A nil Transport means a clone of
	// http.DefaultTransport requiring TLS 1.2 that keeps DefaultMaxIdleConnsPerHost idle connections
	// per host. Any other RoundTripper (also one put in http.DefaultTransport) is used as is, and its
	// TLS settings cannot be checked before sending: every answer to an https URL must then report its
	// connection in http.Response.TLS with TLS 1.2 or later, or it is not trusted and the try ends U
	// (the request was sent). Set that RoundTripper's tls.Config.MinVersion to tls.VersionTLS12 or
	// later so such a connection is never made. Its Timeout, when set, bounds each try; otherwise
	// TryTimeout does.
	HTTPClient *http.Client
	// TryTimeout bounds each try, from sending to the end of reading the answer, when HTTPClient has
	// no Timeout of its own (and is the Timeout of the client built when HTTPClient is nil); 0 means
	// DefaultTimeout. A try cut by it after sending ends U with status.CodeTimeout.
	TryTimeout time.Duration
	// Retry sets attempts and delays; zero fields take retry.Default()'s values.
	Retry retry.Policy
	// Logger receives one Debug entry per try. It should already redact (see [NewLogger]); nil logs
	// nothing.
	Logger *zap.Logger
	// MaxBodyBytes caps the response body; 0 means [DefaultMaxBodyBytes].
	MaxBodyBytes int64
}

// Transport is the HTTP client every adapter sends through: it enforces the URL and TLS rules, resends
// only what S/F/U allows, draws its retries from the call's send budget (the one retry.Wrap sets), caps
// response bodies and turns network failures into F (nothing was sent) or U (it may have been
// processed). It is safe for concurrent use.
type Transport struct {
	provider   string
	base       *url.URL
	client     *http.Client
	tryTimeout time.Duration // 0 when client.Timeout bounds each try
	policy     retry.Policy
	log        *zap.Logger
	maxBody    int64

	routes  sync.Map     // request path (without query) → route: resolve's answer, computed once
	nroutes atomic.Int32 // entries stored in routes, at most maxRoutes
}

// maxRoutes bounds Transport.routes: adapters send to a handful of fixed paths, and an adapter that put
// ids in its paths must not grow the cache without end (those paths are then resolved every time).
const maxRoutes = 64

// route is a resolved request path: its URL and the path to log.
type route struct {
	url     *url.URL
	logPath string
}

// Request is one logical request to the provider; [Transport.Do] may send it several times.
type Request struct {
	Op     paygate.Op  // the Gateway operation, for errors and logs
	Method string      // HTTP method; empty means POST
	Path   string      // relative to BaseURL (which may carry a path prefix); may carry a query
	Header http.Header // sent on every try; never modified
	// Body is sent byte-for-byte on every try.
	Body []byte
	// Resendable says the provider dedupes this request (or the adapter declared resending safe), so
	// failures after it may have reached the provider may be retried. Failures before sending always
	// may.
	Resendable bool
	// Sign, if set, is called before every send, first and retries, with a fresh copy of Header and
	// the body, to set signature and timestamp headers. It must not modify body.
	Sign func(h http.Header, body []byte) error
	// IDs are the request ids, logged with each try.
	IDs []zap.Field
	// Definite, if set, reports whether an HTTP answer is the provider's definite result, which the
	// transport returns at once even when its status is one it would otherwise retry (429, 5xx): a
	// provider that answers a business failure with a 5xx status (Waffo's C codes) must not see the
	// request again. It is asked only about answers the transport would otherwise resend.
	Definite func(status int, body []byte) bool
	// DefiniteAnswer is Definite with the answer's headers too, for providers whose answer says in a
	// header that resending cannot help (Stripe's Stripe-Should-Retry: false on a saved 5xx, which a
	// resend with the same Idempotency-Key would only replay). When both are set, either one saying
	// definite is enough. It is asked about the same answers as Definite.
	DefiniteAnswer func(status int, header http.Header, body []byte) bool
}

// Response is the provider's HTTP answer, after retries. The adapter maps its status and body.
type Response struct {
	StatusCode int         // the HTTP status of the last try
	Header     http.Header // its headers
	Body       []byte      // its body, at most MaxBodyBytes
	Attempts   int         // how many times the request was sent
	// EarlierUnknown says an earlier try of this request failed after it may have reached the provider
	// (a connection lost after sending, a 5xx). Any F the adapter makes of this answer — a 429, or a
	// business code such as "duplicate request" that may be about the earlier try — then speaks only
	// for the last try. Pass the mapped error through KeepUnknown. (A 5xx is U in any case.)
	EarlierUnknown bool
	// RetryAfter is the last answer's Retry-After, parsed (0 when absent). An adapter mapping a 429 or
	// 503 copies it into paygate.Error.RetryAfter so retry.Wrap honours it too.
	RetryAfter time.Duration
}

// KeepUnknown returns e, the adapter's mapping of r, turned from F into U when an earlier try of the
// request may have landed (r.EarlierUnknown); otherwise e unchanged. retry.Wrap then resolves the U by
// inquiry, so a genuine F still reaches the caller, once it is known to speak for the whole call.
func (r *Response) KeepUnknown(e *paygate.Error) *paygate.Error {
	if e == nil || r == nil || !r.EarlierUnknown || e.Outcome != status.Failure {
		return e
	}
	u := *e
	u.Outcome = status.Unknown
	u.Message = fmt.Sprintf("an earlier try may have been processed, so this answer (%s) may be about it; inquire or resend with the same ids", e.Code)
	u.Err = e
	return &u
}

// NewTransport checks cfg and returns a Transport. Configuration errors are plain errors.
func NewTransport(cfg TransportConfig) (*Transport, error) {
	if strings.TrimSpace(cfg.Provider) == "" {
		return nil, errors.New("provider transport: Provider is empty; set it to the adapter's name, e.g. \"waffo\"")
	}
	base, err := url.Parse(cfg.BaseURL)
	if err != nil || cfg.BaseURL == "" {
		return nil, fmt.Errorf("%s transport: BaseURL is not a valid URL; set it to the provider's https:// API root", cfg.Provider)
	}
	if base.RawQuery != "" || base.Fragment != "" {
		return nil, fmt.Errorf("%s transport: BaseURL must not carry a query or fragment; put them in Request.Path", cfg.Provider)
	}
	if err := checkURL(cfg.Provider, base); err != nil {
		return nil, err
	}
	if cfg.TryTimeout < 0 {
		return nil, fmt.Errorf("%s transport: TryTimeout is negative; use 0 for the 30 s default", cfg.Provider)
	}
	if cfg.MaxBodyBytes < 0 {
		return nil, fmt.Errorf("%s transport: MaxBodyBytes is negative; use 0 for the 1 MiB default", cfg.Provider)
	}
	maxBody := cfg.MaxBodyBytes
	if maxBody == 0 {
		maxBody = DefaultMaxBodyBytes
	}
	log := cfg.Logger
	if log == nil {
		log = zap.NewNop()
	}
	client := httpClient(cfg.HTTPClient)
	var tryTimeout time.Duration // bounds a try through its context when the client has no Timeout
	switch {
	case cfg.HTTPClient == nil && cfg.TryTimeout > 0:
		client.Timeout = cfg.TryTimeout
	case client.Timeout == 0 && cfg.TryTimeout > 0:
		tryTimeout = cfg.TryTimeout
	case client.Timeout == 0:
		tryTimeout = DefaultTimeout
	}
	return &Transport{
		provider:   cfg.Provider,
		base:       base,
		client:     client,
		tryTimeout: tryTimeout,
		policy:     cfg.Retry.WithDefaults(),
		log:        log,
		maxBody:    maxBody,
	}, nil
}

// BaseURL returns a copy of the provider's API root.
func (t *Transport) BaseURL() *url.URL {
	u := *t.base
	return &u
}

// CloseIdleConnections closes the transport's idle connections, for an adapter's Close and for tests
// that check for leaked goroutines.
func (t *Transport) CloseIdleConnections() { t.client.CloseIdleConnections() }

// checkURL enforces https, or http to loopback only, and no credentials in the URL.
func checkURL(provider string, u *url.URL) error {
	if u.User != nil {
		return fmt.Errorf("%s transport: the URL must not carry credentials; configure them as API keys", provider)
	}
	host := u.Hostname()
	if host == "" {
		return fmt.Errorf("%s transport: the URL has no host; use https://host/…", provider)
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		if isLoopback(host) {
			return nil
		}
		return fmt.Errorf("%s transport: http:// is allowed only to loopback hosts (127.0.0.0/8, ::1, localhost), not %q; use https://", provider, host)
	}
	return fmt.Errorf("%s transport: URL scheme %q is not supported; use https://", provider, u.Scheme)
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	a, err := netip.ParseAddr(host)
	return err == nil && a.IsLoopback()
}

func noRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// httpClient returns the client the transport uses; see TransportConfig.HTTPClient.
func httpClient(c *http.Client) *http.Client {
	if c == nil {
		return &http.Client{Transport: defaultTransport(), Timeout: DefaultTimeout, CheckRedirect: noRedirect}
	}
	cc := *c
	if c.Transport == nil {
		if _, ok := http.DefaultTransport.(*http.Transport); ok {
			cc.Transport = defaultTransport()
		} // else a RoundTripper put in http.DefaultTransport, used as is
	} else if ht, ok := c.Transport.(*http.Transport); ok {
		tr := ht.Clone()
		requireTLS12(tr)
		cc.Transport = tr
	}
	cc.CheckRedirect = noRedirect
	return &cc
}

// defaultTransport is the transport of a client that brings none: http.DefaultTransport's settings,
// TLS 1.2 or later, and DefaultMaxIdleConnsPerHost idle connections per host.
func defaultTransport() *http.Transport {
	var tr *http.Transport
	if dt, ok := http.DefaultTransport.(*http.Transport); ok {
		tr = dt.Clone()
	} else {
		tr = cleanhttp.DefaultPooledTransport()
	}
	requireTLS12(tr)
	tr.MaxIdleConnsPerHost = DefaultMaxIdleConnsPerHost
	if tr.MaxIdleConns != 0 && tr.MaxIdleConns < DefaultMaxIdleConnsPerHost {
		tr.MaxIdleConns = DefaultMaxIdleConnsPerHost
	}
	return tr
}

// requireTLS12 raises tr's minimum TLS version to 1.2, keeping its other TLS settings. tr must be a
// clone: Clone also clones TLSClientConfig.
func requireTLS12(tr *http.Transport) {
	if tr.TLSClientConfig == nil {
		tr.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
		return
	}
	if tr.TLSClientConfig.MinVersion < tls.VersionTLS12 {
		tr.TLSClientConfig.MinVersion = tls.VersionTLS12
	}
}

// route is resolve with its answers for the path part (before "?") kept: parsing, joining and checking
// a path is done once, and only the query is added per call. A query with a control character, or a
// path with a fragment, takes resolve's full path, so errors are the same.
func (t *Transport) route(p string) (*url.URL, string, error) {
	if strings.Contains(p, "#") {
		return t.resolve(p)
	}
	path, query, _ := strings.Cut(p, "?")
	if strings.ContainsFunc(query, isCTL) {
		return t.resolve(p)
	}
	var rt route
	if v, ok := t.routes.Load(path); ok {
		rt = v.(route)
	} else {
		u, logPath, err := t.resolve(path)
		if err != nil {
			return nil, "", err
		}
		rt = route{url: u, logPath: logPath}
		if t.nroutes.Load() < maxRoutes && t.nroutes.Add(1) <= maxRoutes { // Load first: a full cache stops counting
			t.routes.Store(path, rt)
		}
	}
	u := *rt.url // each call gets its own copy: the cached one is never handed out
	u.RawQuery = query
	return &u, rt.logPath, nil
}

// isCTL reports an ASCII control character, which url.Parse refuses anywhere in a URL.
func isCTL(r rune) bool { return r < ' ' || r == 0x7f }

// resolve joins path to the base URL and checks the result.
func (t *Transport) resolve(p string) (*url.URL, string, error) {
	ref, err := url.Parse(p)
	if err != nil {
		return nil, "", errors.New("the request path is not a valid URL path")
	}
	if ref.Scheme != "" || ref.Host != "" || ref.User != nil {
		return nil, "", errors.New("the request path must be relative to BaseURL, not an absolute URL")
	}
	for _, seg := range strings.Split(ref.Path, "/") {
		if seg == ".." {
			return nil, "", errors.New("the request path must not contain \"..\"")
		}
	}
	u := t.base.JoinPath(ref.EscapedPath())
	u.RawQuery = ref.RawQuery
	if err := checkURL(t.provider, u); err != nil {
		return nil, "", err
	}
	return u, ref.Path, nil
}

// Do sends r and retries it as S/F/U allows: a try that never left the client (dial, DNS, TLS
// handshake) is always retried; a try that failed after sending, or was answered 429 or 5xx, only when
// r.Resendable. Every retry takes a unit of the call's budget, set by retry.Wrap (or of a budget of
// Policy.MaxAttempts); the first send always happens. Any HTTP answer, whatever its status, is returned
// as a *Response with a nil error: the adapter maps it. When no usable answer arrived, the error is a
// *paygate.Error: outcome F with CodeUnavailable and retry.ErrNotSent in its chain when no try ever left
// the client, otherwise outcome U (CodeTimeout when a timeout was involved, CodeProviderError for a
// body over the cap, else CodeUnavailable).
func (t *Transport) Do(ctx context.Context, r *Request) (*Response, error) {
	if r == nil {
		return nil, t.notSent("", status.CodeInvalidRequest, "no request given (adapter bug)", errors.New("nil *provider.Request"))
	}
	method := r.Method
	if method == "" {
		method = http.MethodPost
	}
	u, logPath, err := t.route(r.Path)
	if err != nil {
		return nil, t.notSent(r.Op, status.CodeInvalidRequest, "the request URL was refused (adapter bug or misconfigured BaseURL)", err)
	}
	if err := ctx.Err(); err != nil {
		return nil, t.notSent(r.Op, status.CodeUnavailable, "the context ended before the request was sent; nothing was sent", err)
	}
	b := budget.From(ctx)
	if b == nil {
		b = budget.New(t.policy.MaxAttempts)
	}
	c := &call{t: t, r: r, ctx: ctx, budget: b, method: method, path: logPath, url: u}

	var body any
	if r.Body != nil {
		body = bytes.Clone(r.Body)
	}
	defer c.endTry()
	req, err := retryablehttp.NewRequestWithContext(c.startTry(), method, u.String(), body)
	if err != nil {
		return nil, t.notSent(r.Op, status.CodeInvalidRequest, "the HTTP request could not be built (adapter bug)", err)
	}
	h, err := c.headers()
	if err != nil {
		return nil, t.notSent(r.Op, status.CodeAuthentication, "the request could not be signed; check the configured private key or secret", err)
	}
	req.Header = h

	rc := &retryablehttp.Client{
		HTTPClient:   t.client,
		RetryMax:     math.MaxInt32, // the budget governs
		CheckRetry:   c.checkRetry,
		Backoff:      c.backoff,
		PrepareRetry: c.prepareRetry,
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
	}
	c.req = req
	b.Spend()
	resp, doErr := rc.Do(req)
	if resp != nil && resp.Body != nil {
		resp.Body.Close() // already read into c.last; this is an empty replacement
	}
	return c.result(doErr)
}

// errInsecureTLS is in the chain of a try answered over TLS below 1.2 (or without TLS state for an
// https URL).
var errInsecureTLS = errors.New("answer not over TLS 1.2 or later")

// insecureTLS says why an answer to an https URL did not come over TLS 1.2 or later, or "" when it
// did. A cloned *http.Transport never makes such a connection; any other RoundTripper is checked here,
// after the fact, by what it reports in resp.TLS.
func (c *call) insecureTLS(resp *http.Response) string {
	if c.url.Scheme != "https" {
		return ""
	}
	if resp.TLS == nil {
		return c.t.provider + " answered an https request, but HTTPClient's RoundTripper reported no TLS connection state (http.Response.TLS is nil)"
	}
	if v := resp.TLS.Version; v < tls.VersionTLS12 {
		return fmt.Sprintf("%s answered over %s, below the TLS 1.2 this transport requires", c.t.provider, tls.VersionName(v))
	}
	return ""
}

// notSent is an F error for a request that never left the client.
func (t *Transport) notSent(op paygate.Op, code status.Code, msg string, cause error) *paygate.Error {
	return &paygate.Error{
		Provider: t.provider, Op: op, Outcome: status.Failure, Code: code, Message: msg,
		Err: fmt.Errorf("%w: %w", retry.ErrNotSent, cause),
	}
}

// tryTrace records how far one try got, from net/http's client trace (kept in it, one allocation).
type tryTrace struct {
	getConn, gotConn, wroteHeaders atomic.Bool
	trace                          httptrace.ClientTrace
}

func (tt *tryTrace) clientTrace() *httptrace.ClientTrace {
	tt.trace = httptrace.ClientTrace{
		GetConn:      func(string) { tt.getConn.Store(true) },
		GotConn:      func(httptrace.GotConnInfo) { tt.gotConn.Store(true) },
		WroteHeaders: func() { tt.wroteHeaders.Store(true) },
	}
	return &tt.trace
}

// neverSent reports whether a try that failed with err certainly sent nothing. When in doubt it
// says false: a false "never sent" would turn a U into an F.
func (tt *tryTrace) neverSent(err error) bool {
	if tt.wroteHeaders.Load() {
		return false
	}
	if tt.getConn.Load() && !tt.gotConn.Load() {
		return true // failed while getting a connection: dial, DNS, TLS handshake, or ctx during those
	}
	// A RoundTripper that does not report the trace: trust only errors that can only come from dialing.
	var op *net.OpError
	var dns *net.DNSError
	return (errors.As(err, &op) && op.Op == "dial") || errors.As(err, &dns) || errors.Is(err, syscall.ECONNREFUSED)
}

// tryResult is what one try produced.
type tryResult struct {
	n        int
	resp     *Response // a complete answer
	status   int       // the HTTP status, also when the body failed
	err      error     // a transport error, or an error reading the body
	sent     bool      // it may have reached the provider
	overflow bool      // the body was over the cap
	insecure string    // why an answer to https is not trusted (TLS below 1.2, or no TLS state); "" if not
}

// unsure reports whether the provider may have processed this try without us knowing the result.
func (tr tryResult) unsure() bool {
	return tr.sent && (tr.err != nil || tr.overflow || tr.status >= 500)
}

// call is the state of one Do: retryablehttp's hooks record every try here.
type call struct {
	t      *Transport
	r      *Request
	ctx    context.Context
	budget *budget.Budget
	method string
	path   string
	url    *url.URL

	req            *retryablehttp.Request
	cur            *tryTrace
	endTryCtx      context.CancelFunc // releases the current try's deadline; nil without one
	tries, retries int
	last           tryResult
	firstSent      tryResult // the first try that may have reached the provider, when anySent
	anySent        bool
	earlierUnknown bool // a try before the last was unsure
	timeout        bool // a timeout or deadline was involved
	nextDelay      time.Duration
	signErr        error // signing a retry failed
}

// headers returns a fresh copy of the request headers, signed.
func (c *call) headers() (http.Header, error) {
	h := c.r.Header.Clone()
	if h == nil {
		h = http.Header{}
	}
	if c.r.Sign != nil {
		if err := c.r.Sign(h, c.r.Body); err != nil {
			return nil, err
		}
	}
	return h, nil
}

// startTry returns the context of the next try: the call's, with a fresh trace and, when the client
// has no Timeout, the transport's per-try deadline.
func (c *call) startTry() context.Context {
	c.cur = new(tryTrace)
	ctx := httptrace.WithClientTrace(c.ctx, c.cur.clientTrace())
	if c.t.tryTimeout > 0 {
		ctx, c.endTryCtx = context.WithTimeout(ctx, c.t.tryTimeout)
	}
	return ctx
}

// endTry releases the current try's deadline once its answer is read. retryablehttp waits for the
// next try on the request's context, so the request gets the call's context back first: a try's
// deadline must not end the wait, only the call's context may.
func (c *call) endTry() {
	if c.endTryCtx == nil {
		return
	}
	if c.req != nil {
		c.req.Request = c.req.Request.WithContext(c.ctx)
	}
	c.endTryCtx()
	c.endTryCtx = nil
}

// prepareRetry gives the next try a fresh trace, its deadline and freshly signed headers.
func (c *call) prepareRetry(hr *http.Request) error {
	h, err := c.headers()
	if err != nil {
		c.signErr = err
		return err
	}
	*hr = *hr.WithContext(c.startTry())
	hr.Header = h
	return nil
}

func (c *call) backoff(time.Duration, time.Duration, int, *http.Response) time.Duration {
	return c.nextDelay
}

// checkRetry records a try's result and decides whether to send again.
func (c *call) checkRetry(_ context.Context, resp *http.Response, err error) (bool, error) {
	c.tries++
	res := tryResult{n: c.tries}
	if err != nil {
		res.err = c.safeErr(err)
		res.sent = !c.cur.neverSent(err)
	} else if why := c.insecureTLS(resp); why != "" {
		resp.Body.Close() // unread: nothing of an untrusted answer is used
		resp.Body = io.NopCloser(bytes.NewReader(nil))
		res.sent, res.insecure, res.err = true, why, fmt.Errorf("%w: %s", errInsecureTLS, why)
	} else {
		res.sent = true
		res.status = resp.StatusCode
		b, rerr := io.ReadAll(io.LimitReader(resp.Body, c.t.maxBody+1))
		resp.Body.Close()
		resp.Body = io.NopCloser(bytes.NewReader(nil)) // retryablehttp drains it before a retry
		switch {
		case rerr != nil:
			res.err = fmt.Errorf("reading the HTTP %d response body: %w", resp.StatusCode, c.safeErr(rerr))
		case int64(len(b)) > c.t.maxBody:
			res.overflow = true
		default:
			res.resp = &Response{StatusCode: resp.StatusCode, Header: resp.Header, Body: b}
		}
	}
	c.endTry()
	if res.err != nil && isTimeout(res.err) {
		c.timeout = true
	}
	if c.tries > 1 && c.last.unsure() {
		c.earlierUnknown = true
	}
	if res.sent && !c.anySent {
		c.firstSent, c.anySent = res, true
	}
	c.last = res

	again, why := c.decide(res, resp)
	c.logTry(res, again, why)
	return again, nil
}

// decide says whether to send the request again after the try just made, and why (the try log's
// "decision"). The transport only ever decides "resend this HTTP try within the call's budget", never
// an outcome: the adapter maps the answer and retry.Wrap decides the call. Whether the try's result
// is unknown and may be sent again is retry.Decide's question, asked as for any send (see situation).
// The transport's own stops, which that table does not know about, are named around it: stop, checked
// first, and pace, whose stop leaves no attempts for Decide; whyNot gives the reason in the log's words.
func (c *call) decide(res tryResult, resp *http.Response) (bool, string) {
	if why := c.stop(res); why != "" {
		return false, why
	}
	var next pacing
	if tryOutcome(res) == status.Unknown {
		next = c.pace(res, resp)
	}
	s := c.situation(res, next)
	if d := retry.Decide(s); d.Step != retry.Resend {
		return false, whyNot(s, next)
	}
	if !c.budget.Take() { // Left was > 0; another user of the budget may have taken the last send
		return false, "attempt budget spent"
	}
	c.retries++
	c.nextDelay = next.delay
	return true, "retrying"
}

// stop is the transport's own reason to send no more after res, or "": the caller's context, checked
// first since nothing else matters once it ended; answers that are not to be trusted or resent
// whatever their status; and the adapter's word, which is stricter than retry.Decide's table. The
// table resends any unknown read, while the transport resends a request that may have reached the
// provider only when the adapter declared it Resendable, reads included.
func (c *call) stop(res tryResult) string {
	switch {
	case c.ctx.Err() != nil:
		return "context done"
	case res.overflow:
		return "body over the cap"
	case res.insecure != "":
		return "answer not over TLS 1.2 or later" // another try would use the same RoundTripper
	case res.err != nil && res.sent && !c.r.Resendable:
		return "failed after sending; not resendable"
	case c.definite(res):
		return "the provider's definite answer"
	case res.err == nil && resendStatus(res.status) && !c.r.Resendable:
		return "not resendable"
	}
	return ""
}

// definite asks the adapter's Request.Definite about an answer that would otherwise be resent. It
// is asked about no other: for those the decision is the same without it, and Definite may parse the
// whole body.
func (c *call) definite(res tryResult) bool {
	if (c.r.Definite == nil && c.r.DefiniteAnswer == nil) || !c.r.Resendable || res.resp == nil || !resendStatus(res.status) {
		return false
	}
	return (c.r.Definite != nil && c.r.Definite(res.status, res.resp.Body)) ||
		(c.r.DefiniteAnswer != nil && c.r.DefiniteAnswer(res.status, res.resp.Header, res.resp.Body))
}

// resendStatus reports an HTTP status the transport resends: 429 and 5xx.
func resendStatus(code int) bool { return code == http.StatusTooManyRequests || code >= 500 }

// tryOutcome is a try's result as retry.Decide sees it: unknown when the try failed (before or after
// sending) or was answered with a status the transport resends; otherwise S, an answer to hand to the
// adapter.
func tryOutcome(res tryResult) status.Outcome {
	if res.err != nil || resendStatus(res.status) {
		return status.Unknown
	}
	return status.Success
}

// situation is the try as retry.Decide sees it: one send of the call. It is resendable when the
// adapter declared it so or nothing left the client; attempts are left when the call's budget has a
// send left and the next try may be paced. The transport never resolves by inquiry (TimeLeft stays
// false): that is retry.Wrap's job.
func (c *call) situation(res tryResult, next pacing) retry.Situation {
	return retry.Situation{
		Op:           c.r.Op,
		Phase:        retry.PhaseSend,
		Outcome:      tryOutcome(res),
		Resendable:   c.r.Resendable || !res.sent,
		AttemptsLeft: next.stop == "" && c.budget.Left() > 0,
		CtxDone:      c.ctx.Err() != nil,
	}
}

// pacing is when the next try may go: after delay, unless stop says why it may not.
type pacing struct {
	delay time.Duration
	stop  string
}

// pace is the wait before the next try: the policy's backoff, or the provider's Retry-After on a
// 429, 502, 503 or 504 when longer. A Retry-After beyond the policy's MaxDelay, or a context
// deadline that comes before the wait ends, stops the tries.
func (c *call) pace(res tryResult, resp *http.Response) pacing {
	var retryAfter time.Duration
	switch res.status {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		if res.err == nil {
			retryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
		}
	}
	policy := c.t.policy
	next := pacing{delay: max(policy.Backoff(c.retries+1), retryAfter)}
	if retryAfter > policy.MaxDelay {
		next.stop = "Retry-After beyond the policy's MaxDelay"
	} else if dl, ok := c.ctx.Deadline(); ok && time.Until(dl) < next.delay {
		next.stop = "the context deadline comes before the next try"
	}
	return next
}

// whyNot says, in the try log's words, why retry.Decide did not resend s.
func whyNot(s retry.Situation, next pacing) string {
	switch {
	case s.CtxDone:
		return "context done"
	case s.Outcome != status.Unknown:
		return "answered"
	case next.stop != "":
		return next.stop
	}
	return "attempt budget spent"
}

// logTry writes the one Debug entry of a try: no bodies, no header values.
func (c *call) logTry(res tryResult, again bool, why string) {
	ce := c.t.log.Check(zap.DebugLevel, "provider http try")
	if ce == nil {
		return
	}
	fields := make([]zap.Field, 0, 9+len(c.r.IDs))
	fields = append(fields,
		zap.String("provider", c.t.provider),
		zap.String("op", string(c.r.Op)),
		zap.String("method", c.method),
		zap.String("path", c.path),
		zap.Int("attempt", res.n),
	)
	if res.status != 0 {
		fields = append(fields, zap.Int("status", res.status))
	}
	if class := res.class(); class != "" {
		fields = append(fields, zap.String("error", class))
	}
	fields = append(fields, zap.String("decision", why))
	if again {
		fields = append(fields, zap.Duration("retry_in", c.nextDelay))
	}
	fields = append(fields, c.r.IDs...)
	ce.Write(fields...)
}

// class names a failed try's kind for the log, without its text.
func (tr tryResult) class() string {
	switch {
	case tr.overflow:
		return "body_too_large"
	case tr.insecure != "":
		return "tls_below_1.2"
	case tr.err == nil:
		return ""
	case !tr.sent:
		return "not_sent"
	case tr.status != 0:
		return "body_read_error"
	case isTimeout(tr.err):
		return "timeout_after_send"
	}
	return "connection_error_after_send"
}

// safeErr strips the query from the URL that *url.Error prints: paygate errors never carry one.
func (c *call) safeErr(err error) error {
	if ue, ok := err.(*url.Error); ok {
		cp := *ue
		u := *c.url
		u.RawQuery = ""
		cp.URL = u.String()
		return &cp
	}
	return err
}

// result turns the recorded tries into Do's return values.
func (c *call) result(doErr error) (*Response, error) {
	t, last := c.t, c.last
	if c.tries == 0 {
		return nil, t.notSent(c.r.Op, status.CodeUnavailable, "the request could not be sent; nothing was sent", c.safeErr(doErr))
	}
	if resp := last.resp; resp != nil { // made by checkRetry for this try alone: completed in place
		resp.Attempts = c.tries
		resp.EarlierUnknown = c.earlierUnknown
		resp.RetryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
		return resp, nil
	}
	cause := last.err
	if doErr != nil && cause != nil && !errors.Is(cause, doErr) && (errors.Is(doErr, context.Canceled) || errors.Is(doErr, context.DeadlineExceeded)) {
		cause = errors.Join(cause, doErr) // the context ended while waiting to retry
		if errors.Is(doErr, context.DeadlineExceeded) {
			c.timeout = true
		}
	}
	if c.signErr != nil {
		cause = errors.Join(cause, fmt.Errorf("signing the retry: %w", c.signErr))
	}
	tries := plural(c.tries, "try", "tries")
	if last.overflow {
		return nil, &paygate.Error{
			Provider: t.provider, Op: c.r.Op, Outcome: status.Unknown, Code: status.CodeProviderError,
			HTTPStatus: last.status,
			Message: fmt.Sprintf("the response body is over the %d-byte cap (MaxBodyBytes), so the request may have been processed; inquire with the same request ids",
				t.maxBody),
			Err: cause,
		}
	}
	if last.insecure != "" {
		return nil, &paygate.Error{
			Provider: t.provider, Op: c.r.Op, Outcome: status.Unknown, Code: status.CodeUnavailable,
			Message: fmt.Sprintf("%s, so the answer is not trusted and the request may have been processed. Set the TLS MinVersion of HTTPClient's RoundTripper to tls.VersionTLS12 or later (or use an *http.Transport), then inquire or resend with the same request ids",
				last.insecure),
			Err: cause,
		}
	}
	if !c.anySent {
		return nil, &paygate.Error{
			Provider: t.provider, Op: c.r.Op, Outcome: status.Failure, Code: status.CodeUnavailable,
			Message: fmt.Sprintf("could not connect to %s (%s); nothing was sent. Check the provider's base URL and the network; the same request may be sent again%s",
				t.provider, tries, elsewhere(c.r.Op)),
			Err: fmt.Errorf("%w: %w", retry.ErrNotSent, cause),
		}
	}
	code := status.CodeUnavailable
	if c.timeout {
		code = status.CodeTimeout
	}
	first := c.firstSent
	var why error
	switch {
	case first.n == last.n:
		why = cause // the last try, with how the tries ended (the context, a failed signing)
	case first.err != nil:
		why = first.err
	case first.overflow:
		why = fmt.Errorf("try %d: HTTP %d with a body over the cap", first.n, first.status)
	default:
		why = fmt.Errorf("try %d: HTTP %d", first.n, first.status)
	}
	if first.n != last.n {
		why = errors.Join(why, fmt.Errorf("last try: %w", cause))
	}
	return nil, &paygate.Error{
		Provider: t.provider, Op: c.r.Op, Outcome: status.Unknown, Code: code, HTTPStatus: last.status,
		Message: fmt.Sprintf("the request may have reached %s but no answer arrived (%s); resend it with the same request ids or inquire, never treat it as failed",
			t.provider, tries),
		Err: why,
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

func isTimeout(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// parseRetryAfter reads a Retry-After header: delay-seconds or an HTTP-date. Absent, malformed or
// past values are 0.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil || (errors.Is(err, strconv.ErrRange) && isInteger(v)) {
		// Out of int64's range, ParseInt returns ±MaxInt64: a wait longer than any policy allows
		// is kept as the longest Duration, never dropped to 0 (which would resend at once).
		if secs <= 0 {
			return 0
		}
		if secs > int64(math.MaxInt64/time.Second) {
			return time.Duration(math.MaxInt64)
		}
		return time.Duration(secs) * time.Second
	}
	if when, err := http.ParseTime(v); err == nil && when.After(now) {
		return when.Sub(now)
	}
	return 0
}

// isInteger reports whether s is an optional sign and decimal digits. (ParseInt reports a range error
// as soon as the digits overflow, before it reaches a character that is not a digit.)
func isInteger(s string) bool {
	if s != "" && (s[0] == '+' || s[0] == '-') {
		s = s[1:]
	}
	return s != "" && strings.Trim(s, "0123456789") == ""
}

// elsewhere is what else a caller may do with a request that was never sent: a new payment may go to
// another provider; a follow-up (capture, cancel, refund, inquiry) belongs to the payment's provider.
func elsewhere(op paygate.Op) string {
	if op == paygate.OpCreate {
		return " or another provider tried"
	}
	return ""
}
