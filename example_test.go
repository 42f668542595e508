package paygate_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/money"
	"github.com/paygate-go/paygate/status"
)

// Validation happens before anything is sent: an invalid request is F with CodeInvalidRequest and a
// message naming the field.
func ExampleCreateRequest_Validate() {
	req := &paygate.CreateRequest{
		PaymentRequestID: "pay-0001",
		Amount:           money.MustParse("0", "USD"),
	}
	err := req.Validate()
	fmt.Println(paygate.OutcomeOf(err), paygate.CodeOf(err))

	var pe *paygate.Error
	if errors.As(err, &pe) {
		fmt.Println(pe.Field+":", pe.Message)
	}
	// Output:
	// F INVALID_REQUEST
	// Amount: is 0.00 USD; it must be greater than zero
}

// The one switch a merchant writes, whatever the provider: S use the result, F handle the failure,
// U resend the same request or inquire — never treat it as failed.
func ExampleOutcomeOf() {
	handle := func(p *paygate.Payment, err error) string {
		switch paygate.OutcomeOf(err) {
		case status.Success:
			return "show " + string(p.Status)
		case status.Failure:
			return "failed: " + string(paygate.CodeOf(err))
		default:
			return "unknown: resend with the same PaymentRequestID or inquire"
		}
	}
	fmt.Println(handle(&paygate.Payment{Status: status.PaymentRequiresAction}, nil))
	fmt.Println(handle(nil, &paygate.Error{Outcome: status.Failure, Code: status.CodeDeclined}))
	fmt.Println(handle(nil, context.DeadlineExceeded))
	// Output:
	// show REQUIRES_ACTION
	// failed: DECLINED
	// unknown: resend with the same PaymentRequestID or inquire
}
