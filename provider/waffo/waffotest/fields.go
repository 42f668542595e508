package waffotest

import (
	"slices"
	"sort"
	"strings"
)

// requestFields is, per endpoint, every request field Waffo documents, as dotted key paths: the API
// reference's request schemas (AcqOrderCreateRequest, AcqOrderInquiryRequest, AcqOrderCancelRequest,
// CaptureOrderRequest, AcqOrderRefundRequest, AcqOrderRefundInquiryRequest) and the official Go SDK's
// params types (order.CreateOrderParams, InquiryOrderParams, CancelOrderParams, CaptureOrderParams,
// RefundOrderParams, refund.InquiryRefundParams). paymentInfo.captureMode (create) is in both
// AcqOrderPaymentInfo and the SDK's order.PaymentInfo. A path ending in ".*" takes any key below it (an object the
// simulator does not look into). Waffo documents no refusal of other fields, so the simulator does not
// refuse them: it records them, and Undocumented reports them, so tests notice a client sending them.
var requestFields = map[string][]string{
	"/order/create": {
		// AcqOrderCreateRequest and CreateOrderParams
		"paymentRequestId", "merchantOrderId", "orderCurrency", "orderAmount", "userCurrency", "orderDescription",
		"orderRequestedAt", "orderExpiredAt", "successRedirectUrl", "failedRedirectUrl", "cancelRedirectUrl", "notifyUrl",
		"extendInfo",
		"merchantInfo", "merchantInfo.merchantId", "merchantInfo.subMerchantId",
		"userInfo", "userInfo.userId", "userInfo.userCreatedAt", "userInfo.userEmail", "userInfo.userPhone",
		"userInfo.userCountryCode", "userInfo.userTerminal", "userInfo.userFirstName", "userInfo.userLastName",
		"userInfo.userBrowserIp", "userInfo.userAgent", "userInfo.userReceiptUrl",
		"goodsInfo", "goodsInfo.goodsId", "goodsInfo.goodsName", "goodsInfo.skuName", "goodsInfo.goodsUniquePrice",
		"goodsInfo.goodsQuantity", "goodsInfo.goodsCategory", "goodsInfo.goodsUrl", "goodsInfo.appName",
		"paymentInfo", "paymentInfo.productName", "paymentInfo.payMethodType", "paymentInfo.payMethodName",
		"paymentInfo.payMethodProperties", "paymentInfo.payMethodResponse", "paymentInfo.userPaymentAccessToken",
		"paymentInfo.payMethodUserAccountNo", "paymentInfo.payMethodUserAccountType", "paymentInfo.payOption",
		"paymentInfo.cashierLanguage", "paymentInfo.cashierAppearance", "paymentInfo.payMethodCountry",
		"paymentInfo.captureMode", "paymentInfo.merchantInitiatedMode",
		"cardInfo.*", "paymentTokenData.*",
		"riskData", "riskData.userType", "riskData.userCategory", "riskData.userLegalName", "riskData.userDisplayName",
		"riskData.userRegistrationIp", "riskData.userLastSeenIp", "riskData.userIsNew", "riskData.userIsFirstPurchase",
		// addressInfo: the API reference's flat shipping address, or the SDK's shipping/billing pair
		"addressInfo", "addressInfo.address", "addressInfo.city", "addressInfo.region", "addressInfo.postcode",
		"addressInfo.addressCountryCode", "addressInfo.shippingAddress.*", "addressInfo.billingAddress.*",
		// CreateOrderParams only
		"brandInfo.*", "productDetail.*", "acqOrderExtSubscriptionInfo.*", "channelId", "innerCardData.*", "extraParams.*",
	},
	"/order/inquiry": {"paymentRequestId", "acquiringOrderId", "extraParams.*"},
	"/order/cancel":  {"paymentRequestId", "acquiringOrderId", "merchantId", "orderRequestedAt", "extraParams.*"},
	// CaptureOrderRequest and the SDK's order.CaptureOrderParams
	"/order/capture": {"paymentRequestId", "acquiringOrderId", "merchantId", "captureRequestedAt", "captureAmount", "extraParams.*"},
	"/order/refund": {
		"refundRequestId", "acquiringOrderId", "merchantRefundOrderId", "merchantId", "requestedAt", "refundAmount",
		"refundReason", "refundNotifyUrl", "extendInfo", "refundSource", "userInfo.*", "extraParams.*",
	},
	"/refund/inquiry": {"refundRequestId", "acquiringRefundOrderId", "extraParams.*"},
}

// RequestFields returns the documented request fields of an endpoint (a path below /api/v1, such as
// "/order/create"); nil for an endpoint the simulator does not serve.
func RequestFields(endpoint string) []string { return slices.Clone(requestFields[endpoint]) }

// undocumented returns the key paths of fields that endpoint's table does not name.
func undocumented(endpoint string, body map[string]any) []string {
	known := requestFields[endpoint]
	var out []string
	var walk func(prefix string, m map[string]any)
	walk = func(prefix string, m map[string]any) {
		for k, v := range m {
			p := prefix + k
			switch {
			case slices.Contains(known, p+".*"):
				continue
			case !slices.Contains(known, p):
				out = append(out, p)
				continue
			}
			if sub, ok := v.(map[string]any); ok {
				walk(p+".", sub)
			}
		}
	}
	walk("", body)
	sort.Strings(out)
	return out
}

// Undocumented lists the request fields the simulator received that Waffo does not document for their
// endpoint, each as "endpoint field" ("/order/inquiry merchantInfo"), in the order first seen.
func (s *Server) Undocumented() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.undocumented)
}

// noteUndocumented records a request's undocumented fields. Callers hold s.mu.
func (s *Server) noteUndocumented(endpoint string, body map[string]any) {
	for _, f := range undocumented(endpoint, body) {
		if e := endpoint + " " + f; !slices.Contains(s.undocumented, e) {
			s.undocumented = append(s.undocumented, e)
		}
	}
}

// endpointOf is the path below /api/v1.
func endpointOf(path string) string { return strings.TrimPrefix(path, "/api/v1") }
