// Package budget counts the sends of one paygate call, so that the retries of retry.Wrap and of an
// adapter's HTTP transport (provider.Transport) share one limit instead of multiplying: Wrap makes a
// Budget of Policy.MaxAttempts sends per call and puts it in the context; the transport takes one
// unit for every retry it makes, and Wrap resends only while units remain.
//
// It is internal: callers set the limit through retry.Policy, never through a Budget.
package budget

import (
	"context"
	"sync/atomic"
)

// Budget counts the sends of one call. It is safe for concurrent use.
type Budget struct {
	max  int64
	used atomic.Int64
}

// New returns a budget of max sends (at least 1).
func New(max int) *Budget {
	if max < 1 {
		max = 1
	}
	return &Budget{max: int64(max)}
}

// Take uses one send. It reports false, using nothing, when the budget is spent.
func (b *Budget) Take() bool {
	for {
		u := b.used.Load()
		if u >= b.max {
			return false
		}
		if b.used.CompareAndSwap(u, u+1) {
			return true
		}
	}
}

// Spend records a send that happens whatever the budget says (the first send of a request).
func (b *Budget) Spend() { b.used.Add(1) }

// Used is how many sends were made.
func (b *Budget) Used() int { return int(b.used.Load()) }

// Left is how many sends remain.
func (b *Budget) Left() int { return max(0, int(b.max-b.used.Load())) }

type key struct{}

// With returns a context carrying b, for the transport below to draw from.
func With(ctx context.Context, b *Budget) context.Context {
	return context.WithValue(ctx, key{}, b)
}

// From returns the budget in ctx, or nil when the caller did not set one.
func From(ctx context.Context) *Budget {
	b, _ := ctx.Value(key{}).(*Budget)
	return b
}
