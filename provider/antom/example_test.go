package antom_test

import (
	"context"
	"fmt"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/money"
	"github.com/paygate-go/paygate/provider/antom"
	"github.com/paygate-go/paygate/provider/antom/antomtest"
	"github.com/paygate-go/paygate/provider/sim"
	"github.com/paygate-go/paygate/retry"
)

// A checkout against the simulator: create (the customer is sent to Antom's cashier), the customer
// pays, the merchant inquires, then refunds part of it.
func Example() {
	srv := antomtest.NewServer(antomtest.Config{})
	defer srv.Close()
	gw, err := antom.New(antom.Config{
		BaseURL:        srv.URL, // omit for Antom's Asia domain
		ClientID:       srv.ClientID,
		PrivateKey:     srv.MerchantPrivateKey,
		AntomPublicKey: srv.AntomPublicKey,
	})
	if err != nil {
		panic(err)
	}
	defer gw.Close()
	checkout := retry.Wrap(gw, retry.Default()) // resends after U and resolves it by inquiry
	ctx := context.Background()

	p, err := checkout.Create(ctx, &paygate.CreateRequest{
		PaymentRequestID: "pay-20261121-0001",
		Amount:           money.MustParse("149000", "IDR"),
		Method:           paygate.Method{Name: "DANA"},
		ReturnURL:        "https://shop.example/return",
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(p.Status, p.Action.Kind) // send the customer to p.Action.URL

	_ = srv.Settle(ctx, "pay-20261121-0001", sim.Pay) // the customer pays at the cashier
	p, err = checkout.Inquire(ctx, &paygate.InquireRequest{PaymentRequestID: "pay-20261121-0001"})
	if err != nil {
		panic(err)
	}
	fmt.Println(p.Status, p.Amount)

	r, err := checkout.Refund(ctx, &paygate.RefundRequest{
		RefundRequestID:   "refund-20261121-0001",
		ProviderPaymentID: p.ProviderPaymentID,
		Amount:            money.MustParse("49000", "IDR"),
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(r.Status, r.Amount)
	fmt.Println(srv.Ledger().Orders("pay-20261121-0001")[0].WireAmount) // IDR in hundredths
	// Output:
	// REQUIRES_ACTION redirect
	// SUCCEEDED 149000.00 IDR
	// SUCCEEDED 49000.00 IDR
	// 14900000
}

// Authorize now, capture later: a payment created with CaptureManual ends AUTHORIZED when the customer
// pays; Capture takes part of it (the rest of the hold is released), and a resend of the same capture
// after U captures nothing more.
func ExampleGateway_Capture() {
	srv := antomtest.NewServer(antomtest.Config{})
	defer srv.Close()
	gw, err := antom.New(antom.Config{
		BaseURL: srv.URL, ClientID: srv.ClientID, PrivateKey: srv.MerchantPrivateKey, AntomPublicKey: srv.AntomPublicKey,
	})
	if err != nil {
		panic(err)
	}
	defer gw.Close()
	checkout := retry.Wrap(gw, retry.Default())
	ctx := context.Background()

	_, err = checkout.Create(ctx, &paygate.CreateRequest{
		PaymentRequestID: "hotel-20261121-0001",
		Amount:           money.MustParse("120.00", "USD"),
		Method:           paygate.Method{Name: "CARD"},
		ReturnURL:        "https://hotel.example/return",
		CaptureMode:      paygate.CaptureManual,
	})
	if err != nil {
		panic(err)
	}
	_ = srv.Settle(ctx, "hotel-20261121-0001", sim.Pay) // the guest authorizes
	p, err := checkout.Inquire(ctx, &paygate.InquireRequest{PaymentRequestID: "hotel-20261121-0001"})
	if err != nil {
		panic(err)
	}
	fmt.Println(p.Status, p.Captured.IsZero())

	capture := &paygate.CaptureRequest{
		CaptureRequestID: "capture-20261121-0001",
		PaymentRequestID: "hotel-20261121-0001",
		Amount:           money.MustParse("95.50", "USD"), // the stay cost less than held
	}
	p, err = checkout.Capture(ctx, capture)
	if err != nil {
		panic(err)
	}
	fmt.Println(p.Status, p.Captured)
	p, _ = checkout.Capture(ctx, capture) // resent: the same answer
	fmt.Println(p.Status, p.Captured, len(srv.Ledger().Captures(p.ProviderPaymentID)))
	// Output:
	// AUTHORIZED true
	// SUCCEEDED 95.50 USD
	// SUCCEEDED 95.50 USD 1
}

// The signature header of one request, as Antom computes it.
func ExampleSign() {
	content := antom.SignContent("POST", "/ams/api/v1/payments/inquiryPayment", "SANDBOX_5YEZ", "1685599933871", []byte(`{"paymentRequestId":"p1"}`))
	fmt.Printf("%s\n", content)
	// Output:
	// POST /ams/api/v1/payments/inquiryPayment
	// SANDBOX_5YEZ.1685599933871.{"paymentRequestId":"p1"}
}
