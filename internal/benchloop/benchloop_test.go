package benchloop

import (
	"errors"
	"sync/atomic"
	"testing"
)

func TestMeasureCallsOpWithEveryIndex(t *testing.T) {
	var calls, sum int
	var n int
	r := testing.Benchmark(func(b *testing.B) {
		calls, sum, n = 0, 0, b.N
		Measure(b, func(i int) error {
			calls++
			sum += i
			return nil
		})
	})
	if r.N != n || calls != n || sum != n*(n-1)/2 {
		t.Errorf("b.N %d: %d calls summing to %d", n, calls, sum)
	}
}

func TestMeasureStopsAtTheFirstError(t *testing.T) {
	var calls int
	r := testing.Benchmark(func(b *testing.B) {
		calls = 0
		Measure(b, func(int) error {
			calls++
			return errors.New("boom")
		})
	})
	if r.N != 0 || calls != 1 {
		t.Errorf("result %+v after %d calls, want a failed benchmark after 1", r, calls)
	}
}

func TestMeasureParallelCountsFromOne(t *testing.T) {
	var calls, zero atomic.Int64
	var n int
	testing.Benchmark(func(b *testing.B) {
		calls.Store(0)
		n = b.N
		MeasureParallel(b, 4, func(i int64) error {
			calls.Add(1)
			if i <= 0 {
				zero.Add(1)
			}
			return nil
		})
	})
	if calls.Load() != int64(n) || zero.Load() != 0 {
		t.Errorf("b.N %d: %d calls, %d with i < 1", n, calls.Load(), zero.Load())
	}
}
