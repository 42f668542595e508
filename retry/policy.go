package retry

import (
	"math/rand/v2"
	"time"

	"go.uber.org/zap"
)

// Policy says how often and how long a call is retried and resolved. Zero fields take the value of
// [Default]; so does a zero Policy.
type Policy struct {
	// MaxAttempts is how many times one call may be sent, the first send included, counting the
	// transport's retries and Wrap's together. 1 means never resend.
	MaxAttempts int
	// BaseDelay is the wait after the first U; each further wait doubles, with jitter.
	BaseDelay time.Duration
	// MaxDelay caps one wait. A provider's Retry-After longer than this ends the retries instead.
	MaxDelay time.Duration
	// ResolveFor is how long Wrap keeps resolving a write that is still U by inquiry, counted from
	// the moment the attempts ran out. Negative disables resolution (U is returned at once).
	ResolveFor time.Duration
	// Logger receives one entry per attempt; nil logs nothing.
	Logger *zap.Logger
}

// Default is the policy adapters and Wrap use when none is given: 3 sends per call, 200 ms doubling to
// at most 5 s between them, then up to 1 minute of inquiries for a write that is still unknown.
func Default() Policy {
	return Policy{MaxAttempts: 3, BaseDelay: 200 * time.Millisecond, MaxDelay: 5 * time.Second, ResolveFor: time.Minute}
}

// WithDefaults returns p with every zero field taken from [Default].
func (p Policy) WithDefaults() Policy {
	d := Default()
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = d.MaxAttempts
	}
	if p.BaseDelay <= 0 {
		p.BaseDelay = d.BaseDelay
	}
	if p.MaxDelay <= 0 {
		p.MaxDelay = d.MaxDelay
	}
	if p.MaxDelay < p.BaseDelay {
		p.MaxDelay = p.BaseDelay
	}
	if p.ResolveFor == 0 {
		p.ResolveFor = d.ResolveFor
	}
	if p.Logger == nil {
		p.Logger = zap.NewNop()
	}
	return p
}

// Backoff is the wait after the n-th failed try (n ≥ 1): BaseDelay·2^(n-1), capped at MaxDelay, with
// "equal jitter" (a random point in the upper half) so that many clients retrying at once spread out.
func (p Policy) Backoff(n int) time.Duration {
	if p.BaseDelay <= 0 || p.MaxDelay < p.BaseDelay {
		p = p.WithDefaults()
	}
	d := p.MaxDelay
	if n < 1 {
		n = 1
	}
	if n <= 32 {
		if e := p.BaseDelay << (n - 1); e > 0 && e < p.MaxDelay {
			d = e
		}
	}
	half := d / 2
	return half + rand.N(d-half+1)
}
