package waffo

import "encoding/json"

// CreateOptions are Waffo order fields that paygate.CreateRequest has no common field for. Put a
// CreateOptions or a *CreateOptions in CreateRequest.ProviderOptions (provider.Option reads both);
// other adapters ignore it.
type CreateOptions struct {
	// ProductName is paymentInfo.productName: ONE_TIME_PAYMENT (the default) or DIRECT_PAYMENT.
	ProductName string
	// SubMerchantID is merchantInfo.subMerchantId.
	SubMerchantID string
	// UserCurrency is the currency the user pays in, when it differs from the order currency.
	UserCurrency string
	// UserFirstName and UserLastName go to userInfo.
	UserFirstName, UserLastName string
	// SuccessRedirectURL, FailedRedirectURL and CancelRedirectURL override where the user lands; by
	// default success and failure both go to CreateRequest.ReturnURL.
	SuccessRedirectURL, FailedRedirectURL, CancelRedirectURL string
	// PayMethodProperties is paymentInfo.payMethodProperties, a JSON object as a string (cpf, cardPrefix…).
	PayMethodProperties string
	// CashierLanguage is an IETF BCP 47 tag such as "en-HK".
	CashierLanguage string
	// ExtendInfo is Waffo's reserved JSON string (≤ 128 characters).
	ExtendInfo string
	// Goods, Risk and Address are goodsInfo, riskData and addressInfo.
	Goods   *Goods
	Risk    *RiskData
	Address *Address
	// Extra adds top-level fields this type does not name (each value is raw JSON). A key the adapter
	// already sends is refused, so Extra cannot silently change an amount or id.
	Extra map[string]json.RawMessage
}

// Goods is Waffo's goodsInfo. Waffo wants goodsName and either goodsUrl or appName.
type Goods struct {
	GoodsID          string `json:"goodsId,omitempty"`
	GoodsName        string `json:"goodsName,omitempty"`
	SkuName          string `json:"skuName,omitempty"`
	GoodsUniquePrice string `json:"goodsUniquePrice,omitempty"`
	GoodsQuantity    int    `json:"goodsQuantity,omitempty"`
	GoodsCategory    string `json:"goodsCategory,omitempty"`
	GoodsURL         string `json:"goodsUrl,omitempty"`
	AppName          string `json:"appName,omitempty"`
}

// RiskData is Waffo's riskData.
type RiskData struct {
	UserType            string `json:"userType,omitempty"`
	UserCategory        string `json:"userCategory,omitempty"`
	UserLegalName       string `json:"userLegalName,omitempty"`
	UserDisplayName     string `json:"userDisplayName,omitempty"`
	UserRegistrationIP  string `json:"userRegistrationIp,omitempty"`
	UserLastSeenIP      string `json:"userLastSeenIp,omitempty"`
	UserIsNew           string `json:"userIsNew,omitempty"`
	UserIsFirstPurchase string `json:"userIsFirstPurchase,omitempty"`
}

// Address is Waffo's addressInfo (the shipping address).
type Address struct {
	Address            string `json:"address,omitempty"`
	City               string `json:"city,omitempty"`
	Region             string `json:"region,omitempty"`
	Postcode           string `json:"postcode,omitempty"`
	AddressCountryCode string `json:"addressCountryCode,omitempty"`
}

// RefundOptions are Waffo refund fields without a common paygate field. Put a RefundOptions or a
// *RefundOptions in RefundRequest.ProviderOptions.
type RefundOptions struct {
	// MerchantRefundOrderID is the merchant's own refund reference.
	MerchantRefundOrderID string
	// ExtendInfo is Waffo's reserved JSON string.
	ExtendInfo string
}
