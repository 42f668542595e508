package vai247

// wire is every path, header, query parameter and JSON field name of the VAI247 (DVPay) API that the
// adapter uses, in one table: when the provider renames one (its later "2026-03-02" version changes
// casing), the fix is one line here. The simulator (vai247test) is written from the provider's
// docs with its own names, so a typo here fails the tests rather than hiding.
var wire = struct {
	// Paths, relative to BaseURL.
	pathCreate, pathInquire, pathCancel, pathRefund string
	// Query parameter of the inquiry.
	queryTransactionID string

	// Request headers.
	hdrAppID, hdrAPIKey, hdrTimestamp, hdrSignature, hdrIdempotentKey, hdrContentType string
	// Webhook signature header.
	hdrWebhookSignature string

	// Request and response body fields.
	storeID, amount, currency, referenceID, orderID, reason                               string
	status, qrCode, expiresAt, transactionID, createdAt, updatedAt, cancelledAt, refundID string

	// Error envelope: {"error":{"code","message","details","request_id","timestamp"}}.
	errObject, errCode, errMessage, errRequestID string

	// Webhook body: {event, order_id, amount, currency, status, timestamp}.
	event, timestamp string
}{
	pathCreate:  "api/v1/payment-gateway/order/create",
	pathInquire: "api/v1/payment-gateway/payment/transaction-detail",
	pathCancel:  "api/v1/payment-gateway/order/cancel",
	pathRefund:  "api/v1/payment-gateway/order/refund",

	queryTransactionID: "transaction_id",

	hdrAppID:         "X-App-Id",
	hdrAPIKey:        "X-Api-Key",
	hdrTimestamp:     "X-Timestamp",
	hdrSignature:     "X-Signature",
	hdrIdempotentKey: "X-Idempotent-Key",
	hdrContentType:   "Content-Type",

	hdrWebhookSignature: "X-DVPay-Signature",

	storeID:     "store_id",
	amount:      "amount",
	currency:    "currency",
	referenceID: "reference_id",
	orderID:     "order_id",
	reason:      "reason",

	status:        "status",
	qrCode:        "qr_code",
	expiresAt:     "expires_at",
	transactionID: "transaction_id",
	createdAt:     "created_at",
	updatedAt:     "updated_at",
	cancelledAt:   "cancelled_at",
	refundID:      "refund_id",

	errObject:    "error",
	errCode:      "code",
	errMessage:   "message",
	errRequestID: "request_id",

	event:     "event",
	timestamp: "timestamp",
}
