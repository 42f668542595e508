package main

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/money"
	"github.com/paygate-go/paygate/provider"
	"github.com/paygate-go/paygate/provider/registry"
	"github.com/paygate-go/paygate/retry"
	"github.com/paygate-go/paygate/status"
)

// errHelp: the user asked for a command's flags, which were printed.
var errHelp = errors.New("help shown")

// parseFlags parses args; a mistake is a usage error and -h prints the flags.
func parseFlags(fs *flag.FlagSet, args []string, stderr io.Writer) error {
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return errHelp
		}
		return usageError{err.Error()}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q (flags go before nothing else; see -h)", fs.Arg(0))}
	}
	return nil
}

// callFlags are the flags of the single-call commands.
type callFlags struct {
	creds credentialFlags

	paymentRequestID, providerPaymentID string
	refundRequestID, providerRefundID   string
	captureRequestID                    string
	paymentRequestIDLong                string // capture's --payment-request-id, the same as its --id
	captureMode                         string
	amount, currency                    string
	orderID, description                string
	notifyURL, returnURL                string
	email, country, customerID          string
	methodType, methodName              string
	reason                              string
	expiresIn                           time.Duration
	timeout                             time.Duration
	noRetry                             bool
}

func (c *callFlags) register(cmd string, fs *flag.FlagSet) {
	c.creds.register(fs)
	fs.DurationVar(&c.timeout, "timeout", 2*time.Minute, "give up after this long (the outcome is then U unless the provider answered)")
	fs.BoolVar(&c.noRetry, "no-retry", false, "send once: no resend and no inquiry to resolve an unknown outcome (the transport still retries what the provider dedupes)")
	switch cmd {
	case "create":
		fs.StringVar(&c.paymentRequestID, "id", "", "the payment request id; empty makes one, printed in the output. After a U, resend with it where the provider deduplicates creates (see below)")
		fs.StringVar(&c.amount, "amount", "", "the amount in major units, e.g. 10.50 (required)")
		fs.StringVar(&c.currency, "currency", "", "the ISO 4217 currency, e.g. USD (required)")
		fs.StringVar(&c.orderID, "order-id", "", "the merchant order id")
		fs.StringVar(&c.description, "description", "", "what is sold")
		fs.StringVar(&c.notifyURL, "notify-url", "", "where the provider posts the payment's webhooks")
		fs.StringVar(&c.returnURL, "return-url", "", "where the customer returns after paying")
		fs.StringVar(&c.email, "email", "", "the customer's email")
		fs.StringVar(&c.country, "country", "", "the customer's ISO 3166 country, e.g. ID")
		fs.StringVar(&c.customerID, "customer-id", "", "the merchant's customer id")
		fs.StringVar(&c.methodType, "method-type", "", "the payment method type, e.g. EWALLET, QR")
		fs.StringVar(&c.methodName, "method-name", "", "the payment method, e.g. DANA, GCASH")
		fs.DurationVar(&c.expiresIn, "expires-in", 0, "close the payment if unpaid after this long (0: the provider's default)")
		fs.StringVar(&c.captureMode, "capture", "automatic", "automatic: the money is taken when the customer pays; manual: paying only authorizes it (the payment ends AUTHORIZED) until 'paygate capture' takes it, or 'paygate cancel' releases it where the provider offers that (manual capture "+manualCaptureProviders()+"; the release: "+voidProviders()+")")
	case "inquire", "cancel":
		fs.StringVar(&c.paymentRequestID, "id", "", "the payment request id")
		fs.StringVar(&c.providerPaymentID, "provider-payment-id", "", "the provider's payment id"+onlyByProviderID())
		if cmd == "cancel" {
			fs.StringVar(&c.reason, "reason", "", "why it is cancelled")
		}
	case "refund":
		fs.StringVar(&c.refundRequestID, "refund-id", "", "the refund request id (idempotency key); empty makes one, printed in the output: resend with it after a U")
		fs.StringVar(&c.paymentRequestID, "id", "", "the payment request id of the payment to refund")
		fs.StringVar(&c.providerPaymentID, "provider-payment-id", "", "the provider's payment id"+onlyByProviderID())
		fs.StringVar(&c.amount, "amount", "", "the amount to refund in major units (required)")
		fs.StringVar(&c.currency, "currency", "", "the payment's currency (required)")
		fs.StringVar(&c.reason, "reason", "", "why it is refunded")
		fs.StringVar(&c.notifyURL, "notify-url", "", "where the provider posts the refund's webhooks")
	case "inquire-refund":
		fs.StringVar(&c.refundRequestID, "refund-id", "", "the refund request id")
		fs.StringVar(&c.providerRefundID, "provider-refund-id", "", "the provider's refund id")
		fs.StringVar(&c.paymentRequestID, "id", "", "the refunded payment's request id, with --refund-id where the provider finds refunds only through their payment"+refundsThroughPayment())
		fs.StringVar(&c.providerPaymentID, "provider-payment-id", "", "the refunded payment's provider id (instead of --id)")
	case "capture":
		fs.StringVar(&c.captureRequestID, "capture-request-id", "", "the capture request id; empty makes one, printed in the output: after a U, follow the advice: the same command with it, or an inquiry")
		fs.StringVar(&c.paymentRequestIDLong, "payment-request-id", "", "the payment request id of the AUTHORIZED payment (create's --id)")
		fs.StringVar(&c.paymentRequestID, "id", "", "the same as --payment-request-id, as the other commands name it")
		fs.StringVar(&c.providerPaymentID, "provider-payment-id", "", "the provider's payment id (provider_payment_id in create's output)")
		fs.StringVar(&c.amount, "amount", "", "the amount to capture in major units; leave it and --currency out to capture the whole authorized amount")
		fs.StringVar(&c.currency, "currency", "", "the payment's currency (with --amount)")
	}
}

// refundsThroughPayment names, for help texts, the registered providers whose refund inquiry by the
// merchant's refund id needs the payment named (Capabilities.RefundLookupNeedsPayment): " (stripe)", or "".
func refundsThroughPayment() string {
	var names []string
	for _, e := range registry.All() {
		if e.Adapter.Capabilities.RefundLookupNeedsPayment {
			names = append(names, e.Name())
		}
	}
	if len(names) == 0 {
		return ""
	}
	return " (" + strings.Join(names, ", ") + ")"
}

// manualCaptureProviders names the registered providers that accept a manual-capture create, for
// help texts: "offered by waffo, antom" or "offered by no registered provider yet".
func manualCaptureProviders() string {
	names := capturers(false)
	if len(names) == 0 {
		return "offered by no registered provider yet"
	}
	return "offered by " + strings.Join(names, ", ")
}

// voidProviders names the registered providers whose Cancel of an AUTHORIZED payment releases the
// hold: "antom" or "no registered provider".
func voidProviders() string {
	names := capturers(true)
	if len(names) == 0 {
		return "no registered provider"
	}
	return strings.Join(names, ", ")
}

// capturers are the registered providers with manual capture (and the void, if void).
func capturers(void bool) []string {
	var names []string
	for _, e := range registry.All() {
		c := e.Adapter.Capabilities
		if c.Captures(paygate.CaptureManual) && c.Offers(paygate.OpCapture) && (!void || c.Void && c.Offers(paygate.OpCancel)) {
			names = append(names, e.Name())
		}
	}
	return names
}

// createRequirements is what create -h adds to the flags: what each registered provider requires
// (its Spec's CreateHelp and required credentials), how each treats a resend, and manual capture.
func createRequirements() string {
	var b strings.Builder
	b.WriteString("\nRequired by each provider (credentials from flags, from the environment variables named in the\n" +
		"flags above, or from --sim FILE):\n")
	width := 0
	for _, e := range registry.All() {
		width = max(width, len(e.Name()))
	}
	indent := strings.Repeat(" ", width+4)
	for _, e := range registry.All() {
		need := "--amount --currency"
		if h := e.Adapter.CreateHelp; h != "" {
			need += " " + h
		}
		var creds []string
		for _, st := range e.Adapter.Settings {
			if st.Required && st.Flag != "" {
				creds = append(creds, "--"+st.Flag)
			}
		}
		b.WriteString(wrapHelp(fmt.Sprintf("  %-*s  ", width, e.Name()), need+";", indent))
		b.WriteString(wrapHelp(indent, "credentials "+strings.Join(creds, " "), indent))
	}
	b.WriteString("\n" + wrapHelp("", resendHelp(), ""))
	b.WriteString(createHelpTail)
	return b.String()
}

// createHelpTail ends create -h: manual capture and the output.
const createHelpTail = `
Manual capture: --capture manual asks the provider to hold the money when the customer pays (the
payment ends AUTHORIZED); take it with 'paygate capture', or release it with 'paygate cancel' at a
provider that offers the release (the void). A provider without manual capture refuses it (exit
1, NOT_SUPPORTED) and nothing is sent. --capture's help names the providers that offer each.

Output: JSON with the outcome (S, F or U), the request, the payment or the error, and attempts:
the HTTP requests that left this process (every try, resend and inquiry; 0 if none was sent).
`

// resendHelp says, from the registered providers' declarations, which deduplicate creates by --id
// (and for how long), and what to do at the others after an unknown outcome.
func resendHelp() string {
	var dedupe, others []string
	for _, e := range registry.All() {
		idem := e.Adapter.Capabilities.IdempotencyOf(paygate.OpCreate)
		switch {
		case idem.Dedupes && idem.Window > 0:
			dedupe = append(dedupe, fmt.Sprintf("%s (for %s after the first send; later, inquire first)", e.Adapter.Title, humanDuration(idem.Window)))
		case idem.Dedupes:
			dedupe = append(dedupe, e.Adapter.Title)
		default:
			others = append(others, e.Adapter.Title)
		}
	}
	msg := "Resending after an unknown outcome (exit 3):"
	if len(dedupe) > 0 {
		msg += " " + registry.Choice(dedupe, "and") + " deduplicate creates by --id, so the same command with the same --id is safe."
	}
	if len(others) > 0 {
		verb := "does"
		if len(others) > 1 {
			verb = "do"
		}
		msg += " " + registry.Choice(others, "and") + " " + verb + " not: a second create makes a second order, so inquire with --provider-payment-id."
	}
	return msg
}

// humanDuration writes whole days or hours as words ("7 days", "24 hours"), anything else as Go does.
func humanDuration(d time.Duration) string {
	switch {
	case d > 24*time.Hour && d%(24*time.Hour) == 0:
		return fmt.Sprintf("%d days", d/(24*time.Hour))
	case d%time.Hour == 0:
		return fmt.Sprintf("%d hours", d/time.Hour)
	}
	return d.String()
}

// wrapHelp writes prefix and then the words of s, folded at 100 columns with continued lines
// starting with indent, and ends with a newline.
func wrapHelp(prefix, s, indent string) string {
	var b strings.Builder
	line := ""
	for _, w := range strings.Fields(s) {
		switch {
		case line == "":
			line = prefix + w
		case len(line)+1+len(w) > 100:
			b.WriteString(line + "\n")
			line = indent + w
		default:
			line += " " + w
		}
	}
	return b.String() + line + "\n"
}

// onlyByProviderID names, for help texts, the registered providers that find payments by their own
// id only: " (the only one vai247 takes)", or "" when every provider takes either id.
func onlyByProviderID() string {
	var names []string
	for _, e := range registry.All() {
		if !e.Adapter.Capabilities.InquireByRequestID {
			names = append(names, e.Name())
		}
	}
	switch len(names) {
	case 0:
		return ""
	case 1:
		return " (the only one " + names[0] + " takes)"
	}
	return " (the only one " + registry.Choice(names, "and") + " take)"
}

// captureHelp is what capture -h adds to the flags; the verbs name the providers that offer
// capture, then those that offer the void.
const captureHelp = `
Captures an AUTHORIZED payment: one created with 'paygate create --capture manual' that the customer
has paid. Manual capture: %s; any other provider answers NOT_SUPPORTED (exit 1)
and nothing is sent. To release the hold instead, 'paygate cancel' it (the void: %s).

Without --amount the whole authorized amount is captured. A smaller amount is a partial capture,
where the provider allows it (the rest of the hold is released); a payment is captured once.
Capturing a payment that is not AUTHORIZED (automatic, unpaid, already captured or voided) is F
INVALID_STATE; more than was authorized is F LIMIT_EXCEEDED.

After an unknown outcome (exit 3) follow the advice: where the provider deduplicates captures, run
the same command with the same --capture-request-id; otherwise inquire: a payment that shows
captured money, or SUCCEEDED, was captured.

Output: JSON with the outcome (S, F or U), the request, the payment (status SUCCEEDED, or PENDING
while the provider settles the capture, and captured) or the error, and attempts: the HTTP
requests that left this process (every try, resend and inquiry; 0 if none was sent).
`

// callOutput is what a single-call command prints.
type callOutput struct {
	Outcome status.Outcome   `json:"outcome"`
	Op      paygate.Op       `json:"op"`
	Request any              `json:"request"`
	Payment *paygate.Payment `json:"payment,omitempty"`
	Refund  *paygate.Refund  `json:"refund,omitempty"`
	Error   *errorOutput     `json:"error,omitempty"`
	// Attempts counts the HTTP requests that left this process for the command: every try the
	// transport made, every resend and every inquiry; 0 when the request was refused before sending.
	// Inquiries is how many inquiries retry.Wrap made to resolve an unknown outcome (retry.Report).
	Attempts  int    `json:"attempts"`
	Inquiries int    `json:"inquiries"`
	Advice    string `json:"advice,omitempty"`
}

// errorOutput is a *paygate.Error as JSON. Its texts are redacted (card numbers, CVVs, secrets): the
// provider's message is whatever the provider wrote, and the output lands in terminals and CI logs.
type errorOutput struct {
	Code            status.Code `json:"code"`
	Message         string      `json:"message"`
	Field           string      `json:"field,omitempty"`
	Flag            string      `json:"flag,omitempty"` // the flag that sets Field
	Provider        string      `json:"provider,omitempty"`
	ProviderCode    string      `json:"provider_code,omitempty"`
	ProviderMessage string      `json:"provider_message,omitempty"`
	HTTPStatus      int         `json:"http_status,omitempty"`
	RetryAfter      string      `json:"retry_after,omitempty"`
	Detail          string      `json:"detail"`
}

func errorJSON(cmd string, err error) *errorOutput {
	out := &errorOutput{Code: paygate.CodeOf(err), Detail: provider.Redact(err.Error())}
	var pe *paygate.Error
	if errors.As(err, &pe) {
		// Our own texts name Go fields; a CLI user sets flags. The provider's texts stay as written.
		out.Message, out.Field, out.Provider = flagNames(cmd, pe.Provider, provider.Redact(pe.Message)), pe.Field, pe.Provider
		out.Detail = flagNames(cmd, pe.Provider, out.Detail)
		if out.Flag = flagFor(cmd, pe.Field); out.Flag != "" && out.Message != "" {
			out.Message = out.Flag + ": " + out.Message
		}
		out.ProviderCode, out.ProviderMessage, out.HTTPStatus = provider.Redact(pe.ProviderCode), provider.Redact(pe.ProviderMessage), pe.HTTPStatus
		if pe.RetryAfter > 0 {
			out.RetryAfter = pe.RetryAfter.String()
		}
	}
	return out
}

func runCall(ctx context.Context, cmd string, args []string, stdout, stderr io.Writer, getenv env) (int, error) {
	var c callFlags
	fs := flag.NewFlagSet("paygate "+cmd, flag.ContinueOnError)
	c.register(cmd, fs)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: paygate %s --provider %s [flags]\n\n", cmd, providerChoices())
		fs.PrintDefaults()
		switch cmd {
		case "create":
			fmt.Fprint(fs.Output(), createRequirements())
		case "capture":
			fmt.Fprintf(fs.Output(), captureHelp, manualCaptureProviders(), voidProviders())
		default:
			fmt.Fprint(fs.Output(), "\nOutput: JSON with the outcome (S, F or U), the request, the result or the error, and attempts: the HTTP\n"+
				"requests that left this process (every try, resend and inquiry; 0 if none was sent).\n")
		}
	}
	if err := parseFlags(fs, args, stderr); err != nil {
		return exitUsage, err
	}
	if _, err := c.creds.lookup(); err != nil { // the provider first: the other flags' help depends on it
		return exitUsage, err
	}
	req, err := c.request(cmd)
	if err != nil {
		return exitUsage, err
	}
	var sent sentCounter
	name, gw, err := c.creds.open(getenv, provider.Common{HTTPClient: sent.client()})
	if err != nil {
		return exitUsage, err
	}
	defer gw.Close()
	if err := c.needIDs(cmd, name, gw.Capabilities()); err != nil {
		return exitUsage, err
	}
	var call paygate.Gateway = gw
	if !c.noRetry {
		call = retry.Wrap(gw, retry.Default())
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	var report retry.Report
	ctx = retry.WithReport(ctx, &report)

	out := callOutput{Op: paygate.Op(strings.ReplaceAll(cmd, "-", "_")), Request: req}
	switch r := req.(type) {
	case *paygate.CreateRequest:
		out.Payment, err = call.Create(ctx, r)
	case *paygate.InquireRequest:
		out.Payment, err = call.Inquire(ctx, r)
	case *paygate.CancelRequest:
		out.Payment, err = call.Cancel(ctx, r)
	case *paygate.RefundRequest:
		out.Refund, err = call.Refund(ctx, r)
	case *paygate.InquireRefundRequest:
		out.Refund, err = call.InquireRefund(ctx, r)
	case *paygate.CaptureRequest:
		out.Payment, err = call.Capture(ctx, r)
	}
	out.Outcome = paygate.OutcomeOf(err)
	out.Attempts, out.Inquiries = sent.count(), report.Inquiries
	code := exitOK
	switch out.Outcome {
	case status.Failure:
		out.Error, code = errorJSON(cmd, err), exitFailure
		out.Payment, out.Refund = nil, nil
		switch {
		case paygate.CodeOf(err) == status.CodeNotSupported && out.Attempts == 0:
			out.Advice = notSupportedAdvice(name, out.Op, req)
		case errors.Is(err, retry.ErrNotSent) && out.Attempts == 0:
			// Nothing left the process, so the same ids are still unused.
			out.Advice = "nothing was sent: fix the cause (address, network), then run the same command again"
		case out.Op == paygate.OpCapture && paygate.CodeOf(err) == status.CodeInvalidState:
			out.Advice = "definitely not captured by this request: the payment is not AUTHORIZED (already captured, voided, lapsed, not paid yet, or captured automatically); inquire it to see its status and what was captured"
		case out.Op == paygate.OpCapture && paygate.CodeOf(err) == status.CodeLimitExceeded:
			out.Advice = "definitely not captured: the amount is more than the payment holds; capture at most the authorized amount (leave --amount and --currency out for all of it) with a new --capture-request-id"
		case out.Op.Write():
			out.Advice = "definitely not performed: a new attempt needs new request ids"
		}
	case status.Unknown:
		out.Error, code = errorJSON(cmd, err), exitUnknown
		out.Payment, out.Refund = nil, nil
		out.Advice = unknownAdvice(name, out.Op, gw)
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return exitUnknown, fmt.Errorf("writing the result: %w", err)
	}
	return code, nil
}

// unknownAdvice says what to do after a U: resend with the same ids where the provider dedupes them,
// otherwise what is safe instead.
func unknownAdvice(name string, op paygate.Op, gw retry.Declarer) string {
	const unknown = "the outcome is unknown: do not treat it as failed; "
	if op == paygate.OpCreate && !gw.Idempotency(op).Dedupes {
		return unknown + name + " does not deduplicate creates, so running create again makes a second order: " +
			"inquire with --provider-payment-id if you have the provider's id, else look the order up in " + name + "'s merchant dashboard (its records carry the request id)"
	}
	if op == paygate.OpCapture && !gw.Idempotency(op).Resendable() {
		return unknown + name + " does not deduplicate captures, so do not run capture again: inquire with the same --payment-request-id or --provider-payment-id; " +
			"a payment that shows captured money, or SUCCEEDED, was captured, and one still AUTHORIZED was not (then capture it with a new --capture-request-id)"
	}
	if op.Write() && !gw.Idempotency(op).Resendable() {
		return unknown + name + " does not deduplicate this request: do not run it again; inquire, or check " + name + "'s merchant dashboard"
	}
	return unknown + "run the same command again with the same ids, or inquire"
}

// notSupportedAdvice is the advice for an operation or capture mode the provider refused before
// sending anything: where it is offered instead.
func notSupportedAdvice(name string, op paygate.Op, req any) string {
	manual := op == paygate.OpCapture
	if r, ok := req.(*paygate.CreateRequest); ok && r.CaptureMode == paygate.CaptureManual {
		manual = true
	}
	if !manual {
		return "nothing was sent: " + name + " does not offer this; do it at a provider that does, or another way (the message says how)"
	}
	advice := "nothing was sent: " + name + " does not offer manual capture; "
	if op == paygate.OpCreate {
		advice += "create the payment with --capture automatic, or at a provider that offers manual capture"
	} else {
		advice += "its payments are captured when the customer pays: there is nothing to capture"
	}
	return advice + " (" + manualCaptureProviders() + ")"
}

// request builds the call's request from the flags. Amounts are parsed exactly; a bad one is a
// usage error. Other checks are left to the request's Validate, which the adapter runs (F).
func (c *callFlags) request(cmd string) (any, error) {
	amount := func() (money.Amount, error) {
		if c.amount == "" || c.currency == "" {
			return money.Amount{}, usageError{"--amount and --currency are required, e.g. --amount 10.50 --currency USD"}
		}
		a, err := money.Parse(c.amount, c.currency)
		if err != nil {
			return money.Amount{}, usageError{fmt.Sprintf("--amount %s --currency %s: %v", c.amount, c.currency, err)}
		}
		return a, nil
	}
	switch cmd {
	case "create":
		a, err := amount()
		if err != nil {
			return nil, err
		}
		id := c.paymentRequestID
		if id == "" {
			id = "cli-" + randomID()
		}
		mode, ok := paygate.ParseCaptureMode(c.captureMode)
		if !ok {
			return nil, usageError{fmt.Sprintf("--capture %q: use automatic (the default) or manual", c.captureMode)}
		}
		r := &paygate.CreateRequest{
			PaymentRequestID: id, MerchantOrderID: c.orderID, Amount: a, Description: c.description, CaptureMode: mode,
			NotifyURL: c.notifyURL, ReturnURL: c.returnURL,
			Customer: paygate.Customer{ID: c.customerID, Email: c.email, Country: c.country},
			Method:   paygate.Method{Type: c.methodType, Name: c.methodName},
		}
		if r.MerchantOrderID == "" {
			r.MerchantOrderID = id
		}
		if c.expiresIn > 0 {
			r.ExpiresAt = time.Now().Add(c.expiresIn).UTC().Truncate(time.Second)
		}
		return r, nil
	case "inquire":
		return &paygate.InquireRequest{PaymentRequestID: c.paymentRequestID, ProviderPaymentID: c.providerPaymentID}, nil
	case "cancel":
		return &paygate.CancelRequest{PaymentRequestID: c.paymentRequestID, ProviderPaymentID: c.providerPaymentID, Reason: c.reason}, nil
	case "refund":
		a, err := amount()
		if err != nil {
			return nil, err
		}
		id := c.refundRequestID
		if id == "" {
			id = "cli-refund-" + randomID()
		}
		return &paygate.RefundRequest{RefundRequestID: id, PaymentRequestID: c.paymentRequestID,
			ProviderPaymentID: c.providerPaymentID, Amount: a, Reason: c.reason, NotifyURL: c.notifyURL}, nil
	case "inquire-refund":
		return &paygate.InquireRefundRequest{RefundRequestID: c.refundRequestID, ProviderRefundID: c.providerRefundID,
			PaymentRequestID: c.paymentRequestID, ProviderPaymentID: c.providerPaymentID}, nil
	case "capture":
		if c.paymentRequestIDLong != "" && c.paymentRequestID != "" && c.paymentRequestIDLong != c.paymentRequestID {
			return nil, usageError{"--payment-request-id and --id name the same thing: give one of them"}
		}
		if c.paymentRequestIDLong != "" {
			c.paymentRequestID = c.paymentRequestIDLong
		}
		var a money.Amount // zero: the whole authorized amount
		switch {
		case c.amount == "" && c.currency == "":
		case c.amount == "" || c.currency == "":
			return nil, usageError{"--amount and --currency go together (e.g. --amount 10.50 --currency USD); leave both out to capture the whole authorized amount"}
		default:
			var err error
			if a, err = amount(); err != nil {
				return nil, err
			}
		}
		id := c.captureRequestID
		if id == "" {
			id = "cli-capture-" + randomID()
		}
		return &paygate.CaptureRequest{CaptureRequestID: id, PaymentRequestID: c.paymentRequestID,
			ProviderPaymentID: c.providerPaymentID, Amount: a}, nil
	}
	return nil, usageError{"unknown command " + cmd}
}

// needIDs checks that the flags name the payment or refund as the provider can find it.
func (c *callFlags) needIDs(cmd, name string, caps provider.Capabilities) error {
	switch cmd {
	case "inquire", "cancel", "refund":
	case "capture":
		if !caps.Offers(paygate.OpCapture) {
			return nil // the adapter refuses it, sending nothing, whatever the ids
		}
	case "inquire-refund":
		if c.refundRequestID == "" && c.providerRefundID == "" {
			return usageError{"name the refund: --refund-id REFUND_REQUEST_ID or --provider-refund-id ID"}
		}
		return nil
	default:
		return nil
	}
	if !caps.InquireByRequestID && c.providerPaymentID == "" {
		return usageError{name + " finds orders only by its own order id: pass --provider-payment-id (provider_payment_id in create's output)"}
	}
	if c.paymentRequestID == "" && c.providerPaymentID == "" {
		idFlag := "--id"
		if cmd == "capture" {
			idFlag = "--payment-request-id"
		}
		return usageError{"name the payment: " + idFlag + " PAYMENT_REQUEST_ID (create's --id) or --provider-payment-id ID (provider_payment_id in create's output)"}
	}
	return nil
}

// randomID is 16 random characters for request ids the command makes up.
func randomID() string { return strings.ToLower(rand.Text()[:16]) }

// providerChoices are the registered providers for a usage line: "waffo|antom|vai247".
func providerChoices() string { return strings.Join(registry.Names(), "|") }
