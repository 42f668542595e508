package paygate_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/money"
	"github.com/paygate-go/paygate/provider/memory"
	"github.com/paygate-go/paygate/provider/sim"
	"github.com/paygate-go/paygate/retry"
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

// A checkout, whatever the provider: create the payment, then bring the customer to the payment
// step its Action describes (a redirect for a browser, a deeplink that opens a wallet app, or a QR
// code to show on the merchant's own page). The customer pays at the provider; the merchant learns the
// result from a webhook or, as here, by Inquire. The in-memory provider stands in for an acquirer.
func Example_checkout() {
	ctx := context.Background()
	mem := memory.New(memory.Config{})
	defer mem.Close()
	var gw paygate.Gateway = retry.Wrap(mem, retry.Default()) // the S/F/U rules, applied for you

	// nextStep is what a checkout page does with a payment it was given.
	nextStep := func(p *paygate.Payment) string {
		switch {
		case p.Status == status.PaymentSucceeded:
			return "paid: show the receipt"
		case p.Status.Final(): // failed, canceled or expired
			return "not paid (" + string(p.Status) + "): offer a new attempt, with a new PaymentRequestID"
		case p.Action == nil: // pending, nothing for the customer to do
			return "waiting: wait for the webhook, or inquire later"
		}
		switch p.Action.Kind {
		case paygate.ActionRedirect:
			return "redirect the browser to " + p.Action.URL
		case paygate.ActionDeeplink:
			return "open the app link " + p.Action.URL
		case paygate.ActionQRCode:
			return "render this payload as a QR code: " + p.Action.QRCode
		default:
			return "unknown action " + string(p.Action.Kind) + ": inquire later"
		}
	}

	for _, req := range []*paygate.CreateRequest{
		{PaymentRequestID: "pay-4001", MerchantOrderID: "order-4001", Amount: money.MustParse("19.99", "USD"),
			ReturnURL: "https://shop.example/return"},
		{PaymentRequestID: "pay-4002", MerchantOrderID: "order-4002", Amount: money.MustParse("149000", "IDR"),
			Method: paygate.Method{Type: "QR"}},
	} {
		p, err := gw.Create(ctx, req)
		if err != nil { // see ExampleOutcomeOf for the S/F/U switch
			fmt.Println(req.PaymentRequestID, paygate.OutcomeOf(err), paygate.CodeOf(err))
			continue
		}
		fmt.Printf("%s %s: %s\n", req.PaymentRequestID, p.Status, nextStep(p))
	}

	_ = mem.Pay("pay-4002") // the customer scans the QR code and pays

	p, err := gw.Inquire(ctx, &paygate.InquireRequest{PaymentRequestID: "pay-4002"})
	if err != nil {
		fmt.Println(paygate.OutcomeOf(err), paygate.CodeOf(err))
		return
	}
	fmt.Printf("%s %s %s: %s\n", p.PaymentRequestID, p.Status, p.Amount, nextStep(p))
	// Output:
	// pay-4001 REQUIRES_ACTION: redirect the browser to https://checkout.memory.paygate.invalid/pay/mem_pay_1
	// pay-4002 REQUIRES_ACTION: render this payload as a QR code: paygate-memory://pay/mem_pay_2
	// pay-4002 SUCCEEDED 149000.00 IDR: paid: show the receipt
}

// Authorize now, capture later: a payment created with CaptureManual only holds the customer's money
// when they pay (AUTHORIZED). The merchant captures it when the goods ship — all of it, or, where the
// provider allows, part (the rest of the hold is released) — or voids it with Cancel. A capture is a
// write like the others: under retry.Wrap a lost reply is resolved with the same CaptureRequestID and
// never captures twice. The in-memory provider stands in for an acquirer that offers manual capture.
func Example_authorizeThenCapture() {
	ctx := context.Background()
	mem := memory.New(memory.Config{})
	defer mem.Close()
	gw := retry.Wrap(mem, retry.Default())

	for _, id := range []string{"pay-5001", "pay-5002"} {
		_, err := gw.Create(ctx, &paygate.CreateRequest{
			PaymentRequestID: id, Amount: money.MustParse("120.00", "USD"), CaptureMode: paygate.CaptureManual,
		})
		if err != nil {
			fmt.Println(id, paygate.OutcomeOf(err), paygate.CodeOf(err))
			return
		}
		_ = mem.Pay(id) // the customer pays: the money is held, not taken
	}
	p, _ := gw.Inquire(ctx, &paygate.InquireRequest{PaymentRequestID: "pay-5001"})
	fmt.Println(p.PaymentRequestID, p.Status, "captured:", p.Captured.IsPositive())

	// One item of two is out of stock: capture what ships. The reply is lost on the way back (U);
	// Wrap resends the same capture, which the provider answers without capturing again.
	mem.Inject(sim.Fault{Op: paygate.OpCapture, Kind: sim.LoseReply})
	p, err := gw.Capture(ctx, &paygate.CaptureRequest{
		CaptureRequestID: "cap-5001", PaymentRequestID: "pay-5001", Amount: money.MustParse("80.00", "USD"),
	})
	if err != nil {
		fmt.Println(paygate.OutcomeOf(err), paygate.CodeOf(err)) // U: inquire later; never capture anew
		return
	}
	fmt.Println(p.PaymentRequestID, p.Status, "captured:", p.Captured, "of", p.Amount)
	fmt.Println("captures at the provider:", len(mem.Ledger().AllCaptures()))

	// A second capture of the same payment is refused: a payment is captured once.
	_, err = gw.Capture(ctx, &paygate.CaptureRequest{CaptureRequestID: "cap-5002", PaymentRequestID: "pay-5001"})
	fmt.Println("again:", paygate.OutcomeOf(err), paygate.CodeOf(err))

	// The other order is cancelled before shipping: the void releases the hold.
	p, err = gw.Cancel(ctx, &paygate.CancelRequest{PaymentRequestID: "pay-5002", Reason: "order cancelled"})
	if err != nil {
		fmt.Println(paygate.OutcomeOf(err), paygate.CodeOf(err))
		return
	}
	fmt.Println(p.PaymentRequestID, p.Status, "captured:", p.Captured.IsPositive())
	// Output:
	// pay-5001 AUTHORIZED captured: false
	// pay-5001 SUCCEEDED captured: 80.00 USD of 120.00 USD
	// captures at the provider: 1
	// again: F INVALID_STATE
	// pay-5002 CANCELED captured: false
}
