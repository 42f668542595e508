// Package benchloop is the measuring loop the adapters' benchmarks share, so that each sub-benchmark
// (impl=adapter, impl=baseline) states only its setup, its operation and the check on its result, and
// both sides of a comparison are measured by the same code.
package benchloop

import (
	"sync/atomic"
	"testing"

	"github.com/paygate-go/paygate/internal/cputime"
)

// Measure reports allocations, resets the timer and calls op(i) for i in [0, b.N), stopping the
// benchmark with b.Fatal at the first error op returns: op does the operation and checks its result.
// It also reports the process's CPU time per op as cpu-ns/op (see cpuPerOp). The timed region holds
// the loop and one call of op per iteration, nothing else.
func Measure(b *testing.B, op func(i int) error) {
	b.Helper()
	b.ReportAllocs()
	b.ResetTimer()
	defer cpuPerOp(b)()
	for i := range b.N {
		if err := op(i); err != nil {
			b.Fatal(err)
		}
	}
}

// MeasureParallel is Measure for b.RunParallel with b.SetParallelism(parallelism): the goroutines
// share one counter and each call op with the next value of it, starting at 1. A goroutine whose op
// returns an error reports it with b.Error and stops; the others go on.
func MeasureParallel(b *testing.B, parallelism int, op func(i int64) error) {
	b.Helper()
	var n atomic.Int64
	b.SetParallelism(parallelism)
	b.ReportAllocs()
	b.ResetTimer()
	defer cpuPerOp(b)()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := op(n.Add(1)); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// cpuPerOp returns a func that, called at the end of the measured loop, reports the process's CPU
// time per op as cpu-ns/op: steadier than ns/op when other work shares the machine. The adapters'
// simulators run in the benchmark's process, so their CPU time counts too, as their time does in ns/op.
func cpuPerOp(b *testing.B) func() {
	start, ok := cputime.Used()
	return func() {
		if end, _ := cputime.Used(); ok && b.N > 0 {
			b.ReportMetric(float64(end-start)/float64(b.N), "cpu-ns/op")
		}
	}
}
