package vai247

import "github.com/paygate-go/paygate/provider"

// The adapter surface every paygate adapter offers (provider.Adapter).
var _ provider.Adapter = (*Gateway)(nil)

// Close closes idle HTTP connections. The Gateway stays usable.
func (g *Gateway) Close() { g.tr.CloseIdleConnections() }

// Capabilities is the adapter's declaration for its Config: with RefundSigning on, refunds are
// deduped too.
func (g *Gateway) Capabilities() provider.Capabilities { return capabilities(g.cfg.RefundSigning) }

// Spec registers the adapter with the tools around it (provider/registry lists it). Its
// Capabilities are those of a Config with RefundSigning off.
func Spec() provider.Spec {
	return provider.Spec{
		Name:  Name,
		Title: "VAI247",
		// Required ones first, in the order the command lists the missing ones.
		Settings: []provider.Setting{
			{Env: EnvAppID, Flag: "app-id", Field: "AppID", Help: "the app id", Required: true},
			{Env: EnvAPIKey, Flag: "api-key", Field: "APIKey", Help: "the API key", Required: true, Secret: true},
			{Env: EnvStoreID, Flag: "store-id", Field: "StoreID", Help: "the store id", Required: true},
			{Env: EnvBaseURL, Flag: "base-url", Field: "BaseURL", Help: "the provider's API root"},
			{Env: EnvAPISecret, Flag: "api-secret", Field: "APISecret", Help: "the API secret", Secret: true, File: true, RequiredWith: EnvRefundSigning},
			{Env: EnvWebhookSecret, Flag: "webhook-secret", Field: "WebhookSecret", Help: "the webhook secret", Secret: true, File: true, Webhook: true},
			{Env: EnvRefundSigning, Flag: "refund-signing", Field: "RefundSigning", Help: "true to sign and deduplicate refunds", Bool: true},
		},
		Open: provider.OpenFunc(ConfigFromEnv, func(cfg *Config, c provider.Common) {
			cfg.HTTPClient, cfg.Logger, cfg.Retry = c.HTTPClient, c.Logger, c.Retry
		}, New),
		CreateHelp:   "(VAI247 takes no notify or return URL: its webhooks go to the URL set in its dashboard)",
		Capabilities: Capabilities(),
		Heads:        provider.TableHeads{Code: "`error.code`", Payment: "VAI247 `status`", Refund: "VAI247 refund `status`"},
		Codes:        CodeTable(),
		Payments:     PaymentStatusTable(),
		Refunds:      RefundStatusTable(),
	}
}
