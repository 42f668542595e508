package antomtest

// codeInfo is a result code's result status and message, as Antom documents them.
type codeInfo struct {
	status  string // S, F or U
	message string
}

// codes are the result codes the simulator answers, on its own or through a ReplyCode fault. A code
// injected that is not here is answered with result status U.
var codes = map[string]codeInfo{
	"SUCCESS":                      {"S", "Success"},
	"ACCESS_DENIED":                {"F", "Access is denied."},
	"INVALID_API":                  {"F", "The called API is invalid or not active."},
	"CANCEL_WINDOW_EXCEED":         {"F", "The cancellation date exceeds the period during which cancellation is supported. The period is agreed upon in the contract."},
	"KEY_NOT_FOUND":                {"F", "The private key or public key of Antom or the merchant is not found."},
	"MERCHANT_BALANCE_NOT_ENOUGH":  {"F", "The merchant balance is insufficient."},
	"NO_INTERFACE_DEF":             {"F", "API is not defined."},
	"ORDER_NOT_EXIST":              {"F", "The order does not exist."},
	"ORDER_STATUS_INVALID":         {"F", "The transaction cannot be further processed because the order status is invalid."},
	"PARAM_ILLEGAL":                {"F", "The required parameters are not passed, or illegal parameters exist."},
	"PROCESS_FAIL":                 {"F", "A general business failure occurred."},
	"SYSTEM_ERROR":                 {"F", "A system error occurred."},
	"REQUEST_TRAFFIC_EXCEED_LIMIT": {"U", "The request traffic exceeds the limit."},
	"PAYMENT_METHOD_NOT_SUPPORTED": {"F", "The payment method does not support canceling or refunding transactions if the payment status is successful."},
	"UNKNOWN_EXCEPTION":            {"U", "An API call has failed, which is caused by unknown reasons."},
	"USER_NOT_EXIST":               {"F", "The user does not exist on the payment method side."},
	"USER_STATUS_ABNORMAL":         {"F", "The user status is abnormal on the payment method side."},
	"CLIENT_INVALID":               {"F", "The client is invalid."},
	"PAYMENT_IN_PROCESS":           {"U", "The payment is being processed."},
	"REFUND_IN_PROCESS":            {"U", "The refund is being processed."},
	"RISK_REJECT":                  {"F", "The request is rejected because of the risk control."},
	"REPEAT_REQ_INCONSISTENT":      {"F", "Repeated requests are inconsistent."},
	"INVALID_SIGNATURE":            {"F", "The signature is invalid."},
	"CURRENCY_NOT_SUPPORT":         {"F", "The currency is not supported."},
	"USER_BALANCE_NOT_ENOUGH":      {"F", "The user balance is not enough for the payment."},
	"ORDER_IS_CLOSED":              {"F", "The order is closed."},
	"REFUND_AMOUNT_EXCEED":         {"F", "The total refund amount exceeds the payment amount."},
	"REFUND_WINDOW_EXCEED":         {"F", "The refund date exceeds the refund window agreed upon in the contract."},
	"MEDIA_TYPE_NOT_ACCEPTABLE":    {"F", "The server does not implement the media type that is acceptable to the client."},
	// capture (see doc.go for the source of these two).
	"CAPTURE_AMOUNT_EXCEED_AUTH_LIMIT": {"F", "The total capture amount exceeds the authorized amount of the payment."},
	"CAPTURE_IN_PROCESS":               {"U", "The capture is being processed."},
}

// codeResult is the result object for code: its documented status, or U for an unknown code.
func codeResult(code string) result {
	if c, ok := codes[code]; ok {
		return result{ResultCode: code, ResultStatus: c.status, ResultMessage: c.message}
	}
	return result{ResultCode: code, ResultStatus: "U", ResultMessage: "simulated result code " + code}
}
