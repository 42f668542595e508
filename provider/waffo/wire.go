package waffo

import (
	"bytes"
	"encoding/json"
	"strings"
	"time"
)

// The Waffo API as this adapter speaks it: paths below the base URL, headers, the envelope and the
// bodies. Field names are Waffo's.
const (
	pathCreate        = "/order/create"
	pathInquire       = "/order/inquiry"
	pathCancel        = "/order/cancel"
	pathCapture       = "/order/capture"
	pathRefund        = "/order/refund"
	pathInquireRefund = "/refund/inquiry"

	headerAPIKey     = "X-API-KEY"
	headerSignature  = "X-SIGNATURE"
	headerAPIVersion = "X-API-VERSION"
	apiVersion       = "1.0.0"

	codeSuccess = "0"

	// timeLayout is Waffo's timestamp format: ISO 8601 in UTC with milliseconds.
	timeLayout = "2006-01-02T15:04:05.000Z"
)

// Waffo's documented field limits the adapter checks before sending.
const (
	maxRequestIDLen       = 32 // paymentRequestId, refundRequestId, acquiringOrderId
	maxMerchantOrderIDLen = 64
	maxDescriptionLen     = 128
	maxNotifyURLLen       = 256
	maxRedirectURLLen     = 512
	maxUserIDLen          = 64
	maxEmailLen           = 64
	maxPhoneLen           = 30
	maxTerminalLen        = 32
	maxIPLen              = 128
	maxUserAgentLen       = 256
	maxExtendInfoLen      = 128
	maxReasonLen          = 256 // refundReason: not documented; kept well under Waffo's body limits
)

// formatTime writes t in Waffo's format.
func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

// parseTime reads a Waffo timestamp; it accepts any RFC 3339 time, with or without fractions.
func parseTime(s string) (time.Time, bool) {
	if s == "" {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	return t, err == nil
}

// envelope is every Waffo response: code "0" is success, anything else a result code.
type envelope struct {
	Code string          `json:"code"`
	Msg  string          `json:"msg"`
	Data json.RawMessage `json:"data"`
}

type merchantInfo struct {
	MerchantID    string `json:"merchantId"`
	SubMerchantID string `json:"subMerchantId,omitempty"`
}

type userInfo struct {
	UserID          string `json:"userId"`
	UserEmail       string `json:"userEmail"`
	UserTerminal    string `json:"userTerminal"`
	UserPhone       string `json:"userPhone,omitempty"`
	UserCountryCode string `json:"userCountryCode,omitempty"`
	UserFirstName   string `json:"userFirstName,omitempty"`
	UserLastName    string `json:"userLastName,omitempty"`
	UserBrowserIP   string `json:"userBrowserIp,omitempty"`
	UserAgent       string `json:"userAgent,omitempty"`
}

type paymentInfo struct {
	ProductName         string `json:"productName"`
	PayMethodType       string `json:"payMethodType,omitempty"`
	PayMethodName       string `json:"payMethodName,omitempty"`
	PayMethodCountry    string `json:"payMethodCountry,omitempty"`
	PayMethodProperties string `json:"payMethodProperties,omitempty"`
	CashierLanguage     string `json:"cashierLanguage,omitempty"`
	// CaptureMode is captureModeManual for a manual-capture order, else absent (Waffo captures at once).
	CaptureMode string `json:"captureMode,omitempty"`
}

// captureModeManual is paymentInfo.captureMode for an order Waffo only authorizes (the SDK's
// PaymentInfo.CaptureMode, as its manual-capture e2e test sends it).
const captureModeManual = "manualCapture"

type createBody struct {
	PaymentRequestID   string       `json:"paymentRequestId"`
	MerchantOrderID    string       `json:"merchantOrderId"`
	OrderCurrency      string       `json:"orderCurrency"`
	OrderAmount        string       `json:"orderAmount"`
	UserCurrency       string       `json:"userCurrency,omitempty"`
	OrderDescription   string       `json:"orderDescription"`
	OrderRequestedAt   string       `json:"orderRequestedAt"`
	OrderExpiredAt     string       `json:"orderExpiredAt,omitempty"`
	SuccessRedirectURL string       `json:"successRedirectUrl,omitempty"`
	FailedRedirectURL  string       `json:"failedRedirectUrl,omitempty"`
	CancelRedirectURL  string       `json:"cancelRedirectUrl,omitempty"`
	NotifyURL          string       `json:"notifyUrl"`
	ExtendInfo         string       `json:"extendInfo,omitempty"`
	MerchantInfo       merchantInfo `json:"merchantInfo"`
	UserInfo           userInfo     `json:"userInfo"`
	GoodsInfo          *Goods       `json:"goodsInfo,omitempty"`
	PaymentInfo        paymentInfo  `json:"paymentInfo"`
	RiskData           *RiskData    `json:"riskData,omitempty"`
	AddressInfo        *Address     `json:"addressInfo,omitempty"`
}

// orderRef names an order for inquiry and cancel (one of the two ids).
type orderRef struct {
	PaymentRequestID string `json:"paymentRequestId,omitempty"`
	AcquiringOrderID string `json:"acquiringOrderId,omitempty"`
}

// inquireBody is /order/inquiry's body: the order's id and nothing else (the SDK's InquiryOrderParams,
// the API reference's AcqOrderInquiryRequest).
type inquireBody struct {
	orderRef
}

type cancelBody struct {
	orderRef
	MerchantID       string `json:"merchantId"`
	OrderRequestedAt string `json:"orderRequestedAt"`
}

// captureBody is /order/capture's body (the SDK's CaptureOrderParams, the API reference's
// CaptureOrderRequest, which requires merchantId and captureRequestedAt; the sandbox answers A0003
// without captureRequestedAt). It has no request id of its own: Waffo names the capture by its order.
type captureBody struct {
	orderRef
	MerchantID         string `json:"merchantId"`
	CaptureRequestedAt string `json:"captureRequestedAt"`
	CaptureAmount      string `json:"captureAmount"`
}

type refundBody struct {
	RefundRequestID       string `json:"refundRequestId"`
	AcquiringOrderID      string `json:"acquiringOrderId"`
	MerchantID            string `json:"merchantId"`
	RequestedAt           string `json:"requestedAt"`
	RefundAmount          string `json:"refundAmount"`
	RefundReason          string `json:"refundReason"`
	MerchantRefundOrderID string `json:"merchantRefundOrderId,omitempty"`
	RefundNotifyURL       string `json:"refundNotifyUrl,omitempty"`
	ExtendInfo            string `json:"extendInfo,omitempty"`
}

// inquireRefundBody is /refund/inquiry's body: the refund's id and nothing else (the SDK's
// InquiryRefundParams, the API reference's AcqOrderRefundInquiryRequest).
type inquireRefundBody struct {
	RefundRequestID        string `json:"refundRequestId,omitempty"`
	AcquiringRefundOrderID string `json:"acquiringRefundOrderId,omitempty"`
}

// orderData is the order in create, inquiry, cancel and capture replies and in payment notifications;
// each carries a subset of it. It names every field Waffo documents for them (the SDK's CreateOrderData,
// InquiryOrderData, CancelOrderData, CaptureOrderData and PaymentNotificationResult), so a strict decode of a documented
// body succeeds; the adapter reads the first block, the raw ones it keeps only to know them.
type orderData struct {
	PaymentRequestID  string          `json:"paymentRequestId"`
	MerchantOrderID   string          `json:"merchantOrderId"`
	AcquiringOrderID  string          `json:"acquiringOrderId"`
	OrderStatus       string          `json:"orderStatus"`
	OrderAction       string          `json:"orderAction"`
	OrderCurrency     string          `json:"orderCurrency"`
	OrderAmount       string          `json:"orderAmount"`
	FinalDealAmount   string          `json:"finalDealAmount"`
	OrderExpiredAt    string          `json:"orderExpiredAt"`
	OrderUpdatedAt    string          `json:"orderUpdatedAt"`
	OrderFailedReason json.RawMessage `json:"orderFailedReason"`

	OrderDescription  json.RawMessage `json:"orderDescription"`
	UserCurrency      json.RawMessage `json:"userCurrency"`
	MerchantInfo      json.RawMessage `json:"merchantInfo"`
	UserInfo          json.RawMessage `json:"userInfo"`
	GoodsInfo         json.RawMessage `json:"goodsInfo"`
	PaymentInfo       json.RawMessage `json:"paymentInfo"`
	AddressInfo       json.RawMessage `json:"addressInfo"`
	OrderRequestedAt  json.RawMessage `json:"orderRequestedAt"`
	OrderCompletedAt  json.RawMessage `json:"orderCompletedAt"`
	RefundExpiryAt    json.RawMessage `json:"refundExpiryAt"`
	CancelRedirectURL json.RawMessage `json:"cancelRedirectUrl"`
	ExtendInfo        json.RawMessage `json:"extendInfo"`
	SubscriptionInfo  json.RawMessage `json:"subscriptionInfo"`
}

// refundData is the refund in refund and refund-inquiry replies and in refund notifications (the SDK's
// RefundOrderData, InquiryRefundData and RefundNotificationResult). None of them names a currency:
// a refund is in its order's currency, which the adapter takes from the refund request or an order
// inquiry. The raw fields are documented ones the adapter does not read.
type refundData struct {
	RefundRequestID        string          `json:"refundRequestId"`
	AcquiringOrderID       string          `json:"acquiringOrderId"`
	AcquiringRefundOrderID string          `json:"acquiringRefundOrderId"`
	OrigPaymentRequestID   string          `json:"origPaymentRequestId"`
	RefundAmount           string          `json:"refundAmount"`
	RefundStatus           string          `json:"refundStatus"`
	RemainingRefundAmount  string          `json:"remainingRefundAmount"`
	RefundUpdatedAt        string          `json:"refundUpdatedAt"`
	RefundFailedReason     json.RawMessage `json:"refundFailedReason"`

	MerchantRefundOrderID json.RawMessage `json:"merchantRefundOrderId"`
	RefundReason          json.RawMessage `json:"refundReason"`
	RefundRequestedAt     json.RawMessage `json:"refundRequestedAt"`
	RefundCompletedAt     json.RawMessage `json:"refundCompletedAt"`
	RefundSource          json.RawMessage `json:"refundSource"`
	ExtendInfo            json.RawMessage `json:"extendInfo"`
	UserCurrency          json.RawMessage `json:"userCurrency"`
	FinalDealAmount       json.RawMessage `json:"finalDealAmount"`
	MerchantUserID        json.RawMessage `json:"merchantUserId"`
	SubscriptionInfo      json.RawMessage `json:"subscriptionInfo"`
	UserInfo              json.RawMessage `json:"userInfo"`
}

// failureReason reads orderFailedReason, which Waffo sends as an object or as a JSON-encoded string
// (both seen), and returns a short readable form; "" when there is none.
func failureReason(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" || string(raw) == `""` || string(raw) == "{}" {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		if s = strings.TrimSpace(s); s == "" || s == "{}" || s == "null" {
			return ""
		}
		raw = []byte(s)
	}
	var obj map[string]any
	if json.Unmarshal(raw, &obj) == nil {
		for _, k := range []string{"orderFailedDescription", "failedDescription", "message", "reason", "orderFailedCode", "failedCode", "code"} {
			if v, ok := obj[k].(string); ok && v != "" {
				return v
			}
		}
		if len(obj) == 0 {
			return ""
		}
	}
	return string(raw)
}
