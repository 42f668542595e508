package paygate

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/paygate-go/paygate/internal/redact"
	"github.com/paygate-go/paygate/status"
)

// Error is the error every Gateway returns. It carries the normalized result (Outcome and Code) next to
// what the provider actually said (ProviderCode, ProviderMessage, HTTPStatus), because support staff
// need the raw answer and code needs the normalized one.
//
// Error() prints every field, and errors end up in logs: adapters put only the provider's code and
// message and a cause here, never a request or response body, a URL with its query, card data or a key.
// Text we do not control (the provider's code and message, our message, which may quote the provider,
// and the cause's text) is redacted as the adapters' loggers redact it (card numbers, CVVs, secret
// key/value pairs, PEM blocks), since the merchant's own logger, the router's and the CLI print it as is.
type Error struct {
	Provider string         // adapter name ("waffo", "antom", …); empty when paygate itself refused the call
	Op       Op             // the operation that failed
	Outcome  status.Outcome // F or U; never S
	Code     status.Code    // the normalized code
	// Field names the request field at fault for CodeInvalidRequest, e.g. "Amount" or "Customer.Email".
	Field string
	// Message says what was wrong and what to do, in paygate's words.
	Message         string
	ProviderCode    string // the provider's own result code, e.g. "A0011" or "REPEAT_REQ_INCONSISTENT"
	ProviderMessage string // the provider's own message
	HTTPStatus      int    // the HTTP status of the provider's reply; 0 if there was none
	// RetryAfter is how long the provider asked us to wait before resending (Retry-After); 0 if it
	// did not ask. retry.Wrap waits at least this long, or stops resending when it is too long.
	RetryAfter time.Duration
	Err        error // the underlying cause, if any (a network error, a decode error, …)
}

// Error formats the error on one line: who, what, the normalized result, our explanation, then the
// provider's raw answer and the cause, each redacted.
func (e *Error) Error() string {
	if e == nil {
		return "paygate: <nil *Error>"
	}
	var b strings.Builder
	b.WriteString("paygate: ")
	if e.Provider != "" {
		b.WriteString(e.Provider)
		b.WriteByte(' ')
	}
	if e.Op != "" {
		b.WriteString(string(e.Op))
	} else {
		b.WriteString("call")
	}
	code, outcome := e.Code, status.Unknown
	if !usableCode(code) {
		code = status.CodeUnknown
	}
	if definiteFailure(e) {
		outcome = status.Failure
	}
	fmt.Fprintf(&b, ": %s (outcome %s)", code, outcome)
	if e.Field != "" {
		b.WriteString(": " + e.Field)
	}
	if e.Message != "" {
		b.WriteString(": " + redact.String(e.Message))
	}
	providerCode, providerMessage := redact.String(e.ProviderCode), redact.String(e.ProviderMessage)
	switch {
	case providerCode != "" && providerMessage != "":
		fmt.Fprintf(&b, "; provider said %s %q", providerCode, providerMessage)
	case providerCode != "":
		b.WriteString("; provider said " + providerCode)
	case providerMessage != "":
		fmt.Fprintf(&b, "; provider said %q", providerMessage)
	}
	if e.HTTPStatus != 0 {
		fmt.Fprintf(&b, "; HTTP %d", e.HTTPStatus)
	}
	if e.Err != nil {
		b.WriteString(": " + redact.String(e.Err.Error()))
	}
	return b.String()
}

// Unwrap returns the underlying cause, so errors.Is and errors.As reach it.
func (e *Error) Unwrap() error {
	if e == nil {
		return nil
	}
	return e.Err
}

// OutcomeOf returns the outcome of a Gateway call from its error. nil is Success. The error is
// Failure only when every *Error in its tree (through Unwrap, errors.Join and multi-%w wrapping) is a
// well-formed F — outcome F with a catalog code other than OK and UNKNOWN — and nothing else in the
// tree stands outside such an *Error. Anything else is Unknown: a U anywhere (a router that joins an F
// from one provider with a timeout from another), a plain error, a typed-nil *Error, an *Error without
// a proper outcome or code. An error we cannot classify must never be mistaken for a definite failure.
func OutcomeOf(err error) status.Outcome {
	if err == nil {
		return status.Success
	}
	if w := walk(err); w.failure != nil && !w.unknown {
		return status.Failure
	}
	return status.Unknown
}

// CodeOf returns the normalized code of a Gateway call from its error: nil is CodeOK. For an F error
// it is the code of its first *Error; for a U error, the code of its first U *Error, else CodeTimeout if
// a context deadline is in the tree, else CodeUnknown.
func CodeOf(err error) status.Code {
	if err == nil {
		return status.CodeOK
	}
	w := walk(err)
	switch {
	case w.failure != nil && !w.unknown:
		return w.failure.Code
	case w.firstUnknown != nil && usableCode(w.firstUnknown.Code):
		return w.firstUnknown.Code
	case errors.Is(err, context.DeadlineExceeded):
		return status.CodeTimeout
	}
	return status.CodeUnknown
}

// definiteFailure reports whether e is a well-formed F.
func definiteFailure(e *Error) bool {
	return e != nil && e.Outcome == status.Failure && usableCode(e.Code) && e.Code != status.CodeUnknown
}

func usableCode(c status.Code) bool { return c.Valid() && c != status.CodeOK }

// errorWalk is what walk found in an error tree.
type errorWalk struct {
	failure      *Error // the first well-formed F *Error
	firstUnknown *Error // the first *Error that is not a well-formed F
	unknown      bool   // something in the tree is not covered by a well-formed F
}

func walk(err error) errorWalk {
	var w errorWalk
	w.visit(err, false)
	return w
}

// visit walks err's tree. covered is true below a well-formed F *Error: its causes (a decode error, an
// HTTP status) explain the failure rather than contradict it — unless they hold a U *Error themselves.
func (w *errorWalk) visit(err error, covered bool) {
	if e, ok := err.(*Error); ok {
		if !definiteFailure(e) {
			w.unknown = true
			if w.firstUnknown == nil && e != nil {
				w.firstUnknown = e
			}
			return
		}
		if w.failure == nil {
			w.failure = e
		}
		covered = true
	}
	switch x := err.(type) {
	case interface{ Unwrap() []error }:
		errs := x.Unwrap()
		if len(errs) == 0 && !covered {
			w.unknown = true
		}
		for _, inner := range errs {
			if inner != nil {
				w.visit(inner, covered)
			}
		}
	case interface{ Unwrap() error }:
		if inner := x.Unwrap(); inner != nil {
			w.visit(inner, covered)
		} else if !covered {
			w.unknown = true
		}
	default:
		if !covered {
			w.unknown = true
		}
	}
}
