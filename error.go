package paygate

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/paygate-go/paygate/status"
)

// Error is the error every Gateway returns. It carries the normalized result (Outcome and Code) next to
// what the provider actually said (ProviderCode, ProviderMessage, HTTPStatus), because support staff
// need the raw answer and code needs the normalized one.
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
	Err             error  // the underlying cause, if any (a network error, a decode error, …)
}

// Error formats the error on one line: who, what, the normalized result, our explanation, then the
// provider's raw answer and the cause.
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
	code := e.Code
	if code == "" {
		code = status.CodeUnknown
	}
	fmt.Fprintf(&b, ": %s (outcome %s)", code, outcomeOf(e))
	if e.Field != "" {
		b.WriteString(": " + e.Field)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	if e.ProviderCode != "" || e.ProviderMessage != "" {
		fmt.Fprintf(&b, "; provider said %s %q", e.ProviderCode, e.ProviderMessage)
	}
	if e.HTTPStatus != 0 {
		fmt.Fprintf(&b, "; HTTP %d", e.HTTPStatus)
	}
	if e.Err != nil {
		b.WriteString(": " + e.Err.Error())
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

// OutcomeOf returns the outcome of a Gateway call from its error: nil is Success, an *Error anywhere in
// the chain gives its Outcome, and anything else — including an *Error whose Outcome is not F or U — is
// Unknown, because an error we cannot classify must never be mistaken for a definite failure.
func OutcomeOf(err error) status.Outcome {
	if err == nil {
		return status.Success
	}
	var e *Error
	if errors.As(err, &e) {
		return outcomeOf(e)
	}
	return status.Unknown
}

func outcomeOf(e *Error) status.Outcome {
	if e != nil && e.Outcome == status.Failure {
		return status.Failure
	}
	return status.Unknown
}

// CodeOf returns the normalized code of a Gateway call from its error: nil is CodeOK, an *Error gives
// its Code, a context deadline is CodeTimeout, and anything else is CodeUnknown.
func CodeOf(err error) status.Code {
	if err == nil {
		return status.CodeOK
	}
	var e *Error
	if errors.As(err, &e) && e != nil && e.Code.Valid() && e.Code != status.CodeOK {
		return e.Code
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return status.CodeTimeout
	}
	return status.CodeUnknown
}
