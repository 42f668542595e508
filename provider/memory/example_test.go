package memory_test

import (
	"context"
	"fmt"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/money"
	"github.com/paygate-go/paygate/provider/memory"
	"github.com/paygate-go/paygate/provider/sim"
)

// Create a payment, play the customer paying it, and inquire.
func ExampleNew() {
	ctx := context.Background()
	gw := memory.New(memory.Config{})
	defer gw.Close()

	p, err := gw.Create(ctx, &paygate.CreateRequest{
		PaymentRequestID: "pay-0001",
		Amount:           money.MustParse("149000", "IDR"),
	})
	if err != nil {
		fmt.Println(paygate.OutcomeOf(err), err)
		return
	}
	fmt.Println(p.ProviderPaymentID, p.Status)
	fmt.Println(p.Action.Kind, p.Action.URL)

	_ = gw.Pay("pay-0001") // the customer pays

	p, err = gw.Inquire(ctx, &paygate.InquireRequest{PaymentRequestID: "pay-0001"})
	if err != nil {
		fmt.Println(paygate.OutcomeOf(err), err)
		return
	}
	fmt.Println(p.Status, p.Amount)
	// Output:
	// mem_pay_1 REQUIRES_ACTION
	// redirect https://checkout.memory.paygate.invalid/pay/mem_pay_1
	// SUCCEEDED 149000.00 IDR
}

// A reply lost on the way back is U: the payment may exist. Resending the same request with the same
// PaymentRequestID returns it, and the ledger shows one order, not two.
func ExampleGateway_Inject() {
	ctx := context.Background()
	gw := memory.New(memory.Config{})
	defer gw.Close()
	req := &paygate.CreateRequest{PaymentRequestID: "pay-0002", Amount: money.MustParse("10.50", "USD")}

	gw.Inject(sim.Fault{Op: paygate.OpCreate, Kind: sim.LoseReply})
	_, err := gw.Create(ctx, req)
	fmt.Println(paygate.OutcomeOf(err), paygate.CodeOf(err))

	p, err := gw.Create(ctx, req) // the same request, the same id
	fmt.Println(paygate.OutcomeOf(err), p.ProviderPaymentID, p.Status)
	fmt.Println("orders:", len(gw.Ledger().Orders("pay-0002")))
	// Output:
	// U TIMEOUT
	// S mem_pay_1 REQUIRES_ACTION
	// orders: 1
}
