package vai247test

import "github.com/paygate-go/paygate/provider/sim"

// Spec registers the simulator with the `paygate` command (provider/registry lists it next to
// vai247.Spec). It requires refund signing, and its notification URL is set once, as in VAI247's
// dashboard (StartOptions.WebhookURL). The names below are vai247's (vai247.Name, vai247.Env…): this
// package cannot import vai247, whose tests import it; the registry's test checks that they agree.
func Spec() sim.Spec {
	return sim.Spec{
		Name:             "vai247",
		DashboardWebhook: true,
		FailoverCode:     "unsupported_currency", // HTTP 400: F UNSUPPORTED_CURRENCY
		UnknownCode:      "internal_error",
		Chaos: sim.Chaos{
			// VAI247's failed is not final (the adapter reports it Pending), so customers pay or abandon.
			Settlements:  []sim.Settlement{sim.Pay, sim.Expire},
			Faults:       []sim.FaultKind{sim.DropBeforeProcessing, sim.LoseReply, sim.DelayReply, sim.ReplyStatus, sim.ReplyCode, sim.CorruptBody},
			UnknownCodes: []string{"internal_error", "service_unavailable"},
			RejectCodes:  []string{"unsupported_currency"},
		},
		Start: func(o sim.StartOptions) (sim.Instance, error) {
			s := NewServer(Config{ // its webhook secret is generated
				RefundSigning:   true,
				WebhookSchedule: o.Schedule(WebhookSchedule()),
			})
			if o.WebhookURL != "" {
				s.SetWebhookURL(o.WebhookURL)
			}
			return instance{s}, nil
		},
	}
}

// ClearFaults drops every fault still queued.
func (s *Server) ClearFaults() { s.faults.Clear() }

// instance is a Server as sim.Instance.
type instance struct{ *Server }

func (i instance) BaseURL() string { return i.URL }

func (i instance) Env() map[string]string {
	return map[string]string{
		"VAI247_BASE_URL": i.URL, "VAI247_APP_ID": i.AppID, "VAI247_API_KEY": i.APIKey, "VAI247_API_SECRET": i.APISecret,
		"VAI247_STORE_ID": i.StoreID, "VAI247_WEBHOOK_SECRET": i.WebhookSecret, "VAI247_REFUND_SIGNING": "true",
	}
}

// File is the simulator's section of the file `paygate sim --out` writes.
type File struct {
	BaseURL       string            `json:"base_url"`
	AppID         string            `json:"app_id"`
	APIKey        string            `json:"api_key"`
	APISecret     string            `json:"api_secret"`
	StoreID       string            `json:"store_id"`
	WebhookSecret string            `json:"webhook_secret"`
	RefundSigning bool              `json:"refund_signing"`
	Env           map[string]string `json:"env"`
}

func (i instance) File() (any, error) {
	return File{BaseURL: i.URL, AppID: i.AppID, APIKey: i.APIKey, APISecret: i.APISecret, StoreID: i.StoreID,
		WebhookSecret: i.WebhookSecret, RefundSigning: true, Env: i.Env()}, nil
}
