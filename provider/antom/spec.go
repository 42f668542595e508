package antom

import "github.com/paygate-go/paygate/provider"

// The adapter surface every paygate adapter offers (provider.Adapter).
var _ provider.Adapter = (*Gateway)(nil)

// Capabilities is the adapter's declaration: Capabilities(), the same for every Config.
func (g *Gateway) Capabilities() provider.Capabilities { return Capabilities() }

// Spec registers the adapter with the tools around it (provider/registry lists it).
func Spec() provider.Spec {
	return provider.Spec{
		Name:  Name,
		Title: "Antom",
		// Required ones first, in the order the command lists the missing ones.
		Settings: []provider.Setting{
			{Env: EnvClientID, Flag: "client-id", Field: "ClientID", Help: "the client id", Required: true},
			{Env: EnvPrivateKey, Flag: "private-key", Field: "PrivateKey", Help: "the merchant's private key, PEM or base64", Required: true, Secret: true, File: true},
			{Env: EnvPublicKey, Flag: "provider-public-key", Field: "AntomPublicKey", Help: "the provider's public key, PEM or base64", Required: true, File: true},
			{Env: EnvBaseURL, Flag: "base-url", Field: "BaseURL", Help: "the provider's API root"},
			{Env: EnvKeyVersion, Flag: "key-version", Field: "KeyVersion", Help: "the key version"},
			{Env: EnvPaymentMethodType, Flag: "payment-method-type", Field: "PaymentMethodType", Help: "the payment method when a create names none"},
			{Env: EnvMerchantAccountID, Field: "MerchantAccountID", Help: "the merchant account id"}, // environment only: the command has no flag
		},
		Open: provider.OpenFunc(ConfigFromEnv, func(cfg *Config, c provider.Common) {
			cfg.HTTPClient, cfg.Logger, cfg.Retry = c.HTTPClient, c.Logger, c.Retry
		}, New),
		CreateHelp:   "--return-url, and --method-name (e.g. ALIPAY_CN) unless --payment-method-type or ANTOM_PAYMENT_METHOD_TYPE is set",
		Capabilities: Capabilities(),
		Heads:        provider.TableHeads{Code: "`resultCode`", Payment: "Antom `paymentStatus`", Refund: "Antom `refundStatus`"},
		Codes:        CodeTable(),
		Payments:     PaymentStatusTable(),
		Refunds:      RefundStatusTable(),
	}
}
