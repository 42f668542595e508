package retry

import (
	"context"
	"sync/atomic"
)

// Budget counts the sends of one call. Wrap creates one per call and puts it in the context; an
// adapter's transport takes one unit for every retry it makes, and Wrap resends only while units
// remain. That is how transport retries and Wrap retries share one budget instead of multiplying.
// A Budget is safe for concurrent use.
type Budget struct {
	max  int64
	used atomic.Int64
}

// NewBudget returns a budget of max sends (at least 1).
func NewBudget(max int) *Budget {
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

type budgetKey struct{}

// WithBudget returns a context carrying b, for the transport below to draw from.
func WithBudget(ctx context.Context, b *Budget) context.Context {
	return context.WithValue(ctx, budgetKey{}, b)
}

// BudgetFrom returns the budget in ctx, or nil when the caller did not set one.
func BudgetFrom(ctx context.Context) *Budget {
	b, _ := ctx.Value(budgetKey{}).(*Budget)
	return b
}
