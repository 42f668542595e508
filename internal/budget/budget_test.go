package budget_test

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/paygate-go/paygate/internal/budget"
)

func TestBudget(t *testing.T) {
	b := budget.New(2)
	assert.True(t, b.Take())
	assert.True(t, b.Take())
	assert.False(t, b.Take())
	assert.Equal(t, 0, b.Left())
	b.Spend() // a forced send counts even when nothing is left
	assert.Equal(t, 3, b.Used())
	assert.Equal(t, 0, b.Left())

	assert.Equal(t, 1, budget.New(0).Left(), "at least one send")
	assert.Nil(t, budget.From(context.Background()))
	assert.Same(t, b, budget.From(budget.With(context.Background(), b)))
}

func TestBudgetConcurrentTakesNeverOverspend(t *testing.T) {
	b := budget.New(50)
	var wg sync.WaitGroup
	var mu sync.Mutex
	taken := 0
	for range 8 {
		wg.Go(func() {
			for range 20 {
				if b.Take() {
					mu.Lock()
					taken++
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	assert.Equal(t, 50, taken)
	assert.Equal(t, 50, b.Used())
}
