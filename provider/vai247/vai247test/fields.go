package vai247test

// Field is one member of a VAI247 message, with where its name comes from.
type Field struct {
	Name   string
	Source string // the doc section (or seed) that names it; "DECISION: …" for our own reading
}

// The sources of Fields. Pages are under https://merchant-docs.dv.vai247.pro; the seed and the facts
// file are in the project's shared/ directory (shared/seeds, shared/providers/vai247.md).
const (
	srcCreate       = "docs api-reference/create-order, as providers/vai247.md §Endpoints: Create"
	srcReference    = "DECISION (providers/vai247.md §Endpoints: Create): the order field of docs versioning/2025-08-20 batch-create"
	srcRefReference = "DECISION (ours, vai247 package doc): not in docs api-reference/refund-order; never read back"
	srcInquire      = "docs api-reference/transaction-detail: request parameters and TransactionDetail"
	srcCancel       = "seed 001_af98916784b1ffa2 (docs api-reference/cancel-order): CancelRequest, CancelResponse, Response"
	srcRefund       = "docs api-reference/refund-order: request parameters and RefundResponse"
	srcError        = "docs essentials/error-handling: Error Response Format"
	srcWebhook      = "docs essentials/webhook-configuration: WebhookPayload"
)

// Fields lists, per message, every field the simulator reads or writes, and its source. A test pins
// every reply and notification the simulator sends, and every request body it reads, to this table:
// nothing is sent or required that VAI247's docs do not name. It is also what the adapter may rely on.
//
// What the table says about matching events to the merchant's orders: no reply and no notification
// carries the merchant's reference_id (nor a refund's), so VAI247 never tells which PaymentRequestID
// or RefundRequestID an order or refund belongs to; order_id is the only key, and refund notifications
// carry no refund_id.
var Fields = map[string][]Field{
	// POST order/create.
	"create request": {{"store_id", srcCreate}, {"amount", srcCreate}, {"currency", srcCreate}, {"reference_id", srcReference}},
	"create reply":   {{"order_id", srcCreate}, {"status", srcCreate}, {"qr_code", srcCreate}, {"expires_at", srcCreate}},
	// GET payment/transaction-detail?transaction_id=… (DECISION: an order id is accepted there).
	"inquire query": {{"transaction_id", srcInquire}},
	"inquire reply": {{"transaction_id", srcInquire}, {"order_id", srcInquire}, {"amount", srcInquire}, {"currency", srcInquire},
		{"status", srcInquire}, {"created_at", srcInquire}, {"updated_at", srcInquire}},
	// POST order/cancel.
	"cancel request": {{"order_id", srcCancel}, {"reason", srcCancel}},
	"cancel reply":   {{"order_id", srcCancel}, {"status", srcCancel}, {"cancelled_at", srcCancel}},
	// POST order/refund.
	"refund request": {{"order_id", srcRefund}, {"amount", srcRefund}, {"reason", srcRefund}, {"reference_id", srcRefReference}},
	"refund reply":   {{"refund_id", srcRefund}, {"order_id", srcRefund}, {"amount", srcRefund}, {"status", srcRefund}, {"created_at", srcRefund}},
	// Any non-2xx answer: {"error": {…}}.
	"error reply":  {{"error", srcError}},
	"error object": {{"code", srcError}, {"message", srcError}, {"details", srcError}, {"request_id", srcError}, {"timestamp", srcError}},
	// The notification POSTed to the dashboard's webhook URL, and the merchant's acknowledgement.
	"notification":       {{"event", srcWebhook}, {"order_id", srcWebhook}, {"amount", srcWebhook}, {"currency", srcWebhook}, {"status", srcWebhook}, {"timestamp", srcWebhook}},
	"notification reply": {{"status", srcWebhook + ` (the endpoint answers {"status":"received"})`}},
}

// Required lists the request fields the simulator refuses a request without; each is in Fields.
var Required = map[string][]string{
	"create request": {"store_id", "amount", "currency"},
	"inquire query":  {"transaction_id"},
	"cancel request": {"order_id"},
	"refund request": {"order_id", "amount"},
}
