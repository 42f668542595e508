package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"html/template"
	"io"
	"net"
	"net/http"
	"net/url"
	"os/exec"
	"runtime"
	"slices"
	"sync"
	"syscall"
	"time"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/money"
	"github.com/paygate-go/paygate/provider"
	"github.com/paygate-go/paygate/provider/registry"
	"github.com/paygate-go/paygate/retry"
	"github.com/paygate-go/paygate/status"
)

// checkoutProduct is what the example shop sells: one product at a price every registered provider
// is asked about (a provider whose Capabilities.Currencies lacks its currency gets no button).
var checkoutProduct = struct {
	Name  string
	Price money.Amount
}{Name: "paygate enamel mug", Price: money.MustParse("25.00", "USD")}

// checkoutWebhookWait is how long the return page waits for the payment's verified webhook before it
// renders: the simulators send it as the customer clicks, so it is usually there already; the page
// reloads itself while it is not.
var checkoutWebhookWait = 3 * time.Second

func runCheckout(ctx context.Context, args []string, stdout, stderr io.Writer) (int, error) {
	fs := flag.NewFlagSet("paygate checkout", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `usage: paygate checkout [--addr 127.0.0.1:0] [--open=false]

Runs a tiny merchant site on loopback over the built-in provider simulators (no credentials, no
network, no money moves): a product page with a "Pay with …" button per provider. A button creates
the payment through the provider's adapter and sends the browser to the simulator's payment page;
its Pay, Fail and Cancel buttons settle the payment, the simulator sends its signed webhook to the
site (verified by the adapter's own handler) and brings the browser back to the site's return page,
which shows the payment's status from Inquire and whether the verified webhook arrived.
Ctrl-C stops it.

`)
		fs.PrintDefaults()
	}
	addr := fs.String("addr", "127.0.0.1:0", "the site's loopback address HOST:PORT (port 0: a free one; the URL is printed)")
	open := fs.Bool("open", true, "open the site in the desktop's browser (xdg-open, open or start)")
	if err := parseFlags(fs, args, stderr); err != nil {
		return exitUsage, err
	}
	site, err := startCheckout(*addr)
	if err != nil {
		return exitUsage, err
	}
	defer site.close()
	fmt.Fprintf(stdout, "paygate checkout: the shop is at %s (Ctrl-C stops it)\n", site.url)
	for _, name := range site.names {
		fmt.Fprintf(stdout, "  %-7s simulator %s, webhooks to %s\n", name, site.sims.running[name].BaseURL(), site.webhookURL(name))
	}
	if *open {
		if err := openBrowser(site.url); err != nil {
			fmt.Fprintf(stderr, "paygate checkout: could not open a browser (%v); open %s yourself\n", err, site.url)
		}
	}
	<-ctx.Done()
	fmt.Fprintln(stdout, "paygate checkout: stopped")
	return exitOK, nil
}

// openBrowser asks the desktop to open url. It does not wait for the browser.
func openBrowser(url string) error {
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "darwin":
		cmd = exec.Command("open", url)
	case "windows":
		cmd = exec.Command("rundll32", "url.dll,FileProtocolHandler", url)
	default:
		cmd = exec.Command("xdg-open", url)
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	go func() { _ = cmd.Wait() }() // reap it
	return nil
}

// checkoutSite is the example merchant: its HTTP server, the simulators, an adapter per provider and
// the orders and verified webhooks it has seen.
type checkoutSite struct {
	url      string
	names    []string // the registered providers, in order
	srv      *http.Server
	served   chan struct{} // closed when Serve returns
	sims     *simulators
	adapters map[string]provider.Adapter
	gateways map[string]paygate.Gateway // each adapter under retry.Wrap

	mu      sync.Mutex
	orders  map[string]*checkoutOrder // by payment request id
	newest  map[string]string         // the id of the latest order, by provider
	arrived chan struct{}             // closed and replaced whenever a webhook is recorded
}

// checkoutOrder is one payment the shop created and the verified webhooks it received for it.
type checkoutOrder struct {
	Provider          string
	PaymentRequestID  string
	ProviderPaymentID string
	Amount            money.Amount
	Webhooks          []status.Payment // the statuses of the verified payment webhooks, in arrival order
}

// startCheckout listens on addr (a busy or malformed address is a usage error), starts the
// simulators with the site as the webhook URL of the providers that take it from their dashboard,
// opens an adapter per provider and serves the site.
func startCheckout(addr string) (site *checkoutSite, err error) {
	const fix = "give a loopback HOST:PORT, e.g. --addr 127.0.0.1:8000, or leave the flag out for a free port"
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, usageError{fmt.Sprintf("--addr %q is not HOST:PORT (%v); %s", addr, err, fix)}
	}
	if !isLoopbackHost(host) {
		return nil, usageError{fmt.Sprintf("--addr %q: the shop listens on loopback only, as its simulators hold test keys; %s", addr, fix)}
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return nil, usageError{fmt.Sprintf("--addr %s: the port is in use; stop what holds it, pick another port, or leave the flag out for a free port", addr)}
		}
		return nil, usageError{fmt.Sprintf("--addr %s: cannot listen: %v; %s", addr, err, fix)}
	}
	s := &checkoutSite{
		url: "http://" + ln.Addr().String(), adapters: map[string]provider.Adapter{}, gateways: map[string]paygate.Gateway{},
		orders: map[string]*checkoutOrder{}, newest: map[string]string{}, arrived: make(chan struct{}), served: make(chan struct{}),
	}
	defer func() {
		if err != nil {
			_ = ln.Close()
			s.close()
		}
	}()
	hooks := map[string]string{}
	for _, e := range registry.All() {
		s.names = append(s.names, e.Name())
		if e.Simulator.DashboardWebhook {
			hooks[e.Name()] = s.webhookURL(e.Name())
		}
	}
	// The webhook retry schedules are shrunk as in the demo: a refused delivery comes again soon.
	if s.sims, err = startSimulators(simOptions{webhookSpeedup: 1000, webhookURLs: hooks}); err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	client := &http.Client{Timeout: demoTimeout}
	for _, e := range registry.All() {
		env := s.sims.running[e.Name()].Env()
		a, err := e.Adapter.Open(func(k string) string { return env[k] }, provider.Common{HTTPClient: client, Retry: demoPolicy})
		if err != nil {
			return nil, fmt.Errorf("%s adapter: %w", e.Name(), err)
		}
		s.adapters[e.Name()], s.gateways[e.Name()] = a, retry.Wrap(a, demoPolicy)
		// The adapter's own handler verifies the signature; only a verified event reaches record.
		mux.Handle("POST /webhooks/"+e.Name(), a.WebhookHandler(s.record))
	}
	mux.HandleFunc("GET /{$}", s.handleProduct)
	mux.HandleFunc("POST /checkout/{provider}", s.handleCheckout)
	mux.HandleFunc("GET /return/{id}", s.handleReturn)
	s.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		defer close(s.served)
		_ = s.srv.Serve(ln)
	}()
	return s, nil
}

// close stops the site, its adapters and its simulators.
func (s *checkoutSite) close() {
	if s.srv != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_ = s.srv.Shutdown(ctx)
		cancel()
		<-s.served
	}
	for _, a := range s.adapters {
		a.Close()
	}
	if s.sims != nil {
		s.sims.close()
	}
}

func (s *checkoutSite) webhookURL(name string) string { return s.url + "/webhooks/" + name }

// record is every adapter's webhook callback: it runs only for a notification whose signature the
// adapter verified. A payment event is kept with its order, matched by either id.
func (s *checkoutSite) record(_ context.Context, ev *paygate.Event) error {
	if ev.Payment == nil {
		return nil // a refund's: the shop makes none
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, o := range s.orders {
		if o.Provider == ev.Provider && (ev.Payment.PaymentRequestID != "" && ev.Payment.PaymentRequestID == o.PaymentRequestID ||
			ev.Payment.ProviderPaymentID != "" && ev.Payment.ProviderPaymentID == o.ProviderPaymentID) {
			o.Webhooks = append(o.Webhooks, ev.Payment.Status)
			close(s.arrived)
			s.arrived = make(chan struct{})
			return nil
		}
	}
	return nil // not one of this shop's payments (answered 2xx all the same: the provider need not resend it)
}

// order returns a copy of the order created under paymentRequestID.
func (s *checkoutSite) order(paymentRequestID string) (checkoutOrder, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.orders[paymentRequestID]
	if !ok {
		return checkoutOrder{}, false
	}
	c := *o
	c.Webhooks = slices.Clone(o.Webhooks)
	return c, true
}

// waitWebhook waits until the order has a verified webhook whose status is final, or until ctx ends,
// and returns the order as it then is.
func (s *checkoutSite) waitWebhook(ctx context.Context, paymentRequestID string) checkoutOrder {
	for {
		s.mu.Lock()
		arrived := s.arrived
		s.mu.Unlock()
		o, _ := s.order(paymentRequestID)
		if n := len(o.Webhooks); n > 0 && o.Webhooks[n-1].Final() {
			return o
		}
		select {
		case <-arrived:
		case <-ctx.Done():
			return o
		}
	}
}

// inquire asks the provider about the order: by the merchant's id where the provider finds payments
// by it, by the provider's id otherwise.
func (s *checkoutSite) inquire(ctx context.Context, o checkoutOrder) (*paygate.Payment, error) {
	req := &paygate.InquireRequest{ProviderPaymentID: o.ProviderPaymentID}
	if s.adapters[o.Provider].Capabilities().InquireByRequestID {
		req = &paygate.InquireRequest{PaymentRequestID: o.PaymentRequestID}
	}
	return s.gateways[o.Provider].Inquire(ctx, req)
}

// checkoutButton is one provider's button on the product page.
type checkoutButton struct {
	Name, Title string
	Refused     string // why the provider cannot take the product's currency; empty when it can
}

func (s *checkoutSite) handleProduct(w http.ResponseWriter, _ *http.Request) {
	var buttons []checkoutButton
	for _, name := range s.names {
		b := checkoutButton{Name: name, Title: title(name)}
		caps := s.adapters[name].Capabilities()
		if cur := checkoutProduct.Price.Currency(); caps.Currencies != nil && !slices.Contains(caps.Currencies, cur) {
			b.Refused = fmt.Sprintf("%s does not take %s", b.Title, cur)
		}
		buttons = append(buttons, b)
	}
	renderCheckout(w, http.StatusOK, "product", map[string]any{"Product": checkoutProduct, "Buttons": buttons})
}

// handleCheckout creates the payment at the provider the customer chose and sends the browser to
// what the provider answered: its redirect URL, or for a QR code or an app link (which a desktop
// browser cannot follow) the simulator's payment page, which shows them.
func (s *checkoutSite) handleCheckout(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("provider")
	gw, ok := s.gateways[name]
	if !ok {
		renderCheckout(w, http.StatusNotFound, "problem", map[string]any{"Problem": registry.UnknownError(name).Error()})
		return
	}
	id, err := newPaymentRequestID()
	if err != nil {
		renderCheckout(w, http.StatusInternalServerError, "problem", map[string]any{"Problem": err.Error()})
		return
	}
	req := &paygate.CreateRequest{
		PaymentRequestID: id, MerchantOrderID: "order-" + id, Amount: checkoutProduct.Price,
		Description: checkoutProduct.Name, NotifyURL: s.webhookURL(name), ReturnURL: s.url + "/return/" + id,
		Customer: paygate.Customer{ID: "cust-42", Email: "buyer@example.com", Country: "ID", Terminal: "WEB"},
	}
	if e, _ := registry.Lookup(name); e.Simulator.DashboardWebhook {
		req.NotifyURL = "" // the provider posts to the URL set in its dashboard (given to the simulator at start)
	}
	p, err := gw.Create(r.Context(), req)
	if err != nil {
		renderCheckout(w, http.StatusBadGateway, "problem", map[string]any{
			"Problem": fmt.Sprintf("%s refused the payment (%s): %v", title(name), paygate.OutcomeOf(err), err)})
		return
	}
	s.mu.Lock()
	s.orders[id] = &checkoutOrder{Provider: name, PaymentRequestID: id, ProviderPaymentID: p.ProviderPaymentID, Amount: p.Amount}
	s.newest[name] = id
	s.mu.Unlock()
	to := req.ReturnURL // nothing for the customer to do: the return page tells
	if a := p.Action; a != nil {
		switch {
		case a.Kind == paygate.ActionRedirect && a.URL != "":
			to = a.URL
		case a.Kind == paygate.ActionClientConfirm:
			// The provider's browser library (Stripe.js) would confirm the payment on this shop's
			// page and take the return URL from it (confirmParams.return_url); the simulator's page
			// stands in for that library and takes it the same way.
			to = s.sims.running[name].PageURL(p.ProviderPaymentID) + "?return_url=" + url.QueryEscape(req.ReturnURL)
		default:
			to = s.sims.running[name].PageURL(p.ProviderPaymentID)
		}
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

func newPaymentRequestID() (string, error) {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("a payment request id: %w", err)
	}
	return "shop-" + hex.EncodeToString(b), nil
}

// handleReturn is where the provider's page sends the customer back. It shows what Inquire says and
// whether the verified webhook arrived, waiting briefly for it; the query the provider adds is not
// trusted (anyone can type it), so it is not read.
func (s *checkoutSite) handleReturn(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if _, ok := s.order(id); !ok {
		renderCheckout(w, http.StatusNotFound, "problem", map[string]any{"Problem": fmt.Sprintf("this shop made no payment %q", id)})
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), checkoutWebhookWait)
	o := s.waitWebhook(ctx, id)
	cancel()
	data := map[string]any{"Order": o, "Title": title(o.Provider)}
	p, err := s.inquire(r.Context(), o)
	if err != nil {
		data["InquireError"] = fmt.Sprintf("%s: %v", paygate.OutcomeOf(err), err)
	} else {
		data["Payment"] = p
	}
	// Reload while the payment can still move. A final payment is not reloaded for a webhook still
	// missing: not every provider notifies every end (VAI247 documents no event for an expired order).
	data["Refresh"] = err != nil || !p.Status.Final()
	renderCheckout(w, http.StatusOK, "return", data)
}

// checkoutPages are the shop's pages; html/template escapes every value put into them.
var checkoutPages = template.Must(template.New("").Parse(`
{{define "head"}}<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
{{if .Refresh}}<meta http-equiv="refresh" content="2">{{end}}
<title>paygate example shop</title>
<style>
body{font:16px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:36rem;padding:0 1rem;color:#222}
h1{font-size:1.4rem} .price{font-size:1.6rem;font-weight:600}
button{font:inherit;padding:.5rem 1rem;margin:.25rem 0;border:1px solid #345;border-radius:.4rem;background:#f4f7fb;cursor:pointer;min-width:14rem}
.muted{color:#666;font-size:.9rem} dt{font-weight:600} dd{margin:0 0 .5rem 0}
</style></head><body>
<p class="muted">paygate example shop: the providers are local simulators; no money moves.</p>
{{end}}
{{define "foot"}}</body></html>
{{end}}
{{define "product"}}{{template "head" .}}<main id="shop-product">
<h1>{{.Product.Name}}</h1>
<p class="price" id="price">{{.Product.Price}}</p>
{{range .Buttons}}{{if .Refused}}<p><button id="pay-{{.Name}}" disabled>Pay with {{.Title}}</button> <span class="muted">{{.Refused}}</span></p>
{{else}}<form method="post" action="/checkout/{{.Name}}"><button id="pay-{{.Name}}" type="submit">Pay with {{.Title}}</button></form>
{{end}}{{end}}</main>{{template "foot" .}}{{end}}
{{define "return"}}{{template "head" .}}<main id="shop-return">
<h1>Your order</h1>
<dl>
<dt>Payment</dt><dd id="payment">{{.Order.PaymentRequestID}} at {{.Title}} ({{.Order.ProviderPaymentID}}), {{.Order.Amount}}</dd>
<dt>Status (Inquire)</dt><dd id="status">{{with .Payment}}{{.Status}}{{else}}unknown{{end}}</dd>
{{with .InquireError}}<dd id="inquire-error">{{.}}</dd>{{end}}
<dt>Webhook</dt><dd id="webhook">{{with .Order.Webhooks}}verified: {{range $i, $s := .}}{{if $i}}, {{end}}{{$s}}{{end}}{{else}}none received yet{{end}}</dd>
</dl>
<p><a href="/">Back to the shop</a></p></main>{{template "foot" .}}{{end}}
{{define "problem"}}{{template "head" .}}<main id="shop-problem"><h1>Something went wrong</h1>
<p id="error">{{.Problem}}</p><p><a href="/">Back to the shop</a></p></main>{{template "foot" .}}{{end}}
`))

func renderCheckout(w http.ResponseWriter, code int, page string, data map[string]any) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_ = checkoutPages.ExecuteTemplate(w, page, data)
}
