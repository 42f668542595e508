package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/money"
	"github.com/paygate-go/paygate/provider"
	"github.com/paygate-go/paygate/provider/registry"
	"github.com/paygate-go/paygate/provider/sim"
	"github.com/paygate-go/paygate/retry"
	"github.com/paygate-go/paygate/route"
	"github.com/paygate-go/paygate/status"
)

// The demo's retry policy and client timeout: the real shape, with waits shrunk so the demo is quick.
var (
	demoPolicy  = retry.Policy{MaxAttempts: 3, BaseDelay: 10 * time.Millisecond, MaxDelay: 100 * time.Millisecond, ResolveFor: time.Second}
	demoTimeout = 3 * time.Second
)

// demoCast are the registered providers the scripted story features, by the part they play: data
// the steps read (each step uses its provider's methods and currencies). Every registered provider
// is set up, routed to and receives webhooks; the story needs only these.
var demoCast = struct {
	wallet   string // an e-wallet payment paid then refunded in two parts; a QRIS payment cancelled
	cashier  string // a cashier payment the wallet declines; a create whose replies are lost
	qr       string // a KHQR payment the customer abandons, found by the provider's id only
	card     string // a card confirmed on the server with the provider's test card; a declined test card
	primary  string // the router's first target for USD: down, then unknown
	fallback string // the router's second target
}{wallet: "waffo", cashier: "antom", qr: "vai247", card: "stripe", primary: "waffo", fallback: "antom"}

// demo is one run of the checkout demo: the simulators, an adapter per provider built from the
// simulators' credentials (as a merchant builds them), a router over them and a webhook receiver.
type demo struct {
	sims     *simulators
	adapters map[string]provider.Adapter
	direct   map[string]paygate.Gateway // each adapter under retry.Wrap
	router   *route.Router
	hooks    *httptest.Server
	notify   string

	mu     sync.Mutex
	events map[string]int // verified webhook events per provider

	rows     []demoRow
	actions  []string
	notes    []string // lines printed under the table: a story the registered providers cannot show
	problems []string
}

// demoRow is one line of the demo's table.
type demoRow struct {
	step, provider, id, status, outcome, attempts, how string
}

func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) (int, error) {
	fs := flag.NewFlagSet("paygate demo", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `usage: paygate demo

Runs checkouts against the built-in Waffo, Antom, VAI247 and Stripe simulators on loopback (real
HTTP and signatures; no credentials needed, no money moves), then through a router, and prints a table:
  - Waffo: a payment that is paid, partly refunded, then refunded in full
  - Antom: a payment the channel declines; VAI247: one the customer abandons (it expires)
  - Waffo: a payment cancelled before it is paid
  - Stripe: a card the server confirms with a test card (SUCCEEDED at once), then refunded; and a
    declined test card (F DECLINED: no money moved)
  - authorize now, capture later, at the first provider offering manual capture and the void: a
    payment the customer authorizes (AUTHORIZED) that is then captured (SUCCEEDED, captured exact),
    and one whose hold is released (CANCELED); a line says so when no provider offers it
  - Antom: a create whose reply is lost, resolved by inquiry
  - Router: a create that fails over to Antom when Waffo refuses it, and one whose outcome stays
    unknown (U) and is not moved to another provider, then settled by resending the same id
and the webhooks each adapter received and verified. Exit 0 when every step ends as it should.

It takes no flags.
`)
	}
	if err := parseFlags(fs, args, stderr); err != nil {
		return exitUsage, err
	}
	d, err := newDemo()
	if err != nil {
		return exitFailure, err
	}
	defer d.close()
	var titles []string
	for _, e := range registry.All() {
		titles = append(titles, e.Adapter.Title)
	}
	fmt.Fprintf(stdout, "paygate demo: checkouts against the %s simulators (real HTTP and signatures on loopback), then through a router.\n", registry.Choice(titles, "and"))
	fmt.Fprintln(stdout)
	for _, step := range []func(context.Context) error{d.waffoPaidAndRefunded, d.antomFails, d.vai247Abandoned, d.waffoCancelled, d.cardOnServer, d.authorizeCaptureVoid, d.antomLostReply, d.routedFailover, d.routedUnknownStays} {
		if err := step(ctx); err != nil {
			return exitFailure, err
		}
	}
	d.waitForWebhooks(ctx)
	d.print(stdout)
	if len(d.problems) > 0 {
		fmt.Fprintln(stdout)
		for _, p := range d.problems {
			fmt.Fprintln(stdout, "PROBLEM: "+p)
		}
		return exitFailure, fmt.Errorf("%d step(s) did not end as a checkout should", len(d.problems))
	}
	return exitOK, nil
}

func newDemo() (d *demo, err error) {
	for _, name := range []string{demoCast.wallet, demoCast.cashier, demoCast.qr, demoCast.card, demoCast.primary, demoCast.fallback} {
		if _, ok := registry.Lookup(name); !ok {
			return nil, fmt.Errorf("the demo features %s, which is not registered", name)
		}
	}
	d = &demo{adapters: map[string]provider.Adapter{}, direct: map[string]paygate.Gateway{}, events: map[string]int{}}
	defer func() {
		if err != nil {
			d.close()
		}
	}()
	// The webhook receiver first: providers whose notification URL is set in their dashboard get
	// theirs when their simulator starts. Its routes are added once the adapters exist.
	mux := http.NewServeMux()
	d.hooks = httptest.NewServer(mux)
	d.notify = d.hooks.URL + "/notify"
	urls := map[string]string{}
	for _, e := range registry.All() {
		if e.Simulator.DashboardWebhook {
			urls[e.Name()] = d.hooks.URL + "/" + e.Name()
		}
	}
	if d.sims, err = startSimulators(simOptions{webhookSpeedup: 1000, webhookURLs: urls}); err != nil {
		return nil, err
	}

	// Webhooks: each adapter's own handler verifies the signature before the demo counts the event.
	count := func(provider string) func(context.Context, *paygate.Event) error {
		return func(context.Context, *paygate.Event) error {
			d.mu.Lock()
			d.events[provider]++
			d.mu.Unlock()
			return nil
		}
	}
	client := &http.Client{Timeout: demoTimeout}
	var perRequest []http.Handler
	for _, e := range registry.All() {
		env := d.sims.running[e.Name()].Env()
		a, err := e.Adapter.Open(func(k string) string { return env[k] }, provider.Common{HTTPClient: client, Retry: demoPolicy})
		if err != nil {
			return nil, fmt.Errorf("%s adapter: %w", e.Name(), err)
		}
		d.adapters[e.Name()], d.direct[e.Name()] = a, retry.Wrap(a, demoPolicy)
		if e.Simulator.DashboardWebhook {
			mux.Handle("/"+e.Name(), a.WebhookHandler(count(e.Name())))
		} else {
			perRequest = append(perRequest, a.WebhookHandler(count(e.Name())))
		}
	}
	mux.Handle("/notify", sim.FirstAccepting(perRequest...))

	providers := map[string]paygate.Gateway{}
	for name, a := range d.adapters {
		providers[name] = a
	}
	d.router, err = route.New(route.Config{
		Providers: providers,
		Rules: []route.Rule{{Name: "usd", Currencies: []string{"USD"}, Targets: []route.Target{
			{Provider: demoCast.primary, Priority: 0}, {Provider: demoCast.fallback, Priority: 1}}}},
		Retry:   demoPolicy,
		Breaker: route.BreakerSettings{Failures: 50},
	})
	if err != nil {
		return nil, fmt.Errorf("router: %w", err)
	}
	return d, nil
}

func (d *demo) close() {
	for _, a := range d.adapters {
		a.Close()
	}
	if d.hooks != nil {
		d.hooks.Close()
	}
	if d.sims != nil {
		d.sims.close()
	}
}

// call runs one operation with a retry.Report and records its row; want is the status the step
// expects ("" to skip the check), so a demo that goes wrong says so instead of printing a table.
func (d *demo) call(ctx context.Context, step, provider, id string, want string, fn func(ctx context.Context) (string, error)) (string, error) {
	var rep retry.Report
	st, err := fn(retry.WithReport(ctx, &rep))
	outcome := paygate.OutcomeOf(err)
	row := demoRow{step: step, provider: provider, id: id, status: st, outcome: string(outcome), attempts: attempts(rep)}
	switch {
	case err == nil && rep.Resolved:
		row.how = "resolved by inquiry"
	case err == nil:
		row.how = "answered"
	default:
		row.status = string(paygate.CodeOf(err))
		row.how = describeError(err)
	}
	d.rows = append(d.rows, row)
	if want != "" && (err != nil || st != want) {
		got := st
		if err != nil {
			got = fmt.Sprintf("%s %s", outcome, err)
		}
		d.problems = append(d.problems, fmt.Sprintf("%s %s (%s): want %s, got %s", provider, step, id, want, got))
	}
	return st, err
}

func attempts(r retry.Report) string {
	s := fmt.Sprintf("%d send", r.Sends)
	if r.Sends != 1 {
		s += "s"
	}
	if r.Inquiries > 0 {
		s += fmt.Sprintf(" + %d inquiry", r.Inquiries)
		if r.Inquiries > 1 {
			s = strings.TrimSuffix(s, "y") + "ies"
		}
	}
	return s
}

func describeError(err error) string {
	var pe *paygate.Error
	if !errors.As(err, &pe) {
		return err.Error()
	}
	s := string(pe.Outcome) + " " + string(pe.Code)
	if pe.ProviderCode != "" {
		s += " (" + pe.Provider + " " + pe.ProviderCode + ")"
	}
	return s
}

func (d *demo) create(ctx context.Context, gw paygate.Gateway, step, provider string, req *paygate.CreateRequest, want status.Payment) (*paygate.Payment, error) {
	var p *paygate.Payment
	_, err := d.call(ctx, step, provider, req.PaymentRequestID, string(want), func(ctx context.Context) (string, error) {
		var err error
		p, err = gw.Create(ctx, req)
		if err != nil {
			return "", err
		}
		return string(p.Status), nil
	})
	if err == nil && p.Action != nil {
		shown := p.Action.URL
		if p.Action.Kind == paygate.ActionQRCode {
			shown = p.Action.QRCode
		}
		d.actions = append(d.actions, fmt.Sprintf("%-7s %-22s %-8s %s", p.Provider, req.PaymentRequestID, p.Action.Kind, shown))
	}
	return p, err
}

func (d *demo) inquire(ctx context.Context, gw paygate.Gateway, step, provider string, req *paygate.InquireRequest, want status.Payment) (*paygate.Payment, error) {
	var p *paygate.Payment
	id := req.PaymentRequestID
	if id == "" {
		id = req.ProviderPaymentID
	}
	_, err := d.call(ctx, step, provider, id, string(want), func(ctx context.Context) (string, error) {
		var err error
		p, err = gw.Inquire(ctx, req)
		if err != nil {
			return "", err
		}
		return string(p.Status), nil
	})
	return p, err
}

func (d *demo) refund(ctx context.Context, gw paygate.Gateway, step, provider string, req *paygate.RefundRequest) (*paygate.Refund, error) {
	var f *paygate.Refund
	_, err := d.call(ctx, step, provider, req.RefundRequestID, "", func(ctx context.Context) (string, error) {
		var err error
		f, err = gw.Refund(ctx, req)
		if err != nil {
			return "", err
		}
		return string(f.Status), nil
	})
	if err != nil {
		d.problems = append(d.problems, fmt.Sprintf("%s %s: %v", provider, step, err))
	}
	return f, err
}

func (d *demo) settle(ctx context.Context, provider, paymentRequestID string, st sim.Settlement) error {
	s, err := d.sims.byName(provider)
	if err != nil {
		return err
	}
	if err := s.Settle(ctx, paymentRequestID, st); err != nil {
		return fmt.Errorf("the %s customer could not %s: %w", provider, st, err)
	}
	return nil
}

func mustAmount(value, currency string) money.Amount {
	a, err := money.Parse(value, currency)
	if err != nil {
		panic(err) // the demo's own constants
	}
	return a
}

func (d *demo) checkout(id, value, currency string) *paygate.CreateRequest {
	return &paygate.CreateRequest{
		PaymentRequestID: id, MerchantOrderID: "order-" + id, Amount: mustAmount(value, currency),
		Description: "paygate demo order", NotifyURL: d.notify, ReturnURL: "https://shop.example/return",
		Customer: paygate.Customer{ID: "cust-42", Email: "buyer@example.com", Country: "ID"},
	}
}

// waffoPaidAndRefunded: an e-wallet payment at the wallet provider, paid, then refunded in two parts.
func (d *demo) waffoPaidAndRefunded(ctx context.Context) error {
	gw := d.direct[demoCast.wallet]
	req := d.checkout("demo-waffo-paid", "149000", "IDR")
	req.Method = paygate.Method{Type: "EWALLET", Name: "DANA"}
	if _, err := d.create(ctx, gw, "create (e-wallet)", demoCast.wallet, req, status.PaymentRequiresAction); err != nil {
		return nil // recorded as a problem
	}
	if err := d.settle(ctx, demoCast.wallet, req.PaymentRequestID, sim.Pay); err != nil {
		return err
	}
	if _, err := d.inquire(ctx, gw, "customer pays; inquire", demoCast.wallet, &paygate.InquireRequest{PaymentRequestID: req.PaymentRequestID}, status.PaymentSucceeded); err != nil {
		return nil
	}
	first := &paygate.RefundRequest{RefundRequestID: "demo-waffo-refund-1", PaymentRequestID: req.PaymentRequestID,
		Amount: mustAmount("49000", "IDR"), Reason: "one item returned", NotifyURL: d.notify}
	if _, err := d.refund(ctx, gw, "partial refund 49000 IDR", demoCast.wallet, first); err != nil {
		return nil
	}
	rest := &paygate.RefundRequest{RefundRequestID: "demo-waffo-refund-2", PaymentRequestID: req.PaymentRequestID,
		Amount: mustAmount("100000", "IDR"), Reason: "order cancelled", NotifyURL: d.notify}
	if _, err := d.refund(ctx, gw, "refund the rest 100000", demoCast.wallet, rest); err != nil {
		return nil
	}
	_, _ = d.call(ctx, "inquire the first refund", demoCast.wallet, first.RefundRequestID, string(status.RefundSucceeded), func(ctx context.Context) (string, error) {
		f, err := gw.InquireRefund(ctx, &paygate.InquireRefundRequest{RefundRequestID: first.RefundRequestID})
		if err != nil {
			return "", err
		}
		return string(f.Status), nil
	})
	return nil
}

// antomFails: a cashier payment at the cashier provider that the customer's wallet declines.
func (d *demo) antomFails(ctx context.Context) error {
	gw := d.direct[demoCast.cashier]
	req := d.checkout("demo-antom-failed", "25.00", "USD")
	if _, err := d.create(ctx, gw, "create (cashier)", demoCast.cashier, req, status.PaymentRequiresAction); err != nil {
		return nil
	}
	if err := d.settle(ctx, demoCast.cashier, req.PaymentRequestID, sim.Fail); err != nil {
		return err
	}
	_, _ = d.inquire(ctx, gw, "payment fails; inquire", demoCast.cashier, &paygate.InquireRequest{PaymentRequestID: req.PaymentRequestID}, status.PaymentFailed)
	return nil
}

// vai247Abandoned: a KHQR payment at the QR provider that the customer never scans.
func (d *demo) vai247Abandoned(ctx context.Context) error {
	gw := d.direct[demoCast.qr]
	req := d.checkout("demo-vai247-abandoned", "12.50", "USD")
	req.NotifyURL = ""
	p, err := d.create(ctx, gw, "create (KHQR)", demoCast.qr, req, status.PaymentRequiresAction)
	if err != nil {
		return nil
	}
	if err := d.settle(ctx, demoCast.qr, req.PaymentRequestID, sim.Expire); err != nil {
		return err
	}
	// The QR provider finds orders by its own id only.
	_, _ = d.inquire(ctx, gw, "abandons; inquire by "+title(demoCast.qr)+" id", demoCast.qr, &paygate.InquireRequest{ProviderPaymentID: p.ProviderPaymentID}, status.PaymentExpired)
	return nil
}

// cardOnServer: at the card provider, a card payment the server confirms at create with the
// provider's test card (a Method.Name naming a saved payment method) succeeds at once and is refunded;
// one with a test card the issuer declines is F DECLINED, and no money moved.
func (d *demo) cardOnServer(ctx context.Context) error {
	gw := d.direct[demoCast.card]
	req := d.checkout("demo-stripe-card", "42.00", "USD")
	req.Method = paygate.Method{Type: "CARD", Name: "pm_card_visa"}
	if _, err := d.create(ctx, gw, "create (card, confirmed)", demoCast.card, req, status.PaymentSucceeded); err != nil {
		return nil
	}
	if _, err := d.refund(ctx, gw, "refund 10.00 USD of 42.00", demoCast.card, &paygate.RefundRequest{RefundRequestID: "demo-stripe-refund",
		PaymentRequestID: req.PaymentRequestID, Amount: mustAmount("10.00", "USD"), Reason: "customer returned one item"}); err != nil {
		return nil
	}
	declined := d.checkout("demo-stripe-declined", "42.00", "USD")
	declined.Method = paygate.Method{Type: "CARD", Name: "pm_card_chargeDeclined"}
	_, err := d.create(ctx, gw, "create (declined card)", demoCast.card, declined, "")
	if paygate.OutcomeOf(err) != status.Failure || paygate.CodeOf(err) != status.CodeDeclined {
		d.problems = append(d.problems, fmt.Sprintf("%s declined card: want F DECLINED, got %s %v", demoCast.card, paygate.OutcomeOf(err), err))
	}
	return nil
}

// waffoCancelled: the merchant cancels an unpaid order at the wallet provider.
func (d *demo) waffoCancelled(ctx context.Context) error {
	gw := d.direct[demoCast.wallet]
	req := d.checkout("demo-waffo-cancel", "75000", "IDR")
	req.Method = paygate.Method{Type: "QR", Name: "QRIS"}
	if _, err := d.create(ctx, gw, "create (QRIS)", demoCast.wallet, req, status.PaymentRequiresAction); err != nil {
		return nil
	}
	_, _ = d.call(ctx, "merchant cancels", demoCast.wallet, req.PaymentRequestID, string(status.PaymentCanceled), func(ctx context.Context) (string, error) {
		p, err := gw.Cancel(ctx, &paygate.CancelRequest{PaymentRequestID: req.PaymentRequestID, Reason: "customer changed their mind"})
		if err != nil {
			return "", err
		}
		return string(p.Status), nil
	})
	return nil
}

// antomLostReply: the cashier provider creates the payment but its replies are lost, to the first send and to the
// transport's resends; retry.Wrap then resolves the create by inquiry with the same id, and its
// ledger shows one payment, not several.
func (d *demo) antomLostReply(ctx context.Context) error {
	gw := d.direct[demoCast.cashier]
	req := d.checkout("demo-antom-lost-reply", "40.00", "USD")
	d.sims.running[demoCast.cashier].Inject(sim.Fault{Op: paygate.OpCreate, Kind: sim.LoseReply, Times: demoPolicy.MaxAttempts})
	if _, err := d.create(ctx, gw, "create; replies lost", demoCast.cashier, req, status.PaymentRequiresAction); err != nil {
		return nil
	}
	ledger := d.sims.running[demoCast.cashier].Ledger()
	n := len(ledger.Orders(req.PaymentRequestID))
	row := &d.rows[len(d.rows)-1]
	if row.outcome == string(status.Success) {
		row.how = fmt.Sprintf("%d replies lost, same id resent; %s; %s holds %d payment for %d requests",
			demoPolicy.MaxAttempts, row.how, title(demoCast.cashier), n, ledger.Requests(paygate.OpCreate, req.PaymentRequestID))
	}
	if n != 1 {
		d.problems = append(d.problems, fmt.Sprintf("%s: %d payments for %s after lost replies, want exactly 1", demoCast.cashier, n, req.PaymentRequestID))
	}
	return nil
}

// routedFailover: the router sends a USD payment to its primary first; the primary refuses it with
// its simulator's FailoverCode (Waffo's C0001, a definite F UNAVAILABLE), so the router moves it,
// with the same id, to the fallback.
func (d *demo) routedFailover(ctx context.Context) error {
	req := d.checkout("demo-routed-failover", "30.00", "USD")
	primary, _ := registry.Lookup(demoCast.primary)
	code := primary.Simulator.FailoverCode
	d.sims.running[demoCast.primary].Inject(sim.Fault{Op: paygate.OpCreate, Kind: sim.ReplyCode, Code: code})
	_, cands := d.router.Candidates(req)
	p, err := d.create(ctx, d.router, "routed create", "router", req, status.PaymentRequiresAction)
	if err != nil {
		return nil
	}
	row := &d.rows[len(d.rows)-1]
	row.provider = p.Provider
	if len(cands) > 0 && p.Provider != cands[0] {
		row.how = fmt.Sprintf("%s refused it (%s, %s); failed over to %s", cands[0], meaning(primary.Adapter, code), code, p.Provider)
	} else {
		d.problems = append(d.problems, fmt.Sprintf("router: the payment stayed at %s although it was down", p.Provider))
	}
	if n := len(d.sims.running[demoCast.primary].Ledger().Orders(req.PaymentRequestID)); n != 0 {
		d.problems = append(d.problems, fmt.Sprintf("router: %s holds %d orders for the failed-over payment, want 0", demoCast.primary, n))
	}
	return nil
}

// routedUnknownStays: the primary answers only its UnknownCode (Waffo's E0001: outcome unknown). A U
// never moves to another provider (the first may have taken the payment): the router returns U, and
// the same request later lands at the primary, the only place it was sent.
func (d *demo) routedUnknownStays(ctx context.Context) error {
	req := d.checkout("demo-routed-unknown", "18.00", "USD")
	primary, _ := registry.Lookup(demoCast.primary)
	code := primary.Simulator.UnknownCode
	psim := d.sims.running[demoCast.primary]
	psim.Inject(sim.Fault{Op: paygate.OpCreate, Kind: sim.ReplyCode, Code: code, Times: 100})
	psim.Inject(sim.Fault{Op: paygate.OpInquire, Kind: sim.ReplyCode, Code: code, Times: 100})
	_, err := d.create(ctx, d.router, "routed create", "router", req, "")
	row := &d.rows[len(d.rows)-1]
	row.provider = demoCast.primary
	if paygate.OutcomeOf(err) != status.Unknown {
		d.problems = append(d.problems, fmt.Sprintf("router: %s everywhere gave %s, want U", code, paygate.OutcomeOf(err)))
		return nil
	}
	row.how = code + " on every try: U returned, not moved"
	if n := len(d.sims.running[demoCast.fallback].Ledger().Orders(req.PaymentRequestID)); n != 0 {
		d.problems = append(d.problems, "router: an unknown create moved to "+demoCast.fallback)
	}
	psim.ClearFaults()
	p, err := d.create(ctx, d.router, "same id, resent later", "router", req, status.PaymentRequiresAction)
	if err == nil {
		row := &d.rows[len(d.rows)-1]
		row.provider = p.Provider
		if p.Provider != demoCast.primary {
			d.problems = append(d.problems, fmt.Sprintf("router: the unknown create was resolved at %s, want %s", p.Provider, demoCast.primary))
		}
		if n := len(psim.Ledger().Orders(req.PaymentRequestID)); n != 1 {
			d.problems = append(d.problems, fmt.Sprintf("router: %s holds %d orders for %s, want 1", demoCast.primary, n, req.PaymentRequestID))
		}
	}
	return nil
}

// waitForWebhooks gives the simulators' notifications a moment to arrive: until none has arrived for
// 300 ms, at most 3 s.
func (d *demo) waitForWebhooks(ctx context.Context) {
	total := func() int {
		d.mu.Lock()
		defer d.mu.Unlock()
		n := 0
		for _, v := range d.events {
			n += v
		}
		return n
	}
	deadline := time.Now().Add(3 * time.Second)
	last, quietSince := total(), time.Now()
	for time.Now().Before(deadline) && ctx.Err() == nil {
		time.Sleep(50 * time.Millisecond)
		if n := total(); n != last {
			last, quietSince = n, time.Now()
		} else if time.Since(quietSince) >= 300*time.Millisecond {
			return
		}
	}
}

func (d *demo) print(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "STEP\tPROVIDER\tREQUEST ID\tSTATUS\tOUTCOME\tATTEMPTS\tHOW RESOLVED")
	for _, r := range d.rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.step, r.provider, r.id, r.status, r.outcome, r.attempts, r.how)
	}
	_ = tw.Flush()
	for _, n := range d.notes {
		fmt.Fprintln(w)
		fmt.Fprintln(w, n)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "What the customer was shown:")
	for _, a := range d.actions {
		fmt.Fprintln(w, "  "+a)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	var counts []string
	for _, name := range registry.Names() {
		counts = append(counts, fmt.Sprintf("%s %d", name, d.events[name]))
	}
	fmt.Fprintf(w, "\nWebhooks received and verified: %s.\n", strings.Join(counts, ", "))
	fmt.Fprintln(w, "Outcomes: S = done, F = definitely not done, U = unknown (resend with the same id or inquire; never treat as failed).")
}

// title is a registered provider's name in prose ("VAI247").
func title(name string) string {
	e, _ := registry.Lookup(name)
	return e.Adapter.Title
}

// meaning is what the adapter makes of a provider code, from its code table: "F UNAVAILABLE".
func meaning(spec provider.Spec, code string) string {
	for _, m := range spec.Codes {
		if m.ProviderCode == code {
			return string(m.Outcome) + " " + string(m.Code)
		}
	}
	return "F"
}
