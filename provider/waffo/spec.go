package waffo

import "github.com/paygate-go/paygate/provider"

// The adapter surface every paygate adapter offers (provider.Adapter).
var _ provider.Adapter = (*Gateway)(nil)

// Close closes the HTTP connections kept for reuse. The Gateway stays usable.
func (g *Gateway) Close() { g.tr.CloseIdleConnections() }

// Capabilities is the adapter's declaration: Capabilities(), the same for every Config.
func (g *Gateway) Capabilities() provider.Capabilities { return Capabilities() }

// Spec registers the adapter with the tools around it (provider/registry lists it).
func Spec() provider.Spec {
	return provider.Spec{
		Name:  Name,
		Title: "Waffo",
		// Required ones first, in the order the command lists the missing ones.
		Settings: []provider.Setting{
			{Env: EnvAPIKey, Flag: "api-key", Field: "APIKey", Help: "the API key", Required: true, Secret: true},
			{Env: EnvMerchantID, Flag: "merchant-id", Field: "MerchantID", Help: "the merchant id", Required: true},
			{Env: EnvPrivateKey, Flag: "private-key", Field: "PrivateKey", Help: "the merchant's private key, PEM or base64", Required: true, Secret: true, File: true},
			{Env: EnvPublicKey, Flag: "provider-public-key", Field: "WaffoPublicKey", Help: "the provider's public key, PEM or base64", Required: true, File: true},
			{Env: EnvBaseURL, Flag: "base-url", Field: "BaseURL", Help: "the provider's API root"},
		},
		Open: provider.OpenFunc(ConfigFromEnv, func(cfg *Config, c provider.Common) {
			cfg.HTTPClient, cfg.Logger, cfg.Retry = c.HTTPClient, c.Logger, c.Retry
		}, New),
		CreateHelp:   "--notify-url --email --customer-id",
		Capabilities: Capabilities(),
		Heads:        provider.TableHeads{Code: "Waffo code", Payment: "Waffo `orderStatus`", Refund: "Waffo `refundStatus`"},
		Codes:        CodeTable(),
		Payments:     PaymentStatusTable(),
		Refunds:      RefundStatusTable(),
	}
}
