package stripetest

import "github.com/paygate-go/paygate/provider/sim"

// Spec registers the simulator with the `paygate` command (provider/registry lists it next to
// stripe.Spec). Its webhook endpoint is set once, as in Stripe's dashboard. The names below are the
// stripe adapter's (STRIPE_* variables): this package cannot import the adapter, whose tests import it.
func Spec() sim.Spec {
	return sim.Spec{
		Name:             "stripe",
		DashboardWebhook: true,
		FailoverCode:     "amount_too_large", // 400 before execution: F LIMIT_EXCEEDED, nothing created
		UnknownCode:      "lock_timeout",     // 429 before execution: U, settled by a resend with the same key
		Chaos: sim.Chaos{
			// A declined confirmation (Fail) is not final at Stripe: the intent waits for another method.
			Settlements: []sim.Settlement{sim.Pay, sim.Expire},
			Faults:      Faults(),
			// Not api_error: Stripe saves a 500 under the Idempotency-Key and replays it to every
			// resend, and its search lags, so a create answered with it stays U until a person looks
			// (the conformance suite checks that; FaultCode.Replayed). The soak's unknown codes are
			// ones a resend settles: a 429 lock_timeout and a 409 key in use are not saved.
			UnknownCodes: []string{"lock_timeout", "idempotency_key_in_use"},
			RejectCodes:  []string{"amount_too_large"},
		},
		Start: func(o sim.StartOptions) (sim.Instance, error) {
			return instance{NewServer(Config{WebhookSchedule: o.Schedule(WebhookSchedule()), WebhookURL: o.WebhookURL})}, nil
		},
	}
}

// instance is a Server as sim.Instance.
type instance struct{ *Server }

func (i instance) BaseURL() string { return i.URL }

func (i instance) Env() map[string]string {
	return map[string]string{"STRIPE_BASE_URL": i.URL, "STRIPE_SECRET_KEY": i.SecretKey, "STRIPE_WEBHOOK_SECRET": i.WebhookSecret}
}

// File is the simulator's section of the file `paygate sim --out` writes.
type File struct {
	BaseURL       string            `json:"base_url"`
	SecretKey     string            `json:"secret_key"`
	WebhookSecret string            `json:"webhook_secret"`
	APIVersion    string            `json:"api_version"`
	Env           map[string]string `json:"env"`
}

func (i instance) File() (any, error) {
	return File{BaseURL: i.URL, SecretKey: i.SecretKey, WebhookSecret: i.WebhookSecret, APIVersion: APIVersion, Env: i.Env()}, nil
}
