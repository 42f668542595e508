package antomtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"

	"github.com/paygate-go/paygate/money"
)

// result is Antom's result object, present in every response.
type result struct {
	ResultCode    string `json:"resultCode"`
	ResultStatus  string `json:"resultStatus"`
	ResultMessage string `json:"resultMessage"`
}

// amount is Antom's Amount: value is a string of minor units at Antom's digits.
type amount struct {
	Currency string `json:"currency"`
	Value    string `json:"value"`
}

// antomDigits are the decimal places Antom counts a currency's value in. Currencies not listed are
// refused with CURRENCY_NOT_SUPPORT.
var antomDigits = map[string]int{
	"CLP": 0, "JPY": 0, "KRW": 0, "VND": 0,
	"AUD": 2, "BDT": 2, "BRL": 2, "CAD": 2, "CNY": 2, "EUR": 2, "GBP": 2, "HKD": 2, "IDR": 2, "MXN": 2,
	"MYR": 2, "NZD": 2, "PEN": 2, "PHP": 2, "PKR": 2, "PLN": 2, "SGD": 2, "THB": 2, "TWD": 2, "USD": 2,
}

// Currencies returns the currencies the simulator accepts, with the decimal places Antom counts their
// value in.
func Currencies() map[string]int {
	out := make(map[string]int, len(antomDigits))
	for c, d := range antomDigits {
		out[c] = d
	}
	return out
}

// readAmount reads an Antom amount. code is the result code to answer when it is refused.
func readAmount(a *amount, field string) (money.Amount, string, error) {
	if a == nil || a.Currency == "" || a.Value == "" {
		return money.Amount{}, "PARAM_ILLEGAL", fmt.Errorf("%s is required, with currency and value", field)
	}
	digits, ok := antomDigits[a.Currency]
	if !ok {
		return money.Amount{}, "CURRENCY_NOT_SUPPORT", fmt.Errorf("%s.currency %q is not supported", field, a.Currency)
	}
	v := a.Value
	for i := 0; i < len(v); i++ {
		if v[i] < '0' || v[i] > '9' {
			return money.Amount{}, "PARAM_ILLEGAL", fmt.Errorf("%s.value %q is not a positive integer of minor units", field, v)
		}
	}
	if v[0] == '0' {
		return money.Amount{}, "PARAM_ILLEGAL", fmt.Errorf("%s.value %q is not a positive integer of minor units", field, v)
	}
	minor, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return money.Amount{}, "PARAM_ILLEGAL", fmt.Errorf("%s.value %q is out of range", field, v)
	}
	m, err := money.FromMinorAt(minor, a.Currency, digits)
	if err != nil {
		return money.Amount{}, "CURRENCY_NOT_SUPPORT", fmt.Errorf("%s: %v", field, err)
	}
	return m, "", nil
}

// writeAmount is a's Antom form.
func writeAmount(a money.Amount) *amount {
	minor, err := a.MinorAt(antomDigits[a.Currency()])
	if err != nil { // unreachable: only amounts read with readAmount are written back
		panic("antomtest: " + err.Error())
	}
	return &amount{Currency: a.Currency(), Value: strconv.FormatInt(minor, 10)}
}

// sdkScalars are the request fields Antom's official Go SDK (global-open-sdk-go v1.3.5, request/pay)
// sends as JSON numbers or booleans although the docs say every non-array field is a string: each is
// accepted as the SDK's type or as a string. "[]" stands for any array element. Every other scalar
// must be a string, as the docs require: an amount's value sent as a number is PARAM_ILLEGAL.
var sdkScalars = map[string]string{
	// AlipayPayRequest, and the model types it holds (Env, Order, Buyer, BrowserInfo, …).
	"isAuthorization":                                            "bool", // AlipayPayRequest.IsAuthorization
	"dualOfflinePayment":                                         "bool", // AlipayPayRequest.DualOfflinePayment
	"env.timeZoneOffset":                                         "int",  // model.Env.TimeZoneOffset int32
	"env.browserInfo.javaEnabled":                                "bool", // model.BrowserInfo.JavaEnabled
	"env.browserInfo.javaScriptEnabled":                          "bool", // model.BrowserInfo.JavaScriptEnabled
	"order.env.timeZoneOffset":                                   "int",  // model.Order.Env → model.Env
	"order.env.browserInfo.javaEnabled":                          "bool",
	"order.env.browserInfo.javaScriptEnabled":                    "bool",
	"order.buyer.isAccountVerified":                              "bool", // model.Buyer.IsAccountVerified
	"order.buyer.successfulOrderCount":                           "int",  // model.Buyer.SuccessfulOrderCount int32
	"order.needDeclaration":                                      "bool", // model.Order.NeedDeclaration
	"order.lodging.numberOfNights":                               "int",  // model.Lodging
	"order.lodging.numberOfRooms":                                "int",
	"order.shipping.deliveryEstimate.maximum.value":              "int", // model.DeliveryEstimateInfo.Value int32
	"order.shipping.deliveryEstimate.minimum.value":              "int",
	"paymentFactor.isAuthorization":                              "bool", // model.PaymentFactor
	"paymentFactor.isPaymentEvaluation":                          "bool",
	"paymentMethod.requireIssuerAuthentication":                  "bool", // model.PaymentMethod
	"paymentMethod.paymentMethodMetaData":                        "any",  // model.PaymentMethod: map[string]any
	"payToMethod.requireIssuerAuthentication":                    "bool",
	"payToMethod.paymentMethodMetaData":                          "any",
	"paymentQuote.guaranteed":                                    "bool",   // model.Quote.Guaranteed
	"paymentQuote.quotePrice":                                    "number", // model.Quote.QuotePrice float32
	"creditPayPlan.installmentNum":                               "int",    // model.CreditPayPlan
	"creditPayPlan.feePercentage":                                "int",
	"subscriptionInfo.allowRetry":                                "bool", // model.SubscriptionInfo and what it holds
	"subscriptionInfo.currentPhaseNo":                            "int",
	"subscriptionInfo.periodCount":                               "int",
	"subscriptionInfo.periodRule.period":                         "int",
	"subscriptionInfo.periodRule.periodCount":                    "int",
	"subscriptionInfo.trialPlan.freeTrialDays":                   "int",
	"subscriptionInfo.trialPlan.phases[].phaseNo":                "int",
	"subscriptionInfo.trials[].trialEndPeriod":                   "int",
	"subscriptionInfo.trials[].trialPeriod":                      "int",
	"subscriptionInfo.trials[].trialStartPeriod":                 "int",
	"subscriptionInfo.paymentMethod.requireIssuerAuthentication": "bool",
	"subscriptionInfo.paymentMethod.paymentMethodMetaData":       "any",
	// AlipayRefundRequest.
	"isAsyncRefund": "bool",
	// AlipayCaptureRequest.
	"isLastCapture": "bool",
}

// checkScalars reports the first scalar that is neither a JSON string nor, at a path in sdkScalars,
// of the type the SDK sends there: "20" or (where the SDK sends a number) 20, never 20 elsewhere.
func checkScalars(body []byte) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return fmt.Errorf("the body is not JSON: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("data after the JSON body")
	}
	if _, ok := v.(map[string]any); !ok {
		return fmt.Errorf("the body is not a JSON object")
	}
	return walkScalars("", v)
}

func walkScalars(path string, v any) error {
	kind := sdkScalars[path]
	if kind == "any" {
		return nil
	}
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			p := k
			if path != "" {
				p = path + "." + k
			}
			if err := walkScalars(p, e); err != nil {
				return err
			}
		}
	case []any:
		for _, e := range x {
			if err := walkScalars(path+"[]", e); err != nil {
				return err
			}
		}
	case string, nil:
	case bool:
		if kind != "bool" {
			return fmt.Errorf("field %s must be a JSON string (Antom takes every non-array field as a string), got %v", path, x)
		}
	case json.Number:
		if _, err := x.Int64(); (kind == "int" && err == nil) || kind == "number" {
			return nil
		}
		return fmt.Errorf("field %s must be a JSON string (Antom takes every non-array field as a string), got %v", path, x)
	}
	return nil
}

// encode marshals v without HTML escaping.
func encode(v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil { // unreachable: the simulator's types all marshal
		panic("antomtest: " + err.Error())
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

// payRequest is the body of pay, as far as the simulator reads it.
type payRequest struct {
	ProductCode      string `json:"productCode"`
	PaymentRequestID string `json:"paymentRequestId"`
	Order            *struct {
		ReferenceOrderID string  `json:"referenceOrderId"`
		OrderDescription string  `json:"orderDescription"`
		OrderAmount      *amount `json:"orderAmount"`
		Env              *struct {
			TerminalType string `json:"terminalType"`
			OSType       string `json:"osType"`
		} `json:"env"`
	} `json:"order"`
	// env is where Antom's cashier-payment guide puts the terminal (its pay examples have no
	// order.env); the SDK's own pay demo uses order.env. Either is read.
	Env *struct {
		TerminalType string `json:"terminalType"`
		OSType       string `json:"osType"`
	} `json:"env"`
	PaymentAmount *amount `json:"paymentAmount"`
	PaymentMethod *struct {
		PaymentMethodType string `json:"paymentMethodType"`
	} `json:"paymentMethod"`
	PaymentRedirectURL string `json:"paymentRedirectUrl"`
	PaymentNotifyURL   string `json:"paymentNotifyUrl"`
	PaymentExpiryTime  string `json:"paymentExpiryTime"`
	MerchantAccountID  string `json:"merchantAccountId"`
	// paymentFactor.captureMode: MANUAL holds the money until capture; AUTOMATIC or none captures it
	// when paid (SDK model.PaymentFactor.CaptureMode; docs: cashierpay "Capture").
	PaymentFactor *struct {
		CaptureMode string `json:"captureMode"`
	} `json:"paymentFactor"`
}

type payResponse struct {
	Result            result  `json:"result"`
	PaymentRequestID  string  `json:"paymentRequestId,omitempty"`
	PaymentID         string  `json:"paymentId,omitempty"`
	PaymentAmount     *amount `json:"paymentAmount,omitempty"`
	PaymentCreateTime string  `json:"paymentCreateTime,omitempty"`
	NormalURL         string  `json:"normalUrl,omitempty"`
	SchemeURL         string  `json:"schemeUrl,omitempty"`
	ApplinkURL        string  `json:"applinkUrl,omitempty"`
}

// paymentRef is the body of inquiryPayment and cancel.
type paymentRef struct {
	PaymentRequestID  string `json:"paymentRequestId"`
	PaymentID         string `json:"paymentId"`
	MerchantAccountID string `json:"merchantAccountId"`
}

type inquiryResponse struct {
	Result               result  `json:"result"`
	PaymentStatus        string  `json:"paymentStatus,omitempty"`
	PaymentResultCode    string  `json:"paymentResultCode,omitempty"`
	PaymentResultMessage string  `json:"paymentResultMessage,omitempty"`
	PaymentRequestID     string  `json:"paymentRequestId,omitempty"`
	PaymentID            string  `json:"paymentId,omitempty"`
	PaymentAmount        *amount `json:"paymentAmount,omitempty"`
	PaymentCreateTime    string  `json:"paymentCreateTime,omitempty"`
	PaymentTime          string  `json:"paymentTime,omitempty"`
	// A manual-capture payment: when its authorization lapses, and its capture.
	AuthExpiryTime string        `json:"authExpiryTime,omitempty"`
	Transactions   []transaction `json:"transactions,omitempty"`
}

// transaction is an entry of inquiryPayment's transactions (SDK model.Transaction).
type transaction struct {
	TransactionResult    *result `json:"transactionResult,omitempty"`
	TransactionID        string  `json:"transactionId"`
	TransactionType      string  `json:"transactionType"`
	TransactionStatus    string  `json:"transactionStatus"`
	TransactionAmount    *amount `json:"transactionAmount"`
	TransactionRequestID string  `json:"transactionRequestId"`
	TransactionTime      string  `json:"transactionTime,omitempty"`
}

// captureRequest is the body of capture (SDK AlipayCaptureRequest; docs ams/capture).
type captureRequest struct {
	CaptureRequestID string  `json:"captureRequestId"`
	PaymentID        string  `json:"paymentId"`
	CaptureAmount    *amount `json:"captureAmount"`
	IsLastCapture    any     `json:"isLastCapture"` // "true"/"false" as the docs say, or the SDK's bool
}

type captureResponse struct {
	Result           result  `json:"result"`
	CaptureRequestID string  `json:"captureRequestId,omitempty"`
	CaptureID        string  `json:"captureId,omitempty"`
	PaymentID        string  `json:"paymentId,omitempty"`
	CaptureAmount    *amount `json:"captureAmount,omitempty"`
	CaptureTime      string  `json:"captureTime,omitempty"`
}

type captureNotification struct {
	NotifyType       string  `json:"notifyType"`
	Result           result  `json:"result"`
	CaptureRequestID string  `json:"captureRequestId"`
	PaymentID        string  `json:"paymentId"`
	CaptureID        string  `json:"captureId"`
	CaptureAmount    *amount `json:"captureAmount"`
	CaptureTime      string  `json:"captureTime,omitempty"`
}

type cancelResponse struct {
	Result           result `json:"result"`
	PaymentID        string `json:"paymentId,omitempty"`
	PaymentRequestID string `json:"paymentRequestId,omitempty"`
	CancelTime       string `json:"cancelTime,omitempty"`
}

type refundRequest struct {
	RefundRequestID   string  `json:"refundRequestId"`
	PaymentID         string  `json:"paymentId"`
	RefundAmount      *amount `json:"refundAmount"`
	RefundReason      string  `json:"refundReason"`
	RefundNotifyURL   string  `json:"refundNotifyUrl"`
	MerchantAccountID string  `json:"merchantAccountId"`
	Metadata          string  `json:"metadata"` // returned as is in notifyRefund and inquiryRefund
}

type refundResponse struct {
	Result          result  `json:"result"`
	RefundRequestID string  `json:"refundRequestId,omitempty"`
	RefundID        string  `json:"refundId,omitempty"`
	PaymentID       string  `json:"paymentId,omitempty"`
	RefundAmount    *amount `json:"refundAmount,omitempty"`
	RefundTime      string  `json:"refundTime,omitempty"`
}

type refundRef struct {
	RefundRequestID   string `json:"refundRequestId"`
	RefundID          string `json:"refundId"`
	MerchantAccountID string `json:"merchantAccountId"`
}

type inquiryRefundResponse struct {
	Result          result  `json:"result"`
	RefundID        string  `json:"refundId,omitempty"`
	RefundRequestID string  `json:"refundRequestId,omitempty"`
	RefundAmount    *amount `json:"refundAmount,omitempty"`
	RefundStatus    string  `json:"refundStatus,omitempty"`
	RefundTime      string  `json:"refundTime,omitempty"`
	Metadata        string  `json:"metadata,omitempty"`
}

type paymentNotification struct {
	NotifyType        string  `json:"notifyType"`
	Result            result  `json:"result"`
	PaymentRequestID  string  `json:"paymentRequestId"`
	PaymentID         string  `json:"paymentId"`
	PaymentAmount     *amount `json:"paymentAmount"`
	PaymentCreateTime string  `json:"paymentCreateTime,omitempty"`
	PaymentTime       string  `json:"paymentTime,omitempty"`
}

type refundNotification struct {
	NotifyType      string  `json:"notifyType"`
	Result          result  `json:"result"`
	RefundStatus    string  `json:"refundStatus"`
	RefundRequestID string  `json:"refundRequestId"`
	RefundID        string  `json:"refundId"`
	RefundAmount    *amount `json:"refundAmount"`
	RefundTime      string  `json:"refundTime,omitempty"`
	Metadata        string  `json:"metadata,omitempty"`
}
