package memory_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

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

// A merchant's webhook endpoint: WebhookHandler checks the Memory-Signature header and the body,
// decodes the paygate.Event and passes it on; a changed body fails the signature and is refused
// with 401 before your function sees it. Every adapter has the same WebhookHandler, so this code
// stays when the memory provider is replaced by a real one.
func ExampleGateway_WebhookHandler() {
	gw := memory.New(memory.Config{})
	events := make(chan *paygate.Event, 10)
	hook := httptest.NewServer(gw.WebhookHandler(func(_ context.Context, ev *paygate.Event) error {
		events <- ev // dedupe on ev.ID: a delivery may come more than once
		return nil   // an error makes the provider deliver it again later
	}))
	defer hook.Close()
	defer gw.Close() // first: stops pending deliveries before the endpoint goes away

	ctx := context.Background()
	_, err := gw.Create(ctx, &paygate.CreateRequest{
		PaymentRequestID: "pay-0003",
		Amount:           money.MustParse("10.50", "USD"),
		NotifyURL:        hook.URL,
	})
	if err != nil {
		fmt.Println(paygate.OutcomeOf(err), err)
		return
	}
	_ = gw.Pay("pay-0003") // the status changes: the provider notifies NotifyURL

	select { // deliveries are asynchronous
	case ev := <-events:
		fmt.Println(ev.ID, ev.Type, ev.Payment.PaymentRequestID, ev.Payment.Status, ev.Payment.Amount)
	case <-time.After(5 * time.Second):
		fmt.Println("no notification")
		return
	}

	// Replay the delivery with a forged amount and the original signature.
	waitCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	_ = gw.Webhooks().Wait(waitCtx)
	d := gw.Webhooks().Deliveries()[0]
	forged := bytes.Replace(d.Body, []byte(`"10.50"`), []byte(`"0.01"`), 1)
	req, _ := http.NewRequest(http.MethodPost, d.URL, bytes.NewReader(forged))
	req.Header = d.Header.Clone()
	resp, err := hook.Client().Do(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()
	fmt.Println("acknowledged:", d.Acked, "forged:", resp.StatusCode, "events passed on:", len(events))
	// Output:
	// evt_mem_pay_1_1 payment.updated pay-0003 SUCCEEDED 10.50 USD
	// acknowledged: true forged: 401 events passed on: 0
}
