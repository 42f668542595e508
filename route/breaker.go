package route

import (
	"context"
	"errors"
	"time"

	"github.com/sony/gobreaker/v2"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/retry"
	"github.com/paygate-go/paygate/status"
)

// BreakerSettings configure the circuit breaker the router keeps for each provider. While a provider's
// breaker is open the router sends it nothing: new creates go to the next candidate, and calls that can
// only go to that provider (follow-ups of its payments) are refused as F UNAVAILABLE without a request
// (or U, when an earlier call for the same write is still unknown). Zero fields take the defaults.
type BreakerSettings struct {
	// Failures is how many failures in a row open the breaker (default 5). A failure is a U answer, or
	// an F saying the provider is unavailable, rate limiting or timing out.
	Failures int
	// OpenFor is how long the breaker stays open before it lets probe requests through (default 30 s).
	OpenFor time.Duration
	// Probes is how many requests may run while half-open; that many successes close it (default 1).
	Probes int
	// Window clears the failure count of a closed breaker this often (default 1 minute).
	Window time.Duration
	// OnStateChange, when set, is told every change: from and to are "closed", "half-open", "open".
	OnStateChange func(provider, from, to string)
}

func (s BreakerSettings) withDefaults() BreakerSettings {
	if s.Failures <= 0 {
		s.Failures = 5
	}
	if s.OpenFor <= 0 {
		s.OpenFor = 30 * time.Second
	}
	if s.Probes <= 0 {
		s.Probes = 1
	}
	if s.Window <= 0 {
		s.Window = time.Minute
	}
	return s
}

// errNotCalled tells the breaker that a slot it granted was not used (the journal write failed).
var errNotCalled = errors.New("route: provider not called")

func newBreaker(name string, s BreakerSettings) *gobreaker.TwoStepCircuitBreaker[struct{}] {
	failures := uint32(s.Failures)
	return gobreaker.NewTwoStepCircuitBreaker[struct{}](gobreaker.Settings{
		Name:        name,
		MaxRequests: uint32(s.Probes),
		Interval:    s.Window,
		Timeout:     s.OpenFor,
		ReadyToTrip: func(c gobreaker.Counts) bool { return c.ConsecutiveFailures >= failures },
		OnStateChange: func(name string, from, to gobreaker.State) {
			if s.OnStateChange != nil {
				s.OnStateChange(name, from.String(), to.String())
			}
		},
		IsSuccessful: func(err error) bool { return !unhealthy(err) },
		// The caller giving up says nothing about the provider; neither does a call never made.
		IsExcluded: func(err error) bool { return errors.Is(err, context.Canceled) || errors.Is(err, errNotCalled) },
	})
}

// unhealthy reports whether err says the provider itself is in trouble (as opposed to a business
// answer such as a decline, which proves it works).
func unhealthy(err error) bool {
	if err == nil {
		return false
	}
	switch paygate.OutcomeOf(err) {
	case status.Unknown:
		// The provider answered, and its answer is healthy though not final: a lookup in an index
		// that lags (Stripe's search) found nothing yet, or the same request is still in progress.
		switch paygate.CodeOf(err) {
		case status.CodeNotFound, status.CodeInProgress:
			return false
		}
		return true
	case status.Failure:
		switch paygate.CodeOf(err) {
		case status.CodeUnavailable, status.CodeRateLimited, status.CodeTimeout:
			return true
		}
	}
	return false
}

// breakerOpen is the F for a call the breaker of provider refused: nothing was sent.
func breakerOpen(provider string, op paygate.Op, cause error) *paygate.Error {
	return &paygate.Error{
		Provider: provider, Op: op, Outcome: status.Failure, Code: status.CodeUnavailable,
		Message: "the router's circuit breaker for " + provider + " is open after repeated failures, so nothing was sent; try again after it recovers",
		Err:     errors.Join(retry.ErrNotSent, cause),
	}
}
