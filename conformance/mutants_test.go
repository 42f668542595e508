package conformance_test

import (
	"context"
	"encoding/json"
	"io"
	"math"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"go.uber.org/zap"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/conformance"
	"github.com/stretchr/testify/assert"

	"github.com/paygate-go/paygate/internal/mutanttest"
	"github.com/paygate-go/paygate/money"
	"github.com/paygate-go/paygate/provider"
	"github.com/paygate-go/paygate/provider/memory"
	"github.com/paygate-go/paygate/provider/sim"
	"github.com/paygate-go/paygate/status"
)

// A suite that cannot fail proves nothing. Each mutant below is the memory provider with one of the
// bugs this project fears most; the suite must fail on every one of them, in the group that guards
// against it. The mutants run in a child process so their failures do not fail this test binary.

const mutantEnv = "PAYGATE_CONFORMANCE_MUTANT"

var mutants = []mutanttest.Mutant{
	{Name: "unknown-reported-as-failure", Group: "faults", Want: "is never F"},
	{Name: "retry-with-new-id", Group: "faults", Want: "one order, and it is the one returned"},
	{Name: "failure-resent", Group: "codes", Want: "an F is never resent"},
	{Name: "calls-before-validating", Group: "validation", Want: "no invalid request reached the simulator"},
	{Name: "logs-the-request", Group: "logs", Want: "a log line contains a secret or card data"},
	{Name: "not-found-as-unknown", Group: "lifecycle", Want: "NOT_FOUND"},
	{Name: "lagging-lookup-not-found-as-failure", Group: "lifecycle", Want: "not found by request id in a lagging index"},
	{Name: "webhook-unverified", Group: "webhooks", Want: "tampered notification is rejected"},
	{Name: "amount-through-float", Group: "amounts", Want: "sent 19.99 USD"},
	{Name: "declares-no-faults", Group: "harness", Want: "Capabilities.Faults must include"},
	{Name: "claims-undeclared", Group: "harness", Want: "the adapter does not declare it"},
	{Name: "claims-undeclared-capture", Group: "harness", Want: "Capabilities.ManualCapture: the harness claims it"},
	{Name: "automatic-not-captured", Group: "lifecycle", Want: "has Captured = Amount"},
	{Name: "capture-twice-on-resend", Group: "capture", Want: "never a second capture"},
	{Name: "capture-unknown-as-failure", Group: "capture", Want: "is never F"},
	{Name: "capture-ignores-partial-amount", Group: "capture", Want: "after capturing"},
	{Name: "capture-unsupported-but-sent", Group: "capture", Want: "nothing was sent"},
}

func TestSuiteFailsOnBrokenAdapters(t *testing.T) {
	mutanttest.Check(t, mutantEnv, "TestMutant", "an adapter", mutants)
}

// TestMutant runs the suite against the mutant named in the environment; it is a child process of
// TestSuiteFailsOnBrokenAdapters and skips otherwise.
func TestMutant(t *testing.T) {
	name := os.Getenv(mutantEnv)
	if name == "" {
		t.Skip("only run as a child of TestSuiteFailsOnBrokenAdapters")
	}
	conformance.Run(t, conformance.HarnessFunc(func(t *testing.T, opts conformance.Options) *conformance.Env {
		g := memory.New(memory.Config{Logger: opts.Logger, WebhookSchedule: sim.Compress(memory.DefaultWebhookSchedule(), 10_000)})
		t.Cleanup(g.Close)
		m := &mutant{Gateway: g, name: name, log: opts.Logger}
		env := &conformance.Env{
			Gateway: m,
			Sim:     g,
			Caps: conformance.Capabilities{
				PartialRefund: true, MultipleRefunds: true, RefundInquiry: true, IdempotentCreate: true,
				ManualCapture: true, PartialCapture: true, Void: true,
				InquireByRequestID: true, RequiresAction: true, Webhooks: true,
				Settlements: []sim.Settlement{sim.Pay, sim.Fail, sim.Expire, sim.RequireAction},
				Faults:      []sim.FaultKind{sim.DropBeforeProcessing, sim.LoseReply, sim.ReplyCode},
				Currencies:  []string{"USD"},
			},
			FaultCodes: []conformance.FaultCode{
				{Op: paygate.OpCreate, ProviderCode: "DECLINED", Outcome: status.Failure, Code: status.CodeDeclined},
				{Op: paygate.OpCreate, ProviderCode: "UNKNOWN", Outcome: status.Unknown, Code: status.CodeUnknown},
			},
			WebhookHandler: g.WebhookHandler,
			WebhookAcked:   memory.WebhookAcked,
		}
		switch name {
		case "webhook-unverified":
			// A handler that decodes and delivers without checking the signature.
			env.WebhookHandler = func(fn func(context.Context, *paygate.Event) error) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					var ev paygate.Event
					if json.NewDecoder(r.Body).Decode(&ev) != nil || fn(r.Context(), &ev) != nil {
						w.WriteHeader(http.StatusInternalServerError)
						return
					}
					_, _ = io.WriteString(w, `{"received":true}`)
				})
			}
		case "declares-no-faults":
			env.Caps.Faults = nil
			env.FaultCodes = nil
		case "claims-undeclared":
			// The memory provider refuses to cancel a paid payment; a harness that claims otherwise
			// would test a promise the router and the README do not make.
			env.Caps.CancelAfterPayment = true
		case "lagging-lookup-not-found-as-failure":
			// A lookup by request id that reads a lagging index (Stripe's search), yet answers F
			// NOT_FOUND when it finds nothing: retry.Wrap and the router would take a create that
			// landed moments ago for one that never did.
			env.Caps.RequestIDLookupLags = true
		case "claims-undeclared-capture":
			// The adapter declares no capture (see mutant.Capabilities); the harness still claims it.
			m.noCapture = true
		case "capture-unsupported-but-sent":
			// An adapter without capture that still sends captures and manual creates to the provider.
			m.noCapture = true
			env.Caps.ManualCapture, env.Caps.PartialCapture, env.Caps.Void = false, false, false
		}
		return env
	}))
}

// mutant is the memory provider with one bug.
type mutant struct {
	*memory.Gateway
	name      string
	log       *zap.Logger
	noCapture bool // declares no capture

	mu       sync.Mutex
	captured map[string]bool // capture request ids seen
}

// Capabilities is memory's declaration, without capture when noCapture.
func (m *mutant) Capabilities() provider.Capabilities {
	c := memory.Capabilities()
	if m.noCapture {
		c.Ops = slices.DeleteFunc(slices.Clone(c.Ops), func(op paygate.Op) bool { return op == paygate.OpCapture })
		c.CaptureModes, c.PartialCapture, c.Void = nil, false, false
	}
	return c
}

func (m *mutant) Capture(ctx context.Context, req *paygate.CaptureRequest) (*paygate.Payment, error) {
	switch m.name {
	case "capture-unsupported-but-sent":
		if req != nil {
			m.Ledger().Received(paygate.OpCapture, req.CaptureRequestID)
		}
		return nil, &paygate.Error{Op: paygate.OpCapture, Outcome: status.Failure, Code: status.CodeNotSupported, Message: "no capture"}
	case "capture-ignores-partial-amount":
		if req != nil {
			whole := *req
			whole.Amount = money.Amount{}
			req = &whole
		}
	}
	p, err := m.Gateway.Capture(ctx, req)
	switch {
	case m.name == "capture-unknown-as-failure" && paygate.OutcomeOf(err) == status.Unknown:
		return nil, &paygate.Error{Op: paygate.OpCapture, Outcome: status.Failure, Code: status.CodeUnavailable}
	case m.name == "capture-twice-on-resend" && req != nil:
		// A provider that does not dedupe captures, declared as one that does: a resend captures again.
		m.mu.Lock()
		again := m.captured[req.CaptureRequestID]
		if m.captured == nil {
			m.captured = map[string]bool{}
		}
		m.captured[req.CaptureRequestID] = true
		m.mu.Unlock()
		if again && err == nil {
			m.Ledger().AddCapture(sim.Capture{RequestID: req.CaptureRequestID, ProviderPaymentID: p.ProviderPaymentID, Amount: p.Captured})
		}
	}
	return p, err
}

func (m *mutant) Create(ctx context.Context, req *paygate.CreateRequest) (*paygate.Payment, error) {
	switch m.name {
	case "amount-through-float":
		if req != nil && !req.Amount.IsZero() {
			f, _ := strconv.ParseFloat(req.Amount.Decimal().String(), 64)
			d, _ := money.Digits(req.Amount.Currency())
			a, err := money.FromMinor(int64(f*math.Pow10(d)), req.Amount.Currency())
			if err == nil {
				again := *req
				again.Amount = a
				req = &again
			}
		}
	case "capture-unsupported-but-sent":
		if req != nil && req.CaptureMode == paygate.CaptureManual {
			m.Ledger().Received(paygate.OpCreate, req.PaymentRequestID)
			return nil, &paygate.Error{Op: paygate.OpCreate, Outcome: status.Failure, Code: status.CodeNotSupported, Message: "no manual capture"}
		}
	case "calls-before-validating":
		if req != nil {
			m.Ledger().Received(paygate.OpCreate, req.PaymentRequestID)
		}
	case "logs-the-request":
		if req != nil {
			m.log.Info("create", zap.String("description", req.Description), zap.Any("metadata", req.Metadata))
		}
	}
	p, err := m.Gateway.Create(ctx, req)
	switch {
	case m.name == "unknown-reported-as-failure" && paygate.OutcomeOf(err) == status.Unknown:
		return nil, &paygate.Error{Op: paygate.OpCreate, Outcome: status.Failure, Code: status.CodeUnavailable}
	case m.name == "retry-with-new-id" && paygate.OutcomeOf(err) == status.Unknown:
		again := *req
		again.PaymentRequestID += "x"
		return m.Gateway.Create(ctx, &again)
	case m.name == "failure-resent" && paygate.OutcomeOf(err) == status.Failure:
		return m.Gateway.Create(ctx, req)
	}
	return p, err
}

func (m *mutant) Inquire(ctx context.Context, req *paygate.InquireRequest) (*paygate.Payment, error) {
	p, err := m.Gateway.Inquire(ctx, req)
	if m.name == "automatic-not-captured" && p != nil {
		p.Captured = money.Amount{}
	}
	if m.name == "not-found-as-unknown" && paygate.CodeOf(err) == status.CodeNotFound {
		return nil, &paygate.Error{Op: paygate.OpInquire, Outcome: status.Unknown, Code: status.CodeUnknown}
	}
	return p, err
}

func TestMutantsAreKnown(t *testing.T) {
	for _, m := range mutants {
		assert.False(t, strings.ContainsAny(m.Name, " /"), m.Name)
	}
}
