package antom

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/paygate-go/paygate/money"
)

// currencyDigits are the decimal places Antom counts an amount's value in, for the currencies Antom
// documents. A currency not listed is refused before anything is sent (UNSUPPORTED_CURRENCY): sending
// it at a guessed scale could charge ten or a hundred times the amount.
var currencyDigits = map[string]int{
	"CLP": 0, "JPY": 0, "KRW": 0, "VND": 0,
	"AUD": 2, "BDT": 2, "BRL": 2, "CAD": 2, "CNY": 2, "EUR": 2, "GBP": 2, "HKD": 2, "IDR": 2, "MXN": 2,
	"MYR": 2, "NZD": 2, "PEN": 2, "PHP": 2, "PKR": 2, "PLN": 2, "SGD": 2, "THB": 2, "TWD": 2, "USD": 2,
}

// Currencies returns the currencies the adapter sends to Antom, sorted.
func Currencies() []string { return slices.Sorted(maps.Keys(currencyDigits)) }

// Digits returns the decimal places Antom counts currency's value in, and whether Antom takes it.
func Digits(currency string) (int, bool) {
	d, ok := currencyDigits[currency]
	return d, ok
}

// wireAmount is Antom's Amount: {"currency":"USD","value":"1999"}, value a string of minor units.
type wireAmount struct {
	Currency string `json:"currency"`
	Value    string `json:"value"`
}

// toWire writes a in Antom's form. It fails for a currency Antom does not take, or an amount that
// does not fit Antom's digits exactly (never rounded).
func toWire(a money.Amount) (*wireAmount, error) {
	d, ok := currencyDigits[a.Currency()]
	if !ok {
		return nil, fmt.Errorf("the currency %s is not one Antom takes (%v)", a.Currency(), Currencies())
	}
	minor, err := a.MinorAt(d)
	if err != nil {
		return nil, err
	}
	return &wireAmount{Currency: a.Currency(), Value: strconv.FormatInt(minor, 10)}, nil
}

// fromWire reads an Antom amount: a currency Antom takes and a value of decimal digits only.
func fromWire(w *wireAmount) (money.Amount, error) {
	if w == nil {
		return money.Amount{}, fmt.Errorf("no amount")
	}
	d, ok := currencyDigits[w.Currency]
	if !ok {
		return money.Amount{}, fmt.Errorf("amount in %q, a currency Antom is not known to use", w.Currency)
	}
	v := w.Value
	if v == "" || len(v) > 19 {
		return money.Amount{}, fmt.Errorf("amount value %q is not an integer of minor units", v)
	}
	for i := 0; i < len(v); i++ {
		if v[i] < '0' || v[i] > '9' {
			return money.Amount{}, fmt.Errorf("amount value %q is not an integer of minor units", v)
		}
	}
	minor, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return money.Amount{}, fmt.Errorf("amount value %q is out of range", v)
	}
	return money.FromMinorAt(minor, w.Currency, d)
}

// encodeJSON marshals v without HTML escaping and without a trailing newline: the bytes sent are the
// bytes signed.
func encodeJSON(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// parseTime reads one of Antom's ISO 8601 times; zero when absent or malformed (times are
// informational: they never decide an outcome).
func parseTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}
	}
	return t
}

// result is Antom's result object.
type result struct {
	ResultCode    string `json:"resultCode"`
	ResultStatus  string `json:"resultStatus"`
	ResultMessage string `json:"resultMessage"`
}

// envelope is the part of every response read before anything else.
type envelope struct {
	Result *result `json:"result"`
}

// Every scalar in a request is a string, as Antom requires; objects are pointers left out when empty.

type payRequest struct {
	ProductCode        string              `json:"productCode"`
	PaymentRequestID   string              `json:"paymentRequestId"`
	Order              order               `json:"order"`
	PaymentAmount      *wireAmount         `json:"paymentAmount"`
	PaymentMethod      paymentMethod       `json:"paymentMethod"`
	PaymentRedirectURL string              `json:"paymentRedirectUrl"`
	PaymentNotifyURL   string              `json:"paymentNotifyUrl,omitempty"`
	PaymentExpiryTime  string              `json:"paymentExpiryTime,omitempty"`
	SettlementStrategy *settlementStrategy `json:"settlementStrategy,omitempty"`
	MerchantAccountID  string              `json:"merchantAccountId,omitempty"`
	// PaymentFactor carries captureMode MANUAL for a manual-capture payment (SDK model.PaymentFactor;
	// docs: cashierpay "Capture"); left out for automatic capture, Antom's default.
	PaymentFactor *paymentFactor `json:"paymentFactor,omitempty"`
}

type paymentFactor struct {
	CaptureMode string `json:"captureMode,omitempty"`
}

type order struct {
	ReferenceOrderID string      `json:"referenceOrderId"`
	OrderDescription string      `json:"orderDescription"`
	OrderAmount      *wireAmount `json:"orderAmount"`
	Buyer            *buyer      `json:"buyer,omitempty"`
	Env              env         `json:"env"`
}

type buyer struct {
	ReferenceBuyerID string `json:"referenceBuyerId,omitempty"`
	BuyerEmail       string `json:"buyerEmail,omitempty"`
	BuyerPhoneNo     string `json:"buyerPhoneNo,omitempty"`
}

type env struct {
	TerminalType string `json:"terminalType"`
	OSType       string `json:"osType,omitempty"`
	ClientIP     string `json:"clientIp,omitempty"`
	UserAgent    string `json:"userAgent,omitempty"`
}

type paymentMethod struct {
	PaymentMethodType string `json:"paymentMethodType"`
}

type settlementStrategy struct {
	SettlementCurrency string `json:"settlementCurrency"`
}

type payResponse struct {
	PaymentRequestID  string      `json:"paymentRequestId"`
	PaymentID         string      `json:"paymentId"`
	PaymentAmount     *wireAmount `json:"paymentAmount"`
	PaymentCreateTime string      `json:"paymentCreateTime"`
	NormalURL         string      `json:"normalUrl"`
	SchemeURL         string      `json:"schemeUrl"`
	ApplinkURL        string      `json:"applinkUrl"`
}

type paymentRef struct {
	PaymentRequestID  string `json:"paymentRequestId,omitempty"`
	PaymentID         string `json:"paymentId,omitempty"`
	MerchantAccountID string `json:"merchantAccountId,omitempty"`
}

type inquiryResponse struct {
	PaymentStatus        string      `json:"paymentStatus"`
	PaymentResultCode    string      `json:"paymentResultCode"`
	PaymentResultMessage string      `json:"paymentResultMessage"`
	PaymentRequestID     string      `json:"paymentRequestId"`
	PaymentID            string      `json:"paymentId"`
	PaymentAmount        *wireAmount `json:"paymentAmount"`
	PaymentCreateTime    string      `json:"paymentCreateTime"`
	PaymentTime          string      `json:"paymentTime"`
	// AuthExpiryTime is when an authorization that waits for capture lapses (SDK
	// AlipayPayQueryResponse.AuthExpiryTime): a SUCCESS payment that carries one and no capture is
	// AUTHORIZED.
	AuthExpiryTime string `json:"authExpiryTime"`
	// Transactions are the captures (and refunds) made on the payment (SDK model.Transaction).
	Transactions []transaction `json:"transactions"`
}

// transaction is one entry of inquiryPayment's transactions, as far as the adapter reads it.
type transaction struct {
	TransactionType      string      `json:"transactionType"`   // CAPTURE, REFUND, … (SDK model.TransactionType)
	TransactionStatus    string      `json:"transactionStatus"` // SUCCESS, FAIL, PROCESSING, … (SDK model.TransactionStatusType)
	TransactionAmount    *wireAmount `json:"transactionAmount"`
	TransactionRequestID string      `json:"transactionRequestId"` // the captureRequestId of a capture
	TransactionID        string      `json:"transactionId"`        // the captureId of a capture
	TransactionTime      string      `json:"transactionTime"`
}

// captureRequest is capture's body (SDK request/pay.AlipayCaptureRequest; docs ams/capture).
type captureRequest struct {
	CaptureRequestID string      `json:"captureRequestId"`
	PaymentID        string      `json:"paymentId"`
	CaptureAmount    *wireAmount `json:"captureAmount"`
	// IsLastCapture is "true" on a partial capture: the adapter makes one capture per payment, so the
	// rest of the authorization is released rather than left for another capture.
	IsLastCapture string `json:"isLastCapture,omitempty"`
}

// captureResponse is capture's answer (SDK response/pay.AlipayCaptureResponse).
type captureResponse struct {
	CaptureRequestID string      `json:"captureRequestId"`
	CaptureID        string      `json:"captureId"`
	PaymentID        string      `json:"paymentId"`
	CaptureAmount    *wireAmount `json:"captureAmount"`
	CaptureTime      string      `json:"captureTime"`
}

type cancelResponse struct {
	PaymentID        string `json:"paymentId"`
	PaymentRequestID string `json:"paymentRequestId"`
	CancelTime       string `json:"cancelTime"`
}

type refundRequest struct {
	RefundRequestID string      `json:"refundRequestId"`
	PaymentID       string      `json:"paymentId"`
	RefundAmount    *wireAmount `json:"refundAmount"`
	RefundReason    string      `json:"refundReason,omitempty"`
	RefundNotifyURL string      `json:"refundNotifyUrl,omitempty"`
	// No merchantAccountId: Antom's refund takes none (SDK AlipayRefundRequest); the paymentId names
	// the payment whatever account it was made under.
	Metadata string `json:"metadata,omitempty"`
}

type refundResponse struct {
	RefundRequestID string      `json:"refundRequestId"`
	RefundID        string      `json:"refundId"`
	PaymentID       string      `json:"paymentId"`
	RefundAmount    *wireAmount `json:"refundAmount"`
	RefundTime      string      `json:"refundTime"`
}

type refundRef struct {
	RefundRequestID   string `json:"refundRequestId,omitempty"`
	RefundID          string `json:"refundId,omitempty"`
	MerchantAccountID string `json:"merchantAccountId,omitempty"`
}

type inquiryRefundResponse struct {
	RefundID        string      `json:"refundId"`
	RefundRequestID string      `json:"refundRequestId"`
	RefundAmount    *wireAmount `json:"refundAmount"`
	RefundStatus    string      `json:"refundStatus"`
	RefundTime      string      `json:"refundTime"`
	Metadata        string      `json:"metadata"`
}

// refundMetadata is what the adapter sends as a refund's metadata. Neither notifyRefund nor
// inquiryRefund names the payment a refund belongs to, but both return the refund request's metadata
// as it was sent (Antom's notifyRefund docs: "metadata … returned when you specified it in the refund
// request"; SDK: AlipayRefundRequest, AlipayRefundNotify and AlipayInquiryRefundResponse .Metadata),
// so the payment's ids travel there.
type refundMetadata struct {
	PaymentID        string `json:"paymentId,omitempty"`
	PaymentRequestID string `json:"paymentRequestId,omitempty"`
}

// encode is m as the metadata string; ids are at most 64 characters each, far below Antom's 2048.
func (m refundMetadata) encode() string {
	b, _ := encodeJSON(m) // two strings always marshal
	return string(b)
}

// readRefundMetadata reads metadata the adapter sent. A refund made elsewhere (Antom Dashboard, another
// client) may carry none or any text: then the payment's ids are unknown, never an error.
func readRefundMetadata(s string) refundMetadata {
	var m refundMetadata
	if s == "" || json.Unmarshal([]byte(s), &m) != nil {
		return refundMetadata{}
	}
	return m
}

// notification is the union of notifyPayment, notifyRefund and notifyCapture, as far as the adapter
// reads them.
type notification struct {
	NotifyType        string      `json:"notifyType"`
	Result            *result     `json:"result"`
	PaymentRequestID  string      `json:"paymentRequestId"`
	PaymentID         string      `json:"paymentId"`
	PaymentAmount     *wireAmount `json:"paymentAmount"`
	PaymentCreateTime string      `json:"paymentCreateTime"`
	PaymentTime       string      `json:"paymentTime"`
	RefundStatus      string      `json:"refundStatus"`
	RefundRequestID   string      `json:"refundRequestId"`
	RefundID          string      `json:"refundId"`
	RefundAmount      *wireAmount `json:"refundAmount"`
	RefundTime        string      `json:"refundTime"`
	Metadata          string      `json:"metadata"`
	// notifyCapture (SDK notify.AlipayCaptureResultNotify).
	CaptureRequestID string      `json:"captureRequestId"`
	CaptureID        string      `json:"captureId"`
	CaptureAmount    *wireAmount `json:"captureAmount"`
	CaptureTime      string      `json:"captureTime"`
}
