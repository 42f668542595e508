// Package logfields names a call's ids in log entries the same way everywhere: retry.Wrap's attempt
// log, the adapters' call logs and the transport's try log all say payment_request_id,
// provider_payment_id, refund_request_id, provider_refund_id and capture_request_id, and leave out an id the caller did
// not give.
package logfields

import (
	"go.uber.org/zap"

	"github.com/paygate-go/paygate"
)

// Payment names a payment by the ids given (either may be empty).
func Payment(requestID, providerID string) []zap.Field {
	return payment(requestID, providerID, 0)
}

// payment is Payment with room for extra more fields, so a caller appending them allocates once.
func payment(requestID, providerID string, extra int) []zap.Field {
	n := extra
	for _, id := range []string{requestID, providerID} {
		if id != "" {
			n++
		}
	}
	if n == 0 {
		return nil
	}
	fs := make([]zap.Field, 0, n)
	if requestID != "" {
		fs = append(fs, zap.String("payment_request_id", requestID))
	}
	if providerID != "" {
		fs = append(fs, zap.String("provider_payment_id", providerID))
	}
	return fs
}

// Refund names a refund by the ids given (either may be empty).
func Refund(requestID, providerID string) []zap.Field {
	var fs []zap.Field
	if requestID != "" && providerID != "" {
		fs = make([]zap.Field, 0, 2)
	}
	if requestID != "" {
		fs = append(fs, zap.String("refund_request_id", requestID))
	}
	if providerID != "" {
		fs = append(fs, zap.String("provider_refund_id", providerID))
	}
	return fs
}

// Create names the payment a create asks for.
func Create(req *paygate.CreateRequest) []zap.Field { return Payment(req.PaymentRequestID, "") }

// Inquire names the payment an inquiry asks about.
func Inquire(req *paygate.InquireRequest) []zap.Field {
	return Payment(req.PaymentRequestID, req.ProviderPaymentID)
}

// Cancel names the payment a cancel is for.
func Cancel(req *paygate.CancelRequest) []zap.Field {
	return Payment(req.PaymentRequestID, req.ProviderPaymentID)
}

// RefundRequest names the payment a refund is of, and the refund.
func RefundRequest(req *paygate.RefundRequest) []zap.Field {
	fs := payment(req.PaymentRequestID, req.ProviderPaymentID, 1)
	if req.RefundRequestID != "" {
		fs = append(fs, zap.String("refund_request_id", req.RefundRequestID))
	}
	return fs
}

// Capture names the payment a capture is of, and the capture.
func Capture(req *paygate.CaptureRequest) []zap.Field {
	fs := payment(req.PaymentRequestID, req.ProviderPaymentID, 1)
	if req.CaptureRequestID != "" {
		fs = append(fs, zap.String("capture_request_id", req.CaptureRequestID))
	}
	return fs
}

// InquireRefund names the refund an inquiry asks about.
func InquireRefund(req *paygate.InquireRefundRequest) []zap.Field {
	fs := Refund(req.RefundRequestID, req.ProviderRefundID)
	if req.PaymentRequestID != "" || req.ProviderPaymentID != "" {
		fs = append(fs, Payment(req.PaymentRequestID, req.ProviderPaymentID)...)
	}
	return fs
}
